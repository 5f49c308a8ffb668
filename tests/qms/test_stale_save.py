"""Two officers edit the same record: the later save, based on what the page showed
before the first one saved, is refused with a message naming who saved and when;
nothing of it is saved, and the first officer's change stays."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits import selectors as audit_selectors
from audits import services as audit_services
from audits.models import AuditedProcess, ManagementReview
from processes import services as process_services
from qms.certification import services as certification_services
from qms.certification.models import ProgressTarget
from qms.concurrency import TOKEN_FIELD
from qms.units.models import Commune, Role
from tests.audits.builders import make_audit, make_review, raise_nc
from tests.browser_forms import fill, open_form
from tests.processes.helpers import make_procedure
from tests.stale_save import MISSING, colleague, logged_in, moments

STALE = "đã được Nguyễn Văn An lưu lúc {time} sau khi bạn mở. Hãy tải lại trang để xem thay đổi rồi sửa lại."


@dataclass
class Case:
    """The field the two officers change, and what each of them types."""

    field: str
    role: str
    first: dict
    second: dict
    expected_first: str
    expected_second: str
    success: int = 302


def _edit_page(url_name: str, obj, field: str):
    """The edit page of ``obj`` and a reader of the stored ``field``."""
    return reverse(url_name, args=[obj.pk]), lambda: getattr(type(obj).objects.get(pk=obj.pk), field)


def _plan(world):
    plan = make_audit(world)
    audit_services.generate_checklist(acting_user=world.iso_a, plan=plan)
    return plan


def programme(world):
    obj = make_audit(world).programme
    return _edit_page("audits_programmes:edit", obj, "title")


def plan(world):
    obj = make_audit(world)
    return _edit_page("audits_plans:edit", obj, "title")


def finding(world):
    obj = raise_nc(world, make_audit(world))
    return _edit_page("audits_findings:edit", obj, "description")


def action(world):
    obj = raise_nc(world, make_audit(world)).corrective_action
    return _edit_page("audits_actions:edit", obj, "root_cause")


def review(world):
    obj = make_review(world)
    return _edit_page("audits_reviews:edit", obj, "location")


def objective(world):
    obj = audit_services.save_objective(
        acting_user=world.iso_a,
        commune=world.commune_a,
        year=2026,
        statement="Giải quyết TTHC đúng hạn",
        target="≥ 98% hồ sơ",
    )
    return _edit_page("audits_objectives:edit", obj, "target")


def auditor(world):
    obj = make_audit(world).lead_auditor
    return _edit_page("audits_auditors:edit", obj, "position")


def training(world):
    obj = audit_services.save_training(
        acting_user=world.iso_a,
        auditor=make_audit(world).lead_auditor,
        course="Đánh giá viên nội bộ ISO 9001:2015",
        issued_on=datetime.date(2024, 8, 1),
        issuer="Trung tâm Năng suất Việt Nam",
    )
    return _edit_page("audits_trainings:edit", obj, "issuer")


def scope(world):
    obj = make_audit(world)
    first = AuditedProcess.objects.filter(plan=obj).order_by("order", "pk")
    return reverse("audits_admin:plan_scope", args=[obj.pk]), lambda: first.first().auditee


def checklist(world):
    obj = _plan(world)
    return reverse(
        "audits_admin:plan_checklist", args=[obj.pk]
    ), lambda: audit_selectors.plan_checklist(obj)[0].evidence


def commune(world):
    obj = world.commune_a
    return reverse("communes:edit", args=[obj.pk]), lambda: Commune.objects.get(pk=obj.pk).place_name


def handled_procedure(world):
    (obj,) = process_services.add_handled_procedures(
        commune=world.commune_a, procedures=[make_procedure()], note="", acting_user=world.iso_a
    )
    return _edit_page("handled_procedures:edit", obj, "note")


def target(world):
    certification_services.set_target(
        unit=world.district_unit, percent=80, target_date=datetime.date(2026, 12, 31), acting_user=world.province
    )
    return (
        reverse("certification:target", args=[world.district_unit.pk]),
        lambda: ProgressTarget.objects.get(unit=world.district_unit).note,
    )


def _text(field, a, b, role=Role.ISO_OFFICER, **extra):
    return Case(
        field=field, role=role, first={field: a}, second={field: b}, expected_first=a, expected_second=b, **extra
    )


#: view → (``f(world) -> (url, read)``, where ``read()`` gives the stored value; the change made)
CASES = {
    "audits_programmes:edit": (programme, _text("title", "Chương trình sửa bởi An", "Chương trình sửa bởi ISO")),
    "audits_plans:edit": (plan, _text("title", "Kế hoạch sửa bởi An", "Kế hoạch sửa bởi ISO")),
    "audits_findings:edit": (finding, _text("description", "Mô tả của An", "Mô tả của đánh giá viên", Role.AUDITOR)),
    "audits_actions:edit": (action, _text("root_cause", "Thiếu người trực", "Chưa có sổ theo dõi")),
    "audits_reviews:edit": (review, _text("location", "Phòng họp số 1", "Hội trường UBND", Role.LEADER)),
    "audits_objectives:edit": (objective, _text("target", "≥ 99% hồ sơ", "100% hồ sơ")),
    "audits_auditors:edit": (auditor, _text("position", "Phó Chủ tịch", "Công chức Tư pháp")),
    "audits_trainings:edit": (training, _text("issuer", "Tổng cục TCĐLCL", "Viện Năng suất")),
    "audits_admin:plan_scope": (scope, _text("scope-0-auditee", "Lê Văn Hộ", "Phạm Thị Tịch")),
    "audits_admin:plan_checklist": (
        checklist,
        Case(
            field="items-0-evidence",
            role=Role.AUDITOR,
            first={"items-0-result": "conforming", "items-0-evidence": "Đã xem 10 hồ sơ"},
            second={"items-0-result": "observation", "items-0-evidence": "Thiếu chữ ký"},
            expected_first="Đã xem 10 hồ sơ",
            expected_second="Thiếu chữ ký",
        ),
    ),
    "communes:edit": (commune, _text("place_name", "Thôn Đông, An Bình", "Xã An Bình cũ")),
    "handled_procedures:edit": (
        handled_procedure,
        _text("note", "Tiếp nhận tại bộ phận một cửa", "Chỉ nhận trực tuyến"),
    ),
    "certification:target": (target, _text("note", "Theo Kế hoạch 12/KH-UBND", "Theo Chỉ thị 05/CT-UBND", "province")),
}


def _clients(world, role):
    if role == "province":
        first_user, second_user = colleague(world, role, province=True), world.province
    else:
        first_user = colleague(world, role)
        second_user = {Role.ISO_OFFICER: world.iso_a, Role.AUDITOR: world.auditor_a, Role.LEADER: world.leader_a}[role]
    return logged_in(first_user), logged_in(second_user)


@pytest.mark.django_db
@pytest.mark.parametrize("view", CASES)
def test_a_save_based_on_a_stale_page_is_refused(world, view):
    build, case = CASES[view]
    url, stored = build(world)
    officer_a, officer_b = _clients(world, case.role)
    page_a = open_form(officer_a, url, case.field)
    page_b = open_form(officer_b, url, case.field)
    assert page_a[TOKEN_FIELD if TOKEN_FIELD in page_a else f"version-{TOKEN_FIELD}"][0]

    before = timezone.now()
    response = officer_a.post(url, fill(page_a, **case.first))
    after = timezone.now()
    assert response.status_code == case.success, response.content.decode()[:3000]
    assert stored() == case.expected_first

    response = officer_b.post(url, fill(page_b, **case.second))
    assert response.status_code == 200
    body = response.content.decode()
    assert any(STALE.format(time=moment) in body for moment in moments(before, after)), body
    assert stored() == case.expected_first

    fresh = open_form(officer_b, url, case.field)
    response = officer_b.post(url, fill(fresh, **case.second))
    assert response.status_code == case.success, response.content.decode()[:3000]
    assert stored() == case.expected_second


@pytest.mark.django_db
@pytest.mark.parametrize(
    "view", ["audits_actions:edit", "communes:edit", "audits_admin:plan_scope", "certification:target"]
)
def test_a_post_without_the_version_token_is_refused(world, view):
    build, case = CASES[view]
    url, stored = build(world)
    _first, officer = _clients(world, case.role)
    before = stored()
    page = open_form(officer, url, case.field)
    data = {name: values for name, values in fill(page, **case.second).items() if not name.endswith(TOKEN_FIELD)}
    response = officer.post(url, data)
    assert response.status_code == 200
    assert MISSING in response.content.decode()
    assert stored() == before


@pytest.mark.django_db
def test_saving_the_page_twice_from_the_same_opening_is_refused_the_second_time(world):
    """The officer's own first save also makes the page stale (the back button, a second tab)."""
    url, stored = objective(world)
    client = Client()
    client.force_login(world.iso_a)
    page = open_form(client, url, "target")
    assert client.post(url, fill(page, target="≥ 99% hồ sơ")).status_code == 302
    response = client.post(url, fill(page, target="100% hồ sơ"))
    assert response.status_code == 200
    assert "Hãy tải lại trang để xem thay đổi rồi sửa lại." in response.content.decode()
    assert stored() == "≥ 99% hồ sơ"


@pytest.mark.django_db
def test_a_change_made_through_a_service_after_opening_also_refuses_the_save(world):
    """Any save of a field the page shows makes the page stale, not only saves through the same form."""
    url, stored = review(world)
    leader = Client()
    leader.force_login(world.leader_a)
    page = open_form(leader, url, "location")
    current = ManagementReview.objects.get(commune=world.commune_a, year=2026)
    audit_services.update_review(acting_user=world.leader_a, review=current, location="Nhà văn hoá thôn 2")
    response = leader.post(url, fill(page, location="Hội trường"))
    assert response.status_code == 200
    assert "đã được leader_a lưu lúc" in response.content.decode()
    assert stored() == "Nhà văn hoá thôn 2"
