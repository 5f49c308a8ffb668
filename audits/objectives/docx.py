"""Mục tiêu chất lượng năm …: the commune's objectives of a year, each with its target and what it
achieved, and the monthly figures of each measured objective (NĐ 30/2020 layout)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qms import docx as vn
from qms.files.names import download_name
from qms.units.agency import commune_agency

from ..docx.common import SMALL, document_language
from ..models import QualityObjective
from . import selectors
from .selectors import Figures, format_number, format_value, target_text

TITLE = "MỤC TIÊU CHẤT LƯỢNG"


def _yes_no(value) -> str:
    return {True: _("achieved"), False: _("not achieved")}.get(value, _("not yet assessed"))


def _monthly_rows(objective, kpi) -> tuple[list[str], list[list[str]]]:
    if isinstance(kpi.total, Figures):
        headers = [
            _("Month"),
            pgettext("one-stop", "Received"),
            pgettext("one-stop", "On time"),
            pgettext("one-stop", "Late"),
            pgettext("one-stop", "Returned"),
            objective.indicator_label,
        ]
        rows = [
            [p.label, str(p.data.received), str(p.data.on_time), str(p.data.late), str(p.data.returned)]
            + [format_value(p.value, objective)]
            for p in kpi.months
        ]
        return headers, rows
    headers = [_("Month"), _("Ratings"), objective.indicator_label]
    return headers, [[p.label, str(p.data.count), format_value(p.value, objective)] for p in kpi.months]


def build_objectives_docx(commune, year: int):
    today = timezone.localdate()
    objectives = list(
        QualityObjective.objects.filter(commune=commune, year=year).select_related("procedure").order_by("pk")
    )
    kpis = selectors.objective_kpis(objectives)
    with document_language():
        agency = commune_agency(commune, today)
        doc = vn.new_document()
        vn.add_page_number_header(doc)
        vn.add_national_header(
            doc, agency=agency.name, parent_agency=agency.parent or None, place=agency.place, doc_date=today
        )
        vn.add_document_title(doc, doc_type=TITLE, subject=_("Quality objectives of %(year)s") % {"year": year})
        rows = []
        for index, o in enumerate(objectives, start=1):
            kpi = kpis.get(o.pk)
            value, achieved = selectors.achieved_value(o, kpi)
            scope = o.procedure.code if o.procedure_id else _("whole commune")
            rows.append(
                [
                    str(index),
                    o.statement,
                    f"{o.indicator_label} ({scope})",
                    target_text(o),
                    format_value(value, o) if kpi is not None else (o.result or "–"),
                    _yes_no(achieved),
                ]
            )
        if rows:
            vn.add_table(
                doc,
                headers=[
                    _("No."),
                    _("Objective"),
                    _("Indicator"),
                    pgettext("audits", "Target"),
                    _("Result achieved"),
                    _("Assessment"),
                ],
                rows=rows,
                widths_mm=[10, 50, 40, 22, 22, 22],
                font_size=SMALL,
            )
        else:
            vn.add_body_paragraph(doc, _("(none)"), italic=True)
        for index, o in enumerate(objectives, start=1):
            kpi = kpis.get(o.pk)
            if kpi is None or not kpi.months:
                continue
            vn.add_heading(doc, f"{index}. {o.statement}", level=2)
            vn.add_body_paragraph(
                doc,
                _("Source: %(source)s. Target: %(target)s.")
                % {"source": o.get_source_display(), "target": target_text(o)},
            )
            headers, monthly = _monthly_rows(o, kpi)
            vn.add_table(doc, headers=headers, rows=monthly, font_size=SMALL)
            if kpi.breaches:
                months = ", ".join(f"{b.month:%m/%Y} ({format_number(b.late_rate)}%)" for b in kpi.breaches)
                vn.add_body_paragraph(
                    doc,
                    _("Months whose late rate exceeded the threshold of %(threshold)s%%: %(months)s.")
                    % {"threshold": format_number(o.late_threshold), "months": months},
                    italic=True,
                )
        info = vn.DocumentInfo(
            title=f"{TITLE.capitalize()} {year}",
            subject=commune.name,
            author=commune.agency_name,
            created=today,
            modified=today,
        )
        return vn.finish_document(doc, info)


def objectives_filename(commune, year: int):
    return download_name("mục tiêu chất lượng", str(year), commune.slug, on=timezone.localdate())
