"""The admin pages as the personas open them show values as a Vietnamese official reads them:
dates dd/mm/yyyy, "Có"/"Không", nothing or "—" for an empty value, and deadlines of open
items as a date with "còn N ngày" / "quá hạn N ngày" — never "None", "True", an ISO
timestamp, or a relative time such as "8 tháng trước"."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audits import services as audit_services
from qms.certification import services as cert_services
from qms.certification.models import EvidenceKind, InspectionMethod
from tests.audits.builders import completed_audit, make_audit, raise_nc
from tests.uploads import pdf_upload

BAD = [
    (re.compile(r">\s*None\s*<"), "None"),
    (re.compile(r">\s*(True|False)\s*<"), "True/False"),
    (re.compile(r"\b\d{4}-\d\d-\d\d\b"), "ISO date"),
    (re.compile(r"Vừa xong|\d+ (?:ngày|tuần|tháng|năm|giờ|phút) trước"), "relative time"),
]


def visible_text(html: str) -> str:
    """The page without its scripts, styles and attribute values (what a user reads)."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", "", html, flags=re.S | re.I)
    return re.sub(r'\s[\w:-]+="[^"]*"', "", html)


def problems_of(html: str) -> list[str]:
    text = visible_text(html)
    found = []
    for pattern, label in BAD:
        for match in pattern.finditer(text):
            found.append(f"{label}: …{text[max(0, match.start() - 120) : match.end() + 40]}…")
    return found


@pytest.fixture
def audit_data(world):
    plan, major, minor = completed_audit(world)
    today = timezone.localdate()
    late = raise_nc(
        world, make_audit(world, commune=world.commune_b, year=today.year - 1), due=today - datetime.timedelta(days=240)
    ).corrective_action
    review = audit_services.create_review(
        acting_user=world.leader_a,
        commune=world.commune_a,
        year=today.year,
        title="Họp xem xét của lãnh đạo",
        planned_on=today + datetime.timedelta(days=20),
        chair=world.leader_a,
    )
    audit_services.assemble_review_inputs(acting_user=world.leader_a, review=review)
    audit_services.add_decision(
        acting_user=world.leader_a,
        review=review,
        topic="improvement",
        text="Bổ sung người trực một cửa.",
        owner=world.iso_a,
        due_date=today + datetime.timedelta(days=5),
        track=True,
    )
    objective = audit_services.save_objective(
        acting_user=world.iso_a,
        commune=world.commune_a,
        year=today.year,
        statement="Đúng hạn 100%",
        target="100%",
    )
    training = audit_services.save_training(
        acting_user=world.iso_a,
        auditor=plan.lead_auditor,
        course="Đánh giá viên nội bộ",
        issued_on=datetime.date(2025, 3, 1),
        issuer="Trung tâm Năng suất",
    )
    cert_services.add_evidence(
        commune=world.commune_a,
        kind=EvidenceKind.STEERING_BOARD,
        title="Quyết định thành lập Ban chỉ đạo ISO",
        reference="12/QĐ-UBND",
        issued_on=today - datetime.timedelta(days=400),
        file=pdf_upload("ban-chi-dao.pdf"),
        acting_user=world.iso_a,
    )
    cert_services.record_inspection(
        commune=world.commune_a,
        inspected_on=today - datetime.timedelta(days=100),
        method=InspectionMethod.ON_SITE,
        agency="Sở Khoa học và Công nghệ",
        conclusions=[("Chưa niêm yết quyết định công bố.", True)],
        acting_user=world.province,
    )
    return {"plan": plan, "major": major, "late": late, "review": review, "objective": objective, "training": training}


def pages(world, data) -> list[str]:
    plan, late = data["plan"], data["late"]
    urls = [
        reverse(f"audits_{name}:index")
        for name in ("programmes", "plans", "findings", "actions", "reviews", "objectives", "auditors", "trainings")
    ]
    urls += [
        reverse("audits_programmes:inspect", args=[plan.programme_id]),
        reverse("audits_plans:inspect", args=[plan.pk]),
        reverse("audits_findings:inspect", args=[data["major"].pk]),
        reverse("audits_actions:inspect", args=[data["major"].corrective_action.pk]),
        reverse("audits_actions:inspect", args=[late.pk]),
        reverse("audits_reviews:inspect", args=[data["review"].pk]),
        reverse("audits_objectives:inspect", args=[data["objective"].pk]),
        reverse("audits_auditors:inspect", args=[plan.lead_auditor_id]),
        reverse("audits_trainings:inspect", args=[data["training"].pk]),
        reverse("notifications:inbox"),
        reverse("certification:commune", args=[world.commune_a.pk]),
        reverse("update_flags:index"),
        reverse("communes:index"),
        reverse("communes:inspect", args=[world.commune_a.pk]),
    ]
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["iso_a", "leader_a", "auditor_a", "iso_b", "district"])
def test_admin_pages_show_values_as_an_official_reads_them(client, world, audit_data, persona):
    client.force_login(getattr(world, persona))
    found = {}
    for url in pages(world, audit_data):
        response = client.get(url)
        if response.status_code in (302, 403, 404):  # not this persona's page
            continue
        assert response.status_code == 200, (url, response.status_code)
        if problems := problems_of(response.content.decode()):
            found[url] = problems[:3]
    assert not found, found


@pytest.mark.django_db
def test_deadlines_of_open_actions_show_the_date_and_days_left_or_late(client, world, audit_data):
    late = audit_data["late"]
    client.force_login(world.iso_b)
    index = visible_text(client.get(reverse("audits_actions:index")).content.decode())
    assert late.due_date.strftime("%d/%m/%Y") in index
    assert "quá hạn 240 ngày" in index.lower()
    inspect = visible_text(client.get(reverse("audits_actions:inspect", args=[late.pk])).content.decode())
    assert "quá hạn 240 ngày" in inspect.lower()
    closed = audit_data["major"].corrective_action
    client.force_login(world.iso_a)
    review = visible_text(
        client.get(reverse("audits_reviews:inspect", args=[audit_data["review"].pk])).content.decode()
    )
    assert "còn 5 ngày" in review
    closed_page = visible_text(client.get(reverse("audits_actions:inspect", args=[closed.pk])).content.decode())
    assert closed.due_date.strftime("%d/%m/%Y") in closed_page and "quá hạn" not in closed_page.lower()


@pytest.mark.django_db
def test_finding_and_action_rows_link_to_their_pages(client, world, audit_data):
    finding, action = audit_data["major"], audit_data["late"]
    client.force_login(world.auditor_a)
    findings = client.get(reverse("audits_findings:index")).content.decode()
    assert f'href="{reverse("audits_findings:inspect", args=[finding.pk])}"' in findings
    client.force_login(world.district)
    actions = client.get(reverse("audits_actions:index")).content.decode()
    assert f'href="{reverse("audits_actions:inspect", args=[action.pk])}"' in actions
    assert f'href="{reverse("audits_actions:edit", args=[action.pk])}"' not in actions
