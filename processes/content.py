"""``ProcessDocument`` (or one of its revisions) <-> ``ProcessContent``.

``ProcessContent`` (processes/docx/schema.py) is the interchange shape used by
the Word export/import, the version snapshots and the comparisons.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from .docx.schema import ChangeRow, DossierItem, FeeItem, FormItem, Person, ProcessContent, RecordItem, Step
from .fees import fee_rows_from_text

#: Plain text fields shared one-to-one by the model and ``ProcessContent``.
TEXT_FIELDS = (
    "title",
    "code",
    "purpose",
    "scope",
    "references",
    "definitions",
    "legal_basis",
    "dossier_sets",
    "processing_time",
    "reception_place",
)
#: Table fields: content attribute -> (row dataclass, StreamField block name).
TABLE_FIELDS = {
    "dossier": (DossierItem, "item"),
    "fees": (FeeItem, "fee"),
    "steps": (Step, "step"),
    "forms": (FormItem, "form"),
    "records": (RecordItem, "record"),
    "changes": (ChangeRow, "change"),
}
PEOPLE = ("drafted", "reviewed", "approved")


def _row_fields(row_class) -> list[str]:
    return [f.name for f in dataclasses.fields(row_class)]


def _clean_value(value):
    if isinstance(value, str):
        return value.strip()
    return value


def _text(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _text_fields(row_class) -> set[str]:
    return {f.name for f in dataclasses.fields(row_class) if f.type in ("str", str)}


def _rows(stream, row_class) -> list:
    names, texts = _row_fields(row_class), _text_fields(row_class)
    rows = []
    for block in stream:
        value = block.value
        rows.append(row_class(**{n: _text(value.get(n)) if n in texts else value.get(n) for n in names}))
    return rows


def _person(document, prefix: str) -> Person:
    return Person(
        name=_text(getattr(document, f"{prefix}_name")),
        position=_text(getattr(document, f"{prefix}_position")),
        signed_on=getattr(document, f"{prefix}_on"),
    )


def document_content(document) -> ProcessContent:
    """The content of ``document`` as it stands on this object (live row or revision object)."""
    content = ProcessContent(
        agency=document.agency_name,
        title="",
        code="",
        issue_number=document.issue_number or 1,
        issued_on=document.issued_on,
        effective_date=document.effective_date,
        procedure_code=document.procedure.code if document.procedure_id else "",
    )
    for name in TEXT_FIELDS:
        setattr(content, name, _text(getattr(document, name)))
    for name, (row_class, _block) in TABLE_FIELDS.items():
        setattr(content, name, _rows(getattr(document, name), row_class))
    for prefix in PEOPLE:
        setattr(content, prefix, _person(document, prefix))
    return content


def dated_content(document, content: ProcessContent) -> ProcessContent:
    """``content`` as its Word file prints it: issued by the body of its own issue date."""
    day = content.issued_on or content.effective_date
    return dataclasses.replace(content, agency=document.agency_on(day) or content.agency)


def revision_content(revision) -> ProcessContent:
    return document_content(revision.as_object())


def _stream_value(rows, row_class, block_name: str) -> list[tuple[str, dict]]:
    names = _row_fields(row_class)
    return [(block_name, {name: _clean_value(getattr(row, name)) for name in names}) for row in rows]


def apply_content(document, content: ProcessContent, *, include_header: bool = True) -> None:
    """Write ``content`` onto ``document`` (not saved).

    The agency and the procedure are not taken from the content: they follow
    the document's commune and TTHC. With ``include_header=False`` only the
    title and the sections are written; the code, issue number, dates,
    approval block and change table stay as they are (a commune copy taking
    a model's sections).
    """
    for name in TEXT_FIELDS:
        if include_header or name != "code":
            setattr(document, name, _text(getattr(content, name)))
    for name, (row_class, block_name) in TABLE_FIELDS.items():
        if include_header or name != "changes":
            setattr(document, name, _stream_value(getattr(content, name), row_class, block_name))
    if not include_header:
        return
    document.issue_number = content.issue_number or 1
    document.issued_on = content.issued_on
    document.effective_date = content.effective_date
    for prefix in PEOPLE:
        person = getattr(content, prefix) or Person()
        setattr(document, f"{prefix}_name", _text(person.name))
        setattr(document, f"{prefix}_position", _text(person.position))
        setattr(document, f"{prefix}_on", person.signed_on)


# -- JSON snapshots (ProcessVersion.snapshot) ---------------------------------------


def content_to_dict(content: ProcessContent) -> dict:
    def convert(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return [convert(item) for item in value]
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        return value

    return convert(dataclasses.asdict(content))


def _from_dict(cls, data: dict):
    kwargs = {}
    for field in dataclasses.fields(cls):
        if field.name not in data:
            continue
        value = data[field.name]
        if field.type in ("date | None",) and value:
            value = date.fromisoformat(value)
        kwargs[field.name] = value
    return cls(**kwargs)


def content_from_dict(data: dict) -> ProcessContent:
    if not data:
        return ProcessContent(agency="", title="", code="")
    content = _from_dict(ProcessContent, data)
    for name, (row_class, _block) in TABLE_FIELDS.items():
        rows = data.get(name) or []
        if isinstance(rows, str):  # snapshots taken while fees were one text
            setattr(content, name, fee_rows_from_text(rows))
            continue
        setattr(content, name, [_from_dict(row_class, row) for row in rows])
    for prefix in PEOPLE:
        setattr(content, prefix, _from_dict(Person, data.get(prefix) or {}))
    return content
