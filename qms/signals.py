"""Signals shared across apps.

``qms_data_changed`` is sent (on commit) by the services of ``processes`` and
``audits`` whenever data that the certification summaries read has changed, so
``qms.certification`` can refresh one commune's summary row without those apps
importing it.

A bulk load (the demo, an import) wraps its work in :func:`data_changes_batched`:
each commune's change is then sent once, when the block ends, instead of once
per record.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import Signal

#: kwargs: ``commune_id`` (int), ``kind`` (str, e.g. "process", "audit").
qms_data_changed = Signal()

_batch: ContextVar[dict | None] = ContextVar("qms_data_changes_batch", default=None)


def send_data_changed(*, sender, commune_id: int, kind: str) -> None:
    """Send ``qms_data_changed`` once the current transaction commits (once per batch inside one)."""
    pending = _batch.get()
    if pending is not None:
        pending.setdefault((commune_id, kind), sender)
        return
    transaction.on_commit(lambda: qms_data_changed.send(sender=sender, commune_id=commune_id, kind=kind))


def batching() -> bool:
    """Whether the caller runs inside :func:`data_changes_batched`."""
    return _batch.get() is not None


@contextlib.contextmanager
def data_changes_batched():
    """Collect the changes sent within the block; each (commune, kind) is sent once at its end."""
    if _batch.get() is not None:
        yield
        return
    pending: dict = {}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for (commune_id, kind), sender in sorted(pending.items(), key=lambda item: item[0]):
        send_data_changed(sender=sender, commune_id=commune_id, kind=kind)
