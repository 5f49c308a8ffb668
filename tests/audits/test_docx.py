"""Word documents, read back with python-docx."""

import datetime

import pytest

from audits import docx as audit_docx
from audits import services
from audits.models import DecisionTopic
from qms.docx import document_text, open_document, to_bytes

from .builders import completed_audit


def _read(doc):
    """Bytes round trip: what a user downloads, opened again with python-docx."""
    data = to_bytes(doc)
    return open_document(data), document_text(data)


@pytest.fixture
def audited(world):
    return completed_audit(world)


@pytest.mark.django_db
def test_audit_report_contains_every_finding_and_corrective_action(world, audited):
    plan, major, minor = audited
    doc, text = _read(audit_docx.build_report_docx(plan))
    for finding in plan.findings.all():
        assert finding.code in text
        assert finding.description in text
        assert finding.get_kind_display() in text
    for action in (major.corrective_action, minor.corrective_action):
        action.refresh_from_db()
        assert action.number in text
        assert action.get_status_display() in text
    assert "Đã đóng (có hiệu lực)" in text
    assert "Công chức mới chưa được hướng dẫn quy trình." in text
    # evidence references: text and file names of checklist items and findings
    assert "Sổ theo dõi thiếu 3 hồ sơ." in text and "so-theo-doi-thang-4" in text
    assert "danh-muc-tai-lieu" in text
    # the process document version audited
    assert "QT-01/HT – Đăng ký khai sinh (lần ban hành 02)" in text
    # NĐ 30 layout: national header, type, signature block, recipients
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BÁO CÁO" in text and "Kết quả Đánh giá nội bộ lần 1 năm 2026" in text
    assert "TRƯỞNG ĐOÀN ĐÁNH GIÁ" in text and plan.lead_auditor.name in text
    assert "Nơi nhận:" in text
    assert "ngày 13 tháng 5 năm 2026" in text
    headers = {tuple(c.text for c in t.rows[0].cells): t for t in doc.tables}
    findings_table = next(t for h, t in headers.items() if h[:2] == ("Mã", "Loại"))
    assert len(findings_table.rows) == 1 + plan.findings.count()
    checklist_table = next(t for h, t in headers.items() if "Câu hỏi" in h)
    assert len(checklist_table.rows) == 1 + plan.checklist.count()


@pytest.mark.django_db
def test_corrective_action_request_form_has_every_field(world, audited):
    plan, major, _minor = audited
    action = major.corrective_action
    action.refresh_from_db()
    _doc, text = _read(audit_docx.build_action_docx(action))
    for expected in (
        "PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC",
        f"Số: {action.number}",
        major.description,
        major.requirement,
        major.evidence,
        "8.5.1 Kiểm soát sản xuất và cung cấp dịch vụ",
        "Lập bổ sung phiếu kiểm soát.",
        "Công chức mới chưa được hướng dẫn quy trình.",
        "Tập huấn lại quy trình QT-01/HT.",
        "Đã tập huấn ngày 20/5.",
        "100%",
        "Kiểm tra 10 hồ sơ đều có phiếu.",
        "Có hiệu lực",
        "30/06/2026",
        plan.commune.agency_name.upper(),
        "Người yêu cầu",
        "Người kiểm tra",
        "(ký, ghi rõ họ tên)",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_programme_and_plan_documents(world, audited):
    plan, _major, _minor = audited
    programme = plan.programme
    services.save_training(
        acting_user=world.iso_a,
        auditor=plan.lead_auditor,
        course="Đánh giá viên nội bộ TCVN ISO 9001:2015",
        issued_on=datetime.date(2025, 3, 20),
        issuer="Chi cục TĐC Nam Định",
        certificate_number="CC-123",
    )
    services.approve_programme(acting_user=world.leader_a, programme=programme)
    _doc, text = _read(audit_docx.build_programme_docx(programme))
    for expected in (
        "CHƯƠNG TRÌNH",
        programme.title,
        programme.objectives,
        "Đánh giá nội bộ lần 1 năm 2026",
        "11/05/2026 – 13/05/2026",
        "Đánh giá viên nội bộ TCVN ISO 9001:2015",
        "Chi cục TĐC Nam Định",
        "CC-123",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "/CTr-UBND",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    _doc, text = _read(audit_docx.build_plan_docx(plan))
    for expected in (
        "KẾ HOẠCH",
        "Số: 12/KH-UBND",
        "Cấp giấy phép xây dựng",
        "Bộ phận Địa chính – Xây dựng",
        "Trần Văn Đất – công chức địa chính",
        plan.lead_auditor.name,
        "Trưởng đoàn đánh giá",
        "8.5.1",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_management_review_minutes(world, audited):
    review = services.create_review(
        acting_user=world.leader_a,
        commune=world.commune_a,
        year=2026,
        title="Họp xem xét của lãnh đạo năm 2026",
        planned_on=datetime.date(2026, 6, 15),
        chair=world.leader_a,
        secretary=world.iso_a,
        attendees="Trần Văn Bình – Chủ tịch\nNguyễn Thị Hoa – Thư ký ISO",
        location="Hội trường UBND",
    )
    services.add_decision(
        acting_user=world.leader_a,
        review=review,
        topic=DecisionTopic.IMPROVEMENT,
        text="Triển khai nhắc hạn tự động.",
        owner=world.iso_a,
        due_date=datetime.date(2026, 9, 30),
        track=True,
    )
    services.hold_review(
        acting_user=world.leader_a,
        review=review,
        held_on=datetime.date(2026, 6, 15),
        conclusions="HTQLCL phù hợp và hiệu lực.",
    )
    review.refresh_from_db()
    _doc, text = _read(audit_docx.build_review_docx(review))
    action = review.decisions.get().action
    for expected in (
        "BIÊN BẢN",
        review.title,
        "Hội trường UBND",
        "Nguyễn Thị Hoa – Thư ký ISO",
        "Đánh giá nội bộ lần 1 năm 2026",
        "Điểm không phù hợp nặng",
        "Triển khai nhắc hạn tự động.",
        action.number,
        "HTQLCL phù hợp và hiệu lực.",
        "THƯ KÝ",
        "CHỦ TRÌ",
        "ngày 15 tháng 6 năm 2026",
        "Có thể nhắc hạn tự động qua phần mềm một cửa.",
    ):
        assert expected in text, expected
