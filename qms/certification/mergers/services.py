"""Carrying the predecessors' QMS over into a commune formed by the 2025 merger.

Plan (province official of the successor's province or its ISO officer): for
each TTHC of the predecessors' quy trình, whose effective version — or the
provincial model — becomes the successor's draft, and which predecessors'
open records move. Run (a Celery task, step by step with progress counters):
drafts through the processes services, records through the audits services,
the predecessors whose records moved become read-only. Idempotent: a TTHC
already carried (the successor has its quy trình) is not copied again. Undo
until the first approval of a carried draft.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits import mergers as audit_mergers
from processes import selectors as process_selectors
from processes import services as process_services
from processes.models import DocumentKind, ProcessDocument
from qms import actors, permissions
from qms.audit_log import define_action, log
from qms.units.mapping import set_read_only
from qms.units.models import Commune

from .. import access
from .models import CarryOverChoice, CarryOverMove, CarryOverStatus, MergerCarryOver

ACTION_PLAN = define_action(
    "certification.carry_over.plan", gettext_lazy("Plan the carry-over"), gettext_lazy("Planned the merger carry-over")
)
ACTION_START = define_action(
    "certification.carry_over.start", gettext_lazy("Start the carry-over"), gettext_lazy("Started the carry-over")
)
ACTION_DONE = define_action(
    "certification.carry_over.done", gettext_lazy("Carry-over done"), gettext_lazy("Finished the carry-over")
)
ACTION_UNDO = define_action(
    "certification.carry_over.undo", gettext_lazy("Undo the carry-over"), gettext_lazy("Undid the carry-over")
)

EDITABLE = (CarryOverStatus.DRAFT, CarryOverStatus.UNDONE)


# -- who ---------------------------------------------------------------------------------------------


def can_view(user, successor: Commune) -> bool:
    """The successor's members and the followers of its province (VIEW on it), superusers."""
    return permissions.has_commune_perm(user, successor, permissions.VIEW)


def can_run(user, successor: Commune) -> bool:
    """The province official of the successor's province, or the successor's ISO officer."""
    if not can_view(user, successor):
        return False
    return access.acts_for_province(user, successor.unit) or permissions.has_commune_perm(
        user, successor, permissions.MANAGE
    )


def _require_run(user, successor: Commune) -> None:
    if actors.is_system(user):
        return
    if not can_view(user, successor):
        raise Http404
    if not can_run(user, successor):
        raise PermissionDenied


# -- candidates --------------------------------------------------------------------------------------


def predecessors(successor: Commune) -> list[Commune]:
    return list(successor.predecessors.select_related("unit__parent__parent").order_by("unit__code"))


def _library_unit_ids(successor: Commune, olds: list[Commune]) -> list[int]:
    ids = {successor.unit.parent_id}
    for old in olds:
        ids |= {old.unit.parent_id, old.unit.parent.parent_id if old.unit.parent_id else None}
    return [i for i in ids if i]


def candidates(successor: Commune) -> dict[int, dict]:
    """Per TTHC of the predecessors' effective quy trình: {"procedure", "documents": [...], "model"}."""
    olds = predecessors(successor)
    documents = (
        process_selectors.effective_documents()
        .filter(commune__in=olds, kind=DocumentKind.PROCEDURE)
        .select_related("procedure", "commune__unit")
        .order_by("procedure__field", "procedure__code", "commune__unit__code")
    )
    found: dict[int, dict] = {}
    for document in documents:
        entry = found.setdefault(document.procedure_id, {"procedure": document.procedure, "documents": []})
        entry["documents"].append(document)
        entry["model"] = None
    for model in process_selectors.library_models(unit_ids=_library_unit_ids(successor, olds)):
        if model.procedure_id in found and found[model.procedure_id]["model"] is None:
            found[model.procedure_id]["model"] = model
    return found


def choice_value(choice: CarryOverChoice) -> str:
    if choice.source_document_id:
        return f"doc:{choice.source_document_id}"
    if choice.model_document_id:
        return f"model:{choice.model_document_id}"
    return ""


def _label(document: ProcessDocument | None, model: ProcessDocument | None) -> str:
    if document is not None:
        return f"{document.code} – {document.commune.name}"
    if model is not None:
        return f"{model.code} – {model.owner_unit.full_name}"
    return ""


# -- plan --------------------------------------------------------------------------------------------


@transaction.atomic
def plan_carry_over(*, successor: Commune, acting_user) -> MergerCarryOver:
    """The successor's carry-over with a choice for every TTHC (by default the first predecessor's quy trình,
    else the provincial model); existing choices are kept."""
    _require_run(acting_user, successor)
    if not successor.predecessors.exists():
        raise ValidationError(_("%(commune)s has no predecessor communes.") % {"commune": successor})
    carry_over, created = MergerCarryOver.objects.get_or_create(
        successor=successor,
        defaults={
            "year": timezone.localdate().year,
            "planned_by": acting_user,
            "categories": list(audit_mergers.CATEGORIES),
        },
    )
    known = set(carry_over.choices.values_list("procedure_id", flat=True))
    new = []
    for procedure_id, entry in candidates(successor).items():
        if procedure_id in known:
            continue
        document = entry["documents"][0] if entry["documents"] else None
        model = None if document else entry["model"]
        new.append(
            CarryOverChoice(
                carry_over=carry_over,
                procedure_id=procedure_id,
                source_document=document,
                model_document=model,
                source_label=_label(document, model),
            )
        )
    CarryOverChoice.objects.bulk_create(new)
    if created or new:
        log(instance=carry_over, action=ACTION_PLAN, user=acting_user, data={"choices": len(new)})
    return carry_over


def _require_editable(carry_over: MergerCarryOver) -> None:
    if carry_over.status not in EDITABLE:
        raise ValidationError(_("The carry-over has been run: undo it before changing the plan."))


@transaction.atomic
def set_plan(
    *,
    carry_over: MergerCarryOver,
    acting_user,
    choices: dict[int, str] | None = None,
    record_sources=None,
    categories=None,
) -> MergerCarryOver:
    """Change the plan: ``choices`` maps a TTHC id to "doc:<id>", "model:<id>" or "" (nothing carried);
    ``record_sources`` the predecessors whose records move; ``categories`` which records."""
    successor = carry_over.successor
    _require_run(acting_user, successor)
    _require_editable(carry_over)
    options = candidates(successor)
    changed = {}
    for choice in carry_over.choices.select_related("source_document__commune", "model_document__owner_unit"):
        if choices is None or choice.procedure_id not in choices:
            continue
        value = choices[choice.procedure_id] or ""
        entry = options.get(choice.procedure_id, {"documents": [], "model": None})
        document = next((d for d in entry["documents"] if value == f"doc:{d.pk}"), None)
        model = entry["model"] if entry["model"] is not None and value == f"model:{entry['model'].pk}" else None
        if value and document is None and model is None:
            raise ValidationError(_("Choose one of the predecessors' quy trình or the provincial model."))
        if value != choice_value(choice):
            choice.source_document, choice.model_document = document, model
            choice.source_label = _label(document, model)
            choice.save()
            changed[choice.procedure_id] = value
    if record_sources is not None:
        allowed = {c.pk for c in predecessors(successor)}
        chosen = [c for c in record_sources if c.pk in allowed]
        carry_over.record_sources.set(chosen)
        changed["record_sources"] = [c.pk for c in chosen]
    if categories is not None:
        carry_over.categories = [c for c in audit_mergers.CATEGORIES if c in categories]
        carry_over.save(update_fields=["categories"])
        changed["categories"] = carry_over.categories
    if changed:
        log(instance=carry_over, action=ACTION_PLAN, user=acting_user, data=changed)
    return carry_over


# -- run ---------------------------------------------------------------------------------------------


@transaction.atomic
def start_carry_over(*, carry_over: MergerCarryOver, acting_user, send: bool = True) -> MergerCarryOver:
    """Mark the carry-over running and hand it to the worker (after this transaction commits)."""
    _require_run(acting_user, carry_over.successor)
    carry_over = MergerCarryOver.objects.select_for_update().get(pk=carry_over.pk)
    _require_editable(carry_over)
    carry_over.status = CarryOverStatus.RUNNING
    carry_over.total = carry_over.choices.count() + carry_over.record_sources.count()
    carry_over.completed = carry_over.drafts_created = carry_over.records_moved = 0
    carry_over.started_by = acting_user
    carry_over.started_at, carry_over.finished_at, carry_over.error = timezone.now(), None, ""
    carry_over.save()
    log(instance=carry_over, action=ACTION_START, user=acting_user, data={"steps": carry_over.total})
    if send:
        from ..tasks import run_carry_over_task

        pk = carry_over.pk
        transaction.on_commit(lambda: run_carry_over_task.delay(pk))
    return carry_over


def _advance(carry_over: MergerCarryOver, **counters) -> None:
    MergerCarryOver.objects.filter(pk=carry_over.pk).update(
        completed=F("completed") + 1, **{name: F(name) + value for name, value in counters.items()}
    )


@transaction.atomic
def carry_choice(*, choice: CarryOverChoice, acting_user) -> ProcessDocument | None:
    """One TTHC: the successor's draft from the chosen quy trình, unless it already has one (keyed on the
    successor and the TTHC)."""
    choice = CarryOverChoice.objects.select_for_update().select_related("carry_over__successor").get(pk=choice.pk)
    successor = choice.carry_over.successor
    existing = ProcessDocument.objects.filter(commune=successor, procedure_id=choice.procedure_id).first()
    created = None
    if existing is None and choice.source_document_id:
        created = process_services.carry_over_document(
            source=choice.source_document, commune=successor, acting_user=acting_user
        )
    elif existing is None and choice.model_document_id:
        created = process_services.adopt_model(model=choice.model_document, commune=successor, acting_user=acting_user)
    if created is not None:
        choice.created_document = created
        choice.save(update_fields=["created_document"])
    _advance(choice.carry_over, drafts_created=1 if created else 0)
    return created


@transaction.atomic
def move_from(*, carry_over: MergerCarryOver, source: Commune, acting_user) -> int:
    """One predecessor: its open records move to the successor and it becomes read-only."""
    moved = audit_mergers.move_records(
        source=source,
        target=carry_over.successor,
        year=carry_over.year,
        categories=carry_over.categories,
        acting_user=acting_user,
    )
    CarryOverMove.objects.bulk_create(
        [
            CarryOverMove(
                carry_over=carry_over,
                category=item.category,
                object_id=item.object_id,
                from_commune_id=item.from_commune_id,
                old_sequence=item.old_sequence,
                label=item.label[:500],
            )
            for item in moved
        ]
    )
    set_read_only(commune=source, read_only=True, acting_user=acting_user)
    _advance(carry_over, records_moved=len(moved))
    return len(moved)


def run_carry_over(*, carry_over_id: int, acting_user=actors.SYSTEM) -> MergerCarryOver | None:
    """The task's body: each TTHC and each predecessor in its own transaction, counters after each."""
    carry_over = MergerCarryOver.objects.select_related("successor").filter(pk=carry_over_id).first()
    if carry_over is None or carry_over.status != CarryOverStatus.RUNNING:
        return carry_over
    MergerCarryOver.objects.filter(pk=carry_over.pk).update(
        completed=0, drafts_created=carry_over.choices.exclude(created_document=None).count()
    )
    try:
        for choice in carry_over.choices.order_by("pk"):
            carry_choice(choice=choice, acting_user=acting_user)
        for source in carry_over.record_sources.order_by("unit__code"):
            move_from(carry_over=carry_over, source=source, acting_user=acting_user)
    except ValidationError as exc:
        MergerCarryOver.objects.filter(pk=carry_over.pk).update(error="; ".join(exc.messages))
        raise
    return finish_carry_over(carry_over=carry_over, acting_user=acting_user)


@transaction.atomic
def finish_carry_over(*, carry_over: MergerCarryOver, acting_user) -> MergerCarryOver:
    from ..services import refresh_commune_progress

    carry_over = MergerCarryOver.objects.select_for_update().get(pk=carry_over.pk)
    carry_over.status = CarryOverStatus.DONE
    carry_over.finished_at = timezone.now()
    carry_over.drafts_created = carry_over.choices.exclude(created_document=None).count()
    carry_over.records_moved = carry_over.moves.count()
    carry_over.save()
    log(
        instance=carry_over,
        action=ACTION_DONE,
        user=acting_user,
        data={"drafts": carry_over.drafts_created, "moved": carry_over.records_moved},
    )
    refresh_commune_progress(commune_id=carry_over.successor_id, acting_user=acting_user)
    return carry_over


# -- undo --------------------------------------------------------------------------------------------


def approved_drafts(carry_over: MergerCarryOver) -> list[ProcessDocument]:
    created = [c.created_document for c in carry_over.choices.select_related("created_document")]
    return [d for d in created if d is not None and (d.live or d.versions.exists())]


@transaction.atomic
def undo_carry_over(*, carry_over: MergerCarryOver, acting_user) -> MergerCarryOver:
    """Delete the carried drafts and move the records back, unless a carried draft has been approved."""
    _require_run(acting_user, carry_over.successor)
    carry_over = MergerCarryOver.objects.select_for_update().get(pk=carry_over.pk)
    if carry_over.status != CarryOverStatus.DONE:
        raise ValidationError(_("Only a finished carry-over can be undone."))
    approved = approved_drafts(carry_over)
    if approved:
        raise ValidationError(
            _("The carry-over can no longer be undone: %(documents)s of %(commune)s has been approved.")
            % {"documents": ", ".join(d.code for d in approved), "commune": carry_over.successor}
        )
    for choice in carry_over.choices.exclude(created_document=None).select_related("created_document"):
        document = choice.created_document
        choice.created_document = None
        choice.save(update_fields=["created_document"])
        process_services.discard_carried_draft(document=document, acting_user=acting_user)
    moves = list(carry_over.moves.filter(moved_back=False))
    sources = {c.pk: c for c in Commune.objects.filter(pk__in={m.from_commune_id for m in moves})}
    sources |= {c.pk: c for c in carry_over.record_sources.all()}
    for source in sources.values():
        set_read_only(commune=source, read_only=False, acting_user=acting_user)
    audit_mergers.move_back(
        moved=[audit_mergers.Moved(m.category, m.object_id, m.from_commune_id, m.old_sequence, m.label) for m in moves],
        communes=sources,
        acting_user=acting_user,
    )
    carry_over.moves.filter(pk__in=[m.pk for m in moves]).delete()
    carry_over.status = CarryOverStatus.UNDONE
    carry_over.undone_by, carry_over.undone_at = acting_user, timezone.now()
    carry_over.completed = carry_over.drafts_created = carry_over.records_moved = 0
    carry_over.save()
    log(instance=carry_over, action=ACTION_UNDO, user=acting_user, data={"moved_back": len(moves)})
    from ..services import refresh_commune_progress

    refresh_commune_progress(commune_id=carry_over.successor_id, acting_user=acting_user)
    return carry_over
