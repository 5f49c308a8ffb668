"""Reads of the audits app: the cross-app contract (used by ``qms.certification``),
the list querysets of the admin and the management-review inputs (9.3.2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from processes import selectors as process_selectors
from qms.people import full_name, name_order
from qms.units.models import Role

from .board.selectors import decisions as board_decisions  # noqa: F401  (read by the certification checklist)
from .context.selectors import approved_scope  # noqa: F401  (read by the certification scope)
from .models import (
    ActionStatus,
    Auditor,
    AuditPlan,
    AuditProgramme,
    ChecklistItem,
    ChecklistResult,
    CorrectiveAction,
    Finding,
    FindingKind,
    ManagementReview,
    PlanStatus,
    QualityObjective,
    ReviewStatus,
)
from .objectives.selectors import review_objectives

# -- contract (qms.certification) -------------------------------------------------------


@dataclass(frozen=True)
class AuditSummary:
    id: int
    title: str
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    status: str
    completed: bool
    completed_on: datetime.date | None


@dataclass(frozen=True)
class ReviewSummary:
    id: int
    held_on: datetime.date | None
    status: str
    completed: bool


@dataclass(frozen=True)
class CorrectiveActionCounts:
    open: int
    overdue: int
    closed: int


def internal_audits(*, commune_id: int, years: range) -> dict[int, list[AuditSummary]]:
    """The commune's internal audits of each of ``years`` (the year of their programme), cancelled ones
    excluded; one query for all the years."""
    plans = (
        AuditPlan.objects.filter(
            commune_id=commune_id, programme__year__gte=years.start, programme__year__lt=years.stop
        )
        .exclude(status=PlanStatus.CANCELLED)
        .order_by("planned_start", "pk")
        .values_list("pk", "title", "planned_start", "planned_end", "status", "completed_on", "programme__year")
    )
    by_year: dict[int, list[AuditSummary]] = {year: [] for year in years}
    for pk, title, start, end, status, completed_on, year in plans:
        by_year[year].append(
            AuditSummary(
                id=pk,
                title=title,
                planned_start=start,
                planned_end=end,
                status=status,
                completed=status == PlanStatus.COMPLETED,
                completed_on=completed_on,
            )
        )
    return by_year


def management_reviews(*, commune_id: int, years: range) -> dict[int, list[ReviewSummary]]:
    """The commune's management reviews of each of ``years``; one query for all the years."""
    reviews = (
        ManagementReview.objects.filter(commune_id=commune_id, year__gte=years.start, year__lt=years.stop)
        .order_by("planned_on", "pk")
        .values_list("pk", "held_on", "status", "year")
    )
    by_year: dict[int, list[ReviewSummary]] = {year: [] for year in years}
    for pk, held_on, status, year in reviews:
        by_year[year].append(
            ReviewSummary(id=pk, held_on=held_on, status=status, completed=status == ReviewStatus.HELD)
        )
    return by_year


def corrective_action_counts(*, commune_id: int, today: datetime.date | None = None) -> CorrectiveActionCounts:
    """Corrective actions raised on findings (review actions are not counted)."""
    today = today or timezone.localdate()
    unfinished = Q(status__in=ActionStatus.unfinished())
    counts = CorrectiveAction.objects.filter(commune_id=commune_id, finding__isnull=False).aggregate(
        open=Count("pk", filter=unfinished),
        overdue=Count("pk", filter=unfinished & Q(due_date__lt=today)),
        closed=Count("pk", filter=Q(status=ActionStatus.CLOSED)),
    )
    return CorrectiveActionCounts(**counts)


# -- people ------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearRecords:
    """A commune's records of one year, as kept in its archive: programmes, plans (not cancelled),
    corrective actions and held management reviews."""

    programmes: QuerySet
    plans: QuerySet
    actions: QuerySet
    reviews: QuerySet


def records_of_year(*, commune, year: int) -> YearRecords:
    return YearRecords(
        programmes=AuditProgramme.objects.filter(commune=commune, year=year).select_related("commune"),
        plans=AuditPlan.objects.filter(commune=commune, programme__year=year)
        .exclude(status=PlanStatus.CANCELLED)
        .select_related("commune", "programme")
        .order_by("sequence", "pk"),
        actions=CorrectiveAction.objects.filter(commune=commune, year=year).select_related("commune"),
        reviews=ManagementReview.objects.filter(commune=commune, year=year, status=ReviewStatus.HELD).select_related(
            "commune"
        ),
    )


def role_members(*, commune_id: int, role: str) -> QuerySet:
    """Active users holding ``role`` in the commune (through its role group)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__commune_role__commune_id=commune_id, groups__commune_role__role=role)
        .distinct()
    )


def leaders_of(commune_id: int) -> QuerySet:
    return role_members(commune_id=commune_id, role=Role.LEADER)


def commune_people(commune_id: int) -> QuerySet:
    """Everyone holding a role in the commune (owners of actions are chosen among them)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__commune_role__commune_id=commune_id)
        .distinct()
        .order_by(*name_order())
    )


def auditor_pool(commune_id: int) -> QuerySet:
    return Auditor.objects.filter(commune_id=commune_id, is_active=True).select_related("user")


# -- admin lists -------------------------------------------------------------------------


def findings_list() -> QuerySet:
    """Findings with everything the list shows, in a fixed number of queries."""
    return Finding.objects.select_related(
        "commune", "plan", "clause", "process", "corrective_action", "corrective_action__owner"
    )


def actions_list() -> QuerySet:
    return CorrectiveAction.objects.select_related("commune", "owner", "finding", "finding__clause", "decision")


def plan_findings(plan: AuditPlan) -> list[Finding]:
    return list(
        plan.findings.select_related("clause", "process", "raised_by", "corrective_action", "corrective_action__owner")
        .prefetch_related("files", "corrective_action__progress_notes")
        .order_by("sequence")
    )


def plan_checklist(plan: AuditPlan):
    return plan.checklist.select_related("clause", "process", "recorded_by").prefetch_related("files").order_by("order")


# -- process documents ---------------------------------------------------------------------------


def process_acknowledgements(plan: AuditPlan) -> list[tuple[object, object]]:
    """(audited process, read-confirmation state of its effective quy trình) for each process
    of ``plan`` linked to a document of the commune that is effective."""
    processes = list(plan.processes.order_by("order", "pk"))
    states = process_selectors.acknowledgement_states(document_ids=[p.document_id for p in processes])
    return [(p, states[p.document_id]) for p in processes if p.document_id in states]


def effective_process_documents(commune_id: int) -> list:
    """The commune's effective process documents (``ScopeItem``s)."""
    return list(process_selectors.effective_scope(commune_id=commune_id))


# -- management review inputs (TCVN ISO 9001:2015, 9.3.2) ---------------------------------------


def _date(value) -> str | None:
    return value.isoformat() if value else None


def review_period(review: ManagementReview) -> tuple[datetime.date, datetime.date]:
    """From the day after the previous held review (or 1 January) to the review date."""
    until = review.held_on or review.planned_on
    previous = (
        ManagementReview.objects.filter(commune_id=review.commune_id, status=ReviewStatus.HELD, held_on__lt=until)
        .exclude(pk=review.pk)
        .order_by("-held_on")
        .first()
    )
    since = previous.held_on + datetime.timedelta(days=1) if previous else datetime.date(review.year, 1, 1)
    return since, until


def _previous_review_actions(review: ManagementReview) -> dict:
    actions = (
        CorrectiveAction.objects.filter(decision__review__commune_id=review.commune_id)
        .exclude(decision__review=review)
        .select_related("owner", "decision__review")
        .order_by("decision__review__planned_on", "sequence")
    )
    items = [
        {
            "number": a.number,
            "title": a.title,
            "review": a.decision.review.title,
            "owner": full_name(a.owner),
            "due_date": _date(a.due_date),
            "status": a.status,
            "status_label": str(a.get_status_display()),
        }
        for a in actions
    ]
    return {"items": items, "open": sum(a["status"] in ActionStatus.unfinished() for a in items)}


def _audit_results(commune_id: int, since, until) -> dict:
    plans = (
        AuditPlan.objects.filter(commune_id=commune_id, planned_start__lte=until, planned_end__gte=since)
        .exclude(status=PlanStatus.CANCELLED)
        .annotate(
            finding_count=Count("findings", distinct=True),
            nc_count=Count("findings", filter=Q(findings__kind__in=FindingKind.nonconformities()), distinct=True),
        )
        .order_by("planned_start")
    )
    items = [
        {
            "id": p.pk,
            "title": p.title,
            "planned_start": _date(p.planned_start),
            "planned_end": _date(p.planned_end),
            "status": p.status,
            "status_label": str(p.get_status_display()),
            "findings": p.finding_count,
            "nonconformities": p.nc_count,
            "conclusion": p.conclusion,
        }
        for p in plans
    ]
    return {"items": items, "completed": sum(p["status"] == PlanStatus.COMPLETED for p in items)}


def _audited_between(since, until) -> dict:
    """Findings of the audits held (at least partly) in the period."""
    return {"plan__planned_start__lte": until, "plan__planned_end__gte": since}


def _findings_and_actions(commune_id: int, since, until, today) -> dict:
    findings = Finding.objects.filter(commune_id=commune_id, **_audited_between(since, until))
    by_kind = dict(findings.values_list("kind").annotate(n=Count("pk")).order_by())
    actions = CorrectiveAction.objects.filter(commune_id=commune_id, finding__isnull=False)
    unfinished = Q(status__in=ActionStatus.unfinished())
    counts = actions.aggregate(
        open=Count("pk", filter=unfinished),
        overdue=Count("pk", filter=unfinished & Q(due_date__lt=today)),
        closed=Count("pk", filter=Q(status=ActionStatus.CLOSED, closed_at__date__range=(since, until))),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
        cancelled=Count("pk", filter=Q(status=ActionStatus.CANCELLED)),
    )
    return {
        "findings_by_kind": {kind: by_kind.get(kind, 0) for kind in FindingKind.values},
        "findings_total": sum(by_kind.values()),
        "actions": counts,
    }


def _process_performance(commune_id: int, since, until) -> dict:
    results = (
        ChecklistItem.objects.filter(
            plan__commune_id=commune_id,
            plan__planned_start__lte=until,
            plan__planned_end__gte=since,
            process__isnull=False,
        )
        .exclude(plan__status=PlanStatus.CANCELLED)
        .values("process__document_code", "process__title")
        .annotate(
            conforming=Count("pk", filter=Q(result=ChecklistResult.CONFORMING)),
            nonconforming=Count("pk", filter=Q(result=ChecklistResult.NONCONFORMING)),
            observations=Count("pk", filter=Q(result=ChecklistResult.OBSERVATION)),
        )
        .order_by("process__document_code", "process__title")
    )
    data = {
        "audited": [
            {
                "code": r["process__document_code"],
                "title": r["process__title"],
                "conforming": r["conforming"],
                "nonconforming": r["nonconforming"],
                "observations": r["observations"],
            }
            for r in results
        ]
    }
    data.update(_process_documents_input(commune_id))
    return data


def _process_documents_input(commune_id: int) -> dict:
    scope = process_selectors.effective_scope(commune_id=commune_id)
    flags = [f for f in process_selectors.update_flags(commune_id=commune_id) if f.resolved_on is None]
    return {
        "effective_documents": len(scope),
        "open_update_flags": [
            {"code": f.document_code, "title": f.title, "deadline": _date(f.deadline)} for f in flags
        ],
    }


def _quality_objectives(commune_id: int, year: int) -> dict:
    return review_objectives(commune_id, year)


def _resources(commune_id: int) -> dict:
    auditors = Auditor.objects.filter(commune_id=commune_id, is_active=True).annotate(n=Count("trainings"))
    return {"auditors": auditors.count(), "trained_auditors": auditors.filter(n__gt=0).count()}


def _improvement_opportunities(commune_id: int, since, until) -> list[dict]:
    findings = Finding.objects.filter(
        commune_id=commune_id,
        kind__in=[FindingKind.OPPORTUNITY, FindingKind.OBSERVATION],
        **_audited_between(since, until),
    ).select_related("clause", "plan")
    return [
        {"code": f.code, "plan": f.plan.title, "clause": f.clause.number, "kind": f.kind, "description": f.description}
        for f in findings.order_by("plan__planned_start", "sequence")
    ]


@dataclass(frozen=True)
class ReviewPeriod:
    """What an input of :data:`audits.review_inputs.REVIEW_INPUTS` reads its records for."""

    review: ManagementReview
    commune_id: int
    since: datetime.date
    until: datetime.date
    today: datetime.date


def review_inputs(review: ManagementReview, *, today: datetime.date | None = None) -> dict:
    """The inputs of a management review, assembled from the data: one entry per input of the registry
    (9.3.2 a–f) that holds records; those with none are left out and the minutes say so."""
    from .review_inputs import REVIEW_INPUTS

    since, until = review_period(review)
    period = ReviewPeriod(review, review.commune_id, since, until, today or timezone.localdate())
    inputs = {"period": {"since": _date(since), "until": _date(until)}}
    for entry in REVIEW_INPUTS:
        if entry.collect is not None:
            inputs[entry.key] = entry.collect(period)
    return inputs


def _customer_feedback(commune_id: int, since, until) -> dict:
    """Citizens' satisfaction per procedure and their suggestions and complaints with the outcome (9.3.2 c 1)."""
    return {
        "satisfaction": process_selectors.satisfaction_by_procedure(commune_id=commune_id, since=since, until=until),
        "complaints": process_selectors.feedback_outcomes(commune_id=commune_id, since=since, until=until),
    }


# -- yearly records (TT 26/2014 Art. 36 self-assessment, dashboards) ---------------------------------------------


@dataclass(frozen=True)
class DocumentRef:
    id: int
    title: str
    number: str
    status: str
    day: datetime.date | None


@dataclass(frozen=True)
class YearlyAudits:
    programmes: tuple[DocumentRef, ...]
    approved_programmes: int
    plans: tuple[DocumentRef, ...]
    completed_plans: int
    reports: tuple[str, ...]
    findings: int
    nonconformities: int
    actions_open: int
    actions_overdue: int
    actions_verified: int
    actions_not_effective: int


def yearly_audits(*, commune_id: int, year: int, today: datetime.date | None = None) -> YearlyAudits:
    """The programme(s), audits, reports, findings and corrective actions of the commune's ``year``."""
    from .models import AuditProgramme, ProgrammeStatus

    today = today or timezone.localdate()
    programmes = tuple(
        DocumentRef(p.pk, p.title, p.document_number, p.status, p.approved_at.date() if p.approved_at else None)
        for p in AuditProgramme.objects.filter(commune_id=commune_id, year=year).order_by("pk")
    )
    plans = tuple(
        DocumentRef(p.pk, p.title, p.report_number or p.document_number, p.status, p.completed_on)
        for p in AuditPlan.objects.filter(commune_id=commune_id, programme__year=year)
        .exclude(status=PlanStatus.CANCELLED)
        .order_by("planned_start", "pk")
    )
    findings = Finding.objects.filter(commune_id=commune_id, plan__programme__year=year).aggregate(
        n=Count("pk"), nc=Count("pk", filter=Q(kind__in=FindingKind.nonconformities()))
    )
    unfinished = Q(status__in=ActionStatus.unfinished())
    actions = CorrectiveAction.objects.filter(commune_id=commune_id, finding__isnull=False).aggregate(
        open=Count("pk", filter=unfinished),
        overdue=Count("pk", filter=unfinished & Q(due_date__lt=today)),
        verified=Count("pk", filter=Q(status=ActionStatus.CLOSED, closed_at__year=year)),
        not_effective=Count("pk", filter=Q(reopen_count__gt=0, year=year)),
    )
    return YearlyAudits(
        programmes=programmes,
        approved_programmes=sum(p.status == ProgrammeStatus.APPROVED for p in programmes),
        plans=plans,
        completed_plans=sum(p.status == PlanStatus.COMPLETED for p in plans),
        reports=tuple(p.number for p in plans if p.status == PlanStatus.COMPLETED and p.number),
        findings=findings["n"],
        nonconformities=findings["nc"],
        actions_open=actions["open"],
        actions_overdue=actions["overdue"],
        actions_verified=actions["verified"],
        actions_not_effective=actions["not_effective"],
    )


@dataclass(frozen=True)
class YearlyReview:
    id: int
    title: str
    number: str
    held_on: datetime.date | None
    held: bool
    chair: str
    chaired_by_leader: bool
    decisions: int


def yearly_reviews(*, commune_id: int, year: int) -> list[YearlyReview]:
    """The commune's management reviews of ``year``, with whether a leader of the commune chaired them."""
    leaders = set(leaders_of(commune_id).values_list("pk", flat=True))
    reviews = (
        ManagementReview.objects.filter(commune_id=commune_id, year=year)
        .select_related("chair")
        .annotate(n=Count("decisions"))
        .order_by("planned_on", "pk")
    )
    return [
        YearlyReview(
            id=r.pk,
            title=r.title,
            number=r.document_number,
            held_on=r.held_on,
            held=r.status == ReviewStatus.HELD,
            chair=full_name(r.chair),
            chaired_by_leader=r.chair_id in leaders,
            decisions=r.n,
        )
        for r in reviews
    ]


def objectives_by_commune(*, commune_ids, year: int) -> dict[int, tuple[int, int]]:
    """{commune id: (objectives achieved, objectives)} of ``year``, in one query (``commune_ids`` may be a subquery)."""
    rows = (
        QualityObjective.objects.filter(commune_id__in=commune_ids, year=year)
        .values("commune_id")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(achieved=True)))
        .order_by()
    )
    return {r["commune_id"]: (r["met"], r["n"]) for r in rows}


@dataclass(frozen=True)
class ObjectiveCounts:
    total: int
    achieved: int
    not_achieved: int


def objective_counts(*, commune_id: int, year: int) -> ObjectiveCounts:
    row = QualityObjective.objects.filter(commune_id=commune_id, year=year).aggregate(
        n=Count("pk"), met=Count("pk", filter=Q(achieved=True)), missed=Count("pk", filter=Q(achieved=False))
    )
    return ObjectiveCounts(total=row["n"], achieved=row["met"], not_achieved=row["missed"])


@dataclass(frozen=True)
class RiskCounts:
    total: int
    open: int
    treating: int
    closed: int


def risk_counts(*, commune_id: int) -> RiskCounts:
    from .risks.models import Risk, RiskStatus

    row = Risk.objects.filter(commune_id=commune_id).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=RiskStatus.OPEN)),
        treating=Count("pk", filter=Q(status=RiskStatus.TREATING)),
        closed=Count("pk", filter=Q(status=RiskStatus.CLOSED)),
    )
    return RiskCounts(**row)
