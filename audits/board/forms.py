"""Forms of the steering board and the quality policy (plain forms; the views call the services)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms import permissions
from qms.people import name_order

from ..forms import DATE, PersonChoiceField, people_of
from .models import BoardKind, BoardPosition, IsoRole


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=BoardKind.choices)
    decision_number = forms.CharField(label=_("decision number"), max_length=60, help_text=_("E.g. 15/QĐ-UBND"))
    decision_date = forms.DateField(label=_("decision date"), **DATE)
    signer_name = forms.CharField(label=_("signed by"), max_length=120)
    signer_position = forms.CharField(label=_("signer's position"), max_length=120, initial="Chủ tịch")


class MemberForm(forms.Form):
    user = PersonChoiceField(
        label=_("account"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Members with an account get the commune role of their ISO role."),
    )
    person_name = forms.CharField(
        label=_("full name"),
        max_length=120,
        required=False,
        help_text=_("For a member without an account: as written, family name first (e.g. Lê Thị Mai)."),
    )
    unit_position = forms.CharField(
        label=_("position in the unit"), max_length=160, help_text=_("E.g. Chủ tịch UBND xã")
    )
    board_position = forms.ChoiceField(label=_("position in the board"), choices=BoardPosition.choices)
    iso_role = forms.ChoiceField(label=_("ISO role"), choices=IsoRole.choices, initial=IsoRole.NONE)
    duties = forms.CharField(label=_("duties"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    joined_on = forms.DateField(label=_("joined on"), **DATE)

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_of([commune])
        self.fields["joined_on"].initial = timezone.localdate()


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("left on"), **DATE)


class PolicyForm(forms.Form):
    text = forms.CharField(label=_("quality policy"), widget=forms.Textarea(attrs={"rows": 8}))
    adopted_on = forms.DateField(label=_("adopted on"), **DATE)
    signed_by = PersonChoiceField(label=_("signed by"), queryset=get_user_model().objects.none())

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_by"].queryset = permissions.users_with_commune_perm(commune, permissions.APPROVE).order_by(
            *name_order()
        )
        self.fields["adopted_on"].initial = timezone.localdate()
