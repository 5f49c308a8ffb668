"""Retention periods of the records the system generates or signs (Luật Lưu trữ 2024).

One table, keyed by the record type (the keys of :mod:`qms.signatures.registry` and of the yearly
archive package). The values are the project's defaults, set after the records' usual periods
(quy trình and ISO records 10 years, announcement decisions permanent, feedback 5 years); a
deployment replaces any of them with ``QMS_RETENTION_YEARS`` (``{"announcement": 20}``; ``0`` is
permanent).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

PERMANENT = 0

#: Years each record type is kept; PERMANENT (0) is "Vĩnh viễn".
DEFAULT_RETENTION_YEARS = {
    "process_version": 10,
    "announcement": PERMANENT,
    "audit_programme": 10,
    "audit_plan": 10,
    "audit_report": 10,
    "corrective_action": 10,
    "management_review": 10,
    "inspection": 10,
    "feedback": 5,
}
#: A record type not in the table.
FALLBACK_YEARS = 10


def retention_years(record_type: str) -> int:
    """Years ``record_type`` is kept (0: permanent), with the deployment's overrides."""
    table = {**DEFAULT_RETENTION_YEARS, **getattr(settings, "QMS_RETENTION_YEARS", {})}
    return int(table.get(record_type, FALLBACK_YEARS))


def retention_label(years: int | None) -> str:
    """The period as people read it ("10 năm", "Vĩnh viễn" in Vietnamese); "" when unknown."""
    if years is None:
        return ""
    if years == PERMANENT:
        return pgettext("retention", "Permanent")
    return _("%(years)d years") % {"years": years}
