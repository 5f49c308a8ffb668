"""The quy trình Word export, read back with python-docx.

No test here touches the database (pytest-django would refuse it): the
exporter is pure.
"""

from __future__ import annotations

import time
from datetime import date
from io import BytesIO

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from processes.docx.export import build_process_docx, export_process_docx_bytes
from processes.docx.schema import ChangeRow, DossierItem, FeeItem, FormItem, Person, ProcessContent, RecordItem, Step


def rich_content(**overrides) -> ProcessContent:
    """A filled-in "Đăng ký khai sinh" quy trình (DOMAIN.md §2)."""
    content = ProcessContent(
        agency="ỦY BAN NHÂN DÂN XÃ YÊN TRUNG",
        title="Đăng ký khai sinh",
        code="QT-01/HT",
        issue_number=2,
        issued_on=date(2026, 1, 5),
        effective_date=date(2026, 1, 15),
        procedure_code="1.001193",
        purpose="Quy định trình tự đăng ký khai sinh tại UBND xã.\nBảo đảm đúng thời hạn, đúng pháp luật.",
        scope="Áp dụng tại UBND xã Yên Trung.",
        references="- TCVN ISO 9001:2015;\n- Các văn bản tại mục 5.1.",
        definitions="- UBND: Ủy ban nhân dân;\n- TTHC: Thủ tục hành chính;\n- MC/TN&TKQ: Một cửa.",
        legal_basis="- Luật Hộ tịch 2014;\n- Nghị định 123/2015/NĐ-CP;\n- Thông tư 04/2020/TT-BTP.",
        dossier=[
            DossierItem("Tờ khai đăng ký khai sinh", originals=1),
            DossierItem("Giấy chứng sinh", originals=1, copies=0, note="Không có thì nộp văn bản người làm chứng"),
            DossierItem("Giấy tờ tùy thân", note="Xuất trình"),
        ],
        dossier_sets="01 bộ",
        processing_time="Trong ngày; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo.",
        reception_place="Bộ phận Một cửa UBND xã Yên Trung",
        fees=[
            FeeItem("Lệ phí đăng ký khai sinh đúng hạn", "Miễn lệ phí", "Luật Hộ tịch 2014, Điều 11"),
            FeeItem("Phí cấp bản sao Giấy khai sinh", "8.000 đồng/bản"),
        ],
        steps=[
            Step(
                "B1",
                "Tiếp nhận, kiểm tra hồ sơ\n- Đủ: lập Giấy tiếp nhận\n- Thiếu: hướng dẫn bổ sung",
                "Công chức một cửa",
                "0,5 giờ",
                "Mẫu 01, 02, 03",
                "Hồ sơ điện tử",
            ),  # fmt: skip
            Step(
                "B2",
                "Ghi Sổ hộ tịch; cập nhật CSDL hộ tịch và CSDL dân cư",
                "Công chức tư pháp - hộ tịch",
                "2 giờ",
                "Mẫu 05",
            ),  # fmt: skip
            Step("B3", "Ký Giấy khai sinh", "Chủ tịch/PCT UBND xã", "1 giờ"),
            Step("B4", "Trả kết quả; ký Sổ hộ tịch", "Một cửa / hộ tịch", "0,5 giờ", "Mẫu 06", "Trong ngày"),
        ],
        forms=[
            FormItem("Mẫu 01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
            FormItem("Mẫu 05", "Phiếu kiểm soát quá trình"),
            FormItem("Mẫu 06", "Sổ theo dõi hồ sơ"),
        ],
        records=[
            RecordItem("Hồ sơ đăng ký khai sinh", "Công chức tư pháp - hộ tịch", "05 năm"),
            RecordItem("Sổ hộ tịch", "Công chức tư pháp - hộ tịch", "Vĩnh viễn"),
        ],
        drafted=Person("Nguyễn Thị Hoa", "Công chức tư pháp - hộ tịch", date(2026, 1, 2)),
        reviewed=Person("Trần Văn Bình", "Phó Chủ tịch UBND xã"),
        approved=Person("Lê Văn Cường", "Chủ tịch UBND xã", date(2026, 1, 5)),
        changes=[
            ChangeRow("Ban hành lần đầu", "Tất cả", "Ban hành mới", date(2025, 3, 1), 1),
            ChangeRow("Nghị định 118/2025/NĐ-CP", "3-4", "Sửa bước B2, B4", date(2026, 1, 5), 2),
        ],
    )
    for name, value in overrides.items():
        setattr(content, name, value)
    return content


def reopen(content: ProcessContent):
    return docx.Document(BytesIO(export_process_docx_bytes(content)))


def texts(cell) -> list[str]:
    return [paragraph.text for paragraph in cell.paragraphs]


def row_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def body_paragraphs(doc) -> list[str]:
    return [paragraph.text for paragraph in doc.paragraphs if paragraph.text.strip()]


def tables_by_first_header(doc) -> dict[str, object]:
    return {table.rows[0].cells[1].text: table for table in doc.tables}


def test_page_is_a4_with_nd30_margins_and_times_new_roman():
    doc = reopen(rich_content())
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.mm, 1) for margin in margins] == [20, 20, 30, 15]
    normal = doc.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(13))


def test_header_table_repeats_the_process_identity_with_page_x_of_y():
    doc = reopen(rich_content())
    header = doc.sections[0].header
    (table,) = header.tables
    agency, middle, meta = table.rows[0].cells
    assert texts(agency) == ["ỦY BAN NHÂN DÂN XÃ YÊN TRUNG"]
    assert texts(middle) == ["QUY TRÌNH", "ĐĂNG KÝ KHAI SINH"]
    assert texts(meta) == ["Mã hiệu: QT-01/HT", "Lần ban hành: 02", "Ngày hiệu lực: 15/01/2026", "Trang: 1/1"]
    fields = [node.text.strip() for node in header._element.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]


def test_title_block_keeps_the_name_as_written_and_shows_the_tthc_code():
    doc = reopen(rich_content())
    lines = body_paragraphs(doc)
    assert lines[:4] == [
        "QUY TRÌNH",
        "Đăng ký khai sinh",
        "Mã thủ tục hành chính: 1.001193",
        "Ngày ban hành: 05/01/2026",
    ]
    assert "ỦY BAN NHÂN DÂN XÃ YÊN TRUNG" not in lines  # capitals already in the header: not repeated

    mixed = reopen(rich_content(agency="Ủy ban nhân dân xã Yên Trung", procedure_code="", issued_on=None))
    assert body_paragraphs(mixed)[:3] == ["Ủy ban nhân dân xã Yên Trung", "QUY TRÌNH", "Đăng ký khai sinh"]
    assert not any(line.startswith(("Mã thủ tục", "Ngày ban hành")) for line in body_paragraphs(mixed))
    assert mixed.sections[0].header.tables[0].rows[0].cells[0].text == "ỦY BAN NHÂN DÂN XÃ YÊN TRUNG"


def test_approval_block_names_positions_and_dates():
    approval = reopen(rich_content()).tables[0]
    assert row_texts(approval) == [
        ["", "Soạn thảo", "Soát xét", "Phê duyệt"],
        ["Họ tên", "Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Văn Cường"],
        ["Chữ ký", "", "", ""],
        ["Chức vụ", "Công chức tư pháp - hộ tịch", "Phó Chủ tịch UBND xã", "Chủ tịch UBND xã"],
        ["Ngày", "02/01/2026", "", "05/01/2026"],
    ]


def test_change_table_rows():
    doc = reopen(rich_content())
    assert "THEO DÕI SỬA ĐỔI TÀI LIỆU" in body_paragraphs(doc)
    changes = doc.tables[1]
    assert row_texts(changes) == [
        ["STT", "Yêu cầu sửa đổi", "Trang", "Nội dung sửa đổi", "Ngày sửa đổi", "Lần ban hành"],
        ["1", "Ban hành lần đầu", "Tất cả", "Ban hành mới", "01/03/2025", "01"],
        ["2", "Nghị định 118/2025/NĐ-CP", "3-4", "Sửa bước B2, B4", "05/01/2026", "02"],
    ]


def test_sections_in_order_as_word_headings():
    doc = reopen(rich_content())
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "1. Mục đích"),
        ("Heading 1", "2. Phạm vi"),
        ("Heading 1", "3. Tài liệu viện dẫn"),
        ("Heading 1", "4. Định nghĩa/Viết tắt"),
        ("Heading 1", "5. Nội dung quy trình"),
        ("Heading 2", "5.1. Cơ sở pháp lý"),
        ("Heading 2", "5.2. Thành phần hồ sơ"),
        ("Heading 2", "5.3. Số lượng hồ sơ"),
        ("Heading 2", "5.4. Thời gian xử lý"),
        ("Heading 2", "5.5. Nơi tiếp nhận và trả kết quả"),
        ("Heading 2", "5.6. Lệ phí"),
        ("Heading 2", "5.7. Quy trình xử lý công việc"),
        ("Heading 1", "6. Biểu mẫu"),
        ("Heading 1", "7. Hồ sơ cần lưu"),
    ]


def test_multi_line_prose_is_one_paragraph_per_line():
    lines = body_paragraphs(reopen(rich_content()))
    start = lines.index("1. Mục đích")
    assert lines[start + 1 : start + 4] == [
        "Quy định trình tự đăng ký khai sinh tại UBND xã.",
        "Bảo đảm đúng thời hạn, đúng pháp luật.",
        "2. Phạm vi",
    ]


def test_fees_are_a_table_under_their_section():
    document = reopen(rich_content())
    fee_tables = [t for t in document.tables if row_texts(t)[0][:3] == ["STT", "Nội dung", "Mức thu"]]
    assert len(fee_tables) == 1
    assert row_texts(fee_tables[0]) == [
        ["STT", "Nội dung", "Mức thu", "Căn cứ / ghi chú"],
        ["1", "Lệ phí đăng ký khai sinh đúng hạn", "Miễn lệ phí", "Luật Hộ tịch 2014, Điều 11"],
        ["2", "Phí cấp bản sao Giấy khai sinh", "8.000 đồng/bản", ""],
    ]
    body = list(document.element.body.iterchildren())
    heading = next(
        i for i, e in enumerate(body) if e.tag == qn("w:p") and "".join(e.itertext()).strip().endswith("Lệ phí")
    )
    assert body[heading + 1] is fee_tables[0]._tbl


def test_step_table_has_every_step_in_order_with_a_repeating_header_row():
    table = tables_by_first_header(reopen(rich_content()))["Nội dung công việc"]
    rows = row_texts(table)
    assert rows[0] == ["Bước", "Nội dung công việc", "Trách nhiệm", "Thời gian", "Hồ sơ/Biểu mẫu", "Diễn giải"]
    assert [row[0] for row in rows[1:]] == ["B1", "B2", "B3", "B4"]
    assert rows[1][2:] == ["Công chức một cửa", "0,5 giờ", "Mẫu 01, 02, 03", "Hồ sơ điện tử"]
    assert rows[3] == ["B3", "Ký Giấy khai sinh", "Chủ tịch/PCT UBND xã", "1 giờ", "", ""]
    content_cell = table.rows[1].cells[1]
    lines = ["Tiếp nhận, kiểm tra hồ sơ", "- Đủ: lập Giấy tiếp nhận", "- Thiếu: hướng dẫn bổ sung"]
    assert texts(content_cell) == lines
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_dossier_forms_and_records_tables():
    tables = tables_by_first_header(reopen(rich_content()))
    assert row_texts(tables["Tên hồ sơ"]) == [
        ["STT", "Tên hồ sơ", "Bản chính", "Bản sao", "Ghi chú"],
        ["1", "Tờ khai đăng ký khai sinh", "01", "", ""],
        ["2", "Giấy chứng sinh", "01", "0", "Không có thì nộp văn bản người làm chứng"],
        ["3", "Giấy tờ tùy thân", "", "", "Xuất trình"],
    ]
    assert row_texts(tables["Mã hiệu"]) == [
        ["STT", "Mã hiệu", "Tên biểu mẫu"],
        ["1", "Mẫu 01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"],
        ["2", "Mẫu 05", "Phiếu kiểm soát quá trình"],
        ["3", "Mẫu 06", "Sổ theo dõi hồ sơ"],
    ]
    assert row_texts(tables["Hồ sơ"]) == [
        ["STT", "Hồ sơ", "Trách nhiệm lưu", "Thời gian lưu"],
        ["1", "Hồ sơ đăng ký khai sinh", "Công chức tư pháp - hộ tịch", "05 năm"],
        ["2", "Sổ hộ tịch", "Công chức tư pháp - hộ tịch", "Vĩnh viễn"],
    ]


def test_sections_start_on_page_two():
    doc = reopen(rich_content())
    paragraphs = doc.paragraphs
    first_heading = next(i for i, p in enumerate(paragraphs) if p.text == "1. Mục đích")
    breaks = [br.get(qn("w:type")) for br in paragraphs[first_heading - 1]._p.iter(qn("w:br"))]
    assert breaks == ["page"]


def test_empty_content_still_has_every_section_and_empty_tables():
    content = ProcessContent(agency="UBND XÃ A", title="Thủ tục B", code="")
    doc = reopen(content)
    assert sum(p.style.name.startswith("Heading") for p in doc.paragraphs) == 14
    approval, changes, dossier, fees, steps, forms, records = doc.tables
    assert [len(t.rows) for t in (changes, dossier, steps, forms, records)] == [1, 1, 1, 1, 1]
    assert row_texts(approval)[1] == ["Họ tên", "", "", ""]
    meta = doc.sections[0].header.tables[0].rows[0].cells[2]
    assert [line.strip() for line in texts(meta)[:3]] == ["Mã hiệu:", "Lần ban hành: 01", "Ngày hiệu lực:"]


def _cpu_build_time(step_count: int) -> tuple[float, object]:
    steps = [
        Step(f"B{i}", f"Nội dung bước {i}\nchi tiết", "Công chức", "1 giờ", "Mẫu 01", "")
        for i in range(1, step_count + 1)
    ]
    content = rich_content(steps=steps)
    build_process_docx(content)  # warm up imports and the template
    timings = []
    for _ in range(3):
        start = time.process_time()
        doc = build_process_docx(content)
        timings.append(time.process_time() - start)
    return min(timings), doc


def test_building_grows_linearly_with_the_number_of_steps():
    """Ten times the steps costs far less than ten times the document (no per-cell table scans).

    CPU time of this process (not wall time), so a loaded machine does not fail it.
    """
    four, _doc = _cpu_build_time(4)
    forty, doc = _cpu_build_time(40)
    assert forty < 4 * four, (four, forty)
    assert forty < 2.0, forty
    assert len(tables_by_first_header(doc)["Nội dung công việc"].rows) == 41
