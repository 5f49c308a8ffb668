"""The carry-over of predecessor communes' QMS into a 2025 successor commune."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class CarryOverStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("carry-over", "Planned")
    RUNNING = "running", pgettext_lazy("carry-over", "Running")
    DONE = "done", pgettext_lazy("carry-over", "Done")
    UNDONE = "undone", pgettext_lazy("carry-over", "Undone")


class MergerCarryOver(models.Model):
    """One successor commune's carry-over: the plan (choices), the run's progress and its undo."""

    successor = models.OneToOneField(
        "units.Commune", verbose_name=_("successor commune"), on_delete=models.CASCADE, related_name="carry_over"
    )
    status = models.CharField(_("status"), max_length=10, choices=CarryOverStatus.choices, default="draft")
    record_sources = models.ManyToManyField(
        "units.Commune",
        verbose_name=_("predecessors whose records move"),
        blank=True,
        related_name="+",
    )
    categories = models.JSONField(_("records that move"), default=list, blank=True)
    year = models.PositiveIntegerField(_("year of the objectives and programme"))
    total = models.PositiveIntegerField(pgettext_lazy("carry-over", "steps"), default=0)
    completed = models.PositiveIntegerField(_("steps done"), default=0)
    drafts_created = models.PositiveIntegerField(_("drafts created"), default=0)
    records_moved = models.PositiveIntegerField(_("records moved"), default=0)
    error = models.TextField(_("error"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("undone by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("merger carry-over")
        verbose_name_plural = _("merger carry-overs")

    def __str__(self) -> str:
        return str(self.successor)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


class CarryOverChoice(models.Model):
    """For one TTHC of the successor: whose quy trình becomes its draft, and the draft made."""

    carry_over = models.ForeignKey(MergerCarryOver, on_delete=models.CASCADE, related_name="choices")
    procedure = models.ForeignKey("processes.Procedure", on_delete=models.PROTECT, related_name="+")
    source_document = models.ForeignKey(
        "processes.ProcessDocument",
        verbose_name=_("predecessor's quy trình"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    model_document = models.ForeignKey(
        "processes.ProcessDocument",
        verbose_name=_("provincial model"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_document = models.ForeignKey(
        "processes.ProcessDocument",
        verbose_name=_("draft created"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_label = models.CharField(_("taken from"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("carry-over choice")
        verbose_name_plural = _("carry-over choices")
        ordering = ["procedure__field", "procedure__code"]
        constraints = [
            models.UniqueConstraint(fields=["carry_over", "procedure"], name="carry_over_unique_procedure"),
        ]

    def __str__(self) -> str:
        return f"{self.carry_over}: {self.procedure_id}"


class CarryOverMove(models.Model):
    """A record moved from a predecessor to the successor (undone by moving it back)."""

    carry_over = models.ForeignKey(MergerCarryOver, on_delete=models.CASCADE, related_name="moves")
    category = models.CharField(_("record type"), max_length=20)
    object_id = models.PositiveBigIntegerField()
    from_commune = models.ForeignKey("units.Commune", on_delete=models.PROTECT, related_name="+")
    old_sequence = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(_("record"), max_length=500)
    moved_back = models.BooleanField(_("moved back"), default=False)

    class Meta:
        verbose_name = _("moved record")
        verbose_name_plural = _("moved records")
        ordering = ["category", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["carry_over", "category", "object_id"], name="carry_over_unique_move"),
        ]

    def __str__(self) -> str:
        return self.label
