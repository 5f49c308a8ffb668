"""Bối cảnh, các bên quan tâm và phạm vi HTQLCL: one version of the commune's statement in the NĐ 30/2020 layout."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qms import docx as vn
from qms.files.names import download_name
from qms.units.agency import commune_agency

from ..docx.common import document_language, grid, lines, person, short_date, signatures
from . import selectors
from .models import ContextStatus

TITLE = "Bối cảnh, các bên quan tâm và phạm vi HTQLCL"


def _yes_no(value) -> str:
    return {True: _("Yes"), False: _("No")}.get(value, _("not answered"))


def build_context_docx(statement):
    day = statement.approved_on or timezone.localdate()
    commune = statement.commune
    with document_language():
        agency = commune_agency(commune, day)
        doc = vn.new_document()
        vn.add_page_number_header(doc)
        vn.add_national_header(
            doc, agency=agency.name, parent_agency=agency.parent or None, place=agency.place, doc_date=day
        )
        vn.add_document_title(
            doc,
            doc_type=TITLE,
            subject=_("Year %(year)s – version %(version)s (TCVN ISO 9001:2015, 4.1, 4.2, 4.3)")
            % {"year": statement.year, "version": statement.version},
        )
        _issues(doc, statement)
        _parties(doc, statement)
        _scope(doc, statement)
        _approval(doc, statement)
        info = vn.DocumentInfo(
            title=TITLE,
            subject=commune.name,
            author=commune.agency_name,
            created=day,
            modified=day,
            draft=statement.status != ContextStatus.APPROVED,
        )
        return vn.finish_document(doc, info)


def _issues(doc, statement) -> None:
    vn.add_heading(doc, _("1. Internal and external issues (4.1)"), level=1)
    grid(
        doc,
        [
            _("No."),
            pgettext("context issue", "Internal or external"),
            pgettext("context issue", "Issue"),
            _("Effect on the QMS"),
        ],
        [
            [
                str(index),
                issue.get_origin_display(),
                issue.description + (f"\n({_('related to climate change')})" if issue.climate_related else ""),
                issue.effect,
            ]
            for index, issue in enumerate(statement.issues.all(), start=1)
        ],
        [12, 25, 70, 63],
    )
    vn.add_body_paragraph(
        doc,
        f"{_('Is climate change a relevant issue?')} {_yes_no(statement.climate_change_relevant)}",
        bold=True,
    )
    for line in lines(statement.climate_change_note):
        vn.add_body_paragraph(doc, line)


def _parties(doc, statement) -> None:
    vn.add_heading(doc, _("2. Interested parties and their requirements (4.2)"), level=1)
    grid(
        doc,
        [_("No."), _("Interested party"), _("Needs and requirements"), _("How they are monitored")],
        [
            [
                str(index),
                party.name,
                "\n".join(
                    filter(
                        None,
                        [
                            party.requirements,
                            party.climate_requirements
                            and f"{_('Related to climate change')}: {party.climate_requirements}",
                        ],
                    )
                ),
                party.monitoring,
            ]
            for index, party in enumerate(statement.parties.all(), start=1)
        ],
        [12, 40, 70, 48],
    )


def _scope(doc, statement) -> None:
    vn.add_heading(doc, _("3. Scope of the QMS (4.3)"), level=1)
    for line in lines(statement.scope_statement):
        vn.add_body_paragraph(doc, line)
    procedures = selectors.scope_lines(statement)
    vn.add_body_paragraph(
        doc, _("Administrative procedures in the scope: %(count)d.") % {"count": len(procedures)}, bold=True
    )
    grid(
        doc,
        [_("No."), pgettext("context", "Field"), _("Code"), _("Administrative procedure")],
        [[str(index), p.field, p.code, p.name] for index, p in enumerate(procedures, start=1)],
        [12, 38, 30, 90],
    )
    vn.add_body_paragraph(doc, _("Exclusions"), bold=True)
    grid(
        doc,
        [_("No."), _("Clause or TTHC"), _("What is excluded"), _("Justification")],
        [
            [str(index), e.clause or (e.procedure.code if e.procedure_id else ""), e.subject, e.justification]
            for index, e in enumerate(selectors.exclusion_rows(statement), start=1)
        ],
        [12, 30, 50, 78],
    )


def _approval(doc, statement) -> None:
    if statement.status == ContextStatus.APPROVED:
        vn.add_body_paragraph(
            doc,
            _("Approved on %(date)s.") % {"date": short_date(statement.approved_on)},
            italic=True,
        )
    signatures(
        doc,
        [
            (_("Prepared by"), person(statement.created_by)),
            (_("Approved by"), person(statement.approved_by)),
        ],
    )


def context_filename(statement):
    return download_name(
        "bối cảnh và phạm vi HTQLCL",
        f"{statement.year}-v{statement.version}",
        statement.commune.slug,
        on=statement.approved_on or timezone.localdate(),
    )
