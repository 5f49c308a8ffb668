"""Full official names for catalogue entries stored cut short (a name is never cut again: it is a text field)."""

import csv
import json
import unicodedata

from django.conf import settings
from django.db import migrations

CATALOGUE_DIR = settings.BASE_DIR / "fixtures" / "tthc"


def _norm(value) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())


def catalogue_names() -> dict[str, str]:
    """Code → full name from the catalogue files the reference data loads."""
    names: dict[str, str] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                names[_norm(row.get("ma_thu_tuc"))] = _norm(row.get("ten_thu_tuc"))
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("procedures", []) if isinstance(data, dict) else data:
            names[_norm(item.get("ma_thu_tuc"))] = _norm(item.get("ten_thu_tuc"))
    return names


def restore(apps, schema_editor):
    Procedure = apps.get_model("processes", "Procedure")
    if not Procedure.objects.exists():
        return
    full = catalogue_names()
    for procedure in Procedure.objects.only("pk", "code", "name").iterator():
        name = full.get(procedure.code, "")
        stored = procedure.name.rstrip()
        if stored and len(name) > len(stored) and name.startswith(stored):
            Procedure.objects.filter(pk=procedure.pk).update(name=name)


class Migration(migrations.Migration):
    dependencies = [("processes", "0004_long_procedure_names")]

    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
