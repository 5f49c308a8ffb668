"""Writes of the certification app.

Keyword-only, atomic, audited. Every write that changes what the summaries
read ends by refreshing the commune's :class:`CommuneProgress` row, so
dashboards never aggregate live data. ``acting_user=SYSTEM`` (``qms.actors``) means the system
(a task or a command).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms import actors
from qms.actors import SYSTEM
from qms.audit_log import define_action, log
from qms.notifications.registry import register_kind
from qms.notifications.services import notify, resolve
from qms.signals import batching, send_data_changed
from qms.signatures import services as signatures
from qms.units.agency import in_sentence
from qms.units.models import AdministrativeUnit, Commune, CommuneRoleGroup, Era, Role

from . import access, rules, sources
from .models import (
    CHECKLIST_KEYS,
    Announcement,
    CheckResult,
    CommuneLifecycle,
    CommuneProgress,
    Evidence,
    EvidenceKind,
    Inspection,
    InspectionConclusion,
    InspectionMethod,
    InspectionPlan,
    InspectionPlanItem,
    LateItemFlag,
    PlanStatus,
    ProgressTarget,
    ScopeGap,
    Stage,
)

logger = logging.getLogger(__name__)

ACTION_EVIDENCE_ADD = define_action(
    "certification.evidence.add", gettext_lazy("Add QMS evidence"), gettext_lazy("Added QMS evidence")
)
ACTION_EVIDENCE_DELETE = define_action(
    "certification.evidence.delete", gettext_lazy("Delete QMS evidence"), gettext_lazy("Deleted QMS evidence")
)
ACTION_ANNOUNCE = define_action(
    "certification.announcement.record",
    gettext_lazy("Record announcement"),
    gettext_lazy("Recorded the signed announcement decision"),
)
ACTION_INSPECTION = define_action(
    "certification.inspection.record",
    gettext_lazy("Record inspection"),
    gettext_lazy("Recorded a provincial inspection"),
)
ACTION_REPORT = define_action(
    "certification.report.record",
    gettext_lazy("Record corrective report"),
    gettext_lazy("Recorded the corrective report on an inspection conclusion"),
)
ACTION_TARGET = define_action(
    "certification.target.set", gettext_lazy("Set progress target"), gettext_lazy("Set the announcement target")
)
ACTION_STAGE = define_action(
    "certification.stage.change", gettext_lazy("Change QMS stage"), gettext_lazy("The commune's QMS stage changed")
)

#: Last day a pre-2025 commune ran its own QMS (NQ 202/2025/QH15: two tiers from 01/07/2025).
ERA_ENDS = {Era.PRE_2025: date(2025, 6, 30)}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _system_or(acting_user, check) -> None:
    if acting_user is not SYSTEM:
        _require(check(acting_user))


def _save(instance, acting_user) -> None:
    instance._history_user = actors.person(acting_user)
    instance.full_clean()
    instance.save()


# -- facts and refresh ---------------------------------------------------------------------


def commune_end_date(unit: AdministrativeUnit) -> date | None:
    """The last day the commune ran its QMS (merged away or end of its era)."""
    if unit.abolished_on:
        return unit.abolished_on - timedelta(days=1)
    return ERA_ENDS.get(unit.era)


def _evidence_dates(commune_id: int, first_of_kind: dict[str, date]) -> dict[str, date]:
    """The first date of each kind of evidence: uploaded records (``first_of_kind``), and the steering
    board's decisions kept here."""
    dates = dict(first_of_kind)
    boards = sources.board_decisions(commune_id=commune_id)
    if boards:
        first = boards[0][0]
        dates[EvidenceKind.STEERING_BOARD] = min(filter(None, [dates.get(EvidenceKind.STEERING_BOARD), first]))
    return dates


def _paper_records(rows: list[tuple[int, str, date, str]], years: range) -> dict[str, dict[int, list[rules.Done]]]:
    """Audit reports and review minutes kept outside the system, by kind and year (``rows``: the commune's
    evidence of those two kinds, as (pk, kind, issued on, title)).

    A commune that held its audits and reviews on paper before it used the
    audits module records them as evidence; they count for the year they were
    issued in exactly like an audit completed or a review held here.
    """
    kinds = (EvidenceKind.INTERNAL_AUDIT, EvidenceKind.MANAGEMENT_REVIEW)
    records: dict[str, dict[int, list[rules.Done]]] = {kind: {} for kind in kinds}
    for pk, kind, issued_on, title in rows:
        if issued_on.year in years:
            records[kind].setdefault(issued_on.year, []).append(
                rules.Done(ref=f"evidence-{pk}", done_on=issued_on, title=title)
            )
    return records


def _with_paper(records: dict[int, list[rules.Done]] | None, paper: dict[int, list[rules.Done]]):
    """Add the paper records to the module's (None, no audits module, stays unknown)."""
    if records is None:
        return None
    return {year: [*done, *paper.get(year, [])] for year, done in records.items()}


@dataclass
class _Read:
    """What a summary refresh reads of the certification tables for a chunk of communes: one query a
    table for the chunk, not one a commune (``rebuild_progress`` refreshes thousands)."""

    announcements: dict[int, list[Announcement]] = field(default_factory=dict)
    evidence_first: dict[int, dict[str, date]] = field(default_factory=dict)
    paper: dict[int, list[tuple[int, str, date, str]]] = field(default_factory=dict)
    conclusions: dict[int, list[InspectionConclusion]] = field(default_factory=dict)
    last_inspection: dict[int, Inspection] = field(default_factory=dict)
    targets: dict[int, ProgressTarget] = field(default_factory=dict)
    announced_predecessors: set[int] = field(default_factory=set)
    carried_over: dict[int, date] = field(default_factory=dict)
    open_gaps: dict[int, dict[str, ScopeGap]] = field(default_factory=dict)
    lifecycles: dict[int, CommuneLifecycle] = field(default_factory=dict)
    progress: dict[int, CommuneProgress] = field(default_factory=dict)

    @classmethod
    def of(cls, communes: list[Commune]) -> _Read:
        from .mergers.models import CarryOverStatus, MergerCarryOver

        ids = [commune.pk for commune in communes]
        read = cls()
        for announcement in Announcement.objects.filter(commune_id__in=ids).order_by("signed_on", "id"):
            read.announcements.setdefault(announcement.commune_id, []).append(announcement)
        rows = Evidence.objects.filter(commune_id__in=ids).values("commune_id", "kind").annotate(first=Min("issued_on"))
        for row in rows:
            read.evidence_first.setdefault(row["commune_id"], {})[row["kind"]] = row["first"]
        paper = Evidence.objects.filter(
            commune_id__in=ids, kind__in=(EvidenceKind.INTERNAL_AUDIT, EvidenceKind.MANAGEMENT_REVIEW)
        ).values_list("commune_id", "pk", "kind", "issued_on", "title")
        for commune_id, *record in paper:
            read.paper.setdefault(commune_id, []).append(tuple(record))
        conclusions = InspectionConclusion.objects.filter(inspection__commune_id__in=ids, needs_action=True)
        for conclusion in conclusions.annotate(of_commune=F("inspection__commune_id")).order_by("pk"):
            read.conclusions.setdefault(conclusion.of_commune, []).append(conclusion)
        for inspection in Inspection.objects.filter(commune_id__in=ids).order_by("inspected_on", "id"):
            read.last_inspection[inspection.commune_id] = inspection
        units = {unit_id for commune in communes for unit_id in access.lineage_ids(commune.unit)}
        read.targets = {t.unit_id: t for t in ProgressTarget.objects.filter(unit_id__in=units)}
        read.announced_predecessors = set(
            Announcement.objects.filter(commune__successors__in=ids).values_list("commune__successors", flat=True)
        )
        finished = MergerCarryOver.objects.filter(successor_id__in=ids, status=CarryOverStatus.DONE)
        for successor_id, finished_at in finished.values_list("successor_id", "finished_at"):
            if finished_at and successor_id not in read.carried_over:
                read.carried_over[successor_id] = timezone.localtime(finished_at).date()
        for gap in ScopeGap.objects.filter(commune_id__in=ids, closed_on__isnull=True):
            read.open_gaps.setdefault(gap.commune_id, {})[gap.procedure_code] = gap
        read.lifecycles = {lc.commune_id: lc for lc in CommuneLifecycle.objects.filter(commune_id__in=ids)}
        read.progress = {row.commune_id: row for row in CommuneProgress.objects.filter(commune_id__in=ids)}
        return read


def target_for(unit: AdministrativeUnit, targets: dict[int, ProgressTarget] | None = None) -> ProgressTarget | None:
    """The target set on the unit or on the nearest unit above it (``targets``: by unit id, when read)."""
    ids = access.lineage_ids(unit)
    if targets is None:
        targets = {t.unit_id: t for t in ProgressTarget.objects.filter(unit_id__in=ids)}
    return next((targets[i] for i in ids if i in targets), None)


def _commune_deadline(unit: AdministrativeUnit, targets: dict[int, ProgressTarget]) -> date | None:
    target = target_for(unit, targets)
    return target.target_date if target and target.percent == 100 else None


def _sync_gaps(
    commune_id: int, missing: dict[str, str], today: date, open_gaps: dict[str, ScopeGap]
) -> list[rules.Due]:
    closed = [g.pk for code, g in open_gaps.items() if code not in missing]
    if closed:
        ScopeGap.objects.filter(pk__in=closed).update(closed_on=today)
    new = [
        ScopeGap(commune_id=commune_id, procedure_code=code, procedure_name=name, detected_on=today)
        for code, name in missing.items()
        if code not in open_gaps
    ]
    ScopeGap.objects.bulk_create(new)
    detected = {code: g.detected_on for code, g in open_gaps.items()} | {g.procedure_code: g.detected_on for g in new}
    return [
        rules.Due(ref=code, title=name, deadline=rules.add_months(detected[code], rules.SCOPE_GAP_MONTHS))
        for code, name in sorted(missing.items())
    ]


def _report_dues(conclusions: list[InspectionConclusion]) -> list[rules.Due]:
    return [
        rules.Due(ref=str(c.pk), title=c.text[:120], deadline=c.due_on, done_on=c.reported_on)
        for c in conclusions
        if c.due_on is not None
    ]


def _merged_on(commune_id: int, read: _Read) -> date | None:
    """The carry-over day of a merged commune some predecessor of which had announced its QMS."""
    return read.carried_over.get(commune_id) if commune_id in read.announced_predecessors else None


def gather_facts(commune: Commune, today: date, read: _Read | None = None) -> rules.Facts:
    """What the rules judge a commune on (``read``: the chunk's certification rows, when read)."""
    read = read or _Read.of([commune])
    announcements = read.announcements.get(commune.pk, [])
    last = announcements[-1] if announcements else None
    scope, excluded = sources.scope_and_exclusions(commune_id=commune.pk)
    facts = rules.Facts(
        today=today,
        ends_on=commune_end_date(commune.unit),
        evidence=_evidence_dates(commune.pk, read.evidence_first.get(commune.pk, {})),
        first_announced_on=announcements[0].signed_on if announcements else None,
        announced_on=last.signed_on if last else None,
        announced_codes=last.scope_codes if last else None,
        scope=scope,
        handled=sources.handled_procedures(commune_id=commune.pk),
        flags=sources.update_flags(commune_id=commune.pk),
        reports=_report_dues(read.conclusions.get(commune.pk, [])),
        target_date=_commune_deadline(commune.unit, read.targets),
        excluded=excluded,
        merged_on=_merged_on(commune.pk, read),
    )
    first_year = min([facts.as_of, *facts.evidence.values(), *([facts.first_announced_on] if last else [])])
    years = sources.years_between(first_year, facts.as_of)
    paper = _paper_records(read.paper.get(commune.pk, []), years)
    facts.audits = _with_paper(
        sources.completed_audits(commune_id=commune.pk, years=years), paper[EvidenceKind.INTERNAL_AUDIT]
    )
    facts.reviews = _with_paper(
        sources.held_reviews(commune_id=commune.pk, years=years), paper[EvidenceKind.MANAGEMENT_REVIEW]
    )
    running = facts.ends_on is None or facts.ends_on >= today
    if running and facts.handled is not None and facts.scope is not None:
        facts.gaps = _sync_gaps(commune.pk, rules.missing_procedures(facts), today, read.open_gaps.get(commune.pk, {}))
    return facts


def _update_lifecycle(commune: Commune, result: rules.Evaluation, acting_user, read: _Read) -> None:
    lifecycle = read.lifecycles.get(commune.pk)
    if lifecycle is None:
        if result.stage == Stage.NOT_STARTED:
            return
        lifecycle = CommuneLifecycle(commune=commune)
    elif (lifecycle.stage, lifecycle.stage_since) == (result.stage, result.stage_since):
        return
    previous = lifecycle.stage if lifecycle.pk else Stage.NOT_STARTED
    lifecycle.stage, lifecycle.stage_since, lifecycle.reason = result.stage, result.stage_since, result.reason
    _save(lifecycle, acting_user)
    if previous != result.stage:
        log(
            instance=lifecycle,
            action=ACTION_STAGE,
            user=acting_user,
            data={"commune_id": commune.pk, "from": previous, "to": result.stage, "since": result.stage_since},
        )


def _maintenance_json(result: rules.Evaluation) -> dict:
    return {str(y.year): {"status": y.status, "conditions": [c.as_dict() for c in y.conditions]} for y in result.years}


def _save_progress(commune: Commune, result: rules.Evaluation, read: _Read) -> CommuneProgress:
    unit = commune.unit
    ancestors = unit.ancestors()
    announcements = read.announcements.get(commune.pk, [])
    last = announcements[-1] if announcements else None
    inspection = read.last_inspection.get(commune.pk)
    values = {
        "era": unit.era,
        "unit": unit,
        "district": next((a for a in ancestors if a.level == "district"), None),
        "province": next((a for a in ancestors if a.level == "province"), None),
        "commune_name": commune.name,
        "stage": result.stage,
        "stage_since": result.stage_since,
        "first_announced_on": announcements[0].signed_on if announcements else None,
        "announced_on": last.signed_on if last else None,
        "announcement_number": last.display_number if last else "",
        "scope_size": result.scope_size,
        "handled_count": result.handled_count,
        "covered_count": result.covered_count,
        "late_count": len(result.late),
        "max_days_late": max((c.days_late for c in result.late), default=0),
        "late_items": [c.as_dict() for c in result.late],
        "maintenance_year": result.maintenance_year,
        "maintenance_status": result.maintenance_status,
        "maintenance": _maintenance_json(result),
        "last_inspection_on": inspection.inspected_on if inspection else None,
        "last_inspection_on_site": bool(inspection and inspection.method == "on_site"),
        "open_reports": sum(1 for c in read.conclusions.get(commune.pk, []) if c.reported_on is None),
        "refreshed_at": timezone.now(),
    }
    progress = read.progress.get(commune.pk)
    if progress is None:  # the first summary; another refresh may be writing it too
        progress, _created = CommuneProgress.objects.update_or_create(commune=commune, defaults=values)
        return progress
    for name, value in values.items():
        setattr(progress, name, value)
    progress.save()
    return progress


def _refresh_one(commune: Commune, today: date, acting_user, read: _Read) -> CommuneProgress:
    result = rules.evaluate(gather_facts(commune, today, read))
    _update_lifecycle(commune, result, acting_user, read)
    return _save_progress(commune, result, read)


def _communes(ids) -> list[Commune]:
    return list(Commune.objects.select_related("unit__parent__parent").filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def refresh_commune_progress(*, commune_id: int, today: date | None = None, acting_user=None) -> CommuneProgress:
    """Recompute one commune's stage, maintenance and late items; update its summary row."""
    communes = _communes([commune_id])
    if not communes:
        raise Commune.DoesNotExist(f"Commune {commune_id} does not exist.")
    return _refresh_one(communes[0], today or timezone.localdate(), acting_user, _Read.of(communes))


def _refresh(*, commune: Commune, acting_user) -> None:
    """Refresh after a write here; inside a bulk load (``data_changes_batched``), once at its end."""
    if batching():
        send_data_changed(sender=Commune, commune_id=commune.pk, kind="certification")
        return
    refresh_commune_progress(commune_id=commune.pk, acting_user=acting_user)


#: Communes refreshed together by ``rebuild_progress``: their certification rows read in one query a table.
REBUILD_CHUNK = 200


def rebuild_progress(
    *, unit: AdministrativeUnit | None = None, today: date | None = None, acting_user=None, only_stale: bool = False
) -> int:
    """Refresh every commune's summary (beneath ``unit`` when given); returns how many.

    ``only_stale``: only communes without a summary or whose summary was last refreshed before
    ``today`` (a re-run of the demo loading, where every write already refreshed its commune)."""
    today = today or timezone.localdate()
    communes = Commune.objects.all()
    if unit is not None:
        communes = communes.filter(unit__in=unit.descendant_communes())
    if only_stale:
        fresh = CommuneProgress.objects.filter(refreshed_at__date__gte=today)
        communes = communes.exclude(pk__in=fresh.values("commune_id"))
    ids = list(communes.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), REBUILD_CHUNK):
        chunk = _communes(ids[start : start + REBUILD_CHUNK])
        with transaction.atomic():
            read = _Read.of(chunk)
            for commune in chunk:
                _refresh_one(commune, today, acting_user, read)
    return len(ids)


def on_data_changed(sender, *, commune_id: int, kind: str, **kwargs) -> None:
    """``qms_data_changed`` receiver: the processes/audits data of a commune changed."""
    try:
        refresh_commune_progress(commune_id=commune_id)
    except Commune.DoesNotExist:
        logger.info("qms_data_changed for unknown commune %s", commune_id)
    except Exception:  # the nightly rebuild repairs a missed refresh
        logger.exception("Could not refresh the progress of commune %s after a %s change", commune_id, kind)


# -- evidence ---------------------------------------------------------------------------------


@transaction.atomic
def add_evidence(
    *, commune: Commune, kind: str, title: str, issued_on: date, acting_user, reference: str = "", file=None, note=""
) -> Evidence:
    _system_or(acting_user, lambda user: access.can_manage_commune(user, commune))
    evidence = Evidence(
        commune=commune,
        kind=kind,
        title=title.strip(),
        reference=reference.strip(),
        issued_on=issued_on,
        note=note.strip(),
        recorded_by=actors.person(acting_user),
    )
    if file:
        evidence.file = file
    _save(evidence, acting_user)
    log(instance=evidence, action=ACTION_EVIDENCE_ADD, user=acting_user, data={"commune_id": commune.pk, "kind": kind})
    _refresh(commune=commune, acting_user=acting_user)
    return evidence


@transaction.atomic
def delete_evidence(*, evidence: Evidence, acting_user) -> None:
    commune = evidence.commune
    _system_or(acting_user, lambda user: access.can_manage_commune(user, commune))
    log(
        instance=evidence,
        action=ACTION_EVIDENCE_DELETE,
        user=acting_user,
        data={"commune_id": commune.pk, "kind": evidence.kind, "title": evidence.title},
    )
    evidence._history_user = acting_user
    evidence.delete()
    _refresh(commune=commune, acting_user=acting_user)


# -- announcements --------------------------------------------------------------------------------


def scope_snapshot(entries: list[rules.ScopeEntry]) -> list[dict]:
    return [
        {**asdict(entry), "effective_date": entry.effective_date.isoformat() if entry.effective_date else None}
        for entry in entries
    ]


def _check_announcement(commune: Commune, number: str, symbol: str, signed_on: date | None) -> None:
    if not signed_on:
        return
    same = Announcement.objects.filter(commune=commune, number=number, symbol=symbol, signed_on__year=signed_on.year)
    if same.exists():
        raise ValidationError(
            {
                "number": _("Decision %(number)s/%(symbol)s of %(year)s is already recorded for this commune.")
                % {"number": number, "symbol": symbol, "year": signed_on.year}
            }
        )
    last = Announcement.objects.filter(commune=commune).order_by("-signed_on").first()
    if last and signed_on < last.signed_on:
        raise ValidationError(
            {
                "signed_on": _("A new announcement cannot be dated before the last one (%(date)s).")
                % {"date": last.signed_on.strftime("%d/%m/%Y")}
            }
        )


@transaction.atomic
def record_announcement(
    *,
    commune: Commune,
    number: str,
    signed_on: date,
    file,
    acting_user,
    symbol: str = "QĐ-UBND",
    signer_name: str = "",
    scope: list[rules.ScopeEntry] | None = None,
) -> Announcement:
    """Record the signed decision: the commune becomes announced with this scope.

    ``scope`` defaults to the commune's effective scope now (from processes);
    it is given only when importing a decision signed before the documents
    were kept in the system.
    """
    _system_or(acting_user, lambda user: access.can_manage_commune(user, commune))
    number, symbol = (number or "").strip(), (symbol or "").strip()
    entries = sources.effective_scope(commune_id=commune.pk) if scope is None else scope
    if not entries:
        raise ValidationError(
            _("No process document of this commune is in force, so the announcement would cover no procedure.")
        )
    _check_announcement(commune, number, symbol, signed_on)
    announcement = Announcement(
        commune=commune,
        number=number,
        symbol=symbol,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        file=file,
        scope=scope_snapshot(entries),
        is_reannouncement=Announcement.objects.filter(commune=commune).exists(),
        recorded_by=actors.person(acting_user),
    )
    _save(announcement, acting_user)
    signatures.record_approval(record=announcement, acting_user=acting_user)
    log(
        instance=announcement,
        action=ACTION_ANNOUNCE,
        user=acting_user,
        data={"commune_id": commune.pk, "number": announcement.display_number, "scope": len(entries)},
    )
    _refresh(commune=commune, acting_user=acting_user)
    return announcement


# -- inspections -------------------------------------------------------------------------------------


def _write_conclusions(inspection: Inspection, items: list[tuple[str, bool]], acting_user) -> None:
    """Each conclusion needing action is due 2 months after the inspection (TT 26/2014 Art. 37).

    On an update, conclusions the commune has not answered are replaced; answered ones stay.
    """
    answered = {c.text for c in inspection.conclusions.filter(reported_on__isnull=False)}
    inspection.conclusions.filter(reported_on__isnull=True).delete()
    for text, needs_action in items:
        if text in answered:
            continue
        due = rules.add_months(inspection.inspected_on, rules.REPORT_MONTHS) if needs_action else None
        _save(
            InspectionConclusion(inspection=inspection, text=text, needs_action=needs_action, due_on=due), acting_user
        )


def _clean_conclusions(conclusions: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    items = [(text.strip(), bool(needs_action)) for text, needs_action in conclusions if text and text.strip()]
    if not items:
        raise ValidationError(_("Record at least one conclusion of the inspection."))
    return items


@transaction.atomic
def record_inspection(
    *,
    commune: Commune,
    inspected_on: date,
    method: str,
    agency: str,
    conclusions: list[tuple[str, bool]],
    acting_user,
    decision_reference: str = "",
    minutes_reference: str = "",
    summary: str = "",
) -> Inspection:
    """Record a provincial inspection; each conclusion needing action is due in 2 months."""
    _system_or(acting_user, lambda user: access.acts_for_province(user, commune.unit))
    items = _clean_conclusions(conclusions)
    inspection = Inspection(
        commune=commune,
        inspected_on=inspected_on,
        method=method,
        agency=agency.strip(),
        decision_reference=decision_reference.strip(),
        minutes_reference=minutes_reference.strip(),
        summary=summary.strip(),
        recorded_by=actors.person(acting_user),
    )
    _save(inspection, acting_user)
    _write_conclusions(inspection, items, acting_user)
    log(
        instance=inspection,
        action=ACTION_INSPECTION,
        user=acting_user,
        data={"commune_id": commune.pk, "conclusions": len(items), "actions": sum(n for _t, n in items)},
    )
    _refresh(commune=commune, acting_user=acting_user)
    return inspection


@transaction.atomic
def record_corrective_report(
    *, conclusion: InspectionConclusion, reported_on: date, acting_user, reference: str = "", file=None, note: str = ""
) -> InspectionConclusion:
    """The commune answers a conclusion: the corrective report closes it."""
    conclusion = (
        InspectionConclusion.objects.select_for_update(of=("self",))
        .select_related("inspection__commune")
        .get(pk=conclusion.pk)
    )
    commune = conclusion.inspection.commune
    _system_or(acting_user, lambda user: access.can_manage_commune(user, commune))
    if not conclusion.is_open:
        raise ValidationError(_("This conclusion needs no report or has already been answered."))
    if not note.strip() and not file:
        raise ValidationError(_("Describe the corrective action taken or attach the report."))
    conclusion.reported_on = reported_on
    conclusion.report_reference = reference.strip()
    conclusion.report_note = note.strip()
    conclusion.reported_by = actors.person(acting_user)
    if file:
        conclusion.report_file = file
    _save(conclusion, acting_user)
    log(
        instance=conclusion,
        action=ACTION_REPORT,
        user=acting_user,
        data={"commune_id": commune.pk, "on_time": reported_on <= conclusion.due_on},
    )
    _refresh(commune=commune, acting_user=acting_user)
    return conclusion


# -- targets --------------------------------------------------------------------------------------------


@transaction.atomic
def set_target(
    *, unit: AdministrativeUnit, percent: int, target_date: date, acting_user, note: str = ""
) -> ProgressTarget:
    """Set a district's or province's target; the communes beneath are refreshed after commit."""
    _system_or(acting_user, lambda user: access.acts_for_province(user, unit))
    if unit.level == "commune":
        raise ValidationError(_("Targets are set for a district or a province, not for a commune."))
    target = ProgressTarget.objects.filter(unit=unit).first() or ProgressTarget(unit=unit)
    target.percent, target.target_date, target.note = percent, target_date, note.strip()
    target.set_by = actors.person(acting_user)
    _save(target, acting_user)
    log(
        instance=target,
        action=ACTION_TARGET,
        user=acting_user,
        data={"unit": unit.code, "era": unit.era, "percent": percent, "date": target_date},
    )
    from .tasks import rebuild_progress_task

    transaction.on_commit(lambda: rebuild_progress_task.delay(unit_id=unit.pk))
    return target


# -- late items and reminders -------------------------------------------------------------------------------


def _flag_changes(today: date) -> dict[int, list[dict]]:
    """Flag items that became late, clear those no longer late; newly late items by commune."""
    flags = {(f.commune_id, f.key): f for f in LateItemFlag.objects.all()}
    rows = CommuneProgress.objects.filter(late_count__gt=0).values_list("commune_id", "late_items")
    current: set[tuple[int, str]] = set()
    newly: dict[int, list[dict]] = {}
    create, reopen = [], []
    for commune_id, items in rows.iterator():
        for item in items:
            key = (commune_id, item["key"])
            current.add(key)
            flag = flags.get(key)
            if flag is None:
                create.append(
                    LateItemFlag(
                        commune_id=commune_id,
                        key=item["key"],
                        kind=item["kind"],
                        deadline=date.fromisoformat(item["deadline"]),
                        flagged_on=today,
                    )
                )
            elif flag.cleared_on is not None:
                flag.cleared_on, flag.flagged_on = None, today
                reopen.append(flag)
            else:
                continue
            newly.setdefault(commune_id, []).append(item)
    LateItemFlag.objects.bulk_create(create)
    LateItemFlag.objects.bulk_update(reopen, ["cleared_on", "flagged_on"])
    cleared = [f.pk for key, f in flags.items() if f.cleared_on is None and key not in current]
    LateItemFlag.objects.filter(pk__in=cleared).update(cleared_on=today)
    return newly


def _commune_people(commune_ids, roles) -> dict[int, list]:
    """The active holders of ``roles`` in each commune: {commune id: [users]}."""
    User = get_user_model()
    links = CommuneRoleGroup.objects.filter(commune_id__in=commune_ids, role__in=roles)
    people: dict[int, list] = {}
    for user in User.objects.filter(is_active=True, groups__commune_role__in=links).annotate(
        commune_id=F("groups__commune_role__commune_id")
    ):
        people.setdefault(user.commune_id, []).append(user)
    return people


def _unit_followers(unit_ids) -> dict[int, list]:
    """The active followers of each district or province: {unit id: [users]}."""
    User = get_user_model()
    followers: dict[int, list] = {}
    for user in User.objects.filter(is_active=True, groups__unit_viewer__unit_id__in=unit_ids).annotate(
        unit_id=F("groups__unit_viewer__unit_id")
    ):
        followers.setdefault(user.unit_id, []).append(user)
    return followers


def _recipients(commune_ids: list[int]) -> tuple[dict[int, list], dict[int, list]]:
    """ISO officers of each commune, and followers of the units above each commune."""
    officers = _commune_people(commune_ids, [Role.ISO_OFFICER])
    progress = CommuneProgress.objects.filter(commune_id__in=commune_ids).values_list(
        "commune_id", "district_id", "province_id"
    )
    by_unit = _unit_followers({u for _c, *units in progress for u in units if u})
    followers = {
        commune_id: [user for unit_id in units if unit_id for user in by_unit.get(unit_id, [])]
        for commune_id, *units in progress
    }
    return officers, followers


def _item_lines(items: list[dict]) -> str:
    return "\n".join(
        "- "
        + _("%(label)s — due %(deadline)s, %(days)d days late")
        % {
            "label": rules.condition_label(i["kind"], year=i["year"], ref=i["ref"], title=i["title"]),
            "deadline": date.fromisoformat(i["deadline"]).strftime("%d/%m/%Y"),
            "days": i["days_late"],
        }
        for i in items
    )


KIND_LATE_ITEM = register_kind("certification.late_item", gettext_lazy("Newly late QMS item"))
KIND_ESCALATION = register_kind("certification.escalation", gettext_lazy("Commune with several late QMS items"))


@transaction.atomic
def flag_late_items(*, today: date | None = None) -> dict[str, int]:
    """Daily job: flag newly late items, remind the ISO officer of each, and the
    district/province followers of communes with more than one late item.

    Idempotent: the same day's second run creates no flag and no reminder.
    """
    today = today or timezone.localdate()
    stale = CommuneProgress.objects.filter(refreshed_at__date__lt=today).values_list("commune_id", flat=True)
    for commune_id in list(stale):
        refresh_commune_progress(commune_id=commune_id, today=today)
    newly = _flag_changes(today)
    late_counts = dict(CommuneProgress.objects.filter(commune_id__in=newly).values_list("commune_id", "late_count"))
    names = dict(Commune.objects.filter(pk__in=newly).values_list("pk", "name"))
    officers, followers = _recipients(list(newly))
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for commune_id, items in newly.items():
            sends = [
                (
                    officers,
                    KIND_LATE_ITEM,
                    _("%(commune)s: %(count)d QMS item(s) became late"),
                    len(items),
                    f"late:{commune_id}:{today}",
                )
            ]
            if late_counts.get(commune_id, 0) > 1:
                sends.append(
                    (
                        followers,
                        KIND_ESCALATION,
                        _("%(commune)s has %(count)d late QMS items"),
                        late_counts[commune_id],
                        f"escalation:{commune_id}:{today}",
                    )
                )
            for recipients, kind, subject, count, dedup_key in sends:
                created += notify(
                    recipients=recipients.get(commune_id, []),
                    kind=kind,
                    subject=subject % {"commune": names[commune_id], "count": count},
                    message=_item_lines(items),
                    commune=commune_id,
                    link=reverse("certification:commune", args=[commune_id]),
                    dedup_key=dedup_key,
                    acting_user=SYSTEM,
                )
    return {"communes": len(newly), "items": sum(map(len, newly.values())), "notifications": len(created)}


# -- the yearly inspection plan (TT 26/2014 Arts. 33–38) -----------------------------------------------------

ACTION_PLAN_CREATE = define_action(
    "certification.plan.create", gettext_lazy("Create inspection plan"), gettext_lazy("Created the inspection plan")
)
ACTION_PLAN_EDIT = define_action(
    "certification.plan.edit", gettext_lazy("Edit inspection plan"), gettext_lazy("Changed the inspection plan")
)
ACTION_PLAN_SUBMIT = define_action(
    "certification.plan.submit", gettext_lazy("Submit inspection plan"), gettext_lazy("Submitted the inspection plan")
)
ACTION_PLAN_APPROVE = define_action(
    "certification.plan.approve",
    gettext_lazy("Approve inspection plan"),
    gettext_lazy("Recorded the People's Committee's approval of the inspection plan"),
)
ACTION_REPORT_ACCEPT = define_action(
    "certification.report.accept",
    gettext_lazy("Accept corrective report"),
    gettext_lazy("Accepted the commune's corrective report"),
)

KIND_REPORT_REMINDER = register_kind(
    "certification.report_reminder", gettext_lazy("Corrective report after an inspection due soon")
)
KIND_REPORT_OVERDUE = register_kind(
    "certification.report_overdue", gettext_lazy("Corrective report after an inspection overdue")
)
#: The commune is reminded this many days before its corrective report is due.
REMINDER_DAYS = 14
#: "Sở Khoa học và Công nghệ tỉnh …": the inspecting body named on an inspection from a plan.
DOST_NAME = "Sở Khoa học và Công nghệ {province}"


def on_site_rule_met(*, units: int, on_site: int) -> bool:
    """TT 26/2014 Art. 34: at least one third of the units inspected in the year are inspected on site.

    ``units``: the communes of the year's plan, each counted once whatever its method (every one is
    checked through its files and reports); ``on_site``: those of them inspected on site.
    """
    return units > 0 and on_site * 3 >= units


def _acts_for_plan(acting_user, plan: InspectionPlan) -> None:
    _system_or(acting_user, lambda user: access.acts_for_province(user, plan.province))


def _require_status(plan: InspectionPlan, *statuses: str) -> None:
    if plan.status not in statuses:
        raise ValidationError(
            _("The plan is %(status)s: this step is not possible now.") % {"status": plan.get_status_display().lower()}
        )


@transaction.atomic
def create_plan(*, province: AdministrativeUnit, year: int, acting_user, title: str = "") -> InspectionPlan:
    _system_or(acting_user, lambda user: access.acts_for_province(user, province))
    if province.level != "province":
        raise ValidationError(_("An inspection plan belongs to a province."))
    if InspectionPlan.objects.filter(province=province, year=year).exists():
        raise ValidationError({"year": _("The plan of %(year)s already exists.") % {"year": year}})
    plan = InspectionPlan(province=province, year=year, title=title.strip(), created_by=actors.person(acting_user))
    _save(plan, acting_user)
    log(instance=plan, action=ACTION_PLAN_CREATE, user=acting_user, data={"province": province.code, "year": year})
    return plan


def _clean_team(team: list[dict]) -> list[dict]:
    members = []
    for member in team:
        row = {key: (member.get(key) or "").strip() for key in ("name", "position", "unit")}
        if row["name"]:
            members.append(row)
    return members


@transaction.atomic
def set_plan_team(*, plan: InspectionPlan, team: list[dict], acting_user) -> InspectionPlan:
    """The inspection team (name, position, unit of each member; the first one leads it)."""
    _acts_for_plan(acting_user, plan)
    _require_status(plan, PlanStatus.DRAFT, PlanStatus.SUBMITTED)
    plan.team = _clean_team(team)
    _save(plan, acting_user)
    log(instance=plan, action=ACTION_PLAN_EDIT, user=acting_user, data={"team": len(plan.team)})
    return plan


@transaction.atomic
def add_plan_item(
    *, plan: InspectionPlan, commune: Commune, planned_on: date, method: str, acting_user
) -> InspectionPlanItem:
    _acts_for_plan(acting_user, plan)
    _require_status(plan, PlanStatus.DRAFT, PlanStatus.SUBMITTED)
    if access.province_of(commune.unit) != plan.province:
        raise ValidationError({"commune": _("This commune is not in the plan's province.")})
    if planned_on.year != plan.year:
        raise ValidationError({"planned_on": _("The date must fall in %(year)s.") % {"year": plan.year}})
    if plan.items.filter(commune=commune).exists():
        raise ValidationError({"commune": _("This commune is already in the plan.")})
    item = InspectionPlanItem(plan=plan, commune=commune, planned_on=planned_on, method=method)
    _save(item, acting_user)
    log(
        instance=plan,
        action=ACTION_PLAN_EDIT,
        user=acting_user,
        data={"added": commune.pk, "planned_on": planned_on, "method": method},
    )
    return item


@transaction.atomic
def remove_plan_item(*, item: InspectionPlanItem, acting_user) -> None:
    plan = item.plan
    _acts_for_plan(acting_user, plan)
    _require_status(plan, PlanStatus.DRAFT, PlanStatus.SUBMITTED)
    log(instance=plan, action=ACTION_PLAN_EDIT, user=acting_user, data={"removed": item.commune_id})
    item._history_user = actors.person(acting_user)
    item.delete()


@transaction.atomic
def submit_plan(*, plan: InspectionPlan, acting_user) -> InspectionPlan:
    """Draft → submitted to the provincial People's Committee."""
    plan = InspectionPlan.objects.select_for_update(of=("self",)).select_related("province").get(pk=plan.pk)
    _acts_for_plan(acting_user, plan)
    _require_status(plan, PlanStatus.DRAFT)
    if not plan.items.exists():
        raise ValidationError(_("Add at least one commune to the plan before submitting it."))
    plan.status, plan.submitted_at, plan.submitted_by = PlanStatus.SUBMITTED, timezone.now(), actors.person(acting_user)
    _save(plan, acting_user)
    log(instance=plan, action=ACTION_PLAN_SUBMIT, user=acting_user, data={"items": plan.items.count()})
    return plan


@transaction.atomic
def approve_plan(
    *, plan: InspectionPlan, approved_on: date, approval_number: str, acting_user, approver_name: str = ""
) -> InspectionPlan:
    """Record the People's Committee's approval; refused when under a third of the units are inspected on site."""
    plan = InspectionPlan.objects.select_for_update(of=("self",)).select_related("province").get(pk=plan.pk)
    _acts_for_plan(acting_user, plan)
    _require_status(plan, PlanStatus.SUBMITTED)
    methods = list(plan.items.values_list("method", flat=True))
    on_site = methods.count(InspectionMethod.ON_SITE)
    if not on_site_rule_met(units=len(methods), on_site=on_site):
        needed = -(-len(methods) // 3)
        raise ValidationError(
            _(
                "At least one third of the units must be inspected on site (TT 26/2014, Art. 34): "
                "%(on_site)d of %(units)d planned on site, at least %(needed)d needed."
            )
            % {"on_site": on_site, "units": len(methods), "needed": needed}
        )
    if not approval_number.strip():
        raise ValidationError({"approval_number": _("Give the number of the approval decision.")})
    plan.status = PlanStatus.APPROVED
    plan.approved_on, plan.approval_number = approved_on, approval_number.strip()
    plan.approver_name = approver_name.strip()
    plan.approved_at, plan.approved_by = timezone.now(), actors.person(acting_user)
    _save(plan, acting_user)
    log(
        instance=plan,
        action=ACTION_PLAN_APPROVE,
        user=acting_user,
        data={"number": plan.approval_number, "units": len(methods), "on_site": on_site},
    )
    return plan


def _checklist(checklist: dict) -> dict:
    cleaned = {}
    for key in CHECKLIST_KEYS:
        entry = checklist.get(key) or {}
        result = entry.get("result") or ""
        if result and result not in CheckResult.values:
            raise ValidationError(_("Unknown checklist result."))
        cleaned[key] = {"result": result, "note": (entry.get("note") or "").strip()}
    return cleaned


@transaction.atomic
def carry_out_item(
    *,
    item: InspectionPlanItem,
    inspected_on: date,
    conclusions: list[tuple[str, bool]],
    acting_user,
    checklist: dict | None = None,
    summary: str = "",
    decision_reference: str = "",
    minutes_reference: str = "",
) -> Inspection:
    """Carry out a planned inspection: creates (or updates) its :class:`Inspection` and conclusions."""
    item = InspectionPlanItem.objects.select_related("plan__province", "commune__unit__parent__parent").get(pk=item.pk)
    plan, commune = item.plan, item.commune
    _acts_for_plan(acting_user, plan)
    _require_status(plan, PlanStatus.APPROVED)
    items = _clean_conclusions(conclusions)
    inspection = Inspection.objects.filter(plan_item=item).first() or Inspection(
        plan_item=item, commune=commune, recorded_by=actors.person(acting_user)
    )
    inspection.inspected_on, inspection.method = inspected_on, item.method
    inspection.agency = DOST_NAME.format(province=in_sentence(plan.province.full_name))
    inspection.summary = summary.strip()
    inspection.checklist = _checklist(checklist or {})
    inspection.decision_reference = decision_reference.strip() or inspection.decision_reference
    inspection.minutes_reference = minutes_reference.strip() or inspection.minutes_reference
    _save(inspection, acting_user)
    _write_conclusions(inspection, items, acting_user)
    log(
        instance=inspection,
        action=ACTION_INSPECTION,
        user=acting_user,
        data={"commune_id": commune.pk, "plan": plan.pk, "conclusions": len(items)},
    )
    _refresh(commune=commune, acting_user=acting_user)
    return inspection


@transaction.atomic
def accept_report(*, conclusion: InspectionConclusion, acting_user) -> InspectionConclusion:
    """The province accepts the commune's corrective report; the reminders about it are resolved."""
    conclusion = (
        InspectionConclusion.objects.select_for_update(of=("self",))
        .select_related("inspection__commune__unit__parent__parent")
        .get(pk=conclusion.pk)
    )
    commune = conclusion.inspection.commune
    _system_or(acting_user, lambda user: access.acts_for_province(user, commune.unit))
    if not conclusion.awaits_acceptance:
        raise ValidationError(_("There is no corrective report to accept on this conclusion."))
    conclusion.accepted_at, conclusion.accepted_by = timezone.now(), actors.person(acting_user)
    _save(conclusion, acting_user)
    log(instance=conclusion, action=ACTION_REPORT_ACCEPT, user=acting_user, data={"commune_id": commune.pk})
    resolve(acting_user=acting_user, obj=conclusion, kinds=[KIND_REPORT_REMINDER, KIND_REPORT_OVERDUE])
    return conclusion


@transaction.atomic
def remind_inspection_reports(*, today: date | None = None) -> dict[str, int]:
    """Daily: remind the commune (ISO officer, leader) of a corrective report due within
    :data:`REMINDER_DAYS`, and tell the province's followers when the deadline has lapsed.

    Each notice is sent once (its dedup key); accepting the report resolves them.
    """
    today = today or timezone.localdate()
    conclusions = list(
        InspectionConclusion.objects.filter(
            needs_action=True, reported_on__isnull=True, due_on__lte=today + timedelta(days=REMINDER_DAYS)
        ).select_related("inspection__commune__unit__parent__parent")
    )
    provinces = {c.pk: access.province_of(c.inspection.commune.unit) for c in conclusions}
    people = _commune_people({c.inspection.commune_id for c in conclusions}, [Role.ISO_OFFICER, Role.LEADER])
    followers = _unit_followers({p.pk for p in provinces.values() if p})
    reminders = escalations = 0
    with translation.override(settings.LANGUAGE_CODE):
        for conclusion in conclusions:
            commune = conclusion.inspection.commune
            values = {
                "commune": commune.name,
                "date": conclusion.due_on.strftime("%d/%m/%Y"),
                "inspected": conclusion.inspection.inspected_on.strftime("%d/%m/%Y"),
            }
            link = reverse("certification:commune", args=[commune.pk]) + "#qms-inspections"
            if conclusion.due_on >= today:
                reminders += len(
                    notify(
                        recipients=people.get(commune.pk, []),
                        kind=KIND_REPORT_REMINDER,
                        subject=_("%(commune)s: the corrective report on the inspection is due on %(date)s") % values,
                        message=conclusion.text,
                        obj=conclusion,
                        commune=commune,
                        link=link,
                        dedup_key=f"inspection-report:{conclusion.pk}:reminder",
                        acting_user=SYSTEM,
                    )
                )
            else:
                province = provinces[conclusion.pk]
                escalations += len(
                    notify(
                        recipients=followers.get(province.pk, []) if province else [],
                        kind=KIND_REPORT_OVERDUE,
                        subject=_(
                            "%(commune)s has not sent its corrective report on the inspection of %(inspected)s "
                            "(due %(date)s)"
                        )
                        % values,
                        message=conclusion.text,
                        obj=conclusion,
                        commune=commune,
                        link=link,
                        dedup_key=f"inspection-report:{conclusion.pk}:overdue",
                        acting_user=SYSTEM,
                    )
                )
    return {"reminders": reminders, "escalations": escalations}


# -- November: data the December yearly report needs ------------------------------------------------------

KIND_DATA_MISSING = register_kind(
    "certification.report_data_missing", gettext_lazy("Data missing for the province's yearly report")
)
KIND_DATA_SUMMARY = register_kind(
    "certification.report_data_summary", gettext_lazy("Communes with data missing for the yearly report")
)


@transaction.atomic
def remind_report_data(*, today: date | None = None) -> dict[str, int]:
    """November, weekly: each province's communes whose data for this year's report is missing.

    One notice a week to each such commune's ISO officers listing what is missing (with links), and one
    summary to the province's followers; both read :func:`selectors.report_data_gaps`, as the report does.
    """
    from qms.links import absolute_url

    from .selectors import report_data_gaps

    today = today or timezone.localdate()
    year, week = today.year, today.isocalendar().week
    provinces = [
        province
        for province in AdministrativeUnit.objects.filter(level="province", abolished_on__isnull=True).order_by("code")
        if ERA_ENDS.get(province.era) is None or ERA_ENDS[province.era].year >= year
    ]
    gaps = {province: report_data_gaps(province, year) for province in provinces}
    officers = _commune_people(
        {row.commune_id for rows in gaps.values() for row in rows if row.commune_id}, [Role.ISO_OFFICER]
    )
    followers = _unit_followers({province.pk for province, rows in gaps.items() if rows})
    communes = summaries = 0
    with translation.override(settings.LANGUAGE_CODE):
        for province, rows in gaps.items():
            if not rows:
                continue
            for row in rows:
                if row.commune_id is None:
                    continue
                record = reverse("certification:commune", args=[row.commune_id])
                lines = [f"- {item['label']}: {absolute_url(record + item['anchor'])}" for item in row.items]
                communes += len(
                    notify(
                        recipients=officers.get(row.commune_id, []),
                        kind=KIND_DATA_MISSING,
                        subject=_("%(commune)s: data missing for the yearly QMS report %(year)s")
                        % {"commune": row.name, "year": year},
                        message="\n".join([_("Enter these before the province reports in December:"), *lines]),
                        commune=row.commune_id,
                        link=record,
                        dedup_key=f"report-data:{row.commune_id}:{year}:w{week}",
                        acting_user=SYSTEM,
                    )
                )
            dashboard = reverse("certification:dashboard") + f"?unit={province.code}&era={province.era}#qms-data-gaps"
            lines = [
                f"- {row.name}{f' ({row.district})' if row.district else ''}: "
                + "; ".join(item["label"] for item in row.items)
                for row in rows
            ]
            summaries += len(
                notify(
                    recipients=followers.get(province.pk, []),
                    kind=KIND_DATA_SUMMARY,
                    subject=_("%(count)d communes lack data for the yearly QMS report %(year)s")
                    % {"count": len(rows), "year": year},
                    message="\n".join([*lines, absolute_url(dashboard)]),
                    link=dashboard,
                    dedup_key=f"report-data:province:{province.pk}:{year}:w{week}",
                    acting_user=SYSTEM,
                )
            )
    return {"communes": communes, "summaries": summaries}
