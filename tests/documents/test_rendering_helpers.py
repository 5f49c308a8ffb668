"""The rendered-page helpers, each shown passing on one small Word file and failing on another.

All the files are converted by one LibreOffice process for the module.
"""

from __future__ import annotations

from datetime import date

import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.shared import Mm

from qms import docx as qd

from . import rendering as r

pytestmark = r.needs_libreoffice

SIGNER = "Nguyễn Thị Hoa"


def _header(doc):
    qd.add_national_header(doc, agency="ỦY BAN NHÂN DÂN XÃ Ý YÊN", place="Ý Yên", doc_date=date(2025, 3, 12))


def _filler(doc, pages: int):
    """Body text filling ``pages`` pages, the last one ending with a page break."""
    for number in range(pages):
        qd.add_body_paragraph(doc, f"Nội dung trang {number + 1}: Ủy ban nhân dân xã thực hiện quy trình.")
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _signature(doc):
    qd.add_signature_block(
        doc,
        authority_prefix="TM. ỦY BAN NHÂN DÂN",
        position="CHỦ TỊCH",
        signer_name=SIGNER,
        recipients=["Như Điều 3", "Lưu: VT"],
    )


def nd30_three_pages():
    doc = qd.new_document()
    _header(doc)
    qd.add_page_number_header(doc)
    _filler(doc, 2)
    qd.add_body_paragraph(doc, "Đoạn cuối của văn bản, ngay trước chữ ký.")
    _signature(doc)
    return doc


def letter_narrow_margins_no_numbers():
    doc = qd.new_document(margins_mm=(8, 8, 8, 8))
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(215.9), Mm(279.4)
    qd.add_body_paragraph(doc, "Văn bản khổ Letter, lề hẹp. " * 40)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    qd.add_body_paragraph(doc, "Trang hai không có số trang.")
    return doc


def stranded_signature():
    doc = qd.new_document()
    _header(doc)
    qd.add_page_number_header(doc)
    _filler(doc, 1)
    _signature(doc)
    return doc


def narrow_columns():
    """Columns too narrow for a date and a code (built cell by cell: ``add_table`` would widen them)."""
    doc = qd.new_document()
    table = qd.new_table(doc, 2, 2, widths_mm=[14, 10])
    for row, values in zip(table.rows, (["Ngày", "Mã"], ["12/03/2025", "QT-04/HT"]), strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            qd.write_cell(cell, value)
    return doc


def wide_columns_with_draft_mark():
    doc = qd.new_document()
    qd.add_body_paragraph(doc, "DỰ THẢO", bold=True)
    qd.add_table(doc, headers=["Ngày", "Mã"], rows=[["12/03/2025", "QT-04/HT"]], widths_mm=[60, 60])
    return doc


BUILDERS = {
    "nd30": nd30_three_pages,
    "letter": letter_narrow_margins_no_numbers,
    "stranded": stranded_signature,
    "narrow": narrow_columns,
    "wide_draft": wide_columns_with_draft_mark,
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    pdfs = r.render_batch(
        {name: qd.to_bytes(build()) for name, build in BUILDERS.items()}, tmp_path_factory.mktemp("helpers")
    )
    opened = {name: r.open_pdf(path) for name, path in pdfs.items()}
    yield {"pdf": opened, "path": pdfs}
    for pdf in opened.values():
        pdf.close()


def test_page_sizes_tell_a4_from_letter(rendered):
    assert rendered["pdf"]["nd30"].pages and all(
        abs(w - 210) <= 1 and abs(h - 297) <= 1 for w, h in r.page_sizes(rendered["pdf"]["nd30"])
    )
    assert r.page_sizes(rendered["pdf"]["letter"])[0] == pytest.approx((215.9, 279.4), abs=0.5)


def test_text_box_margins_keep_to_nd30_or_show_where_they_do_not(rendered):
    for page in rendered["pdf"]["nd30"].pages:
        found = r.text_box_margins_mm(page)
        assert set(found) == {"top", "bottom", "left", "right"}
        assert r.margin_violations(page) == {}, found
    narrow = r.margin_violations(rendered["pdf"]["letter"].pages[0])
    assert {"top", "left", "right"} <= set(narrow)


def test_page_number_is_read_from_page_two_and_absent_on_page_one(rendered):
    pdf = rendered["pdf"]["nd30"]
    assert len(pdf.pages) == 3
    assert [r.page_number_on(page) for page in pdf.pages] == [None, 2, 3]
    assert [r.page_number_on(page) for page in rendered["pdf"]["letter"].pages] == [None, None]


def test_lines_read_vietnamese_with_diacritics(rendered):
    first = r.lines(rendered["pdf"]["nd30"].pages[0])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in " ".join(first)
    assert any("Ủy ban nhân dân xã thực hiện quy trình" in line for line in first)
    assert not any("Ủy ban" in line for line in r.lines(rendered["pdf"]["letter"].pages[0]))


def test_a_signature_alone_on_the_last_page_is_found(rendered):
    assert r.only_signature_on_last_page(rendered["pdf"]["stranded"], SIGNER)
    assert not r.only_signature_on_last_page(rendered["pdf"]["nd30"], SIGNER)


def test_dates_and_codes_broken_over_two_lines_are_found(rendered):
    narrow, wide = rendered["pdf"]["narrow"], rendered["pdf"]["wide_draft"]
    assert r.broken_tokens(narrow, r.DATE) and r.broken_tokens(narrow, r.CODE)
    assert r.broken_tokens(wide, r.DATE) == [] and r.broken_tokens(wide, r.CODE) == []


def test_the_draft_mark_is_seen_only_where_printed(rendered):
    assert r.has_draft_mark(rendered["pdf"]["wide_draft"])
    assert not r.has_draft_mark(rendered["pdf"]["nd30"])


def test_the_pdf_says_pdfa_2b_and_a_plain_pdf_does_not(rendered, tmp_path):
    assert r.pdfa_conformance(rendered["path"]["nd30"]) == ("2", "B")
    plain = tmp_path / "plain.pdf"
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with plain.open("wb") as out:
        writer.write(out)
    assert r.pdfa_conformance(plain) is None
