"""Sổ đăng ký rủi ro và cơ hội: the commune's register, a landscape table in the NĐ 30/2020 layout."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from qms import docx as vn
from qms.files.names import download_name
from qms.people import full_name
from qms.units.agency import commune_agency

from ..docx.common import SMALL, document_language, short_date
from . import selectors
from .models import RiskLevel, level_ranges

REGISTER = "SỔ ĐĂNG KÝ"
A4_LANDSCAPE_MM = (297, 210)


def _landscape(doc) -> None:
    for section in doc.sections:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(A4_LANDSCAPE_MM[0]), Mm(A4_LANDSCAPE_MM[1])


def _scores(likelihood, impact, score, level) -> str:
    if not score:
        return "–"
    return f"{likelihood} × {impact} = {score}\n{level}"


def register_rows(commune) -> list[list[str]]:
    rows = []
    for risk in selectors.register(commune.pk):
        where = str(risk.process_document) if risk.process_document_id else risk.procedure_field
        source = f"{risk.finding.code} – {risk.finding.plan.title}" if risk.finding_id else ""
        rows.append(
            [
                risk.number,
                risk.get_kind_display(),
                "\n".join(filter(None, [risk.description, where and f"({where})"])),
                "\n".join(filter(None, [risk.cause, source])),
                risk.consequence,
                _scores(risk.likelihood, risk.impact, risk.score, risk.get_level_display()),
                risk.treatment,
                full_name(risk.owner),
                short_date(risk.due_date),
                _scores(
                    risk.residual_likelihood,
                    risk.residual_impact,
                    risk.residual_score,
                    risk.get_residual_level_display(),
                ),
                risk.get_status_display(),
            ]
        )
    return rows


def build_risk_register(commune):
    today = timezone.localdate()
    with document_language():
        agency = commune_agency(commune, today)
        doc = vn.new_document()
        _landscape(doc)
        vn.add_page_number_header(doc)
        vn.add_national_header(
            doc, agency=agency.name, parent_agency=agency.parent or None, place=agency.place, doc_date=today
        )
        vn.add_document_title(doc, doc_type=REGISTER, subject=_("Risks and opportunities (TCVN ISO 9001:2015, 6.1)"))
        headers = [
            _("No."),
            _("Type"),
            _("Risk or opportunity"),
            _("Cause or source"),
            _("Consequence"),
            _("Likelihood × impact"),
            _("Treatment"),
            pgettext("audits", "Owner"),
            _("Due date"),
            _("After treatment"),
            _("Status"),
        ]
        rows = register_rows(commune)
        if rows:
            vn.add_table(
                doc,
                headers=headers,
                rows=rows,
                widths_mm=[11, 16, 40, 30, 26, 20, 36, 20, 19, 20, 14],
                font_size=SMALL,
                date_columns=(8,),
            )
        else:
            vn.add_body_paragraph(doc, _("(none)"), italic=True)
        legend = ", ".join(f"{low}–{high}: {RiskLevel(level).label.lower()}" for low, high, level in level_ranges())
        vn.add_body_paragraph(
            doc, _("Levels by score (likelihood × impact): %(levels)s.") % {"levels": legend}, italic=True
        )
        info = vn.DocumentInfo(
            title=f"{REGISTER.capitalize()} {_('risks and opportunities')}",
            subject=commune.name,
            author=commune.agency_name,
            created=today,
            modified=today,
        )
        return vn.finish_document(doc, info)


def risk_register_filename(commune):
    return download_name("sổ đăng ký rủi ro và cơ hội", commune.slug, on=timezone.localdate())
