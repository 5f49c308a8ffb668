"""Reading TTHC catalogue files: the national portal's list (CSV or Excel, the
shape of fixtures/tthc/*.csv) and the curated JSON with steps.

Reading never writes: it returns rows, or raises :class:`CatalogueFileError`
listing every malformed row by its line (CSV/Excel) or item number (JSON).
Each row only carries the fields its source provides, so importing the list
after the curated JSON does not wipe the steps.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from qms.archives import ArchiveTooLarge
from qms.formats import NAME_MAX_LENGTH
from qms.spreadsheets import cell_text, open_first_sheet

from .models import TimeUnit

CODE_RE = re.compile(r"^\d{1,2}\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.H\d{2})?$")
#: The portal lists customs (Hải quan) procedures as "Cấp xã" by mistake (data README).
EXCLUDED_FIELDS = {"hải quan"}
PREFERRED_CHANNEL = "Trực tiếp"
UNKNOWN_TIME = {"", "không có thông tin"}
UNITS = {"ngày làm việc": TimeUnit.WORKING_DAYS, "ngày": TimeUnit.DAYS, "giờ": TimeUnit.HOURS}
MAX_LENGTHS = {
    "code": 40,
    "name": NAME_MAX_LENGTH,
    "field": 200,
    "level": 200,
    "decision_number": 120,
    "procedure_type": 120,
}

#: Column names accepted for each field (snake_case of the shipped CSV, then the portal's headings).
COLUMNS = {
    "code": ("ma_thu_tuc", "mã số", "mã thủ tục", "mã tthc"),
    "name": ("ten_thu_tuc", "tên", "tên thủ tục", "tên tthc"),
    "field": ("linh_vuc", "lĩnh vực"),
    "level": ("cap_thuc_hien", "cấp thực hiện"),
    "decision_number": ("so_quyet_dinh_cong_bo", "số quyết định công bố", "quyết định công bố"),
    "procedure_type": ("loai_thu_tuc", "loại thủ tục"),
    "applicants": ("doi_tuong_thuc_hien", "đối tượng thực hiện"),
    "time_limit_text": ("thoi_han_theo_kenh", "thời hạn giải quyết", "thời hạn"),
    "fees": ("phi_le_phi_theo_kenh", "phí, lệ phí", "lệ phí"),
    "legal_basis": ("can_cu_phap_ly_so_hieu", "căn cứ pháp lý"),
    "result": ("ket_qua", "kết quả thực hiện", "kết quả"),
    "source_url": ("detail_url", "đường dẫn", "url"),
    "retrieved_on": ("retrieved_on", "ngày truy xuất"),
}
REQUIRED = ("code", "name", "field")
MEGABYTE = 1024 * 1024
#: The whole national list (every level) is ~6,000 procedures in a few MB.
MAX_FILE_BYTES = 20 * MEGABYTE
MAX_ROWS = 20_000


class CatalogueFileError(Exception):
    """The file cannot be imported; ``errors`` lists ``(line, message)`` pairs."""

    def __init__(self, errors: list[tuple[int | None, str]], *, items: bool = False):
        self.errors = errors
        self.items = items
        super().__init__("; ".join(self.format_lines()))

    def format_lines(self) -> list[str]:
        where = _("item %(line)s: %(message)s") if self.items else _("line %(line)s: %(message)s")
        return [where % {"line": line, "message": message} if line else message for line, message in self.errors]


@dataclass
class CatalogueRow:
    line: int
    values: dict = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.values["code"]


@dataclass
class CatalogueFile:
    file_format: str
    rows: list[CatalogueRow]
    filtered: list[str]


def _norm(text) -> str:
    return unicodedata.normalize("NFC", str(text if text is not None else "")).strip()


def _key(text) -> str:
    return _norm(text).lower()


def parse_time_limit(text: str) -> tuple[Decimal | None, str]:
    """ "35 Ngày làm việc" -> (35, working days); "1" (no unit) -> (None, "")."""
    match = re.match(r"^\s*(\d+(?:[.,]\d+)?)\s*(.*?)\s*$", text or "")
    if not match:
        return None, ""
    unit = UNITS.get(_key(match.group(2)))
    if unit is None:
        return None, ""
    return Decimal(match.group(1).replace(",", ".")), unit


def _channel_times(text: str) -> list[tuple[str, str]]:
    """ "Trực tiếp: 35 Ngày; Trực tuyến: 30 Ngày" -> [("Trực tiếp", "35 Ngày"), …]."""
    pairs = []
    for part in (text or "").split(";"):
        channel, _sep, value = part.partition(":")
        if _sep:
            pairs.append((_norm(channel), _norm(value)))
    return pairs


def _preferred(pairs: list[tuple[str, str]]) -> str:
    known = [(c, v) for c, v in pairs if _key(v) not in UNKNOWN_TIME]
    for channel, value in known:
        if channel == PREFERRED_CHANNEL:
            return value
    return known[0][1] if known else ""


def _set_time(values: dict, text: str, pairs: list[tuple[str, str]]) -> None:
    values["time_limit_text"] = text
    value, unit = parse_time_limit(_preferred(pairs))
    values["time_limit_value"], values["time_limit_unit"] = value, unit


def _parse_date(text: str) -> date | None:
    text = _norm(text)
    for pattern in (r"^(\d{4})-(\d{2})-(\d{2})$", r"^(\d{4})-(\d{2})$"):
        match = re.match(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()] + [1]
            return date(parts[0], parts[1], parts[2])
    return None


def retrieval_date_from_name(name: str) -> date | None:
    match = re.search(r"(\d{4}-\d{2}(?:-\d{2})?)", name)
    return _parse_date(match.group(1)) if match else None


def _validate(values: dict, seen: dict[str, int], line: int) -> list[tuple[int, str]]:
    errors = []
    for name in REQUIRED:
        if not values.get(name):
            errors.append((line, _("the column “%(column)s” is empty") % {"column": COLUMNS[name][0]}))
    code = values.get("code", "")
    if code and not CODE_RE.match(code):
        errors.append((line, _("“%(code)s” is not a national procedure code (e.g. 1.001193)") % {"code": code}))
    elif code in seen:
        errors.append(
            (line, _("code %(code)s already appears on line %(first)s") % {"code": code, "first": seen[code]})
        )
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            errors.append(
                (
                    line,
                    _("“%(column)s” is longer than %(limit)d characters")
                    % {"column": COLUMNS[name][0], "limit": limit},
                )
            )
    url = values.get("source_url", "")
    if url and not url.startswith(("http://", "https://")):
        errors.append((line, _("“%(url)s” is not a web address") % {"url": url}))
    return errors


def _too_many_rows() -> CatalogueFileError:
    message = _("The file has more than %(limit)s rows; split it into smaller files.")
    return CatalogueFileError([(None, message % {"limit": f"{MAX_ROWS:,}".replace(",", ".")})])


def _collect(items, file_format: str) -> CatalogueFile:
    rows, filtered, errors, seen = [], [], [], {}
    for count, (line, values) in enumerate(items, start=1):
        if count > MAX_ROWS:
            raise _too_many_rows()
        if _key(values.get("field")) in EXCLUDED_FIELDS:
            filtered.append(values.get("code", ""))
            continue
        problems = _validate(values, seen, line)
        errors.extend(problems)
        if not problems:
            seen[values["code"]] = line
            rows.append(CatalogueRow(line=line, values=values))
    if errors:
        raise CatalogueFileError(errors, items=file_format == "json")
    if not rows and not filtered:
        raise CatalogueFileError([(None, _("The file contains no procedure."))])
    return CatalogueFile(file_format=file_format, rows=rows, filtered=filtered)


# -- list (CSV / Excel) ------------------------------------------------------------------


def _header_map(header: list) -> dict[str, int]:
    keys = [_key(cell) for cell in header]
    mapping = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                mapping[name] = keys.index(alias)
                break
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in mapping]
    if missing:
        raise CatalogueFileError(
            [(1, _("required columns are missing: %(columns)s") % {"columns": ", ".join(missing)})]
        )
    return mapping


def _list_values(cells: list, mapping: dict[str, int], retrieved_on: date | None) -> dict:
    get = {name: _norm(cells[i]) if i < len(cells) else "" for name, i in mapping.items()}
    values = {name: get[name] for name in mapping if name not in ("legal_basis", "time_limit_text", "retrieved_on")}
    if "legal_basis" in get:
        values["legal_basis"] = "\n".join(p.strip() for p in get["legal_basis"].split(";") if p.strip())
    if "time_limit_text" in get:
        _set_time(values, get["time_limit_text"], _channel_times(get["time_limit_text"]))
    when = _parse_date(get.get("retrieved_on", "")) or retrieved_on
    if when:
        values["retrieved_on"] = when
    return values


def read_csv(data: bytes, *, retrieved_on: date | None = None) -> CatalogueFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueFileError([(None, _("The file is not UTF-8 text."))]) from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise CatalogueFileError([(None, _("The file is empty."))]) from None
    mapping = _header_map(header)

    def items():
        line = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                yield line, _list_values(cells, mapping, retrieved_on)
            line = reader.line_num + 1

    try:
        return _collect(items(), "csv")
    except csv.Error as exc:
        raise CatalogueFileError([(reader.line_num, str(exc))]) from None


def read_xlsx(data: bytes, *, retrieved_on: date | None = None) -> CatalogueFile:
    try:
        sheet = open_first_sheet(data)
    except ArchiveTooLarge:
        message = _("The Excel file unpacks to far more data than a catalogue holds; it was not read.")
        raise CatalogueFileError([(None, message)]) from None
    except Exception:  # noqa: BLE001 - any unreadable workbook
        raise CatalogueFileError([(None, _("The file is not a readable Excel workbook."))]) from None
    rows = ([cell_text(value) for value in cells] for cells in sheet.iter_rows(values_only=True))
    for header_line, header in enumerate(rows, start=1):
        if any(_key(cell) in COLUMNS["code"] for cell in header):
            break
        if header_line >= MAX_ROWS:
            raise _too_many_rows()
    else:
        raise CatalogueFileError([(None, _("No header row with a procedure code column was found."))])
    mapping = _header_map(header)
    items = (
        (line, _list_values(cells, mapping, retrieved_on))
        for line, cells in enumerate(rows, start=header_line + 1)
        if any(cells)
    )
    return _collect(items, "xlsx")


# -- curated JSON --------------------------------------------------------------------


def _json_values(item: dict, retrieved_on: date | None) -> dict:
    values = {
        "code": _norm(item.get("ma_thu_tuc")),
        "name": _norm(item.get("ten_thu_tuc")),
        "field": _norm(item.get("linh_vuc")),
        "level": _norm(item.get("cap_thuc_hien")),
        "decision_number": _norm(item.get("so_quyet_dinh_cong_bo")),
        "result": _norm(item.get("ket_qua")),
        "steps_text": _norm(item.get("trinh_tu_thuc_hien")),
        "source_url": _norm(item.get("detail_url")),
        "source": item.get("source") or {},
    }
    basis = item.get("can_cu_phap_ly_so_hieu") or []
    values["legal_basis"] = "\n".join(_norm(b) for b in (basis if isinstance(basis, list) else basis.split(";")))
    channels = [
        {key: _norm(channel.get(key)) for key in ("channel", "time", "fee", "fee_note")}
        for channel in item.get("kenh_nop") or []
        if isinstance(channel, dict)
    ]
    values["channels"] = channels
    pairs = [(c["channel"], c["time"]) for c in channels]
    _set_time(values, "; ".join(f"{c}: {t}" for c, t in pairs if t), pairs)
    fees = dict.fromkeys(f"{c['channel']}: {c['fee']}" for c in channels if c["fee"])
    values["fees"] = "; ".join(fees)
    when = _parse_date(item.get("retrieved_on") or "") or retrieved_on
    if when:
        values["retrieved_on"] = when
    return values


def read_json(data: bytes, *, retrieved_on: date | None = None) -> CatalogueFile:
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise CatalogueFileError([(line, _("The file is not valid JSON."))]) from None
    items = payload.get("procedures") if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise CatalogueFileError([(None, _("The JSON file has no “procedures” list."))])
    errors = [(i, _("not an object")) for i, item in enumerate(items, start=1) if not isinstance(item, dict)]
    if errors:
        raise CatalogueFileError(errors, items=True)
    return _collect(((i, _json_values(item, retrieved_on)) for i, item in enumerate(items, start=1)), "json")


READERS = {".csv": read_csv, ".json": read_json, ".xlsx": read_xlsx}


def read_catalogue(name: str, data: bytes, *, retrieved_on: date | None = None) -> CatalogueFile:
    """Parse a catalogue file by its extension (.csv, .xlsx or .json)."""
    reader = READERS.get(Path(name).suffix.lower())
    if reader is None:
        raise CatalogueFileError([(None, _("Unsupported file type: use .csv, .xlsx or .json."))])
    if len(data) > MAX_FILE_BYTES:
        message = _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
        sizes = {"size": f"{len(data) / MEGABYTE:.1f}", "limit": MAX_FILE_BYTES // MEGABYTE}
        raise CatalogueFileError([(None, message % sizes)])
    return reader(data, retrieved_on=retrieved_on or retrieval_date_from_name(Path(name).name))
