"""The register of risks and opportunities (6.1): services, admin pages, heat map,
reminders, the register in Word and the management review's inputs."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import services
from audits.models import Reminder, ReminderKind, Risk
from audits.risks import services as risk_services
from audits.risks.docx import build_risk_register
from audits.risks.models import LEVEL_THRESHOLDS, level_of
from qms.audit_log import entries_for
from qms.docx import document_text, to_bytes
from qms.notifications.models import Notification
from tests.permission_matrix import SharedWorld

from .builders import make_audit, make_review, make_risk, raise_nc

TREATMENT = "Bật nhắc hạn trên hệ thống một cửa"


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


# -- services -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [
        (1, 1, "low"),
        (2, 2, "low"),
        (1, 5, "medium"),
        (3, 3, "medium"),
        (2, 5, "high"),
        (4, 4, "high"),
        (4, 5, "very_high"),
        (5, 5, "very_high"),
    ],
)
def test_level_follows_the_thresholds(likelihood, impact, level):
    assert level_of(likelihood, impact) == level
    assert LEVEL_THRESHOLDS[-1][0] == 25


@pytest.mark.django_db
def test_recording_a_risk_scores_it_and_leaves_an_audit_record(world):
    risk = make_risk(world, likelihood=4, impact=3)
    assert (risk.number, risk.score, risk.level, risk.status) == ("R01", 12, "high", "open")
    assert [(e.action, e.user) for e in entries_for(risk)] == [("audits.risk.create", world.iso_a)]
    assert risk.history.get().history_user == world.iso_a
    treated = risk_services.update_risk(
        acting_user=world.iso_a, risk=risk, owner=world.iso_a, treatment=TREATMENT, due_date=datetime.date(2026, 3, 1)
    )
    assert treated.status == "treating"
    second = make_risk(world, description="Mất dữ liệu lưu trữ")
    assert second.number == "R02"


@pytest.mark.django_db
def test_refusals_are_in_vietnamese(world):
    with pytest.raises(ValidationError) as no_date:
        make_risk(world, treatment=TREATMENT)
    assert "ngày phải hoàn thành" in _messages(no_date)
    risk = make_risk(world)
    with pytest.raises(ValidationError) as early:
        risk_services.close_risk(acting_user=world.iso_a, risk=risk)
    assert "Đánh giá lại rủi ro" in _messages(early)
    with pytest.raises(ValidationError) as untreated:
        risk_services.reassess_risk(acting_user=world.iso_a, risk=risk, residual_likelihood=1, residual_impact=1)
    assert "biện pháp xử lý" in _messages(untreated)
    with pytest.raises(ValidationError) as outsider_owner:
        risk_services.update_risk(acting_user=world.iso_a, risk=risk, owner=world.iso_b)
    assert "không có vai trò" in _messages(outsider_owner)
    with pytest.raises(PermissionDenied) as other_commune:
        risk_services.update_risk(acting_user=world.iso_b, risk=risk, likelihood=1)
    assert "không có quyền" in str(other_commune.value)
    risk.refresh_from_db()
    assert (risk.likelihood, risk.owner_id) == (4, None)


@pytest.mark.django_db
def test_reassessment_and_closing_keep_the_risk_as_a_record(world):
    risk = make_risk(world, likelihood=4, impact=4, treatment=TREATMENT, due_date=datetime.date(2026, 3, 1))
    risk_services.reassess_risk(
        acting_user=world.iso_a,
        risk=risk,
        residual_likelihood=1,
        residual_impact=4,
        reassessed_on=datetime.date(2026, 3, 10),
        note="Không còn hồ sơ trễ hạn",
    )
    risk_services.close_risk(acting_user=world.iso_a, risk=risk)
    risk.refresh_from_db()
    assert (risk.level, risk.residual_score, risk.residual_level, risk.status) == ("high", 4, "low", "closed")
    assert [e.action for e in entries_for(risk)][:2] == ["audits.risk.close", "audits.risk.reassess"]
    with pytest.raises(ValidationError) as closed:
        risk_services.update_risk(acting_user=world.iso_a, risk=risk, likelihood=5)
    assert "đã đóng" in _messages(closed)
    with pytest.raises(ValidationError) as kept:
        risk_services.delete_risk(acting_user=world.iso_a, risk=risk)
    assert "lưu làm hồ sơ" in _messages(kept)
    assert Risk.objects.filter(pk=risk.pk).exists()


@pytest.mark.django_db
def test_a_risk_raised_from_a_finding_takes_its_commune_only(world):
    plan = make_audit(world)
    finding = raise_nc(world, plan)
    risk = make_risk(world, finding=finding)
    assert risk.finding == finding
    with pytest.raises(ValidationError) as foreign:
        make_risk(world, commune=world.commune_b, finding=finding)
    assert "xã khác" in _messages(foreign)


# -- reminders ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_treatment_reminders_are_planned_once(world):
    today = datetime.date(2026, 6, 1)
    soon = make_risk(world, treatment=TREATMENT, due_date=today + datetime.timedelta(days=7))
    late = make_risk(world, treatment=TREATMENT, due_date=today - datetime.timedelta(days=2), description="Trễ")
    make_risk(world, description="Chưa có biện pháp")
    services.send_daily_reminders(today=today)
    services.send_daily_reminders(today=today)
    planned = Reminder.objects.filter(object_id__in=[soon.pk, late.pk], content_type__model="risk")
    assert sorted(planned.values_list("object_id", "kind")) == sorted(
        [(soon.pk, ReminderKind.DUE_IN_7_DAYS), (late.pk, ReminderKind.OVERDUE)]
    )
    notices = Notification.objects.filter(recipient=world.iso_a, subject__contains="rủi ro")
    assert sorted(notices.values_list("subject", flat=True)) == [
        "Biện pháp xử lý rủi ro R01 sẽ đến hạn sau 7 ngày",
        "Biện pháp xử lý rủi ro R02 đã quá hạn",
    ]


# -- Word -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_register_reads_back_in_landscape(world):
    make_risk(world, treatment=TREATMENT, due_date=datetime.date(2026, 3, 1))
    make_risk(world, kind="opportunity", description="Nộp hồ sơ trực tuyến", likelihood=2, impact=2)
    doc = build_risk_register(world.commune_a)
    section = doc.sections[0]
    assert section.page_width > section.page_height
    text = document_text(to_bytes(doc))
    for expected in (
        "SỔ ĐĂNG KÝ",
        "Rủi ro và cơ hội",
        "R01",
        "Hồ sơ hộ tịch giải quyết trễ hạn",
        TREATMENT,
        "01/03/2026",
        "4 × 3 = 12",
        "Cao",
        "Nộp hồ sơ trực tuyến",
        "Cơ hội",
        "Thấp",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_the_management_review_lists_the_risks_and_their_treatment(world):
    from audits.docx import build_review_docx

    make_risk(world, treatment=TREATMENT, due_date=datetime.date(2026, 3, 1))
    review = make_review(world)
    services.assemble_review_inputs(acting_user=world.leader_a, review=review)
    assert [r["number"] for r in review.inputs["risks"]["items"]] == ["R01"]
    text = document_text(to_bytes(build_review_docx(review)))
    assert "e) Hiệu lực của các hành động được thực hiện để giải quyết rủi ro và cơ hội" in text and TREATMENT in text


# -- admin ----------------------------------------------------------------------------------------------


def _records(world):
    risk = make_risk(world, likelihood=4, impact=3, treatment=TREATMENT, due_date=datetime.date(2026, 3, 1))
    make_risk(world, likelihood=4, impact=3, description="Thiếu thành phần hồ sơ đất đai")
    risk_services.reassess_risk(
        acting_user=world.iso_a,
        risk=risk,
        residual_likelihood=1,
        residual_impact=2,
        reassessed_on=datetime.date(2026, 3, 2),
    )
    make_risk(world, commune=world.commune_b, description="Rủi ro của xã B")
    return {"risk": risk, "commune": world.commune_a}


class WithRisks(SharedWorld):
    @pytest.fixture(scope="class")
    @classmethod
    def class_records(cls, class_world, class_db):
        with class_db.unblock():
            return _records(class_world)

    @pytest.fixture
    def records(self, class_records, db):
        return copy.deepcopy(class_records)


class TestRiskAdmin(WithRisks):
    def test_pages_are_in_vietnamese(self, client, world, records):
        client.force_login(world.iso_a)
        risk = records["risk"]
        pages = {
            reverse("audits_risks:index"): ["Rủi ro và cơ hội", "Mức độ", "Bản đồ nhiệt"],
            reverse("audits_risks:add"): ["Khả năng xảy ra", "Mức độ ảnh hưởng", "Biện pháp xử lý"],
            reverse("audits_risks:inspect", args=[risk.pk]): [
                "Đánh giá lại sau xử lý",
                "Đóng (đã xử lý)",
                "Cao",
                "Thấp",
            ],
            reverse("audits_admin:risk_heatmap", args=[world.commune_a.pk]): [
                "Trước xử lý",
                "Sau xử lý",
                "Khả năng xảy ra",
            ],
        }
        for url, texts in pages.items():
            body = client.get(url).content.decode()
            for text in texts:
                assert text in body, (url, text)

    def test_heat_map_counts_before_and_after_treatment(self, client, world, records):
        client.force_login(world.district)
        url = reverse("audits_admin:risk_heatmap", args=[world.commune_a.pk])
        before = client.get(url).content.decode()
        assert 'data-likelihood="4" data-impact="3" data-count="2"' in before
        assert before.count('data-count="0"') == 24
        after = client.get(url, {"after": "1"}).content.decode()
        assert 'data-likelihood="4" data-impact="3" data-count="1"' in after
        assert 'data-likelihood="1" data-impact="2" data-count="1"' in after
        listing = client.get(
            reverse("audits_risks:index"), {"commune": world.commune_a.pk, "after_likelihood": 1, "after_impact": 2}
        )
        body = listing.content.decode()
        assert "Hồ sơ hộ tịch giải quyết trễ hạn" in body and "Thiếu thành phần hồ sơ đất đai" not in body

    def test_the_list_filters_by_level_and_offers_only_own_processes(self, client, world, records):
        client.force_login(world.iso_a)
        body = client.get(reverse("audits_risks:index"), {"level": "high"}).content.decode()
        assert "Hồ sơ hộ tịch giải quyết trễ hạn" in body and "Rủi ro của xã B" not in body

    def test_a_finding_page_offers_to_raise_a_risk_prefilled(self, client, world, records):
        plan = make_audit(world)
        finding = raise_nc(world, plan)
        client.force_login(world.iso_a)
        page = client.get(reverse("audits_findings:inspect", args=[finding.pk])).content.decode()
        add_url = f"{reverse('audits_risks:add')}?finding={finding.pk}"
        assert "Nêu rủi ro từ phát hiện này" in page and add_url in page
        form = client.get(add_url).content.decode()
        assert finding.description in form


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_3_and_30_risks(client, world):
    client.force_login(world.iso_a)
    url = reverse("audits_risks:index")
    counts = []
    for total in (3, 30):
        while Risk.objects.filter(commune=world.commune_a).count() < total:
            make_risk(world, treatment=TREATMENT, due_date=datetime.date(2026, 3, 1), owner=world.iso_a)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
