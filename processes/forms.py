"""Admin forms of the processes app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from qms import permissions
from qms.files import WORD_KINDS, UploadField
from qms.units.models import AdministrativeUnit, Commune

from .library import library_unit_ids
from .models import Procedure, ProcessDocument


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
            choices = list(field.queryset[:2])
            if len(choices) == 1 and not self.initial.get("commune"):
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


class AdoptForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    code = forms.CharField(label=_("Document code"), required=False, max_length=60)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = managed_communes(user)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class CompareForm(forms.Form):
    a = forms.ChoiceField(label=_("From"))
    b = forms.ChoiceField(label=_("To"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
