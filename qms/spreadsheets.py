"""Excel files written and read as data, never as formulas.

Writing: :func:`workbook_bytes` saves a workbook after :func:`make_inert` has
turned every text cell that a spreadsheet program could take for a formula
(``=``, ``+``, ``-``, ``@``, tab, carriage return first) into a plain string
cell with the "quote prefix" style: Excel and LibreOffice show the text as
written and keep it text when someone edits the cell. Numbers and dates stay
numbers and dates.

Reading: :func:`open_first_sheet` checks the archive's unpacked sizes before
openpyxl reads it and opens the workbook with formulas as their text
(``data_only=False``): a formula cell is read as the text "=…" it holds, never
as a value computed by whoever saved the file. :func:`cell_text` turns what a
cell holds into text without dropping anything.
"""

from __future__ import annotations

from datetime import date, datetime, time
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from .archives import ZipLimits, check_zip

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Limits of an uploaded workbook: a catalogue of a few thousand rows unpacks to a few MB.
XLSX_LIMITS = ZipLimits(max_xml_bytes=50 * 1024 * 1024, max_total_bytes=100 * 1024 * 1024)


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def make_inert(cell) -> None:
    """Write ``cell``'s text as text: a string cell with the quote prefix when it could read as a formula."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def make_workbook_inert(workbook: Workbook) -> None:
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                make_inert(cell)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx file of ``workbook``, with no text cell readable as a formula."""
    make_workbook_inert(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_text(value) -> str:
    """What a cell read with ``data_only=False`` holds, as text: formulas as
    written ("=…"), whole-day dates as YYYY-MM-DD, None as ""."""
    if value is None:
        return ""
    if isinstance(value, (ArrayFormula, DataTableFormula)):
        return str(getattr(value, "text", "") or "")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def open_first_sheet(data: bytes, limits: ZipLimits = XLSX_LIMITS):
    """The first worksheet (read-only) of an .xlsx file, formulas kept as text.

    Raises ``archives.ArchiveTooLarge`` when the file unpacks to more than
    ``limits``, and whatever openpyxl raises for a file it cannot read.
    """
    check_zip(data, limits)
    return load_workbook(BytesIO(data), read_only=True, data_only=False).worksheets[0]


def inert_csv_value(value):
    """A CSV field that a spreadsheet program opens as the text written, never as a formula."""
    return f"'{value}" if looks_like_formula(value) else value


class InertCsvExportMixin:
    """For Wagtail index views with ``list_export``: CSV rows written with :func:`inert_csv_value`.

    (Wagtail's own XLSX export already forces formula-looking text to string cells.)
    """

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: inert_csv_value(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
