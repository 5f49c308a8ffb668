"""Moving a predecessor commune's open QMS records to its successor after the 2025 merger, and back.

Each moved row keeps its simple-history rows; the move itself is one more
history row whose change reason names the commune it came from. Numbers that
must be unique within a commune (corrective actions, risks) are renumbered in
the successor and restored on the way back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.audit_log import define_action, log

from .models import ActionStatus, AuditProgramme, CorrectiveAction, QualityObjective
from .risks.models import Risk, RiskStatus

ACTIONS = "actions"
RISKS = "risks"
OBJECTIVES = "objectives"
PROGRAMMES = "programmes"
CATEGORIES = (ACTIONS, RISKS, OBJECTIVES, PROGRAMMES)
CATEGORY_LABELS = {
    ACTIONS: gettext_lazy("Open corrective actions"),
    RISKS: gettext_lazy("Open risks and opportunities"),
    OBJECTIVES: gettext_lazy("Quality objectives of the year"),
    PROGRAMMES: gettext_lazy("Audit programme of the year"),
}

ACTION_MOVE = define_action(
    "audits.merger.move",
    gettext_lazy("Move to the successor commune"),
    gettext_lazy("Moved a record to the successor commune"),
)
ACTION_MOVE_BACK = define_action(
    "audits.merger.move_back",
    gettext_lazy("Move back to the predecessor commune"),
    gettext_lazy("Moved a record back to its predecessor commune"),
)


@dataclass(frozen=True)
class Moved:
    category: str
    object_id: int
    from_commune_id: int
    old_sequence: int | None
    label: str


def _reason(text: str, **values) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return (_(text) % values)[:100]


def _save(record, reason: str, fields: list[str]) -> None:
    record._change_reason = reason
    record.save(update_fields=fields)


def movable(*, source, year: int, categories) -> dict[str, list]:
    """What would move from ``source``: per category, the records."""
    found = {}
    if ACTIONS in categories:
        found[ACTIONS] = list(
            CorrectiveAction.objects.filter(commune=source, status__in=ActionStatus.unfinished()).order_by("pk")
        )
    if RISKS in categories:
        found[RISKS] = list(Risk.objects.filter(commune=source, status__in=RiskStatus.active()).order_by("pk"))
    if OBJECTIVES in categories:
        found[OBJECTIVES] = list(QualityObjective.objects.filter(commune=source, year=year).order_by("pk"))
    if PROGRAMMES in categories:
        found[PROGRAMMES] = list(AuditProgramme.objects.filter(commune=source, year=year))
    return found


@transaction.atomic
def move_records(*, source, target, year: int, categories, acting_user) -> list[Moved]:
    """Move ``source``'s open actions, active risks, objectives and audit programme of ``year`` to ``target``.

    A programme stays where it is when ``target`` already has one for the year (one per commune and year).
    """
    reason = _reason("Carried over from %(commune)s", commune=source.name)
    moved: list[Moved] = []
    records = movable(source=source, year=year, categories=categories)
    for action in records.get(ACTIONS, []):
        old = action.sequence
        top = CorrectiveAction.objects.filter(commune=target, year=action.year).aggregate(m=Max("sequence"))["m"]
        action.commune, action.sequence = target, (top or 0) + 1
        _save(action, reason, ["commune", "sequence", "updated_at"])
        moved.append(Moved(ACTIONS, action.pk, source.pk, old, f"{action.number} {action.title}"))
    for risk in records.get(RISKS, []):
        old = risk.sequence
        top = Risk.objects.filter(commune=target).aggregate(m=Max("sequence"))["m"]
        risk.commune, risk.sequence = target, (top or 0) + 1
        _save(risk, reason, ["commune", "sequence"])
        moved.append(Moved(RISKS, risk.pk, source.pk, old, str(risk)))
    for objective in records.get(OBJECTIVES, []):
        objective.commune = target
        _save(objective, reason, ["commune"])
        moved.append(Moved(OBJECTIVES, objective.pk, source.pk, None, objective.statement))
    for programme in records.get(PROGRAMMES, []):
        if AuditProgramme.objects.filter(commune=target, year=programme.year).exists():
            continue
        programme.commune = target
        _save(programme, reason, ["commune"])
        for plan in programme.plans.all():
            plan.commune = target
            _save(plan, reason, ["commune"])
            for finding in plan.findings.all():
                finding.commune = target
                _save(finding, reason, ["commune"])
        moved.append(Moved(PROGRAMMES, programme.pk, source.pk, None, programme.title))
    for item in moved:
        log(
            instance=target,
            action=ACTION_MOVE,
            user=acting_user,
            data={"category": item.category, "id": item.object_id, "from": source.pk},
        )
    return moved


_MODELS = {ACTIONS: CorrectiveAction, RISKS: Risk, OBJECTIVES: QualityObjective, PROGRAMMES: AuditProgramme}


@transaction.atomic
def move_back(*, moved: list[Moved], communes: dict, acting_user) -> int:
    """Return moved records to the predecessor each came from (``communes``: id -> commune), with their numbers."""
    count = 0
    for item in moved:
        record = _MODELS[item.category].objects.filter(pk=item.object_id).first()
        if record is None:
            continue
        source = communes[item.from_commune_id]
        reason = _reason("Returned to %(commune)s (carry-over undone)", commune=source.name)
        if item.category in (ACTIONS, RISKS):
            record.sequence = item.old_sequence
            record.commune = source
            fields = ["commune", "sequence"] + (["updated_at"] if item.category == ACTIONS else [])
            _save(record, reason, fields)
        elif item.category == PROGRAMMES:
            record.commune = source
            _save(record, reason, ["commune"])
            for plan in record.plans.all():
                plan.commune = source
                _save(plan, reason, ["commune"])
                for finding in plan.findings.all():
                    finding.commune = source
                    _save(finding, reason, ["commune"])
        else:
            record.commune = source
            _save(record, reason, ["commune"])
        log(
            instance=source,
            action=ACTION_MOVE_BACK,
            user=acting_user,
            data={"category": item.category, "id": item.object_id},
        )
        count += 1
    return count
