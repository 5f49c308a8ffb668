"""Notices of corrective actions: assigned to an owner, submitted for verification."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qms.docx import format_short_date
from qms.notifications.services import notify, resolve
from qms.people import full_name

KIND_ASSIGNED = "audits.action_assigned"
KIND_SUBMITTED = "audits.action_submitted"


def _link(action) -> str:
    return reverse("audits_actions:inspect", args=[action.pk])


def _values(action, acting_user) -> dict:
    return {
        "number": action.number,
        "title": action.title,
        "commune": action.commune.name,
        "due": format_short_date(action.due_date),
        "by": full_name(acting_user) if acting_user else "",
    }


def action_assigned(*, action, acting_user) -> None:
    """Tell the owner that the action is theirs (also when the owner changes)."""
    with translation.override(settings.LANGUAGE_CODE):
        values = _values(action, acting_user)
        notify(
            recipients=[action.owner],
            kind=KIND_ASSIGNED,
            subject=_("Corrective action %(number)s is assigned to you") % values,
            message=_("%(by)s assigned you corrective action %(number)s “%(title)s” (%(commune)s), due on %(due)s.")
            % values,
            obj=action,
            commune=action.commune_id,
            link=_link(action),
            dedup_key=f"{KIND_ASSIGNED}:{action.pk}:{action.owner_id}",
            acting_user=acting_user,
        )


def verifiers(action) -> list:
    """Who verifies: the auditor who raised the finding and the plan's lead auditor (else who opened the action)."""
    if action.finding_id:
        finding = action.finding
        lead = finding.plan.lead_auditor.user if finding.plan_id else None
        return [finding.raised_by, lead]
    return [action.requested_by]


def action_submitted(*, action, acting_user) -> None:
    recipients = [u for u in verifiers(action) if u is not None and u.pk != action.owner_id]
    with translation.override(settings.LANGUAGE_CODE):
        values = _values(action, acting_user)
        notify(
            recipients=recipients,
            kind=KIND_SUBMITTED,
            subject=_("Corrective action %(number)s awaits verification") % values,
            message=_("%(by)s submitted corrective action %(number)s “%(title)s” (%(commune)s) for verification.")
            % values,
            obj=action,
            commune=action.commune_id,
            link=_link(action),
            dedup_key=f"{KIND_SUBMITTED}:{action.pk}:{action.submitted_at.isoformat()}",
            acting_user=acting_user,
        )


def action_settled(*, action, acting_user, kinds=(KIND_ASSIGNED, KIND_SUBMITTED)) -> None:
    """What the action's notices asked for is done (submitted, verified or cancelled): they are read."""
    resolve(acting_user=acting_user, obj=action, kinds=kinds)
