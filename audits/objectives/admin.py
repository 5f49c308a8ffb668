"""Admin of the measurable objectives: the objective list and page (value, chart, monthly figures,
suggestion), the one-stop import (upload → preview → confirm), its batches, the template and the
objectives of a year in Word."""

from __future__ import annotations

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from openpyxl import Workbook
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from qms import docx as vn
from qms import permissions
from qms.files.names import download_name
from qms.files.policy import DOCX, XLSX, max_upload_bytes, size_label
from qms.files.serving import file_response
from qms.permissions import MANAGE, VIEW
from qms.spreadsheets import add_table_sheet, workbook_bytes

from .. import views as audit_views
from ..forms import ObjectiveForm
from ..models import QualityObjective
from ..wagtail_hooks import AuditIndexView, AuditViewSet, InspectFirstIndexView, delete_objective, save_objective
from . import importer, selectors, services
from .charts import kpi_chart
from .docx import build_objectives_docx, objectives_filename
from .models import OneStopImport

SESSION_KEY = "audits.onestop_upload"


# -- the objectives ---------------------------------------------------------------------------------------


def _kpi_of(instance):
    return getattr(instance, "kpi", None)


class TargetColumn(Column):
    def get_value(self, instance):
        return selectors.target_text(instance) or "–"


class ResultColumn(Column):
    def get_value(self, instance):
        kpi = _kpi_of(instance)
        if kpi is None:
            return instance.result or "–"
        return selectors.format_value(kpi.value, instance)


class AchievedColumn(Column):
    def get_value(self, instance):
        kpi = _kpi_of(instance)
        achieved = instance.achieved if kpi is None else kpi.achieved
        return {True: _("Yes"), False: _("No")}.get(achieved, "–")


class ObjectiveIndexView(InspectFirstIndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if permissions.communes_for(self.request.user, MANAGE).exists():
            buttons.append(
                HeaderButton(
                    _("Import one-stop figures"), url=reverse("audits_admin:onestop_upload"), icon_name="upload"
                )
            )
        return buttons

    def get_table(self, object_list):
        objects = list(object_list)
        kpis = selectors.objective_kpis(objects)
        for objective in objects:
            objective.kpi = kpis.get(objective.pk)
        return super().get_table(objects)


class ObjectiveInspectView(audit_views.AuditInspectView):
    related_template = "audits/admin/related/objective.html"
    property_labels = {
        **audit_views.AuditInspectView.property_labels,
        "indicator_label": gettext_lazy("indicator"),
    }

    @cached_property
    def kpi(self):
        return selectors.objective_kpi(self.object)

    def get_field_display_value(self, field_name, field):
        o, kpi = self.object, self.kpi
        if field_name == "target":
            return selectors.target_text(o) or "–"
        if field_name == "procedure" and not o.procedure_id:
            return _("Whole commune")
        if field_name == "result" and kpi is not None:
            return selectors.format_value(kpi.value, o)
        if field_name == "achieved" and kpi is not None:
            return {True: _("Yes"), False: _("No")}.get(kpi.achieved, "–")
        if field_name in ("target_value", "late_threshold"):
            value = getattr(o, field_name)
            return "–" if value is None else selectors.format_number(value)
        return super().get_field_display_value(field_name, field)

    def object_actions(self):
        user, o = self.request.user, self.object
        manage = audit_views.has_perm(user, o, MANAGE)
        return [
            *self.button(_("Edit"), "audits_objectives:edit", condition=manage),
            *(
                [{"label": _("Import one-stop figures"), "url": reverse("audits_admin:onestop_upload")}]
                if manage and o.source == "one_stop"
                else []
            ),
            {
                "label": _("Objectives of %(year)s (Word)") % {"year": o.year},
                "url": reverse("audits_admin:objectives_docx", args=[o.commune_id, o.year]),
            },
        ]

    def related_context(self):
        o, kpi = self.object, self.kpi
        if kpi is None:
            return {"kpi": None}
        chart = kpi_chart(
            kpi.months,
            target=o.target_value,
            title=o.indicator_label,
            unit=o.get_unit_display() if o.unit else "",
        )
        context = {
            "kpi": kpi,
            "chart": chart,
            "months": [(p, selectors.format_value(p.value, o)) for p in kpi.months],
            "periods": [(p, selectors.format_value(p.value, o)) for p in kpi.periods],
            "figures_table": o.source == "one_stop",
            "suggestion": selectors.suggestion(o, kpi),
            "threshold": selectors.format_number(o.late_threshold) if o.late_threshold is not None else "",
        }
        if o.source == "one_stop" and not o.procedure_id:
            province = selectors.province_of(o.commune)
            context["procedure_rates"] = selectors.procedure_rates(commune_id=o.commune_id, year=o.year)
            context["commune_figures"] = selectors.commune_rates(commune_ids=[o.commune_id], year=o.year).get(
                o.commune_id
            )
            if province is not None:
                context["province"] = province
                context["province_figures"] = selectors.province_rates(province=province, year=o.year)
        return context


class ObjectiveViewSet(AuditViewSet):
    model = QualityObjective
    icon = "pick"
    menu_label = gettext_lazy("Quality objectives")
    form_class = ObjectiveForm
    save_function = staticmethod(save_objective)
    delete_function = staticmethod(delete_objective)
    index_view_class = ObjectiveIndexView
    inspect_view_class = ObjectiveInspectView
    list_display = [
        "statement",
        "commune",
        "year",
        Column("indicator_label", label=gettext_lazy("indicator")),
        TargetColumn("target", label=gettext_lazy("target")),
        ResultColumn("result", label=gettext_lazy("result achieved")),
        AchievedColumn("achieved", label=gettext_lazy("achieved")),
    ]
    list_filter = ["year", "source"]
    inspect_view_fields = [
        "commune",
        "year",
        "statement",
        "indicator_label",
        "procedure",
        "source",
        "period",
        "target",
        "late_threshold",
        "result",
        "achieved",
    ]

    def list_queryset(self):
        return QualityObjective.objects.select_related("commune", "procedure")


# -- the one-stop import ----------------------------------------------------------------------------------


class UploadForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=None, label=gettext_lazy("commune"))
    file = forms.FileField(
        label=gettext_lazy("one-stop figures file (CSV or Excel)"),
        help_text=gettext_lazy("Columns: Mã TTHC, Tháng (mm/yyyy), Tiếp nhận, Đúng hạn, Trễ hạn, Trả lại."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        if communes.count() == 1:
            self.fields["commune"].initial = communes.first()


class ManagerMixin:
    """Only users who manage at least one commune's QMS (others: Wagtail's refusal)."""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.communes_for(request.user, MANAGE).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UploadView(ManagerMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "audits/admin/object_form.html"
    form_class = UploadForm
    header_icon = "upload"
    page_title = gettext_lazy("Import one-stop figures")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "communes": permissions.communes_for(self.request.user, MANAGE)}

    def form_valid(self, form):
        upload, commune = form.cleaned_data["file"], form.cleaned_data["commune"]
        if upload.size > max_upload_bytes():
            form.add_error(
                "file",
                _("The file is larger than the allowed size (%(size)s MB).") % {"size": size_label(max_upload_bytes())},
            )
            return self.form_invalid(form)
        data = upload.read()
        try:
            importer.read_figures(upload.name, data)
        except importer.OneStopFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        token = hashlib.sha256(data).hexdigest()[:16]
        self.request.session[SESSION_KEY] = {
            "token": token,
            "commune": commune.pk,
            "name": upload.name,
            "data": base64.b64encode(data).decode(),
        }
        return redirect("audits_admin:onestop_preview", token=token)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "submit_label": _("Preview"),
            "cancel_url": reverse("audits_onestop:index"),
            "intro": _(
                "Export the month's figures from the one-stop system (or fill in the template) and upload the file. "
                "The next page shows what will be written; nothing is saved until you confirm."
            ),
        }


class PreviewView(ManagerMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "audits/admin/onestop_preview.html"
    header_icon = "upload"
    page_title = gettext_lazy("Preview of the one-stop figures")

    def dispatch(self, request, *args, **kwargs):
        stored = request.session.get(SESSION_KEY) or {}
        if stored.get("token") != kwargs["token"]:
            raise Http404
        from qms.units.models import Commune

        self.commune = Commune.objects.filter(pk=stored["commune"]).first()
        if self.commune is None or not permissions.has_commune_perm(request.user, self.commune, MANAGE):
            raise Http404
        self.file_name, self.data = stored["name"], base64.b64decode(stored["data"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.file_name} – {self.commune}"

    def get_context_data(self, errors=None, **kwargs):
        try:
            checked = importer.preview(commune=self.commune, file_name=self.file_name, data=self.data)
        except importer.OneStopFileError as exc:
            checked, errors = None, [str(exc)]
        return {
            **super().get_context_data(**kwargs),
            "commune": self.commune,
            "preview": checked,
            "errors": errors if errors is not None else (checked.errors if checked else []),
            "months": ", ".join(f"{m:%m/%Y}" for m in checked.months) if checked else "",
            "upload_url": reverse("audits_admin:onestop_upload"),
        }

    def post(self, request, *args, **kwargs):
        try:
            batch = services.import_one_stop(
                acting_user=request.user, commune=self.commune, file_name=self.file_name, data=self.data
            )
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("%(rows)s rows of one-stop figures have been imported for %(commune)s.")
            % {"rows": batch.row_count, "commune": self.commune},
        )
        return redirect("audits_onestop:inspect", batch.pk)


class TemplateDownloadView(View):
    def get(self, request):
        workbook = Workbook()
        add_table_sheet(workbook, "Số liệu một cửa", importer.HEADERS, [], first=True)
        name = download_name("mẫu số liệu một cửa", ext="xlsx")
        return file_response(workbook_bytes(workbook), filename=name, kind=XLSX)


class ImportIndexView(AuditIndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if permissions.communes_for(self.request.user, MANAGE).exists():
            buttons.append(
                HeaderButton(
                    _("Import one-stop figures"), url=reverse("audits_admin:onestop_upload"), icon_name="upload"
                )
            )
        buttons.append(
            HeaderButton(_("Template file"), url=reverse("audits_admin:onestop_template"), icon_name="download")
        )
        return buttons


class ImportInspectView(audit_views.AuditInspectView):
    related_template = "audits/admin/related/onestop_import.html"

    def get_field_display_value(self, field_name, field):
        if field_name == "months":
            return ", ".join(self.object.months) or "–"
        return super().get_field_display_value(field_name, field)

    def related_context(self):
        figures = self.object.figures.select_related("procedure").order_by("month", "procedure__code")
        return {"figures": [(f, selectors.Figures.of(f.__dict__)) for f in figures]}


class ImportForm(WagtailAdminModelForm):
    """Never offered: imports are written only by the import screen (the policy refuses add and change)."""

    class Meta:
        model = OneStopImport
        fields = []


def refuse_save(user, form, instance):
    raise PermissionDenied


class OneStopImportViewSet(AuditViewSet):
    model = OneStopImport
    icon = "upload"
    form_class = ImportForm
    save_function = staticmethod(refuse_save)
    menu_label = gettext_lazy("One-stop figures")
    index_view_class = ImportIndexView
    inspect_view_class = ImportInspectView
    list_display = ["file_name", "commune", "imported_at", "row_count", "replaced"]
    list_filter = []
    inspect_view_fields = ["commune", "file_name", "months", "row_count", "replaced", "imported_by", "imported_at"]

    def list_queryset(self):
        return OneStopImport.objects.select_related("commune")


# -- the objectives of a year in Word ---------------------------------------------------------------------


class ObjectivesDocxView(audit_views.CommuneObjectMixin, View):
    perms = (VIEW,)

    @property
    def model(self):
        from qms.units.models import Commune

        return Commune

    def commune_id_of(self, obj):
        return obj.pk

    def get(self, request, *args, **kwargs):
        year = kwargs["year"]
        document = build_objectives_docx(self.object, year)
        return file_response(vn.to_bytes(document), filename=objectives_filename(self.object, year), kind=DOCX)


OBJECTIVES_VIEWSET = ObjectiveViewSet("audits_objectives", url_prefix="audits/objectives")
IMPORTS_VIEWSET = OneStopImportViewSet("audits_onestop", url_prefix="audits/one-stop")
