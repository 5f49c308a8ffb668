"""Word documents, read back with python-docx."""

import datetime
import re

import pytest
from django.urls import reverse
from docx.oxml.ns import qn

from audits import docx as audit_docx
from audits import services
from audits.models import DecisionTopic
from qms.docx import date_column_mm, document_text, has_draft_mark, open_document, to_bytes
from qms.docx.page import story_parts
from qms.docx.text import field_instructions

from .builders import completed_audit, make_audit


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
    # Every input of 9.3.2 a–f under its heading, in the standard's order; those with no record say so.
    headings = [p.text for p in _doc.paragraphs if re.match(r"[a-f1-7]\) ", p.text)]
    assert headings == [
        "a) Tình trạng của các hành động từ các cuộc xem xét của lãnh đạo trước",
        "b) Những thay đổi về các vấn đề bên ngoài và nội bộ liên quan đến HTQLCL",
        "c) Thông tin về kết quả thực hiện và hiệu lực của HTQLCL, bao gồm cả xu hướng về:",
        "1) Sự thỏa mãn của người dân và phản hồi từ các bên quan tâm liên quan",
        "2) Mức độ đạt được các mục tiêu chất lượng",
        "3) Kết quả thực hiện các quá trình và sự phù hợp của sản phẩm, dịch vụ",
        "4) Sự không phù hợp và hành động khắc phục",
        "5) Kết quả theo dõi và đo lường",
        "6) Kết quả đánh giá",
        "7) Kết quả thực hiện của các nhà cung cấp bên ngoài",
        "d) Sự thỏa đáng của các nguồn lực",
        "e) Hiệu lực của các hành động được thực hiện để giải quyết rủi ro và cơ hội",
        "f) Các cơ hội cải tiến",
    ]
    assert "Chưa có bối cảnh và phạm vi nào được phê duyệt." in text  # b) from the context records
    assert "Chưa có hồ sơ trong hệ thống: kết quả thực hiện của các nhà cung cấp bên ngoài." in text


# -- the frame: properties, draft mark, keep-together, widths, page numbers, file names -----------------------


def _closing_block(doc):
    """The last table of the body: the signature block."""
    return doc.tables[-1]


def _keep_flags(table):
    paragraphs = [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return [p.paragraph_format.keep_together for p in paragraphs], [
        p.paragraph_format.keep_with_next for p in paragraphs
    ]


@pytest.mark.django_db
def test_a_draft_audit_report_is_marked_and_the_completed_one_is_not(world):
    plan = make_audit(world)
    doc, text = _read(audit_docx.build_report_docx(plan))
    assert has_draft_mark(doc) and "DỰ THẢO" in text
    assert all(
        "DỰ THẢO" in "".join(p.text for p in part.paragraphs[:1]) for part in story_parts(doc.sections[0], "header")
    )
    doc, _text = _read(audit_docx.build_plan_docx(plan))
    assert has_draft_mark(doc)


@pytest.mark.django_db
def test_every_audit_document_has_the_commune_s_properties_and_no_draft_mark_once_approved(world, audited):
    plan, major, _minor = audited
    services.approve_programme(acting_user=world.leader_a, programme=plan.programme)
    plan.programme.refresh_from_db()
    action = major.corrective_action
    action.refresh_from_db()
    built = {
        "report": audit_docx.build_report_docx(plan),
        "plan": audit_docx.build_plan_docx(plan),
        "programme": audit_docx.build_programme_docx(plan.programme),
        "action": audit_docx.build_action_docx(action),
    }
    for kind, document in built.items():
        doc, _text = _read(document)
        props = doc.core_properties
        assert props.author == plan.commune.agency_name, kind
        assert props.language == "vi-VN" and props.comments == "" and props.title, kind
        assert props.created.year == 2026 or props.created.date() >= datetime.date(2026, 1, 1), kind
        assert not has_draft_mark(doc), kind
    report = open_document(to_bytes(built["report"])).core_properties
    assert report.created.date() == plan.completed_on
    assert open_document(to_bytes(built["action"])).core_properties.created.date() == action.requested_on


@pytest.mark.django_db
def test_rows_never_split_and_the_closing_block_stays_together(world, audited):
    plan, major, _minor = audited
    action = major.corrective_action
    for document in (audit_docx.build_report_docx(plan), audit_docx.build_action_docx(action)):
        doc, _text = _read(document)
        for table in doc.tables:
            for row in table.rows:
                assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
        keep_together, keep_with_next = _keep_flags(_closing_block(doc))
        assert all(keep_together) and all(keep_with_next[:-1])
        before = _closing_block(doc)._tbl.getprevious()
        assert before.tag == qn("w:p") and before.pPr is not None and before.pPr.keepNext is not None


@pytest.mark.django_db
def test_tables_fit_the_body_width_and_dates_never_wrap(world, audited):
    plan, _major, _minor = audited
    doc, _text = _read(audit_docx.build_report_docx(plan))
    date_width = date_column_mm(11)
    headers = {tuple(c.text for c in t.rows[0].cells): t for t in doc.tables}
    actions = next(t for h, t in headers.items() if "Hạn xử lý" in h or "Thời hạn" in h or "Hạn" in " ".join(h))
    for table in doc.tables[1:]:
        widths = [column.width.mm for column in table.columns]
        assert sum(widths) == pytest.approx(165, abs=0.5)
    due = [i for i, cell in enumerate(actions.rows[0].cells) if "hạn" in cell.text.lower()][0]
    assert actions.columns[due].width.mm >= date_width
    schedule_doc, _ = _read(audit_docx.build_plan_docx(plan))
    schedule = next(t for t in schedule_doc.tables if t.rows[0].cells[0].text == "STT" and len(t.columns) == 7)
    assert schedule.columns[5].width.mm >= date_width


@pytest.mark.django_db
def test_the_corrective_action_form_numbers_its_pages_from_page_two(world, audited):
    _plan, major, _minor = audited
    doc, _text = _read(audit_docx.build_action_docx(major.corrective_action))
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in field_instructions(section.header._element)
    assert "PAGE" not in field_instructions(section.first_page_header._element)


@pytest.mark.django_db
def test_audit_downloads_carry_number_and_date_with_the_vietnamese_name(client, world, audited):
    plan, major, _minor = audited
    client.force_login(world.iso_a)
    response = client.get(reverse("audits_admin:report_docx", args=[plan.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="bao-cao-danh-gia-noi-bo-')
    assert plan.completed_on.isoformat() + '.docx"' in disposition
    assert "filename*=utf-8''b%C3%A1o%20c%C3%A1o" in disposition
    response = client.get(reverse("audits_admin:action_docx", args=[major.corrective_action.pk]))
    assert f"-{major.corrective_action.requested_on.isoformat()}.docx" in response["Content-Disposition"]
