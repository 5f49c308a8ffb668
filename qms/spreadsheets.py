"""Excel files written and read as data, never as formulas.

Writing: :func:`workbook_bytes` saves a workbook after :func:`make_inert` has
turned every text cell that a spreadsheet program could take for a formula
(``=``, ``+``, ``-``, ``@``, tab, carriage return first) into a plain string
cell with the "quote prefix" style: Excel and LibreOffice show the text as
written and keep it text when someone edits the cell. Numbers and dates stay
numbers and dates.

Tables: :func:`add_table_sheet` writes one header row (bold, frozen), the rows
with their types kept (numbers as numbers, dates as date cells shown
dd/mm/yyyy) and column widths fitted to the content.

Reading: :func:`open_first_sheet` checks the archive's unpacked sizes before
openpyxl reads it and opens the workbook with formulas as their text
(``data_only=False``): a formula cell is read as the text "=…" it holds, never
as a value computed by whoever saved the file. :func:`cell_text` turns what a
cell holds into text without dropping anything.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from io import BytesIO, StringIO

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
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


DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MONTH_FORMAT = "MM/YYYY"
#: Sheet titles: at most 31 characters, none of these.
SHEET_TITLE_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})
MIN_WIDTH, MAX_WIDTH = 8, 60


def sheet_title(title: str, suffix: str = "") -> str:
    """A valid sheet title: ``title`` (shortened when needed) followed by `` (suffix)``."""
    tail = f" ({suffix})" if suffix else ""
    return (str(title)[: 31 - len(tail)].rstrip() + tail).translate(SHEET_TITLE_FORBIDDEN)


def typed_value(value):
    """A cell value of its own type: aware date-times in local time without zone (Excel keeps none)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _shown_length(value) -> int:
    if isinstance(value, datetime):
        return len("00/00/0000 00:00")
    if isinstance(value, date):
        return len("00/00/0000")
    if value is None:
        return 0
    return max((len(line) for line in str(value).splitlines()), default=0)


def add_table_sheet(workbook: Workbook, title: str, headers, rows, *, first: bool = False, month_columns=()):
    """A sheet of ``headers`` and ``rows``: frozen bold header, typed cells, widths from the content.

    ``month_columns`` (0-based) hold dates that stand for a month (shown mm/yyyy).
    """
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    headers = [str(h) for h in headers]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [len(h) for h in headers]
    for row in rows:
        values = [typed_value(v) for v in row]
        sheet.append(values)
        for index, value in enumerate(values):
            if index < len(widths):
                widths[index] = max(widths[index], _shown_length(value))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT if cell.value.time() != time() else DATE_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = MONTH_FORMAT if cell.column - 1 in month_columns else DATE_FORMAT
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    return sheet


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


def csv_bytes(headers, rows) -> bytes:
    """A CSV file a spreadsheet program opens in Vietnamese as written: UTF-8 with a byte-order mark,
    CRLF line ends, every text field inert (:func:`inert_csv_value`)."""
    output = StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([str(header) for header in headers])
    for row in rows:
        writer.writerow([inert_csv_value(value) if isinstance(value, str) else value for value in row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


class TableXlsxExportMixin:
    """For Wagtail index views with ``list_export``: the Excel file written by :func:`add_table_sheet`
    (frozen header, widths, numbers and dates typed) and :func:`workbook_bytes` (no live formula)."""

    def write_xlsx(self, queryset, output):
        headers = [self.get_heading(queryset, field) for field in self.list_export]
        rows = [
            [self._xlsx_value(field, value) for field, value in self.to_row_dict(item).items()] for item in queryset
        ]
        workbook = Workbook()
        add_table_sheet(workbook, sheet_title(self.get_filename()), headers, rows, first=True)
        output.write(workbook_bytes(workbook))

    def _xlsx_value(self, field, value):
        if isinstance(value, (date, time, int, float)) and not isinstance(value, bool):
            return typed_value(value)
        return self.preprocess_field_value(field, value, self.FORMAT_XLSX)


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
