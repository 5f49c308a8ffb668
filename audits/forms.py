"""Admin forms. Choices are limited to the user's communes; the services validate again."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from processes import selectors as process_selectors
from qms import permissions
from qms.files import UploadField
from qms.formats import DAY_FIRST_DATE_INPUT_FORMATS, NAME_MAX_LENGTH
from qms.people import full_name, name_order
from qms.service_views import add_service_errors  # noqa: F401
from qms.units.models import Commune

from .models import (
    AuditedProcess,
    Auditor,
    AuditorTraining,
    AuditPlan,
    AuditProgramme,
    ChecklistResult,
    CorrectiveAction,
    DecisionTopic,
    Effectiveness,
    Finding,
    FindingKind,
    ManagementReview,
    QualityObjective,
)


def people_of(communes):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__commune_role__commune__in=communes)
        .distinct()
        .order_by(*name_order())
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return full_name(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return full_name(obj)


DATE_INPUT_FORMATS = DAY_FIRST_DATE_INPUT_FORMATS
DATE = {"widget": AdminDateInput, "input_formats": DATE_INPUT_FORMATS}


def use_vietnamese_dates(form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.input_formats = DATE_INPUT_FORMATS


class CommuneScopedForm(WagtailAdminModelForm):
    """A model form whose choices are limited to the communes where the user holds ``commune_perm``.

    On create, a ``commune`` field lets the user pick the commune (only theirs).
    """

    commune_perm = permissions.MANAGE
    #: The form's own commune field on create (models that have a ``commune`` FK).
    choose_commune = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = self._communes()
        if self.choose_commune and self.instance.pk is None:
            self.fields["commune"] = forms.ModelChoiceField(
                queryset=self.communes,
                label=_("commune"),
                initial=self.communes.first() if self.communes.count() == 1 else None,
            )
            self.order_fields(["commune", *self.Meta.fields])
        self.limit_choices()
        use_vietnamese_dates(self)

    def _communes(self):
        commune_id = getattr(self.instance, "commune_id", None)
        if commune_id:
            return Commune.objects.filter(pk=commune_id)
        return permissions.communes_for(self.for_user, self.commune_perm).order_by("name")

    def limit_choices(self) -> None:
        """Narrow the querysets of the relation fields (override)."""

    def limit(self, name: str, queryset) -> None:
        if name in self.fields:
            self.fields[name].queryset = queryset


class ProgrammeForm(CommuneScopedForm):
    class Meta:
        model = AuditProgramme
        fields = [
            "year",
            "title",
            "objectives",
            "scope",
            "criteria",
            "audit_month",
            "clauses",
            "auditors",
            "document_number",
        ]
        widgets = {"clauses": forms.CheckboxSelectMultiple, "auditors": forms.CheckboxSelectMultiple}

    def limit_choices(self):
        self.limit("auditors", Auditor.objects.filter(commune__in=self.communes, is_active=True).select_related("user"))


class PlanForm(CommuneScopedForm):
    choose_commune = False

    class Meta:
        model = AuditPlan
        fields = [
            "programme",
            "title",
            "objectives",
            "criteria",
            "planned_start",
            "planned_end",
            "lead_auditor",
            "team",
            "clauses",
            "document_number",
            "report_number",
        ]
        widgets = {
            "clauses": forms.CheckboxSelectMultiple,
            "team": forms.CheckboxSelectMultiple,
            "planned_start": AdminDateInput,
            "planned_end": AdminDateInput,
        }

    def limit_choices(self):
        auditors = Auditor.objects.filter(commune__in=self.communes, is_active=True).select_related("user")
        self.limit("programme", AuditProgramme.objects.filter(commune__in=self.communes))
        self.limit("lead_auditor", auditors)
        self.limit("team", auditors)
        if self.instance.pk:
            self.fields["programme"].disabled = True


class AuditorForm(CommuneScopedForm):
    user = PersonChoiceField(queryset=get_user_model().objects.none(), label=_("user"))

    class Meta:
        model = Auditor
        fields = ["user", "home_unit", "position", "competence", "is_active"]

    def limit_choices(self):
        self.limit("user", people_of(self.communes))


class TrainingForm(CommuneScopedForm):
    choose_commune = False

    class Meta:
        model = AuditorTraining
        fields = ["auditor", "course", "certificate_number", "issued_on", "issuer", "certificate_file"]
        widgets = {"issued_on": AdminDateInput}

    def _communes(self):
        if self.instance.pk:
            return Commune.objects.filter(pk=self.instance.auditor.commune_id)
        return permissions.communes_for(self.for_user, self.commune_perm)

    def limit_choices(self):
        self.limit("auditor", Auditor.objects.filter(commune__in=self.communes).select_related("user"))
        if self.instance.pk:
            self.fields["auditor"].disabled = True


class FindingForm(CommuneScopedForm):
    commune_perm = permissions.AUDIT
    choose_commune = False
    owner = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("owner of the corrective action"),
        help_text=_("Required for a nonconformity: who must correct it."),
    )
    due_date = forms.DateField(required=False, label=_("due date of the corrective action"), **DATE)
    evidence_file = UploadField(required=False, label=_("evidence file"))

    class Meta:
        model = Finding
        fields = ["plan", "kind", "clause", "process", "description", "requirement", "evidence"]

    def limit_choices(self):
        plans = AuditPlan.objects.filter(commune__in=self.communes, status__in=["draft", "in_progress"])
        self.limit("plan", plans)
        processes = AuditedProcess.objects.filter(plan__in=plans).select_related("plan")
        plan_id = self.instance.plan_id if self.instance.pk else (self.data.get("plan") or self.initial.get("plan"))
        if str(plan_id or "").isdigit():
            processes = processes.filter(plan_id=plan_id)
        self.limit("process", processes.order_by("order", "pk"))
        self.limit("owner", people_of(self.communes))
        if self.instance.pk:
            self.fields["plan"].disabled = True
            for name in ("owner", "due_date", "evidence_file"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        process = data.get("process")
        plan = self.instance.plan if self.instance.pk else data.get("plan")
        if process and plan and process.plan_id != plan.pk:
            self.add_error("process", _("This process is not in the scope of the audit."))
        return data


class ActionPlanForm(CommuneScopedForm):
    choose_commune = False
    owner = PersonChoiceField(queryset=get_user_model().objects.none(), label=pgettext_lazy("audits", "owner"))

    class Meta:
        model = CorrectiveAction
        fields = ["title", "immediate_correction", "root_cause", "action_plan", "owner", "due_date"]
        widgets = {"due_date": AdminDateInput}

    def _communes(self):
        return Commune.objects.filter(pk=self.instance.commune_id)

    def limit_choices(self):
        self.limit("owner", people_of(self.communes))


class ReviewForm(CommuneScopedForm):
    commune_perm = permissions.APPROVE
    chair = PersonChoiceField(queryset=get_user_model().objects.none(), label=_("chair"))
    secretary = PersonChoiceField(queryset=get_user_model().objects.none(), required=False, label=_("secretary"))

    class Meta:
        model = ManagementReview
        fields = ["year", "title", "planned_on", "location", "chair", "secretary", "attendees", "document_number"]
        widgets = {"planned_on": AdminDateInput}

    def limit_choices(self):
        self.limit("chair", people_of(self.communes))
        self.limit("secretary", people_of(self.communes))


class ObjectiveForm(CommuneScopedForm):
    class Meta:
        model = QualityObjective
        fields = [
            "year",
            "statement",
            "indicator",
            "indicator_other",
            "source",
            "procedure",
            "direction",
            "target_value",
            "unit",
            "period",
            "late_threshold",
            "target",
            "result",
            "achieved",
        ]

    def limit_choices(self):
        self.limit("procedure", process_selectors.commune_catalogue(communes=self.communes))


# -- forms of the custom admin views ---------------------------------------------------------


class ConfirmForm(forms.Form):
    """A POST with nothing but the CSRF token."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ProcessRowForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    document_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    document_code = forms.CharField(label=_("document code"), max_length=60, required=False)
    title = forms.CharField(label=_("process or unit"), max_length=NAME_MAX_LENGTH)
    issue_number = forms.IntegerField(label=_("issue number"), min_value=1, max_value=99, required=False)
    responsible_unit = forms.CharField(label=_("responsible unit"), max_length=200)
    responsible_users = PeopleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("people responsible for the process"),
        widget=forms.CheckboxSelectMultiple,
    )
    auditee = forms.CharField(label=_("auditee"), max_length=255, required=False)
    auditor = forms.ModelChoiceField(queryset=Auditor.objects.none(), label=_("auditor"))
    audit_date = forms.DateField(label=_("audit date"), required=False, **DATE)

    def __init__(self, *args, plan: AuditPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auditor"].queryset = plan.team.select_related("user")
        self.fields["responsible_users"].queryset = people_of([plan.commune_id])


class BaseScopeFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


ScopeFormSet = forms.formset_factory(ProcessRowForm, formset=BaseScopeFormSet, extra=2, can_delete=True)


class ChecklistItemForm(forms.Form):
    result = forms.ChoiceField(label=pgettext_lazy("audits", "result"), choices=ChecklistResult.choices)
    evidence = forms.CharField(
        label=pgettext_lazy("audits", "evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = UploadField(label=_("evidence file"), required=False)


ChecklistFormSet = forms.formset_factory(ChecklistItemForm, extra=0)


class CompletePlanForm(forms.Form):
    conclusion = forms.CharField(label=_("audit conclusion"), widget=forms.Textarea(attrs={"rows": 5}))
    completed_on = forms.DateField(label=_("completed on"), **DATE)


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 4}))
    percent_done = forms.IntegerField(label=_("percent done"), min_value=0, max_value=100, required=False)


class VerifyForm(forms.Form):
    effectiveness = forms.ChoiceField(label=_("effectiveness"), choices=Effectiveness.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("verification note"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    topic = forms.ChoiceField(label=_("topic"), choices=DecisionTopic.choices)
    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = PersonChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=pgettext_lazy("audits", "owner")
    )
    due_date = forms.DateField(label=_("due date"), required=False, **DATE)
    track = forms.BooleanField(label=_("track as an action (with reminders)"), required=False)

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_of([commune.pk])


class HoldReviewForm(forms.Form):
    held_on = forms.DateField(label=_("held on"), **DATE)
    conclusions = forms.CharField(label=_("conclusions"), widget=forms.Textarea(attrs={"rows": 6}))


class FeedbackNonconformityForm(forms.Form):
    """Turn a citizen's feedback into a nonconformity and its corrective action request."""

    kind = forms.ChoiceField(
        label=_("type"),
        choices=[(k, FindingKind(k).label) for k in FindingKind.nonconformities()],
        initial=FindingKind.MINOR_NC,
    )
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 4}))
    owner = PersonChoiceField(queryset=get_user_model().objects.none(), label=pgettext_lazy("audits", "owner"))
    due_date = forms.DateField(label=_("due date"), **DATE)

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_of([commune.pk])
