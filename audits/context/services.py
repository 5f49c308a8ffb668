"""Writes of the context statement: start a version, edit it while a draft, submit, approve, send back.

Keyword-only and atomic; each takes ``acting_user``, checks the commune
permission, validates, records the user in the history and leaves an audit
record. Refusals are ``ValidationError`` with a Vietnamese message.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms import permissions
from qms.audit_log import define_action, log
from qms.signals import send_data_changed

from ..services import _is_user, _loggable, _save, _set_fields, require
from . import selectors
from .models import (
    ContextIssue,
    ContextStatement,
    ContextStatus,
    InterestedParty,
    ScopeExclusion,
    ScopeProcedure,
)

A_CONTEXT_START = define_action(
    "audits.context.start", gettext_lazy("Start context and scope"), gettext_lazy("Started a version of the context")
)
A_CONTEXT_UPDATE = define_action(
    "audits.context.update", gettext_lazy("Edit context and scope"), gettext_lazy("Edited the context and scope")
)
A_CONTEXT_SUBMIT = define_action(
    "audits.context.submit",
    gettext_lazy("Submit context and scope"),
    gettext_lazy("Submitted the context and scope for approval"),
)
A_CONTEXT_APPROVE = define_action(
    "audits.context.approve",
    gettext_lazy("Approve context and scope"),
    gettext_lazy("Approved the context and scope"),
)
A_CONTEXT_REJECT = define_action(
    "audits.context.reject",
    gettext_lazy("Send context and scope back"),
    gettext_lazy("Sent the context and scope back for changes"),
)

HEADER_FIELDS = ("scope_statement", "all_procedures", "climate_change_relevant", "climate_change_note")
ISSUE_FIELDS = ("origin", "description", "effect", "climate_related")
PARTY_FIELDS = ("name", "requirements", "climate_requirements", "monitoring")
EXCLUSION_FIELDS = ("clause", "procedure", "subject", "justification")


def _require_draft(statement: ContextStatement) -> None:
    if statement.status != ContextStatus.DRAFT:
        raise ValidationError(
            _("%(statement)s is %(status)s: only a draft can be changed.")
            % {"statement": statement, "status": statement.get_status_display().lower()}
        )


def _handled(commune) -> dict:
    """The commune's handled TTHC: procedure id -> procedure."""
    return {p.pk: p for p in selectors.handled_procedure_rows(commune.pk)}


def _copy_rows(source: ContextStatement, target: ContextStatement, acting_user) -> None:
    for model, related, fields in (
        (ContextIssue, "issues", ISSUE_FIELDS),
        (InterestedParty, "parties", PARTY_FIELDS),
        (ScopeExclusion, "exclusions", EXCLUSION_FIELDS),
        (ScopeProcedure, "scope_procedures", ("procedure",)),
    ):
        for row in getattr(source, related).all():
            copy = model(statement=target, order=row.order, **{name: getattr(row, name) for name in fields})
            _save(copy, acting_user=acting_user, reason="copy")


@transaction.atomic
def start_statement(*, acting_user, commune, year: int) -> ContextStatement:
    """Start the next version of ``commune``'s context for ``year``, from its last approved statement."""
    require(acting_user, commune, permissions.MANAGE)
    open_draft = ContextStatement.objects.filter(commune=commune).exclude(status=ContextStatus.APPROVED).first()
    if open_draft is not None:
        raise ValidationError(
            _("%(statement)s is not yet approved: finish it before starting another version.")
            % {"statement": open_draft}
        )
    basis = selectors.approved_statement(commune.pk)
    if basis is not None and basis.year > year:
        raise ValidationError({"year": _("The context of %(year)s has already been approved.") % {"year": basis.year}})
    number = ContextStatement.objects.filter(commune=commune, year=year).aggregate(n=Max("version"))["n"] or 0
    statement = ContextStatement(
        commune=commune,
        year=year,
        version=number + 1,
        based_on=basis,
        created_by=acting_user if _is_user(acting_user) else None,
    )
    if basis is not None:
        for name in HEADER_FIELDS:
            setattr(statement, name, getattr(basis, name))
    _save(statement, acting_user=acting_user, reason="start")
    if basis is not None:
        _copy_rows(basis, statement, acting_user)
    log(
        instance=statement,
        action=A_CONTEXT_START,
        user=acting_user,
        data={"year": year, "version": statement.version, "based_on": basis.pk if basis else None},
    )
    return statement


def _sync_rows(statement, model, related: str, rows: Iterable[dict], fields, acting_user, check=None) -> int:
    """Make ``statement``'s rows of ``model`` those given: rows with a ``pk`` are updated, others added,
    the missing ones deleted. Returns how many rows it keeps."""
    existing = {row.pk: row for row in getattr(statement, related).all()}
    kept = set()
    for order, data in enumerate(rows, start=1):
        data = dict(data)
        pk = data.pop("pk", None)
        row = existing.get(pk) if pk else None
        if pk and row is None:
            raise ValidationError(_("A row of this form belongs to another record; reload the page."))
        if row is None:
            row = model(statement=statement)
        _set_fields(row, data, fields)
        row.order = order
        if check is not None:
            check(row)
        _save(row, acting_user=acting_user)
        kept.add(row.pk)
    for pk, row in existing.items():
        if pk not in kept:
            row._history_user = acting_user if _is_user(acting_user) else None
            row.delete()
    return len(kept)


def _check_exclusion(handled: dict):
    def check(row: ScopeExclusion) -> None:
        if row.procedure_id is None and not row.clause.strip():
            raise ValidationError(_("An exclusion names a clause of ISO 9001 or a TTHC of the commune."))
        if row.procedure_id is not None:
            if row.procedure_id not in handled:
                raise ValidationError(
                    _("%(procedure)s is not a TTHC of the commune.") % {"procedure": row.procedure.code}
                )
            if not row.subject.strip():
                row.subject = row.procedure.name[:255]
        if not row.justification.strip():
            raise ValidationError(_("Justify the exclusion of %(subject)s.") % {"subject": row.subject or row.clause})

    return check


@transaction.atomic
def update_statement(
    *,
    acting_user,
    statement: ContextStatement,
    procedures: Iterable | None = None,
    issues: Iterable[dict] | None = None,
    parties: Iterable[dict] | None = None,
    exclusions: Iterable[dict] | None = None,
    **fields,
) -> ContextStatement:
    """Edit a draft: its scope statement and climate answer (``fields``), the TTHC listed in the scope
    (``procedures``, when not every handled TTHC is), and its issues, parties and exclusions (lists of
    row dicts; ``None`` leaves a section as it is)."""
    require(acting_user, statement.commune, permissions.MANAGE)
    _require_draft(statement)
    changed = _set_fields(statement, fields, HEADER_FIELDS)
    _save(statement, acting_user=acting_user)
    handled = _handled(statement.commune)
    if procedures is not None:
        wanted = {getattr(p, "pk", p) for p in procedures}
        foreign = wanted - set(handled)
        if foreign:
            raise ValidationError({"procedures": _("Only the TTHC the commune handles can be in its scope.")})
        current = {row.procedure_id: row for row in statement.scope_procedures.all()}
        rows = [{"pk": current[pk].pk} if pk in current else {"procedure": handled[pk]} for pk in sorted(wanted)]
        changed["procedures"] = _sync_rows(
            statement, ScopeProcedure, "scope_procedures", rows, ("procedure",), acting_user
        )
    if issues is not None:
        changed["issues"] = _sync_rows(statement, ContextIssue, "issues", issues, ISSUE_FIELDS, acting_user)
    if parties is not None:
        changed["parties"] = _sync_rows(statement, InterestedParty, "parties", parties, PARTY_FIELDS, acting_user)
    if exclusions is not None:
        changed["exclusions"] = _sync_rows(
            statement,
            ScopeExclusion,
            "exclusions",
            exclusions,
            EXCLUSION_FIELDS,
            acting_user,
            check=_check_exclusion(handled),
        )
    log(instance=statement, action=A_CONTEXT_UPDATE, user=acting_user, data=_loggable(changed))
    return statement


def _check_complete(statement: ContextStatement) -> None:
    missing = []
    if not statement.issues.exists():
        missing.append(_("no internal or external issue is listed"))
    if not statement.parties.exists():
        missing.append(_("no interested party is listed"))
    if statement.climate_change_relevant is None:
        missing.append(_("whether climate change is a relevant issue is not answered"))
    if not statement.scope_statement.strip():
        missing.append(_("the scope statement is empty"))
    if not statement.all_procedures and not statement.scope_procedures.exists():
        missing.append(_("no TTHC is in the scope"))
    if missing:
        raise ValidationError(_("It cannot be submitted yet: %(missing)s.") % {"missing": "; ".join(missing)})


@transaction.atomic
def submit_statement(*, acting_user, statement: ContextStatement) -> ContextStatement:
    require(acting_user, statement.commune, permissions.MANAGE)
    _require_draft(statement)
    _check_complete(statement)
    statement.status = ContextStatus.SUBMITTED
    statement.submitted_by = acting_user if _is_user(acting_user) else None
    statement.submitted_on = timezone.localdate()
    _save(statement, acting_user=acting_user, reason="submit")
    log(instance=statement, action=A_CONTEXT_SUBMIT, user=acting_user, data={"version": statement.version})
    return statement


def _require_submitted(statement: ContextStatement) -> None:
    if statement.status != ContextStatus.SUBMITTED:
        raise ValidationError(_("%(statement)s has not been submitted for approval.") % {"statement": statement})


@transaction.atomic
def approve_statement(*, acting_user, statement: ContextStatement, comment: str = "") -> ContextStatement:
    """A commune leader approves the submitted statement; it becomes the commune's context and scope."""
    require(acting_user, statement.commune, permissions.APPROVE)
    _require_submitted(statement)
    statement.status = ContextStatus.APPROVED
    statement.approved_by = acting_user
    statement.approved_on = timezone.localdate()
    statement.review_comment = comment
    _save(statement, acting_user=acting_user, reason="approve")
    log(instance=statement, action=A_CONTEXT_APPROVE, user=acting_user, data={"version": statement.version})
    send_data_changed(sender=ContextStatement, commune_id=statement.commune_id, kind="audit")
    return statement


@transaction.atomic
def reject_statement(*, acting_user, statement: ContextStatement, comment: str) -> ContextStatement:
    """A commune leader sends the submitted statement back to a draft, saying what to change."""
    require(acting_user, statement.commune, permissions.APPROVE)
    _require_submitted(statement)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what has to change.")})
    statement.status = ContextStatus.DRAFT
    statement.review_comment = comment
    _save(statement, acting_user=acting_user, reason="reject")
    log(instance=statement, action=A_CONTEXT_REJECT, user=acting_user, data={"comment": comment})
    return statement
