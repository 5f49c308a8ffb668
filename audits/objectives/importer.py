"""Reading a one-stop (một cửa) figures file: CSV or Excel with the columns Mã TTHC, Tháng (mm/yyyy),
Tiếp nhận, Đúng hạn, Trễ hạn, Trả lại.

Reading never writes. :func:`read_figures` checks the file (size; kind by its
content and its name) and returns its rows; :func:`preview` then checks each
row against the commune's catalogue and figures, so the screen can show what
would be written and every bad row by its line.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from posixpath import splitext

from django.utils import timezone
from django.utils.translation import gettext as _

from processes import selectors as process_selectors
from qms.archives import ArchiveTooLarge
from qms.files.policy import XLSX, detect_kind, max_upload_bytes, size_label
from qms.spreadsheets import cell_text, open_first_sheet

from .models import OneStopFigure

#: The columns in the order of the template, each with the names accepted for it.
COLUMNS = {
    "code": ("mã tthc", "ma_tthc", "mã thủ tục", "mã số"),
    "month": ("tháng", "thang"),
    "received": ("tiếp nhận", "tiep_nhan"),
    "on_time": ("đúng hạn", "dung_han"),
    "late": ("trễ hạn", "tre_han"),
    "returned": ("trả lại", "tra_lai"),
}
HEADERS = ("Mã TTHC", "Tháng", "Tiếp nhận", "Đúng hạn", "Trễ hạn", "Trả lại")
NUMBERS = ("received", "on_time", "late", "returned")
#: A commune's year of figures is at most a few hundred rows.
MAX_ROWS = 5_000
MONTH_RE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{4})$")
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


class OneStopFileError(Exception):
    """The file cannot be read at all (wrong kind, too large, no header)."""


@dataclass
class FigureRow:
    line: int
    code: str
    month: datetime.date | None = None
    received: int | None = None
    on_time: int | None = None
    late: int | None = None
    returned: int | None = None
    problems: list[str] = field(default_factory=list)
    procedure_id: int | None = None
    procedure_name: str = ""
    replaces: bool = False

    @property
    def on_time_rate(self):
        from .selectors import rate

        return rate(self.on_time, (self.on_time or 0) + (self.late or 0))

    def messages(self) -> list[str]:
        return [_("Line %(line)s: %(problem)s") % {"line": self.line, "problem": p} for p in self.problems]


@dataclass
class Preview:
    file_name: str
    rows: list[FigureRow]

    @property
    def errors(self) -> list[str]:
        return [message for row in self.rows for message in row.messages()]

    @property
    def months(self) -> list[datetime.date]:
        return sorted({row.month for row in self.rows if row.month})

    @property
    def replaced(self) -> int:
        return sum(row.replaces for row in self.rows)


def _norm(value) -> str:
    return unicodedata.normalize("NFC", str(value if value is not None else "")).strip()


def _key(value) -> str:
    return " ".join(_norm(value).lower().split())


def _header_map(header: list) -> dict[str, int]:
    keys = [_key(cell) for cell in header]
    mapping = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                mapping[name] = keys.index(alias)
                break
    missing = [HEADERS[list(COLUMNS).index(name)] for name in COLUMNS if name not in mapping]
    if missing:
        raise OneStopFileError(_("Columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
    return mapping


def parse_month(text: str) -> datetime.date | None:
    """ "07/2026", "7/2026" or a date cell ("2026-07-01") -> 1/7/2026."""
    text = _norm(text)
    match = MONTH_RE.match(text)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
    else:
        match = ISO_DATE_RE.match(text)
        if not match:
            return None
        year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 2000:
        return None
    return datetime.date(year, month, 1)


def _count(text: str) -> int | None:
    text = _norm(text).replace(" ", "")
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.0+", text):
        return int(text.split(".")[0])
    return None


def _row(line: int, cells: list, mapping: dict[str, int]) -> FigureRow:
    get = {name: _norm(cells[i]) if i < len(cells) else "" for name, i in mapping.items()}
    row = FigureRow(line=line, code=get["code"])
    if not row.code:
        row.problems.append(_("the procedure code is empty"))
    row.month = parse_month(get["month"])
    if row.month is None:
        row.problems.append(_("the month “%(month)s” is not written mm/yyyy") % {"month": get["month"]})
    labels = dict(zip(COLUMNS, HEADERS, strict=True))
    for name in NUMBERS:
        value = _count(get[name])
        if value is None:
            row.problems.append(
                _("“%(column)s” must be a whole number of dossiers, not “%(value)s”")
                % {"column": labels[name], "value": get[name]}
            )
        setattr(row, name, value)
    if None not in (row.received, row.on_time, row.late):
        if row.on_time + row.late > row.received:
            row.problems.append(_("on time + late is greater than received"))
    if None not in (row.received, row.returned) and row.returned > row.received:
        row.problems.append(_("returned is greater than received"))
    return row


def _too_many() -> OneStopFileError:
    return OneStopFileError(_("The file has more than %(limit)s rows.") % {"limit": f"{MAX_ROWS:,}".replace(",", ".")})


def _rows(lines, mapping) -> list[FigureRow]:
    rows = []
    for line, cells in lines:
        if not any(_norm(c) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many()
        rows.append(_row(line, cells, mapping))
    if not rows:
        raise OneStopFileError(_("The file holds no figures."))
    return rows


def _read_csv(data: bytes) -> list[FigureRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OneStopFileError(_("The CSV file is not UTF-8 text.")) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise OneStopFileError(_("The file holds no figures.")) from None
    mapping = _header_map(header)

    def lines():
        line = reader.line_num + 1
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1

    try:
        return _rows(lines(), mapping)
    except csv.Error as exc:
        raise OneStopFileError(_("Line %(line)s: %(problem)s") % {"line": reader.line_num, "problem": exc}) from None


def _read_xlsx(data: bytes) -> list[FigureRow]:
    try:
        sheet = open_first_sheet(data)
        rows = ([cell_text(value) for value in cells] for cells in sheet.iter_rows(values_only=True))
        for header_line, header in enumerate(rows, start=1):
            if any(_key(cell) in COLUMNS["code"] for cell in header):
                break
            if header_line >= 20:
                raise OneStopFileError(_("No header row with a “Mã TTHC” column was found."))
        else:
            raise OneStopFileError(_("No header row with a “Mã TTHC” column was found."))
        mapping = _header_map(header)
        return _rows(enumerate(rows, start=header_line + 1), mapping)
    except OneStopFileError:
        raise
    except ArchiveTooLarge:
        raise OneStopFileError(_("The Excel file unpacks to far more data than a year of figures.")) from None
    except Exception:  # noqa: BLE001 - any unreadable workbook
        raise OneStopFileError(_("The file is not a readable Excel workbook.")) from None


def _looks_like_text(data: bytes) -> bool:
    return b"\x00" not in data[:8192]


def read_figures(file_name: str, data: bytes) -> list[FigureRow]:
    """The rows of a CSV or .xlsx file, recognised by its content (and named accordingly); each row carries
    its own problems. A file that is not one of them, too large or without the columns raises
    :class:`OneStopFileError`."""
    limit = max_upload_bytes()
    if not data:
        raise OneStopFileError(_("The attached file is empty."))
    if len(data) > limit:
        raise OneStopFileError(
            _("The file is larger than the allowed size (%(size)s MB).") % {"size": size_label(limit)}
        )
    extension = splitext(file_name or "")[1].lower()
    kind = detect_kind(io.BytesIO(data))
    if kind is XLSX and extension == ".xlsx":
        return _read_xlsx(data)
    if kind is None and extension == ".csv" and not data.startswith(b"PK\x03\x04") and _looks_like_text(data):
        return _read_csv(data)
    raise OneStopFileError(_("The file is not of an allowed type (%(kinds)s).") % {"kinds": "CSV, Excel .xlsx"})


def preview(*, commune, file_name: str, data: bytes, today: datetime.date | None = None) -> Preview:
    """What importing the file into ``commune`` would write: each row with its procedure, whether it
    replaces a figure already imported, and its problems (unknown code, repeated row, future month)."""
    rows = read_figures(file_name, data)
    today = today or timezone.localdate()
    catalogue = {
        p.code: p for p in process_selectors.commune_catalogue(communes=[commune.pk]).only("pk", "code", "name")
    }
    months = {row.month for row in rows if row.month}
    existing = set(
        OneStopFigure.objects.filter(commune=commune, month__in=months).values_list("procedure__code", "month")
    )
    seen: dict[tuple[str, datetime.date], int] = {}
    for row in rows:
        if row.code:
            procedure = catalogue.get(row.code)
            if procedure is None:
                row.problems.insert(
                    0, _("procedure code %(code)s is not in the commune's catalogue") % {"code": row.code}
                )
            else:
                row.procedure_id, row.procedure_name = procedure.pk, procedure.name
        if row.month and row.month > today:
            row.problems.append(_("the month %(month)s is in the future") % {"month": f"{row.month:%m/%Y}"})
        if row.code and row.month:
            key = (row.code, row.month)
            if key in seen:
                row.problems.append(
                    _("%(code)s in %(month)s already appears on line %(first)s")
                    % {"code": row.code, "month": f"{row.month:%m/%Y}", "first": seen[key]}
                )
            else:
                seen[key] = row.line
            row.replaces = key in existing
    return Preview(file_name=file_name, rows=rows)
