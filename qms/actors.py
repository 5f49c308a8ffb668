"""Who a write is made by.

A person's write passes that person as ``acting_user``. Writes no person made
(beat tasks, management commands run without ``--user``, demo loading before
any account exists) pass :data:`SYSTEM`: services then skip the permission
check, the audit record and the history row carry no user, and screens show
the write as the system's.
"""

from __future__ import annotations

#: The actor of system writes.
SYSTEM = None


def is_system(actor) -> bool:
    return actor is SYSTEM


def person(actor):
    """The signed-in person behind ``actor``, for a "recorded by" field or a history row; ``None`` for
    the system or an anonymous visitor."""
    return actor if getattr(actor, "is_authenticated", False) else None
