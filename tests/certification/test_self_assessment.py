"""The Art. 36 self-assessment of a commune: criteria from its records, the admin page and its Word."""

from __future__ import annotations

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from audits import services as audit_services
from processes import services as process_services
from processes.models import FeedbackKind
from qms.certification import selfassessment, services
from qms.certification.models import INSPECTION_CHECKLIST, EvidenceKind, InspectionMethod
from qms.certification.selfassessment import Proof, Source, Status, assess
from tests.processes.helpers import make_procedure

from .conftest import PAPER_SCOPE, days_ago, pdf

pytestmark = pytest.mark.django_db


def page_url(commune, **query):
    url = reverse("certification:self_assessment", args=[commune.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def docx_url(commune, year):
    return reverse("certification:self_assessment_docx", args=[commune.pk]) + f"?year={year}"


def statuses(assessment) -> dict[str, str]:
    return {c.key: c.status for c in assessment.criteria}


@pytest.fixture
def records(world):
    """Commune A's records of this year, dated today: announcement, confirmation of effectiveness,
    a review held and chaired by its leader, two objectives (one missed), an unanswered complaint and an
    inspection whose corrective report is overdue."""
    commune, iso, leader, today = world.commune_a, world.iso_a, world.leader_a, timezone.localdate()
    services.record_announcement(
        commune=commune, number="45", signed_on=today, file=pdf(), scope=PAPER_SCOPE, acting_user=iso
    )
    services.add_evidence(
        commune=commune,
        kind=EvidenceKind.EFFECTIVENESS,
        title="Xác nhận hiệu lực HTQLCL",
        reference="7/XN-UBND",
        issued_on=today,
        acting_user=iso,
    )
    review = audit_services.create_review(
        acting_user=leader,
        commune=commune,
        year=today.year,
        title=f"Xem xét của lãnh đạo năm {today.year}",
        planned_on=today,
        chair=leader,
        document_number="03",
    )
    audit_services.hold_review(acting_user=leader, review=review, held_on=today, conclusions="HTQLCL phù hợp.")
    for statement, achieved in (("100% hồ sơ trả đúng hạn", True), ("Không có khiếu nại", False)):
        audit_services.save_objective(
            acting_user=iso,
            commune=commune,
            year=today.year,
            statement=statement,
            target=statement,
            result="",
            achieved=achieved,
        )
    process_services.submit_feedback(
        commune=commune, procedure=make_procedure(), kind=FeedbackKind.COMPLAINT, comment="Trả kết quả chậm."
    )
    services.record_inspection(
        commune=commune,
        inspected_on=days_ago(80) if days_ago(80).year == today.year else today,
        method=InspectionMethod.ON_SITE,
        agency="Sở Khoa học và Công nghệ tỉnh Thử Nghiệm",
        conclusions=[("Chưa cập nhật quy trình khai sinh.", True)],
        acting_user=world.province,
    )
    return today.year


def test_a_commune_without_records_has_no_evidence_for_any_criterion(world):
    assessment = assess(commune=world.commune_b, year=timezone.localdate().year)
    assert [c.label for c in assessment.criteria] == [label for _key, label in INSPECTION_CHECKLIST]
    assert set(statuses(assessment).values()) == {Status.NO_EVIDENCE}
    consultant = assessment.criteria[-1]
    assert consultant.status_label == "Chưa có bằng chứng"
    assert "lựa chọn tổ chức tư vấn" in consultant.note


def test_the_records_of_the_year_become_evidence(world, records):
    assessment = assess(commune=world.commune_a, year=records)
    found = statuses(assessment)
    assert found["review"] == Status.MET
    assert found["effectiveness"] == Status.MET
    assert found["announcement"] == Status.MET
    # The objective missed and the unanswered complaint, the inspection report overdue.
    assert found["compliance"] == Status.NOT_MET
    assert found["complaints"] == Status.NOT_MET
    # A leader chaired the review, but the steering board has no record in the system yet.
    assert found["leaders"] == Status.NO_EVIDENCE
    by_key = {c.key: c for c in assessment.criteria}
    assert "biên bản 03" in by_key["review"].note
    assert "45/QĐ-UBND" in by_key["announcement"].note
    assert "1 trên 2 mục tiêu đạt" in by_key["compliance"].note
    assert "Ban chỉ đạo ISO" in by_key["leaders"].note
    # Last year's records do not count for this year.
    last_year = statuses(assess(commune=world.commune_a, year=records - 1))
    assert last_year["review"] == Status.NO_EVIDENCE and last_year["announcement"] == Status.NO_EVIDENCE


def test_the_page_shows_each_criterion_with_its_status_and_links(client, world, records):
    client.force_login(world.district)
    html = client.get(page_url(world.commune_a, year=records)).content.decode()
    assert "Việc xem xét của lãnh đạo" in html and "Chưa có bằng chứng" in html and "Chưa đạt" in html
    assert reverse("audits_reviews:inspect", args=[world.commune_a.management_reviews.get().pk]) in html
    assert docx_url(world.commune_a, records).replace("&", "&amp;") in html
    record = client.get(reverse("certification:commune", args=[world.commune_a.pk])).content.decode()
    assert reverse("certification:self_assessment", args=[world.commune_a.pk]) in record


def test_the_word_table_lists_the_art_36_rows_and_their_statuses(client, world, records):
    client.force_login(world.iso_a)
    response = client.get(docx_url(world.commune_a, records))
    assert response.status_code == 200
    document = docx.Document(__import__("io").BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BẢNG TỰ ĐÁNH GIÁ" in text
    assert f"Điều 36 Thông tư 26/2014/TT-BKHCN năm {records}" in text
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in rows] == [label for _key, label in INSPECTION_CHECKLIST]
    by_label = {r[1]: r for r in rows}
    assert by_label["Việc xem xét của lãnh đạo"][2] == "Đạt"
    assert by_label["Việc xử lý khiếu nại"][2] == "Chưa đạt"
    assert by_label["Việc lựa chọn tổ chức tư vấn, chuyên gia tư vấn"][2] == "Chưa có bằng chứng"
    assert "45/QĐ-UBND" in by_label["Việc công bố Hệ thống quản lý chất lượng phù hợp tiêu chuẩn"][3]
    assert "3 nội dung đạt" in text


@pytest.mark.parametrize("year", ["2013", "abc", "2999"])
def test_a_year_out_of_range_is_404(client, world, year):
    client.force_login(world.iso_a)
    assert client.get(page_url(world.commune_a, year=year)).status_code == 404
    assert (
        client.get(
            reverse("certification:self_assessment_docx", args=[world.commune_a.pk]) + f"?year={year}"
        ).status_code
        == 404
    )


def test_another_app_plugs_its_records_into_a_criterion(world, monkeypatch):
    monkeypatch.setattr(selfassessment, "SOURCES", list(selfassessment.SOURCES))
    selfassessment.register_source(
        Source("consultant", "consultant", "Hợp đồng tư vấn", lambda period: Proof(Status.MET, ["HĐ 01/2026"]))
    )
    consultant = assess(commune=world.commune_b, year=timezone.localdate().year).criteria[-1]
    assert (consultant.status, consultant.note) == (Status.MET, "HĐ 01/2026")
    with pytest.raises(ValueError):
        selfassessment.register_source(Source("x", "no-such-criterion", "x", lambda period: None))
