"""Excel export of a dashboard's figures (openpyxl)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from qms.spreadsheets import add_table_sheet, sheet_title, workbook_bytes
from qms.units.models import Era

from .models import STAGE_ORDER, MaintenanceStatus, Stage
from .selectors import ProgressReport, late_item_json


def stage_heading(stage) -> str:
    """A stage as a column/row heading: "Stage: Announced", apart from the count of announced communes."""
    return _("Stage: %(stage)s") % {"stage": Stage(stage).label}


def era_suffix(era: str) -> str:
    return _("to 6-2025") if era == Era.PRE_2025 else _("from 7-2025")


def _summary_rows(report: ProgressReport) -> list[list]:
    totals = report.totals
    rows = [
        [_("Unit"), report.unit.full_name],
        [_("Figures as of"), report.as_of],
        [_("Communes"), totals.total],
        [_("Announced (all with an announcement)"), totals.announced],
        [_("Announced (%)"), totals.percent],
    ]
    rows += [[stage_heading(stage), totals.stages[stage]] for stage in STAGE_ORDER]
    if report.target:
        rows += [
            [_("Target (%)"), report.target.percent],
            [_("Target date"), report.target.target_date],
            [_("Target met"), _("Yes") if report.target.met else _("No")],
        ]
    rows += [
        [_("Communes with late items"), report.late_communes],
        [_("Late items"), report.late_items],
    ]
    rows += [
        [_("Maintenance: %(status)s") % {"status": MaintenanceStatus(s).label}, n]
        for s, n in report.maintenance.items()
    ]
    rows += [
        [_("Inspected in %(year)s") % {"year": report.inspections["year"]}, report.inspections["inspected"]],
        [_("Inspected on site"), report.inspections["on_site"]],
        [_("Open corrective reports"), report.inspections["open_reports"]],
    ]
    return rows


def _children_rows(report: ProgressReport) -> tuple[list[str], list[list]]:
    headers = [_("Code"), _("Unit"), _("Communes"), _("Announced (all with an announcement)"), _("Announced (%)")]
    headers += [stage_heading(s) for s in STAGE_ORDER] + [_("Communes with late items")]
    rows = [
        [r.code, r.name, r.counts.total, r.counts.announced, r.counts.percent]
        + [r.counts.stages[s] for s in STAGE_ORDER]
        + [r.late_communes]
        for r in report.children
    ]
    return headers, rows


def _late_rows(report: ProgressReport) -> list[list]:
    return [
        [
            late.unit_code,
            late.commune,
            late.district,
            item["label"],
            date.fromisoformat(item["deadline"]),
            item["days_late"],
        ]
        for late in report.late
        for item in map(late_item_json, late.items)
    ]


def _add_report(workbook: Workbook, report: ProgressReport, *, suffix: str = "", first: bool = False) -> None:
    add_table_sheet(
        workbook,
        sheet_title(pgettext("spreadsheet", "Summary"), suffix),
        [_("Figure"), _("Value")],
        _summary_rows(report),
        first=first,
    )
    headers, rows = _children_rows(report)
    add_table_sheet(workbook, sheet_title(_("Units"), suffix), headers, rows)
    add_table_sheet(
        workbook,
        sheet_title(_("Late items"), suffix),
        [_("Code"), _("Commune"), _("District"), _("Deadline missed"), _("Deadline"), _("Days late")],
        _late_rows(report),
    )
    add_table_sheet(
        workbook,
        sheet_title(_("Announced by month"), suffix),
        [_("Month"), _("Announced in the month"), _("Announced in total")],
        [[date.fromisoformat(f"{t['month']}-01"), t["announced"], t["cumulative"]] for t in report.timeline],
        month_columns=(0,),
    )


def progress_workbook(report: ProgressReport, *, other_era: ProgressReport | None = None) -> bytes:
    """The dashboard's figures; with ``other_era`` (the same person's dashboard of the other era), one set
    of sheets per era, the earlier era first."""
    workbook = Workbook()
    reports = sorted(filter(None, [report, other_era]), key=lambda r: r.unit.era != Era.PRE_2025)
    for index, item in enumerate(reports):
        _add_report(workbook, item, suffix=era_suffix(item.unit.era) if len(reports) > 1 else "", first=index == 0)
    return workbook_bytes(workbook)


def consolidation_workbook(progress) -> bytes:
    """The year's inspection plan: the figures, then one row per planned inspection."""
    from .inspection_docx import consolidation_rows

    plan = progress.plan
    figures = progress.figures()
    labels = {
        "planned": pgettext("inspection plan figures", "Planned"),
        "done": _("Done"),
        "on_site": _("Planned on site"),
        "on_site_percent": _("On site (%)"),
        "conclusions": _("Conclusions"),
        "actions": _("Conclusions needing corrective action"),
        "reports_received": _("Corrective reports received"),
        "reports_accepted": _("Corrective reports accepted"),
        "reports_overdue": _("Corrective reports overdue"),
    }
    workbook = Workbook()
    summary = [[_("Province"), plan.province.full_name], [_("Year"), plan.year], [_("Figures as of"), progress.as_of]]
    summary += [[labels[key], value] for key, value in figures.items()]
    add_table_sheet(
        workbook, sheet_title(pgettext("spreadsheet", "Summary")), [_("Item"), _("Value")], summary, first=True
    )
    headers = [
        _("No."),
        _("Commune"),
        _("Planned date"),
        _("Method"),
        _("Inspected on"),
        _("Conclusions"),
        pgettext("inspection reports", "Reports"),
    ]
    add_table_sheet(workbook, sheet_title(_("Inspections")), headers, consolidation_rows(progress))
    return workbook_bytes(workbook)
