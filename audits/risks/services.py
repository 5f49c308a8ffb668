"""Writes of the risk register: record, edit, re-assess, close, delete.

Keyword-only and atomic; each takes ``acting_user``, checks the commune
permission, validates, records the user in the history and leaves an audit
record. Refusals are ``ValidationError`` with a Vietnamese message.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes import selectors as process_selectors
from qms import permissions
from qms.audit_log import define_action, log

from ..services import _loggable, _require_commune_member, _save, _set_fields, require
from .models import Risk, RiskStatus

A_RISK_CREATE = define_action(
    "audits.risk.create", gettext_lazy("Record risk or opportunity"), gettext_lazy("Recorded the risk or opportunity")
)
A_RISK_UPDATE = define_action(
    "audits.risk.update", gettext_lazy("Edit risk or opportunity"), gettext_lazy("Edited the risk or opportunity")
)
A_RISK_REASSESS = define_action(
    "audits.risk.reassess",
    gettext_lazy("Re-assess risk after treatment"),
    gettext_lazy("Re-assessed the risk after its treatment"),
)
A_RISK_CLOSE = define_action(
    "audits.risk.close", gettext_lazy("Close risk"), gettext_lazy("Closed the risk as treated")
)
A_RISK_DELETE = define_action(
    "audits.risk.delete", gettext_lazy("Delete risk or opportunity"), gettext_lazy("Deleted a risk or opportunity")
)

RISK_FIELDS = (
    "kind",
    "process_document",
    "procedure_field",
    "finding",
    "description",
    "cause",
    "consequence",
    "likelihood",
    "impact",
    "owner",
    "treatment",
    "due_date",
    "identified_on",
)


def _check_links(risk: Risk) -> None:
    document, finding = risk.process_document, risk.finding
    if document is not None and document.commune_id != risk.commune_id:
        raise ValidationError({"process_document": _("This process belongs to another commune.")})
    if finding is not None and finding.commune_id != risk.commune_id:
        raise ValidationError({"finding": _("This finding belongs to another commune.")})
    if not (risk.description or "").strip():
        raise ValidationError({"description": _("Describe the risk or opportunity.")})
    if risk.owner_id:
        _require_commune_member(risk.owner, risk.commune, "owner")
    if risk.treatment.strip() and risk.due_date is None:
        raise ValidationError({"due_date": _("Give the date by which the treatment must be done.")})
    if risk.due_date and risk.owner_id is None:
        raise ValidationError({"owner": _("A treatment with a due date needs an owner.")})


def _from_finding(risk: Risk) -> None:
    """A risk raised from a finding takes the finding's process when none is given."""
    finding = risk.finding
    if finding is None or risk.process_document_id or not finding.process_document_id:
        return
    documents = process_selectors.commune_documents(communes=[risk.commune_id])
    risk.process_document = documents.filter(pk=finding.process_document_id).first()


def _follow_treatment(risk: Risk) -> None:
    if risk.status == RiskStatus.OPEN and risk.treatment.strip():
        risk.status = RiskStatus.TREATING


def _require_active(risk: Risk) -> None:
    if not risk.is_active:
        raise ValidationError(_("Risk %(number)s has been closed: it is kept as it was.") % {"number": risk.number})


@transaction.atomic
def create_risk(*, acting_user, commune, **fields) -> Risk:
    """Record a risk or opportunity in ``commune``'s register (from a finding when ``finding`` is given)."""
    require(acting_user, commune, permissions.MANAGE)
    risk = Risk(commune=commune, created_by=acting_user if getattr(acting_user, "pk", None) else None)
    fields.setdefault("identified_on", timezone.localdate())
    _set_fields(risk, fields, RISK_FIELDS)
    _from_finding(risk)
    _check_links(risk)
    _follow_treatment(risk)
    risk.sequence = (Risk.objects.filter(commune=commune).aggregate(n=Max("sequence"))["n"] or 0) + 1
    _save(risk, acting_user=acting_user)
    log(
        instance=risk,
        action=A_RISK_CREATE,
        user=acting_user,
        data={"number": risk.number, "score": risk.score, "level": risk.level},
    )
    return risk


@transaction.atomic
def update_risk(*, acting_user, risk, **fields) -> Risk:
    require(acting_user, risk.commune, permissions.MANAGE)
    _require_active(risk)
    changed = _set_fields(risk, fields, RISK_FIELDS)
    _check_links(risk)
    _follow_treatment(risk)
    _save(risk, acting_user=acting_user)
    log(instance=risk, action=A_RISK_UPDATE, user=acting_user, data=_loggable(changed))
    return risk


@transaction.atomic
def reassess_risk(
    *,
    acting_user,
    risk,
    residual_likelihood: int,
    residual_impact: int,
    note: str = "",
    reassessed_on: datetime.date | None = None,
) -> Risk:
    """Record the likelihood and impact once the treatment is done."""
    require(acting_user, risk.commune, permissions.MANAGE)
    _require_active(risk)
    if not risk.treatment.strip():
        raise ValidationError(_("Plan the treatment of the risk before re-assessing it."))
    reassessed_on = reassessed_on or timezone.localdate()
    if reassessed_on > timezone.localdate():
        raise ValidationError({"reassessed_on": _("A re-assessment cannot be dated in the future.")})
    if reassessed_on < risk.identified_on:
        raise ValidationError({"reassessed_on": _("A re-assessment cannot be dated before the risk was identified.")})
    risk.residual_likelihood, risk.residual_impact = residual_likelihood, residual_impact
    risk.reassessed_on, risk.reassessment_note = reassessed_on, note
    _save(risk, acting_user=acting_user, reason="reassess")
    log(
        instance=risk,
        action=A_RISK_REASSESS,
        user=acting_user,
        data={"before": risk.score, "after": risk.residual_score, "level": risk.residual_level},
    )
    return risk


@transaction.atomic
def close_risk(*, acting_user, risk, closed_on: datetime.date | None = None) -> Risk:
    """Close a treated risk; it must have been re-assessed first."""
    require(acting_user, risk.commune, permissions.MANAGE)
    _require_active(risk)
    if risk.reassessed_on is None:
        raise ValidationError(_("Re-assess the risk after its treatment before closing it."))
    risk.status, risk.closed_on = RiskStatus.CLOSED, closed_on or timezone.localdate()
    _save(risk, acting_user=acting_user, reason="close")
    log(instance=risk, action=A_RISK_CLOSE, user=acting_user, data={"closed_on": risk.closed_on})
    return risk


@transaction.atomic
def delete_risk(*, acting_user, risk) -> None:
    """Delete a risk recorded by mistake; a closed risk is a record and stays."""
    require(acting_user, risk.commune, permissions.MANAGE)
    if not risk.is_active:
        raise ValidationError(
            _("Risk %(number)s has been treated and closed: it is kept as a record.") % {"number": risk.number}
        )
    log(instance=risk, action=A_RISK_DELETE, user=acting_user, data={"description": risk.description[:200]})
    risk._history_user = acting_user
    risk.delete()
