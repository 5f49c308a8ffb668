"""Kế hoạch đánh giá nội bộ (audit plan)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qms import docx as vn

from . import labels
from .common import (
    document_language,
    field_table,
    filename,
    finish,
    grid,
    new_administrative_document,
    paragraphs,
    recipients,
    short_date,
)


def team_rows(plan) -> list[list]:
    team = sorted(plan.team.select_related("user"), key=lambda a: (a.pk != plan.lead_auditor_id, a.name))
    return [
        [
            str(index),
            auditor.name,
            _("Lead auditor") if auditor.pk == plan.lead_auditor_id else _("Auditor"),
            auditor.position,
            auditor.home_unit,
        ]
        for index, auditor in enumerate(team, start=1)
    ]


def schedule_rows(plan, clause_numbers: str) -> list[list]:
    processes = plan.processes.select_related("auditor__user").prefetch_related("responsible_users")
    return [
        [
            str(index),
            process.label,
            process.responsible_unit,
            process.auditee,
            process.auditor.name,
            short_date(process.audit_date),
            clause_numbers,
        ]
        for index, process in enumerate(processes.order_by("order", "pk"), start=1)
    ]


def plan_facts(plan) -> list[tuple[str, object]]:
    return [
        (_("Audit programme"), plan.programme.title),
        (_("Audit"), plan.title),
        (_("Dates"), f"{short_date(plan.planned_start)} – {short_date(plan.planned_end)}"),
        (_("Audit criteria"), plan.criteria or plan.programme.criteria),
        (_("Lead auditor"), plan.lead_auditor.name),
        (_("Status"), plan.get_status_display()),
    ]


def team_grid(doc, plan):
    """The audit team as a table: name, role in the audit, position, home unit."""
    return grid(
        doc,
        [_("No."), _("Full name"), _("Role"), _("Position"), _("Home unit")],
        team_rows(plan),
        [10, 40, 30, 40, 45],
    )


def clause_list(plan) -> str:
    return "; ".join(str(c) for c in plan.clauses.order_by("sort_key"))


def build_plan_docx(plan):
    with document_language():
        doc = new_administrative_document(
            commune=plan.commune,
            number=plan.document_number,
            symbol=labels.SYMBOL_PLAN,
            doc_date=None,
            year=plan.planned_start.year,
            record_date=plan.planned_start,
            doc_type=labels.KE_HOACH,
            subject=plan.title,
        )
        vn.add_heading(doc, _("1. Objectives"))
        paragraphs(doc, plan.objectives or plan.programme.objectives)
        vn.add_heading(doc, _("2. Scope, criteria and dates"))
        field_table(doc, [*plan_facts(plan), (_("ISO clauses"), clause_list(plan))])
        vn.add_heading(doc, _("3. Audit team"))
        team_grid(doc, plan)
        vn.add_heading(doc, _("4. Audit schedule"))
        numbers = ", ".join(plan.clauses.order_by("sort_key").values_list("number", flat=True))
        grid(
            doc,
            [
                _("No."),
                _("Process or unit audited"),
                _("Responsible unit"),
                _("Auditee"),
                _("Auditor"),
                _("Date"),
                _("Clauses"),
            ],
            schedule_rows(plan, numbers),
            [9, 40, 28, 24, 24, 18, 22],
            date_columns=(5,),
        )
        vn.add_heading(doc, _("5. Organisation"))
        vn.add_body_paragraph(
            doc,
            _(
                "The audit opens with a meeting of the team and the heads of the units audited and closes with a "
                "meeting where the findings are presented. The units audited provide the documents and records asked for."
            ),
        )
        vn.add_signature_block(
            doc,
            authority_prefix=vn.labels.TM_UY_BAN_NHAN_DAN,
            position=vn.labels.CHU_TICH,
            signer_name="",
            recipients=recipients(_("The audit team"), _("The units audited")),
        )
        return finish(
            doc,
            "plan",
            plan,
            title=f"{labels.KE_HOACH.capitalize()} {plan.title}",
            subject=vn.format_document_number(plan.document_number or None, labels.SYMBOL_PLAN),
            created=plan.created_at,
        )


def plan_filename(plan):
    number = plan.document_number or f"{plan.programme.year}-{plan.sequence}"
    return filename("kế hoạch đánh giá nội bộ", number, plan.commune.slug, on=plan.planned_start)
