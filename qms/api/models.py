"""Organisation tokens of the read-only API: who may read which units, and what."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qms.units.models import AdministrativeUnit, Commune, Level


class Scope(models.TextChoices):
    UNITS = "read:units", _("Administrative units")
    COMMUNES = "read:communes", _("Communes and their stage")
    ANNOUNCEMENTS = "read:announcements", _("Announcements")
    DOCUMENTS = "read:documents", _("Effective quy trình and their files")
    PROGRESS = "read:progress", _("Progress figures")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class OrganisationToken(models.Model):
    """One organisation's key to the API; only its hash is kept."""

    organisation = models.CharField(_("organisation"), max_length=200)
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.PROVINCE},
        help_text=_("The token reads every commune of this province."),
    )
    communes = models.ManyToManyField(
        Commune,
        verbose_name=_("communes"),
        blank=True,
        related_name="+",
        help_text=_("Or only these communes."),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("token starts with"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(pgettext_lazy("organisation token", "revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(pgettext_lazy("organisation token", "last used at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = pgettext_lazy("organisation token", "API token")
        verbose_name_plural = pgettext_lazy("organisation token", "API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def unit_ids(self):
        """Every administrative unit the token reads: its province and all beneath, or its communes' units."""
        condition = Q(pk__in=self.communes.values("unit_id"))
        if self.province_id:
            condition |= Q(pk=self.province_id) | Q(parent_id=self.province_id) | Q(parent__parent_id=self.province_id)
        return AdministrativeUnit.objects.filter(condition).values("pk")

    def readable_communes(self):
        return Commune.objects.filter(unit_id__in=self.unit_ids())
