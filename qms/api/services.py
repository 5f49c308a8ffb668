"""Issuing and revoking organisation tokens (keyword-only, atomic, audited)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qms import permissions
from qms.audit_log import define_action, log

from .models import OrganisationToken, Scope, hash_token

ISSUED = define_action("qms.api.token_issued", gettext_lazy("API token issued"), gettext_lazy("API token issued"))
REVOKED = define_action(
    "qms.api.token_revoked",
    pgettext_lazy("organisation token", "API token revoked"),
    pgettext_lazy("organisation token", "API token revoked"),
)

#: How often the "last used" time of a token is written (not on every request).
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def issue_token(*, organisation: str, scopes, acting_user, province=None, communes=()) -> tuple[OrganisationToken, str]:
    """A new token; returns it with its secret, which is shown once and never stored."""
    permissions.require_model_perm(acting_user, OrganisationToken, "add")
    organisation = (organisation or "").strip()
    scopes = sorted(set(scopes))
    communes = list(communes)
    if not organisation:
        raise ValidationError(_("Name the organisation that receives the token."))
    if not scopes or not set(scopes) <= set(Scope.values):
        raise ValidationError(_("Choose at least one scope."))
    if (province is None) == (not communes):
        raise ValidationError(_("Choose either a province or a list of communes."))
    raw = f"qms_{secrets.token_urlsafe(32)}"
    token = OrganisationToken.objects.create(
        organisation=organisation,
        province=province,
        scopes=scopes,
        prefix=raw[:10],
        token_hash=hash_token(raw),
        created_by=acting_user,
    )
    token.communes.set(communes)
    log(
        instance=token,
        action=ISSUED,
        user=acting_user,
        data={
            "organisation": organisation,
            "scopes": scopes,
            "province": province.code if province else None,
            "communes": [c.pk for c in communes],
        },
    )
    return token, raw


@transaction.atomic
def revoke_token(*, token: OrganisationToken, acting_user) -> OrganisationToken:
    permissions.require_model_perm(acting_user, OrganisationToken, "change")
    token = OrganisationToken.objects.select_for_update().get(pk=token.pk)
    if not token.is_active:
        raise ValidationError(_("This token is already revoked."))
    token.is_active = False
    token.revoked_by = acting_user
    token.revoked_at = timezone.now()
    token.save(update_fields=["is_active", "revoked_by", "revoked_at"])
    log(instance=token, action=REVOKED, user=acting_user, data={"organisation": token.organisation})
    return token


def record_use(*, token: OrganisationToken) -> None:
    """Remember when the token was last used (at most once a minute, without a history row)."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_PRECISION:
        return
    OrganisationToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
