"""The reconciliation report of a carry-over: Word (NĐ 30/2020 layout) and Excel."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from audits.mergers import CATEGORY_LABELS
from processes import selectors as process_selectors
from processes.models import ProcessDocument
from qms import docx as vn
from qms.files.names import download_name
from qms.spreadsheets import add_table_sheet, workbook_bytes
from qms.units.agency import commune_agency

from .. import rules
from .models import CarryOverStatus, MergerCarryOver

REPORT = "BÁO CÁO"


@dataclass(frozen=True)
class Reconciliation:
    carry_over: MergerCarryOver
    procedures: list[list[str]]
    moves: list[list[str]]
    missing: list[list[str]]
    deadline: object


def reannounce_deadline(carry_over: MergerCarryOver):
    if carry_over.status != CarryOverStatus.DONE or carry_over.finished_at is None:
        return None
    return rules.merger_reannounce_deadline(timezone.localtime(carry_over.finished_at).date())


def reconciliation(carry_over: MergerCarryOver) -> Reconciliation:
    successor = carry_over.successor
    choices = carry_over.choices.select_related("procedure", "created_document")
    procedures = [
        [
            c.procedure.code,
            c.procedure.name,
            c.source_label or _("(nothing carried)"),
            c.created_document.code if c.created_document_id else "",
        ]
        for c in choices
    ]
    moves = [
        [str(CATEGORY_LABELS.get(m.category, m.category)), m.label, m.from_commune.name]
        for m in carry_over.moves.select_related("from_commune")
    ]
    planned = {c.procedure.code for c in choices if c.source_document_id or c.model_document_id}
    own = set(
        ProcessDocument.objects.filter(commune=successor)
        .exclude(procedure=None)
        .values_list("procedure__code", flat=True)
    )
    missing = [
        [h.procedure_code, h.procedure_name, h.field]
        for h in process_selectors.handled_procedures(commune_id=successor.pk)
        if h.procedure_code not in planned | own
    ]
    return Reconciliation(carry_over, procedures, moves, missing, reannounce_deadline(carry_over))


def build_reconciliation_docx(carry_over: MergerCarryOver):
    today = timezone.localdate()
    successor = carry_over.successor
    data = reconciliation(carry_over)
    with translation.override(settings.LANGUAGE_CODE):
        agency = commune_agency(successor, today)
        doc = vn.new_document()
        vn.add_page_number_header(doc)
        vn.add_national_header(
            doc, agency=agency.name, parent_agency=agency.parent or None, place=agency.place, doc_date=today
        )
        vn.add_document_title(
            doc,
            doc_type=REPORT,
            subject=_("Reconciliation of the QMS carried over into %(commune)s") % {"commune": successor.name},
        )
        olds = ", ".join(c.name for c in successor.predecessors.order_by("unit__code"))
        vn.add_body_paragraph(doc, _("Formed from: %(communes)s.") % {"communes": olds})
        vn.add_body_paragraph(
            doc,
            _("Status: %(status)s; drafts created: %(drafts)d; records moved: %(moved)d.")
            % {
                "status": carry_over.get_status_display(),
                "drafts": carry_over.drafts_created,
                "moved": carry_over.records_moved,
            },
        )
        if data.deadline:
            vn.add_body_paragraph(
                doc,
                _("Re-announcement due by %(date)s (TT 26/2014 Art. 7.2).")
                % {"date": data.deadline.strftime("%d/%m/%Y")},
            )
        sections = (
            (
                _("1. Quy trình per administrative procedure"),
                [_("TTHC code"), _("Administrative procedure"), _("Taken from"), _("Draft created")],
                data.procedures,
                [24, 66, 50, 25],
            ),
            (
                _("2. Records moved"),
                [_("Record type"), _("Record"), _("Moved from")],
                data.moves,
                [45, 80, 40],
            ),
            (
                _("3. Still missing: TTHC of the catalogue with no quy trình"),
                [_("TTHC code"), _("Administrative procedure"), pgettext("carry-over", "Field")],
                data.missing,
                [24, 101, 40],
            ),
        )
        for title, headers, rows, widths in sections:
            vn.add_heading(doc, title)
            if rows:
                vn.add_table(doc, headers=headers, rows=rows, widths_mm=widths, font_size=11)
            else:
                vn.add_body_paragraph(doc, _("(none)"), italic=True)
        info = vn.DocumentInfo(
            title=f"{REPORT.capitalize()} {_('carry-over reconciliation')}",
            subject=successor.name,
            author=successor.agency_name,
            created=today,
            modified=today,
        )
        return vn.finish_document(doc, info)


def build_reconciliation_xlsx(carry_over: MergerCarryOver) -> bytes:
    data = reconciliation(carry_over)
    workbook = Workbook()
    with translation.override(settings.LANGUAGE_CODE):
        add_table_sheet(
            workbook,
            _("Quy trình"),
            [_("TTHC code"), _("Administrative procedure"), _("Taken from"), _("Draft created")],
            data.procedures,
            first=True,
        )
        add_table_sheet(workbook, _("Records moved"), [_("Record type"), _("Record"), _("Moved from")], data.moves)
        add_table_sheet(
            workbook,
            _("Still missing"),
            [_("TTHC code"), _("Administrative procedure"), pgettext("carry-over", "Field")],
            data.missing,
        )
    return workbook_bytes(workbook)


def report_name(carry_over: MergerCarryOver, ext: str):
    return download_name("đối chiếu chuyển giao", carry_over.successor.slug, on=timezone.localdate(), ext=ext)
