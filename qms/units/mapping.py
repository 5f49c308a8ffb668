"""The 2025 restructuring as data: which old communes went into which new commune.

The shipped file (``fixtures/units/mapping_2025_old_to_new.csv``) comes from the
dvhcvn/20250701 project (MIT), read from the 34 resolutions 1654–1687/NQ-UBTVQH15
with machine help and manual fixes: it is not an official list (see
``fixtures/README.md``). Loading is idempotent (bulk, by the old/new code pair).
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms import actors, permissions
from qms.audit_log import define_action, log

from .models import Commune, Era, UnitMapping

MAPPING_FILE = settings.BASE_DIR / "fixtures" / "units" / "mapping_2025_old_to_new.csv"
#: What the screens show under the mapping.
MAPPING_SOURCE = gettext_lazy(
    "Source: dvhcvn/20250701 (commit dd94887, 12/07/2025), built from the resolutions 1654–1687/NQ-UBTVQH15 "
    "(unofficial)"
)

ACTION_MAPPING_LOAD = define_action(
    "qms.units.mapping_load", gettext_lazy("Load the 2025 unit mapping"), gettext_lazy("Loaded the 2025 unit mapping")
)
ACTION_PREDECESSORS = define_action(
    "qms.units.predecessors",
    gettext_lazy("Fill predecessor communes"),
    gettext_lazy("Filled the predecessor communes from the 2025 mapping"),
)
ACTION_READ_ONLY = define_action(
    "qms.units.read_only", gettext_lazy("Commune made read-only"), gettext_lazy("Changed the commune's read-only state")
)

FIELDS = (
    "old_code",
    "old_name",
    "old_district_code",
    "old_province_code",
    "new_code",
    "new_name",
    "new_province_code",
    "share",
    "resolution",
)


def read_mapping(path: str | Path = MAPPING_FILE) -> list[UnitMapping]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        old = {"old_commune_code": "old_code", "old_commune_name": "old_name", "new_commune_code": "new_code"}
        old |= {"new_commune_name": "new_name"}
        return [UnitMapping(**{old.get(key, key): value.strip() for key, value in row.items()}) for row in reader]


@transaction.atomic
def load_mapping(*, acting_user=None, path: str | Path = MAPPING_FILE) -> int:
    """Add the mapping rows not yet loaded; returns how many were added."""
    rows = read_mapping(path)
    known = set(UnitMapping.objects.values_list("old_code", "new_code"))
    new = [row for row in rows if (row.old_code, row.new_code) not in known]
    if not new:
        return 0
    UnitMapping.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    log(
        instance=UnitMapping.objects.order_by("pk").first(),
        action=ACTION_MAPPING_LOAD,
        user=acting_user,
        data={"added": len(new), "file": Path(path).name},
    )
    return len(new)


def reference_lines(*, acting_user=None) -> list[str]:
    added = load_mapping(acting_user=acting_user)
    total = UnitMapping.objects.count()
    return [_("2025 unit mapping: %(total)d rows (%(added)d added).") % {"total": total, "added": added}]


def mapping_rows(commune: Commune) -> list[UnitMapping]:
    """The mapping rows that formed a 2025 commune."""
    if commune.unit.era != Era.Y2025:
        return []
    return list(UnitMapping.objects.filter(new_code=commune.unit.code))


@transaction.atomic
def fill_predecessors(*, commune: Commune, acting_user) -> list[Commune]:
    """Record as predecessors the provisioned pre-2025 communes the mapping puts into ``commune``."""
    if not actors.is_system(acting_user):
        permissions.require_commune_perm(acting_user, commune, permissions.VIEW)
    codes = [row.old_code for row in mapping_rows(commune)]
    known = set(commune.predecessors.values_list("pk", flat=True))
    found = Commune.objects.filter(unit__era=Era.PRE_2025, unit__code__in=codes).select_related("unit")
    added = [c for c in found if c.pk not in known]
    if added:
        commune.predecessors.add(*added)
        log(
            instance=commune,
            action=ACTION_PREDECESSORS,
            user=acting_user,
            data={"added": [c.unit.code for c in added]},
        )
    return added


@transaction.atomic
def set_read_only(*, commune: Commune, read_only: bool, acting_user) -> Commune:
    """Freeze (or thaw) a commune's records: its members may still read them, nobody may change them."""
    if read_only == (commune.read_only_since is not None):
        return commune
    commune.read_only_since = timezone.now() if read_only else None
    commune.save(update_fields=["read_only_since"])
    log(instance=commune, action=ACTION_READ_ONLY, user=acting_user, data={"read_only": read_only})
    return commune


def read_only_message(commune: Commune) -> str:
    successor = commune.successors.first()
    if successor is None:
        return _("%(commune)s is read-only: its records can be read but no longer changed.") % {"commune": commune}
    return _(
        "%(commune)s has merged into %(successor)s: its QMS was carried over, and its records can be read but "
        "no longer changed."
    ) % {"commune": commune, "successor": successor}


def require_writable(commune: Commune) -> None:
    if commune is not None and commune.read_only_since is not None:
        raise ValidationError(read_only_message(commune))
