"""Measurable quality objectives: the KPI choices of an objective and the one-stop (một cửa) figures.

An objective (``audits.QualityObjective``) names an indicator, a target and the
source of its data; when the source is not "typed", its value is computed from
:class:`OneStopFigure` (dossiers per commune × TTHC × month, written by an
:class:`OneStopImport`) or from the citizens' ratings. Every write goes through
:mod:`audits.objectives.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Indicator(models.TextChoices):
    """The service-quality indicators of QĐ 766/QĐ-TTg where an objective measures one of them."""

    ON_TIME_RATE = "on_time_rate", _("Rate of dossiers resolved on time")
    LATE_RATE = "late_rate", _("Rate of dossiers resolved late")
    RETURNED_RATE = "returned_rate", _("Rate of dossiers returned or asked to be completed")
    SATISFACTION = "satisfaction", _("Citizens' satisfaction")
    OTHER = "other", pgettext_lazy("indicator", "Other")


#: Indicators computed from the one-stop figures.
ONE_STOP_INDICATORS = (Indicator.ON_TIME_RATE, Indicator.LATE_RATE, Indicator.RETURNED_RATE)


class KpiUnit(models.TextChoices):
    PERCENT = "percent", "%"
    DOSSIERS = "dossiers", _("dossiers")
    DAYS = "days", _("days")
    POINTS = "points", _("points")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class MeasurePeriod(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarterly within the year")
    MONTH = "month", _("Monthly within the year")


class DataSource(models.TextChoices):
    TYPED = "typed", _("Typed at year end")
    ONE_STOP = "one_stop", _("Imported from the one-stop system")
    FEEDBACK = "feedback", _("Citizen feedback")


class OneStopImport(models.Model):
    """One file of one-stop figures imported for a commune: who, when, how many rows, which months."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="one_stop_imports"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    row_count = models.PositiveIntegerField(_("rows"))
    months = models.JSONField(_("months"), default=list, help_text=_("The months the file covers (mm/yyyy)."))
    replaced = models.PositiveIntegerField(_("figures replaced"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("one-stop figures import")
        verbose_name_plural = _("one-stop figures imports")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class OneStopFigure(models.Model):
    """The dossiers of one TTHC in one commune in one month, as the one-stop system reports them."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="one_stop_figures"
    )
    procedure = models.ForeignKey(
        "processes.Procedure",
        verbose_name=_("administrative procedure"),
        on_delete=models.PROTECT,
        related_name="one_stop_figures",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    received = models.PositiveIntegerField(_("received"))
    on_time = models.PositiveIntegerField(_("resolved on time"))
    late = models.PositiveIntegerField(_("resolved late"))
    returned = models.PositiveIntegerField(_("returned or asked to complete"))
    batch = models.ForeignKey(OneStopImport, verbose_name=_("import"), on_delete=models.PROTECT, related_name="figures")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("one-stop monthly figure")
        verbose_name_plural = _("one-stop monthly figures")
        ordering = ["commune", "month", "procedure__code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "procedure", "month"], name="audits_onestop_unique_month")
        ]
        indexes = [models.Index(fields=["commune", "month"])]

    def __str__(self) -> str:
        return f"{self.procedure_id} · {self.month:%m/%Y}"
