"""Admin views: the district/province dashboard, a commune's record, and the
forms that record evidence, announcements, inspections, reports and targets.

Every view checks the object through :mod:`qms.certification.access` (which
uses :mod:`qms.permissions`); a refusal is a 403 and never shows data.
"""

from __future__ import annotations

import unicodedata
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from qms import docx as qd
from qms.files.names import download_name
from qms.files.policy import DOCX, XLSX
from qms.files.serving import file_response, offers_pdf
from qms.signatures import selectors as signature_selectors
from qms.units.models import AdministrativeUnit, Commune, Era, Level
from qms.units.services import user_roles

from . import access, selfassessment, services, signing, sources
from .archive_package import contents as archive_contents
from .archive_package import services as archive_services
from .docx import SYMBOL_DECISION, build_announcement_decision, build_yearly_report, decision_is_draft
from .exports import progress_workbook
from .forms import (
    AnnouncementForm,
    ConclusionFormSet,
    DraftDecisionForm,
    EvidenceForm,
    InspectionForm,
    ReportForm,
    TargetForm,
)
from .models import STAGE_ORDER, Announcement, Evidence, InspectionConclusion, Stage
from .selectors import commune_record, find_unit, plan_progress, progress_report, province_plan, report_data_gaps
from .selfassessment_docx import build_self_assessment


def refuse_with_403(view):
    """Answer a refusal with a real 403 page (Wagtail's admin would redirect home)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(request, "certification/forbidden.html", status=403)

    return wrapped


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (field errors where they belong)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# -- unit resolution --------------------------------------------------------------------------------


def default_era(user) -> str:
    if access.home_units(user, Era.Y2025):
        return Era.Y2025
    return Era.PRE_2025 if access.home_units(user, Era.PRE_2025) else Era.Y2025


def resolve_unit(request) -> AdministrativeUnit:
    """The unit of ``?unit=<code>&era=<era>``; 404 if unknown, 403 if not the user's to see."""
    era = request.GET.get("era") or default_era(request.user)
    if era not in Era.values:
        raise Http404
    code = (request.GET.get("unit") or "").strip()
    if not code:
        units = access.home_units(request.user, era)
        if not units:
            raise PermissionDenied
        code = units[0].code
    unit = find_unit(code=code, era=era)
    if unit is None:
        raise Http404
    if not access.can_view_unit(request.user, unit):
        raise PermissionDenied
    return unit


def fold_name(text: str) -> str:
    """Lower case without diacritics (``Yên`` and ``yen`` match; ``đ`` is ``d``)."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def unit_query(unit: AdministrativeUnit, **extra) -> str:
    return urlencode({"unit": unit.code, "era": unit.era, **extra})


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return []


# -- entry point and dashboard ------------------------------------------------------------------


def home(request):
    """The menu entry: followers get the dashboard, commune members their commune's record."""
    user = request.user
    if user.is_superuser or access.follows_any(user):
        return redirect("certification:dashboard")
    communes = sorted({link.commune for link in user_roles(user)}, key=lambda c: c.name)
    if len(communes) == 1:
        return redirect("certification:commune", communes[0].pk)
    if not communes:
        raise PermissionDenied
    return MyCommunesView.as_view(communes=communes)(request)


class MyCommunesView(AdminPage):
    template_name = "certification/my_communes.html"
    page_title = gettext_lazy("QMS progress")
    communes: list = []

    def get_context_data(self, **kwargs):
        return super().get_context_data(communes=self.communes, **kwargs)


class DashboardView(AdminPage):
    template_name = "certification/dashboard.html"
    page_title = gettext_lazy("QMS certification progress")

    def get(self, request, *args, **kwargs):
        self.unit = resolve_unit(request)
        self.report = progress_report(unit=self.unit)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.unit.full_name

    def _lineage(self):
        chain = [self.unit, *self.unit.ancestors()]
        return [u for u in reversed(chain) if access.can_view_unit(self.request.user, u)]

    def _chart(self):
        report = self.report
        data = {
            "labels": [t["month"] for t in report.timeline],
            "cumulative": [t["cumulative"] for t in report.timeline],
        }
        data |= {"total": report.totals.total, "label": _("Communes announced (cumulative)")}
        if report.target:
            data |= {
                "target": report.target.needed,
                "target_label": _("Target: %(percent)s%% by %(date)s")
                % {"percent": report.target.percent, "date": report.target.target_date.strftime("%d/%m/%Y")},
            }
        return data

    def _filtered_children(self) -> tuple[list, dict]:
        """The commune rows narrowed by ``?q=`` (name, with or without diacritics), ``?stage=`` and ``?late=1``."""
        params = self.request.GET
        wanted = {
            "q": (params.get("q") or "").strip()[:100],
            "stage": params.get("stage") if params.get("stage") in Stage.values else "",
            "late": params.get("late") == "1",
        }
        rows = self.report.children
        if self.report.children_level == "district":
            return rows, wanted
        if wanted["q"]:
            needle = fold_name(wanted["q"])
            rows = [r for r in rows if needle in fold_name(r.name)]
        if wanted["stage"]:
            rows = [r for r in rows if (r.stage or Stage.NOT_STARTED) == wanted["stage"]]
        if wanted["late"]:
            rows = [r for r in rows if r.late_count]
        return rows, wanted

    def _inspection_plan(self) -> dict:
        """The province's plan of this year and its progress, for the province's own staff."""
        unit = self.unit
        if unit.level != Level.PROVINCE or not access.acts_for_province(self.request.user, unit):
            return {"can_plan": False, "plan_progress": None}
        plan = province_plan(unit, timezone.localdate().year)
        return {"can_plan": True, "plan_progress": plan_progress(plan) if plan else None}

    def get_context_data(self, **kwargs):
        user, unit = self.request.user, self.unit
        eras = [(era, label, access.home_units(user, era)) for era, label in Era.choices]
        children, wanted = self._filtered_children()
        return super().get_context_data(
            children=children,
            today=timezone.localdate(),
            filters=wanted,
            filtered=any(wanted.values()),
            stage_choices=[(s.value, s.label) for s in STAGE_ORDER],
            report=self.report,
            unit=unit,
            lineage=self._lineage(),
            eras=eras,
            stages=[(s.value, s.label, self.report.totals.stages[s]) for s in STAGE_ORDER],
            chart=self._chart(),
            query=unit_query(unit),
            can_set_target=unit.level != Level.COMMUNE and access.acts_for_province(user, unit),
            data_gaps=report_data_gaps(unit, self.report.as_of.year) if unit.level != Level.COMMUNE else None,
            **self._inspection_plan(),
            **kwargs,
        )


def export_xlsx(request):
    unit = resolve_unit(request)
    report = progress_report(unit=unit)
    name = f"tien-do-iso-{unit.era}-{unit.code}-{report.as_of:%Y%m%d}.xlsx"
    return file_response(
        progress_workbook(report, other_era=other_era_report(request.user, unit)), filename=name, kind=XLSX
    )


def other_era_report(user, unit):
    """The user's own dashboard of the other era, when it holds any commune (None otherwise)."""
    other = next(era for era in Era.values if era != unit.era)
    units = access.home_units(user, other)
    if not units:
        return None
    report = progress_report(unit=units[0])
    return report if report.totals.total else None


@offers_pdf
def report_docx(request):
    unit = resolve_unit(request)
    report = progress_report(unit=unit)
    try:
        year = int(request.GET.get("year") or report.as_of.year)
    except ValueError:
        raise Http404 from None
    document = build_yearly_report(report=report, year=year)
    name = download_name("báo cáo ISO", unit.era, unit.code, f"năm {year}", on=report.as_of)
    return file_response(qd.to_bytes(document), filename=name, kind=DOCX)


# -- commune record ---------------------------------------------------------------------------------------------


def refuse_unless(user, commune, check) -> None:
    """A commune the user may not even see does not exist for them (404); one they
    see but may not act on is refused (403)."""
    if not access.can_view_commune(user, commune):
        raise Http404
    if not check(user, commune):
        raise PermissionDenied


def get_commune(request, pk: int, check=access.can_view_commune) -> Commune:
    commune = get_object_or_404(Commune.objects.select_related("unit__parent__parent"), pk=pk)
    refuse_unless(request.user, commune, check)
    return commune


class CommuneRecordView(AdminPage):
    template_name = "certification/commune_record.html"
    page_title = gettext_lazy("QMS record")

    def get(self, request, *args, pk, **kwargs):
        self.commune = get_commune(request, pk)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.commune.name

    def get_context_data(self, **kwargs):
        user, commune = self.request.user, self.commune
        record = commune_record(commune)
        from .mergers.models import MergerCarryOver
        from .mergers.report import reannounce_deadline

        carry_over = MergerCarryOver.objects.filter(successor=commune).first()
        signed = signature_selectors.signed_records(signing.RECORD_TYPE, [a.pk for a in record.announcements])
        for announcement in record.announcements:
            announcement.signature = signed.get(announcement.pk)
        return super().get_context_data(
            record=record,
            commune=commune,
            stage=record.progress.stage if record.progress else Stage.NOT_STARTED,
            stage_label=record.progress.get_stage_display() if record.progress else Stage.NOT_STARTED.label,
            can_manage=access.can_manage_commune(user, commune),
            can_prepare=access.can_prepare_decision(user, commune),
            can_inspect=access.acts_for_province(user, commune.unit),
            dashboard_unit=self._dashboard_unit(commune),
            draft_form=DraftDecisionForm(initial={"signed_on": timezone.localdate()}),
            carry_over=carry_over,
            reannounce_deadline=reannounce_deadline(carry_over) if carry_over else None,
            can_package=archive_services.can_request(user, commune),
            archive_years=archive_contents.closed_years(),
            archive_packages=commune.archive_packages.select_related("requested_by")[:20],
            **kwargs,
        )

    def _dashboard_unit(self, commune):
        parent = commune.unit.parent
        if parent and access.can_view_unit(self.request.user, parent):
            return parent
        return None


class FormPage(WagtailAdminTemplateMixin, FormView):
    """A form of the QMS progress pages, in the admin's frame without breadcrumbs."""

    template_name = "certification/form.html"
    header_icon = "form"

    def get_breadcrumbs_items(self):
        return []


class ServiceFormView(FormPage):
    """A form on one commune's record whose valid input goes to a service."""

    success_message = ""

    def check(self, user, obj) -> bool:
        return access.can_manage_commune(user, obj)

    def get_commune(self):
        return get_commune(self.request, self.kwargs["pk"], self.check)

    def dispatch(self, request, *args, **kwargs):
        self.commune = self.get_commune()
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.commune.name

    def get_success_url(self):
        return reverse("certification:commune", args=[self.commune.pk])

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(commune=self.commune, cancel_url=self.get_success_url(), **kwargs)


class EvidenceAddView(ServiceFormView):
    form_class = EvidenceForm
    page_title = gettext_lazy("Add evidence")
    success_message = gettext_lazy("The evidence has been recorded.")

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind else {}

    def perform(self, form):
        services.add_evidence(commune=self.commune, acting_user=self.request.user, **form.cleaned_data)


class AnnouncementAddView(ServiceFormView):
    form_class = AnnouncementForm
    page_title = gettext_lazy("Record the signed announcement decision")
    success_message = gettext_lazy("The announcement has been recorded; the commune is now announced.")

    def get_context_data(self, **kwargs):
        scope = sources.effective_scope(commune_id=self.commune.pk)
        return super().get_context_data(scope=scope, **kwargs)

    def perform(self, form):
        services.record_announcement(commune=self.commune, acting_user=self.request.user, **form.cleaned_data)


class InspectionAddView(ServiceFormView):
    form_class = InspectionForm
    page_title = gettext_lazy("Record an inspection")
    success_message = gettext_lazy("The inspection has been recorded.")

    def check(self, user, commune) -> bool:
        return access.acts_for_province(user, commune.unit)

    def get_initial(self):
        province = access.province_of(self.commune.unit)
        name = province.full_name if province else ""
        return {"agency": f"Sở Khoa học và Công nghệ {name[:1].lower()}{name[1:]}".strip()}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", ConclusionFormSet(prefix="conclusions"))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = ConclusionFormSet(request.POST, prefix="conclusions")
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        conclusions = [(f.cleaned_data.get("text", ""), f.cleaned_data.get("needs_action")) for f in formset]
        try:
            services.record_inspection(
                commune=self.commune, acting_user=request.user, conclusions=conclusions, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        messages.success(request, self.success_message)
        return redirect(self.get_success_url())


class ReportAddView(ServiceFormView):
    form_class = ReportForm
    page_title = gettext_lazy("Record the corrective report")
    success_message = gettext_lazy("The corrective report has been recorded.")

    def get_commune(self):
        self.conclusion = get_object_or_404(
            InspectionConclusion.objects.select_related("inspection__commune__unit"), pk=self.kwargs["pk"]
        )
        commune = self.conclusion.inspection.commune
        refuse_unless(self.request.user, commune, access.can_manage_commune)
        return commune

    def get_context_data(self, **kwargs):
        return super().get_context_data(conclusion=self.conclusion, **kwargs)

    def perform(self, form):
        services.record_corrective_report(
            conclusion=self.conclusion, acting_user=self.request.user, **form.cleaned_data
        )


class TargetEditView(FormPage):
    form_class = TargetForm
    page_title = gettext_lazy("Set the announcement target")

    def dispatch(self, request, *args, pk, **kwargs):
        self.unit = get_object_or_404(AdministrativeUnit.objects.select_related("parent__parent"), pk=pk)
        if self.unit.level == Level.COMMUNE or not access.acts_for_province(request.user, self.unit):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.unit.full_name

    def get_initial(self):
        target = getattr(self.unit, "qms_target", None)
        return {"percent": target.percent, "target_date": target.target_date, "note": target.note} if target else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version_object": getattr(self.unit, "qms_target", None)}

    def get_success_url(self):
        return f"{reverse('certification:dashboard')}?{unit_query(self.unit)}"

    def form_valid(self, form):
        try:
            services.set_target(unit=self.unit, acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The target has been saved."))
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.get_success_url(), **kwargs)


# -- files --------------------------------------------------------------------------------------------------------


def evidence_delete(request, pk: int):
    evidence = get_object_or_404(Evidence, pk=pk)
    commune = get_commune(request, evidence.commune_id, access.can_manage_commune)
    if request.method != "POST":
        return redirect("certification:commune", commune.pk)
    services.delete_evidence(evidence=evidence, acting_user=request.user)
    messages.success(request, _("The evidence has been deleted."))
    return redirect("certification:commune", commune.pk)


@offers_pdf
def decision_draft(request, pk: int):
    """The announcement decision as Word, with the commune's effective scope."""
    commune = get_commune(request, pk, access.can_prepare_decision)
    form = DraftDecisionForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    scope = sources.effective_scope(commune_id=commune.pk)
    if not scope:
        messages.error(request, _("No process document of this commune is in force: the decision would have no scope."))
        return redirect("certification:commune", commune.pk)
    number, signed_on = values.get("number") or None, values.get("signed_on")
    document = build_announcement_decision(
        commune=commune,
        scope=scope,
        number=number,
        signed_on=signed_on,
        signer_name=values.get("signer_name") or "",
        replaces=Announcement.objects.filter(commune=commune).first(),
    )
    name = download_name(
        "quyết định công bố",
        qd.format_document_number(number, SYMBOL_DECISION).removeprefix(qd.labels.SO).strip() if number else "",
        qd.labels.DU_THAO.lower() if decision_is_draft(number=number, signed_on=signed_on) else "",
        commune.unit.era,
        commune.unit.code,
        on=signed_on,
    )
    return file_response(qd.to_bytes(document), filename=name, kind=DOCX)


def archive_package_request(request, pk: int):
    """Queue the yearly archive package of the year posted (a year that has ended)."""
    commune = get_commune(request, pk, archive_services.can_request)
    if request.method == "POST":
        year = request.POST.get("year", "")
        try:
            archive_services.request_year_package(
                acting_user=request.user, commune=commune, year=int(year) if year.isdigit() else 0
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The archive package of %(year)s has been requested; it can be downloaded below when ready.")
                % {"year": year},
            )
    return redirect(reverse("certification:commune", args=[commune.pk]) + "#qms-archive")


# -- self-assessment (TT 26/2014 Art. 36) ------------------------------------------------------------------


def assessed_year(request) -> int:
    """``?year=`` (from 2014, the year of TT 26, to this year), this year by default; 404 otherwise."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        raise Http404 from None
    if not 2014 <= year <= this_year:
        raise Http404
    return year


class SelfAssessmentView(AdminPage):
    template_name = "certification/self_assessment.html"
    page_title = gettext_lazy("Self-assessment (TT 26/2014 Art. 36)")

    def get(self, request, *args, pk, **kwargs):
        self.commune = get_commune(request, pk)
        self.year = assessed_year(request)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.commune.name

    def get_context_data(self, **kwargs):
        assessment = selfassessment.assess(commune=self.commune, year=self.year)
        this_year = timezone.localdate().year
        return super().get_context_data(
            commune=self.commune,
            assessment=assessment,
            counts=[(s.value, s.label, assessment.counts()[s]) for s in selfassessment.Status],
            years=list(range(this_year, max(2014, this_year - 10) - 1, -1)),
            **kwargs,
        )


@offers_pdf
def self_assessment_docx(request, pk: int):
    commune = get_commune(request, pk)
    year = assessed_year(request)
    with translation.override(settings.LANGUAGE_CODE):
        document = build_self_assessment(assessment=selfassessment.assess(commune=commune, year=year))
    name = download_name("bảng tự đánh giá", commune.unit.era, commune.unit.code, f"năm {year}")
    return file_response(qd.to_bytes(document), filename=name, kind=DOCX)
