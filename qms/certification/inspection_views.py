"""Admin views of the province's yearly inspection plan (TT 26/2014 Arts. 33–38).

The plan and its pages belong to the province's staff (followers of the province, superusers): to
anyone else a plan does not exist (404). The decision and the minutes of one inspection are also the
inspected commune's to read; the commune answers through the corrective report form of its record.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qms import docx as qd
from qms.files.names import download_name
from qms.files.policy import DOCX, XLSX
from qms.files.serving import file_response, offers_pdf
from qms.units.models import AdministrativeUnit, Commune, Level

from . import access, services
from .exports import consolidation_workbook
from .forms import ApprovalForm, CarryOutForm, ConclusionFormSet, DraftDecisionForm, PlanForm, PlanItemForm, TeamForm
from .inspection_docx import (
    SYMBOL_DECISION,
    build_consolidation,
    build_inspection_decision,
    build_inspection_minutes,
)
from .models import Inspection, InspectionConclusion, InspectionMethod, InspectionPlan, InspectionPlanItem, PlanStatus
from .selectors import plan_progress
from .views import AdminPage, FormPage, apply_errors, refuse_unless


def acting_provinces(user):
    """The provinces whose plans the user makes: followed provinces (every province for a superuser)."""
    provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE)
    if user.is_superuser:
        return provinces.order_by("era", "name")
    return provinces.filter(pk__in=access.followed_units(user).values("pk")).order_by("era", "name")


def get_plan(request, pk: int) -> InspectionPlan:
    """The plan, if the user acts for its province; 404 otherwise (another province's plan does not exist)."""
    plan = get_object_or_404(InspectionPlan.objects.select_related("province"), pk=pk)
    if not access.acts_for_province(request.user, plan.province):
        raise Http404
    return plan


def get_item(request, pk: int) -> InspectionPlanItem:
    item = get_object_or_404(
        InspectionPlanItem.objects.select_related("plan__province", "commune__unit__parent__parent"), pk=pk
    )
    if not access.acts_for_province(request.user, item.plan.province):
        raise Http404
    return item


def plan_url(plan) -> str:
    return reverse("certification:plan", args=[plan.pk])


class PlanIndexView(AdminPage):
    template_name = "certification/plan_index.html"
    page_title = gettext_lazy("Inspection plans")

    def get_context_data(self, **kwargs):
        provinces = acting_provinces(self.request.user)
        plans = (
            InspectionPlan.objects.filter(province__in=provinces)
            .select_related("province")
            .annotate(
                planned=Count("items", distinct=True),
                on_site=Count("items", filter=Q(items__method=InspectionMethod.ON_SITE), distinct=True),
                done=Count("items__inspection", distinct=True),
            )
            .order_by("-year", "province__name")
        )
        return super().get_context_data(plans=plans, can_create=provinces.exists(), **kwargs)


class PlanCreateView(FormPage):
    form_class = PlanForm
    page_title = gettext_lazy("New inspection plan")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "provinces": acting_provinces(self.request.user)}

    def get_initial(self):
        provinces = acting_provinces(self.request.user)
        first = provinces.filter(era="2025").first() or provinces.first()
        return {"year": timezone.localdate().year, "province": first}

    def get_success_url(self):
        return reverse("certification:plans")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.get_success_url(), **kwargs)

    def form_valid(self, form):
        try:
            plan = services.create_plan(acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The inspection plan has been created."))
        return redirect(plan_url(plan))


class PlanDetailView(AdminPage):
    template_name = "certification/plan_detail.html"
    page_title = gettext_lazy("Inspection plan")

    def get(self, request, *args, pk, **kwargs):
        self.plan = get_plan(request, pk)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.plan.province.full_name} – {self.plan.year}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plan=self.plan, progress=plan_progress(self.plan), statuses=PlanStatus, today=timezone.localdate(), **kwargs
        )


class PlanFormView(FormPage):
    """A form on one plan whose valid input goes to a service."""

    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_plan(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.plan.province.full_name} – {self.plan.year}"

    def get_success_url(self):
        return plan_url(self.plan)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.get_success_url(), **kwargs)

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class PlanItemAddView(PlanFormView):
    form_class = PlanItemForm
    page_title = gettext_lazy("Add a commune to the plan")
    success_message = gettext_lazy("The commune has been added to the plan.")

    def get_form_kwargs(self):
        communes = Commune.objects.filter(unit__in=self.plan.province.descendant_communes()).order_by("name")
        return {**super().get_form_kwargs(), "communes": communes.exclude(qms_plan_items__plan=self.plan)}

    def perform(self, form):
        services.add_plan_item(plan=self.plan, acting_user=self.request.user, **form.cleaned_data)


class TeamEditView(PlanFormView):
    form_class = TeamForm
    page_title = gettext_lazy("Inspection team")
    success_message = gettext_lazy("The inspection team has been saved.")

    def get_initial(self):
        lines = ["; ".join(m[k] for k in ("name", "position", "unit")) for m in self.plan.team]
        return {"team": "\n".join(lines)}

    def perform(self, form):
        services.set_plan_team(plan=self.plan, team=form.cleaned_data["team"], acting_user=self.request.user)


class ApproveView(PlanFormView):
    form_class = ApprovalForm
    page_title = gettext_lazy("Record the approval of the plan")
    success_message = gettext_lazy("The plan's approval has been recorded.")

    def perform(self, form):
        services.approve_plan(plan=self.plan, acting_user=self.request.user, **form.cleaned_data)


@require_POST
def plan_submit(request, pk: int):
    plan = get_plan(request, pk)
    try:
        services.submit_plan(plan=plan, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan has been submitted to the provincial People's Committee."))
    return redirect(plan_url(plan))


@require_POST
def item_remove(request, pk: int):
    item = get_item(request, pk)
    try:
        services.remove_plan_item(item=item, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(plan_url(item.plan))


class CarryOutView(FormPage):
    form_class = CarryOutForm
    page_title = gettext_lazy("Record the planned inspection")

    def dispatch(self, request, *args, pk, **kwargs):
        self.item = get_item(request, pk)
        self.inspection = Inspection.objects.filter(plan_item=self.item).first()
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.item.commune.name

    def get_success_url(self):
        return plan_url(self.item.plan)

    def get_initial(self):
        inspection = self.inspection
        if inspection is None:
            return {"inspected_on": min(self.item.planned_on, timezone.localdate())}
        initial = {
            "inspected_on": inspection.inspected_on,
            "decision_reference": inspection.decision_reference,
            "minutes_reference": inspection.minutes_reference,
            "summary": inspection.summary,
        }
        for key, entry in (inspection.checklist or {}).items():
            initial |= {f"check_{key}": entry.get("result", ""), f"note_{key}": entry.get("note", "")}
        return initial

    def _formset(self, data=None):
        initial = None
        if self.inspection is not None:
            initial = [{"text": c.text, "needs_action": c.needs_action} for c in self.inspection.conclusions.all()]
        return ConclusionFormSet(data, prefix="conclusions", initial=initial)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self._formset())
        return super().get_context_data(cancel_url=self.get_success_url(), **kwargs)

    def post(self, request, *args, **kwargs):
        form, formset = self.get_form(), self._formset(request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        conclusions = [(f.cleaned_data.get("text", ""), f.cleaned_data.get("needs_action")) for f in formset]
        try:
            services.carry_out_item(
                item=self.item,
                conclusions=conclusions,
                checklist=form.checklist(),
                acting_user=request.user,
                **form.service_data(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        messages.success(request, _("The inspection has been recorded."))
        return redirect(self.get_success_url())


@require_POST
def conclusion_accept(request, pk: int):
    conclusion = get_object_or_404(
        InspectionConclusion.objects.select_related("inspection__commune__unit__parent__parent"), pk=pk
    )
    commune = conclusion.inspection.commune
    refuse_unless(request.user, commune, lambda user, c: access.acts_for_province(user, c.unit))
    try:
        services.accept_report(conclusion=conclusion, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The corrective report has been accepted."))
    return redirect(reverse("certification:commune", args=[commune.pk]) + "#qms-inspections")


def _commune_item(request, pk: int) -> InspectionPlanItem:
    """A planned inspection, for whoever sees its commune (the inspected commune reads its decision and minutes)."""
    item = get_object_or_404(
        InspectionPlanItem.objects.select_related("plan__province", "commune__unit__parent__parent"), pk=pk
    )
    refuse_unless(request.user, item.commune, access.can_view_commune)
    return item


@offers_pdf
def item_decision(request, pk: int):
    """Mẫu 20 – the inspection decision; number, date and signer from the query (a draft without them)."""
    item = _commune_item(request, pk)
    form = DraftDecisionForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    number = values.get("number") or item.decision_number or None
    signed_on = values.get("signed_on") or item.decision_signed_on
    document = build_inspection_decision(
        item=item, number=number, signed_on=signed_on, signer_name=values.get("signer_name") or item.decision_signer
    )
    name = download_name(
        "quyết định kiểm tra",
        qd.format_document_number(number, SYMBOL_DECISION).removeprefix(qd.labels.SO).strip() if number else "",
        item.commune.unit.code,
        on=signed_on or item.planned_on,
    )
    return file_response(qd.to_bytes(document), filename=name, kind=DOCX)


@offers_pdf
def item_minutes(request, pk: int):
    """Mẫu 21 – the minutes of the inspection carried out."""
    item = _commune_item(request, pk)
    inspection = Inspection.objects.filter(plan_item=item).select_related("commune__unit__parent__parent").first()
    if inspection is None:
        raise Http404
    document = build_inspection_minutes(inspection=inspection)
    name = download_name("biên bản kiểm tra", item.commune.unit.code, on=inspection.inspected_on)
    return file_response(qd.to_bytes(document), filename=name, kind=DOCX)


@offers_pdf
def consolidation_docx(request, pk: int):
    plan = get_plan(request, pk)
    progress = plan_progress(plan)
    document = build_consolidation(progress=progress)
    name = download_name("tổng hợp kết quả kiểm tra", plan.province.code, str(plan.year), on=progress.as_of)
    return file_response(qd.to_bytes(document), filename=name, kind=DOCX)


def consolidation_xlsx(request, pk: int):
    plan = get_plan(request, pk)
    progress = plan_progress(plan)
    name = download_name("kết quả kiểm tra", plan.province.code, str(plan.year), on=progress.as_of, ext="xlsx")
    return file_response(consolidation_workbook(progress), filename=name, kind=XLSX)
