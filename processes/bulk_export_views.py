"""The exports page (the user's bulk exports with their progress) and the download of a ready zip."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from qms.files.policy import ZIP
from qms.files.serving import file_response
from qms.units.models import AdministrativeUnit, Commune

from . import bulk_export
from .models import BulkExport, BulkExportStatus

#: The exports listed on the page (newest first).
LISTED = 20


def _scope_from(post) -> dict:
    for field, model in (("commune", Commune), ("unit", AdministrativeUnit)):
        value = post.get(field, "")
        if value.isdigit():
            found = model.objects.select_related("unit__parent__parent" if model is Commune else "parent__parent")
            return {field: get_object_or_404(found, pk=int(value))}
    raise Http404


class BulkExportsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "processes/admin/bulk_exports.html"
    page_title = gettext_lazy("Bulk exports of quy trình")
    header_icon = "download"

    def post(self, request, *args, **kwargs):
        export = bulk_export.request_bulk_export(acting_user=request.user, **_scope_from(request.POST))
        messages.success(
            request,
            pgettext("bulk export", "The export of %(scope)s has been requested; download it below when ready.")
            % {"scope": export.scope_name},
        )
        return redirect("processes_bulk_exports")

    def get_context_data(self, **kwargs):
        exports = list(bulk_export.exports_of(self.request.user)[:LISTED])
        return super().get_context_data(
            **kwargs,
            exports=exports,
            scopes=bulk_export.scopes_for(self.request.user),
            running=any(export.in_progress for export in exports),
            ready=BulkExportStatus.READY,
            failed=BulkExportStatus.FAILED,
        )


def download(request, pk: int):
    """A ready export, to whoever may export its scope (404 for anyone else)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    export = get_object_or_404(BulkExport.objects.select_related("commune__unit", "unit"), pk=pk)
    if not bulk_export.can_view_export(request.user, export):
        raise Http404
    if export.status != BulkExportStatus.READY or not export.file or not export.file.storage.exists(export.file.name):
        raise Http404
    with export.file.open("rb") as stored:
        content = stored.read()
    return file_response(content, filename=bulk_export.export_name(export), kind=ZIP)


def exports_url() -> str:
    return reverse("processes_bulk_exports")
