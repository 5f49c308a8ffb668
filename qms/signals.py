"""Signals shared across apps.

``qms_data_changed`` is sent (on commit) by the services of ``processes`` and
``audits`` whenever data that the certification summaries read has changed, so
``qms.certification`` can refresh one commune's summary row without those apps
importing it.
"""

from django.dispatch import Signal

#: kwargs: ``commune_id`` (int), ``kind`` (str, e.g. "process", "audit").
qms_data_changed = Signal()


def send_data_changed(*, sender, commune_id: int, kind: str) -> None:
    """Send ``qms_data_changed`` once the current transaction commits."""
    from django.db import transaction

    transaction.on_commit(lambda: qms_data_changed.send(sender=sender, commune_id=commune_id, kind=kind))
