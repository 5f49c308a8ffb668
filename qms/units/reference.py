"""Loading the shipped reference data (both eras of administrative units)."""

from __future__ import annotations

from django.conf import settings

from .models import AdministrativeUnit, Era
from .services import ImportReport, import_units

UNIT_FIXTURES = {
    Era.PRE_2025: settings.BASE_DIR / "fixtures" / "units" / "dvhc_pre2025_v2.4.1.json",
    Era.Y2025: settings.BASE_DIR / "fixtures" / "units" / "dvhc_2025_v4.2.0.json",
}


def load_unit_fixtures(*, acting_user=None, force: bool = False) -> list[ImportReport]:
    """Load each era's shipped list once (a no-op when the era is already there)."""
    reports = []
    for era, path in UNIT_FIXTURES.items():
        if force or not AdministrativeUnit.objects.filter(era=era).exists():
            reports.append(import_units(path=path, acting_user=acting_user))
    return reports
