"""Phiếu yêu cầu hành động khắc phục (corrective action request form)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qms import docx as vn

from . import labels
from .common import (
    SMALL,
    add_agency_lines,
    document_language,
    field_table,
    filename,
    finish,
    grid,
    person,
    short_date,
    signatures,
)


def _header(doc, action) -> None:
    add_agency_lines(doc, action.commune, action.requested_on)
    title = labels.PHIEU_YEU_CAU_HDKP if action.finding_id else labels.PHIEU_THEO_DOI_HANH_DONG
    vn.add_document_title(doc, doc_type=title, subject=_("No. %(number)s") % {"number": action.number})


def _source_rows(action) -> list[tuple[str, object]]:
    finding = action.finding
    if finding is None:
        decision = action.decision
        return [
            (_("Management review"), decision.review.title),
            (_("Review date"), short_date(decision.review.held_on or decision.review.planned_on)),
            (_("Decision"), decision.text),
            (_("Topic"), decision.get_topic_display()),
        ]
    evidence = finding.evidence
    if files := [f.filename for f in finding.files.all()]:
        evidence += "\n" + _("Files: %(files)s") % {"files": ", ".join(files)}
    return [
        (_("Audit"), finding.plan.title)
        if finding.plan_id
        else (_("Source"), _("Citizen feedback received on %(date)s") % {"date": short_date(finding.raised_on)}),
        (_("Finding"), f"{finding.code} – {finding.get_kind_display()}"),
        (_("Clause"), str(finding.clause)),
        (_("Process document"), finding.process_reference),
        (_("Responsible unit"), finding.process.responsible_unit if finding.process_id else ""),
        (_("Description of the nonconformity"), finding.description),
        (_("Requirement not met"), finding.requirement),
        (_("Objective evidence"), evidence),
        (_("Raised by"), person(finding.raised_by)),
        (pgettext("audits", "Raised on"), short_date(finding.raised_on)),
    ]


def build_action_docx(action):
    with document_language():
        doc = vn.new_document()
        vn.add_page_number_header(doc)
        _header(doc, action)
        vn.add_heading(doc, _("I. Nonconformity") if action.finding_id else _("I. Origin of the action"))
        field_table(doc, _source_rows(action))
        vn.add_heading(doc, _("II. Correction and corrective action"))
        field_table(
            doc,
            [
                (pgettext("corrective action", "Subject"), action.title),
                (_("Immediate correction"), action.immediate_correction),
                (_("Root cause"), action.root_cause),
                (_("Corrective action plan"), action.action_plan),
                (pgettext("audits", "Owner"), person(action.owner)),
                (_("Due date"), short_date(action.due_date)),
                (_("Requested by"), person(action.requested_by)),
                (_("Requested on"), short_date(action.requested_on)),
            ],
        )
        vn.add_heading(doc, _("III. Progress"))
        notes = action.progress_notes.select_related("author").order_by("created_at", "pk")
        grid(
            doc,
            [_("Date"), _("Progress"), _("Percent done"), _("Written by")],
            [
                [
                    short_date(n.created_at),
                    n.note,
                    "" if n.percent_done is None else f"{n.percent_done}%",
                    person(n.author),
                ]
                for n in notes
            ],
            [25, 85, 20, 35],
        )
        vn.add_heading(doc, _("IV. Verification of effectiveness"))
        field_table(
            doc,
            [
                (_("Status"), action.get_status_display()),
                (_("Submitted for verification at"), short_date(action.submitted_at)),
                (_("Effectiveness"), action.get_verification_result_display() if action.verification_result else ""),
                (_("Verification note"), action.verification_note),
                (_("Verified by"), person(action.verified_by)),
                (_("Verified on"), short_date(action.verified_at)),
                (_("Reason for cancelling"), action.cancel_reason),
            ],
        )
        vn.add_text(doc, "", size=SMALL)
        signatures(
            doc,
            [
                (_("Requested by"), person(action.requested_by)),
                (pgettext("audits", "Owner"), person(action.owner)),
                (_("Verified by"), person(action.verified_by)),
            ],
        )
        title = labels.PHIEU_YEU_CAU_HDKP if action.finding_id else labels.PHIEU_THEO_DOI_HANH_DONG
        return finish(
            doc,
            "action",
            action,
            title=f"{title.capitalize()} {action.number}",
            subject=action.title,
            created=action.requested_on,
            modified=action.updated_at,
            modified_by=action.verified_by or action.requested_by,
        )


def action_filename(action):
    return filename("phiếu hành động khắc phục", action.number, action.commune.slug, on=action.requested_on)
