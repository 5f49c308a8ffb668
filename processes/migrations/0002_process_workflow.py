"""The one approval workflow of process documents: Soạn thảo → Soát xét → Phê duyệt.

Drafting is the editor's work before submitting; the two tasks are done by
the leaders of the document's own commune (CommuneRoleApprovalTask).
"""

from django.db import migrations

WORKFLOW_NAME = "Soạn thảo → Soát xét → Phê duyệt"
TASKS = (("Soát xét", "leader"), ("Phê duyệt", "leader"))


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    Task = apps.get_model("processes", "CommuneRoleApprovalTask")
    document_type, _ = ContentType.objects.get_or_create(app_label="processes", model="processdocument")
    task_type, _ = ContentType.objects.get_or_create(app_label="processes", model="communeroleapprovaltask")
    if WorkflowContentType.objects.filter(content_type=document_type).exists():
        return
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    for order, (name, role) in enumerate(TASKS):
        task = Task.objects.create(name=name, role=role, content_type=task_type, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    WorkflowContentType.objects.create(workflow=workflow, content_type=document_type)


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
