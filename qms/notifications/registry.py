"""The kinds of notification, registered by the feature apps in their ``AppConfig.ready()``."""

from __future__ import annotations

_KINDS: dict[str, object] = {}


def register_kind(kind: str, label) -> str:
    """Declare ``kind`` (e.g. ``"audits.overdue"``) with its human label; returns the kind."""
    _KINDS[kind] = label
    return kind


def is_registered(kind: str) -> bool:
    return kind in _KINDS


def kind_label(kind: str) -> str:
    return str(_KINDS.get(kind, kind))
