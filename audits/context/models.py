"""Bối cảnh, các bên quan tâm và phạm vi HTQLCL (ISO 9001 4.1, 4.2, 4.3): a commune's statement per year.

Each statement is a version (1, 2, …) of the commune's context for a year:
DRAFT -> SUBMITTED -> APPROVED (by a commune leader), or back to DRAFT with the
leader's comment. A new draft starts from the last approved statement, copying
its rows. Every write goes through :mod:`audits.context.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ContextStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("context", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("context", "Submitted for approval")
    APPROVED = "approved", pgettext_lazy("context", "Approved")


class IssueOrigin(models.TextChoices):
    INTERNAL = "internal", pgettext_lazy("context issue", "Internal")
    EXTERNAL = "external", pgettext_lazy("context issue", "External")


class ContextStatement(models.Model):
    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="context_statements"
    )
    year = models.PositiveIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ContextStatus.choices, default=ContextStatus.DRAFT, editable=False
    )
    scope_statement = models.TextField(
        _("scope statement"),
        blank=True,
        help_text=_("The scope of the QMS as the announcement states it (ISO 9001 4.3)."),
    )
    all_procedures = models.BooleanField(
        _("every TTHC the commune handles is in the scope"),
        default=True,
        help_text=_("Untick to list the TTHC in the scope one by one."),
    )
    climate_change_relevant = models.BooleanField(
        _("Is climate change a relevant issue?"),
        null=True,
        blank=True,
        help_text=_("ISO 9001:2015/Amd 1:2024, clauses 4.1 and 4.2."),
    )
    climate_change_note = models.TextField(_("climate change: note"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("started from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)
    review_comment = models.TextField(_("leader's comment"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("context and scope of the QMS")
        verbose_name_plural = _("context and scope of the QMS")
        ordering = ["commune", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year", "version"], name="audits_context_unique_version")
        ]

    def __str__(self) -> str:
        return gettext("Context and scope %(year)s – version %(version)s") % {
            "year": self.year,
            "version": self.version,
        }

    @property
    def title(self) -> str:
        return str(self)

    @property
    def is_draft(self) -> bool:
        return self.status == ContextStatus.DRAFT


class ContextRow(models.Model):
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    @property
    def commune_id(self) -> int:
        return self.statement.commune_id


class ContextIssue(ContextRow):
    statement = models.ForeignKey(ContextStatement, on_delete=models.CASCADE, related_name="issues")
    origin = models.CharField(
        pgettext_lazy("context issue", "internal or external"), max_length=20, choices=IssueOrigin.choices
    )
    description = models.TextField(pgettext_lazy("context issue", "issue"))
    effect = models.TextField(_("effect on the QMS"), blank=True)
    climate_related = models.BooleanField(_("related to climate change"), default=False)
    history = HistoricalRecords()

    class Meta(ContextRow.Meta):
        verbose_name = _("internal or external issue")
        verbose_name_plural = _("internal and external issues")

    def __str__(self) -> str:
        return self.description[:80]


class InterestedParty(ContextRow):
    statement = models.ForeignKey(ContextStatement, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("interested party"), max_length=255)
    requirements = models.TextField(_("needs and requirements"))
    climate_requirements = models.TextField(_("requirements related to climate change"), blank=True)
    monitoring = models.TextField(_("how they are monitored"), blank=True)
    history = HistoricalRecords()

    class Meta(ContextRow.Meta):
        verbose_name = _("interested party")
        verbose_name_plural = _("interested parties")

    def __str__(self) -> str:
        return self.name


class ScopeProcedure(ContextRow):
    """A TTHC listed in the scope (when the scope does not take every TTHC the commune handles)."""

    statement = models.ForeignKey(ContextStatement, on_delete=models.CASCADE, related_name="scope_procedures")
    procedure = models.ForeignKey(
        "processes.Procedure",
        verbose_name=_("administrative procedure"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta(ContextRow.Meta):
        verbose_name = _("TTHC in the scope")
        verbose_name_plural = _("TTHC in the scope")
        constraints = [
            models.UniqueConstraint(fields=["statement", "procedure"], name="audits_context_scope_procedure_once")
        ]

    def __str__(self) -> str:
        return str(self.procedure_id)


class ScopeExclusion(ContextRow):
    """A requirement (clause) or a TTHC left out of the scope, with why."""

    statement = models.ForeignKey(ContextStatement, on_delete=models.CASCADE, related_name="exclusions")
    clause = models.CharField(_("clause"), max_length=20, blank=True, help_text=_("e.g. 8.3"))
    procedure = models.ForeignKey(
        "processes.Procedure",
        verbose_name=_("administrative procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("what is excluded"), max_length=255, blank=True)
    justification = models.TextField(_("justification"))
    history = HistoricalRecords()

    class Meta(ContextRow.Meta):
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")

    def __str__(self) -> str:
        return " – ".join(filter(None, [self.clause, self.subject]))
