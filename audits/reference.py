"""The reference data of internal audits: the TCVN ISO 9001:2015 clause catalogue."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .clauses import load_clauses
from .models import IsoClause


def load_reference(*, acting_user=None) -> list[str]:
    created, updated = load_clauses(IsoClause)
    return [_("ISO 9001 clauses: %(created)d added, %(updated)d updated.") % {"created": created, "updated": updated}]
