"""Writes on the TTHC catalogue, the quy trình documents and the model library.

Every function is keyword-only and atomic, takes ``acting_user`` and leaves an
audit record. Admin views, workflow signal handlers, Celery tasks and
management commands all call these functions.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.actions.unpublish import UnpublishAction
from wagtail.log_actions import log as wagtail_log
from wagtail.models import TaskState, Workflow, WorkflowContentType, WorkflowTask

from qms import actors, permissions
from qms.audit_log import define_action, log
from qms.people import full_name
from qms.signals import send_data_changed
from qms.signatures import services as signatures
from qms.units.models import Commune, Role

from . import catalogue
from .compare import CONTENT_FIELDS, changed_fields, diff_contents, differences_to_json, field_label
from .content import apply_content, content_to_dict, document_content
from .defaults import short_agency, starting_content, system_starting_content
from .docx.schema import ChangeRow, ProcessContent
from .library import forget_library_cache
from .models import (
    REVIEW_REMINDER_DAYS,
    AcknowledgeAudience,
    Acknowledgement,
    CatalogueImport,
    CitizenFeedback,
    CommuneProcedure,
    CommuneRoleApprovalTask,
    DocumentKind,
    DocumentStatus,
    DocumentUpdateFlag,
    FeedbackKind,
    FeedbackStatus,
    LibraryEditorGroup,
    Procedure,
    ProcessDocument,
    ProcessVersion,
    ReviewDecision,
    SystemCategory,
)

ACTION_CATALOGUE_IMPORT = define_action(
    "processes.catalogue.import", gettext_lazy("Import TTHC catalogue"), gettext_lazy("Imported the TTHC catalogue")
)
ACTION_PROCEDURE_CREATE = define_action(
    "processes.procedure.create", gettext_lazy("Add TTHC"), gettext_lazy("Added a procedure to the TTHC catalogue")
)
ACTION_PROCEDURE_UPDATE = define_action(
    "processes.procedure.update", gettext_lazy("Edit TTHC"), gettext_lazy("Edited a procedure of the TTHC catalogue")
)
ACTION_PROCEDURE_DELETE = define_action(
    "processes.procedure.delete",
    gettext_lazy("Delete TTHC"),
    gettext_lazy("Deleted a procedure from the TTHC catalogue"),
)
ACTION_HANDLED_ADD = define_action(
    "processes.handled.add",
    gettext_lazy("Add handled procedure"),
    gettext_lazy("Added a procedure the commune handles"),
)
ACTION_HANDLED_UPDATE = define_action(
    "processes.handled.update",
    gettext_lazy("Edit handled procedure"),
    gettext_lazy("Edited a procedure the commune handles"),
)
ACTION_HANDLED_REMOVE = define_action(
    "processes.handled.remove",
    gettext_lazy("Remove handled procedure"),
    gettext_lazy("Removed a procedure the commune handles"),
)
ACTION_LIBRARY_EDITOR = define_action(
    "processes.library.editor_add",
    gettext_lazy("Add model library editor"),
    gettext_lazy("Added a model library editor"),
)
ACTION_CREATE = define_action(
    "processes.document.create", gettext_lazy("Start quy trình"), gettext_lazy("Started the quy trình")
)
ACTION_IMPORT = define_action(
    "processes.document.import", gettext_lazy("Import from Word"), gettext_lazy("Imported a draft from a Word file")
)
ACTION_APPROVE = define_action(
    "processes.document.approve", gettext_lazy("Approve and issue"), gettext_lazy("Approved and issued a new version")
)
ACTION_WITHDRAW = define_action(
    "processes.document.withdraw", gettext_lazy("Withdraw"), gettext_lazy("Withdrew the quy trình")
)
ACTION_ADOPT = define_action(
    "processes.model.adopt", gettext_lazy("Adopt model"), gettext_lazy("Adopted a model quy trình")
)
ACTION_REPUBLISH = define_action(
    "processes.model.republish", gettext_lazy("Re-publish model"), gettext_lazy("Re-published a model quy trình")
)
ACTION_FLAG = define_action(
    "processes.document.flag", gettext_lazy("Flag for update"), gettext_lazy("Flagged as needing an update")
)
ACTION_UPDATE_FROM_MODEL = define_action(
    "processes.document.update_from_model",
    gettext_lazy("Update from model"),
    gettext_lazy("Took the model's changes into a draft"),
)

#: QĐ 19/2014/QĐ-TTg Art. 4.4a: update within 3 months of the legal change taking effect.
UPDATE_PERIOD = relativedelta(months=3)
WORKFLOW_NAME = "Soạn thảo → Soát xét → Phê duyệt"
#: (task name, role) of the workflow's steps after drafting.
WORKFLOW_TASKS = (("Soát xét", Role.LEADER), ("Phê duyệt", Role.LEADER))


def _set_history_user(instance, acting_user):
    if getattr(acting_user, "is_authenticated", False):
        instance._history_user = acting_user
    return instance


def _notify(document: ProcessDocument) -> None:
    if document.commune_id:
        send_data_changed(sender=ProcessDocument, commune_id=document.commune_id, kind="process")


# -- catalogue ---------------------------------------------------------------------------


@dataclass
class CatalogueReport:
    file_format: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    filtered: int = 0

    def summary(self) -> str:
        return _(
            "%(added)d added, %(changed)d updated, %(unchanged)d unchanged, %(filtered)d filtered out "
            "(customs rows listed at commune level by mistake)."
        ) % {
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "filtered": self.filtered,
        }


def _procedure_changes(procedure: Procedure, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(procedure, name) != value:
            setattr(procedure, name, value)
            changed = True
    return changed


@transaction.atomic
def import_catalogue(
    *, name: str, data: bytes, acting_user=None, retrieved_on: date | None = None, dry_run: bool = False
) -> CatalogueReport:
    """Upsert the procedures of one catalogue file by national code.

    A malformed file raises ``catalogue.CatalogueFileError`` (every bad row by
    line) before anything is written; re-importing a file changes nothing.
    """
    parsed = catalogue.read_catalogue(name, data, retrieved_on=retrieved_on)
    report = CatalogueReport(file_format=parsed.file_format, filtered=len(parsed.filtered))
    existing = Procedure.objects.in_bulk([row.code for row in parsed.rows], field_name="code")
    to_create, to_update, fields = [], [], set()
    for row in parsed.rows:
        procedure = existing.get(row.code)
        if procedure is None:
            procedure = Procedure(**row.values)
            procedure.full_clean(validate_unique=False)
            to_create.append(procedure)
            report.added.append(row.code)
        elif _procedure_changes(procedure, row.values):
            procedure.full_clean(validate_unique=False)
            to_update.append(procedure)
            fields.update(row.values)
            report.changed.append(row.code)
        else:
            report.unchanged += 1
    Procedure.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        fields.discard("code")
        Procedure.objects.bulk_update(to_update, sorted(fields | {"updated_at"}), batch_size=500)
    record = CatalogueImport.objects.create(
        source_name=name[:255],
        file_format=parsed.file_format,
        added=len(report.added),
        changed=len(report.changed),
        unchanged=report.unchanged,
        filtered=report.filtered,
        details={"added": report.added[:1000], "changed": report.changed[:1000], "filtered": parsed.filtered[:1000]},
        imported_by=actors.person(acting_user),
    )
    log(instance=record, action=ACTION_CATALOGUE_IMPORT, user=acting_user, data={"summary": report.summary()})
    if dry_run:
        transaction.set_rollback(True)
    return report


#: What the catalogue's form changes by hand.
PROCEDURE_FIELDS = (
    "code",
    "name",
    "field",
    "level",
    "decision_number",
    "legal_basis",
    "time_limit_text",
    "time_limit_value",
    "time_limit_unit",
    "fees",
    "result",
    "steps_text",
    "source_url",
    "retrieved_on",
    "verified",
)


def _require_catalogue_editor(acting_user, action: str) -> None:
    from .policies import CatalogueReadPolicy

    if not actors.is_system(acting_user) and not CatalogueReadPolicy(Procedure).user_has_permission(
        acting_user, action
    ):
        raise PermissionDenied


def _procedure_values(values: dict) -> dict:
    unknown = set(values) - set(PROCEDURE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    return values


@transaction.atomic
def create_procedure(*, acting_user, **values) -> Procedure:
    """Add one procedure to the catalogue by hand (files arrive through ``import_catalogue``)."""
    _require_catalogue_editor(acting_user, "add")
    procedure = Procedure(**_procedure_values(values))
    procedure.full_clean()
    procedure.save()
    log(instance=procedure, action=ACTION_PROCEDURE_CREATE, user=acting_user, data={"code": procedure.code})
    return procedure


@transaction.atomic
def update_procedure(*, procedure: Procedure, acting_user, **values) -> Procedure:
    _require_catalogue_editor(acting_user, "change")
    changes = {
        name: [getattr(procedure, name), value]
        for name, value in _procedure_values(values).items()
        if getattr(procedure, name) != value
    }
    if _procedure_changes(procedure, values):
        procedure.full_clean()
        procedure.save()
        log(
            instance=procedure,
            action=ACTION_PROCEDURE_UPDATE,
            user=acting_user,
            data={"code": procedure.code, "changes": changes},
        )
    return procedure


@transaction.atomic
def delete_procedure(*, procedure: Procedure, acting_user) -> None:
    """Delete a procedure no commune list and no quy trình refers to."""
    _require_catalogue_editor(acting_user, "delete")
    log(instance=procedure, action=ACTION_PROCEDURE_DELETE, user=acting_user, data={"code": procedure.code})
    try:
        with transaction.atomic():
            procedure.delete()
    except ProtectedError:
        raise ValidationError(
            _("“%(procedure)s” cannot be deleted: a commune's list or a quy trình still refers to it.")
            % {"procedure": procedure.code}
        ) from None


# -- procedures a commune handles -----------------------------------------------------------


@transaction.atomic
def add_handled_procedures(*, commune, procedures, acting_user=None, note: str = "") -> list[CommuneProcedure]:
    """Add TTHC to the commune's list (already listed ones are left alone)."""
    known = set(CommuneProcedure.objects.filter(commune=commune).values_list("procedure_id", flat=True))
    added = []
    for procedure in procedures:
        if procedure.pk in known:
            continue
        entry = _set_history_user(CommuneProcedure(commune=commune, procedure=procedure, note=note), acting_user)
        entry.full_clean()
        entry.save()
        known.add(procedure.pk)
        added.append(entry)
    if added:
        log(
            instance=commune,
            action=ACTION_HANDLED_ADD,
            user=acting_user,
            data={"codes": [e.procedure.code for e in added]},
        )
        send_data_changed(sender=CommuneProcedure, commune_id=commune.pk, kind="process")
    return added


@transaction.atomic
def update_handled_procedure(
    *, entry: CommuneProcedure, acting_user, procedure: Procedure, note: str = "", commune=None
) -> CommuneProcedure:
    """Change which TTHC an entry of the commune's list is, or its note; the entry stays in its commune."""
    permissions.require_commune_perm(acting_user, entry.commune, permissions.MANAGE)
    if commune is not None and commune.pk != entry.commune_id:
        raise ValidationError(
            {"commune": _("An entry cannot move to another commune: add the procedure to that commune's list instead.")}
        )
    previous = entry.procedure.code
    entry.procedure, entry.note = procedure, note
    entry.full_clean()
    _set_history_user(entry, acting_user).save()
    log(
        instance=entry.commune,
        action=ACTION_HANDLED_UPDATE,
        user=acting_user,
        data={"code": procedure.code, "previous": previous, "note": note},
    )
    send_data_changed(sender=CommuneProcedure, commune_id=entry.commune_id, kind="process")
    return entry


@transaction.atomic
def remove_handled_procedure(*, entry: CommuneProcedure, acting_user=None) -> None:
    commune, code = entry.commune, entry.procedure.code
    _set_history_user(entry, acting_user).delete()
    log(instance=commune, action=ACTION_HANDLED_REMOVE, user=acting_user, data={"code": code})
    send_data_changed(sender=CommuneProcedure, commune_id=commune.pk, kind="process")


# -- model library editors ------------------------------------------------------------------


def ensure_library_editor_group(*, unit, acting_user=None) -> Group:
    """The group of provincial ISO officers who maintain ``unit``'s model library."""
    link = LibraryEditorGroup.objects.filter(unit=unit).select_related("group").first()
    if link is not None:
        return link.group
    with translation.override("vi"):
        label = _("Provincial ISO officer")
    group, _created = Group.objects.get_or_create(name=f"{label} – {unit.full_name} [{unit.era}-{unit.code}]"[:150])
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    LibraryEditorGroup.objects.create(unit=unit, group=group)
    return group


@transaction.atomic
def add_library_editor(*, unit, user, acting_user=None) -> None:
    group = ensure_library_editor_group(unit=unit, acting_user=acting_user)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        log(instance=unit, action=ACTION_LIBRARY_EDITOR, user=acting_user, data={"user": user.get_username()})
    forget_library_cache(user)


# -- the approval workflow -------------------------------------------------------------------


def ensure_process_workflow() -> Workflow:
    """The one workflow "Soạn thảo → Soát xét → Phê duyệt" assigned to process documents (idempotent)."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(ProcessDocument)
    link = WorkflowContentType.objects.filter(content_type=content_type).select_related("workflow").first()
    if link is not None:
        return link.workflow
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first() or Workflow.objects.create(name=WORKFLOW_NAME)
    for order, (name, role) in enumerate(WORKFLOW_TASKS):
        task = CommuneRoleApprovalTask.objects.filter(name=name).first()
        if task is None:
            task = CommuneRoleApprovalTask.objects.create(name=name, role=role)
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    WorkflowContentType.objects.create(workflow=workflow, content_type=content_type)
    return workflow


# -- documents -----------------------------------------------------------------------------------


def _owner_kwargs(commune, owner_unit) -> dict:
    if (commune is None) == (owner_unit is None):
        raise ValidationError(_("Choose either a commune or a model library."))
    return {"commune": commune, "owner_unit": owner_unit}


def _create_draft(*, owner: dict, procedure, content: ProcessContent, acting_user, **extra) -> ProcessDocument:
    document = ProcessDocument(procedure=procedure, live=False, status=DocumentStatus.DRAFT, **owner, **extra)
    apply_content(document, content)
    document.full_clean()
    document.save()
    document.save_revision(user=acting_user, log_action=False)
    wagtail_log(instance=document, action="wagtail.create", user=acting_user, content_changed=True)
    return document


#: Fields of the editor's "General" tab a new draft may set besides its content.
CREATE_EXTRA_FIELDS = ("change_request", "change_summary", "legal_change_effective_date")


def _require_document_perm(acting_user, action: str, document: ProcessDocument) -> None:
    from .policies import ProcessDocumentPolicy

    if actors.is_system(acting_user):
        return
    if not ProcessDocumentPolicy(ProcessDocument).user_has_permission_for_instance(acting_user, action, document):
        raise PermissionDenied


@transaction.atomic
def create_process_document(
    *,
    procedure: Procedure,
    acting_user,
    commune=None,
    owner_unit=None,
    content: ProcessContent | None = None,
    fields: dict | None = None,
) -> ProcessDocument:
    """Start a quy trình for ``procedure`` as a draft: the catalogue's facts in the standard layout
    (or ``content``, e.g. what the editor's Add form holds; ``fields`` from ``CREATE_EXTRA_FIELDS``)."""
    owner = _owner_kwargs(commune, owner_unit)
    _require_document_perm(acting_user, "add", ProcessDocument(procedure=procedure, **owner))
    extra = dict(fields or {})
    if set(extra) - set(CREATE_EXTRA_FIELDS):
        raise TypeError(f"not set on creation: {sorted(set(extra) - set(CREATE_EXTRA_FIELDS))}")
    agency = commune.agency_name if commune else f"ỦY BAN NHÂN DÂN {owner_unit.full_name}".upper()
    content = content or starting_content(procedure=procedure, agency=agency)
    document = _create_draft(owner=owner, procedure=procedure, content=content, acting_user=acting_user, **extra)
    log(instance=document, action=ACTION_CREATE, user=acting_user, data={"procedure": procedure.code})
    return document


@transaction.atomic
def create_system_document(
    *, category: str, acting_user, commune=None, owner_unit=None, title: str = "", code: str = ""
) -> ProcessDocument:
    """Start one of the QMS's own procedures (document control, internal audit…) as a draft: no TTHC,
    the same versions, workflow, Word layout and model library as a quy trình of a TTHC."""
    if category not in SystemCategory.values:
        raise ValidationError(_("Choose which system procedure this is."))
    owner = _owner_kwargs(commune, owner_unit)
    probe = ProcessDocument(kind=DocumentKind.SYSTEM, system_category=category, **owner)
    _require_document_perm(acting_user, "add", probe)
    agency = commune.agency_name if commune else f"ỦY BAN NHÂN DÂN {owner_unit.full_name}".upper()
    content = system_starting_content(category=category, agency=agency, title=title, code=code, model=owner_unit)
    if not content.title or not content.code:
        raise ValidationError(_("Give the system procedure a title and a code."))
    document = _create_draft(
        owner=owner,
        procedure=None,
        content=content,
        acting_user=acting_user,
        kind=DocumentKind.SYSTEM,
        system_category=category,
    )
    log(instance=document, action=ACTION_CREATE, user=acting_user, data={"system_category": category})
    return document


def _check_editable(document: ProcessDocument, acting_user) -> None:
    if document.workflow_in_progress:
        raise ValidationError(
            _("“%(document)s” is being reviewed; wait until the review ends.") % {"document": document}
        )
    lock = document.get_lock()
    if lock and lock.for_user(acting_user):
        raise ValidationError(_("“%(document)s” is locked by another user.") % {"document": document})


@transaction.atomic
def save_draft_from_content(
    *, document: ProcessDocument, content: ProcessContent, acting_user, include_header: bool = True, **extra
) -> ProcessDocument:
    """Save ``content`` as a new draft revision of ``document`` (the effective version stays live)."""
    _check_editable(document, acting_user)
    draft = document.get_latest_revision_as_object()
    apply_content(draft, content, include_header=include_header)
    for name, value in extra.items():
        setattr(draft, name, value)
    draft.full_clean()
    if not document.live:
        draft.save()  # as Wagtail's editor does: a never-issued document's row is its draft
    draft.save_revision(user=acting_user, log_action=True)
    return draft


def _normalise_title(text: str) -> str:
    text = " ".join(text.lower().split())
    for prefix in ("quy trình ", "thủ tục "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text


def resolve_procedure(content: ProcessContent, procedure: Procedure | None = None) -> Procedure:
    """The TTHC a parsed quy trình is for: the chosen one, its code, or its title."""
    if procedure is not None:
        return procedure
    if content.procedure_code:
        found = Procedure.objects.filter(code=content.procedure_code.strip()).first()
        if found is not None:
            return found
    wanted = _normalise_title(content.title)
    if wanted:
        for candidate in Procedure.objects.only("pk", "name", "code"):
            if _normalise_title(candidate.name) == wanted:
                return candidate
    raise ValidationError(
        _("Could not tell which administrative procedure this quy trình is for; choose it from the catalogue.")
    )


@transaction.atomic
def import_process_document(
    *, commune, content: ProcessContent, acting_user, procedure: Procedure | None = None, source_name: str = ""
) -> ProcessDocument:
    """Save a parsed Word quy trình as a draft of the commune's document for its TTHC.

    A new document is created, or — when the commune already has one for the
    TTHC (or with the same code) — a new draft revision is added to it.
    """
    procedure = resolve_procedure(content, procedure)
    content.code = content.code.strip() or f"QT-{procedure.code}"
    existing = (
        ProcessDocument.objects.filter(commune=commune, procedure=procedure).first()
        or ProcessDocument.objects.filter(commune=commune, code=content.code).first()
    )
    if existing is not None and existing.procedure_id != procedure.pk:
        raise ValidationError(
            _("The code %(code)s is already used by the commune's quy trình for another procedure.")
            % {"code": content.code}
        )
    if existing is None:
        document = _create_draft(
            owner={"commune": commune, "owner_unit": None},
            procedure=procedure,
            content=content,
            acting_user=acting_user,
        )
    else:
        document = save_draft_from_content(document=existing, content=content, acting_user=acting_user)
    log(
        instance=document,
        action=ACTION_IMPORT,
        user=acting_user,
        data={"file": source_name, "procedure": procedure.code},
    )
    return document


def import_process_docx(
    *, commune, data: bytes, acting_user, procedure: Procedure | None = None, source_name: str = ""
) -> ProcessDocument:
    """Parse a Word quy trình and save it as a draft; a corrupt or foreign file raises
    ``ValidationError`` with the parser's Vietnamese message and writes nothing."""
    return import_process_docx_report(
        commune=commune, data=data, acting_user=acting_user, procedure=procedure, source_name=source_name
    ).document


@dataclass
class DocxImport:
    document: ProcessDocument
    #: What the file holds that has no place in a quy trình, one line each, for the officer to check.
    unplaced: list[str]


@transaction.atomic
def import_process_docx_report(
    *, commune, data: bytes, acting_user, procedure: Procedure | None = None, source_name: str = ""
) -> DocxImport:
    """Like :func:`import_process_docx`, also telling line by line what the import could not place."""
    from .docx.importer import ProcessDocxError, read_process_docx

    try:
        content, unplaced = read_process_docx(data)
    except ProcessDocxError as exc:
        raise ValidationError(str(exc)) from exc
    document = import_process_document(
        commune=commune, content=content, acting_user=acting_user, procedure=procedure, source_name=source_name
    )
    return DocxImport(document=document, unplaced=unplaced)


# -- approval -------------------------------------------------------------------------------------


def _next_issue_number(document: ProcessDocument) -> int:
    last = document.versions.order_by("-issue_number").values_list("issue_number", flat=True).first()
    return last + 1 if last else max(document.issue_number or 1, 1)


def _finished_tasks(workflow_state) -> list[TaskState]:
    if workflow_state is None:
        return []
    return list(
        workflow_state.task_states.filter(status=TaskState.STATUS_APPROVED)
        .select_related("finished_by", "task")
        .order_by("finished_at")
    )


def _stamp_person(document, prefix: str, user, when) -> None:
    if user is not None and not getattr(document, f"{prefix}_name"):
        setattr(document, f"{prefix}_name", full_name(user))
    if when is not None:
        setattr(document, f"{prefix}_on", when)


def _stamp_approvals(document, workflow_state, acting_user, today) -> None:
    if workflow_state is not None:
        _stamp_person(document, "drafted", workflow_state.requested_by, timezone.localdate(workflow_state.created_at))
    tasks = _finished_tasks(workflow_state)
    if len(tasks) > 1:
        review = tasks[0]
        _stamp_person(document, "reviewed", review.finished_by, timezone.localdate(review.finished_at))
    _stamp_person(document, "approved", acting_user, today)


def _change_text(document, previous: ProcessVersion | None) -> str:
    """The change-table wording is document content: always Vietnamese."""
    with translation.override("vi"):
        return _change_text_vi(document, previous)


def _change_text_vi(document, previous: ProcessVersion | None) -> str:
    if document.change_summary.strip():
        return document.change_summary.strip()
    if previous is None:
        return _("First issue")
    fields = changed_fields(diff_contents(previous.content, document_content(document), fields=CONTENT_FIELDS))
    if not fields:
        return _("Re-issued without changes to the content")
    return _("Revised: %(sections)s") % {"sections": ", ".join(field_label(name) for name in fields)}


def _append_change_row(document, previous, issue: int, today) -> None:
    if any(block.value.get("issue_number") == issue for block in document.changes):
        return
    row = ChangeRow(
        request=document.change_request.strip(),
        content=_change_text(document, previous),
        changed_on=today,
        issue_number=issue,
    )
    rows = [("change", dict(block.value)) for block in document.changes]
    document.changes = rows + [("change", dataclasses.asdict(row))]


def _resolve_flags(document: ProcessDocument, version: ProcessVersion, today, acting_user) -> int:
    adopted = document.source_version
    if adopted is None:
        return 0
    flags = document.update_flags.filter(
        resolved_on__isnull=True,
        model_version__document_id=adopted.document_id,
        model_version__issue_number__lte=adopted.issue_number,
    )
    count = 0
    for flag in flags:
        flag.resolved_on, flag.resolved_version = today, version
        _set_history_user(flag, acting_user).save()
        count += 1
    return count


@transaction.atomic
def approve_process_document(*, document: ProcessDocument, acting_user, workflow_state=None) -> ProcessVersion:
    """Final approval: issue the reviewed content as the next lần ban hành.

    Stamps issue number, issue and effective dates and the approval block,
    appends the change-table row, publishes that as the live version, makes
    the previous version obsolete, resolves the update flags the new version
    answers, logs, and (for a model document) flags its derived copies.
    """
    document = ProcessDocument.objects.select_for_update().get(pk=document.pk)
    previous = document.versions.filter(obsoleted_at__isnull=True).first()
    today, now = timezone.localdate(), timezone.now()
    issue = _next_issue_number(document)
    proposed = document.effective_date
    effective = proposed if proposed and proposed > today else today
    legal_date = document.legal_change_effective_date
    _stamp_approvals(document, workflow_state, acting_user, today)
    _append_change_row(document, previous, issue, today)
    document.issue_number, document.issued_on, document.effective_date = issue, today, effective
    document.change_summary, document.change_request, document.legal_change_effective_date = "", "", None
    document.status = DocumentStatus.EFFECTIVE
    document.full_clean()
    revision = document.save_revision(user=acting_user, log_action=False)
    revision.publish(user=acting_user, log_action=False, skip_permission_checks=True)
    if previous is not None:
        previous.obsoleted_at = now
        _set_history_user(previous, acting_user).save()
    version = ProcessVersion(
        document=document,
        revision=revision,
        issue_number=issue,
        issued_on=today,
        effective_date=effective,
        approved_by=actors.person(acting_user),
        approved_at=now,
        snapshot=content_to_dict(document_content(document)),
    )
    version.full_clean()
    _set_history_user(version, acting_user).save()
    signatures.record_approval(record=version, acting_user=acting_user)
    document = ProcessDocument.objects.get(pk=document.pk)
    resolved = _resolve_flags(document, version, today, acting_user)
    sync_status(document=document)
    _schedule_review(document, basis=effective)
    log(
        instance=document,
        action=ACTION_APPROVE,
        user=acting_user,
        data={"issue_number": issue, "effective_date": effective, "version": version.pk, "resolved_flags": resolved},
    )
    _notify(document)
    if document.commune_id:
        from . import notices

        notices.review_done(document=document, acting_user=acting_user)
        notices.acknowledge_requested(
            document=document, version=version, recipients=acknowledge_audience(document), acting_user=acting_user
        )
    if document.is_model and previous is not None:
        republish_model(version=version, acting_user=acting_user, legal_effective_date=legal_date)
    return version


def sync_status(*, document: ProcessDocument) -> str:
    """Recompute the live row's status from its workflow, flags and publication."""
    document = ProcessDocument.objects.get(pk=document.pk)
    if document.workflow_in_progress:
        status = DocumentStatus.IN_REVIEW
    elif document.status == DocumentStatus.OBSOLETE and not document.live:
        status = DocumentStatus.OBSOLETE
    elif document.update_flags.filter(resolved_on__isnull=True).exists():
        status = DocumentStatus.NEEDS_UPDATE
    elif document.live:
        status = DocumentStatus.EFFECTIVE
    else:
        status = DocumentStatus.DRAFT
    if status != document.status:
        document.status = status
        document.save(update_fields=["status"])
    return status


@transaction.atomic
def withdraw_process_document(*, document: ProcessDocument, acting_user, reason: str) -> ProcessDocument:
    """Take an effective quy trình out of force (e.g. the TTHC was abolished)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing the quy trình."))
    document = ProcessDocument.objects.select_for_update().get(pk=document.pk)
    if not document.live:
        raise ValidationError(_("Only an effective quy trình can be withdrawn."))
    if document.workflow_in_progress:
        document.current_workflow_state.cancel(user=acting_user)
    UnpublishAction(document, user=acting_user).execute(skip_permission_checks=True)
    for version in document.versions.filter(obsoleted_at__isnull=True):
        version.obsoleted_at = timezone.now()
        _set_history_user(version, acting_user).save()
    document.refresh_from_db()
    document.status = DocumentStatus.OBSOLETE
    document.save(update_fields=["status"])
    log(instance=document, action=ACTION_WITHDRAW, user=acting_user, data={"reason": reason})
    _notify(document)
    return document


# -- model library -----------------------------------------------------------------------------------


def _current_model_version(model: ProcessDocument) -> ProcessVersion:
    version = model.versions.filter(obsoleted_at__isnull=True).first()
    if not model.is_model or version is None:
        raise ValidationError(_("Only an approved model quy trình can be adopted."))
    return version


def _initials(text: str) -> str:
    """ "Thị trấn Lâm" -> "TTL", "Xã Đồng Tâm" -> "XĐT"."""
    letters = []
    for word in text.split():
        first = word[0].upper()
        base = unicodedata.normalize("NFD", first)[0]
        letters.append(first if first == "Đ" else base)
    return "".join(letters)


def _copy_code(model: ProcessDocument, commune) -> str:
    """The commune numbering ("QT-<TTHC code>"; a system procedure keeps the model's code without
    its "QTM-" prefix), with the commune's initials when the model already uses it."""
    if model.is_system:
        code = "QT-" + model.code.removeprefix("QTM-").removeprefix("QT-")
    else:
        code = f"QT-{model.procedure.code}"
    taken = ProcessDocument.objects.filter(commune=commune, code=code).exists()
    if code == model.code or taken:
        code = f"{code}/{_initials(commune.unit.full_name)}"
    return code


def _localised(content: ProcessContent, *, model: ProcessDocument, commune) -> ProcessContent:
    """The model's sections with the model owner's name replaced by the commune's (purpose, scope, places…)."""
    source, target = short_agency(model.agency_name), short_agency(commune.agency_name)
    if not source or source == target:
        return content

    def swap(value):
        if isinstance(value, str):
            return value.replace(source, target).replace(model.agency_name, commune.agency_name)
        if isinstance(value, list):
            return [
                dataclasses.replace(row, **{f.name: swap(getattr(row, f.name)) for f in dataclasses.fields(row)})
                for row in value
            ]
        return value

    return dataclasses.replace(content, **{name: swap(getattr(content, name)) for name in CONTENT_FIELDS})


@transaction.atomic
def adopt_model(*, model: ProcessDocument, commune, acting_user, code: str = "") -> ProcessDocument:
    """Copy a model's current version into a new draft of the commune, remembering its source."""
    version = _current_model_version(model)
    if model.is_system:
        if ProcessDocument.objects.filter(commune=commune, source_model=model).exists() or (
            model.system_category != SystemCategory.OTHER
            and ProcessDocument.objects.filter(commune=commune, system_category=model.system_category).exists()
        ):
            raise ValidationError(_("The commune already has this system procedure."))
    elif ProcessDocument.objects.filter(commune=commune, procedure_id=model.procedure_id).exists():
        raise ValidationError(_("The commune already has a quy trình for this procedure."))
    code = code.strip() or _copy_code(model, commune)
    if code == model.code:
        raise ValidationError(
            _("The commune's copy needs its own code; %(code)s is the model's code.") % {"code": model.code}
        )
    model_content = _localised(version.content, model=model, commune=commune)
    content = ProcessContent(agency=commune.agency_name, title="", code=code)
    for name in CONTENT_FIELDS:
        setattr(content, name, getattr(model_content, name))
    document = _create_draft(
        owner={"commune": commune, "owner_unit": None},
        procedure=model.procedure,
        content=content,
        acting_user=acting_user,
        source_model=model,
        source_version=version,
        kind=model.kind,
        system_category=model.system_category,
    )
    log(
        instance=document,
        action=ACTION_ADOPT,
        user=acting_user,
        data={"model": model.pk, "issue_number": version.issue_number},
    )
    return document


def _model_base_version(copy: ProcessDocument, version: ProcessVersion) -> ProcessVersion | None:
    if copy.source_version_id and copy.source_version.document_id == version.document_id:
        return copy.source_version
    return version.document.versions.filter(issue_number__lt=version.issue_number).order_by("-issue_number").first()


@transaction.atomic
def republish_model(
    *, version: ProcessVersion, acting_user, legal_effective_date: date | None = None
) -> list[DocumentUpdateFlag]:
    """Flag every copy derived from the model "cần cập nhật" with the upstream
    changes and a deadline 3 months after the legal change takes effect."""
    model = version.document
    legal = legal_effective_date or version.effective_date
    deadline = legal + UPDATE_PERIOD
    today = timezone.localdate()
    flags = []
    copies = ProcessDocument.objects.filter(source_model=model).exclude(source_version=version)
    for copy in copies.select_related("source_version", "commune"):
        base = _model_base_version(copy, version)
        changes = diff_contents(base.content, version.content, fields=CONTENT_FIELDS) if base else []
        flag, created = DocumentUpdateFlag.objects.get_or_create(
            document=copy,
            model_version=version,
            defaults={
                "raised_on": today,
                "legal_effective_date": legal,
                "deadline": deadline,
                "upstream_changes": differences_to_json(changes),
            },
        )
        if not created:
            continue
        flags.append(flag)
        sync_status(document=copy)
        log(
            instance=copy,
            action=ACTION_FLAG,
            user=acting_user,
            data={"model_issue": version.issue_number, "deadline": deadline},
        )
        _notify(copy)
    log(
        instance=model,
        action=ACTION_REPUBLISH,
        user=acting_user,
        data={
            "issue_number": version.issue_number,
            "legal_effective_date": legal,
            "deadline": deadline,
            "flagged": len(flags),
        },
    )
    return flags


@transaction.atomic
def update_from_model(*, document: ProcessDocument, acting_user) -> ProcessDocument:
    """Take the sections the model changed since the adopted version into a new draft."""
    if document.source_model is None:
        raise ValidationError(_("This quy trình was not adopted from a model."))
    current = _current_model_version(document.source_model)
    base = _model_base_version(document, current)
    changed = (
        changed_fields(diff_contents(base.content, current.content, fields=CONTENT_FIELDS)) if base else CONTENT_FIELDS
    )
    draft_content = document_content(document.get_latest_revision_as_object())
    model_content = _localised(current.content, model=document.source_model, commune=document.commune)
    for name in changed:
        setattr(draft_content, name, getattr(model_content, name))
    draft = save_draft_from_content(
        document=document, content=draft_content, acting_user=acting_user, include_header=False, source_version=current
    )
    log(
        instance=document,
        action=ACTION_UPDATE_FROM_MODEL,
        user=acting_user,
        data={"model_issue": current.issue_number, "fields": list(changed)},
    )
    return draft


# -- periodic review (7.5.2/7.5.3) and read confirmations (7.2/7.3) --------------------------------

ACTION_REVIEW_NO_CHANGE = define_action(
    "processes.document.review_no_change",
    gettext_lazy("Reviewed, no change"),
    gettext_lazy("Recorded a periodic review without change"),
)
ACTION_REVIEW_SETTINGS = define_action(
    "processes.document.review_settings",
    gettext_lazy("Review settings"),
    gettext_lazy("Changed the review interval or the staff asked to confirm"),
)
ACTION_ACKNOWLEDGE = define_action(
    "processes.version.acknowledge", gettext_lazy("Read and confirm"), gettext_lazy("Confirmed having read a version")
)


def next_review_date(basis: date, months: int) -> date:
    return basis + relativedelta(months=months)


def _schedule_review(document: ProcessDocument, *, basis: date) -> date:
    """The live row's next review date, ``interval`` months after ``basis`` (an update: not a revision)."""
    due = next_review_date(basis, document.review_interval_months)
    ProcessDocument.objects.filter(pk=document.pk).update(next_review_on=due)
    document.next_review_on = due
    return due


def _review_basis(document: ProcessDocument) -> date | None:
    """The date the current cycle started: the later of the effective version and the last "no change" review."""
    version = document.versions.filter(obsoleted_at__isnull=True).first()
    if version is None:
        return None
    last = document.review_decisions.filter(version=version).order_by("-reviewed_on").first()
    return max(version.effective_date, last.reviewed_on) if last else version.effective_date


def acknowledge_audience(document: ProcessDocument):
    """The active members of the document's commune holding a role of its audience."""
    from django.contrib.auth import get_user_model

    if document.commune_id is None:
        return get_user_model().objects.none()
    roles = AcknowledgeAudience.roles(document.acknowledge_audience)
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__commune_role__commune_id=document.commune_id,
            groups__commune_role__role__in=roles,
        )
        .distinct()
    )


@transaction.atomic
def record_review_no_change(
    *, document: ProcessDocument, acting_user, note: str = "", reviewed_on: date | None = None
) -> ReviewDecision:
    """The periodic review found nothing to change: a dated decision, no new version; the next review moves."""
    _require_document_perm(acting_user, "change", document)
    document = ProcessDocument.objects.select_for_update().get(pk=document.pk)
    version = document.versions.filter(obsoleted_at__isnull=True).first()
    if version is None or not document.live:
        raise ValidationError(_("Only an effective quy trình is reviewed."))
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    if reviewed_on > today:
        raise ValidationError(_("The review date cannot be in the future."))
    if reviewed_on < version.effective_date:
        raise ValidationError(_("The review date cannot be before the current version took effect."))
    due = next_review_date(reviewed_on, document.review_interval_months)
    decision = ReviewDecision(
        document=document,
        version=version,
        reviewed_on=reviewed_on,
        reviewed_by=actors.person(acting_user),
        note=note.strip(),
        next_review_on=due,
    )
    decision.full_clean()
    _set_history_user(decision, acting_user).save()
    _schedule_review(document, basis=reviewed_on)
    log(
        instance=document,
        action=ACTION_REVIEW_NO_CHANGE,
        user=acting_user,
        data={"reviewed_on": reviewed_on, "issue_number": version.issue_number, "next_review_on": due, "note": note},
    )
    from . import notices

    notices.review_done(document=document, acting_user=acting_user)
    return decision


@transaction.atomic
def update_review_settings(
    *, document: ProcessDocument, acting_user, interval_months: int, audience: str
) -> ProcessDocument:
    """The officer sets the review interval and who is asked to confirm (kept across versions)."""
    _require_document_perm(acting_user, "change", document)
    document = ProcessDocument.objects.select_for_update().get(pk=document.pk)
    if audience not in AcknowledgeAudience.values:
        raise ValidationError(_("Choose who is asked to read and confirm."))
    if not 1 <= interval_months <= 60:
        raise ValidationError(_("The review interval is between 1 and 60 months."))
    before = {"interval": document.review_interval_months, "audience": document.acknowledge_audience}
    ProcessDocument.objects.filter(pk=document.pk).update(
        review_interval_months=interval_months, acknowledge_audience=audience
    )
    document.review_interval_months, document.acknowledge_audience = interval_months, audience
    basis = _review_basis(document)
    if basis is not None and document.live:
        _schedule_review(document, basis=basis)
    log(
        instance=document,
        action=ACTION_REVIEW_SETTINGS,
        user=acting_user,
        data={"before": before, "interval": interval_months, "audience": audience},
    )
    return document


@transaction.atomic
def acknowledge_version(*, version: ProcessVersion, acting_user) -> Acknowledgement:
    """The acting user confirms having read ``version``: once per version (a second call changes nothing)."""
    document = version.document
    if version.obsoleted_at is not None or not document.live:
        raise ValidationError(_("Only the effective version is confirmed."))
    if not acknowledge_audience(document).filter(pk=acting_user.pk).exists():
        raise PermissionDenied
    acknowledgement, created = Acknowledgement.objects.get_or_create(version=version, user=acting_user)
    if created:
        log(instance=document, action=ACTION_ACKNOWLEDGE, user=acting_user, data={"issue_number": version.issue_number})
        from qms.notifications.models import Notification
        from qms.notifications.services import mark_read

        from .notices import acknowledge_dedup_key

        mark_read(
            acting_user=acting_user,
            notifications=Notification.objects.filter(recipient=acting_user, dedup_key=acknowledge_dedup_key(version)),
        )
    return acknowledgement


def plan_review_reminders(*, today: date | None = None, acting_user=actors.SYSTEM) -> int:
    """The daily job: remind the ISO officers once when a review enters the 30-day window and once
    when it is overdue. Set-based: one query for the documents and their officers, one for the
    notices already sent; a second run the same day (or any later day of the same stage) adds nothing.
    Returns the notices created."""
    from datetime import timedelta

    from qms.notifications.models import Notification

    from . import notices
    from .selectors import effective_documents

    today = today or timezone.localdate()
    rows = list(
        effective_documents()
        .filter(
            commune__is_active=True,
            next_review_on__lte=today + timedelta(days=REVIEW_REMINDER_DAYS),
            commune__role_groups__role=Role.ISO_OFFICER,
            commune__role_groups__group__user__is_active=True,
        )
        .values_list("pk", "next_review_on", "commune__role_groups__group__user")
    )
    keys = {
        pk: notices.review_dedup_key(notices.KIND_REVIEW_OVERDUE if due < today else notices.KIND_REVIEW_DUE, pk, due)
        for pk, due, _user in rows
    }
    sent = set(Notification.objects.filter(dedup_key__in=set(keys.values())).values_list("recipient_id", "dedup_key"))
    wanted: dict[int, set[int]] = {}
    for pk, _due, user in rows:
        if (user, keys[pk]) not in sent:
            wanted.setdefault(pk, set()).add(user)
    if not wanted:
        return 0
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk({u for ids in wanted.values() for u in ids})
    created = 0
    for document in ProcessDocument.objects.filter(pk__in=wanted).order_by("pk"):
        with transaction.atomic():
            created += len(
                notices.review_reminder(
                    document=document,
                    recipients=[users[u] for u in sorted(wanted[document.pk])],
                    overdue=document.next_review_on < today,
                    acting_user=acting_user,
                )
            )
    return created


# -- citizen feedback (ISO 9001 9.1.2) -------------------------------------------------------------

ACTION_FEEDBACK_RECEIVE = define_action(
    "processes.feedback.receive", gettext_lazy("Receive citizen feedback"), gettext_lazy("Received citizen feedback")
)
ACTION_FEEDBACK_ANSWER = define_action(
    "processes.feedback.answer", gettext_lazy("Answer citizen feedback"), gettext_lazy("Answered citizen feedback")
)
ACTION_FEEDBACK_NONCONFORMITY = define_action(
    "processes.feedback.nonconformity",
    gettext_lazy("Turn feedback into a nonconformity"),
    gettext_lazy("Turned citizen feedback into a nonconformity"),
)
ACTION_FEEDBACK_ERASE = define_action(
    "processes.feedback.erase_contacts",
    gettext_lazy("Erase expired contact details"),
    gettext_lazy("Erased citizens' contact details kept past the retention period"),
)


def feedback_retention_months() -> int:
    return settings.QMS_FEEDBACK_CONTACT_RETENTION_MONTHS


@transaction.atomic
def submit_feedback(
    *,
    acting_user=actors.SYSTEM,
    commune,
    procedure: Procedure,
    kind: str,
    rating: int | None = None,
    comment: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    contact_consent: bool = False,
    received_at=None,
) -> CitizenFeedback:
    """Record a citizen's rating, suggestion or complaint (the public form, no account).

    A rating is required for a satisfaction rating, a comment for a suggestion or a
    complaint; contact details are kept only with the citizen's explicit consent.
    """
    comment = comment.strip()
    contact = {"contact_name": contact_name.strip(), "contact_phone": contact_phone.strip()}
    contact["contact_email"] = contact_email.strip()
    errors = {}
    if kind == FeedbackKind.SATISFACTION and rating is None:
        errors["rating"] = _("Choose a rating from 1 to 5 stars.")
    if kind != FeedbackKind.SATISFACTION:
        rating = None
        if not comment:
            errors["comment"] = _("Write your suggestion or complaint.")
    if any(contact.values()) and not contact_consent:
        errors["contact_consent"] = _("Tick the consent box to leave your contact details, or leave them empty.")
    if errors:
        raise ValidationError(errors)
    feedback = CitizenFeedback(
        commune=commune,
        procedure=procedure,
        kind=kind,
        rating=rating,
        comment=comment,
        contact_consent=bool(contact_consent and any(contact.values())),
        received_at=received_at or timezone.now(),
        **contact,
    )
    feedback.full_clean()
    _set_history_user(feedback, acting_user).save()
    log(instance=feedback, action=ACTION_FEEDBACK_RECEIVE, user=acting_user, data={"kind": kind, "rating": rating})
    return feedback


def _require_feedback_manager(acting_user, feedback: CitizenFeedback) -> None:
    if not actors.is_system(acting_user):
        permissions.require_commune_perm(acting_user, feedback.commune_id, permissions.MANAGE)


@transaction.atomic
def answer_feedback(*, acting_user, feedback: CitizenFeedback, answer: str, close: bool = False) -> CitizenFeedback:
    """The ISO officer's answer to a citizen; ``close`` marks the matter settled."""
    _require_feedback_manager(acting_user, feedback)
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer given to the citizen.")})
    feedback.answer = answer
    if feedback.status != FeedbackStatus.NONCONFORMITY:
        feedback.status = FeedbackStatus.CLOSED if close else FeedbackStatus.ANSWERED
    feedback.answered_by = actors.person(acting_user)
    feedback.answered_at = timezone.now()
    feedback.full_clean()
    _set_history_user(feedback, acting_user).save()
    log(instance=feedback, action=ACTION_FEEDBACK_ANSWER, user=acting_user, data={"status": feedback.status})
    return feedback


@transaction.atomic
def mark_feedback_nonconformity(*, acting_user, feedback: CitizenFeedback, reference: str) -> CitizenFeedback:
    """Record that the feedback became a nonconformity (called by the audits conversion)."""
    _require_feedback_manager(acting_user, feedback)
    feedback = CitizenFeedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status == FeedbackStatus.NONCONFORMITY:
        raise ValidationError(_("This feedback has already been turned into a nonconformity."))
    feedback.status = FeedbackStatus.NONCONFORMITY
    feedback.nonconformity_reference = reference
    _set_history_user(feedback, acting_user).save()
    log(instance=feedback, action=ACTION_FEEDBACK_NONCONFORMITY, user=acting_user, data={"reference": reference})
    return feedback


@transaction.atomic
def erase_expired_feedback_contacts(*, acting_user=actors.SYSTEM, now=None) -> int:
    """Erase the contact details of feedback received before the retention period (the daily task)."""
    now = now or timezone.now()
    cutoff = now - relativedelta(months=feedback_retention_months())
    has_contact = Q(contact_name__gt="") | Q(contact_phone__gt="") | Q(contact_email__gt="")
    expired = CitizenFeedback.objects.filter(has_contact, received_at__lt=cutoff)
    erased = 0
    for commune_id in sorted(set(expired.values_list("commune_id", flat=True))):
        rows = expired.filter(commune_id=commune_id)
        count = rows.update(contact_name="", contact_phone="", contact_email="", contact_erased_at=now)
        erased += count
        commune = Commune.objects.get(pk=commune_id)
        log(instance=commune, action=ACTION_FEEDBACK_ERASE, user=acting_user, data={"count": count})
    return erased


# -- merged communes ----------------------------------------------------------------------------------

ACTION_CARRY_OVER = define_action(
    "processes.document.carry_over",
    gettext_lazy("Carry over to the successor commune"),
    gettext_lazy("Copied a predecessor's quy trình into a draft of the successor commune"),
)
ACTION_DISCARD_CARRIED = define_action(
    "processes.document.discard_carried",
    gettext_lazy("Discard carried-over draft"),
    gettext_lazy("Deleted a draft carried over from a predecessor commune"),
)


def _free_code(code: str, commune) -> str:
    if not ProcessDocument.objects.filter(commune=commune, code=code).exists():
        return code
    return f"{code}/{_initials(commune.unit.full_name)}"


@transaction.atomic
def carry_over_document(*, source: ProcessDocument, commune, acting_user) -> ProcessDocument:
    """Copy the effective version of a predecessor's quy trình into a new draft of the successor ``commune``,
    noting where it came from."""
    version = source.versions.filter(obsoleted_at__isnull=True).first()
    if source.commune_id is None or version is None:
        raise ValidationError(_("Only a commune's effective quy trình can be carried over."))
    if ProcessDocument.objects.filter(commune=commune, procedure_id=source.procedure_id).exists():
        raise ValidationError(_("The commune already has a quy trình for this procedure."))
    _require_document_perm(acting_user, "add", ProcessDocument(procedure=source.procedure, commune=commune))
    copied = _localised(version.content, model=source, commune=commune)
    content = ProcessContent(agency=commune.agency_name, title=source.title, code=_free_code(source.code, commune))
    for name in CONTENT_FIELDS:
        setattr(content, name, getattr(copied, name))
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Carried over from quy trình %(code)s of %(commune)s") % {
            "code": source.code,
            "commune": source.commune.name,
        }
    document = _create_draft(
        owner={"commune": commune, "owner_unit": None},
        procedure=source.procedure,
        content=content,
        acting_user=acting_user,
        change_request=note[:255],
        source_model=source.source_model,
        kind=source.kind,
    )
    log(
        instance=document,
        action=ACTION_CARRY_OVER,
        user=acting_user,
        data={"source": source.pk, "commune": source.commune_id, "issue_number": version.issue_number},
    )
    return document


@transaction.atomic
def discard_carried_draft(*, document: ProcessDocument, acting_user) -> None:
    """Delete a carried-over draft that was never approved (undoing a carry-over)."""
    if document.versions.exists() or document.live:
        raise ValidationError(
            _("“%(document)s” has been approved: the carry-over can no longer be undone.") % {"document": document}
        )
    log(instance=document, action=ACTION_DISCARD_CARRIED, user=acting_user, data={"code": document.code})
    document.workflow_states.all().delete()
    document.revisions.all().delete()
    document.delete()
