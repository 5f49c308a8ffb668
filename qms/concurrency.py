"""Optimistic concurrency for edit forms: a save based on what someone else has
since changed is refused, never silently lost.

Operational records: :class:`VersionTokenMixin` puts a hidden ``version_token``
in the form: a digest of the values the form showed when it was opened. On
POST the same digest is taken from the record as it is now; if they differ,
the form gets an error naming who last saved the record and when (its
django-simple-history record, else its Wagtail log entry) and nothing is saved.
A POST without the token is refused too.

Process documents (Wagtail revisions) use :func:`stale_revision_message` with
the revision the editor was loaded from (``loaded_revision_id``).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.people import full_name

TOKEN_FIELD = "version_token"


def format_moment(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


# -- who saved last ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LastChange:
    user: object | None
    at: datetime.datetime | None


def last_change(instance) -> LastChange | None:
    """The latest recorded save of ``instance``: simple-history first, then Wagtail's log."""
    if instance is None or getattr(instance, "pk", None) is None:
        return None
    from simple_history.manager import HistoryManager

    history = getattr(instance, "history", None)
    if isinstance(history, HistoryManager):
        change = latest_record(history.all())
        if change is not None:
            return change
    from wagtail.log_actions import registry as log_registry

    entry = log_registry.get_logs_for_instance(instance).select_related("user").order_by("-timestamp", "-pk").first()
    if entry is not None:
        return LastChange(entry.user, entry.timestamp)
    updated_at = getattr(instance, "updated_at", None)
    return LastChange(None, updated_at) if updated_at else None


def latest_record(history) -> LastChange | None:
    """The latest of a queryset of historical records (e.g. the rows of a list a page edits)."""
    record = history.select_related("history_user").order_by("-history_date", "-history_id").first()
    return LastChange(record.history_user, record.history_date) if record is not None else None


def changed_after_open_message(change: LastChange | None) -> str:
    if change is not None and change.user is not None and change.at is not None:
        return _(
            "This record was saved by %(user)s at %(time)s after you opened it. "
            "Reload the page to see the changes, then make your edits again."
        ) % {"user": full_name(change.user), "time": format_moment(change.at)}
    if change is not None and change.at is not None:
        return _(
            "This record was changed at %(time)s after you opened it. "
            "Reload the page to see the changes, then make your edits again."
        ) % {"time": format_moment(change.at)}
    return _(
        "This record was changed after you opened it. Reload the page to see the changes, then make your edits again."
    )


def missing_version_message() -> str:
    return _(
        "This form cannot be saved because it does not say which version you opened. "
        "Reload the page, then make your edits again."
    )


def stale_revision_message(revision) -> str:
    """A process document saved (as ``revision``) since the editor was opened."""
    if revision.user is not None:
        return _(
            "This process document was saved by %(user)s at %(time)s after you opened it. "
            "Reload the page to see the changes, then make your edits again."
        ) % {"user": full_name(revision.user), "time": format_moment(revision.created_at)}
    return _(
        "This process document was changed at %(time)s after you opened it. "
        "Reload the page to see the changes, then make your edits again."
    ) % {"time": format_moment(revision.created_at)}


# -- the version token -------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, models.Model):
        return ["pk", value.pk]
    if isinstance(value, models.QuerySet):
        value = list(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(item) for item in value]
        if isinstance(value, (set, frozenset)) or all(isinstance(i, (int, str)) for i in items):
            items = sorted(items, key=lambda i: (isinstance(i, str), i))
        return items
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, (datetime.date, datetime.time, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def version_token(state) -> str:
    """A digest of a form's shown values (``state``: any nesting of dicts, lists and values)."""
    encoded = json.dumps(_plain(state), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:40]


class VersionTokenMixin:
    """Form mixin: refuse a save when the record changed after the form was opened.

    The digest covers the values the form shows as initial (for a model form,
    the record's current values), so a form built on POST from the record as
    it is now gives another digest when someone saved in between. Plain forms
    about one object pass it as ``version_object`` (it names who saved), or
    ``version_history``, the historical records of the rows the page shows.
    """

    def __init__(self, *args, version_object=None, version_history=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version_object = version_object
        self.version_history = version_history
        self.fields[TOKEN_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[TOKEN_FIELD] = self.current_version_token()

    def version_state(self) -> dict:
        """The values this form shows as initial (what the user saw when opening it)."""
        state = {}
        for name, field in self.fields.items():
            if name == TOKEN_FIELD:
                continue
            state[name] = field.prepare_value(self.get_initial_for_field(field, name))
        return state

    def current_version_token(self) -> str:
        return version_token(self.version_state())

    def version_last_change(self) -> LastChange | None:
        if self.version_history is not None:
            return latest_record(self.version_history)
        return last_change(self.version_object if self.version_object is not None else getattr(self, "instance", None))

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        if hasattr(self, "cleaned_data"):
            self.cleaned_data.pop(TOKEN_FIELD, None)
        posted = self.data.get(self.add_prefix(TOKEN_FIELD), "")
        if not posted:
            self.add_error(None, missing_version_message())
        elif posted != self.current_version_token():
            self.add_error(None, changed_after_open_message(self.version_last_change()))


class VersionForm(VersionTokenMixin, forms.Form):
    """Only the token, for pages whose data is a formset: ``state`` is what the page shows."""

    def __init__(self, *args, state, **kwargs):
        self._state = state
        super().__init__(*args, **kwargs)

    def version_state(self):
        return self._state


def with_version_token(form_class):
    """``form_class`` with :class:`VersionTokenMixin` (for viewsets that build their form class)."""
    if issubclass(form_class, VersionTokenMixin):
        return form_class
    return type(form_class)(f"Versioned{form_class.__name__}", (VersionTokenMixin, form_class), {})
