"""Tests for the python-docx building blocks in ``qms.docx``.

Every test builds a document, saves it to bytes, opens the bytes again with
python-docx and checks what a reader of the Word file sees. No database and
no Django settings are needed.
"""

from __future__ import annotations

import ast
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from qms.docx import (
    add_approval_block,
    add_body_paragraph,
    add_change_table,
    add_document_title,
    add_heading,
    add_legal_grounds,
    add_national_header,
    add_page_number_header,
    add_page_x_of_y,
    add_process_header,
    add_signature_block,
    add_table,
    document_text,
    format_document_number,
    format_recipients,
    format_vn_date,
    labels,
    new_document,
    to_bytes,
)

TNR = "Times New Roman"
FONT_ATTRS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# -- helpers ---------------------------------------------------------------------------


def reopen(doc):
    """Save and re-open: what Word (or an importer) would get."""
    data = to_bytes(doc)
    assert data[:2] == b"PK"
    return docx.Document(BytesIO(data))


def style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def effective(paragraph, run, attr):
    """bold / italic / size of a run as displayed: run, then paragraph style chain."""
    value = getattr(run.font, attr)
    if value is not None:
        return value
    for style in style_chain(paragraph.style):
        value = getattr(style.font, attr)
        if value is not None:
            return value
    return None


def text_runs(paragraph):
    return [run for run in paragraph.runs if run.text]


def assert_runs(paragraph, *, bold=None, italic=None, size=None):
    runs = text_runs(paragraph)
    assert runs, f"no text in {paragraph.text!r}"
    for run in runs:
        if bold is not None:
            assert bool(effective(paragraph, run, "bold")) is bold, paragraph.text
        if italic is not None:
            assert bool(effective(paragraph, run, "italic")) is italic, paragraph.text
        if size is not None:
            assert effective(paragraph, run, "size") == Pt(size), paragraph.text


def texts(container):
    return [p.text for p in container.paragraphs if p.text.strip()]


def paragraph_with(container, text):
    return next(p for p in container.paragraphs if p.text == text)


def short_lines(container):
    """Empty paragraphs drawn as a horizontal rule (bottom border)."""
    return [p for p in container.paragraphs if p._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None]


def rule_length_mm(paragraph, available_mm):
    pf = paragraph.paragraph_format
    return available_mm - (pf.left_indent + pf.right_indent) / Mm(1)


def instructions(element):
    return [(node.text or "").strip() for node in element.iter(qn("w:instrText"))]


def field_chars(element):
    return [node.get(qn("w:fldCharType")) for node in element.iter(qn("w:fldChar"))]


def row_texts(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def cell_width_mm(cell):
    return round(cell.width / Mm(1))


# -- page setup and fonts -------------------------------------------------------------


def test_new_document_is_a4_portrait_with_nd30_margins():
    section = reopen(new_document()).sections[0]

    assert section.orientation == WD_ORIENT.PORTRAIT
    assert section.page_width / Mm(1) == pytest.approx(210, abs=0.1)
    assert section.page_height / Mm(1) == pytest.approx(297, abs=0.1)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m / Mm(1), 1) for m in margins] == [20, 20, 30, 15]


def test_new_document_custom_margins_and_font_size():
    doc = reopen(new_document(font_size=14, margins_mm=(25, 20, 35, 20)))
    section = doc.sections[0]
    assert round(section.top_margin / Mm(1)) == 25
    assert round(section.left_margin / Mm(1)) == 35
    assert doc.styles["Normal"].font.size == Pt(14)


def test_times_new_roman_for_every_script_in_defaults_and_styles():
    doc = reopen(new_document())
    styles = doc.styles.element

    normal_fonts = doc.styles["Normal"].element.rPr.rFonts
    assert [normal_fonts.get(qn(a)) for a in FONT_ATTRS] == [TNR] * 4
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert [defaults.rFonts.get(qn(a)) for a in FONT_ATTRS] == [TNR] * 4
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    # no style falls back to a theme font (theme attributes win over w:ascii)
    for rFonts in styles.iter(qn("w:rFonts")):
        assert not any(rFonts.get(qn(a)) for a in THEME_ATTRS)
        assert rFonts.get(qn("w:eastAsia")) == TNR


def test_normal_style_is_black_13pt():
    normal = reopen(new_document()).styles["Normal"]
    assert normal.font.name == TNR
    assert normal.font.size == Pt(13)
    assert normal.font.color.rgb == RGBColor(0, 0, 0)


# -- dates and numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2025, 11, 20), "ngày 20 tháng 11 năm 2025"),
        (date(2025, 12, 1), "ngày 01 tháng 12 năm 2025"),
    ],
)
def test_format_vn_date(d, expected):
    assert format_vn_date(d) == expected
    assert format_vn_date(d, place="Ý Yên") == f"Ý Yên, {expected}"


def test_format_vn_date_unknown_leaves_blanks():
    assert format_vn_date(None, place="Ý Yên", year=2026) == "Ý Yên, ngày     tháng     năm 2026"
    assert format_vn_date(None) == f"ngày     tháng     năm {date.today().year}"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (5, "Số: 05/QĐ-UBND"),
        (12, "Số: 12/QĐ-UBND"),
        (123, "Số: 123/QĐ-UBND"),
        ("7", "Số: 07/QĐ-UBND"),
        (None, "Số:      /QĐ-UBND"),
        ("", "Số:      /QĐ-UBND"),
        ("85/QĐ-UBND", "Số: 85/QĐ-UBND"),
        ("85/qđ-ubnd", "Số: 85/QĐ-UBND"),
    ],
)
def test_format_document_number(number, expected):
    assert format_document_number(number, "QĐ-UBND") == expected


# -- national header, title, body --------------------------------------------------------


def build_national_header(**overrides):
    doc = new_document()
    kwargs = {
        "agency": "Ủy ban nhân dân xã Ý Yên",
        "parent_agency": "Ủy ban nhân dân tỉnh Ninh Bình",
        "number_line": format_document_number(5, "QĐ-UBND"),
        "place": "Ý Yên",
        "doc_date": date(2026, 1, 5),
    } | overrides
    add_national_header(doc, **kwargs)
    return reopen(doc)


def test_national_header_layout():
    doc = build_national_header()
    table = doc.tables[0]
    (agency, national), (number, when) = (row.cells for row in table.rows)

    assert texts(agency) == ["ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "ỦY BAN NHÂN DÂN XÃ Ý YÊN"]
    assert_runs(agency.paragraphs[0], bold=False, size=12)
    assert_runs(agency.paragraphs[1], bold=True, size=12)

    assert texts(national) == [labels.QUOC_HIEU, labels.TIEU_NGU]
    assert labels.QUOC_HIEU == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert_runs(paragraph_with(national, labels.QUOC_HIEU), bold=True, size=12)
    tieu_ngu = paragraph_with(national, labels.TIEU_NGU)
    assert_runs(tieu_ngu, bold=True, size=13)
    assert tieu_ngu.alignment == WD_ALIGN_PARAGRAPH.CENTER

    assert number.text == "Số: 05/QĐ-UBND"
    assert_runs(number.paragraphs[0], size=13)
    assert when.text == "Ý Yên, ngày 05 tháng 01 năm 2026"
    assert_runs(when.paragraphs[0], italic=True, size=13)

    # agency column left, Quốc hiệu column right
    assert [cell_width_mm(c) for c in table.rows[0].cells] == [68, 97]
    # layout table: no borders
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"none"}


def test_national_header_short_lines():
    doc = build_national_header()
    agency, national = doc.tables[0].rows[0].cells

    (agency_line,) = short_lines(agency)
    (motto_line,) = short_lines(national)
    # placed right under the text they underline
    assert [p._p for p in agency.paragraphs].index(agency_line._p) == 2
    assert [p._p for p in national.paragraphs].index(motto_line._p) == 2
    # agency: 1/3 - 1/2 of the name, centred (equal indents)
    agency_mm = rule_length_mm(agency_line, 68 - 3.8)
    assert 10 < agency_mm < 40
    assert agency_line.paragraph_format.left_indent == agency_line.paragraph_format.right_indent
    # tiêu ngữ: as long as the motto (about 60 mm at 13 pt bold)
    assert 50 < rule_length_mm(motto_line, 97 - 3.8) < 75


def test_national_header_unknown_date_and_number():
    doc = build_national_header(
        parent_agency=None, number_line=format_document_number(None, "BC-UBND"), doc_date=None, year=2026
    )
    (agency, _), (number, when) = (row.cells for row in doc.tables[0].rows)
    assert texts(agency) == ["ỦY BAN NHÂN DÂN XÃ Ý YÊN"]
    assert number.text == "Số:      /BC-UBND"
    assert when.text == "Ý Yên, ngày     tháng     năm 2026"


def test_document_title_and_subject():
    doc = new_document()
    add_document_title(doc, doc_type="Quyết định", subject="Về việc công bố Hệ thống quản lý chất lượng")
    doc = reopen(doc)
    title, subject, line = doc.paragraphs[:3]

    assert title.text == "QUYẾT ĐỊNH"
    assert subject.text == "Về việc công bố Hệ thống quản lý chất lượng"
    for paragraph in (title, subject):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert_runs(paragraph, bold=True, size=14)
    assert [p._p for p in short_lines(doc)] == [line._p]
    assert 15 < rule_length_mm(line, 165) < 60


def test_document_title_without_subject_has_no_line():
    doc = new_document()
    add_document_title(doc, doc_type="Báo cáo")
    doc = reopen(doc)
    assert texts(doc) == ["BÁO CÁO"]
    assert short_lines(doc) == []


def test_body_paragraph_format():
    doc = new_document()
    add_body_paragraph(doc, "Hệ thống quản lý chất lượng được áp dụng cho toàn bộ hoạt động.")
    add_body_paragraph(doc, "Căn giữa", align="center", first_line_indent=False, bold=True, size=12)
    doc = reopen(doc)
    body, centred = doc.paragraphs
    pf = body.paragraph_format

    assert body.text == "Hệ thống quản lý chất lượng được áp dụng cho toàn bộ hoạt động."
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(pf.first_line_indent - Cm(1)) < Mm(0.1)
    assert pf.space_after >= Pt(6)
    assert pf.line_spacing == pytest.approx(1.15)
    assert_runs(body, bold=False, italic=False, size=13)
    assert body.style.name == "Normal" and body.style.font.name == TNR

    assert centred.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not centred.paragraph_format.first_line_indent
    assert_runs(centred, bold=True, size=12)


def test_legal_grounds_are_italic_and_end_with_semicolon():
    doc = new_document()
    add_legal_grounds(
        doc,
        [
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025",
            "Căn cứ Quyết định số 19/2014/QĐ-TTg;",
            "  ",
            "Theo đề nghị của Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã",
        ],
    )
    doc = reopen(doc)

    assert texts(doc) == [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
        "Căn cứ Quyết định số 19/2014/QĐ-TTg;",
        "Theo đề nghị của Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã.",
    ]
    for paragraph in doc.paragraphs:
        assert_runs(paragraph, italic=True)
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_headings_use_builtin_styles_restyled():
    doc = new_document()
    add_heading(doc, "1. MỤC ĐÍCH", level=1)
    add_heading(doc, "1.1. Phạm vi", level=2)
    add_heading(doc, "a) Đối tượng", level=3)
    add_body_paragraph(doc, "Nội dung")
    doc = reopen(doc)

    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "1. MỤC ĐÍCH"), ("Heading 2", "1.1. Phạm vi"), ("Heading 3", "a) Đối tượng")]
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        rFonts = style.element.rPr.rFonts
        assert [rFonts.get(qn(a)) for a in FONT_ATTRS] == [TNR] * 4
        assert style.font.bold is True
        assert style.font.color.rgb == RGBColor(0, 0, 0)
        assert style.font.color.theme_color is None
        assert style.element.rPr.find(qn("w:color")).get(qn("w:themeColor")) is None


def test_heading_level_out_of_range():
    with pytest.raises(ValueError):
        add_heading(new_document(), "x", level=0)


# -- tables ---------------------------------------------------------------------------------


def test_add_table_grid_header_row_and_widths():
    doc = new_document()
    add_table(
        doc,
        headers=["STT", "Tên tài liệu", "Ghi chú"],
        rows=[["1", "Sổ tay chất lượng", None], ["2", "Chính sách chất lượng", "Ban hành"]],
        widths_mm=[15, 100, 50],
        font_size=12,
    )
    table = reopen(doc).tables[0]

    assert table.style.name == "Table Grid"
    assert row_texts(table) == [
        ["STT", "Tên tài liệu", "Ghi chú"],
        ["1", "Sổ tay chất lượng", ""],
        ["2", "Chính sách chất lượng", "Ban hành"],
    ]
    header, first, _ = table.rows
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert first._tr.trPr is None or first._tr.trPr.find(qn("w:tblHeader")) is None
    for cell in header.cells:
        assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert_runs(cell.paragraphs[0], bold=True, size=12)
    assert_runs(first.cells[1].paragraphs[0], bold=False, size=12)
    for row in table.rows:
        assert [cell_width_mm(c) for c in row.cells] == [15, 100, 50]
    assert [round(col.width / Mm(1)) for col in table.columns] == [15, 100, 50]


def test_add_table_default_widths_fill_text_width():
    doc = new_document()
    add_table(doc, headers=["A", "B", "C"], rows=[["1", "2", "3"]])
    table = reopen(doc).tables[0]
    assert sum(col.width for col in table.columns) / Mm(1) == pytest.approx(165, abs=0.5)
    assert_runs(table.rows[1].cells[0].paragraphs[0], size=13)


def test_add_table_multiline_cell_and_bad_input():
    doc = new_document()
    add_table(doc, headers=["Bước", "Nội dung"], rows=[["1", "Tiếp nhận\nKiểm tra"], ["2"]])
    table = reopen(doc).tables[0]
    assert texts(table.rows[1].cells[1]) == ["Tiếp nhận", "Kiểm tra"]
    assert row_texts(table)[2] == ["2", ""]
    with pytest.raises(ValueError):
        add_table(new_document(), headers=["A", "B"], rows=[], widths_mm=[100])
    with pytest.raises(ValueError):
        add_table(new_document(), headers=["A"], rows=[["1", "2"]])


def test_add_table_200_rows_read_back():
    rows = [[str(i), f"Hồ sơ số {i:03d}", f"Ghi chú {i}"] for i in range(1, 201)]
    doc = new_document()
    add_table(doc, headers=["STT", "Hồ sơ", "Ghi chú"], rows=rows, widths_mm=[15, 100, 50])
    data = to_bytes(doc)
    table = docx.Document(BytesIO(data)).tables[0]

    assert len(table.rows) == 201
    assert row_texts(table)[1:] == rows
    text = document_text(data)
    assert all(f"Hồ sơ số {i:03d}" in text for i in range(1, 201))


def test_document_text_reads_merged_cells_once():
    doc = new_document()
    table = add_table(doc, headers=["A", "B"], rows=[["gộp", ""], ["x", "y"]])
    first_row = table.rows[1].cells
    first_row[0].merge(first_row[1])
    data = to_bytes(doc)
    table = docx.Document(BytesIO(data)).tables[0]

    assert table.rows[1].cells[0]._tc is table.rows[1].cells[1]._tc  # one merged cell
    assert document_text(data).split("\n") == ["A", "B", "gộp", "x", "y"]


# -- signature -------------------------------------------------------------------------------


def test_signature_block():
    doc = new_document()
    add_signature_block(
        doc,
        authority_prefix="TM. Ủy ban nhân dân",
        position="Chủ tịch",
        signer_name="Nguyễn Văn An",
        recipients=["Như Điều 3;", "- UBND tỉnh Ninh Bình", "Lưu: VT, VP."],
    )
    left, right = reopen(doc).tables[0].rows[0].cells

    assert texts(left) == ["Nơi nhận:", "- Như Điều 3;", "- UBND tỉnh Ninh Bình;", "- Lưu: VT, VP."]
    assert_runs(left.paragraphs[0], bold=True, italic=True, size=12)
    for paragraph in left.paragraphs[1:]:
        assert_runs(paragraph, size=11, bold=False)

    assert texts(right) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"]
    for paragraph in right.paragraphs:
        if paragraph.text:
            assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
            assert_runs(paragraph, bold=True, size=13)
    # room for the signature between the position and the name
    position_at = [p.text for p in right.paragraphs].index("CHỦ TỊCH")
    name_at = [p.text for p in right.paragraphs].index("Nguyễn Văn An")
    assert name_at - position_at - 1 >= 3
    assert all(not p.text for p in right.paragraphs[position_at + 1 : name_at])


def test_signature_block_without_recipients_or_prefix():
    doc = new_document()
    add_signature_block(doc, authority_prefix=None, position="Chủ tịch", signer_name=None)
    left, right = reopen(doc).tables[0].rows[0].cells
    assert texts(left) == []
    assert texts(right) == ["CHỦ TỊCH"]


def test_format_recipients():
    assert format_recipients([]) == ["- Lưu: VT."]
    assert format_recipients(["Lưu: VT, TP", "Sở Nội vụ", " - Như trên; "]) == [
        "- Sở Nội vụ;",
        "- Như trên;",
        "- Lưu: VT, TP.",
    ]


# -- page numbers ----------------------------------------------------------------------------


def test_page_number_header_skips_first_page():
    doc = new_document()
    add_body_paragraph(doc, "Trang nội dung")
    add_page_number_header(doc)
    section = reopen(doc).sections[0]

    assert section.different_first_page_header_footer is True
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert "".join(p.text for p in first.paragraphs) == ""
    assert instructions(first._element) == []

    header = section.header
    (paragraph,) = [p for p in header.paragraphs if instructions(p._p)]
    assert instructions(paragraph._p) == ["PAGE"]
    assert field_chars(paragraph._p) == ["begin", "separate", "end"]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert_runs(paragraph, size=13)
    assert paragraph.text == "1"  # cached result shown before Word updates it


def test_page_number_header_on_every_page():
    doc = new_document()
    add_page_number_header(doc, skip_first_page=False)
    section = reopen(doc).sections[0]
    assert section.different_first_page_header_footer is False
    assert instructions(section.header._element) == ["PAGE"]


def test_page_x_of_y_footer_and_header():
    doc = new_document()
    add_page_x_of_y(doc)
    section = reopen(doc).sections[0]
    (paragraph,) = section.footer.paragraphs
    assert paragraph.text == "Trang 1/1"
    assert instructions(paragraph._p) == ["PAGE", "NUMPAGES"]
    assert field_chars(paragraph._p) == ["begin", "separate", "end"] * 2
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER

    doc = new_document()
    add_page_x_of_y(doc, where="header", prefix="Tr. ")
    assert reopen(doc).sections[0].header.paragraphs[0].text == "Tr. 1/1"
    with pytest.raises(ValueError):
        add_page_x_of_y(new_document(), where="margin")


# -- quy trình -------------------------------------------------------------------------------


def build_process_header(**overrides):
    doc = new_document()
    kwargs = {
        "agency": "Ủy ban nhân dân xã Ý Yên",
        "title": "Kiểm soát tài liệu",
        "code": "QT-01/HT",
        "issue_number": 1,
        "effective_date": date(2026, 1, 5),
    } | overrides
    returned = add_process_header(doc, **kwargs)
    add_body_paragraph(doc, "1. Mục đích")
    return returned, reopen(doc)


def test_process_header_is_in_the_section_header():
    returned, doc = build_process_header()
    assert doc.tables == []  # not in the body: it is in the header, on every page
    header = doc.sections[0].header
    assert not header.is_linked_to_previous
    (table,) = header.tables
    assert row_texts(table) == [[cell.text for cell in returned.rows[0].cells]]

    agency, middle, meta = table.rows[0].cells
    assert texts(agency) == ["ỦY BAN NHÂN DÂN XÃ Ý YÊN"]
    assert_runs(agency.paragraphs[0], bold=True)
    assert texts(middle) == ["QUY TRÌNH", "KIỂM SOÁT TÀI LIỆU"]
    for paragraph in middle.paragraphs:
        assert_runs(paragraph, bold=True)
    assert texts(meta) == ["Mã hiệu: QT-01/HT", "Lần ban hành: 01", "Ngày hiệu lực: 05/01/2026", "Trang: 1/1"]
    assert instructions(meta._tc) == ["PAGE", "NUMPAGES"]
    assert table.style.name == "Table Grid"  # bordered
    assert [cell_width_mm(c) for c in table.rows[0].cells] == [42, 68, 55]

    text = document_text(to_bytes(doc))
    assert text.index("Mã hiệu: QT-01/HT") < text.index("1. Mục đích")


def test_process_header_unknown_date_and_first_page():
    doc = new_document()
    add_page_number_header(doc)  # turns "different first page" on
    add_process_header(
        doc, agency="UBND xã", title="Đánh giá nội bộ", code="QT-05", issue_number=12, effective_date=None
    )
    section = reopen(doc).sections[0]
    for header in (section.header, section.first_page_header):
        (table,) = header.tables
        meta = table.rows[0].cells[2]
        assert [line.strip() for line in texts(meta)[1:3]] == ["Lần ban hành: 12", "Ngày hiệu lực:"]


def test_approval_block():
    doc = new_document()
    add_approval_block(
        doc,
        drafted={"name": "Trần Thị B", "position": "Công chức Văn phòng", "date": date(2026, 1, 2)},
        reviewed={"name": "Lê Văn C", "position": "Phó Chủ tịch", "date": None},
        approved={"name": "Nguyễn Văn An", "position": "Chủ tịch", "date": date(2026, 1, 5)},
    )
    table = reopen(doc).tables[0]

    assert len(table.columns) == 4
    assert row_texts(table) == [
        ["", "Soạn thảo", "Soát xét", "Phê duyệt"],
        ["Họ tên", "Trần Thị B", "Lê Văn C", "Nguyễn Văn An"],
        ["Chữ ký", "", "", ""],
        ["Chức vụ", "Công chức Văn phòng", "Phó Chủ tịch", "Chủ tịch"],
        ["Ngày", "02/01/2026", "", "05/01/2026"],
    ]
    for row in table.rows[1:]:
        assert_runs(row.cells[0].paragraphs[0], bold=True)
    for cell in table.rows[0].cells[1:]:
        assert_runs(cell.paragraphs[0], bold=True)
    signature_row = table.rows[2]
    assert signature_row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST
    assert signature_row.height >= Mm(15)


def test_approval_block_without_dates():
    doc = new_document()
    add_approval_block(doc, drafted={"name": "A"}, reviewed={"name": "B"}, approved={"name": "C"})
    table = reopen(doc).tables[0]
    assert [row.cells[0].text for row in table.rows] == ["", "Họ tên", "Chữ ký", "Chức vụ"]


def test_change_table():
    doc = new_document()
    add_change_table(
        doc,
        [
            {
                "request": "Cập nhật biểu mẫu",
                "page": "3",
                "content": "Sửa BM-01",
                "date": date(2026, 3, 1),
                "issue_number": 2,
            },
            {"request": "Soát xét định kỳ", "page": 5, "content": "Bổ sung bước 4", "date": None, "issue_number": None},
        ],
    )
    table = reopen(doc).tables[0]
    assert row_texts(table) == [
        list(labels.CHANGE_TABLE_HEADERS),
        ["1", "Cập nhật biểu mẫu", "3", "Sửa BM-01", "01/03/2026", "02"],
        ["2", "Soát xét định kỳ", "5", "Bổ sung bước 4", "", ""],
    ]
    assert row_texts(table)[0] == [
        "STT",
        "Yêu cầu sửa đổi",
        "Trang",
        "Nội dung sửa đổi",
        "Ngày sửa đổi",
        "Lần ban hành",
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


# -- whole documents -----------------------------------------------------------------------


def test_full_decision_reads_back_in_order():
    doc = new_document()
    add_national_header(
        doc,
        agency="Ủy ban nhân dân xã Ý Yên",
        number_line=format_document_number(5, "QĐ-UBND"),
        place="Ý Yên",
        doc_date=date(2026, 1, 5),
    )
    add_document_title(doc, doc_type="Quyết định", subject="Về việc công bố Hệ thống quản lý chất lượng")
    add_legal_grounds(doc, ["Căn cứ Luật Tổ chức chính quyền địa phương"])
    add_body_paragraph(doc, "QUYẾT ĐỊNH:", align="center", bold=True, first_line_indent=False)
    add_body_paragraph(doc, "Điều 1. Công bố Hệ thống quản lý chất lượng.")
    add_signature_block(
        doc,
        authority_prefix="TM. Ủy ban nhân dân",
        position="Chủ tịch",
        signer_name="Nguyễn Văn An",
        recipients=["Như Điều 3"],
    )
    add_page_number_header(doc)
    text = document_text(to_bytes(doc))

    expected_order = [
        "ỦY BAN NHÂN DÂN XÃ Ý YÊN",
        labels.QUOC_HIEU,
        labels.TIEU_NGU,
        "Số: 05/QĐ-UBND",
        "Ý Yên, ngày 05 tháng 01 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc công bố Hệ thống quản lý chất lượng",
        "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "Điều 1. Công bố Hệ thống quản lý chất lượng.",
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Văn An",
    ]
    positions = [text.index(line) for line in expected_order]
    assert positions == sorted(positions)


def test_document_text_includes_headers_and_footers():
    doc = new_document()
    add_process_header(
        doc, agency="UBND xã", title="Tiếp nhận hồ sơ", code="QT-02", issue_number=1, effective_date=None
    )
    add_body_paragraph(doc, "Nội dung chính")
    add_page_x_of_y(doc)
    lines = document_text(reopen(doc)).split("\n")
    assert lines[0] == "UBND XÃ"
    assert lines.index("Nội dung chính") < lines.index("Trang 1/1")
    assert lines[-1] == "Trang 1/1"


def test_package_does_not_import_django():
    package = Path(__file__).resolve().parents[2] / "qms" / "docx"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "django" for name in names), path.name
