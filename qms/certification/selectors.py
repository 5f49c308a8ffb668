"""Reads for dashboards, the API, exports and the commune record.

Unit-wide figures come only from :class:`CommuneProgress` rows (plus the
administrative units for grouping), with a fixed number of queries whatever
the number of communes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext

from qms.units.models import AdministrativeUnit, Commune, Level

from . import rules, sources
from .access import lineage_ids
from .models import (
    ANNOUNCED_STAGES,
    STAGE_ORDER,
    Announcement,
    CommuneLifecycle,
    CommuneProgress,
    Evidence,
    EvidenceKind,
    Inspection,
    MaintenanceStatus,
    ProgressTarget,
    Stage,
)

#: Communes shown on the late list of one dashboard (the most late first).
LATE_LIST_LIMIT = 100


def percent(part: int, whole: int) -> int:
    if not whole:
        return 0
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Counts:
    """Communes per stage; units with no QMS record count as not started."""

    stages: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in STAGE_ORDER})

    def add(self, stage: str | None, n: int = 1) -> None:
        self.stages[stage or Stage.NOT_STARTED] += n

    def merge(self, other: Counts) -> None:
        for stage, n in other.stages.items():
            self.stages[stage] += n

    @property
    def total(self) -> int:
        return sum(self.stages.values())

    @property
    def announced(self) -> int:
        return sum(self.stages[s] for s in ANNOUNCED_STAGES)

    @property
    def percent(self) -> int:
        return percent(self.announced, self.total)


@dataclass
class UnitRow:
    unit_id: int
    code: str
    name: str
    level: str
    counts: Counts
    late_communes: int = 0
    commune_id: int | None = None
    stage: str | None = None
    announced_on: date | None = None
    announcement_number: str = ""
    late_count: int = 0
    maintenance_status: str = ""
    abolished_on: date | None = None
    objectives_achieved: int = 0
    objectives_total: int = 0
    rating_sum: int = 0
    rating_count: int = 0

    @property
    def rating_average(self) -> float | None:
        return average(self.rating_sum, self.rating_count)

    @property
    def stage_label(self) -> str:
        return Stage(self.stage or Stage.NOT_STARTED).label

    @property
    def maintenance_label(self) -> str:
        return MaintenanceStatus(self.maintenance_status).label if self.maintenance_status else ""

    def as_json(self) -> dict:
        data = {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "total": self.counts.total,
            "announced": self.counts.announced,
            "percent": self.counts.percent,
            "stages": dict(self.counts.stages),
            "late_communes": self.late_communes,
        }
        if self.level == Level.COMMUNE:
            data |= {
                "commune_id": self.commune_id,
                "stage": self.stage or Stage.NOT_STARTED,
                "announced_on": self.announced_on.isoformat() if self.announced_on else None,
                "announcement_number": self.announcement_number,
                "late_items": self.late_count,
                "maintenance": self.maintenance_status,
                "abolished_on": self.abolished_on.isoformat() if self.abolished_on else None,
            }
        return data


def average(total: int, count: int) -> float | None:
    """An average rating to one decimal (None without ratings)."""
    if not count:
        return None
    return float((Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class QualityFigures:
    """The year's quality objectives achieved and the citizens' satisfaction of the communes of a unit."""

    year: int
    objectives_achieved: int = 0
    objectives_total: int = 0
    rating_sum: int = 0
    rating_count: int = 0

    @property
    def objectives_percent(self) -> int:
        return percent(self.objectives_achieved, self.objectives_total)

    @property
    def rating_average(self) -> float | None:
        return average(self.rating_sum, self.rating_count)


def quality_figures(unit: AdministrativeUnit, year: int, rows: list[UnitRow]) -> QualityFigures:
    """Objective achievement and satisfaction of ``year`` for every commune beneath ``unit``, in two grouped
    queries; each commune row of ``rows`` gets its own figures."""
    communes = Commune.objects.filter(unit__in=unit.descendant_communes()).values("pk")
    objectives = sources.objectives_by_commune(commune_ids=communes, year=year)
    ratings = sources.ratings_by_commune(commune_ids=communes, year=year)
    for row in rows:
        if row.commune_id is not None:
            row.objectives_achieved, row.objectives_total = objectives.get(row.commune_id, (0, 0))
            row.rating_sum, row.rating_count = ratings.get(row.commune_id, (0, 0))
    return QualityFigures(
        year=year,
        objectives_achieved=sum(a for a, _n in objectives.values()),
        objectives_total=sum(n for _a, n in objectives.values()),
        rating_sum=sum(t for t, _n in ratings.values()),
        rating_count=sum(n for _t, n in ratings.values()),
    )


@dataclass
class TargetView:
    percent: int
    target_date: date
    unit_code: str
    unit_name: str
    needed: int
    announced: int
    met: bool
    overdue: bool
    note: str = ""

    @property
    def missing(self) -> int:
        return max(self.needed - self.announced, 0)

    def as_json(self) -> dict:
        return {
            "percent": self.percent,
            "date": self.target_date.isoformat(),
            "unit_code": self.unit_code,
            "unit": self.unit_name,
            "needed": self.needed,
            "missing": self.missing,
            "met": self.met,
            "overdue": self.overdue,
            "note": self.note,
        }


@dataclass
class LateRow:
    commune_id: int
    commune: str
    unit_code: str
    district: str
    items: list[dict]

    @property
    def display_items(self) -> list[dict]:
        return [display_item(i) for i in self.items]

    def as_json(self) -> dict:
        return {
            "commune_id": self.commune_id,
            "commune": self.commune,
            "unit_code": self.unit_code,
            "district": self.district,
            "items": [late_item_json(i) for i in self.items],
        }


def late_item_json(item: dict) -> dict:
    return {
        "kind": item["kind"],
        "label": rules.condition_label(
            item["kind"], year=item.get("year"), ref=item.get("ref", ""), title=item.get("title", "")
        ),
        "deadline": item["deadline"],
        "days_late": item["days_late"],
    }


def display_item(item: dict) -> dict:
    """A stored late item with its label and its deadline as a date (for templates)."""
    return {**late_item_json(item), "deadline_date": date.fromisoformat(item["deadline"])}


@dataclass
class ProgressReport:
    unit: AdministrativeUnit
    as_of: date
    totals: Counts
    children: list[UnitRow]
    children_level: str
    target: TargetView | None
    timeline: list[dict]
    late: list[LateRow]
    late_communes: int
    late_items: int
    maintenance: dict[str, int]
    inspections: dict[str, int]
    #: When the newest of the summaries shown was computed (None before any).
    refreshed_at: datetime | None = None
    quality: QualityFigures | None = None

    @property
    def era(self) -> str:
        return self.unit.era

    def as_json(self) -> dict:
        return {
            "unit": {"code": self.unit.code, "name": self.unit.full_name, "level": self.unit.level, "era": self.era},
            "as_of": self.as_of.isoformat(),
            "total": self.totals.total,
            "announced": self.totals.announced,
            "percent": self.totals.percent,
            "stages": dict(self.totals.stages),
            "target": self.target.as_json() if self.target else None,
            "children_level": self.children_level,
            "children": [row.as_json() for row in self.children],
            "timeline": self.timeline,
            "late_communes": self.late_communes,
            "late_items": self.late_items,
            "late": [row.as_json() for row in self.late],
            "maintenance": self.maintenance,
            "inspections": self.inspections,
        }


# -- unit report ----------------------------------------------------------------------------------


def progress_beneath(unit: AdministrativeUnit):
    """Summary rows of the communes beneath ``unit``."""
    field_name = {Level.PROVINCE: "province", Level.DISTRICT: "district"}.get(unit.level, "unit")
    return CommuneProgress.objects.filter(**{field_name: unit})


def _district_children(unit: AdministrativeUnit) -> list[UnitRow]:
    districts = AdministrativeUnit.objects.filter(parent=unit, level=Level.DISTRICT).order_by("code")
    rows = {d.pk: UnitRow(d.pk, d.code, d.full_name, d.level, Counts()) for d in districts}
    grouped = (
        AdministrativeUnit.objects.filter(parent__parent=unit, level=Level.COMMUNE)
        .values("parent_id", "commune__qms_progress__stage")
        .annotate(n=Count("id"), late=Count("id", filter=Q(commune__qms_progress__late_count__gt=0)))
    )
    for group in grouped:
        row = rows.get(group["parent_id"])
        if row:
            row.counts.add(group["commune__qms_progress__stage"], group["n"])
            row.late_communes += group["late"]
    return list(rows.values())


def _commune_children(unit: AdministrativeUnit) -> list[UnitRow]:
    units = (
        unit.descendant_communes()
        .order_by("code")
        .values(
            "id",
            "code",
            "full_name",
            "abolished_on",
            "commune__id",
            "commune__name",
            "commune__qms_progress__stage",
            "commune__qms_progress__announced_on",
            "commune__qms_progress__announcement_number",
            "commune__qms_progress__late_count",
            "commune__qms_progress__maintenance_status",
        )
    )
    rows = []
    for u in units:
        counts = Counts()
        stage = u["commune__qms_progress__stage"]
        counts.add(stage)
        late = u["commune__qms_progress__late_count"] or 0
        rows.append(
            UnitRow(
                # The commune's own name (as on its record, the late list and the public site).
                u["id"],
                u["code"],
                u["commune__name"] or u["full_name"],
                Level.COMMUNE,
                counts,
                late_communes=int(late > 0),
                commune_id=u["commune__id"],
                stage=stage or Stage.NOT_STARTED,
                announced_on=u["commune__qms_progress__announced_on"],
                announcement_number=u["commune__qms_progress__announcement_number"] or "",
                late_count=late,
                maintenance_status=u["commune__qms_progress__maintenance_status"] or "",
                abolished_on=u["abolished_on"],
            )
        )
    return rows


@dataclass
class AnnexRow:
    """One commune of the province's yearly report annex (Phụ lục): its announcement status."""

    name: str
    district: str
    stage: str
    announced_on: date | None
    announcement_number: str
    late_count: int
    abolished_on: date | None

    @property
    def announced(self) -> bool:
        return self.stage in ANNOUNCED_STAGES


def announcement_annex(unit: AdministrativeUnit) -> list[AnnexRow]:
    """Every commune beneath ``unit`` (by district, then code) with its announcement status; one query."""
    units = (
        unit.descendant_communes()
        .order_by("parent__code", "code")
        .values(
            "full_name",
            "abolished_on",
            "parent__level",
            "parent__full_name",
            "commune__name",
            "commune__qms_progress__stage",
            "commune__qms_progress__announced_on",
            "commune__qms_progress__announcement_number",
            "commune__qms_progress__late_count",
        )
    )
    return [
        AnnexRow(
            name=u["commune__name"] or u["full_name"],
            district=u["parent__full_name"] if u["parent__level"] == Level.DISTRICT else "",
            stage=u["commune__qms_progress__stage"] or Stage.NOT_STARTED,
            announced_on=u["commune__qms_progress__announced_on"],
            announcement_number=u["commune__qms_progress__announcement_number"] or "",
            late_count=u["commune__qms_progress__late_count"] or 0,
            abolished_on=u["abolished_on"],
        )
        for u in units
    ]


def _target(unit: AdministrativeUnit, totals: Counts, as_of: date) -> TargetView | None:
    ids = lineage_ids(unit)
    targets = {t.unit_id: t for t in ProgressTarget.objects.filter(unit_id__in=ids).select_related("unit")}
    target = next((targets[i] for i in ids if i in targets), None)
    if target is None:
        return None
    needed = math.ceil(totals.total * target.percent / 100)
    met = totals.announced >= needed
    return TargetView(
        percent=target.percent,
        target_date=target.target_date,
        unit_code=target.unit.code,
        unit_name=target.unit.full_name,
        needed=needed,
        announced=totals.announced,
        met=met,
        overdue=not met and as_of > target.target_date,
        note=target.note,
    )


def _timeline(rows) -> list[dict]:
    months = (
        rows.filter(first_announced_on__isnull=False)
        .annotate(month=TruncMonth("first_announced_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    timeline, cumulative = [], 0
    for month in months:
        cumulative += month["n"]
        timeline.append({"month": month["month"].strftime("%Y-%m"), "announced": month["n"], "cumulative": cumulative})
    return timeline


def _late(rows) -> tuple[list[LateRow], int, int]:
    late_rows = rows.filter(late_count__gt=0)
    totals = late_rows.aggregate(communes=Count("id"), items=Sum("late_count"))
    listed = late_rows.order_by("-max_days_late", "commune_name").values(
        "commune_id", "commune_name", "unit__code", "district__full_name", "late_items"
    )[:LATE_LIST_LIMIT]
    late = [
        LateRow(r["commune_id"], r["commune_name"], r["unit__code"], r["district__full_name"] or "", r["late_items"])
        for r in listed
    ]
    return late, totals["communes"] or 0, totals["items"] or 0


def _maintenance_and_inspections(rows, year: int) -> tuple[dict, dict]:
    statuses = [s.value for s in MaintenanceStatus]
    aggregates = rows.aggregate(
        **{f"m_{s}": Count("id", filter=Q(maintenance_status=s, stage__in=ANNOUNCED_STAGES)) for s in statuses},
        inspected=Count("id", filter=Q(last_inspection_on__year=year)),
        on_site=Count("id", filter=Q(last_inspection_on__year=year, last_inspection_on_site=True)),
        open_reports=Sum("open_reports"),
    )
    maintenance = {s: aggregates[f"m_{s}"] for s in statuses}
    inspections = {
        "year": year,
        "inspected": aggregates["inspected"],
        "on_site": aggregates["on_site"],
        "open_reports": aggregates["open_reports"] or 0,
    }
    return maintenance, inspections


def progress_report(*, unit: AdministrativeUnit, today: date | None = None) -> ProgressReport:
    """Everything a dashboard shows for ``unit`` (parents loaded with select_related)."""
    from .services import commune_end_date  # noqa: PLC0415

    today = today or timezone.localdate()
    as_of = min(today, commune_end_date(unit) or today)
    by_district = unit.level == Level.PROVINCE and unit.era == "pre2025"
    children = _district_children(unit) if by_district else _commune_children(unit)
    totals = Counts()
    for row in children:
        totals.merge(row.counts)
    rows = progress_beneath(unit)
    late, late_communes, late_items = _late(rows)
    maintenance, inspections = _maintenance_and_inspections(rows, as_of.year)
    return ProgressReport(
        unit=unit,
        as_of=as_of,
        totals=totals,
        children=children,
        children_level=Level.DISTRICT if by_district else Level.COMMUNE,
        target=_target(unit, totals, as_of),
        timeline=_timeline(rows),
        late=late,
        late_communes=late_communes,
        late_items=late_items,
        maintenance=maintenance,
        inspections=inspections,
        refreshed_at=rows.aggregate(last=Max("refreshed_at"))["last"],
        quality=quality_figures(unit, as_of.year, children),
    )


def find_unit(*, code: str, era: str) -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.select_related("parent__parent").filter(code=code, era=era).first()


def unit_headline(unit: AdministrativeUnit) -> dict:
    """The one-line figures of a unit for the admin home panel (3 queries)."""
    counts = Counts()
    grouped = unit.descendant_communes().values("commune__qms_progress__stage").annotate(n=Count("id"))
    for group in grouped:
        counts.add(group["commune__qms_progress__stage"], group["n"])
    late = progress_beneath(unit).filter(late_count__gt=0).count()
    as_of = timezone.localdate()
    return {"unit": unit, "counts": counts, "late_communes": late, "target": _target(unit, counts, as_of)}


# -- commune record ----------------------------------------------------------------------------------------


@dataclass
class ChecklistItem:
    key: str
    label: str
    done: bool
    done_on: date | None = None
    evidence: list[Evidence] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    optional: bool = False


@dataclass
class ChecklistStage:
    stage: str
    label: str
    items: list[ChecklistItem]

    @property
    def done(self) -> bool:
        return all(item.done for item in self.items if not item.optional)


def _evidence_item(kind: str, evidence: dict[str, list[Evidence]], *, optional=False, data_dates=(), details=()):
    records = evidence.get(kind, [])
    dates = [e.issued_on for e in records] + [d for d in data_dates if d]
    return ChecklistItem(
        key=kind,
        label=str(EvidenceKind(kind).label),
        done=bool(dates),
        done_on=min(dates) if dates else None,
        evidence=records,
        details=list(details),
        optional=optional,
    )


def _done_dates(records: dict[int, list[rules.Done]] | None) -> list[date]:
    return [r.done_on for items in (records or {}).values() for r in items if r.done_on]


def checklist(
    evidence: dict[str, list[Evidence]], *, scope, audits, reviews, announcement, boards=()
) -> list[ChecklistStage]:
    """The stages' evidence: records uploaded here and, where the system holds them, its own records (the
    steering board's decisions, the quy trình in force, audits completed, reviews held)."""
    scope_dates = [e.effective_date or timezone.localdate() for e in scope or []]
    scope_lines = [f"{e.document_code} – {e.procedure_name}" for e in scope or []]
    announced = ChecklistItem(
        key="announcement",
        label=gettext("Signed announcement decision"),
        done=announcement is not None,
        done_on=announcement.signed_on if announcement else None,
    )
    return [
        ChecklistStage(
            Stage.BUILDING,
            str(Stage.BUILDING.label),
            [
                _evidence_item(
                    EvidenceKind.STEERING_BOARD,
                    evidence,
                    data_dates=[day for day, _number in boards],
                    details=[f"{number} ({day:%d/%m/%Y})" for day, number in boards],
                ),
                _evidence_item(EvidenceKind.PLAN, evidence, optional=True),
            ],
        ),
        ChecklistStage(
            Stage.APPLYING,
            str(Stage.APPLYING.label),
            [
                _evidence_item(EvidenceKind.PROCESS_DOCUMENTS, evidence, data_dates=scope_dates, details=scope_lines),
                _evidence_item(EvidenceKind.INTERNAL_AUDIT, evidence, data_dates=_done_dates(audits)),
                _evidence_item(EvidenceKind.MANAGEMENT_REVIEW, evidence, data_dates=_done_dates(reviews)),
                _evidence_item(EvidenceKind.EFFECTIVENESS, evidence),
            ],
        ),
        ChecklistStage(Stage.ANNOUNCED, str(Stage.ANNOUNCED.label), [announced]),
        ChecklistStage(
            "other", str(EvidenceKind.OTHER.label), [_evidence_item(EvidenceKind.OTHER, evidence, optional=True)]
        ),
    ]


@dataclass
class ScopeDiff:
    added: list[dict]
    removed: list[dict]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def scope_diff(announcement: Announcement | None, scope: list[rules.ScopeEntry] | None) -> ScopeDiff:
    if announcement is None or not scope:
        return ScopeDiff([], [])
    announced = {item["procedure_code"]: item for item in announcement.scope}
    current = {
        e.procedure_code: {"procedure_code": e.procedure_code, "procedure_name": e.procedure_name} for e in scope
    }
    return ScopeDiff(
        added=[current[c] for c in sorted(set(current) - set(announced))],
        removed=[announced[c] for c in sorted(set(announced) - set(current))],
    )


@dataclass
class RelatedCommune:
    commune: Commune
    progress: CommuneProgress | None
    announcements: list[Announcement]


def _related(queryset) -> list[RelatedCommune]:
    communes = queryset.select_related("unit", "qms_progress").prefetch_related("qms_announcements")
    return [RelatedCommune(c, getattr(c, "qms_progress", None), list(c.qms_announcements.all())) for c in communes]


@dataclass
class CommuneRecord:
    commune: Commune
    progress: CommuneProgress | None
    lifecycle: CommuneLifecycle | None
    transitions: list
    checklist: list[ChecklistStage]
    announcements: list[Announcement]
    scope: list[rules.ScopeEntry] | None
    diff: ScopeDiff
    years: list[dict]
    late: list[dict]
    inspections: list[Inspection]
    predecessors: list[RelatedCommune]
    successors: list[RelatedCommune]
    corrective_actions: object = None


def _evidence_by_kind(commune: Commune) -> dict[str, list[Evidence]]:
    evidence: dict[str, list[Evidence]] = {}
    for item in Evidence.objects.filter(commune=commune).select_related("recorded_by").order_by("issued_on", "id"):
        evidence.setdefault(item.kind, []).append(item)
    return evidence


def maintenance_rows(maintenance: dict) -> list[dict]:
    """The stored maintenance JSON, newest year first, with labels."""
    statuses = dict(MaintenanceStatus.choices)
    return [
        {
            "year": int(year),
            "status": data["status"],
            "status_label": statuses.get(data["status"], data["status"]),
            "conditions": [
                {
                    **c,
                    "deadline_date": date.fromisoformat(c["deadline"]) if c["deadline"] else None,
                    "label": rules.condition_label(c["kind"], year=c["year"], ref=c["ref"], title=c["title"]),
                    "status_label": statuses.get(c["status"], c["status"]),
                }
                for c in data["conditions"]
            ],
        }
        for year, data in sorted(maintenance.items(), reverse=True)
    ]


def commune_record(commune: Commune) -> CommuneRecord:
    progress = CommuneProgress.objects.filter(commune=commune).first()
    lifecycle = CommuneLifecycle.objects.filter(commune=commune).first()
    transitions = list(lifecycle.history.select_related("history_user").order_by("-history_date")) if lifecycle else []
    announcements = list(Announcement.objects.filter(commune=commune).select_related("recorded_by"))
    evidence = _evidence_by_kind(commune)
    scope = sources.effective_scope(commune_id=commune.pk)
    today = timezone.localdate()
    first = min([e.issued_on for items in evidence.values() for e in items] + [today])
    years = sources.years_between(first, today)
    audits = sources.completed_audits(commune_id=commune.pk, years=years)
    reviews = sources.held_reviews(commune_id=commune.pk, years=years)
    last = announcements[0] if announcements else None
    return CommuneRecord(
        commune=commune,
        progress=progress,
        lifecycle=lifecycle,
        transitions=transitions,
        checklist=checklist(
            evidence,
            scope=scope,
            audits=audits,
            reviews=reviews,
            announcement=last,
            boards=sources.board_decisions(commune_id=commune.pk),
        ),
        announcements=announcements,
        scope=scope,
        diff=scope_diff(last, scope),
        years=maintenance_rows(progress.maintenance if progress else {}),
        late=[display_item(i) for i in (progress.late_items if progress else [])],
        inspections=list(
            Inspection.objects.filter(commune=commune).prefetch_related("conclusions").select_related("recorded_by")
        ),
        predecessors=_related(commune.predecessors.all()),
        successors=_related(commune.successors.all()),
        corrective_actions=sources.corrective_action_counts(commune_id=commune.pk),
    )


# -- the yearly inspection plan ------------------------------------------------------------------------------


@dataclass
class PlanRow:
    """One planned inspection and what came of it."""

    item: object
    inspection: Inspection | None
    conclusions: int = 0
    actions: int = 0
    reports_received: int = 0
    reports_accepted: int = 0
    reports_overdue: int = 0

    @property
    def done(self) -> bool:
        return self.inspection is not None


@dataclass
class PlanProgress:
    """The figures of one plan, the same on the dashboard and in the November consolidation."""

    plan: object
    as_of: date
    rows: list[PlanRow]

    @property
    def planned(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        return sum(row.done for row in self.rows)

    @property
    def on_site(self) -> int:
        return sum(row.item.method == "on_site" for row in self.rows)

    @property
    def on_site_done(self) -> int:
        return sum(row.done and row.item.method == "on_site" for row in self.rows)

    @property
    def on_site_percent(self) -> int:
        return percent(self.on_site, self.planned)

    @property
    def on_site_met(self) -> bool:
        from .services import on_site_rule_met

        return on_site_rule_met(units=self.planned, on_site=self.on_site)

    @property
    def conclusions(self) -> int:
        return sum(row.conclusions for row in self.rows)

    @property
    def actions(self) -> int:
        return sum(row.actions for row in self.rows)

    @property
    def reports_received(self) -> int:
        return sum(row.reports_received for row in self.rows)

    @property
    def reports_accepted(self) -> int:
        return sum(row.reports_accepted for row in self.rows)

    @property
    def reports_overdue(self) -> int:
        return sum(row.reports_overdue for row in self.rows)

    def figures(self) -> dict[str, int]:
        return {
            "planned": self.planned,
            "done": self.done,
            "on_site": self.on_site,
            "on_site_percent": self.on_site_percent,
            "conclusions": self.conclusions,
            "actions": self.actions,
            "reports_received": self.reports_received,
            "reports_accepted": self.reports_accepted,
            "reports_overdue": self.reports_overdue,
        }


def plan_progress(plan, today: date | None = None) -> PlanProgress:
    """The plan's items with their inspection and conclusion figures, in a fixed number of queries."""
    from django.db.models import Prefetch

    from .models import InspectionConclusion

    today = today or timezone.localdate()
    items = plan.items.select_related("commune__unit").order_by("planned_on", "commune__name", "id")
    inspections = {
        i.plan_item_id: i
        for i in Inspection.objects.filter(plan_item__plan=plan).prefetch_related(
            Prefetch("conclusions", queryset=InspectionConclusion.objects.order_by("id"))
        )
    }
    rows = []
    for item in items:
        inspection = inspections.get(item.pk)
        row = PlanRow(item=item, inspection=inspection)
        for c in inspection.conclusions.all() if inspection else ():
            row.conclusions += 1
            if c.needs_action:
                row.actions += 1
                row.reports_received += c.reported_on is not None
                row.reports_accepted += c.accepted_at is not None
                row.reports_overdue += c.reported_on is None and c.due_on is not None and c.due_on < today
        rows.append(row)
    return PlanProgress(plan=plan, as_of=today, rows=rows)


def province_plan(province, year: int):
    from .models import InspectionPlan

    return InspectionPlan.objects.filter(province=province, year=year).select_related("province").first()


# -- data the yearly report needs (TT 26/2014: the province reports in December) ------------------------------

#: What a commune's row of the yearly report needs, in the order a notice lists it.
GAP_STAGE = "stage"
GAP_ANNOUNCEMENT = "announcement"
GAP_AUDIT = rules.AUDIT
GAP_REVIEW = rules.REVIEW
GAP_UPDATE = rules.LEGAL_UPDATE
GAP_ORDER = (GAP_STAGE, GAP_ANNOUNCEMENT, GAP_AUDIT, GAP_REVIEW, GAP_UPDATE)
#: Where on the commune's record each gap is filled.
GAP_ANCHORS = {
    GAP_STAGE: "qms-checklist",
    GAP_ANNOUNCEMENT: "qms-announcement",
    GAP_AUDIT: "qms-maintenance",
    GAP_REVIEW: "qms-maintenance",
    GAP_UPDATE: "qms-maintenance",
}
_SETTLED = (MaintenanceStatus.OK, MaintenanceStatus.NOT_APPLICABLE)


def gap_label(kind: str, year: int) -> str:
    """The sentence naming one missing piece of data (in the active language)."""
    labels = {
        GAP_STAGE: gettext("No QMS stage recorded (the steering board decision is not entered)"),
        GAP_ANNOUNCEMENT: gettext("The announcement decision or its date is not recorded"),
        GAP_AUDIT: gettext("No internal audit report for %(year)s"),
        GAP_REVIEW: gettext("No management review held in %(year)s"),
        GAP_UPDATE: gettext("The yearly update of process documents for %(year)s is not recorded"),
    }
    return labels[kind] % {"year": year}


@dataclass
class DataGapRow:
    """One commune whose row of the yearly report lacks data for the year."""

    commune_id: int | None
    name: str
    district: str
    province_id: int | None
    year: int
    missing: list[str]

    @property
    def items(self) -> list[dict]:
        return [
            {"kind": kind, "label": gap_label(kind, self.year), "anchor": f"#{GAP_ANCHORS[kind]}"}
            for kind in self.missing
        ]


def _gaps_of(row: dict, year: int) -> list[str]:
    stage = row["commune__qms_progress__stage"] or Stage.NOT_STARTED
    if stage == Stage.NOT_STARTED:
        return [GAP_STAGE]
    missing = []
    if stage in ANNOUNCED_STAGES and not (
        row["commune__qms_progress__announced_on"] and row["commune__qms_progress__announcement_number"]
    ):
        missing.append(GAP_ANNOUNCEMENT)
    first = row["commune__qms_progress__first_announced_on"]
    if first is None or first.year > year:
        return missing
    conditions = ((row["commune__qms_progress__maintenance"] or {}).get(str(year)) or {}).get("conditions")
    if conditions is None:
        return [*missing, GAP_AUDIT, GAP_REVIEW, GAP_UPDATE]
    for kind in (GAP_AUDIT, GAP_REVIEW):
        if any(c["kind"] == kind and c["status"] not in _SETTLED for c in conditions):
            missing.append(kind)
    if any(c["kind"] == GAP_UPDATE and c["status"] not in _SETTLED and (c["open"] or not c["ref"]) for c in conditions):
        missing.append(GAP_UPDATE)
    return missing


def report_data_gaps(unit: AdministrativeUnit, year: int) -> list[DataGapRow]:
    """The communes beneath ``unit`` (by district, then code) whose data for ``year`` the yearly report
    counts is missing: no stage, an announcement without its number or date, and, once announced, the
    year's internal audit, management review and update of the process documents; one query.

    The yearly report, the province's dashboard and the November reminders all read this list.
    """
    units = (
        unit.descendant_communes()
        .filter(abolished_on__isnull=True)
        .order_by("parent__code", "code")
        .values(
            "full_name",
            "parent__level",
            "parent__full_name",
            "parent_id",
            "parent__parent_id",
            "commune__id",
            "commune__name",
            "commune__qms_progress__stage",
            "commune__qms_progress__announced_on",
            "commune__qms_progress__announcement_number",
            "commune__qms_progress__first_announced_on",
            "commune__qms_progress__maintenance",
        )
    )
    rows = []
    for u in units:
        missing = _gaps_of(u, year)
        if not missing:
            continue
        by_district = u["parent__level"] == Level.DISTRICT
        rows.append(
            DataGapRow(
                commune_id=u["commune__id"],
                name=u["commune__name"] or u["full_name"],
                district=u["parent__full_name"] if by_district else "",
                province_id=u["parent__parent_id"] if by_district else u["parent_id"],
                year=year,
                missing=missing,
            )
        )
    return rows
