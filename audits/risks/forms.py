"""Admin forms of the risk register."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.widgets import AdminDateInput

from processes import selectors as process_selectors

from ..forms import DATE, CommuneScopedForm, PersonChoiceField, people_of
from ..models import Finding
from .models import SCALE_CHOICES, Risk


class RiskForm(CommuneScopedForm):
    owner = PersonChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=pgettext_lazy("audits", "owner")
    )

    class Meta:
        model = Risk
        fields = [
            "kind",
            "description",
            "cause",
            "consequence",
            "likelihood",
            "impact",
            "process_document",
            "procedure_field",
            "finding",
            "owner",
            "treatment",
            "due_date",
            "identified_on",
        ]
        widgets = {"due_date": AdminDateInput, "identified_on": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["identified_on"].initial = timezone.localdate()
            self._prefill_from_finding()

    def _prefill_from_finding(self) -> None:
        """ "Raise a risk from this finding": its text and commune fill the new risk."""
        raw = str(self.initial.get("finding") or "")
        finding = self.fields["finding"].queryset.filter(pk=raw).first() if raw.isdigit() else None
        if finding is not None:
            self.initial.setdefault("description", finding.description)
            self.initial.setdefault("cause", finding.evidence)
            self.initial["commune"] = finding.commune_id

    def limit_choices(self):
        self.limit("process_document", process_selectors.commune_documents(communes=self.communes))
        self.limit("finding", Finding.objects.filter(commune__in=self.communes).select_related("plan"))
        self.limit("owner", people_of(self.communes))


class ReassessForm(forms.Form):
    residual_likelihood = forms.TypedChoiceField(
        label=_("likelihood after treatment"), choices=SCALE_CHOICES, coerce=int
    )
    residual_impact = forms.TypedChoiceField(label=_("impact after treatment"), choices=SCALE_CHOICES, coerce=int)
    reassessed_on = forms.DateField(label=_("re-assessed on"), **DATE)
    note = forms.CharField(label=_("re-assessment note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
