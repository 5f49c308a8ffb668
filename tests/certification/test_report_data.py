"""November: what the December yearly report still misses, named to the commune and the province."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from qms import docx as qd
from qms.certification import services
from qms.certification.models import EvidenceKind
from qms.certification.selectors import report_data_gaps
from qms.certification.tasks import remind_report_data_task
from qms.notifications.models import Notification

from .conftest import PAPER_SCOPE, pdf

TODAY = timezone.localdate()
YEAR = TODAY.year
NOVEMBER_2, NOVEMBER_9 = date(YEAR, 11, 2), date(YEAR, 11, 9)
NO_STAGE = "Chưa ghi nhận giai đoạn xây dựng HTQLCL (chưa nhập quyết định thành lập Ban chỉ đạo ISO)"
NO_AUDIT = f"Chưa có báo cáo đánh giá nội bộ năm {YEAR}"


def named(unit) -> dict[str, list[str]]:
    return {row.name: row.missing for row in report_data_gaps(unit, YEAR)}


def notices(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "subject", "message"))


def add_evidence(w, kind, title="Quyết định thành lập Ban chỉ đạo ISO"):
    services.add_evidence(
        commune=w.commune, kind=kind, title=title, reference="12/QĐ-UBND", issued_on=TODAY, acting_user=w.iso
    )


@pytest.mark.django_db
def test_a_missing_stage_is_named_to_the_officer_and_the_province_once_a_week_until_filled(today_world):
    w = today_world
    assert named(w.province) == {"Xã Đông Hòa": ["stage"], "Xã Tây Sơn": ["stage"]}

    result = services.remind_report_data(today=NOVEMBER_2)
    again = services.remind_report_data(today=NOVEMBER_2)
    assert result == {"communes": 2, "summaries": 1} and again == {"communes": 0, "summaries": 0}
    ((kind, subject, message),) = notices(w.iso)
    assert kind == "certification.report_data_missing"
    assert subject == f"Xã Đông Hòa: thiếu dữ liệu cho báo cáo ISO năm {YEAR}"
    record = reverse("certification:commune", args=[w.commune.pk])
    assert f"- {NO_STAGE}: http" in message and f"{record}#qms-checklist" in message
    assert notices(w.leader) == []
    ((_kind, subject, message),) = notices(w.follower)
    assert subject == f"2 xã thiếu dữ liệu cho báo cáo ISO năm {YEAR}"
    assert f"- Xã Đông Hòa: {NO_STAGE}" in message

    add_evidence(w, EvidenceKind.STEERING_BOARD)
    assert named(w.province) == {"Xã Tây Sơn": ["stage"]}
    assert services.remind_report_data(today=NOVEMBER_9) == {"communes": 1, "summaries": 1}
    assert len(notices(w.iso)) == 1 and len(notices(w.iso_other)) == 2
    latest = notices(w.follower)[-1]
    assert latest[1] == f"1 xã thiếu dữ liệu cho báo cáo ISO năm {YEAR}" and "Đông Hòa" not in latest[2]


@pytest.mark.django_db
def test_an_announced_commune_is_asked_for_the_years_audit_and_review_until_recorded(client, today_world):
    w = today_world
    services.record_announcement(
        commune=w.commune, number="45", signed_on=TODAY, file=pdf(), scope=PAPER_SCOPE, acting_user=w.iso
    )
    assert named(w.province)["Xã Đông Hòa"] == ["internal_audit", "management_review"]

    client.force_login(w.follower)
    query = {"unit": w.province.code, "era": w.province.era}
    page = client.get(reverse("certification:dashboard"), query).content.decode()
    assert f"Thiếu dữ liệu cho báo cáo năm {YEAR}" in page and NO_AUDIT in page
    report = qd.document_text(client.get(reverse("certification:report_docx"), query).content)
    assert f"Số xã chưa cập nhật đủ dữ liệu năm {YEAR}" in report
    assert f"- Xã Đông Hòa: {NO_AUDIT}; Chưa tổ chức họp xem xét của lãnh đạo năm {YEAR}." in report

    add_evidence(w, EvidenceKind.INTERNAL_AUDIT, "Báo cáo đánh giá nội bộ")
    add_evidence(w, EvidenceKind.MANAGEMENT_REVIEW, "Biên bản họp xem xét của lãnh đạo")
    assert "Xã Đông Hòa" not in named(w.province)
    assert NO_AUDIT not in client.get(reverse("certification:dashboard"), query).content.decode()


def test_the_reminder_runs_in_november_from_one_schedule_entry():
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == remind_report_data_task.name]
    assert entry["schedule"].month_of_year == {11} and entry["schedule"].day_of_month == {1, 8, 15, 22, 29}
