from django.db import migrations


def load(apps, schema_editor):
    from audits.clauses import load_clauses

    load_clauses(apps.get_model("audits", "IsoClause"))


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
