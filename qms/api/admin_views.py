"""Staff screens: the organisation tokens, issuing one (its secret shown once) and revoking one."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from qms import permissions
from qms.units.models import AdministrativeUnit, Commune, Era, Level

from . import services
from .models import OrganisationToken, Scope


def can_issue(user) -> bool:
    return permissions.has_model_perm(user, OrganisationToken, "add")


def _require(user, action: str) -> None:
    if not permissions.has_model_perm(user, OrganisationToken, action):
        raise PermissionDenied


class IssueForm(forms.Form):
    organisation = forms.CharField(label=gettext_lazy("Organisation"), max_length=200)
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"),
        queryset=AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("era", "name"),
        required=False,
        help_text=gettext_lazy("The token reads every commune of this province."),
    )
    era = forms.ChoiceField(label=gettext_lazy("Era of the commune codes"), choices=Era.choices, initial=Era.Y2025)
    commune_codes = forms.CharField(
        label=gettext_lazy("Or these communes"),
        required=False,
        help_text=gettext_lazy("Commune codes separated by commas or spaces."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    def clean_commune_codes(self):
        codes = self.cleaned_data["commune_codes"].replace(",", " ").split()
        era = self.data.get("era") or Era.Y2025
        communes = list(Commune.objects.filter(unit__era=era, unit__code__in=codes))
        missing = sorted(set(codes) - {c.code for c in communes})
        if missing:
            raise ValidationError(_("No commune with the code(s) %(codes)s.") % {"codes": ", ".join(missing)})
        return communes


def tokens(request):
    _require(request.user, "add")
    form = IssueForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.issue_token(
                organisation=form.cleaned_data["organisation"],
                province=form.cleaned_data["province"],
                communes=form.cleaned_data["commune_codes"],
                scopes=form.cleaned_data["scopes"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            issued = {"token": token, "secret": raw}
            form = IssueForm()
    rows = OrganisationToken.objects.select_related("province", "created_by", "revoked_by").prefetch_related("communes")
    return TemplateResponse(
        request,
        "api/admin/tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": rows,
            "page_title": pgettext("organisation token", "API tokens"),
            "scopes": dict(Scope.choices),
        },
    )


@require_POST
def revoke(request, pk: int):
    _require(request.user, "change")
    token = get_object_or_404(OrganisationToken, pk=pk)
    try:
        services.revoke_token(token=token, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The token of %(organisation)s is revoked.") % {"organisation": token.organisation})
    return redirect(reverse("api_tokens:list"))
