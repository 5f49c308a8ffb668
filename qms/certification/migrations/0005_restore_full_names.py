"""Full procedure names for scope gaps stored cut at 500 characters."""

from django.db import migrations
from django.db.models.functions import Length

CUT_AT = 500


def restore(apps, schema_editor):
    ScopeGap = apps.get_model("certification", "ScopeGap")
    Procedure = apps.get_model("processes", "Procedure")
    for gap in ScopeGap.objects.annotate(n=Length("procedure_name")).filter(n=CUT_AT).iterator():
        name = Procedure.objects.filter(code=gap.procedure_code).values_list("name", flat=True).first() or ""
        if len(name) > CUT_AT and name.startswith(gap.procedure_name.rstrip()):
            ScopeGap.objects.filter(pk=gap.pk).update(procedure_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0004_long_procedure_names"),
        ("processes", "0005_restore_full_names"),
    ]

    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
