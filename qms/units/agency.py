"""Who issues a record, where, under whom: the agency block of a record at its own date.

A document carries the issuing body, its parent agency and the place of the
day it is dated, not of today. Vietnam dropped the district level on
01/07/2025 (and merged communes and provinces), so:

* a record dated before 01/07/2025 is issued by the commune of that era,
  under its district (or province when it had no district);
* a record dated from 01/07/2025 is issued by the successor commune of the
  2025 list, under its province — never a district;
* a record with no date belongs to the era of its own commune.

Every Word document takes its header from :func:`commune_agency` or
:func:`unit_agency`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from .models import AdministrativeUnit, Commune, Era, Level

#: The two-tier local government (no districts) starts on this day.
REFORM_DATE = date(2025, 7, 1)
UBND = "ỦY BAN NHÂN DÂN"


def era_on(day: date | None, default: str = Era.Y2025) -> str:
    """The administrative era of ``day`` (``default`` when the day is unknown)."""
    if day is None:
        return default
    return Era.Y2025 if day >= REFORM_DATE else Era.PRE_2025


def committee_name(unit: AdministrativeUnit) -> str:
    """ "ỦY BAN NHÂN DÂN HUYỆN Ý YÊN" for the district Huyện Ý Yên."""
    return f"{UBND} {unit.full_name}".upper()


def in_sentence(name: str) -> str:
    """ "Xã Yên Trung" -> "xã Yên Trung" (a unit name inside a sentence)."""
    return name[:1].lower() + name[1:] if name else name


@dataclass(frozen=True)
class Agency:
    """The NĐ 30/2020 agency block of one record, and the units it names."""

    name: str  # "ỦY BAN NHÂN DÂN XÃ YÊN TRUNG"
    parent: str  # "ỦY BAN NHÂN DÂN HUYỆN Ý YÊN" (empty for a province)
    place: str  # "Yên Trung", the place before the date
    unit: AdministrativeUnit
    era: str
    district: AdministrativeUnit | None = None
    province: AdministrativeUnit | None = None
    commune: Commune | None = None

    @property
    def unit_full_name(self) -> str:
        """ "Xã Yên Trung" """
        return self.unit.full_name

    @property
    def short_name(self) -> str:
        """ "UBND xã Yên Trung" (in a list of recipients)."""
        return f"UBND {in_sentence(self.unit.full_name)}"


def _superiors(unit: AdministrativeUnit) -> tuple[AdministrativeUnit | None, AdministrativeUnit | None]:
    ancestors = unit.ancestors()
    district = next((a for a in ancestors if a.level == Level.DISTRICT), None)
    province = next((a for a in ancestors if a.level == Level.PROVINCE), None)
    return district, province


def _from_commune(commune: Commune) -> Agency:
    unit = commune.unit
    district, province = _superiors(unit)
    parent = commune.parent_agency_name or (committee_name(unit.parent) if unit.parent else "")
    if unit.era == Era.Y2025 and district is not None:
        parent = committee_name(province) if province else ""
        district = None
    return Agency(
        name=commune.agency_name or committee_name(unit),
        parent=parent,
        place=commune.place_name or unit.name,
        unit=unit,
        era=unit.era,
        district=district,
        province=province,
        commune=commune,
    )


def _counterpart(commune: Commune, era: str) -> Commune | None:
    """The commune of ``era`` that stands for ``commune``: its successor (or its only predecessor)."""
    if era == Era.Y2025:
        return commune.successors.filter(unit__era=era).select_related("unit").order_by("unit__code").first()
    predecessors = list(commune.predecessors.filter(unit__era=era).select_related("unit")[:2])
    return predecessors[0] if len(predecessors) == 1 else None


def commune_agency(commune: Commune, day: date | None) -> Agency:
    """The agency block of a record of ``commune`` dated ``day``."""
    era = era_on(day, default=commune.unit.era)
    if era != commune.unit.era:
        counterpart = _counterpart(commune, era)
        if counterpart is not None:
            return _from_commune(counterpart)
        if era == Era.Y2025:
            return _without_district(_from_commune(commune))
    return _from_commune(commune)


def _without_district(agency: Agency) -> Agency:
    """A commune with no known successor, named under its province (there is no district any more)."""
    province = agency.province
    return Agency(
        name=agency.name,
        parent=committee_name(province) if province else "",
        place=agency.place,
        unit=agency.unit,
        era=Era.Y2025,
        district=None,
        province=province,
        commune=agency.commune,
    )


def successor_province(province: AdministrativeUnit) -> AdministrativeUnit | None:
    """The 2025 province most of whose known communes come from the pre-2025 ``province``."""
    successors = Commune.objects.filter(
        unit__era=Era.Y2025, predecessors__unit__in=province.descendant_communes()
    ).values_list("unit__parent_id", flat=True)
    counts = Counter(successors)
    if not counts:
        return None
    return AdministrativeUnit.objects.get(pk=counts.most_common(1)[0][0])


def unit_agency(unit: AdministrativeUnit, day: date | None = None) -> Agency:
    """The agency block of the People's Committee of a province or district, for a record dated ``day``.

    A pre-2025 province writes after the reform as the province it merged into (when known).
    """
    if unit.level == Level.COMMUNE and hasattr(unit, "commune"):
        return commune_agency(unit.commune, day)
    era = era_on(day, default=unit.era)
    if era != unit.era and unit.era == Era.PRE_2025 and unit.level == Level.PROVINCE:
        unit = successor_province(unit) or unit
    district, province = _superiors(unit)
    if unit.level == Level.PROVINCE:
        province = unit
    elif unit.level == Level.DISTRICT:
        district = unit
    parent = committee_name(unit.parent) if unit.parent else ""
    return Agency(
        name=committee_name(unit),
        parent=parent,
        place=unit.name,
        unit=unit,
        era=unit.era,
        district=district,
        province=province,
    )
