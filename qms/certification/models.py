"""A commune's QMS lifecycle (QĐ 19/2014 Art. 4; TT 26/2014 Arts. 6, 7, 33–38).

Stages: NOT_STARTED -> BUILDING -> APPLYING -> ANNOUNCED -> MAINTAINING; any
announced stage -> REANNOUNCE when the effective scope changed after the last
announcement. The stage is derived from data (evidence, process documents,
announcements, audits) by :mod:`qms.certification.rules` and stored on
:class:`CommuneLifecycle`, whose history keeps every dated transition.

:class:`CommuneProgress` is the per-commune summary row that dashboards, the
API and the exports read; services keep it current and ``rebuild_progress``
rebuilds it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qms.files import PrivateFileField
from qms.units.models import Era

from .validators import validate_decision_number, validate_not_future, validate_symbol


class Stage(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("QMS stage", "Not started")
    BUILDING = "building", pgettext_lazy("QMS stage", "Building")
    APPLYING = "applying", pgettext_lazy("QMS stage", "Applying")
    ANNOUNCED = "announced", pgettext_lazy("QMS stage", "Announced")
    MAINTAINING = "maintaining", pgettext_lazy("QMS stage", "Maintaining")
    REANNOUNCE = "reannounce", pgettext_lazy("QMS stage", "Re-announcement needed")


#: Stages in which the commune holds a valid announcement ("đã công bố").
ANNOUNCED_STAGES = (Stage.ANNOUNCED, Stage.MAINTAINING, Stage.REANNOUNCE)
#: Display order of the stages on dashboards.
STAGE_ORDER = (
    Stage.NOT_STARTED,
    Stage.BUILDING,
    Stage.APPLYING,
    Stage.ANNOUNCED,
    Stage.MAINTAINING,
    Stage.REANNOUNCE,
)


class EvidenceKind(models.TextChoices):
    STEERING_BOARD = "steering_board", _("Decision setting up the ISO steering board")
    PLAN = "plan", _("Approved plan for building the QMS")
    PROCESS_DOCUMENTS = "process_documents", _("Decision issuing the applied process documents")
    INTERNAL_AUDIT = "internal_audit", _("Internal audit report")
    MANAGEMENT_REVIEW = "management_review", _("Management review minutes")
    EFFECTIVENESS = "effectiveness", _("Leader's confirmation of effectiveness")
    OTHER = "other", _("Other evidence")


class InspectionMethod(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    DOCUMENTS = "documents", _("Review of files and reports")


class MaintenanceStatus(models.TextChoices):
    OK = "ok", _("Met")
    FAILED = "failed", _("Not met")
    PENDING = "pending", _("In progress")
    UNKNOWN = "unknown", _("No data")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


def upload_evidence(instance, filename: str) -> str:
    return f"certification/evidence/{instance.commune_id}/{filename}"


def upload_announcement(instance, filename: str) -> str:
    return f"certification/announcements/{instance.commune_id}/{filename}"


def upload_report(instance, filename: str) -> str:
    return f"certification/inspection-reports/{instance.inspection.commune_id}/{filename}"


class RecordedMixin(models.Model):
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True


class CommuneLifecycle(models.Model):
    """The commune's current stage; its history rows are the dated transitions."""

    commune = models.OneToOneField(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="qms_lifecycle"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.NOT_STARTED)
    stage_since = models.DateField(_("in this stage since"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("QMS lifecycle")
        verbose_name_plural = _("QMS lifecycles")

    def __str__(self) -> str:
        return f"{self.commune}: {self.get_stage_display()}"


class Evidence(RecordedMixin):
    """A document proving one checklist item (a decision, minutes, a report…)."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="qms_evidence"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EvidenceKind.choices)
    title = models.CharField(_("document title"), max_length=255)
    reference = models.CharField(_("document number"), max_length=60, blank=True, help_text=_("E.g. 12/QĐ-UBND"))
    issued_on = models.DateField(_("issued on"), validators=[validate_not_future])
    file = PrivateFileField(
        _("file"),
        upload_to=upload_evidence,
        blank=True,
        download_url_name="certification_files:evidence",
        name_field="file_name",
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["kind", "-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if not self.reference.strip() and not self.file:
            raise ValidationError(_("Give the document number or attach the document."))


class Announcement(RecordedMixin):
    """A signed announcement decision (quyết định công bố HTQLCL) and its scope."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="qms_announcements"
    )
    number = models.CharField(_("decision number"), max_length=10, validators=[validate_decision_number])
    symbol = models.CharField(_("symbol"), max_length=30, default="QĐ-UBND", validators=[validate_symbol])
    signed_on = models.DateField(_("signed on"), validators=[validate_not_future])
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    file = PrivateFileField(
        _("signed decision"),
        upload_to=upload_announcement,
        download_url_name="certification_files:announcement",
        name_field="file_name",
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    #: The TTHC covered when the decision was signed (list of ScopeItem dicts).
    scope = models.JSONField(_("announced scope"), default=list, blank=True)
    is_reannouncement = models.BooleanField(_("re-announcement"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.number}/{self.symbol}"

    @property
    def scope_codes(self) -> frozenset[str]:
        return frozenset(item["procedure_code"] for item in self.scope)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("inspection plan", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("inspection plan", "Submitted")
    APPROVED = "approved", pgettext_lazy("inspection plan", "Approved")


#: TT 26/2014 Art. 36: what an inspection checks — the minutes' checklist (Mẫu 21), in this order.
INSPECTION_CHECKLIST = (
    ("scope", "Phạm vi áp dụng Hệ thống quản lý chất lượng bao gồm toàn bộ thủ tục hành chính"),
    ("communicated", "Việc phổ biến, cung cấp các tài liệu của Hệ thống quản lý chất lượng tới cán bộ, công chức"),
    (
        "compliance",
        "Việc tuân thủ các yêu cầu của tiêu chuẩn, chính sách chất lượng, mục tiêu chất lượng và các quy trình",
    ),
    ("review", "Việc xem xét của lãnh đạo"),
    ("audit", "Việc đánh giá nội bộ và thực hiện hành động khắc phục"),
    ("complaints", "Việc xử lý khiếu nại"),
    ("improvement", "Việc cải tiến Hệ thống quản lý chất lượng"),
    ("leaders", "Sự tham gia của lãnh đạo"),
    ("effectiveness", "Việc xác nhận hiệu lực của Hệ thống quản lý chất lượng"),
    ("announcement", "Việc công bố Hệ thống quản lý chất lượng phù hợp tiêu chuẩn"),
    ("legal_updates", "Việc cập nhật các thay đổi của văn bản quy phạm pháp luật"),
    ("reannouncement", "Việc công bố lại khi điều chỉnh, mở rộng, thu hẹp phạm vi áp dụng"),
    ("consultant", "Việc lựa chọn tổ chức tư vấn, chuyên gia tư vấn"),
)
CHECKLIST_KEYS = tuple(key for key, _label in INSPECTION_CHECKLIST)


class CheckResult(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class InspectionPlan(models.Model):
    """The province's yearly inspection plan (Mẫu 19 – KHKT), approved by the provincial People's Committee."""

    province = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="qms_inspection_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2014), MaxValueValidator(2100)])
    title = models.CharField(pgettext_lazy("inspection plan", "title"), max_length=255, blank=True)
    #: The team: [{"name": …, "position": …, "unit": …}, …]
    team = models.JSONField(_("inspection team"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approval recorded at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approval_number = models.CharField(_("approval decision number"), max_length=60, blank=True)
    approver_name = models.CharField(_("approved by (People's Committee)"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "province__name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="certification_one_plan_per_province_year")
        ]

    def __str__(self) -> str:
        return f"{self.province.full_name} {self.year}"


class InspectionPlanItem(models.Model):
    """One commune of the plan: when and how it is inspected; carried out as an :class:`Inspection`."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="qms_plan_items"
    )
    planned_on = models.DateField(_("planned date"))
    method = models.CharField(_("method"), max_length=20, choices=InspectionMethod.choices)
    decision_number = models.CharField(_("inspection decision number"), max_length=10, blank=True)
    decision_signed_on = models.DateField(_("decision signed on"), null=True, blank=True)
    decision_signer = models.CharField(_("decision signed by"), max_length=120, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planned inspection")
        verbose_name_plural = _("planned inspections")
        ordering = ["planned_on", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "commune"], name="certification_one_item_per_commune")]

    def __str__(self) -> str:
        return f"{self.commune} {self.planned_on:%d/%m/%Y}"


class Inspection(RecordedMixin):
    """A provincial inspection (kiểm tra, TT 26/2014 Arts. 33–38); from a plan item when planned."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="qms_inspections"
    )
    inspected_on = models.DateField(_("inspected on"), validators=[validate_not_future])
    method = models.CharField(_("method"), max_length=20, choices=InspectionMethod.choices)
    agency = models.CharField(_("inspecting body"), max_length=200)
    decision_reference = models.CharField(_("inspection decision"), max_length=60, blank=True)
    minutes_reference = models.CharField(_("inspection minutes"), max_length=60, blank=True)
    summary = models.TextField(_("summary of results"), blank=True)
    plan_item = models.OneToOneField(
        InspectionPlanItem,
        verbose_name=_("planned inspection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection",
    )
    #: Art. 36 checklist: {key: {"result": CheckResult, "note": str}}
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.agency} {self.inspected_on:%d/%m/%Y}"


class InspectionConclusion(models.Model):
    """One conclusion of an inspection; if it needs action, a report is due in 2 months."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="conclusions"
    )
    text = models.TextField(_("conclusion"))
    needs_action = models.BooleanField(_("needs corrective action"), default=False)
    due_on = models.DateField(_("report due on"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True, validators=[validate_not_future])
    report_reference = models.CharField(_("report number"), max_length=60, blank=True)
    report_file = PrivateFileField(
        _("report file"),
        upload_to=upload_report,
        blank=True,
        download_url_name="certification_files:report",
        name_field="report_file_name",
    )
    report_file_name = models.CharField(_("report file name"), max_length=255, blank=True, editable=False)
    report_note = models.TextField(_("corrective action taken"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("report accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("report accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection conclusion")
        verbose_name_plural = _("inspection conclusions")
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def commune(self):
        return self.inspection.commune

    def clean(self):
        reported, inspected = self.reported_on, getattr(self.inspection, "inspected_on", None)
        if reported and inspected and reported < inspected:
            raise ValidationError({"reported_on": _("The report cannot be dated before the inspection.")})

    @property
    def is_open(self) -> bool:
        return self.needs_action and self.reported_on is None

    @property
    def awaits_acceptance(self) -> bool:
        return self.needs_action and self.reported_on is not None and self.accepted_at is None


class ProgressTarget(models.Model):
    """A district's or province's target: ``percent`` of communes announced by ``target_date``."""

    unit = models.OneToOneField(
        "units.AdministrativeUnit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="qms_target"
    )
    percent = models.PositiveSmallIntegerField(
        _("target (percentage of communes announced)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    target_date = models.DateField(_("target date"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress target")
        verbose_name_plural = _("progress targets")

    def __str__(self) -> str:
        return f"{self.unit}: {self.percent}% – {self.target_date:%d/%m/%Y}"


class ScopeGap(models.Model):
    """A TTHC the commune handles that no effective process document covers.

    Kept so the 3-month deadline runs from the day the gap was first seen.
    """

    commune = models.ForeignKey("units.Commune", on_delete=models.CASCADE, related_name="qms_scope_gaps")
    procedure_code = models.CharField(_("procedure code"), max_length=40)
    procedure_name = models.TextField(_("procedure"), blank=True)
    detected_on = models.DateField(_("detected on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("scope gap")
        verbose_name_plural = _("scope gaps")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "procedure_code"],
                condition=models.Q(closed_on__isnull=True),
                name="certification_one_open_gap_per_procedure",
            )
        ]

    def __str__(self) -> str:
        return self.procedure_code


class CommuneProgress(models.Model):
    """Summary row of one commune, the only thing dashboards and the API read."""

    commune = models.OneToOneField(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="qms_progress"
    )
    era = models.CharField(_("era"), max_length=10, choices=Era.choices)
    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "units.AdministrativeUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    province = models.ForeignKey(
        "units.AdministrativeUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    commune_name = models.CharField(_("commune"), max_length=160)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.NOT_STARTED)
    stage_since = models.DateField(_("in this stage since"), null=True, blank=True)
    first_announced_on = models.DateField(_("first announced on"), null=True, blank=True)
    announced_on = models.DateField(_("last announced on"), null=True, blank=True)
    announcement_number = models.CharField(_("announcement decision"), max_length=50, blank=True)
    scope_size = models.PositiveIntegerField(_("procedures in the effective scope"), null=True, blank=True)
    handled_count = models.PositiveIntegerField(_("procedures handled"), null=True, blank=True)
    covered_count = models.PositiveIntegerField(_("procedures covered"), null=True, blank=True)
    late_count = models.PositiveIntegerField(_("late items"), default=0)
    max_days_late = models.PositiveIntegerField(_("most days late"), default=0)
    late_items = models.JSONField(_("late items"), default=list, blank=True)
    maintenance_year = models.PositiveSmallIntegerField(_("maintenance year"), null=True, blank=True)
    maintenance_status = models.CharField(
        _("maintenance"), max_length=20, choices=MaintenanceStatus.choices, default=MaintenanceStatus.NOT_APPLICABLE
    )
    maintenance = models.JSONField(_("maintenance by year"), default=dict, blank=True)
    last_inspection_on = models.DateField(_("last inspected on"), null=True, blank=True)
    last_inspection_on_site = models.BooleanField(_("last inspection on site"), default=False)
    open_reports = models.PositiveIntegerField(_("open corrective reports"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("commune progress")
        verbose_name_plural = _("commune progress")
        indexes = [
            models.Index(fields=["era", "district", "stage"]),
            models.Index(fields=["era", "province", "stage"]),
            models.Index(fields=["era", "late_count"]),
        ]

    def __str__(self) -> str:
        return f"{self.commune_name}: {self.get_stage_display()}"


class LateItemFlag(models.Model):
    """A late item seen by the daily job (so it is reported once, when it becomes late)."""

    commune = models.ForeignKey("units.Commune", on_delete=models.CASCADE, related_name="qms_late_flags")
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=30)
    deadline = models.DateField()
    flagged_on = models.DateField()
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("late item flag")
        verbose_name_plural = _("late item flags")
        constraints = [models.UniqueConstraint(fields=["commune", "key"], name="certification_unique_late_flag")]

    def __str__(self) -> str:
        return self.key


class PackageStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("archive package", "Requested")
    READY = "ready", pgettext_lazy("archive package", "Ready")
    FAILED = "failed", pgettext_lazy("archive package", "Failed")


def upload_package(instance, filename: str) -> str:
    return f"certification/archives/{instance.commune_id}/{filename}"


class ArchivePackage(models.Model):
    """A zip of a commune's records of one closed year, for the archive (Luật Lưu trữ 2024)."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="archive_packages"
    )
    year = models.PositiveIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=20, choices=PackageStatus.choices, default=PackageStatus.REQUESTED
    )
    file = PrivateFileField(
        _("file"), upload_to=upload_package, download_url_name="certification_files:archive", blank=True
    )
    file_count = models.PositiveIntegerField(pgettext_lazy("archive package", "files"), default=0)
    error = models.TextField(pgettext_lazy("archive package", "error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(pgettext_lazy("archive package", "finished at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("archive package", "yearly archive package")
        verbose_name_plural = pgettext_lazy("archive package", "yearly archive packages")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.commune} {self.year}"


from .mergers.models import CarryOverChoice, CarryOverMove, CarryOverStatus, MergerCarryOver  # noqa: E402,F401
