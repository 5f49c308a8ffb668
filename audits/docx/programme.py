"""Chương trình đánh giá nội bộ (yearly internal audit programme)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from qms import docx as vn
from qms.people import name_order

from . import labels
from .common import (
    document_language,
    field_table,
    filename,
    finish,
    grid,
    new_administrative_document,
    paragraphs,
    person,
    recipients,
    short_date,
)


def _plan_rows(programme) -> list[list]:
    rows = []
    plans = programme.plans.select_related("lead_auditor__user").prefetch_related("team__user", "clauses", "processes")
    for index, plan in enumerate(plans.order_by("sequence"), start=1):
        rows.append(
            [
                str(index),
                plan.title,
                f"{short_date(plan.planned_start)} – {short_date(plan.planned_end)}",
                "\n".join(p.label for p in plan.processes.all()),  # one per line: a code never wraps at its hyphen
                ", ".join(c.number for c in plan.clauses.all()),
                plan.lead_auditor.name,
                ", ".join(a.name for a in plan.team.all() if a.pk != plan.lead_auditor_id),
                plan.get_status_display(),
            ]
        )
    return rows


def _auditor_rows(programme) -> list[list]:
    rows = []
    auditors = programme.auditors.select_related("user").prefetch_related("trainings")
    for index, auditor in enumerate(auditors.order_by(*name_order("user__")), start=1):
        trainings = "; ".join(
            f"{t.course} ({t.issuer}, {short_date(t.issued_on)}{', ' + t.certificate_number if t.certificate_number else ''})"
            for t in auditor.trainings.all()
        )
        rows.append([str(index), auditor.name, auditor.position, auditor.home_unit, trainings or _("not recorded")])
    return rows


def build_programme_docx(programme):
    """The programme as a Word document (python-docx ``Document``)."""
    with document_language():
        commune = programme.commune
        approved_on = programme.approved_at.date() if programme.approved_at else None
        doc = new_administrative_document(
            commune=commune,
            number=programme.document_number,
            symbol=labels.SYMBOL_PROGRAMME,
            doc_date=approved_on,
            year=programme.year,
            record_date=datetime.date(programme.year, 1, 1),
            doc_type=labels.CHUONG_TRINH,
            subject=programme.title,
        )
        vn.add_heading(doc, _("1. Objectives"))
        paragraphs(doc, programme.objectives)
        vn.add_heading(doc, _("2. Scope and criteria"))
        field_table(
            doc,
            [
                (_("Year"), programme.year),
                (_("Scope"), programme.scope),
                (_("Audit criteria"), programme.criteria),
                (_("ISO clauses"), "; ".join(str(c) for c in programme.clauses.order_by("sort_key"))),
                (_("Month of the internal audit"), programme.audit_month),
                (_("Status"), programme.get_status_display()),
                (_("Approved by"), person(programme.approved_by)),
                (_("Approved on"), short_date(approved_on)),
            ],
        )
        vn.add_heading(doc, _("3. Audits of the year"))
        grid(
            doc,
            [_("No."), _("Audit"), _("Dates"), _("Processes"), _("Clauses"), _("Lead auditor"), _("Team"), _("Status")],
            _plan_rows(programme),
            [9, 30, 24, 32, 18, 18, 20, 14],
        )
        vn.add_heading(doc, _("4. Internal auditors"))
        grid(
            doc,
            [_("No."), _("Full name"), _("Position"), _("Home unit"), _("Training and certificates")],
            _auditor_rows(programme),
            [10, 32, 28, 35, 60],
        )
        vn.add_heading(doc, _("5. Responsibilities"))
        vn.add_body_paragraph(
            doc,
            _(
                "The ISO secretary prepares the audit plans and follows up corrective actions; the audit team carries "
                "out the audits independently of the units audited; the heads of the units audited provide the records "
                "and carry out the corrective actions."
            ),
        )
        vn.add_signature_block(
            doc,
            authority_prefix=vn.labels.TM_UY_BAN_NHAN_DAN,
            position=vn.labels.CHU_TICH,
            signer_name=person(programme.approved_by),
            recipients=recipients(_("The ISO steering committee"), _("The commune's units")),
        )
        return finish(
            doc,
            "programme",
            programme,
            title=f"{labels.CHUONG_TRINH.capitalize()} {programme.title}",
            subject=vn.format_document_number(programme.document_number or None, labels.SYMBOL_PROGRAMME),
            created=programme.created_at,
            modified=programme.approved_at,
            modified_by=programme.approved_by,
        )


def programme_filename(programme):
    on = programme.approved_at.date() if programme.approved_at else programme.created_at.date()
    number = programme.document_number or str(programme.year)
    return filename("chương trình đánh giá nội bộ", number, programme.commune.slug, on=on)
