"""A KPI over the months as an inline SVG drawn on the server: the value as a line with its points, the
target as a dashed line, Vietnamese axis labels and months as mm/yyyy. No script, nothing fetched."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .selectors import Point, format_number

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 28, 56
TICKS = 5


def _range(values: list[Decimal], *, percent: bool) -> tuple[Decimal, Decimal]:
    low, high = min(values), max(values)
    pad = max((high - low) / 10, Decimal(1))
    low, high = max(Decimal(0), low - pad), high + pad
    if percent:
        high = min(Decimal(100), high)
    if high <= low:
        high = low + 1
    return low, high


def kpi_chart(points: list[Point], *, target: Decimal | None, title: str, unit: str) -> SafeString:
    """The SVG of ``points`` (months with a value) against ``target``; empty text when there is no value."""
    shown = [p for p in points if p.value is not None]
    if not shown:
        return mark_safe("")
    values = [p.value for p in shown] + ([target] if target is not None else [])
    low, high = _range(values, percent=unit == "%")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(shown) - 1, 1)

    def x(index: int) -> float:
        return LEFT + (index * step if len(shown) > 1 else plot_w / 2)

    def y(value: Decimal) -> float:
        return TOP + plot_h - float((value - low) / (high - low)) * plot_h

    suffix = "%" if unit == "%" else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" style="max-width:{WIDTH}px" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(TICKS):
        value = low + (high - low) * tick / (TICKS - 1)
        ty = y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" stroke="#e0e0e0" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="#333">'
            f"{escape(format_number(value.quantize(Decimal('0.1'))))}{suffix}</text>"
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#333"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#333"/>'
    )
    for index, point in enumerate(shown):
        parts.append(
            f'<text x="{x(index):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="10" fill="#333">'
            f"{escape(point.label)}</text>"
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="12" fill="#333">'
        f"{escape(_('Month'))}</text>"
        f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="12" fill="#333" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{escape(title)}{f" ({unit})" if unit else ""}</text>'
    )
    if target is not None:
        ty = y(target)
        parts.append(
            f'<line class="kpi-target" x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" '
            f'stroke="#b3261e" stroke-width="1.5" stroke-dasharray="6 4" data-value="{target.normalize():f}"/>'
            f'<text x="{WIDTH - RIGHT}" y="{ty - 5:.1f}" text-anchor="end" font-size="11" fill="#b3261e">'
            f"{escape(pgettext('audits', 'Target'))}: {escape(format_number(target))}{suffix}</text>"
        )
    line = " ".join(f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(shown))
    parts.append(f'<polyline class="kpi-line" points="{line}" fill="none" stroke="#1f5fa8" stroke-width="2"/>')
    for index, point in enumerate(shown):
        label = f"{point.label}: {format_number(point.value)}{suffix}"
        parts.append(
            f'<circle class="kpi-point" cx="{x(index):.1f}" cy="{y(point.value):.1f}" r="3.5" fill="#1f5fa8" '
            f'data-month="{escape(point.label)}" data-value="{point.value.normalize():f}"><title>{escape(label)}</title></circle>'
        )
    parts.append(
        f'<text x="{LEFT}" y="{TOP - 10}" font-size="11" fill="#1f5fa8">— {escape(_("Value achieved"))}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
