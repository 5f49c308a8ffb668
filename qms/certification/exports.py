"""Excel export of a dashboard's figures (openpyxl)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from qms.spreadsheets import workbook_bytes

from .models import STAGE_ORDER, MaintenanceStatus, Stage
from .selectors import ProgressReport, late_item_json

BOLD = Font(bold=True)


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list], *, first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append(row)
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    return sheet


def _summary_rows(report: ProgressReport) -> list[list]:
    totals = report.totals
    rows = [
        [_("Unit"), report.unit.full_name],
        [_("Figures as of"), report.as_of],
        [_("Communes"), totals.total],
        [_("Announced"), totals.announced],
        [_("Announced (%)"), totals.percent],
    ]
    rows += [[str(Stage(stage).label), totals.stages[stage]] for stage in STAGE_ORDER]
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
    headers = [_("Code"), _("Unit"), _("Communes"), _("Announced"), _("Announced (%)")]
    headers += [str(Stage(s).label) for s in STAGE_ORDER] + [_("Communes with late items")]
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


def progress_workbook(report: ProgressReport) -> bytes:
    workbook = Workbook()
    _sheet(workbook, _("Summary"), [_("Figure"), _("Value")], _summary_rows(report), first=True)
    headers, rows = _children_rows(report)
    _sheet(workbook, _("Units"), headers, rows)
    _sheet(
        workbook,
        _("Late items"),
        [_("Code"), _("Commune"), _("District"), _("Deadline missed"), _("Deadline"), _("Days late")],
        _late_rows(report),
    )
    _sheet(
        workbook,
        _("Announced over time"),
        [_("Month"), _("Announced"), _("Cumulative")],
        [[t["month"], t["announced"], t["cumulative"]] for t in report.timeline],
    )
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
    return workbook_bytes(workbook)
