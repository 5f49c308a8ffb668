"""Tables: grid tables with a repeating header row, borderless layout tables.

Rows are filled through ``row.cells`` once per row (``table.cell(r, c)`` in a
loop is quadratic in python-docx).
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table, _Cell, _Row

from . import labels
from .frame import column_minimum_mm, date_column_mm, fit_columns
from .page import body_width_mm, style_id
from .text import SIZE_BODY, add_text

#: A4 width minus the NĐ 30 left/right margins (210 - 30 - 15).
DEFAULT_TEXT_WIDTH_MM = 165

_BORDER_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")
# Children of w:tblPr that must follow w:tblBorders (schema order).
_TBLBORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


# -- cells ------------------------------------------------------------------------


def write_cell(cell: _Cell, text, *, bold=False, italic=False, size=None, align=None):
    """Write ``text`` into a cell, one paragraph per line ("\\n"); None -> empty."""
    for line in ("" if text is None else str(text)).split("\n"):
        add_text(cell, line, bold=bold, italic=italic, size=size, align=align)
    return cell


def fill_row(row: _Row, values, *, aligns=None, first_bold=False, **fmt) -> tuple[_Cell, ...]:
    """Write ``values`` into the row's cells (``row.cells`` read once) with
    per-column alignments; ``fmt`` is bold/italic/size/align."""
    cells = row.cells
    if len(values) > len(cells):
        raise ValueError(f"{len(values)} values for a row of {len(cells)} cells")
    for index, cell in enumerate(cells):
        cell_fmt = dict(fmt)
        if aligns and aligns[index]:
            cell_fmt["align"] = aligns[index]
        if first_bold and index == 0:
            cell_fmt["bold"] = True
        write_cell(cell, values[index] if index < len(values) else "", **cell_fmt)
    return cells


def _set_row_flag(row: _Row, tag: str) -> _Row:
    trPr = row._tr.get_or_add_trPr()  # w:trPr children are a choice: any order
    if trPr.find(qn(tag)) is None:
        trPr.append(OxmlElement(tag))
    return row


def keep_row_together(row: _Row) -> _Row:
    """Do not split ``row`` across pages (w:cantSplit)."""
    return _set_row_flag(row, "w:cantSplit")


def mark_header_row(row: _Row) -> _Row:
    """Repeat ``row`` at the top of every page (w:tblHeader) and keep it whole."""
    return _set_row_flag(keep_row_together(row), "w:tblHeader")


def set_row_height(row: _Row, height_mm: float, *, exact: bool = False) -> _Row:
    row.height = Mm(height_mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST
    return row


def set_vertical_alignment(cells, align=WD_CELL_VERTICAL_ALIGNMENT.CENTER) -> None:
    for cell in cells:
        cell.vertical_alignment = align


# -- tables ------------------------------------------------------------------------


def set_table_borders(table: Table, value: str = "none") -> Table:
    """Set every table border (outer and inside) to ``value`` ("none", "single")."""
    tblPr = table._tbl.tblPr
    old = tblPr.find(qn("w:tblBorders"))
    if old is not None:
        tblPr.remove(old)
    borders = tblPr.insert_element_before(OxmlElement("w:tblBorders"), *_TBLBORDERS_SUCCESSORS)
    for edge in _BORDER_EDGES:
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "none":
            element.set(qn("w:sz"), "4")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    return table


def _text_width_mm(container) -> float:
    if isinstance(container, Document):
        return body_width_mm(container)
    if isinstance(container, _Cell) and container.width:
        return container.width / Mm(1)
    return DEFAULT_TEXT_WIDTH_MM


def new_table(container, rows: int, cols: int, *, widths_mm, style: str | None = labels.TABLE_STYLE) -> Table:
    """An empty ``rows`` x ``cols`` table with fixed column widths in mm, centred;
    no row splits across pages.

    ``container`` is the document, a header/footer or a cell. ``style=None``
    gives a layout table without borders."""
    widths_mm = list(widths_mm)
    if len(widths_mm) != cols:
        raise ValueError(f"{len(widths_mm)} widths for {cols} columns")
    if isinstance(container, (Document, _Cell)):
        table = container.add_table(rows, cols)
    else:
        table = container.add_table(rows, cols, Mm(sum(widths_mm)))
    if style:
        table._tbl.tblStyle_val = style_id(table.part, style, WD_STYLE_TYPE.TABLE)
    else:
        set_table_borders(table, "none")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        keep_row_together(row)
    return set_column_widths(table, widths_mm)


def set_column_widths(table: Table, widths_mm) -> Table:
    """Fixed widths (mm) on the grid, on every cell (Word reads w:tcW) and on
    the table; plain XML loop, no ``table.cell()`` lookups."""
    widths = [Mm(width) for width in widths_mm]
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=False):
            tc.width = width
    tblW = table._tbl.tblPr.find(qn("w:tblW"))
    if tblW is not None:
        tblW.set(qn("w:type"), "dxa")
        tblW.set(qn("w:w"), str(sum(width.twips for width in widths)))
    return table


def add_table(
    doc,
    *,
    headers: list[str],
    rows: list[list[str]],
    widths_mm: list[float] | None = None,
    font_size: int | None = None,
    header_bold=True,
    column_align: list[str | None] | None = None,
    first_column_bold: bool = False,
    date_columns: tuple[int, ...] = (),
) -> Table:
    """A "Table Grid" table: header row bold, centred and repeated on every
    page; then ``rows`` (values are str()-ed, None -> empty). Widths in mm
    (default: equal split of the text width) are fitted to the text width,
    each column wide enough that no word in it (a date, a code) breaks."""
    cols = len(headers)
    total_mm = _text_width_mm(doc) if isinstance(doc, Document) else sum(widths_mm or [])
    widths_mm = widths_mm or [_text_width_mm(doc) / cols] * cols
    size = font_size or SIZE_BODY
    minimums = [
        column_minimum_mm([headers[i], *(row[i] for row in rows if i < len(row) and row[i] is not None)], size)
        for i in range(cols)
    ]
    for index in date_columns:
        minimums[index] = max(minimums[index], date_column_mm(size))
    widths_mm = fit_columns(widths_mm, total_mm=total_mm or sum(widths_mm), minimums_mm=minimums)
    table = new_table(doc, len(rows) + 1, cols, widths_mm=widths_mm)
    table_rows = iter(table.rows)
    header_row = mark_header_row(next(table_rows))
    cells = fill_row(header_row, headers, bold=header_bold, size=font_size, align="center")
    set_vertical_alignment(cells)
    for row, values in zip(table_rows, rows, strict=False):
        fill_row(row, values, aligns=column_align, first_bold=first_column_bold, size=font_size)
    return table
