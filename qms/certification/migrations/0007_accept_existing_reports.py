"""Corrective reports recorded before the province accepted reports count as accepted on the day they
were recorded (until now a report closed its conclusion); existing inspections stay outside any plan."""

import datetime

from django.db import migrations


def accept_recorded(apps, schema_editor):
    Conclusion = apps.get_model("certification", "InspectionConclusion")
    rows = Conclusion.objects.filter(needs_action=True, reported_on__isnull=False, accepted_at__isnull=True)
    for pk, reported_on, recorded_by in rows.values_list("pk", "reported_on", "inspection__recorded_by"):
        accepted = datetime.datetime.combine(reported_on, datetime.time(12), tzinfo=datetime.UTC)
        Conclusion.objects.filter(pk=pk).update(accepted_at=accepted, accepted_by_id=recorded_by)


class Migration(migrations.Migration):
    dependencies = [("certification", "0006_inspection_plans")]

    operations = [migrations.RunPython(accept_recorded, migrations.RunPython.noop)]
