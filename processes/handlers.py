"""Wagtail workflow signals -> the processes services."""

from __future__ import annotations

from .models import ProcessDocument


def _document(workflow_state):
    obj = workflow_state.content_object if workflow_state is not None else None
    return obj if isinstance(obj, ProcessDocument) else None


def on_workflow_approved(sender, instance, user=None, **kwargs):
    """The last step approved: Wagtail has published the reviewed revision; issue it."""
    from .notices import review_closed, review_finished
    from .services import approve_process_document

    document = _document(instance)
    if document is not None:
        approve_process_document(document=document, acting_user=user, workflow_state=instance)
        review_closed(document=document, acting_user=user)
        review_finished(document=document, workflow_state=instance, approved=True, acting_user=user)


def on_workflow_changed(sender, instance, user=None, **kwargs):
    """Submitted, rejected or cancelled: the document's status follows."""
    from .notices import review_closed
    from .services import sync_status

    document = _document(instance)
    if document is not None:
        sync_status(document=document)
        if instance.status != instance.STATUS_IN_PROGRESS:
            review_closed(document=document, acting_user=user)


def on_workflow_rejected(sender, instance, user=None, **kwargs):
    """Changes requested: the document goes back to its drafter, who is told why."""
    from .notices import review_finished

    on_workflow_changed(sender, instance, user=user)
    document = _document(instance)
    if document is not None:
        review_finished(document=document, workflow_state=instance, approved=False, acting_user=user)


def on_task_submitted(sender, instance, user=None, **kwargs):
    """A (re)started step, e.g. a resubmission after changes were requested: its reviewers are told."""
    from .notices import review_requested

    on_workflow_changed(sender, instance.workflow_state, user=user)
    document = _document(instance.workflow_state)
    if document is not None:
        review_requested(document=document, task_state=instance, acting_user=user)


def connect() -> None:
    from wagtail.signals import (
        task_submitted,
        workflow_approved,
        workflow_cancelled,
        workflow_rejected,
        workflow_submitted,
    )

    workflow_approved.connect(on_workflow_approved, dispatch_uid="processes.workflow_approved")
    workflow_submitted.connect(on_workflow_changed, dispatch_uid="processes.workflow_submitted")
    workflow_rejected.connect(on_workflow_rejected, dispatch_uid="processes.workflow_rejected")
    workflow_cancelled.connect(on_workflow_changed, dispatch_uid="processes.workflow_cancelled")
    task_submitted.connect(on_task_submitted, dispatch_uid="processes.task_submitted")
