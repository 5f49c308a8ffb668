"""PostgreSQL: a GIN index on ``title || body`` of the search index entries.

The database search backend matches ``(title || body) @@ query``; its own GIN indexes
cover each column alone, so the match was a scan of every entry, and without
statistics on the expression the planner took a match for one row. The expression
index serves the match and gives ANALYZE the expression's statistics.
"""

from django.db import migrations

INDEX = "qms_search_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING GIN ((title || body))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0009_bulk_export"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
