"""Fees become a table: one row per fee (what it is for | amount | legal basis / notes).

Existing text is converted line by line ("- what: amount" -> one row; any other
line -> one row with the line as what), on the documents, in their Wagtail
revisions and in the approved versions' snapshots. Backwards, the rows become
lines "- what: amount (notes)" again.
"""

import json
import re
import uuid

import wagtail.fields
from django.db import migrations

_BULLET = re.compile(r"^\s*[-–•+*]\s*")
AMOUNT_LIMIT = 255


def _parts(line):
    parts = [part.strip() for part in line.split("; ")]
    if len(parts) > 1 and all(": " in part for part in parts):
        return parts
    return [line]


def _row(line):
    item, colon, amount = line.partition(": ")
    item, amount = item.strip(), amount.strip()
    if colon and item and amount and len(amount) <= AMOUNT_LIMIT:
        return {"item": item, "amount": amount, "notes": ""}
    return {"item": line, "amount": "", "notes": ""}


def rows_from_text(text):
    rows = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = _BULLET.sub("", raw).strip()
        if line:
            rows.extend(_row(part) for part in _parts(line))
    return rows


def text_from_rows(rows):
    lines = []
    for row in rows:
        item, amount, notes = (str(row.get(key) or "").strip() for key in ("item", "amount", "notes"))
        line = f"{item}: {amount}" if amount else item
        lines.append(f"- {line} ({notes})" if notes else f"- {line}")
    return "\n".join(lines)


def stream(rows):
    return [{"type": "fee", "value": row, "id": str(uuid.uuid4())} for row in rows]


def _stream_rows(value):
    """Rows of a stored stream (a list, or its JSON text as kept in revisions)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return rows_from_text(value)
    if not isinstance(value, list):
        return []
    return [block.get("value") or {} for block in value if isinstance(block, dict) and block.get("type") == "fee"]


def _is_stream(value):
    if not isinstance(value, str):
        return isinstance(value, list)
    try:
        return isinstance(json.loads(value), list)
    except ValueError:
        return False


def _revisions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="processes", model="processdocument").first()
    if content_type is None:
        return Revision.objects.none()
    return Revision.objects.filter(base_content_type=content_type)


def forwards(apps, schema_editor):
    ProcessDocument = apps.get_model("processes", "ProcessDocument")
    for document in ProcessDocument.objects.exclude(fees_text=""):
        ProcessDocument.objects.filter(pk=document.pk).update(fees=stream(rows_from_text(document.fees_text)))
    convert_revisions(apps)


def convert_revisions(apps):
    """Revisions and version snapshots that still hold the fees as text."""
    _convert_revisions(
        apps,
        lambda value: value is not None and not _is_stream(value),
        lambda value: json.dumps(stream(rows_from_text(value))),
    )
    _convert_snapshots(apps, str, rows_from_text)


def _convert_revisions(apps, needs, convert):
    """Revisions whose fees ``needs`` a change: ``convert`` them."""
    for revision in _revisions(apps).iterator():
        content = revision.content or {}
        if needs(content.get("fees")):
            content["fees"] = convert(content["fees"])
            revision.content = content
            revision.save(update_fields=["content"])


def _convert_snapshots(apps, kind, convert):
    """Version snapshots whose fees are a ``kind``: ``convert`` them."""
    ProcessVersion = apps.get_model("processes", "ProcessVersion")
    for version in ProcessVersion.objects.iterator():
        snapshot = version.snapshot or {}
        if isinstance(snapshot.get("fees"), kind):
            snapshot["fees"] = convert(snapshot["fees"])
            ProcessVersion.objects.filter(pk=version.pk).update(snapshot=snapshot)


def backwards(apps, schema_editor):
    ProcessDocument = apps.get_model("processes", "ProcessDocument")
    for document in ProcessDocument.objects.all():
        rows = [block.value for block in document.fees if block.block_type == "fee"]
        text = text_from_rows([dict(row) for row in rows])
        ProcessDocument.objects.filter(pk=document.pk).update(fees_text=text)
    _convert_revisions(apps, _is_stream, lambda value: text_from_rows(_stream_rows(value)))
    _convert_snapshots(apps, list, text_from_rows)


FEE_FIELD = wagtail.fields.StreamField(
    [("fee", 3)],
    blank=True,
    block_lookup={
        0: (
            "wagtail.blocks.TextBlock",
            (),
            {
                "help_text": "What the fee or charge is for, e.g. “Fee for a copy of the birth certificate”.",
                "label": "Fee for",
                "max_length": 1000,
                "rows": 2,
            },
        ),
        1: (
            "wagtail.blocks.CharBlock",
            (),
            {"help_text": "E.g. “8.000 đồng/bản” or “Miễn”.", "label": "Amount", "max_length": 255, "required": False},
        ),
        2: (
            "wagtail.blocks.TextBlock",
            (),
            {"label": "Legal basis / notes", "max_length": 1000, "required": False, "rows": 2},
        ),
        3: ("wagtail.blocks.StructBlock", [[("item", 0), ("amount", 1), ("notes", 2)]], {}),
    },
    verbose_name="fees",
)


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0002_process_workflow"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RenameField("processdocument", "fees", "fees_text"),
        migrations.AddField("processdocument", "fees", FEE_FIELD),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField("processdocument", "fees_text"),
    ]
