"""Internal audits, corrective actions and management reviews of a commune's QMS.

Operational records: plain models with ``HistoricalRecords()``. Every write
goes through :mod:`audits.services`; the state machines are documented on the
models and enforced there.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qms.files import PrivateFileField
from qms.formats import NAME_MAX_LENGTH
from qms.people import full_name

from .objectives.models import ONE_STOP_INDICATORS, DataSource, Direction, Indicator, KpiUnit, MeasurePeriod

USER = settings.AUTH_USER_MODEL


class IsoClause(models.Model):
    """One clause of TCVN ISO 9001:2015 (reference data, ``fixtures/iso/``)."""

    number = models.CharField(_("clause"), max_length=12, unique=True)
    title = models.CharField(pgettext_lazy("audits", "title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent clause"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)
    process_level = models.BooleanField(
        _("checked per process"),
        default=False,
        help_text=_("Checklists ask this clause once per audited process instead of once for the whole system."),
    )
    question = models.TextField(_("audit question"), blank=True)

    class Meta:
        verbose_name = _("ISO 9001 clause")
        verbose_name_plural = _("ISO 9001 clauses")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        from .clauses import sort_key

        self.sort_key = sort_key(self.number)
        super().save(*args, **kwargs)


class Auditor(models.Model):
    """A member of the commune's internal auditor pool."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="auditors"
    )
    user = models.ForeignKey(USER, verbose_name=_("user"), on_delete=models.PROTECT, related_name="auditor_profiles")
    home_unit = models.CharField(
        _("home unit"), max_length=200, help_text=_("The auditor's own unit, e.g. Bộ phận Tư pháp – Hộ tịch.")
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    competence = models.TextField(_("competence notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("internal auditor")
        verbose_name_plural = _("internal auditors")
        ordering = ["commune", "user__first_name", "user__last_name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["commune", "user"], name="audits_auditor_unique_user")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return full_name(self.user)


class AuditorTraining(models.Model):
    """A training course or certificate that shows an auditor's competence."""

    auditor = models.ForeignKey(Auditor, verbose_name=_("auditor"), on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(_("course"), max_length=255)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    issued_on = models.DateField(pgettext_lazy("audits", "issued on"))
    issuer = models.CharField(pgettext_lazy("auditor certificate", "issued by"), max_length=255)
    certificate_file = PrivateFileField(
        _("certificate file"),
        upload_to="audits/certificates/%Y/",
        blank=True,
        download_url_name="audits_files:certificate",
        name_field="certificate_file_name",
    )
    certificate_file_name = models.CharField(_("certificate file name"), max_length=255, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("auditor training record")
        verbose_name_plural = _("auditor training records")
        ordering = ["auditor", "-issued_on"]

    def __str__(self) -> str:
        return f"{self.course} ({self.issued_on:%d/%m/%Y})"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", pgettext_lazy("audits", "Approved")


class AuditProgramme(models.Model):
    """The yearly internal audit programme. States: DRAFT -> APPROVED."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="audit_programmes"
    )
    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(pgettext_lazy("audits", "title"), max_length=255)
    objectives = models.TextField(_("objectives"))
    scope = models.TextField(_("scope"), blank=True)
    criteria = models.TextField(_("audit criteria"), blank=True)
    audit_month = models.PositiveSmallIntegerField(
        _("month of the internal audit"),
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The ISO secretary is reminded from a month before if no audit is planned by then."),
    )
    clauses = models.ManyToManyField(IsoClause, verbose_name=_("ISO clauses"), blank=True, related_name="+")
    auditors = models.ManyToManyField(Auditor, verbose_name=_("audit team"), blank=True, related_name="programmes")
    document_number = models.CharField(_("document number"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        USER, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")
        ordering = ["-year", "commune"]
        constraints = [models.UniqueConstraint(fields=["commune", "year"], name="audits_programme_unique_year")]

    def __str__(self) -> str:
        return self.title


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class AuditPlan(models.Model):
    """One internal audit. States: DRAFT -> IN_PROGRESS -> COMPLETED; DRAFT/IN_PROGRESS -> CANCELLED."""

    programme = models.ForeignKey(
        AuditProgramme, verbose_name=_("audit programme"), on_delete=models.PROTECT, related_name="plans"
    )
    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="audit_plans"
    )
    sequence = models.PositiveSmallIntegerField(_("audit number in the year"), default=1)
    title = models.CharField(pgettext_lazy("audits", "title"), max_length=255)
    objectives = models.TextField(_("objectives"), blank=True)
    criteria = models.TextField(_("audit criteria"), blank=True)
    clauses = models.ManyToManyField(IsoClause, verbose_name=_("ISO clauses"), related_name="+")
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    lead_auditor = models.ForeignKey(
        Auditor, verbose_name=_("lead auditor"), on_delete=models.PROTECT, related_name="led_plans"
    )
    team = models.ManyToManyField(Auditor, verbose_name=_("audit team"), blank=True, related_name="team_plans")
    document_number = models.CharField(_("plan number"), max_length=20, blank=True)
    report_number = models.CharField(_("report number"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    conclusion = models.TextField(_("audit conclusion"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit plan")
        verbose_name_plural = _("audit plans")
        ordering = ["-planned_start", "commune"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "sequence"], name="audits_plan_unique_sequence"),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")), name="audits_plan_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            raise ValidationError({"planned_end": gettext("The audit cannot end before it starts.")})

    @property
    def is_open(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.IN_PROGRESS)


class AuditedProcess(models.Model):
    """A process (or unit) in the scope of an audit plan, with the auditor assigned to it.

    The process document is referenced by its code, title and issue number
    (and the id of the process document when known), so a finding keeps the
    version that was audited.
    """

    plan = models.ForeignKey(
        AuditPlan, verbose_name=_("audit plan"), on_delete=models.CASCADE, related_name="processes"
    )
    document_id = models.PositiveBigIntegerField(_("process document id"), null=True, blank=True)
    document_code = models.CharField(_("document code"), max_length=60, blank=True)
    title = models.TextField(_("process or unit"), max_length=NAME_MAX_LENGTH)
    issue_number = models.PositiveSmallIntegerField(_("issue number"), null=True, blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)
    responsible_users = models.ManyToManyField(
        USER, verbose_name=_("people responsible for the process"), blank=True, related_name="+"
    )
    auditee = models.CharField(_("auditee"), max_length=255, blank=True)
    auditor = models.ForeignKey(
        Auditor, verbose_name=_("auditor"), on_delete=models.PROTECT, related_name="assignments"
    )
    audit_date = models.DateField(_("audit date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audited process")
        verbose_name_plural = _("audited processes")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        parts = [self.document_code, self.title]
        text = " – ".join(part for part in parts if part)
        if self.issue_number:
            text += " " + gettext("(issue %(number)02d)") % {"number": self.issue_number}
        return text


class ChecklistResult(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    CONFORMING = "conforming", _("Conforming")
    NONCONFORMING = "nonconforming", _("Nonconforming")
    OBSERVATION = "observation", _("Observation")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ChecklistItem(models.Model):
    """One question of an audit checklist: a clause, for the system or for one process."""

    plan = models.ForeignKey(
        AuditPlan, verbose_name=_("audit plan"), on_delete=models.CASCADE, related_name="checklist"
    )
    clause = models.ForeignKey(IsoClause, verbose_name=_("clause"), on_delete=models.PROTECT, related_name="+")
    process = models.ForeignKey(
        AuditedProcess,
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checklist",
    )
    question = models.TextField(_("question"))
    result = models.CharField(
        pgettext_lazy("audits", "result"),
        max_length=20,
        choices=ChecklistResult.choices,
        default=ChecklistResult.PENDING,
    )
    evidence = models.TextField(pgettext_lazy("audits", "evidence"), blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "clause", "process"], name="audits_checklist_unique"),
            models.UniqueConstraint(
                fields=["plan", "clause"],
                condition=models.Q(process__isnull=True),
                name="audits_checklist_unique_system",
            ),
        ]

    def __str__(self) -> str:
        where = self.process.label if self.process_id else gettext("whole system")
        return f"{self.clause.number} – {where}"


class FindingKind(models.TextChoices):
    MAJOR_NC = "major_nc", _("Major nonconformity")
    MINOR_NC = "minor_nc", _("Minor nonconformity")
    OBSERVATION = "observation", _("Observation")
    OPPORTUNITY = "opportunity", _("Opportunity for improvement")

    @classmethod
    def nonconformities(cls) -> tuple[str, str]:
        return (cls.MAJOR_NC, cls.MINOR_NC)


class Finding(models.Model):
    """An audit finding, tied to a clause and (where relevant) a process document version."""

    plan = models.ForeignKey(
        AuditPlan,
        verbose_name=_("audit plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
        help_text=_("Empty for a nonconformity raised from a citizen's complaint."),
    )
    feedback = models.OneToOneField(
        "processes.CitizenFeedback",
        verbose_name=_("citizen feedback"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="findings"
    )
    sequence = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("type"), max_length=20, choices=FindingKind.choices)
    clause = models.ForeignKey(IsoClause, verbose_name=_("clause"), on_delete=models.PROTECT, related_name="findings")
    process = models.ForeignKey(
        AuditedProcess,
        verbose_name=_("audited process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    process_document_id = models.PositiveBigIntegerField(_("process document id"), null=True, blank=True)
    process_document_code = models.CharField(_("process document code"), max_length=60, blank=True)
    process_document_title = models.TextField(_("process document title"), max_length=NAME_MAX_LENGTH, blank=True)
    process_document_issue = models.PositiveSmallIntegerField(_("process document issue number"), null=True, blank=True)
    description = models.TextField(_("description"))
    requirement = models.TextField(_("requirement not met"), blank=True)
    evidence = models.TextField(_("objective evidence"), blank=True)
    raised_by = models.ForeignKey(
        USER, verbose_name=_("raised by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_on = models.DateField(pgettext_lazy("audits", "raised on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["plan", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sequence"], name="audits_finding_unique_sequence"),
            models.CheckConstraint(
                condition=models.Q(plan__isnull=False) | models.Q(feedback__isnull=False),
                name="audits_finding_plan_or_feedback",
            ),
        ]
        indexes = [models.Index(fields=["commune", "kind"])]

    def __str__(self) -> str:
        return f"{self.code} {self.get_kind_display()}"

    @property
    def code(self) -> str:
        if self.plan_id is None:
            return gettext("CF%(number)02d") % {"number": self.sequence}
        return gettext("F%(number)02d") % {"number": self.sequence}

    @property
    def is_nonconformity(self) -> bool:
        return self.kind in FindingKind.nonconformities()

    @property
    def process_reference(self) -> str:
        text = " – ".join(p for p in (self.process_document_code, self.process_document_title) if p)
        if text and self.process_document_issue:
            text += " " + gettext("(issue %(number)02d)") % {"number": self.process_document_issue}
        return text


class EvidenceFile(models.Model):
    """A file (photo, scan, record) attached as evidence to a checklist item or a finding."""

    plan = models.ForeignKey(
        AuditPlan, verbose_name=_("audit plan"), on_delete=models.CASCADE, related_name="evidence_files"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = PrivateFileField(
        _("file"), upload_to="audits/evidence/%Y/%m/", download_url_name="audits_files:evidence", name_field="file_name"
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.description or self.filename

    @property
    def filename(self) -> str:
        return self.file.original_name if self.file else self.file_name


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
    CLOSED = "closed", _("Closed (effective)")
    REOPENED = "reopened", _("Reopened (not effective)")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def active(cls) -> tuple[str, ...]:
        """States in which the owner still has work to do."""
        return (cls.OPEN, cls.IN_PROGRESS, cls.REOPENED)

    @classmethod
    def unfinished(cls) -> tuple[str, ...]:
        return (*cls.active(), cls.AWAITING_VERIFICATION)


class Effectiveness(models.TextChoices):
    EFFECTIVE = "effective", pgettext_lazy("audits", "Effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")


class CorrectiveAction(models.Model):
    """Phiếu yêu cầu hành động khắc phục, or an action decided by a management review.

    States: OPEN -> IN_PROGRESS -> AWAITING_VERIFICATION -> CLOSED (effective)
    or REOPENED (not effective) -> IN_PROGRESS …; any unfinished state ->
    CANCELLED (with a reason). Only a verification closes an action.
    """

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="corrective_actions"
    )
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number"))
    finding = models.OneToOneField(
        Finding,
        verbose_name=_("finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrective_action",
    )
    decision = models.OneToOneField(
        "ReviewDecision",
        verbose_name=_("management review decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action",
    )
    title = models.CharField(pgettext_lazy("audits", "subject"), max_length=255)
    immediate_correction = models.TextField(_("immediate correction"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    action_plan = models.TextField(_("corrective action plan"), blank=True)
    owner = models.ForeignKey(
        USER, verbose_name=pgettext_lazy("audits", "owner"), on_delete=models.PROTECT, related_name="corrective_actions"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=30, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    requested_by = models.ForeignKey(
        USER, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_on = models.DateField(_("requested on"))
    submitted_at = models.DateTimeField(_("submitted for verification at"), null=True, blank=True)
    verification_result = models.CharField(_("effectiveness"), max_length=20, choices=Effectiveness.choices, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    verified_by = models.ForeignKey(
        USER, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times found not effective"), default=0, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year", "sequence"], name="audits_action_unique_number"),
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | models.Q(verification_result="effective", verified_by__isnull=False),
                name="audits_action_closed_needs_verification",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["commune", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"{self.sequence:02d}/{self.year}"

    @property
    def is_unfinished(self) -> bool:
        """Still open or awaiting verification: its deadline still counts."""
        return self.status in ActionStatus.unfinished()

    def clean(self):
        if self.status == ActionStatus.CLOSED and not (
            self.verification_result == Effectiveness.EFFECTIVE and self.verified_by_id
        ):
            raise ValidationError(gettext("An action can only be closed after its effectiveness has been verified."))
        if self.status == ActionStatus.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": gettext("Give the reason for cancelling.")})


class ProgressNote(models.Model):
    """A progress update written by the owner (or the ISO secretary)."""

    action = models.ForeignKey(
        CorrectiveAction, verbose_name=_("action"), on_delete=models.CASCADE, related_name="progress_notes"
    )
    note = models.TextField(_("progress"))
    percent_done = models.PositiveSmallIntegerField(
        _("percent done"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    author = models.ForeignKey(
        USER, verbose_name=_("written by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["action", "created_at", "pk"]

    def __str__(self) -> str:
        return self.note[:60]


class QualityObjective(models.Model):
    """A yearly quality objective (mục tiêu chất lượng) and how far it was met."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="quality_objectives"
    )
    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    statement = models.CharField(_("objective"), max_length=500)
    target = models.CharField(
        _("target"), max_length=255, blank=True, help_text=_("Leave empty to state the target value below.")
    )
    result = models.CharField(_("result achieved"), max_length=255, blank=True)
    achieved = models.BooleanField(_("achieved"), null=True, blank=True)
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices, default=Indicator.OTHER)
    indicator_other = models.CharField(
        _("other indicator"), max_length=255, blank=True, help_text=_("The indicator's name when it is “Other”.")
    )
    unit = models.CharField(pgettext_lazy("kpi", "unit"), max_length=20, choices=KpiUnit.choices, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=9, decimal_places=2, null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices, default=Direction.AT_LEAST)
    period = models.CharField(
        _("measurement period"), max_length=20, choices=MeasurePeriod.choices, default=MeasurePeriod.YEAR
    )
    source = models.CharField(_("data source"), max_length=20, choices=DataSource.choices, default=DataSource.TYPED)
    procedure = models.ForeignKey(
        "processes.Procedure",
        verbose_name=_("scope: one procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quality_objectives",
        help_text=_("Empty: the whole commune."),
    )
    late_threshold = models.DecimalField(
        _("late-rate threshold (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A month whose late rate exceeds it suggests raising a finding or a risk."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.statement

    def clean(self):
        super().clean()
        errors = {}
        if self.source == DataSource.ONE_STOP and self.indicator not in ONE_STOP_INDICATORS:
            errors["source"] = _("The one-stop figures give only the on-time, late and returned rates.")
        if self.source == DataSource.FEEDBACK and self.indicator != Indicator.SATISFACTION:
            errors["source"] = _("Citizen feedback gives only the satisfaction rating.")
        if self.source != DataSource.TYPED and self.target_value is None:
            errors["target_value"] = _("An objective computed from the data needs a target value.")
        if not (self.target or "").strip() and self.target_value is None:
            errors["target"] = _("State the target, as text or as a value.")
        if self.late_threshold is not None and not 0 <= self.late_threshold <= 100:
            errors["late_threshold"] = _("A rate lies between 0 and 100%.")
        if self.unit == KpiUnit.PERCENT and self.target_value is not None and not 0 <= self.target_value <= 100:
            errors["target_value"] = _("A rate lies between 0 and 100%.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_measured(self) -> bool:
        """Its value is computed from the data (one-stop figures or citizen ratings), not typed."""
        return self.source != DataSource.TYPED

    @property
    def indicator_label(self) -> str:
        if self.indicator == Indicator.OTHER:
            return self.indicator_other or self.statement
        return str(self.get_indicator_display())


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class ManagementReview(models.Model):
    """Xem xét của lãnh đạo. States: PLANNED -> HELD (minutes recorded)."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="management_reviews"
    )
    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(pgettext_lazy("audits", "title"), max_length=255)
    planned_on = models.DateField(_("planned on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    chair = models.ForeignKey(USER, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="+")
    secretary = models.ForeignKey(
        USER, verbose_name=_("secretary"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendees = models.TextField(_("attendees"), blank=True, help_text=_("One person per line: name – position."))
    document_number = models.CharField(_("document number"), max_length=20, blank=True)
    inputs = models.JSONField(_("review inputs"), default=dict, blank=True, editable=False)
    inputs_assembled_at = models.DateTimeField(_("inputs assembled at"), null=True, blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PLANNED)
    history = HistoricalRecords(excluded_fields=["inputs"])

    class Meta:
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        ordering = ["-planned_on"]

    def __str__(self) -> str:
        return self.title


class DecisionTopic(models.TextChoices):
    """Outputs of a management review (TCVN ISO 9001:2015, 9.3.3)."""

    IMPROVEMENT = "improvement", _("Opportunity for improvement")
    CHANGE = "change", _("Change to the QMS")
    RESOURCES = "resources", _("Resource needs")


class ReviewDecision(models.Model):
    review = models.ForeignKey(
        ManagementReview, verbose_name=_("management review"), on_delete=models.CASCADE, related_name="decisions"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=DecisionTopic.choices)
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(
        USER,
        verbose_name=pgettext_lazy("audits", "owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["review", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ReminderKind(models.TextChoices):
    DUE_IN_7_DAYS = "due_7", _("Due in 7 days")
    DUE_TOMORROW = "due_1", _("Due tomorrow")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("7 days overdue (escalated to the leader)")
    AUDIT_NOT_PLANNED = "audit_not_planned", _("Internal audit not yet planned")


class Reminder(models.Model):
    """One planned reminder; the unique key makes the daily job idempotent."""

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey("units.Commune", null=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    for_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "content_type", "object_id", "kind", "for_date"], name="audits_reminder_unique_key"
            )
        ]
        indexes = [models.Index(fields=["for_date", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.for_date} → {self.recipient_id}"


from .board.models import BoardMember, BoardRoleGrant, QualityPolicy, SteeringBoard  # noqa: E402,F401
from .context.models import (  # noqa: E402,F401
    ContextIssue,
    ContextStatement,
    InterestedParty,
    ScopeExclusion,
    ScopeProcedure,
)
from .objectives.models import OneStopFigure, OneStopImport  # noqa: E402,F401
from .risks.models import Risk  # noqa: E402,F401
