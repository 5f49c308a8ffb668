"""Full procedure names for audit scopes and findings stored cut at 255 characters."""

from django.db import migrations
from django.db.models.functions import Length

CUT_AT = 255


def _full(cut: str, candidates) -> str:
    stored = (cut or "").rstrip()
    longer = {c for c in candidates if c and len(c) > len(stored) and c.startswith(stored)}
    return longer.pop() if len(longer) == 1 else ""


def restore(apps, schema_editor):
    AuditedProcess = apps.get_model("audits", "AuditedProcess")
    Finding = apps.get_model("audits", "Finding")
    ProcessDocument = apps.get_model("processes", "ProcessDocument")
    Procedure = apps.get_model("processes", "Procedure")

    def names_of(document_id) -> list[str]:
        if document_id:
            document = ProcessDocument.objects.filter(pk=document_id).select_related("procedure").first()
            if document is not None:
                return [document.procedure.name]
        return []

    def catalogue_match(cut: str) -> list[str]:
        return list(Procedure.objects.filter(name__startswith=cut.rstrip()).values_list("name", flat=True)[:2])

    for row in AuditedProcess.objects.annotate(n=Length("title")).filter(n=CUT_AT).iterator():
        name = _full(row.title, names_of(row.document_id)) or _full(row.title, catalogue_match(row.title))
        if name:
            AuditedProcess.objects.filter(pk=row.pk).update(title=name)
    for row in Finding.objects.annotate(n=Length("process_document_title")).filter(n=CUT_AT).iterator():
        cut = row.process_document_title
        name = _full(cut, names_of(row.process_document_id)) or _full(cut, catalogue_match(cut))
        if name:
            Finding.objects.filter(pk=row.pk).update(process_document_title=name)


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0006_long_procedure_names"),
        ("processes", "0005_restore_full_names"),
    ]

    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
