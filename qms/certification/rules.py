"""The legal rules, as pure functions of one commune's facts (no database).

* Stage (QĐ 19/2014 Art. 4): the steering board decision starts building;
  applied process documents start applying; a signed announcement makes the
  commune announced; an internal audit and a management review after the
  announcement show it is maintaining; a changed scope asks for a
  re-announcement (Art. 4.4c). Scopes are compared once the commune keeps
  effective process documents in the system: an announcement recorded from
  paper before its documents were entered is not flagged.
* Maintenance, each year from the first announcement: internal audit and
  management review (Art. 4.4b), process documents updated within 3 months of
  a legal change (Art. 4.4a), every handled TTHC covered (TT 26/2014 Art. 36),
  inspection conclusions answered within 2 months (TT 26/2014 Art. 37).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from .models import EvidenceKind, MaintenanceStatus, Stage

LEGAL_UPDATE_MONTHS = 3
REPORT_MONTHS = 2
SCOPE_GAP_MONTHS = 3
#: TT 26/2014/TT-BKHCN Art. 7.2: a change of the QMS scope must be re-announced. A commune formed by the
#: 01/07/2025 merger carries over its predecessors' QMS and re-announces within 3 months of the carry-over
#: or of 01/07/2025, whichever is later.
MERGER_REANNOUNCE_MONTHS = 3
REFORM_DATE = date(2025, 7, 1)
#: Missed yearly conditions stay on the late list for this many past years.
LATE_YEARS_BACK = 1

AUDIT = "internal_audit"
REVIEW = "management_review"
LEGAL_UPDATE = "legal_update"
COVERAGE = "scope_coverage"
REPORT = "inspection_report"
ANNOUNCEMENT = "announcement"


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ScopeEntry:
    procedure_code: str
    procedure_name: str
    field: str = ""
    document_code: str = ""
    effective_date: date | None = None


@dataclass(frozen=True)
class Done:
    """A completed internal audit or a held management review."""

    ref: str
    done_on: date | None
    title: str = ""


@dataclass(frozen=True)
class Due:
    """Something due by ``deadline``: an update flag, a corrective report, a scope gap."""

    ref: str
    title: str
    deadline: date
    done_on: date | None = None


@dataclass
class Facts:
    today: date
    ends_on: date | None = None
    evidence: dict[str, date] = field(default_factory=dict)
    first_announced_on: date | None = None
    announced_on: date | None = None
    announced_codes: frozenset[str] | None = None
    scope: list[ScopeEntry] | None = None
    handled: dict[str, str] | None = None
    audits: dict[int, list[Done]] | None = None
    reviews: dict[int, list[Done]] | None = None
    flags: list[Due] | None = None
    reports: list[Due] = field(default_factory=list)
    gaps: list[Due] = field(default_factory=list)
    target_date: date | None = None
    #: TTHC excluded with a justification from the approved QMS scope (ISO 9001 4.3).
    excluded: frozenset[str] = frozenset()
    #: The day the predecessors' QMS (one of them announced) was carried over into this merged commune.
    merged_on: date | None = None

    @property
    def as_of(self) -> date:
        return min(self.today, self.ends_on) if self.ends_on else self.today

    @property
    def scope_codes(self) -> frozenset[str] | None:
        return None if self.scope is None else frozenset(item.procedure_code for item in self.scope)


@dataclass(frozen=True)
class Condition:
    kind: str
    status: str
    deadline: date | None = None
    days_late: int = 0
    open: bool = False
    year: int | None = None
    ref: str = ""
    title: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.year or ''}:{self.ref}"

    @property
    def is_late(self) -> bool:
        return self.status == MaintenanceStatus.FAILED and self.open

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "kind": self.kind,
            "status": self.status,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "days_late": self.days_late,
            "open": self.open,
            "year": self.year,
            "ref": self.ref,
            "title": self.title,
        }


@dataclass(frozen=True)
class YearResult:
    year: int
    status: str
    conditions: tuple[Condition, ...]


@dataclass
class Evaluation:
    stage: str
    stage_since: date | None
    reason: str
    years: list[YearResult]
    late: list[Condition]
    maintenance_year: int | None
    maintenance_status: str
    scope_size: int | None
    handled_count: int | None
    covered_count: int | None


# -- conditions -------------------------------------------------------------------


def due_condition(kind: str, deadline: date, done_on: date | None, facts: Facts, **extra) -> Condition:
    """Met on time, met late, open and late, or still pending at ``facts.as_of``."""
    if facts.ends_on and deadline > facts.ends_on:
        met = done_on is not None and done_on <= facts.ends_on
        return Condition(kind, MaintenanceStatus.OK if met else MaintenanceStatus.NOT_APPLICABLE, deadline, **extra)
    if done_on is not None:
        late_by = max((done_on - deadline).days, 0)
        status = MaintenanceStatus.FAILED if late_by else MaintenanceStatus.OK
        return Condition(kind, status, deadline, late_by, **extra)
    if facts.as_of > deadline:
        return Condition(kind, MaintenanceStatus.FAILED, deadline, (facts.as_of - deadline).days, True, **extra)
    return Condition(kind, MaintenanceStatus.PENDING, deadline, open=True, **extra)


def _yearly(kind: str, year: int, records: dict[int, list[Done]] | None, facts: Facts) -> Condition:
    if records is None:
        return Condition(kind, MaintenanceStatus.UNKNOWN, date(year, 12, 31), year=year)
    dates = sorted(r.done_on or date(year, 12, 31) for r in records.get(year, []))
    return due_condition(kind, date(year, 12, 31), dates[0] if dates else None, facts, year=year)


def _dues(kind: str, items: Iterable[Due], facts: Facts) -> list[Condition]:
    return [
        due_condition(kind, item.deadline, item.done_on, facts, year=item.deadline.year, ref=item.ref, title=item.title)
        for item in items
    ]


def _placeholder(kind: str, year: int, facts: Facts) -> Condition:
    """A condition with nothing due: met, or not applicable once the commune has ended."""
    ended = facts.ends_on is not None and facts.ends_on < min(date(year, 12, 31), facts.today)
    return Condition(kind, MaintenanceStatus.NOT_APPLICABLE if ended else MaintenanceStatus.OK, year=year)


def _coverage(facts: Facts) -> list[Condition]:
    year = facts.as_of.year
    if facts.ends_on and facts.ends_on < facts.today:
        return [Condition(COVERAGE, MaintenanceStatus.NOT_APPLICABLE, year=year)]
    if facts.handled is None or facts.scope is None:
        return [Condition(COVERAGE, MaintenanceStatus.UNKNOWN, year=year)]
    conditions = [
        due_condition(COVERAGE, gap.deadline, None, facts, year=year, ref=gap.ref, title=gap.title)
        for gap in facts.gaps
    ]
    return conditions or [_placeholder(COVERAGE, year, facts)]


def combine(statuses: Iterable[str]) -> str:
    statuses = set(statuses)
    for status in (
        MaintenanceStatus.FAILED,
        MaintenanceStatus.PENDING,
        MaintenanceStatus.UNKNOWN,
        MaintenanceStatus.OK,
    ):
        if status in statuses:
            return status
    return MaintenanceStatus.NOT_APPLICABLE


# -- stage ---------------------------------------------------------------------------


def merger_reannounce_deadline(carried_over_on: date) -> date:
    """When a merged commune must have re-announced (see ``MERGER_REANNOUNCE_MONTHS``)."""
    return add_months(max(carried_over_on, REFORM_DATE), MERGER_REANNOUNCE_MONTHS)


def _first_after(records: dict[int, list[Done]] | None, after: date, until: date) -> date | None:
    dates = [r.done_on for items in (records or {}).values() for r in items if r.done_on and after < r.done_on <= until]
    return min(dates) if dates else None


def _applying_since(facts: Facts) -> date | None:
    dates = [d for d in (facts.evidence.get(EvidenceKind.PROCESS_DOCUMENTS),) if d]
    if facts.scope:
        effective = [item.effective_date for item in facts.scope if item.effective_date]
        dates.append(min(effective) if effective else facts.as_of)
    return min(dates) if dates else None


def _scope_changed_on(facts: Facts) -> date | None:
    current = facts.scope_codes
    if not current or facts.announced_codes is None or current == facts.announced_codes:
        return None
    added = [
        item.effective_date
        for item in facts.scope
        if item.procedure_code not in facts.announced_codes
        and item.effective_date
        and item.effective_date >= facts.announced_on
    ]
    return min(added) if added else facts.as_of


def compute_stage(facts: Facts) -> tuple[str, date | None, str]:
    """``(stage, since, reason)`` from the facts."""
    if facts.merged_on and facts.announced_on and facts.announced_on < facts.merged_on:
        # Its own announcement no longer covers the merged commune. A commune formed by the merger has none:
        # it builds its QMS from the carried-over drafts (not "announced"); its deadline shows on its record.
        return Stage.REANNOUNCE, facts.merged_on, "merged"
    if facts.announced_on:
        changed_on = _scope_changed_on(facts)
        if changed_on:
            return Stage.REANNOUNCE, changed_on, "scope_changed"
        audit_on = _first_after(facts.audits, facts.announced_on, facts.as_of)
        review_on = _first_after(facts.reviews, facts.announced_on, facts.as_of)
        if audit_on and review_on:
            return Stage.MAINTAINING, max(audit_on, review_on), "maintained"
        return Stage.ANNOUNCED, facts.announced_on, "announced"
    applying = _applying_since(facts)
    if applying:
        return Stage.APPLYING, applying, "applying"
    board = facts.evidence.get(EvidenceKind.STEERING_BOARD)
    if board:
        return Stage.BUILDING, board, "steering_board"
    return Stage.NOT_STARTED, None, ""


# -- evaluation -------------------------------------------------------------------------


def _year_results(facts: Facts, flags: list[Condition], reports: list[Condition]) -> list[YearResult]:
    if not facts.first_announced_on:
        return []
    results = []
    for year in range(facts.first_announced_on.year, facts.as_of.year + 1):
        conditions = [_yearly(AUDIT, year, facts.audits, facts), _yearly(REVIEW, year, facts.reviews, facts)]
        if facts.flags is None:
            conditions.append(Condition(LEGAL_UPDATE, MaintenanceStatus.UNKNOWN, year=year))
        else:
            conditions += [c for c in flags if c.year == year] or [_placeholder(LEGAL_UPDATE, year, facts)]
        if year == facts.as_of.year:
            conditions += _coverage(facts)
        conditions += [c for c in reports if c.year == year]
        results.append(YearResult(year, combine(c.status for c in conditions), tuple(conditions)))
    return results


def _late(facts: Facts, years: list[YearResult], flags: list[Condition], reports: list[Condition]) -> list[Condition]:
    recent = facts.as_of.year - LATE_YEARS_BACK
    late = [c for y in years if y.year >= recent for c in y.conditions if c.kind in (AUDIT, REVIEW, COVERAGE)]
    late += flags + reports
    if not facts.announced_on and facts.target_date:
        late.append(due_condition(ANNOUNCEMENT, facts.target_date, None, facts, year=facts.target_date.year))
    unique = {c.key: c for c in late if c.is_late}
    return sorted(unique.values(), key=lambda c: (-c.days_late, c.key))


def _coverage_counts(facts: Facts) -> tuple[int | None, int | None]:
    if facts.handled is None:
        return None, None
    scope = facts.scope_codes or frozenset()
    return len(facts.handled), len(set(facts.handled) & scope)


def evaluate(facts: Facts) -> Evaluation:
    stage, since, reason = compute_stage(facts)
    flags = _dues(LEGAL_UPDATE, facts.flags or [], facts)
    reports = _dues(REPORT, facts.reports, facts)
    years = _year_results(facts, flags, reports)
    last_complete = facts.as_of.year - 1
    previous = next((y for y in years if y.year == last_complete), None)
    handled_count, covered_count = _coverage_counts(facts)
    return Evaluation(
        stage=stage,
        stage_since=since,
        reason=reason,
        years=years,
        late=_late(facts, years, flags, reports),
        maintenance_year=previous.year if previous else None,
        maintenance_status=previous.status if previous else MaintenanceStatus.NOT_APPLICABLE,
        scope_size=None if facts.scope is None else len(facts.scope_codes),
        handled_count=handled_count,
        covered_count=covered_count,
    )


def missing_procedures(facts: Facts) -> dict[str, str]:
    """Handled TTHC (code -> name) that no effective process document covers and the scope does not exclude."""
    if facts.handled is None or facts.scope is None:
        return {}
    covered = facts.scope_codes | facts.excluded
    return {code: name for code, name in facts.handled.items() if code not in covered}


# -- labels --------------------------------------------------------------------------------


def condition_label(kind: str, *, year=None, ref: str = "", title: str = "") -> str:
    """The sentence that names a condition (in the active language)."""
    labels = {
        AUDIT: _("Internal audit of %(year)s"),
        REVIEW: _("Management review of %(year)s"),
        LEGAL_UPDATE: _("Update %(ref)s within 3 months of the legal change"),
        COVERAGE: _("Cover procedure %(ref)s with an effective process document")
        if ref
        else _("Every handled procedure covered by an effective process document"),
        REPORT: _("Report corrective action on an inspection conclusion within 2 months"),
        ANNOUNCEMENT: _("Announce the QMS by the district/province target date"),
    }
    text = labels.get(kind, kind) % {"year": year or "", "ref": ref or title}
    return f"{text}: {title}" if title and ref else text
