"""Every admin form that writes lands on its success page and writes through a service, as the posting user.

Each success path of ``tests/test_form_success_paths.py`` is walked (its own
checks: the page after the redirect, the Vietnamese message, the row saved once)
while every save and delete of a feature app's model during a request is watched: each must happen
inside a ``services`` module (never a view's ``form.save()``), each
django-simple-history record made during a request names the user who posted,
and the user's request leaves an audit record.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pytest
from django.db.models.signals import post_delete, post_save
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record
from wagtail.models import ModelLogEntry

from tests.test_form_success_paths import CASES

FEATURE_APPS = {"units", "processes", "audits", "certification", "notifications", "public", "signatures", "api"}

#: Writes made by Wagtail's own revision machinery on a quy trình, which the project keeps
#: (the editor's draft of a never-issued document, locks, workflow states): (model, view module).
WAGTAIL_OWNED = {
    ("processdocument", "wagtail.admin.views.generic.mixins"),
    ("processdocument", "wagtail.admin.views.generic.lock"),
    ("processdocument", "wagtail.models.revisions"),
    ("processdocument", "wagtail.models.draft_state"),
    ("processdocument", "wagtail.models.locking"),
    ("processdocument", "wagtail.models.workflows"),
    ("processdocument", "wagtail.actions.revert_to_page_revision"),
}


def _service_frame() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == "services" or module.endswith(".services"):
            return True
        frame = frame.f_back
    return False


def _wagtail_owner(model_name: str) -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if (model_name, module) in WAGTAIL_OWNED:
            return module
        frame = frame.f_back
    return None


@dataclass
class Watch:
    outside_services: list[str] = field(default_factory=list)
    wrong_history_user: list[str] = field(default_factory=list)
    posters: set[int] = field(default_factory=set)

    def on_write(self, sender, instance, **kwargs):
        meta = sender._meta
        if meta.app_label not in FEATURE_APPS or meta.model_name.startswith("historical"):
            return
        request = getattr(HistoricalRecords.context, "request", None)
        if request is None:  # the case's own setup, not the form post
            return
        if request.user.is_authenticated:
            self.posters.add(request.user.pk)
        if not _service_frame() and _wagtail_owner(meta.model_name) is None:
            verb = "deleted" if "created" not in kwargs else "saved"
            self.outside_services.append(f"{meta.label} {instance.pk} {verb} outside a service")

    def on_history(self, sender, history_instance, **kwargs):
        request = getattr(HistoricalRecords.context, "request", None)
        if request is None or not request.user.is_authenticated:
            return
        if history_instance.history_user_id != request.user.pk:
            self.wrong_history_user.append(
                f"{type(history_instance).__name__} by {history_instance.history_user_id}, posted by {request.user.pk}"
            )


@pytest.fixture
def watch():
    recorder = Watch()
    post_save.connect(recorder.on_write, weak=False, dispatch_uid="watch-save")
    post_delete.connect(recorder.on_write, weak=False, dispatch_uid="watch-delete")
    post_create_historical_record.connect(recorder.on_history, weak=False, dispatch_uid="watch-history")
    yield recorder
    post_save.disconnect(dispatch_uid="watch-save")
    post_delete.disconnect(dispatch_uid="watch-delete")
    post_create_historical_record.disconnect(dispatch_uid="watch-history")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_form_success_path_writes_through_services(name, client, world, watch):
    last_entry = ModelLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    CASES[name](client, world)
    assert not watch.outside_services, watch.outside_services
    assert not watch.wrong_history_user, watch.wrong_history_user
    logged = set(ModelLogEntry.objects.filter(pk__gt=last_entry).values_list("user_id", flat=True))
    assert watch.posters <= logged, f"no audit record by user(s) {watch.posters - logged}"
