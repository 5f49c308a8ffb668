"""A quy trình as a Word document (DOMAIN.md §2), built on :mod:`qms.docx`.

Page 1: the title table in the page header (repeated on every page), the
title block, the approval block and the change table; sections 1–7 start on
page 2. :mod:`processes.docx.importer` reads the result back unchanged.
"""

from __future__ import annotations

from datetime import date, datetime

from docx.document import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt

from qms.docx import (
    DocumentInfo,
    add_approval_block,
    add_body_paragraph,
    add_change_table,
    add_document_title,
    add_heading,
    add_process_header,
    add_table,
    add_text,
    finish_document,
    format_short_date,
    new_document,
    to_bytes,
    two_digits,
)
from qms.docx import labels as vn

from . import layout
from .schema import Person, ProcessContent

AGENCY_SIZE = 12
GAP = Pt(12)


def count_text(value: int | None) -> str:
    """Number of originals/copies: ``1 -> "01"``, ``0 -> "0"``, None -> ""."""
    if value is None:
        return ""
    return two_digits(value) if value else "0"


def _person(person: Person) -> dict:
    return {"name": person.name, "position": person.position, "date": person.signed_on}


def _title_block(doc: Document, content: ProcessContent) -> None:
    # The page header prints agency and title in capitals; the title block keeps
    # them as written (the agency only when capitals would change it).
    if content.agency and content.agency != content.agency.upper():
        add_text(doc, content.agency, bold=True, size=AGENCY_SIZE, align="center")
    add_document_title(doc, doc_type=vn.QUY_TRINH, subject=content.title or None)
    info = [
        (layout.PROCEDURE_CODE, content.procedure_code),
        (layout.NGAY_BAN_HANH, format_short_date(content.issued_on)),
    ]
    for label, value in info:
        if value:
            add_text(doc, f"{label} {value}", align="center", space_after=Pt(6))


def _change_rows(content: ProcessContent) -> list[dict]:
    return [
        {
            "request": row.request,
            "page": row.page,
            "content": row.content,
            "date": row.changed_on,
            "issue_number": row.issue_number,
        }
        for row in content.changes
    ]


def _cell_value(value) -> str:
    if isinstance(value, int):
        return count_text(value)
    return "" if value is None else str(value)


def _table_rows(table: layout.TableLayout, items: list) -> list[list[str]]:
    rows = []
    for index, item in enumerate(items, start=1):
        rows.append([str(index) if c.field is None else _cell_value(getattr(item, c.field)) for c in table.columns])
    return rows


def _add_rows_table(doc: Document, table: layout.TableLayout, items: list) -> None:
    add_table(
        doc,
        headers=table.headers,
        rows=_table_rows(table, items),
        widths_mm=table.widths_mm,
        font_size=table.font_size,
        column_align=table.aligns,
    )


def _add_prose(doc: Document, text: str) -> None:
    if not text:
        return
    for line in text.split("\n"):
        add_body_paragraph(doc, line.strip())


def _add_section(doc: Document, section: layout.Section, content: ProcessContent) -> None:
    add_heading(doc, section.heading, level=section.level)
    if section.kind == layout.PROSE:
        _add_prose(doc, getattr(content, section.field))
    elif section.kind == layout.TABLE:
        _add_rows_table(doc, layout.SECTION_TABLES[section.field], getattr(content, section.field))


def _page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def document_info(content: ProcessContent, *, draft: bool = False, saved_at: date | datetime | None = None):
    """File properties: the quy trình's name and code, the agency as author,
    created on its issue date and modified on its approval (``saved_at`` when
    the content has no date yet, e.g. a draft)."""
    created = content.issued_on or content.drafted.signed_on or content.effective_date or saved_at
    modified = content.approved.signed_on or content.effective_date or saved_at or created
    subject = f"{content.code} – {vn.LAN_BAN_HANH} {two_digits(content.issue_number)}"
    return DocumentInfo(
        title=f"{vn.QUY_TRINH.capitalize()} {content.title}".strip(),
        subject=subject,
        author=content.agency,
        created=created,
        modified=modified,
        last_modified_by=content.approved.name or content.drafted.name,
        draft=draft,
    )


def build_process_docx(
    content: ProcessContent, *, draft: bool = False, saved_at: date | datetime | None = None
) -> Document:
    """The Word document of ``content`` (no database access); ``draft`` marks
    every page "DỰ THẢO" (a quy trình not yet approved)."""
    doc = new_document()
    add_process_header(
        doc,
        agency=content.agency,
        title=content.title,
        code=content.code,
        issue_number=content.issue_number,
        effective_date=content.effective_date,
    )
    _title_block(doc, content)
    add_approval_block(
        doc,
        drafted=_person(content.drafted),
        reviewed=_person(content.reviewed),
        approved=_person(content.approved),
    )
    add_text(
        doc, vn.THEO_DOI_SUA_DOI, bold=True, align="center", space_before=GAP, space_after=Pt(6), keep_with_next=True
    )
    add_change_table(doc, _change_rows(content))
    _page_break(doc)
    for section in layout.SECTIONS:
        _add_section(doc, section, content)
    return finish_document(doc, document_info(content, draft=draft, saved_at=saved_at))


def export_process_docx_bytes(
    content: ProcessContent, *, draft: bool = False, saved_at: date | datetime | None = None
) -> bytes:
    return to_bytes(build_process_docx(content, draft=draft, saved_at=saved_at))
