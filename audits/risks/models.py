"""Rủi ro và cơ hội (6.1): one row of a commune's register, with its treatment and re-assessment.

States: OPEN -> TREATING (a treatment is planned) -> CLOSED (after the
re-assessment). Every write goes through :mod:`audits.risks.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

SCALE = range(1, 6)
SCALE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
SCALE_CHOICES = [(n, str(n)) for n in SCALE]


class RiskKind(models.TextChoices):
    RISK = "risk", _("Risk")
    OPPORTUNITY = "opportunity", pgettext_lazy("risks", "Opportunity")


class RiskLevel(models.TextChoices):
    LOW = "low", pgettext_lazy("risk level", "Low")
    MEDIUM = "medium", pgettext_lazy("risk level", "Medium")
    HIGH = "high", pgettext_lazy("risk level", "High")
    VERY_HIGH = "very_high", pgettext_lazy("risk level", "Very high")


#: The one place the levels are decided: the highest score (likelihood × impact) of each level.
LEVEL_THRESHOLDS = ((4, RiskLevel.LOW), (9, RiskLevel.MEDIUM), (16, RiskLevel.HIGH), (25, RiskLevel.VERY_HIGH))


def level_ranges() -> list[tuple[int, int, str]]:
    """(lowest score, highest score, level) of each level, from :data:`LEVEL_THRESHOLDS`."""
    ranges, lower = [], 1
    for limit, level in LEVEL_THRESHOLDS:
        ranges.append((lower, limit, level))
        lower = limit + 1
    return ranges


def level_of(likelihood: int | None, impact: int | None) -> str:
    """The level of a likelihood × impact pair ("" when either is missing)."""
    if not likelihood or not impact:
        return ""
    score = likelihood * impact
    return next(level for limit, level in LEVEL_THRESHOLDS if score <= limit)


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TREATING = "treating", _("Being treated")
    CLOSED = "closed", _("Treated and closed")

    @classmethod
    def active(cls) -> tuple[str, ...]:
        return (cls.OPEN, cls.TREATING)


class Risk(models.Model):
    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="risks"
    )
    sequence = models.PositiveIntegerField(_("number"), editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=RiskKind.choices, default=RiskKind.RISK)
    process_document = models.ForeignKey(
        "processes.ProcessDocument",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risks",
    )
    procedure_field = models.CharField(
        _("field of administrative procedures"),
        max_length=200,
        blank=True,
        help_text=_("The group of TTHC the risk concerns, when it is not one process (e.g. Hộ tịch)."),
    )
    finding = models.ForeignKey(
        "audits.Finding",
        verbose_name=_("finding it came from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risks",
    )
    description = models.TextField(_("description"))
    cause = models.TextField(_("cause or source"), blank=True)
    consequence = models.TextField(_("consequence"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=SCALE_CHOICES, validators=SCALE_VALIDATORS)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=SCALE_CHOICES, validators=SCALE_VALIDATORS)
    score = models.PositiveSmallIntegerField(_("score"), editable=False)
    level = models.CharField(pgettext_lazy("risks", "level"), max_length=20, choices=RiskLevel.choices, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("audits", "owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks",
    )
    treatment = models.TextField(_("treatment"), blank=True)
    due_date = models.DateField(_("treatment due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    identified_on = models.DateField(_("identified on"))
    residual_likelihood = models.PositiveSmallIntegerField(
        _("likelihood after treatment"), null=True, blank=True, choices=SCALE_CHOICES, validators=SCALE_VALIDATORS
    )
    residual_impact = models.PositiveSmallIntegerField(
        _("impact after treatment"), null=True, blank=True, choices=SCALE_CHOICES, validators=SCALE_VALIDATORS
    )
    residual_score = models.PositiveSmallIntegerField(_("score after treatment"), null=True, editable=False)
    residual_level = models.CharField(
        _("level after treatment"), max_length=20, choices=RiskLevel.choices, blank=True, editable=False
    )
    reassessed_on = models.DateField(_("re-assessed on"), null=True, blank=True)
    reassessment_note = models.TextField(_("re-assessment note"), blank=True)
    closed_on = models.DateField(pgettext_lazy("risks", "closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk or opportunity")
        verbose_name_plural = _("risks and opportunities")
        ordering = ["commune", "sequence"]
        constraints = [models.UniqueConstraint(fields=["commune", "sequence"], name="audits_risk_unique_number")]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["commune", "level"])]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:80]}"

    def save(self, *args, **kwargs):
        self.score = (self.likelihood or 0) * (self.impact or 0)
        self.level = level_of(self.likelihood, self.impact)
        if self.residual_likelihood and self.residual_impact:
            self.residual_score = self.residual_likelihood * self.residual_impact
        else:
            self.residual_score = None
        self.residual_level = level_of(self.residual_likelihood, self.residual_impact)
        super().save(*args, **kwargs)

    @property
    def number(self) -> str:
        return gettext("R%(number)02d") % {"number": self.sequence or 0}

    @property
    def is_active(self) -> bool:
        return self.status in RiskStatus.active()
