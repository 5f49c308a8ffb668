"""Notices of the review workflow: submitted for review, approved, changes requested."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import TaskState

from qms.notifications.registry import register_kind
from qms.notifications.services import notify, resolve
from qms.people import full_name

KIND_SUBMITTED = "processes.submitted"
KIND_APPROVED = "processes.approved"
KIND_CHANGES_REQUESTED = "processes.changes_requested"


def register_kinds() -> None:
    register_kind(KIND_SUBMITTED, gettext_lazy("Quy trình submitted for review"))
    register_kind(KIND_APPROVED, gettext_lazy("Quy trình approved"))
    register_kind(KIND_CHANGES_REQUESTED, gettext_lazy("Changes requested on a quy trình"))


def _edit_link(document) -> str:
    return reverse(f"{document.snippet_viewset.url_namespace}:edit", args=[document.pk])


def _values(document) -> dict:
    return {"code": document.code, "title": document.title}


def review_requested(*, document, task_state, acting_user) -> None:
    """The step ``task_state`` started: tell everyone who can act on it."""
    dedup_key = f"processes.review:{task_state.pk}"
    resolve(acting_user=acting_user, obj=document, kinds=[KIND_SUBMITTED], keep_dedup_key=dedup_key)
    task = task_state.task.specific
    recipients = task.actionable_users(document) if hasattr(task, "actionable_users") else []
    with translation.override(settings.LANGUAGE_CODE):
        values = {**_values(document), "step": task.name, "by": full_name(acting_user) if acting_user else ""}
        subject = _("Quy trình %(code)s awaits your review (%(step)s)") % values
        message = _("%(by)s submitted quy trình %(code)s “%(title)s” for the step “%(step)s”.") % values
        notify(
            recipients=recipients,
            kind=KIND_SUBMITTED,
            subject=subject,
            message=message,
            obj=document,
            commune=document.commune_id,
            link=_edit_link(document),
            dedup_key=dedup_key,
            acting_user=acting_user,
        )


def review_closed(*, document, acting_user) -> None:
    """The review ended (approved, changes requested or cancelled): its "awaits your review" notices are done."""
    resolve(acting_user=acting_user, obj=document, kinds=[KIND_SUBMITTED])


def _last_comment(workflow_state) -> str:
    state = (
        TaskState.objects.filter(workflow_state=workflow_state, finished_at__isnull=False)
        .order_by("-finished_at", "-pk")
        .first()
    )
    return (state.specific.get_comment() or "").strip() if state is not None else ""


def review_finished(*, document, workflow_state, approved: bool, acting_user) -> None:
    """Approved or changes requested: tell whoever submitted, with the reviewer's comment."""
    submitter = workflow_state.requested_by
    if submitter is None:
        return
    comment = _last_comment(workflow_state)
    with translation.override(settings.LANGUAGE_CODE):
        values = {**_values(document), "by": full_name(acting_user) if acting_user else "", "comment": comment}
        if approved:
            kind = KIND_APPROVED
            subject = _("Quy trình %(code)s was approved") % values
            message = _("%(by)s approved quy trình %(code)s “%(title)s”.") % values
        else:
            kind = KIND_CHANGES_REQUESTED
            subject = _("Changes requested on quy trình %(code)s") % values
            message = _("%(by)s requested changes to quy trình %(code)s “%(title)s”.") % values
        if comment:
            message += "\n" + _("Comment: %(comment)s") % values
        notify(
            recipients=[submitter],
            kind=kind,
            subject=subject,
            message=message,
            obj=document,
            commune=document.commune_id,
            link=_edit_link(document),
            dedup_key=f"processes.{'approved' if approved else 'rejected'}:{workflow_state.pk}",
            acting_user=acting_user,
        )
