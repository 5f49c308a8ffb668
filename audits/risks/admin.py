"""Admin of the risk register: the commune-scoped viewset, re-assessment and closing,
the heat map and the register in Word."""

from __future__ import annotations

import django_filters
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from processes import selectors as process_selectors
from qms import permissions
from qms.display import DeadlineColumn
from qms.permissions import MANAGE, VIEW

from .. import views as audit_views
from ..wagtail_hooks import AuditIndexView, AuditViewSet, PersonColumn, _data
from . import selectors, services
from .docx import build_risk_register, risk_register_filename
from .forms import ReassessForm, RiskForm
from .models import SCALE_CHOICES, Risk, RiskKind, RiskLevel, RiskStatus


def save_risk(user, form, instance):
    if instance is None:
        return services.create_risk(acting_user=user, **_data(form))
    return services.update_risk(acting_user=user, risk=instance, **_data(form))


def delete_risk(user, instance):
    services.delete_risk(acting_user=user, risk=instance)


def _communes(request):
    from qms.units.models import Commune

    if request is None:
        return Commune.objects.none()
    return permissions.communes_for(request.user, VIEW).order_by("name")


def _documents(request):
    return process_selectors.commune_documents(communes=_communes(request))


def _after(name: str):
    def method(queryset, _name, value):
        if value in (None, ""):
            return queryset
        return queryset.annotate(**{f"after_{name}_value": Coalesce(f"residual_{name}", name)}).filter(
            **{f"after_{name}_value": value}
        )

    return method


class RiskFilterSet(WagtailFilterSet):
    """The list's filters; the choices of communes and processes are the user's own."""

    commune = django_filters.ModelChoiceFilter(label=gettext_lazy("commune"), queryset=_communes)
    level = django_filters.ChoiceFilter(label=pgettext_lazy("risks", "level"), choices=RiskLevel.choices)
    status = django_filters.ChoiceFilter(label=gettext_lazy("status"), choices=RiskStatus.choices)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("type"), choices=RiskKind.choices)
    process_document = django_filters.ModelChoiceFilter(label=gettext_lazy("process"), queryset=_documents)
    likelihood = django_filters.ChoiceFilter(label=gettext_lazy("likelihood"), choices=SCALE_CHOICES)
    impact = django_filters.ChoiceFilter(label=gettext_lazy("impact"), choices=SCALE_CHOICES)
    after_likelihood = django_filters.ChoiceFilter(
        label=gettext_lazy("likelihood after treatment"), choices=SCALE_CHOICES, method=_after("likelihood")
    )
    after_impact = django_filters.ChoiceFilter(
        label=gettext_lazy("impact after treatment"), choices=SCALE_CHOICES, method=_after("impact")
    )

    class Meta:
        model = Risk
        fields = []


class RiskIndexView(AuditIndexView):
    @cached_property
    def header_buttons(self):
        communes = (
            _communes(self.request)
            .filter(pk__in=Risk.objects.values("commune_id"))
            .order_by("name")
            .values_list("pk", "name")[:5]
        )
        return [
            *super().header_buttons,
            *(
                HeaderButton(
                    _("Heat map – %(commune)s") % {"commune": name},
                    url=reverse("audits_admin:risk_heatmap", args=[pk]),
                    icon_name="table",
                )
                for pk, name in communes
            ),
        ]


class RiskInspectView(audit_views.AuditInspectView):
    property_labels = {**audit_views.AuditInspectView.property_labels}

    def get_field_display_value(self, field_name, field):
        if field_name == "due_date":
            return audit_views.deadline_html(self.object.due_date, is_open=self.object.is_active)
        return super().get_field_display_value(field_name, field)

    def object_actions(self):
        user, risk = self.request.user, self.object
        manage = audit_views.has_perm(user, risk, MANAGE)
        return [
            *self.button(_("Edit"), "audits_risks:edit", condition=risk.is_active and manage),
            *self.button(
                _("Re-assess after treatment"),
                "audits_admin:risk_reassess",
                condition=risk.is_active and manage and bool(risk.treatment.strip()),
            ),
            *self.button(
                _("Close as treated"),
                "audits_admin:risk_close",
                condition=risk.is_active and manage and risk.reassessed_on is not None,
            ),
            {"label": _("Heat map"), "url": reverse("audits_admin:risk_heatmap", args=[risk.commune_id])},
            {
                "label": _("Risk register (Word)"),
                "url": reverse("audits_admin:risk_register_docx", args=[risk.commune_id]),
            },
        ]


class RiskViewSet(AuditViewSet):
    model = Risk
    icon = "warning"
    menu_label = gettext_lazy("Risks and opportunities")
    form_class = RiskForm
    save_function = staticmethod(save_risk)
    delete_function = staticmethod(delete_risk)
    initial_from_query = ("finding", "process_document", "description")
    index_view_class = RiskIndexView
    inspect_view_class = RiskInspectView
    filterset_class = RiskFilterSet
    list_display = [
        Column("number", label=gettext_lazy("number")),
        "description",
        "commune",
        "kind",
        "process_document",
        "score",
        "level",
        PersonColumn("owner", label=pgettext_lazy("audits", "owner")),
        DeadlineColumn("due_date", label=gettext_lazy("treatment due date"), is_open=lambda risk: risk.is_active),
        "status",
        "residual_level",
    ]
    search_fields = ["description", "cause", "treatment"]
    list_export = ["number", "commune", "kind", "description", "cause", "score", "level", "owner", "due_date", "status"]
    export_filename = "so-dang-ky-rui-ro"
    inspect_view_fields = [
        "number",
        "commune",
        "kind",
        "description",
        "cause",
        "consequence",
        "process_document",
        "procedure_field",
        "finding",
        "likelihood",
        "impact",
        "score",
        "level",
        "owner",
        "treatment",
        "due_date",
        "status",
        "identified_on",
        "residual_likelihood",
        "residual_impact",
        "residual_score",
        "residual_level",
        "reassessed_on",
        "reassessment_note",
        "closed_on",
        "created_by",
    ]

    def list_queryset(self):
        return Risk.objects.select_related("commune", "owner", "process_document")


# -- re-assessment and closing ---------------------------------------------------------------------------


class RiskView(audit_views.ObjectFormView):
    model = Risk
    perms = (MANAGE,)
    inspect_url_name = "audits_risks:inspect"

    def version_state(self):
        r = self.object
        return [r.status, r.treatment, r.residual_likelihood, r.residual_impact, r.reassessed_on]

    def version_history(self):
        return self.object.history.all()


class ReassessView(RiskView):
    page_title = gettext_lazy("Re-assess after treatment")
    form_class = ReassessForm
    intro = gettext_lazy(
        "Once the treatment is done, score the risk again: how likely it is now and how great its impact would be."
    )

    def get_initial(self):
        from django.utils import timezone

        r = self.object
        return {
            "residual_likelihood": r.residual_likelihood or r.likelihood,
            "residual_impact": r.residual_impact or r.impact,
            "reassessed_on": r.reassessed_on or timezone.localdate(),
            "note": r.reassessment_note,
        }

    def perform(self, form):
        services.reassess_risk(acting_user=self.request.user, risk=self.object, **form.cleaned_data)
        return _("The risk has been re-assessed.")


class CloseRiskView(RiskView):
    page_title = gettext_lazy("Close as treated")
    submit_label = gettext_lazy("Close")
    intro = gettext_lazy("The treatment is done and the risk has been re-assessed: it leaves the open register.")

    def perform(self, form):
        services.close_risk(acting_user=self.request.user, risk=self.object)
        return _("The risk has been closed.")


# -- the commune's heat map and register -----------------------------------------------------------------


class CommuneMixin(audit_views.CommuneObjectMixin):
    perms = (VIEW,)

    @property
    def model(self):
        from qms.units.models import Commune

        return Commune

    def commune_id_of(self, obj):
        return obj.pk


class HeatMapView(CommuneMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "audits/admin/risk_heatmap.html"
    header_icon = "table"
    page_title = gettext_lazy("Heat map of risks and opportunities")

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        after = self.request.GET.get("after") == "1"
        here = reverse("audits_admin:risk_heatmap", args=[self.object.pk])
        return {
            **super().get_context_data(**kwargs),
            "commune": self.object,
            "after": after,
            "rows": selectors.heat_map(self.object, after=after),
            "impacts": [value for value, _label in SCALE_CHOICES],
            "levels": RiskLevel.choices,
            "before_url": here,
            "after_url": f"{here}?after=1",
            "list_url": f"{reverse('audits_risks:index')}?commune={self.object.pk}",
            "register_url": reverse("audits_admin:risk_register_docx", args=[self.object.pk]),
        }


class RegisterDocxView(CommuneMixin, audit_views.DocxView):
    builder = staticmethod(build_risk_register)
    filename = staticmethod(risk_register_filename)


VIEWSET = RiskViewSet("audits_risks", url_prefix="audits/risks")
