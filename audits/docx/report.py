"""Báo cáo kết quả đánh giá nội bộ (audit report)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qms import docx as vn

from .. import selectors
from ..models import ChecklistResult
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
from .plan import clause_list, plan_facts, team_grid


def _evidence_reference(text: str, files) -> str:
    names = [f.filename for f in files]
    parts = [text] if text else []
    if names:
        parts.append(_("Files: %(files)s") % {"files": ", ".join(names)})
    return "\n".join(parts)


def _checklist_rows(items) -> list[list]:
    return [
        [
            str(index),
            item.clause.number,
            item.process.label if item.process_id else _("whole system"),
            item.question,
            item.get_result_display(),
            _evidence_reference(item.evidence, item.files.all()),
        ]
        for index, item in enumerate(items, start=1)
    ]


def _description(finding) -> str:
    if not finding.requirement:
        return finding.description
    requirement = _("Requirement not met: %(requirement)s") % {"requirement": finding.requirement}
    return f"{finding.description}\n{requirement}"


def finding_rows(findings) -> list[list]:
    return [
        [
            f.code,
            f.get_kind_display(),
            str(f.clause),
            f.process_reference or (f.process.label if f.process_id else ""),
            _description(f),
            _evidence_reference(f.evidence, f.files.all()),
        ]
        for f in findings
    ]


def action_rows(findings) -> list[list]:
    rows = []
    for f in findings:
        action = getattr(f, "corrective_action", None)
        if action is None:
            continue
        verification = action.get_verification_result_display() if action.verification_result else ""
        if action.verified_by_id:
            verification += f" ({person(action.verified_by)}, {short_date(action.verified_at)})"
        rows.append(
            [
                action.number,
                f.code,
                "\n".join(x for x in (action.immediate_correction, action.root_cause, action.action_plan) if x)
                or action.title,
                person(action.owner),
                short_date(action.due_date),
                action.get_status_display(),
                verification.strip(),
            ]
        )
    return rows


def _summary(items) -> str:
    counts = Counter(item.result for item in items)
    return "; ".join(f"{label}: {counts.get(value, 0)}" for value, label in ChecklistResult.choices)


def build_report_docx(plan):
    with document_language():
        doc = new_administrative_document(
            commune=plan.commune,
            number=plan.report_number,
            symbol=labels.SYMBOL_REPORT,
            doc_date=plan.completed_on,
            year=(plan.completed_on or plan.planned_start).year,
            record_date=plan.planned_start,
            doc_type=labels.BAO_CAO,
            subject=_("Results of %(audit)s") % {"audit": plan.title},
        )
        findings = selectors.plan_findings(plan)
        items = list(selectors.plan_checklist(plan))
        vn.add_heading(doc, _("1. General information"))
        field_table(
            doc,
            [
                *plan_facts(plan),
                (_("ISO clauses"), clause_list(plan)),
                (_("Processes audited"), "; ".join(p.label for p in plan.processes.order_by("order", "pk"))),
                (_("Completed on"), short_date(plan.completed_on)),
            ],
        )
        vn.add_heading(doc, _("Audit team"), level=2)
        team_grid(doc, plan)
        vn.add_heading(doc, _("2. Checklist results"))
        vn.add_body_paragraph(doc, _summary(items))
        grid(
            doc,
            [_("No."), _("Clause"), _("Process"), _("Question"), _("Result"), _("Evidence")],
            _checklist_rows(items),
            [9, 14, 30, 50, 22, 40],
        )
        acknowledgements = selectors.process_acknowledgements(plan)
        if acknowledgements:
            vn.add_heading(doc, _("Staff read confirmations of the audited quy trình"), level=2)
            grid(
                doc,
                [_("Process"), _("Effective issue"), _("Confirmed"), _("Not yet confirmed")],
                [
                    [process.label, f"{state.issue_number:02d}", state.summary, ", ".join(state.pending) or "—"]
                    for process, state in acknowledgements
                ],
                [60, 22, 22, 61],
            )
        vn.add_heading(doc, _("3. Findings"))
        grid(
            doc,
            [_("Code"), _("Type"), _("Clause"), _("Process document"), _("Description"), _("Evidence")],
            finding_rows(findings),
            [12, 22, 30, 30, 40, 31],
        )
        vn.add_heading(doc, _("4. Corrective actions"))
        grid(
            doc,
            [
                _("Request no."),
                _("Finding"),
                _("Correction, cause and action"),
                pgettext("audits", "Owner"),
                _("Due date"),
                _("Status"),
                _("Effectiveness"),
            ],
            action_rows(findings),
            [16, 12, 45, 24, 18, 22, 28],
            date_columns=(4,),
        )
        vn.add_heading(doc, _("5. Conclusion"))
        paragraphs(doc, plan.conclusion, empty=_("(not yet concluded)"))
        vn.add_signature_block(
            doc,
            authority_prefix=None,
            position=labels.TRUONG_DOAN,
            signer_name=plan.lead_auditor.name,
            recipients=recipients(_("The Chairperson of the People's Committee"), _("The units audited")),
        )
        return finish(
            doc,
            "report",
            plan,
            title=f"{labels.BAO_CAO.capitalize()} " + _("Results of %(audit)s") % {"audit": plan.title},
            subject=vn.format_document_number(plan.report_number or None, labels.SYMBOL_REPORT),
            created=plan.completed_on or plan.created_at,
        )


def report_filename(plan):
    number = plan.report_number or f"{plan.programme.year}-{plan.sequence}"
    on = plan.completed_on or plan.planned_end
    return filename("báo cáo đánh giá nội bộ", number, plan.commune.slug, on=on)
