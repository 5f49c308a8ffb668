"""Composite blocks: NĐ 30/2020 national header, title, body, căn cứ,
signature; ISO quy trình header, approval block and change table."""

from __future__ import annotations

from datetime import date

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from . import labels
from .frame import fit_font_size, keep_block_together, keep_with_previous
from .page import body_width_mm, heading_style, story_parts, style_id
from .tables import add_table, keep_row_together, new_table, set_row_height, set_vertical_alignment
from .text import (
    BODY_FIRST_LINE_INDENT,
    BODY_LINE_SPACING,
    BODY_SPACE_AFTER,
    SIZE_BODY,
    SIZE_HEADER,
    SIZE_RECIPIENTS,
    SIZE_TITLE,
    add_blank_lines,
    add_page_of_pages,
    add_run,
    add_short_line,
    add_text,
    estimate_text_width_mm,
    format_short_date,
    format_vn_date,
    new_paragraph,
    two_digits,
)

NATIONAL_HEADER_WIDTHS_MM = (68, 97)  # agency | Quốc hiệu (12 pt bold needs ~89 mm)
SIGNATURE_WIDTHS_MM = (80, 85)  # Nơi nhận | chữ ký
PROCESS_HEADER_WIDTHS_MM = (42, 68, 55)  # agency | QUY TRÌNH | Mã hiệu …
APPROVAL_WIDTHS_MM = (33, 44, 44, 44)
CHANGE_TABLE_WIDTHS_MM = (12, 35, 15, 53, 25, 25)
CHANGE_TABLE_ALIGN = ("center", None, "center", None, "center", "center")
CELL_PADDING_MM = 3.8  # Word's default 1.9 mm left + right cell margin
#: NĐ 30: the line under the agency name / trích yếu is 1/3 – 1/2 of the text.
SHORT_LINE_RATIO = 0.4
SIGNATURE_BLANK_LINES = 4
SIGNATURE_ROW_MM = 18
TITLE_SPACE = Pt(12)


def _rule_under(container, text: str, size: int, available_mm: float, *, ratio: float, **kw) -> Paragraph:
    """A short centred line under ``text``: ``ratio`` of its (estimated) width."""
    length = ratio * min(estimate_text_width_mm(text, size), available_mm)
    return add_short_line(container, length_mm=length, available_mm=available_mm, **kw)


def _centred(container, text: str, **fmt) -> Paragraph:
    return add_text(container, text, align="center", **fmt)


# -- NĐ 30 blocks -------------------------------------------------------------------


#: NĐ 30 allows the agency block and the number line down to these sizes.
MIN_SIZE_HEADER = 11
MIN_SIZE_NUMBER = 12


def _agency_cell(cell, agency: str, parent_agency: str | None, width_mm: float) -> None:
    room = width_mm - CELL_PADDING_MM
    lines = [parent_agency.upper()] if parent_agency else []
    size = fit_font_size([*lines, agency.upper()], room, SIZE_HEADER, min_size=MIN_SIZE_HEADER, bold=True)
    if parent_agency:
        _centred(cell, parent_agency.upper(), size=size)
    _centred(cell, agency.upper(), bold=True, size=size)
    _rule_under(cell, agency.upper(), size, room, ratio=SHORT_LINE_RATIO)


def _national_cell(cell, width_mm: float) -> None:
    _centred(cell, labels.QUOC_HIEU, bold=True, size=SIZE_HEADER)
    _centred(cell, labels.TIEU_NGU, bold=True, size=SIZE_BODY)
    _rule_under(cell, labels.TIEU_NGU, SIZE_BODY, width_mm - CELL_PADDING_MM, ratio=1.0)


def add_national_header(
    doc: Document,
    *,
    agency: str,
    parent_agency: str | None = None,
    number_line: str | None = None,
    place: str,
    doc_date: date | None,
    year: int | None = None,
) -> Table:
    """Borderless 2x2 table: agency block | Quốc hiệu + Tiêu ngữ, then
    "Số: …" | "place, ngày … tháng … năm …" (italic). ``year`` fills the
    year when ``doc_date`` is unknown (default: this year)."""
    left_mm, right_mm = NATIONAL_HEADER_WIDTHS_MM
    table = new_table(doc, 2, 2, widths_mm=NATIONAL_HEADER_WIDTHS_MM, style=None)
    top, bottom = table.rows
    agency_cell, national_cell = top.cells
    _agency_cell(agency_cell, agency, parent_agency, left_mm)
    _national_cell(national_cell, right_mm)
    number_cell, date_cell = bottom.cells
    if number_line:
        size = fit_font_size([number_line], left_mm - CELL_PADDING_MM, SIZE_BODY, min_size=MIN_SIZE_NUMBER)
        _centred(number_cell, number_line, size=size, space_before=Pt(6))
    date_line = format_vn_date(doc_date, place=place, year=year)
    _centred(date_cell, date_line, italic=True, size=SIZE_BODY, space_before=Pt(6))
    return table


def add_document_title(doc: Document, *, doc_type: str, subject: str | None = None) -> None:
    """Document type (caps 14 bold, centred) and trích yếu (14 bold) with a short line."""
    title_fmt = {"bold": True, "size": SIZE_TITLE, "keep_with_next": True, "first_line_indent": Mm(0)}
    _centred(doc, doc_type.upper(), space_before=TITLE_SPACE, space_after=None if subject else TITLE_SPACE, **title_fmt)
    if subject:
        _centred(doc, subject, **title_fmt)
        _rule_under(doc, subject, SIZE_TITLE, body_width_mm(doc), ratio=SHORT_LINE_RATIO, space_after=TITLE_SPACE)


def add_body_paragraph(
    doc,
    text: str,
    *,
    bold=False,
    italic=False,
    align="justify",
    first_line_indent=True,
    size=None,
) -> Paragraph:
    """Body text: justified, 1 cm first-line indent, 6 pt after, 1.15 lines."""
    return add_text(
        doc,
        text,
        bold=bold,
        italic=italic,
        size=size,
        align=align,
        first_line_indent=BODY_FIRST_LINE_INDENT if first_line_indent else Mm(0),
        space_after=BODY_SPACE_AFTER,
        line_spacing=BODY_LINE_SPACING,
    )


def format_legal_ground(text: str) -> str:
    """``"Căn cứ Luật …"`` -> ``"Căn cứ Luật …;"``; a closing "Theo đề nghị …" line ends with "."."""
    text = text.strip().rstrip(";.,").rstrip()
    return text + ("." if text.startswith(labels.PROPOSAL_PREFIXES) else ";")


def add_legal_grounds(doc, grounds: list[str]) -> None:
    """The "Căn cứ …;" preamble: italic body paragraphs, one per ground."""
    for ground in grounds:
        if ground and ground.strip():
            add_body_paragraph(doc, format_legal_ground(ground), italic=True)


def add_heading(doc: Document, text: str, *, level: int = 1) -> Paragraph:
    """A paragraph in Word's built-in "Heading N" style (bold black TNR)."""
    paragraph = doc.add_paragraph()
    paragraph._p.style = style_id(doc.part, heading_style(doc, level), WD_STYLE_TYPE.PARAGRAPH)
    add_run(paragraph, text)
    return paragraph


def _recipient_item(text: str) -> str:
    return text.strip().lstrip("-–•+ ").rstrip(";.,").rstrip()


def format_recipients(recipients: list[str]) -> list[str]:
    """``["UBND huyện", "Lưu: VT, VP"]`` -> ``["- UBND huyện;", "- Lưu: VT, VP."]``.
    A "Lưu: …" item is moved last; "Lưu: VT" is added when missing."""
    items = [item for item in map(_recipient_item, recipients) if item]
    archive = [item for item in items if item.startswith(labels.LUU)] or [labels.LUU_VT]
    items = [item for item in items if not item.startswith(labels.LUU)] + archive[:1]
    return [f"- {item};" for item in items[:-1]] + [f"- {items[-1]}."]


def add_signature_block(
    doc: Document,
    *,
    authority_prefix: str | None,
    position: str,
    signer_name: str | None,
    recipients: list[str] | None = None,
) -> Table:
    """Borderless table: "Nơi nhận:" list (left; omitted when ``recipients`` is
    None) | authority, position, room to sign, signer name (right). Kept on
    one page with the paragraph before it."""
    table = new_table(doc, 1, 2, widths_mm=SIGNATURE_WIDTHS_MM, style=None)
    row = keep_row_together(table.rows[0])
    left, right = row.cells
    if recipients is not None:
        add_text(left, labels.NOI_NHAN, bold=True, italic=True, size=SIZE_HEADER, align="left")
        for line in format_recipients(recipients):
            add_text(left, line, size=SIZE_RECIPIENTS, align="left")
    for line in (authority_prefix, position):
        if line:
            _centred(right, line.upper(), bold=True, size=SIZE_BODY)
    add_blank_lines(right, SIGNATURE_BLANK_LINES, size=SIZE_BODY)
    _centred(right, signer_name or "", bold=True, size=SIZE_BODY)
    keep_with_previous(table)
    return keep_block_together(table)


# -- ISO quy trình blocks ----------------------------------------------------------------


def _process_header_table(part, *, agency, title, code, issue_number, effective_date) -> Table:
    table = new_table(part, 1, 3, widths_mm=PROCESS_HEADER_WIDTHS_MM)
    part._element.insert(0, table._tbl)  # above the header's placeholder paragraph
    cells = keep_row_together(table.rows[0]).cells
    set_vertical_alignment(cells)
    left, middle, right = cells
    room = PROCESS_HEADER_WIDTHS_MM[0] - CELL_PADDING_MM
    size = fit_font_size([agency.upper()], room, SIZE_HEADER, min_size=MIN_SIZE_HEADER, bold=True)
    _centred(left, agency.upper(), bold=True, size=size)
    _centred(middle, labels.QUY_TRINH, bold=True, size=SIZE_BODY)
    _centred(middle, title.upper(), bold=True, size=SIZE_BODY)
    for label, value in (
        (labels.MA_HIEU, code),
        (labels.LAN_BAN_HANH, two_digits(issue_number)),
        (labels.NGAY_HIEU_LUC, format_short_date(effective_date)),
    ):
        add_text(right, f"{label} {value}", size=SIZE_HEADER, align="left")
    add_page_of_pages(new_paragraph(right), f"{labels.TRANG} ", size=SIZE_HEADER)
    return table


def add_process_header(
    doc: Document,
    *,
    agency: str,
    title: str,
    code: str,
    issue_number: int,
    effective_date: date | None,
) -> Table:
    """The quy trình title table (agency | QUY TRÌNH + name | Mã hiệu, Lần ban
    hành, Ngày hiệu lực, Trang x/y) in the section header, so it repeats on
    every page. Returns the (primary) header's table."""
    parts = story_parts(doc.sections[0], "header")
    fields = {"agency": agency, "title": title, "code": code, "issue_number": issue_number}
    tables = [_process_header_table(part, effective_date=effective_date, **fields) for part in parts]
    return tables[0]


def add_approval_block(doc: Document, *, drafted: dict, reviewed: dict, approved: dict) -> Table:
    """Soạn thảo | Soát xét | Phê duyệt table with Họ tên, Chữ ký, Chức vụ rows
    (and Ngày when any dict has a "date" key)."""
    people = [person or {} for person in (drafted, reviewed, approved)]
    rows = [
        [labels.HO_TEN, *(person.get("name") for person in people)],
        [labels.CHU_KY, "", "", ""],
        [labels.CHUC_VU, *(person.get("position") for person in people)],
    ]
    if any("date" in person for person in people):
        rows.append([labels.NGAY, *(format_short_date(person.get("date")) for person in people)])
    table = add_table(
        doc,
        headers=["", *labels.APPROVAL_COLUMNS],
        rows=rows,
        widths_mm=list(APPROVAL_WIDTHS_MM),
        column_align=[None, "center", "center", "center"],
        first_column_bold=True,
    )
    set_row_height(table.rows[2], SIGNATURE_ROW_MM)
    keep_with_previous(table)
    return keep_block_together(table)


def change_table_row(index: int, row: dict) -> list[str]:
    """One "Theo dõi sửa đổi" row: STT, request, page, content, date, issue number."""
    return [
        str(index),
        row.get("request"),
        row.get("page"),
        row.get("content"),
        format_short_date(row.get("date")),
        two_digits(row.get("issue_number")),
    ]


def add_change_table(doc: Document, rows: list[dict]) -> Table:
    """The "Theo dõi sửa đổi" table (STT | Yêu cầu sửa đổi | Trang | Nội dung
    sửa đổi | Ngày sửa đổi | Lần ban hành)."""
    return add_table(
        doc,
        headers=list(labels.CHANGE_TABLE_HEADERS),
        rows=[change_table_row(index, row) for index, row in enumerate(rows, start=1)],
        widths_mm=list(CHANGE_TABLE_WIDTHS_MM),
        font_size=SIZE_HEADER,
        column_align=list(CHANGE_TABLE_ALIGN),
    )
