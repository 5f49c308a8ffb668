"""Admin forms of the processes app and the public citizen-feedback forms."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from qms import permissions
from qms.concurrency import VersionTokenMixin
from qms.files import WORD_KINDS, UploadField
from qms.units.models import AdministrativeUnit, Commune

from .library import library_unit_ids
from .models import (
    AcknowledgeAudience,
    CitizenFeedback,
    FeedbackKind,
    FeedbackStatus,
    Procedure,
    ProcessDocument,
    SystemCategory,
)


def managed_communes(user):
    """Communes where ``user`` drafts documents (ISO officer)."""
    return Commune.objects.filter(pk__in=permissions.communes_for(user, permissions.MANAGE).values("pk")).order_by(
        "name"
    )


def offer_managed_communes(form: forms.Form, user) -> None:
    """Limit the form's ``commune`` to the user's communes; an officer of one commune finds it chosen."""
    field = form.fields["commune"]
    field.queryset = managed_communes(user)
    choices = list(field.queryset[:2])
    if len(choices) == 1 and not form.initial.get("commune"):
        form.initial["commune"] = choices[0].pk


class CommuneScopedForm(WagtailAdminModelForm):
    """Offers only the communes the user manages in the ``commune`` field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("commune")
        if field is not None and self.for_user is not None:
            field.queryset = managed_communes(self.for_user)
            if not self.initial.get("commune"):
                choices = list(field.queryset[:2])
                if len(choices) == 1:
                    self.initial["commune"] = choices[0].pk


class ProcessDocumentForm(CommuneScopedForm):
    """The quy trình editor: owner fields only on creation, limited to the user's communes/libraries."""

    FIXED_ON_EDIT = ("commune", "owner_unit", "procedure")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner_unit = self.fields.get("owner_unit")
        if owner_unit is not None:
            units = library_unit_ids(self.for_user) if self.for_user is not None else set()
            owner_unit.queryset = AdministrativeUnit.objects.filter(pk__in=units)
            if not units:
                owner_unit.widget = forms.HiddenInput()
        if self.instance.pk:
            for name in self.FIXED_ON_EDIT:
                if name in self.fields:
                    field = self.fields[name]
                    field.disabled = True
                    field.queryset = field.queryset.model._default_manager.filter(
                        pk=getattr(self.instance, f"{name}_id")
                    )
                    # Shown from the document's own (already loaded) row, not read again at each render.
                    current = getattr(self.instance, name)
                    empty = [] if field.empty_label is None else [("", field.empty_label)]
                    current_choice = [] if current is None else [(current.pk, field.label_from_instance(current))]
                    field.choices = empty + current_choice

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and bool(cleaned.get("commune")) == bool(cleaned.get("owner_unit")):
            raise forms.ValidationError(_("Choose the commune (or, for a model document, the model library)."))
        return cleaned


class DocxUploadForm(forms.Form):
    file = UploadField(label=_("Word file (.docx)"), kinds=WORD_KINDS)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    procedure = forms.ModelChoiceField(
        label=_("Administrative procedure"),
        queryset=Procedure.objects.all(),
        required=False,
        help_text=_("Only needed when the file does not show the procedure's code or exact name."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_managed_communes(self, user)


class StartForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    procedure = forms.ModelChoiceField(label=_("Administrative procedure"), queryset=Procedure.objects.all())
    model = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=ProcessDocument.objects.none(),
        required=False,
        empty_label=_("A new draft from the catalogue"),
    )

    def __init__(self, *args, user, models_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        offer_managed_communes(self, user)
        self.fields["model"].queryset = models_queryset

    def clean(self):
        cleaned = super().clean()
        model, procedure = cleaned.get("model"), cleaned.get("procedure")
        if model is not None and procedure is not None and model.procedure_id != procedure.pk:
            raise forms.ValidationError(_("The chosen model is for another procedure."))
        return cleaned


class SystemStartForm(forms.Form):
    """Start one of the QMS's own procedures for a commune, or as a model of a library the user edits."""

    owner = forms.ChoiceField(label=_("Commune or model library"))
    system_category = forms.ChoiceField(label=_("System procedure"), choices=SystemCategory.choices)
    title = forms.CharField(
        label=_("Procedure title"),
        required=False,
        max_length=500,
        help_text=_("Leave empty for the standard title."),
    )
    code = forms.CharField(
        label=_("Document code"), required=False, max_length=60, help_text=_("Leave empty for the standard code.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = list(managed_communes(user))
        units = list(AdministrativeUnit.objects.filter(pk__in=library_unit_ids(user)).order_by("name"))
        self.owners = {f"commune:{c.pk}": ("commune", c) for c in communes}
        self.owners.update({f"unit:{u.pk}": ("owner_unit", u) for u in units})
        self.fields["owner"].choices = [(f"commune:{c.pk}", str(c)) for c in communes] + [
            (f"unit:{u.pk}", _("Model library of %(unit)s") % {"unit": u.full_name}) for u in units
        ]

    def clean(self):
        cleaned = super().clean()
        category, title = cleaned.get("system_category"), (cleaned.get("title") or "").strip()
        if category == SystemCategory.OTHER and not (title and (cleaned.get("code") or "").strip()):
            raise forms.ValidationError(_("Give another system procedure its title and code."))
        return cleaned

    def owner_kwargs(self) -> dict:
        name, value = self.owners[self.cleaned_data["owner"]]
        return {name: value}


class AdoptForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    code = forms.CharField(label=_("Document code"), required=False, max_length=60)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = managed_communes(user)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class ReviewSettingsForm(VersionTokenMixin, forms.Form):
    """The review interval and who is asked to read and confirm (a setting of the document, not a version)."""

    review_interval_months = forms.IntegerField(
        label=_("Review interval (months)"), min_value=1, max_value=60, help_text=_("Usually 12 months.")
    )
    acknowledge_audience = forms.ChoiceField(
        label=_("Staff asked to read and confirm each new version"), choices=AcknowledgeAudience.choices
    )


class ReviewNoChangeForm(VersionTokenMixin, forms.Form):
    """ "Reviewed, no change": the date of the review and what was looked at."""

    reviewed_on = forms.DateField(
        label=_("Reviewed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the legal basis was checked and is still in force."),
    )

    def __init__(self, *args, document, **kwargs):
        self.document = document
        super().__init__(*args, **kwargs)

    def version_state(self) -> dict:
        return {"next_review_on": self.document.next_review_on, "issue": self.document.issue_number}


class CompareForm(forms.Form):
    a = forms.ChoiceField(label=_("From"))
    b = forms.ChoiceField(label=_("To"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices


# -- the public feedback forms (no account) ---------------------------------------------------------

RATING_CHOICES = [(n, str(n)) for n in range(5, 0, -1)]
PHONE = RegexValidator(r"^\+?[0-9 .]{8,15}$", _("Enter a phone number of 8 to 15 digits."))


class PublicFeedbackForm(forms.Form):
    """Fields every public form shares: optional contact with consent, and a honeypot."""

    contact_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[PHONE])
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    contact_consent = forms.BooleanField(
        label=_("I agree that the commune keeps these contact details to answer me."), required=False
    )
    #: Left empty by people; filled by robots that fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        contact = any(data.get(name) for name in ("contact_name", "contact_phone", "contact_email"))
        if contact and not data.get("contact_consent"):
            self.add_error(
                "contact_consent",
                _("Tick the consent box to leave your contact details, or leave them empty."),
            )
        return data

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def submission(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "website"}


class SatisfactionForm(PublicFeedbackForm):
    form_name = "satisfaction"
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with how this procedure was handled?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5 stars."),
            "invalid_choice": _("Choose a rating from 1 to 5 stars."),
        },
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=2000, required=False, widget=forms.Textarea)
    field_order = ["rating", "comment"]

    def submission(self) -> dict:
        return {**super().submission(), "kind": FeedbackKind.SATISFACTION}


class ComplaintForm(PublicFeedbackForm):
    form_name = "complaint"
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[
            (FeedbackKind.SUGGESTION, FeedbackKind.SUGGESTION.label),
            (FeedbackKind.COMPLAINT, FeedbackKind.COMPLAINT.label),
        ],
        widget=forms.RadioSelect,
        initial=FeedbackKind.SUGGESTION,
        error_messages={"required": _("Choose whether this is a suggestion or a complaint.")},
    )
    comment = forms.CharField(
        label=_("Your suggestion or complaint"),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": _("Write your suggestion or complaint.")},
    )
    field_order = ["kind", "comment"]


class FeedbackAnswerForm(WagtailAdminModelForm):
    """The officer's answer (the edit form of a feedback; the rest is the citizen's and stays)."""

    close = forms.BooleanField(label=_("The matter is settled: close it"), required=False)

    class Meta:
        model = CitizenFeedback
        fields = ["answer"]
        labels = {"answer": _("Answer given to the citizen")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].required = True
        self.fields["close"].initial = self.instance.status == FeedbackStatus.CLOSED
