"""Admin pages of the unit lists: what each release file changed, every change, paged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import UnitImport
from .services import change_rows

CHANGES_PER_PAGE = 50
IMPORTS_PER_PAGE = 20


class SuperuserPageView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UnitImportListView(SuperuserPageView):
    template_name = "units/imports.html"
    page_title = gettext_lazy("Unit list imports")

    def get_context_data(self, **kwargs):
        page = Paginator(UnitImport.objects.all(), IMPORTS_PER_PAGE).get_page(self.request.GET.get("p"))
        return super().get_context_data(page=page, **kwargs)


class UnitImportChangesView(SuperuserPageView):
    """Every change one import applied (added, changed field by field, no longer in the file), paged."""

    template_name = "units/import_changes.html"
    page_title = gettext_lazy("Changes of a unit list import")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("unit_imports:index"), "label": UnitImportListView.page_title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        record = get_object_or_404(UnitImport, pk=self.kwargs["pk"])
        details = record.details or {}
        rows = change_rows(details.get("added", []), details.get("changed", []), details.get("missing", []))
        page = Paginator(rows, CHANGES_PER_PAGE).get_page(self.request.GET.get("p"))
        return super().get_context_data(record=record, page=page, total=len(rows), **kwargs)
