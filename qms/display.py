"""Values as a Vietnamese official reads them, on every admin list and inspect page.

* dates dd/mm/yyyy, date-times dd/mm/yyyy HH:MM in local time — never a relative
  time ("8 tháng trước") nor an ISO timestamp;
* booleans "Có"/"Không"; an empty value "—";
* a deadline of an open item: its date and "còn 5 ngày" / "đến hạn hôm nay" /
  "quá hạn 3 ngày"; overdue is said in words and marked with a sign, not by colour
  alone. A finished item shows only the date.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import Column, TitleColumn

EMPTY = "—"
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?)?")


def format_date(value) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return ""


def display_value(value, empty: str = EMPTY) -> str:
    """``value`` as text for a cell: dates day first, Có/Không, ``empty`` for nothing."""
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        # Dates kept in JSON (e.g. the assembled review inputs) are ISO strings.
        parsed = datetime.datetime.fromisoformat(value)
        return format_date(parsed.date() if len(value) == 10 else parsed)
    return value


def days_left(due: datetime.date, today: datetime.date | None = None) -> int:
    if isinstance(due, datetime.datetime):
        due = timezone.localtime(due).date() if timezone.is_aware(due) else due.date()
    return (due - (today or timezone.localdate())).days


def deadline_status(due: datetime.date, today: datetime.date | None = None) -> tuple[str, bool]:
    """("còn 5 ngày" | "đến hạn hôm nay" | "quá hạn 3 ngày", overdue)."""
    days = days_left(due, today)
    if days > 0:
        return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}, False
    if days == 0:
        return _("due today"), False
    late = -days
    return ngettext("%(days)d day overdue", "%(days)d days overdue", late) % {"days": late}, True


def deadline_html(due, *, is_open: bool = True, today: datetime.date | None = None):
    """The due date, and for an open item how many days are left or how late it is."""
    if not due:
        return EMPTY
    date = format_date(due)
    if not is_open:
        return date
    status, overdue = deadline_status(due, today)
    if overdue:
        return format_html('{} <strong class="qms-deadline qms-deadline--overdue">⚠ {}</strong>', date, status)
    return format_html('{} <span class="qms-deadline">({})</span>', date, status)


class ValueColumn(Column):
    """A list column that shows dates day first, Có/Không and "—" for nothing."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = display_value(context["raw_value"])
        return context


class ShortTextColumn(Column):
    """A list column showing long text (an official TTHC name) cut to ``length`` characters, whole on hover."""

    cell_template_name = "qms/admin/short_text_cell.html"

    def __init__(self, name, *, length: int = 120, **kwargs):
        super().__init__(name, **kwargs)
        self.length = length

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        full = str(context["value"] or "")
        context["full_value"] = full
        context["value"] = Truncator(full).chars(self.length) if full else EMPTY
        return context


class DeadlineColumn(Column):
    """The deadline of an item: the date, plus days left / overdue while ``is_open(instance)``."""

    def __init__(self, name, *, is_open: Callable[[object], bool] = lambda instance: True, **kwargs):
        super().__init__(name, **kwargs)
        self.is_open = is_open

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = deadline_html(context["raw_value"], is_open=self.is_open(instance))
        return context


class ReadableIndexMixin:
    """Mix into a Wagtail ``IndexView``: field columns show readable values, and the first
    column links to the row's edit page when the user may edit that row, otherwise to its
    inspect page."""

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if column_class is Column:
            column_class = ValueColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)

    @cached_property
    def _may_inspect(self) -> bool:
        return bool(self.inspect_url_name) and self.user_has_any_permission({"add", "change", "delete", "view"})

    def row_url(self, instance) -> str | None:
        policy = self.permission_policy
        if self.edit_url_name and (
            policy is None or policy.user_has_permission_for_instance(self.request.user, "change", instance)
        ):
            return reverse(self.edit_url_name, args=[quote(instance.pk)])
        if self._may_inspect:
            return reverse(self.inspect_url_name, args=[quote(instance.pk)])
        return None

    @cached_property
    def columns(self):
        columns = list(super().columns)
        first = columns[0] if columns else None
        if first is not None and not isinstance(first, TitleColumn):
            columns[0] = TitleColumn(
                first.name,
                label=first.label,
                accessor=first.accessor,
                sort_key=first.sort_key,
                classname=first.classname,
                width=first.width,
                get_url=self.row_url,
            )
        return columns
