"""Forms of the admin views; they only collect input, the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.concurrency import VersionTokenMixin
from qms.files import UploadField

from .models import EvidenceKind, InspectionMethod

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("error_messages", {"invalid": _("Enter a date as dd/mm/yyyy.")})
        super().__init__(**kwargs)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    title = forms.CharField(label=_("Document title"), max_length=255)
    reference = forms.CharField(
        label=_("Document number"), max_length=60, required=False, help_text=_("E.g. 12/QĐ-UBND")
    )
    issued_on = DateField(label=_("Issued on"))
    file = UploadField(label=_("File"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AnnouncementForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=10, help_text=_("Digits only, e.g. 125"))
    symbol = forms.CharField(label=_("Symbol"), max_length=30, initial="QĐ-UBND")
    signed_on = DateField(label=_("Signed on"))
    signer_name = forms.CharField(label=_("Signed by"), max_length=120, required=False)
    file = UploadField(label=_("Signed decision (scan or file)"))


class DraftDecisionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=10, required=False)
    signed_on = DateField(label=_("Date"), required=False)
    signer_name = forms.CharField(label=_("Signed by"), max_length=120, required=False)


class InspectionForm(forms.Form):
    inspected_on = DateField(label=_("Inspected on"))
    method = forms.ChoiceField(label=_("Method"), choices=InspectionMethod.choices)
    agency = forms.CharField(label=_("Inspecting body"), max_length=200)
    decision_reference = forms.CharField(label=_("Inspection decision number"), max_length=60, required=False)
    minutes_reference = forms.CharField(label=_("Inspection minutes number"), max_length=60, required=False)
    summary = forms.CharField(label=_("Summary of results"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConclusionForm(forms.Form):
    text = forms.CharField(label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    needs_action = forms.BooleanField(label=_("Needs corrective action (report due in 2 months)"), required=False)


ConclusionFormSet = forms.formset_factory(ConclusionForm, extra=3, max_num=20)


class ReportForm(forms.Form):
    reported_on = DateField(label=_("Reported on"))
    reference = forms.CharField(label=_("Report number"), max_length=60, required=False)
    file = UploadField(label=_("Report file"), required=False)
    note = forms.CharField(label=_("Corrective action taken"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TargetForm(VersionTokenMixin, forms.Form):
    percent = forms.IntegerField(label=_("Target (percentage of communes announced)"), min_value=1, max_value=100)
    target_date = DateField(label=_("Target date"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class PlanForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2014, max_value=2100)
    title = forms.CharField(label=pgettext_lazy("inspection plan", "Title"), max_length=255, required=False)

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["province"].label_from_instance = lambda unit: unit.full_name


class PlanItemForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=None)
    planned_on = DateField(label=_("Planned date"))
    method = forms.ChoiceField(label=_("Method"), choices=InspectionMethod.choices)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["commune"].label_from_instance = lambda commune: commune.name


class TeamForm(forms.Form):
    team = forms.CharField(
        label=_("Inspection team"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One member a line: full name; position; unit. The first member leads the team."),
    )

    def clean_team(self):
        members = []
        for line in self.cleaned_data["team"].splitlines():
            parts = [part.strip() for part in line.split(";")]
            if parts and parts[0]:
                members.append({"name": parts[0], "position": (parts + [""])[1], "unit": (parts + ["", ""])[2]})
        if not members:
            raise forms.ValidationError(_("Name at least one member of the team."))
        return members


class ApprovalForm(forms.Form):
    approval_number = forms.CharField(
        label=_("Approval decision number"), max_length=60, help_text=_("E.g. 125/QĐ-UBND")
    )
    approved_on = DateField(label=_("Approved on"))
    approver_name = forms.CharField(label=_("Signed by (People's Committee)"), max_length=120, required=False)


class CarryOutForm(forms.Form):
    inspected_on = DateField(label=_("Inspected on"))
    decision_reference = forms.CharField(label=_("Inspection decision number"), max_length=60, required=False)
    minutes_reference = forms.CharField(label=_("Inspection minutes number"), max_length=60, required=False)
    summary = forms.CharField(label=_("Summary of results"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from .models import INSPECTION_CHECKLIST, CheckResult

        super().__init__(*args, **kwargs)
        self.checklist_items = INSPECTION_CHECKLIST
        for index, (key, label) in enumerate(INSPECTION_CHECKLIST, start=1):
            self.fields[f"check_{key}"] = forms.ChoiceField(
                label=f"{index}. {label}", choices=[("", "—"), *CheckResult.choices], required=False
            )
            self.fields[f"note_{key}"] = forms.CharField(label=_("Note"), max_length=500, required=False)

    def checklist(self) -> dict:
        data = self.cleaned_data
        return {
            key: {"result": data.get(f"check_{key}", ""), "note": data.get(f"note_{key}", "")}
            for key, _label in self.checklist_items
        }

    def service_data(self) -> dict:
        return {
            key: self.cleaned_data[key]
            for key in ("inspected_on", "decision_reference", "minutes_reference", "summary")
        }
