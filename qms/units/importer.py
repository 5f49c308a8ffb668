"""Parse a release file of thanglequoc/vietnamese-provinces-database.

Two shapes are accepted (the project's "simplified JSON"):

* 3 tiers (before 01/07/2025): ``[{Code, Name, FullName, …, District: [{…, Ward: [...]}]}]``
* 2 tiers (from 01/07/2025):   ``[{Code, Name, FullName, …, Wards: [...]}]``

Parsing never touches the database: it returns plain rows or raises
:class:`UnitFileError` with a message for the person who supplied the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .models import Era, Level

CODE_RE = re.compile(r"^\d{2,5}$")
TYPE_PREFIXES = (
    "Thành phố",
    "Thị xã",
    "Thị trấn",
    "Đặc khu",
    "Tỉnh",
    "Quận",
    "Huyện",
    "Phường",
    "Xã",
)


class UnitFileError(ValueError):
    """The file is not a usable administrative-unit release."""


@dataclass(frozen=True)
class UnitRow:
    level: str
    code: str
    name: str
    full_name: str
    name_en: str
    unit_type: str
    code_name: str
    parent_code: str | None


def unit_type_of(full_name: str, name: str) -> str:
    prefix = full_name[: -len(name)].strip() if name and full_name.endswith(name) else ""
    if prefix:
        return prefix
    for candidate in TYPE_PREFIXES:
        if full_name.startswith(candidate + " "):
            return candidate
    return ""


def _row(item: dict, level: str, parent_code: str | None, where: str) -> UnitRow:
    if not isinstance(item, dict):
        raise UnitFileError(_("%(where)s: expected an object.") % {"where": where})
    code = str(item.get("Code", "")).strip()
    name = str(item.get("Name", "")).strip()
    full_name = str(item.get("FullName", "")).strip()
    if not CODE_RE.match(code):
        raise UnitFileError(_("%(where)s: invalid unit code “%(code)s”.") % {"where": where, "code": code})
    if not name or not full_name:
        raise UnitFileError(_("%(where)s (code %(code)s): name is missing.") % {"where": where, "code": code})
    return UnitRow(
        level=level,
        code=code,
        name=name,
        full_name=full_name,
        name_en=str(item.get("FullNameEn") or item.get("NameEn") or "").strip(),
        unit_type=unit_type_of(full_name, name),
        code_name=str(item.get("CodeName") or "").strip(),
        parent_code=parent_code,
    )


def _children(item: dict, key: str, where: str) -> list:
    value = item.get(key) or []
    if not isinstance(value, list):
        raise UnitFileError(_("%(where)s: “%(key)s” must be a list.") % {"where": where, "key": key})
    return value


def parse_units(data) -> tuple[str, list[UnitRow]]:
    """Return ``(era, rows)`` with parents before children."""
    if not isinstance(data, list) or not data:
        raise UnitFileError(_("The file must be a non-empty list of provinces."))
    three_tier = any(isinstance(p, dict) and "District" in p for p in data)
    two_tier = any(isinstance(p, dict) and "Wards" in p for p in data)
    if three_tier == two_tier:
        raise UnitFileError(
            _("Unrecognised layout: provinces must contain either “District” (before 2025) or “Wards” (from 2025).")
        )
    era = Era.PRE_2025 if three_tier else Era.Y2025
    rows: list[UnitRow] = []
    for p_index, province in enumerate(data, start=1):
        where = _("province #%(n)d") % {"n": p_index}
        prow = _row(province, Level.PROVINCE, None, where)
        rows.append(prow)
        if three_tier:
            for d_index, district in enumerate(_children(province, "District", where), start=1):
                dwhere = f"{where} / " + _("district #%(n)d") % {"n": d_index}
                drow = _row(district, Level.DISTRICT, prow.code, dwhere)
                rows.append(drow)
                for w_index, ward in enumerate(_children(district, "Ward", dwhere), start=1):
                    wwhere = f"{dwhere} / " + _("commune #%(n)d") % {"n": w_index}
                    rows.append(_row(ward, Level.COMMUNE, drow.code, wwhere))
        else:
            for w_index, ward in enumerate(_children(province, "Wards", where), start=1):
                wwhere = f"{where} / " + _("commune #%(n)d") % {"n": w_index}
                rows.append(_row(ward, Level.COMMUNE, prow.code, wwhere))
    seen: set[str] = set()
    for row in rows:
        if row.code in seen:
            raise UnitFileError(_("Unit code %(code)s appears more than once.") % {"code": row.code})
        seen.add(row.code)
    return era, rows


def read_units_file(path: str | Path) -> tuple[str, list[UnitRow]]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnitFileError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnitFileError(
            _("%(path)s is not valid UTF-8 JSON: %(error)s") % {"path": path.name, "error": exc}
        ) from exc
    return parse_units(data)
