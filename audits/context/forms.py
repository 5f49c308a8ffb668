"""Admin forms of the context statement: start a version, its header, its rows, the leader's decision."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..forms import CommuneScopedForm
from . import selectors
from .models import ContextStatement, IssueOrigin

YES_NO = [("", "–"), ("true", _("Yes")), ("false", _("No"))]


class ProcedureChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.name}"


class SingleProcedureField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.name}"


def _procedures_of(commune_id):
    from processes.models import Procedure

    ids = [p.pk for p in selectors.handled_procedure_rows(commune_id)]
    return Procedure.objects.filter(pk__in=ids).order_by("field", "code")


class ContextStartForm(CommuneScopedForm):
    """A new version for a year: its rows are copied from the last approved statement."""

    class Meta:
        model = ContextStatement
        fields = ["year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class ContextHeaderForm(CommuneScopedForm):
    choose_commune = False
    climate_change_relevant = forms.TypedChoiceField(
        label=_("Is climate change a relevant issue?"),
        choices=YES_NO,
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("ISO 9001:2015/Amd 1:2024, clauses 4.1 and 4.2."),
    )
    procedures = ProcedureChoiceField(
        queryset=ContextStatement.objects.none(),
        required=False,
        label=_("TTHC in the scope"),
        help_text=_("Used only when not every TTHC the commune handles is in the scope."),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ContextStatement
        fields = ["scope_statement", "all_procedures", "climate_change_relevant", "climate_change_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        statement = self.instance
        self.fields["procedures"].queryset = _procedures_of(statement.commune_id)
        self.fields["procedures"].initial = list(statement.scope_procedures.values_list("procedure_id", flat=True))
        relevant = statement.climate_change_relevant
        self.initial["climate_change_relevant"] = "" if relevant is None else ("true" if relevant else "false")


class IssueForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    origin = forms.ChoiceField(
        label=pgettext_lazy("context issue", "internal or external"), choices=[("", "–"), *IssueOrigin.choices]
    )
    description = forms.CharField(
        label=pgettext_lazy("context issue", "issue"), widget=forms.Textarea(attrs={"rows": 2})
    )
    effect = forms.CharField(label=_("effect on the QMS"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    climate_related = forms.BooleanField(label=_("related to climate change"), required=False)


class PartyForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("interested party"), max_length=255)
    requirements = forms.CharField(label=_("needs and requirements"), widget=forms.Textarea(attrs={"rows": 2}))
    climate_requirements = forms.CharField(
        label=_("requirements related to climate change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    monitoring = forms.CharField(
        label=_("how they are monitored"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExclusionForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    clause = forms.CharField(label=_("clause"), max_length=20, required=False, help_text=_("e.g. 8.3"))
    procedure = SingleProcedureField(
        queryset=ContextStatement.objects.none(), label=_("administrative procedure"), required=False
    )
    subject = forms.CharField(label=_("what is excluded"), max_length=255, required=False)
    justification = forms.CharField(label=_("justification"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, commune_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = _procedures_of(commune_id)


class RowFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


IssueFormSet = forms.formset_factory(IssueForm, formset=RowFormSet, extra=2, can_delete=True)
PartyFormSet = forms.formset_factory(PartyForm, formset=RowFormSet, extra=2, can_delete=True)
ExclusionFormSet = forms.formset_factory(ExclusionForm, formset=RowFormSet, extra=1, can_delete=True)

ISSUE_KEYS = ("pk", "origin", "description", "effect", "climate_related")
PARTY_KEYS = ("pk", "name", "requirements", "climate_requirements", "monitoring")
EXCLUSION_KEYS = ("pk", "clause", "procedure_id", "subject", "justification")


class ContentsForm(forms.Form):
    """The three sections of a statement, each a formset, edited on one page."""

    SECTIONS = (
        ("issues", IssueFormSet, pgettext_lazy("context", "1. Internal and external issues (4.1)")),
        ("parties", PartyFormSet, pgettext_lazy("context", "2. Interested parties (4.2)")),
        ("exclusions", ExclusionFormSet, pgettext_lazy("context", "3. Exclusions from the scope (4.3)")),
    )

    def __init__(self, data=None, *, statement, **kwargs):
        super().__init__(data, **kwargs)
        self.sections = []
        for name, formset_class, title in self.SECTIONS:
            extra = {"form_kwargs": {"commune_id": statement.commune_id}} if name == "exclusions" else {}
            initial = initial_rows(statement, name)
            formset = formset_class(data, initial=initial, prefix=name, **extra)
            setattr(self, name, formset)
            self.sections.append((title, formset))

    def is_valid(self):
        valid = super().is_valid()
        return all([formset.is_valid() for _title, formset in self.sections]) and valid


def initial_rows(statement, name: str) -> list[dict]:
    if name == "issues":
        return [{k: getattr(i, k) for k in ISSUE_KEYS} for i in statement.issues.all()]
    if name == "parties":
        return [{k: getattr(p, k) for k in PARTY_KEYS} for p in statement.parties.all()]
    return [
        {("procedure" if k == "procedure_id" else k): getattr(e, k) for k in EXCLUSION_KEYS}
        for e in statement.exclusions.all()
    ]


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=pgettext_lazy("context", "comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(forms.Form):
    comment = forms.CharField(label=_("what has to change"), widget=forms.Textarea(attrs={"rows": 3}))
