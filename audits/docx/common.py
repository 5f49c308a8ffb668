"""Shared pieces of the audit documents, on the ``qms.docx`` blocks."""

from __future__ import annotations

import contextlib
import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qms import docx as vn
from qms.docx.tables import fill_row
from qms.files.names import DownloadName, download_name
from qms.people import full_name
from qms.units.agency import commune_agency

from ..models import PlanStatus, ProgrammeStatus, ReviewStatus

SMALL = 11
LABEL_WIDTHS_MM = (55, 110)


def person(user) -> str:
    return full_name(user)


def short_date(value) -> str:
    """dd/mm/yyyy of a date, a datetime (local day) or an ISO date string."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    elif isinstance(value, str) and value:
        value = datetime.date.fromisoformat(value)
    return vn.format_short_date(value)


@contextlib.contextmanager
def document_language():
    """Documents are written in the site language (Vietnamese)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def new_administrative_document(
    *,
    commune,
    number: str,
    symbol: str,
    doc_date: datetime.date | None,
    year: int,
    doc_type: str,
    subject: str,
    record_date: datetime.date | None = None,
):
    """A document issued by the commune's People's Committee: page numbers, the NĐ 30/2020 header and the title.

    The issuing body, its parent and the place are those of ``doc_date`` (else of ``record_date``,
    the day the record is about): see :func:`qms.units.agency.commune_agency`."""
    agency = commune_agency(commune, doc_date or record_date)
    doc = vn.new_document()
    vn.add_page_number_header(doc)
    vn.add_national_header(
        doc,
        agency=agency.name,
        parent_agency=agency.parent or None,
        number_line=vn.format_document_number(number or None, symbol),
        place=agency.place,
        doc_date=doc_date,
        year=year,
    )
    vn.add_document_title(doc, doc_type=doc_type, subject=subject)
    return doc


def add_agency_lines(doc, commune, day: datetime.date | None) -> None:
    """The agency block alone (parent agency, then the issuing body) of a form dated ``day``."""
    agency = commune_agency(commune, day)
    if agency.parent:
        vn.add_text(doc, agency.parent.upper(), align="center", size=12)
    vn.add_text(doc, agency.name.upper(), bold=True, align="center", size=12)


def field_table(doc, rows: list[tuple[str, object]]):
    """A two-column "label | value" grid table (no header row)."""
    table = vn.new_table(doc, len(rows), 2, widths_mm=LABEL_WIDTHS_MM)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        fill_row(row, [label, "" if value is None else str(value)], first_bold=True, size=SMALL)
    return table


def grid(doc, headers: list[str], rows: list[list], widths_mm: list[float], *, date_columns=()):
    """A grid table with a repeated header row, or an "(none)" line when empty."""
    if not rows:
        return vn.add_body_paragraph(doc, _("(none)"), italic=True)
    return vn.add_table(
        doc, headers=headers, rows=rows, widths_mm=widths_mm, font_size=SMALL, date_columns=tuple(date_columns)
    )


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def paragraphs(doc, text: str, *, empty: str | None = None) -> None:
    items = lines(text)
    for item in items or ([empty] if empty else []):
        vn.add_body_paragraph(doc, item)


def signatures(doc, columns: list[tuple[str, str]]):
    """Borderless table of signature columns: (position, name) each, kept on
    one page with what leads into it."""
    width = vn.body_width_mm(doc) / len(columns)
    table = vn.new_table(doc, 1, len(columns), widths_mm=[width] * len(columns), style=None)
    for cell, (position, name) in zip(table.rows[0].cells, columns, strict=True):
        vn.add_text(cell, position.upper(), bold=True, align="center")
        vn.add_text(cell, _("(signature, full name)"), italic=True, align="center", size=SMALL)
        for _line in range(4):
            vn.add_text(cell, "")
        vn.add_text(cell, name, bold=True, align="center")
    vn.keep_with_previous(table, count=2)
    return vn.keep_block_together(table)


def filename(kind: str, number: str, *parts, on=None) -> DownloadName:
    """The download name: document kind, its number (or year and sequence), the commune, the record's date."""
    return download_name(kind, number, *parts, on=on)


#: Which documents are drafts ("DỰ THẢO" on every page): the one rule of the audits app.
#: The corrective-action form is a form, never a draft.
DRAFT_RULES = {
    "programme": lambda programme: programme.status != ProgrammeStatus.APPROVED,
    "plan": lambda plan: plan.status == PlanStatus.DRAFT,
    "report": lambda plan: plan.status != PlanStatus.COMPLETED,
    "review": lambda review: review.status != ReviewStatus.HELD,
    "action": lambda action: False,
}


def is_draft(kind: str, record) -> bool:
    return DRAFT_RULES[kind](record)


def finish(doc, kind: str, record, *, title: str, subject: str = "", created=None, modified=None, modified_by=None):
    """File properties (the commune's People's Committee as author, the record's dates) and the draft mark."""
    info = vn.DocumentInfo(
        title=title,
        subject=subject,
        author=record.commune.agency_name,
        created=created,
        modified=modified,
        last_modified_by=person(modified_by) if modified_by else "",
        draft=is_draft(kind, record),
    )
    return vn.finish_document(doc, info)


def recipients(*extra: str) -> list[str]:
    return [*extra, f"{vn.labels.LUU_VT}, ISO"]
