"""The project's audit trail: one ``log()`` helper used by every service.

Entries are Wagtail ``ModelLogEntry`` rows, so they show in the admin's
history views and in the site history report beside Wagtail's own actions.
Each app registers the actions it logs with :func:`register_actions` from its
``wagtail_hooks.py`` (``register_log_actions`` hook).
"""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from qms import actors

#: action -> (label, message), filled by the apps at import time.
ACTIONS: dict[str, tuple[str, str]] = {}


def define_action(action: str, label, message) -> str:
    """Declare an audit action (call at module level); returns its name.

    Wagtail reads the ``register_log_actions`` hooks once, at the first entry written or shown; an
    action declared by a module imported after that (a view module loaded with the URLs, a task module
    in a worker) is registered with Wagtail directly."""
    ACTIONS[action] = (label, message)
    if registry.has_scanned_for_actions:
        registry.register_action(action, label, message)
    return action


def register_actions(actions) -> None:
    """Body of the ``register_log_actions`` hook: registers every declared action."""
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def log(*, instance, action: str, user=None, data: dict[str, Any] | None = None):
    """Write one audit record for ``instance``; returns the log entry."""
    if registry.get_log_model_for_instance(instance) is None:
        registry.register_model(type(instance), ModelLogEntry)
    return registry.log(
        instance=instance,
        action=action,
        user=actors.person(user),
        data=_jsonable(data),
    )


def entries_for(instance):
    """The audit records of one object, newest first."""
    return registry.get_logs_for_instance(instance).order_by("-timestamp", "-id")
