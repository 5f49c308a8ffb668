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
KIND_REVIEW_DUE = "processes.review_due"
KIND_REVIEW_OVERDUE = "processes.review_overdue"
KIND_ACKNOWLEDGE = "processes.acknowledge"
REVIEW_KINDS = (KIND_REVIEW_DUE, KIND_REVIEW_OVERDUE)


def register_kinds() -> None:
    register_kind(KIND_SUBMITTED, gettext_lazy("Quy trình submitted for review"))
    register_kind(KIND_APPROVED, gettext_lazy("Quy trình approved"))
    register_kind(KIND_CHANGES_REQUESTED, gettext_lazy("Changes requested on a quy trình"))
    register_kind(KIND_REVIEW_DUE, gettext_lazy("Periodic review of a quy trình due soon"))
    register_kind(KIND_REVIEW_OVERDUE, gettext_lazy("Periodic review of a quy trình overdue"))
    register_kind(KIND_ACKNOWLEDGE, gettext_lazy("Read and confirm a quy trình"))


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


def _page_link(document, name: str) -> str:
    return reverse(f"{document.snippet_viewset.url_namespace}:{name}", args=[document.pk])


def review_dedup_key(kind: str, document_id: int, due_on) -> str:
    """One reminder per stage and review date: a new date (after a review) starts a new cycle."""
    return f"{kind}:{document_id}:{due_on.isoformat()}"


def review_reminder(*, document, recipients, overdue: bool, acting_user) -> list:
    """The ISO officers are told that the quy trình's periodic review is due soon or overdue."""
    kind = KIND_REVIEW_OVERDUE if overdue else KIND_REVIEW_DUE
    with translation.override(settings.LANGUAGE_CODE):
        values = {**_values(document), "due": document.next_review_on.strftime("%d/%m/%Y")}
        if overdue:
            subject = _("The periodic review of quy trình %(code)s is overdue") % values
            message = (
                _(
                    "The periodic review of quy trình %(code)s “%(title)s” was due on %(due)s. Review it: record "
                    "“reviewed, no change” or submit a new version."
                )
                % values
            )
        else:
            subject = _("The periodic review of quy trình %(code)s is due on %(due)s") % values
            message = (
                _(
                    "The periodic review of quy trình %(code)s “%(title)s” is due on %(due)s. Review it: record "
                    "“reviewed, no change” or submit a new version."
                )
                % values
            )
        return notify(
            recipients=recipients,
            kind=kind,
            subject=subject,
            message=message,
            obj=document,
            commune=document.commune_id,
            link=_page_link(document, "review"),
            dedup_key=review_dedup_key(kind, document.pk, document.next_review_on),
            acting_user=acting_user,
        )


def review_done(*, document, acting_user) -> None:
    """Reviewed (no change, or a new version): the review reminders are done."""
    resolve(acting_user=acting_user, obj=document, kinds=REVIEW_KINDS)


def acknowledge_dedup_key(version) -> str:
    return f"{KIND_ACKNOWLEDGE}:{version.pk}"


def acknowledge_requested(*, document, version, recipients, acting_user) -> list:
    """A version became effective: the staff who perform the process are asked to read and confirm it."""
    key = acknowledge_dedup_key(version)
    resolve(acting_user=acting_user, obj=document, kinds=[KIND_ACKNOWLEDGE], keep_dedup_key=key)
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            **_values(document),
            "issue": f"{version.issue_number:02d}",
            "date": version.effective_date.strftime("%d/%m/%Y"),
        }
        subject = _("Read and confirm quy trình %(code)s, issue %(issue)s") % values
        message = (
            _(
                "Issue %(issue)s of quy trình %(code)s “%(title)s” takes effect on %(date)s. Read it and confirm "
                "that you have read it."
            )
            % values
        )
        return notify(
            recipients=recipients,
            kind=KIND_ACKNOWLEDGE,
            subject=subject,
            message=message,
            obj=document,
            commune=document.commune_id,
            link=_page_link(document, "acknowledge"),
            dedup_key=key,
            acting_user=acting_user,
        )
