"""Copy the seed quy trình to every commune × procedure in set-based SQL.

Each table is filled by one ``INSERT … SELECT`` per chunk of communes: the handled
procedures and their history, the documents, their Wagtail revisions (the seed's JSON
with the copy's keys merged in by the engine), their versions and the versions'
history, and the search index entries. Nothing is built row by row in Python, so the
national size (half a million quy trình, a million revisions) builds in minutes on
SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone
from wagtail.models import Revision
from wagtail.search.backends import get_search_backend

from processes.models import CommuneProcedure, Procedure, ProcessDocument, ProcessVersion

COMMUNES_PER_CHUNK = 100

# Placeholders in the seed's index text, replaced by each copy's own values in SQL.
ROW_VALUES = (("⟦code⟧", "d.code"), ("⟦title⟧", "d.title"), ("⟦pcode⟧", "p.code"), ("⟦pfield⟧", "p.field"))


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _constant(field: models.Field, value) -> tuple[str, list]:
    """A constant for ``field``, typed on PostgreSQL (a bare parameter has no type in a SELECT list)."""
    prepared = field.get_db_prep_save(value, connection)
    if _postgres():
        return f"CAST(%s AS {field.db_type(connection)})", [prepared]
    return "%s", [prepared]


def _value_of(field: models.Field, prototype: models.Model):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return getattr(prototype, field.attname)


def _as_text(sql: str) -> str:
    return f"CAST({sql} AS TEXT)"


def _json_merge(field: models.Field, base, pairs: dict[str, str]) -> tuple[str, list]:
    """``base`` (a JSON object) with the keys of ``pairs`` (SQL expressions) set, in the engine."""
    arguments = ", ".join(f"'{key}', {sql}" for key, sql in pairs.items())
    prepared = field.get_db_prep_save(base, connection)
    if _postgres():
        return f"CAST(%s AS jsonb) || jsonb_build_object({arguments})", [prepared]
    return f"json_patch(%s, json_object({arguments}))", [prepared]


def insert_select(
    model,
    *,
    prototype: models.Model,
    columns: dict[str, tuple[str, list]],
    source: str,
    params: list | tuple = (),
) -> int:
    """``INSERT INTO model SELECT … FROM source``: each concrete field from ``columns`` (by attname)
    when given there, else the prototype's value as a constant; the auto primary key is left out."""
    names, expressions, values = [], [], []
    for field in model._meta.concrete_fields:
        if field.attname in columns:
            sql, field_params = columns[field.attname]
        elif field.primary_key:
            continue
        else:
            sql, field_params = _constant(field, _value_of(field, prototype))
        names.append(_q(field.column))
        expressions.append(sql)
        values += field_params
    statement = f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(names)}) SELECT {', '.join(expressions)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, *params])
        return cursor.rowcount


def _max_id(model) -> int:
    return model.objects.aggregate(top=models.Max("pk"))["top"] or 0


def copy_history(model, *, after: int) -> int:
    """simple-history's "created" rows for the rows of ``model`` with a key above ``after``."""
    history = model.history.model
    base_columns = {field.attname: field.column for field in model._meta.concrete_fields}
    names, expressions, values = [], [], []
    for field in history._meta.concrete_fields:
        if field.attname == "history_id":
            continue
        names.append(_q(field.column))
        if field.attname in base_columns:
            expressions.append(f"b.{_q(base_columns[field.attname])}")
            continue
        value = {"history_date": timezone.now(), "history_type": "+"}.get(field.attname, field.get_default())
        sql, field_params = _constant(field, value)
        expressions.append(sql)
        values += field_params
    statement = (
        f"INSERT INTO {_q(history._meta.db_table)} ({', '.join(names)}) "
        f"SELECT {', '.join(expressions)} FROM {_q(model._meta.db_table)} b WHERE b.id > %s ORDER BY b.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, after])
        return cursor.rowcount


def _with_row_values(sql: str, params: list) -> tuple[str, list]:
    """``sql`` with each parameter holding a placeholder wrapped in ``REPLACE`` calls by the row's values."""
    pieces, out, parameters = re.split(r"(%%|%s)", sql), [], iter(params)
    for piece in pieces:
        if piece != "%s":
            out.append(piece)
            continue
        value, expression = next(parameters), "%s"
        if isinstance(value, str):
            for token, column in ROW_VALUES:
                if token in value:
                    expression = f"REPLACE({expression}, '{token}', {column})"
        out.append(expression)
    return "".join(out), list(params)


class _IndexCopy:
    """The seed's search index entry as SQL: every copy's entry is the seed's, with its own code,
    title and procedure put in by the engine (``ObjectIndexer`` of the backend in use)."""

    def __init__(self, seed: ProcessDocument):
        index = get_search_backend().get_index_for_model(ProcessDocument)
        self.index = index
        self.entries = getattr(index, "entries", None)  # None: a backend without an index table
        if self.entries is None:
            return
        if _postgres():
            from modelsearch.backends.database.postgres.postgres import ObjectIndexer
        else:
            from modelsearch.backends.database.sqlite.sqlite import ObjectIndexer
        template = ProcessDocument(
            **{f.attname: getattr(seed, f.attname) for f in ProcessDocument._meta.concrete_fields}
        )
        template.code, template.title = "⟦code⟧", "⟦title⟧"
        template.procedure = Procedure(code="⟦pcode⟧", field="⟦pfield⟧", name="⟦title⟧")
        template.commune = seed.commune
        self.indexer = ObjectIndexer(template, index.backend)
        self.model = self.entries.model
        self.content_type = ContentType.objects.get_for_model(ProcessDocument).pk

    def _column(self, field: models.Field) -> tuple[str, list]:
        value = getattr(self.indexer, field.attname)
        if isinstance(value, str):
            return _with_row_values("%s", [value])
        compiler = InsertQuery(self.model).get_compiler(connection=connection)
        sql, params = compiler.prepare_value(field, value).as_sql(compiler, connection)
        return _with_row_values(sql, list(params))

    def copy(self, *, after: int) -> None:
        if self.entries is None:
            return
        columns = {
            "content_type_id": _constant(self.model._meta.get_field("content_type"), self.content_type),
            "object_id": (_as_text("d.id"), []),
            "title_norm": ("1.0", []),
        }
        for field in self.model._meta.concrete_fields:
            if field.attname not in columns and not field.primary_key:
                columns[field.attname] = self._column(field)
        source = (
            f"FROM {_q(ProcessDocument._meta.db_table)} d JOIN {_q(Procedure._meta.db_table)} p "
            "ON p.id = d.procedure_id WHERE d.id > %s ORDER BY d.id"
        )
        insert_select(self.model, prototype=self.model(), columns=columns, source=source, params=[after])

    def finish(self) -> None:
        if self.entries is not None:
            self.index._refresh_title_norms()


def _temporary_tables(communes, procedures) -> None:
    with connection.cursor() as cursor:
        for table in ("bench_commune", "bench_procedure"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute("CREATE TEMPORARY TABLE bench_commune (commune_id bigint PRIMARY KEY, chunk integer)")
        cursor.execute("CREATE TEMPORARY TABLE bench_procedure (procedure_id bigint PRIMARY KEY, code varchar(20))")
        cursor.executemany(
            "INSERT INTO bench_commune VALUES (%s, %s)",
            [(commune.pk, index // COMMUNES_PER_CHUNK) for index, commune in enumerate(communes)],
        )
        cursor.executemany(
            "INSERT INTO bench_procedure VALUES (%s, %s)",
            [(procedure.pk, f"QT-{index:03d}") for index, procedure in enumerate(procedures, start=1)],
        )


def copy_documents(seed: ProcessDocument, communes, procedures, *, advance) -> int:
    """Every commune × procedure the seed's commune does not already have: the document, its
    revisions, versions and handled procedures, with their history and index entries.
    ``advance(n)`` is called after each chunk of ``n`` communes; returns the documents made."""
    content_type = ContentType.objects.get_for_model(ProcessDocument)
    seed_versions = {version.revision_id: version for version in seed.versions.all()}
    seed_revisions = [
        revision
        for revision in Revision.objects.filter(base_content_type=content_type, object_id=str(seed.pk)).order_by("pk")
        if revision.pk in seed_versions
    ]
    index = _IndexCopy(seed)
    _temporary_tables(communes, procedures)
    made = 0
    for chunk in range((len(communes) + COMMUNES_PER_CHUNK - 1) // COMMUNES_PER_CHUNK):
        with transaction.atomic():
            made += _copy_chunk(chunk, seed, seed_revisions, seed_versions, content_type, index)
        advance(min(COMMUNES_PER_CHUNK, len(communes) - chunk * COMMUNES_PER_CHUNK))
    with transaction.atomic():
        index.finish()
    return made


def _copy_chunk(chunk: int, seed, seed_revisions, seed_versions, content_type, index) -> int:
    handled_before = _max_id(CommuneProcedure)
    handled = _q(CommuneProcedure._meta.db_table)
    insert_select(
        CommuneProcedure,
        prototype=CommuneProcedure(note=""),
        columns={"commune_id": ("c.commune_id", []), "procedure_id": ("bp.procedure_id", [])},
        source=(
            "FROM bench_commune c CROSS JOIN bench_procedure bp WHERE c.chunk = %s AND NOT EXISTS "
            f"(SELECT 1 FROM {handled} x WHERE x.commune_id = c.commune_id AND x.procedure_id = bp.procedure_id) "
            "ORDER BY c.commune_id, bp.procedure_id"
        ),
        params=[chunk],
    )
    copy_history(CommuneProcedure, after=handled_before)

    documents_before = _max_id(ProcessDocument)
    table = _q(ProcessDocument._meta.db_table)
    made = insert_select(
        ProcessDocument,
        prototype=seed,
        columns={
            "commune_id": ("c.commune_id", []),
            "procedure_id": ("p.id", []),
            "code": ("bp.code", []),
            "title": ("SUBSTR(p.name, 1, 500)", []),
            **{name: ("NULL", []) for name in ("latest_revision_id", "live_revision_id", "locked_by_id")},
            **{name: ("NULL", []) for name in ("source_model_id", "source_version_id")},
        },
        source=(
            f"FROM bench_commune c CROSS JOIN bench_procedure bp JOIN {_q(Procedure._meta.db_table)} p "
            f"ON p.id = bp.procedure_id WHERE c.chunk = %s AND NOT EXISTS (SELECT 1 FROM {table} x "
            "WHERE x.commune_id = c.commune_id AND x.procedure_id = p.id) ORDER BY c.commune_id, bp.code"
        ),
        params=[chunk],
    )
    content_field = Revision._meta.get_field("content")
    snapshot_field = ProcessVersion._meta.get_field("snapshot")
    versions_before = _max_id(ProcessVersion)
    for seed_revision in seed_revisions:
        revisions_before = _max_id(Revision)
        content = _json_merge(
            content_field,
            seed_revision.content,
            {
                "pk": "d.id",
                "id": "d.id",
                "commune": "d.commune_id",
                "procedure": "d.procedure_id",
                "code": "d.code",
                "title": "d.title",
            },
        )
        insert_select(
            Revision,
            prototype=seed_revision,
            columns={
                "object_id": (_as_text("d.id"), []),
                "object_str": ("SUBSTR(d.title, 1, 200)", []),
                "content": content,
            },
            source=f"FROM {table} d WHERE d.id > %s ORDER BY d.id",
            params=[documents_before],
        )
        seed_version = seed_versions[seed_revision.pk]
        insert_select(
            ProcessVersion,
            prototype=seed_version,
            columns={
                "document_id": ("d.id", []),
                "revision_id": ("r.id", []),
                "snapshot": _json_merge(snapshot_field, seed_version.snapshot, {"code": "d.code", "title": "d.title"}),
            },
            source=(
                f"FROM {_q(Revision._meta.db_table)} r JOIN {table} d ON d.id = CAST(r.object_id AS INTEGER) "
                "WHERE r.id > %s ORDER BY r.id"
            ),
            params=[revisions_before],
        )
    copy_history(ProcessVersion, after=versions_before)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET latest_revision_id = (SELECT MAX(r.id) FROM {_q(Revision._meta.db_table)} r "
            f"WHERE r.base_content_type_id = %s AND r.object_id = {_as_text(table + '.id')}) WHERE id > %s",
            [content_type.pk, documents_before],
        )
        cursor.execute(f"UPDATE {table} SET live_revision_id = latest_revision_id WHERE id > %s", [documents_before])
    index.copy(after=documents_before)
    return made
