"""Template filters of qms.display: ``{{ action.due_date|deadline:action.is_open }}``, ``{{ value|readable }}``."""

from django import template

from qms.display import deadline_html, display_value

register = template.Library()


@register.filter
def deadline(due, is_open=True):
    """The due date dd/mm/yyyy and, while the item is open, "còn N ngày" / "quá hạn N ngày"."""
    return deadline_html(due, is_open=bool(is_open))


@register.filter
def readable(value):
    """Dates day first, Có/Không, "—" for nothing."""
    return display_value(value)
