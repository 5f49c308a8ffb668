"""Reads of the measurable objectives: monthly figures, on-time rates per procedure, commune and province,
each objective's computed value, and the months whose late rate exceeds an objective's threshold.

Sums are taken in the database; :func:`objective_kpis` reads the KPIs of any
number of objectives in at most four queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.http import urlencode

from processes.models import CitizenFeedback, FeedbackKind, ProcessDocument

from ..models import IsoClause, QualityObjective
from .models import DataSource, Direction, Indicator, MeasurePeriod, OneStopFigure

TENTH = Decimal("0.1")
SUMS = {"received": Sum("received"), "on_time": Sum("on_time"), "late": Sum("late"), "returned": Sum("returned")}
#: The clause a finding about an objective missed is raised against.
OBJECTIVES_CLAUSE = "6.2"


def rate(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to one decimal (``None`` when ``whole`` is 0)."""
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class Figures:
    """Dossiers of a month, a quarter, a year…: what was received and how it was resolved."""

    received: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.received + other.received,
            self.on_time + other.on_time,
            self.late + other.late,
            self.returned + other.returned,
        )

    @property
    def resolved(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.resolved)

    @property
    def late_rate(self) -> Decimal | None:
        return rate(self.late, self.resolved)

    @property
    def returned_rate(self) -> Decimal | None:
        return rate(self.returned, self.received)

    def value(self, indicator: str) -> Decimal | None:
        return {
            Indicator.ON_TIME_RATE: self.on_time_rate,
            Indicator.LATE_RATE: self.late_rate,
            Indicator.RETURNED_RATE: self.returned_rate,
        }.get(indicator)

    @classmethod
    def of(cls, row: dict) -> Figures:
        return cls(*(row[name] or 0 for name in ("received", "on_time", "late", "returned")))


@dataclass
class Ratings:
    total: int = 0
    count: int = 0

    def __add__(self, other: Ratings) -> Ratings:
        return Ratings(self.total + other.total, self.count + other.count)

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.total) / Decimal(self.count)).quantize(TENTH, ROUND_HALF_UP)

    def value(self, indicator: str) -> Decimal | None:
        return self.average


@dataclass
class Point:
    """One month (or quarter) of an objective: its value and whether the target was met."""

    month: datetime.date
    label: str
    value: Decimal | None
    achieved: bool | None
    data: Figures | Ratings


@dataclass
class Breach:
    month: datetime.date
    late_rate: Decimal


@dataclass
class Kpi:
    value: Decimal | None = None
    achieved: bool | None = None
    months: list[Point] = field(default_factory=list)
    periods: list[Point] = field(default_factory=list)
    total: Figures | Ratings | None = None
    breaches: list[Breach] = field(default_factory=list)


def meets(value: Decimal | None, objective: QualityObjective) -> bool | None:
    if value is None or objective.target_value is None:
        return None
    if objective.direction == Direction.AT_MOST:
        return value <= objective.target_value
    return value >= objective.target_value


def _month(value) -> datetime.date:
    return value.date().replace(day=1) if isinstance(value, datetime.datetime) else value.replace(day=1)


# -- the data, grouped in the database ------------------------------------------------------------------


def _figures(objectives) -> dict:
    """{(commune, procedure or None, month): Figures} for the one-stop objectives (two queries at most)."""
    found: dict = {}
    communes = {o.commune_id for o in objectives if not o.procedure_id}
    scoped = {(o.commune_id, o.procedure_id) for o in objectives if o.procedure_id}
    years = {o.year for o in objectives}
    base = OneStopFigure.objects.filter(month__year__in=years).order_by()
    if communes:
        for row in base.filter(commune_id__in=communes).values("commune_id", "month").annotate(**SUMS):
            found[(row["commune_id"], None, row["month"])] = Figures.of(row)
    if scoped:
        condition = Q()
        for commune_id, procedure_id in scoped:
            condition |= Q(commune_id=commune_id, procedure_id=procedure_id)
        rows = base.filter(condition).values("commune_id", "procedure_id", "month").annotate(**SUMS)
        for row in rows:
            found[(row["commune_id"], row["procedure_id"], row["month"])] = Figures.of(row)
    return found


def _ratings(objectives) -> dict:
    """{(commune, procedure or None, month): Ratings} for the objectives fed by citizen feedback."""
    found: dict = {}
    communes = {o.commune_id for o in objectives if not o.procedure_id}
    scoped = {(o.commune_id, o.procedure_id) for o in objectives if o.procedure_id}
    years = {o.year for o in objectives}
    base = (
        CitizenFeedback.objects.filter(
            kind=FeedbackKind.SATISFACTION, rating__isnull=False, received_at__year__in=years
        )
        .annotate(month=TruncMonth("received_at"))
        .order_by()
    )
    sums = {"total": Sum("rating"), "count": Count("pk")}
    if communes:
        for row in base.filter(commune_id__in=communes).values("commune_id", "month").annotate(**sums):
            key = (row["commune_id"], None, _month(row["month"]))
            found[key] = found.get(key, Ratings()) + Ratings(row["total"], row["count"])
    if scoped:
        condition = Q()
        for commune_id, procedure_id in scoped:
            condition |= Q(commune_id=commune_id, procedure_id=procedure_id)
        for row in base.filter(condition).values("commune_id", "procedure_id", "month").annotate(**sums):
            key = (row["commune_id"], row["procedure_id"], _month(row["month"]))
            found[key] = found.get(key, Ratings()) + Ratings(row["total"], row["count"])
    return found


# -- each objective's KPI -------------------------------------------------------------------------------


def _quarter_label(month: datetime.date) -> str:
    return f"Q{(month.month - 1) // 3 + 1}/{month.year}"


def _kpi(objective: QualityObjective, data: dict) -> Kpi:
    empty = Figures() if objective.source == DataSource.ONE_STOP else Ratings()
    months = []
    quarters: dict[datetime.date, Figures | Ratings] = {}
    total = empty
    breaches = []
    for number in range(1, 13):
        month = datetime.date(objective.year, number, 1)
        values = data.get((objective.commune_id, objective.procedure_id, month))
        if values is None:
            continue
        value = values.value(objective.indicator)
        months.append(Point(month, f"{month:%m/%Y}", value, meets(value, objective), values))
        quarter = datetime.date(objective.year, (number - 1) // 3 * 3 + 1, 1)
        quarters[quarter] = quarters.get(quarter, empty) + values
        total = total + values
        threshold = objective.late_threshold
        if threshold is not None and isinstance(values, Figures):
            late = values.late_rate
            if late is not None and late > threshold:
                breaches.append(Breach(month, late))
    value = total.value(objective.indicator) if months else None
    if objective.period == MeasurePeriod.MONTH:
        periods = months
    elif objective.period == MeasurePeriod.QUARTER:
        periods = [
            Point(q, _quarter_label(q), v.value(objective.indicator), meets(v.value(objective.indicator), objective), v)
            for q, v in sorted(quarters.items())
        ]
    else:
        periods = []
    return Kpi(
        value=value,
        achieved=meets(value, objective),
        months=months,
        periods=periods,
        total=total if months else None,
        breaches=breaches,
    )


def objective_kpis(objectives) -> dict[int, Kpi]:
    """The computed KPI of each measured objective (by pk); typed objectives are left out."""
    objectives = list(objectives)
    one_stop = [o for o in objectives if o.source == DataSource.ONE_STOP]
    feedback = [o for o in objectives if o.source == DataSource.FEEDBACK]
    figures = _figures(one_stop) if one_stop else {}
    ratings = _ratings(feedback) if feedback else {}
    kpis = {o.pk: _kpi(o, figures) for o in one_stop}
    kpis.update({o.pk: _kpi(o, ratings) for o in feedback})
    return kpis


def objective_kpi(objective: QualityObjective) -> Kpi | None:
    return objective_kpis([objective]).get(objective.pk)


def achieved_value(objective: QualityObjective, kpi: Kpi | None) -> tuple[Decimal | str | None, bool | None]:
    """What an objective achieved and whether it met its target: computed, or as typed."""
    if kpi is None:
        return objective.result or None, objective.achieved
    return kpi.value, kpi.achieved


# -- on-time rates per procedure, commune and province ----------------------------------------------------


@dataclass
class RateRow:
    code: str
    name: str
    figures: Figures


def procedure_rates(*, commune_id: int, year: int) -> list[RateRow]:
    """Each TTHC's figures of the year in the commune, by code (one query)."""
    rows = (
        OneStopFigure.objects.filter(commune_id=commune_id, month__year=year)
        .values("procedure__code", "procedure__name")
        .annotate(**SUMS)
        .order_by("procedure__code")
    )
    return [RateRow(r["procedure__code"], r["procedure__name"], Figures.of(r)) for r in rows]


def commune_rates(*, commune_ids, year: int) -> dict[int, Figures]:
    """The figures of the year of each commune (one query)."""
    rows = (
        OneStopFigure.objects.filter(commune_id__in=commune_ids, month__year=year)
        .values("commune_id")
        .annotate(**SUMS)
        .order_by()
    )
    return {r["commune_id"]: Figures.of(r) for r in rows}


def province_rates(*, province, year: int) -> Figures:
    """The figures of the year of every commune of ``province`` (either era: beneath a district or not)."""
    beneath = Q(commune__unit__parent=province) | Q(commune__unit__parent__parent=province)
    row = OneStopFigure.objects.filter(beneath, month__year=year).aggregate(**SUMS)
    return Figures.of(row)


def province_of(commune):
    unit = commune.unit.parent
    return unit.parent if unit is not None and unit.parent_id else unit


# -- the suggestion to raise a finding or a risk ----------------------------------------------------------


@dataclass
class Suggestion:
    breaches: list[Breach]
    risk_url: str
    finding_url: str


def suggestion(objective: QualityObjective, kpi: Kpi | None) -> Suggestion | None:
    """When a month's late rate exceeded the objective's threshold: links to record a risk or a finding
    about its procedure (the create forms, prefilled; nothing is created here)."""
    if kpi is None or not kpi.breaches:
        return None
    from ..models import AuditPlan, PlanStatus

    document = None
    if objective.procedure_id:
        document = (
            ProcessDocument.objects.filter(commune_id=objective.commune_id, procedure_id=objective.procedure_id)
            .order_by("pk")
            .first()
        )
    worst = max(kpi.breaches, key=lambda b: b.late_rate)
    description = f"{objective.statement}: {worst.month:%m/%Y} {format_number(worst.late_rate)}%"
    risk_query = {"description": description}
    if document is not None:
        risk_query["process_document"] = document.pk
    plan = (
        AuditPlan.objects.filter(commune_id=objective.commune_id, status__in=[PlanStatus.DRAFT, PlanStatus.IN_PROGRESS])
        .order_by("-planned_start")
        .first()
    )
    finding_query = {}
    if plan is not None:
        finding_query["plan"] = plan.pk
    clause = IsoClause.objects.filter(number=OBJECTIVES_CLAUSE).values_list("pk", flat=True).first()
    if clause:
        finding_query["clause"] = clause
    return Suggestion(
        breaches=kpi.breaches,
        risk_url=f"{reverse('audits_risks:add')}?{urlencode(risk_query)}",
        finding_url=f"{reverse('audits_findings:add')}?{urlencode(finding_query)}",
    )


# -- the management review's input (9.3.2 c) -------------------------------------------------------------


def _number(value) -> str | None:
    return None if value is None else str(value)


def review_objectives(commune_id: int, year: int) -> dict:
    """Each objective of the year with its target, achieved value (computed when measured), achieved yes/no
    and the monthly figures."""
    objectives = list(
        QualityObjective.objects.filter(commune_id=commune_id, year=year).select_related("procedure").order_by("pk")
    )
    kpis = objective_kpis(objectives)
    items = []
    for o in objectives:
        kpi = kpis.get(o.pk)
        value, achieved = achieved_value(o, kpi)
        items.append(
            {
                "statement": o.statement,
                "target": target_text(o),
                "result": format_value(value, o) if kpi is not None else o.result,
                "achieved": achieved,
                "indicator": o.indicator_label,
                "source": o.source,
                "source_label": str(o.get_source_display()),
                "procedure": o.procedure.code if o.procedure_id else "",
                "value": _number(value) if kpi is not None else None,
                "months": [
                    {"month": p.label, "value": _number(p.value), "achieved": p.achieved}
                    for p in (kpi.months if kpi else [])
                ],
            }
        )
    return {
        "items": items,
        "achieved": sum(o["achieved"] is True for o in items),
        "not_achieved": sum(o["achieved"] is False for o in items),
    }


def format_number(value) -> str:
    if value is None:
        return "–"
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def format_value(value, objective: QualityObjective) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    unit = objective.get_unit_display() if objective.unit else ""
    if unit == "%":
        return f"{format_number(value)}%"
    return f"{format_number(value)} {unit}".strip()


def target_text(objective: QualityObjective) -> str:
    """The target as stated: the text when given, else "≥ 95%" from the value and direction."""
    if (objective.target or "").strip():
        return objective.target
    if objective.target_value is None:
        return ""
    sign = "≤" if objective.direction == Direction.AT_MOST else "≥"
    return f"{sign} {format_value(objective.target_value, objective)}"


def review_monitoring(commune_id: int, year: int) -> dict:
    """9.3.2 c) 5): the one-stop figures of the year measured for the commune, in total and per TTHC."""
    rows = procedure_rates(commune_id=commune_id, year=year)
    total = sum((row.figures for row in rows), Figures())
    return {
        "year": year,
        "received": total.received,
        "on_time": total.on_time,
        "late": total.late,
        "returned": total.returned,
        "on_time_rate": _number(total.on_time_rate),
        "procedures": [
            {
                "code": row.code,
                "name": row.name,
                "received": row.figures.received,
                "on_time_rate": _number(row.figures.on_time_rate),
                "late": row.figures.late,
            }
            for row in rows
        ],
    }
