"""The TTHC catalogue, the commune's quy trình documents, their versions, the
model library's update flags and the commune-aware approval task.

A ``ProcessDocument`` belongs either to a commune (its controlled quy trình
for one TTHC) or, as a *model document*, to an administrative unit's library
(``owner_unit``, usually a province). Exactly one of the two is set.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.models import ClusterableModel
from simple_history.models import HistoricalRecords
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    Task,
    TaskState,
    WorkflowMixin,
)
from wagtail.search import index

from qms import permissions
from qms.files.fields import PrivateFileField
from qms.formats import NAME_MAX_LENGTH
from qms.units.models import Role

from . import blocks
from .library import is_library_editor, library_unit_ids


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    HOURS = "hours", _("hours")


class Procedure(models.Model):
    """One administrative procedure (TTHC) of the national catalogue."""

    code = models.CharField(_("national code"), max_length=40, unique=True)
    name = models.TextField(_("name"), max_length=NAME_MAX_LENGTH)
    field = models.CharField(_("field"), max_length=200, db_index=True)
    level = models.CharField(pgettext_lazy("procedure", "level"), max_length=200, blank=True)
    decision_number = models.CharField(_("publishing decision"), max_length=120, blank=True)
    procedure_type = models.CharField(_("procedure type"), max_length=120, blank=True)
    applicants = models.TextField(_("applicants"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True, help_text=_("One legal document per line."))
    time_limit_text = models.CharField(_("time limit as published"), max_length=600, blank=True)
    time_limit_value = models.DecimalField(
        _("time limit"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty when the published time has no unit."),
    )
    time_limit_unit = models.CharField(_("time limit unit"), max_length=20, choices=TimeUnit.choices, blank=True)
    fees = models.TextField(_("fees"), blank=True)
    result = models.TextField(_("result"), blank=True)
    steps_text = models.TextField(_("steps as published"), blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    retrieved_on = models.DateField(_("retrieved on"), null=True, blank=True)
    source = models.JSONField(_("provenance"), default=dict, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["field", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def short_name(self) -> str:
        """The name without the leading "Thủ tục" the portal puts on some entries."""
        name = self.name.strip()
        prefix = "Thủ tục "
        return capfirst(name[len(prefix) :].strip()) if name.startswith(prefix) else name

    @property
    def time_limit_display(self) -> str:
        if self.time_limit_value is None:
            return self.time_limit_text
        value = f"{Decimal(str(self.time_limit_value)).normalize():f}".replace(".", ",")
        return f"{value} {self.get_time_limit_unit_display()}"


class CatalogueImport(models.Model):
    """One run of ``import_tthc``: what a file added and changed."""

    source_name = models.CharField(_("source file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    filtered = models.PositiveIntegerField(_("filtered out"), default=0)
    details = models.JSONField(_("details"), default=dict, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.source_name


class CommuneProcedure(models.Model):
    """A TTHC the commune handles (its danh mục TTHC, TT 26/2014 Art. 4)."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="handled_procedures"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("administrative procedure"), on_delete=models.PROTECT, related_name="handled_by"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handled procedure")
        verbose_name_plural = _("handled procedures")
        ordering = ["commune", "procedure__field", "procedure__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "procedure"],
                name="commune_procedure_unique",
                violation_error_message=_("The commune already handles this procedure."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune} · {self.procedure.code}"


class LibraryEditorGroup(models.Model):
    """The group of ISO officers who maintain a unit's model library (e.g. a province)."""

    unit = models.OneToOneField(
        "units.AdministrativeUnit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="library_editors"
    )
    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="library_unit")

    class Meta:
        verbose_name = _("model library editor group")
        verbose_name_plural = _("model library editor groups")

    def __str__(self) -> str:
        return self.group.name


class DocumentStatus(models.TextChoices):
    """DRAFT -> IN_REVIEW -> EFFECTIVE; EFFECTIVE -> NEEDS_UPDATE (model re-published)
    -> IN_REVIEW -> EFFECTIVE; any published -> OBSOLETE (withdrawn)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    EFFECTIVE = "effective", _("Effective")
    NEEDS_UPDATE = "needs_update", _("Needs update")
    OBSOLETE = "obsolete", _("Obsolete")


class DocumentKind(models.TextChoices):
    """A quy trình either handles one TTHC or is one of the QMS's own procedures."""

    PROCEDURE = "procedure", _("Administrative procedure")
    SYSTEM = "system", _("System procedure")


class SystemCategory(models.TextChoices):
    """The QMS's own procedures (QĐ 101/QĐ-BKHCN framework model), besides one quy trình per TTHC."""

    DOCUMENT_CONTROL = "document_control", _("Control of documents")
    RECORDS_CONTROL = "records_control", _("Control of records")
    INTERNAL_AUDIT = "internal_audit", _("Internal audit")
    NONCONFORMITY = "nonconformity", _("Nonconformity and corrective action")
    RISK_MANAGEMENT = "risk_management", pgettext_lazy("system procedure", "Risks and opportunities")
    OTHER = "other", _("Other system procedure")


class AcknowledgeAudience(models.TextChoices):
    """Who is asked to read and confirm an effective version (ISO 9001 7.2/7.3): the staff
    who perform the process. The commune's members are the people holding one of its roles."""

    MEMBERS_EXCEPT_LEADERS = "members_except_leaders", _("All commune members except leaders")
    ALL_MEMBERS = "all_members", _("All commune members")
    ISO_OFFICERS = Role.ISO_OFFICER.value, _("ISO officers")
    AUDITORS = Role.AUDITOR.value, _("Internal auditors")
    LEADERS = Role.LEADER.value, _("Leaders")

    @classmethod
    def roles(cls, audience: str) -> list[str]:
        if audience == cls.MEMBERS_EXCEPT_LEADERS:
            return [role for role in Role.values if role != Role.LEADER]
        if audience == cls.ALL_MEMBERS:
            return list(Role.values)
        return [audience]


#: Months between two periodic reviews of a quy trình unless the officer sets another interval.
DEFAULT_REVIEW_INTERVAL_MONTHS = 12

#: The ISO officer is reminded this many days before a review is due, then once when it is overdue.
REVIEW_REMINDER_DAYS = 30

#: Fields of the document as a whole, kept by the live row when a revision is published.
REVIEW_SETTING_FIELDS = ("review_interval_months", "next_review_on", "acknowledge_audience")


class ProcessDocument(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """A controlled quy trình (DOMAIN.md §2): header, sections 1–7, approval block, change table."""

    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_documents",
    )
    owner_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("model library of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="model_processes",
        help_text=_("Only for model documents kept in a province's library; leave empty for a commune's document."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.PROCEDURE)
    system_category = models.CharField(
        _("system procedure"), max_length=30, choices=SystemCategory.choices, blank=True, db_index=True
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("administrative procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("Empty for a system procedure."),
    )
    title = models.TextField(
        pgettext_lazy("process document", "title"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("The name printed after “QUY TRÌNH”."),
    )
    code = models.CharField(_("document code"), max_length=60, help_text=_("Mã hiệu, e.g. QT-01/HT."))
    issue_number = models.PositiveSmallIntegerField(_("issue number"), default=1)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_date = models.DateField(
        _("effective date"),
        null=True,
        blank=True,
        help_text=_("Stamped on approval: the approval date, or a later date proposed here."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT, db_index=True
    )

    purpose = models.TextField(_("purpose"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    references = models.TextField(_("reference documents"), blank=True)
    definitions = models.TextField(_("definitions and abbreviations"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    dossier = StreamField(blocks.DOSSIER_BLOCKS, verbose_name=_("dossier"), blank=True)
    dossier_sets = models.TextField(_("number of dossier sets"), blank=True)
    processing_time = models.TextField(_("processing time"), blank=True)
    reception_place = models.TextField(_("where filed and returned"), blank=True)
    fees = StreamField(blocks.FEE_BLOCKS, verbose_name=_("fees"), blank=True)
    steps = StreamField(blocks.STEP_BLOCKS, verbose_name=_("steps"), blank=True)
    forms = StreamField(blocks.FORM_BLOCKS, verbose_name=_("forms"), blank=True)
    records = StreamField(blocks.RECORD_BLOCKS, verbose_name=_("records to keep"), blank=True)

    drafted_name = models.CharField(_("drafted by"), max_length=120, blank=True)
    drafted_position = models.CharField(_("drafter's position"), max_length=120, blank=True)
    drafted_on = models.DateField(_("drafted on"), null=True, blank=True)
    reviewed_name = models.CharField(_("reviewed by"), max_length=120, blank=True)
    reviewed_position = models.CharField(_("reviewer's position"), max_length=120, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    approved_name = models.CharField(_("approved by"), max_length=120, blank=True)
    approved_position = models.CharField(_("approver's position"), max_length=120, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    changes = StreamField(blocks.CHANGE_BLOCKS, verbose_name=_("change table"), blank=True)

    change_summary = models.TextField(
        _("what this revision changes"),
        blank=True,
        help_text=_("Written into the change table when this version is approved."),
    )
    change_request = models.CharField(
        _("change requested by"),
        max_length=255,
        blank=True,
        help_text=_("E.g. the legal document or the request that triggered the change."),
    )
    legal_change_effective_date = models.DateField(
        _("legal change effective on"),
        null=True,
        blank=True,
        help_text=_(
            "Model documents: the date the legal change takes effect; derived copies must be "
            "updated within 3 months of it (QĐ 19/2014 Art. 4.4a)."
        ),
    )
    source_model = models.ForeignKey(
        "self",
        verbose_name=_("model document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_copies",
    )
    source_version = models.ForeignKey(
        "ProcessVersion",
        verbose_name=_("model version adopted"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=DEFAULT_REVIEW_INTERVAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    next_review_on = models.DateField(_("next review due"), null=True, blank=True, db_index=True)
    acknowledge_audience = models.CharField(
        _("staff asked to read and confirm"),
        max_length=30,
        choices=AcknowledgeAudience.choices,
        default=AcknowledgeAudience.MEMBERS_EXCEPT_LEADERS,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    _revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="process_document",
        for_concrete_model=False,
    )
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="process_document",
        for_concrete_model=False,
    )

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("code"),
        index.SearchField("purpose"),
        index.SearchField("legal_basis"),
        index.SearchField("fees"),
        index.SearchField("steps"),
        index.RelatedFields("procedure", [index.SearchField("code"), index.SearchField("field")]),
        index.FilterField("id"),
        index.FilterField("commune"),
        index.RelatedFields("commune", [index.FilterField("is_active")]),
        index.FilterField("owner_unit"),
        index.FilterField("kind"),
        index.FilterField("procedure"),
        index.FilterField("live"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("process document")
        verbose_name_plural = _("process documents")
        ordering = ["commune", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commune__isnull=False, owner_unit__isnull=True)
                | Q(commune__isnull=True, owner_unit__isnull=False),
                name="process_owner_exactly_one",
                violation_error_message=_("A document belongs either to a commune or to a model library."),
            ),
            models.UniqueConstraint(
                fields=["commune", "code"],
                condition=Q(commune__isnull=False),
                name="process_code_unique_in_commune",
                violation_error_message=_("The commune already has a document with this code."),
            ),
            models.UniqueConstraint(
                fields=["owner_unit", "code"],
                condition=Q(owner_unit__isnull=False),
                name="process_code_unique_in_library",
                violation_error_message=_("The model library already has a document with this code."),
            ),
            models.UniqueConstraint(
                fields=["commune", "procedure"],
                condition=Q(commune__isnull=False),
                name="process_procedure_unique_in_commune",
                violation_error_message=_("The commune already has a quy trình for this procedure."),
            ),
            models.UniqueConstraint(
                fields=["owner_unit", "procedure"],
                condition=Q(owner_unit__isnull=False),
                name="process_procedure_unique_in_library",
                violation_error_message=_("The model library already has a quy trình for this procedure."),
            ),
            models.CheckConstraint(
                condition=Q(kind=DocumentKind.PROCEDURE, procedure__isnull=False, system_category="")
                | Q(kind=DocumentKind.SYSTEM, procedure__isnull=True) & ~Q(system_category=""),
                name="process_kind_matches_procedure",
                violation_error_message=_(
                    "A quy trình of an administrative procedure names its TTHC; a system procedure names its "
                    "kind and no TTHC."
                ),
            ),
            models.UniqueConstraint(
                fields=["commune", "system_category"],
                condition=Q(commune__isnull=False, kind=DocumentKind.SYSTEM) & ~Q(system_category=SystemCategory.OTHER),
                name="process_system_category_unique_in_commune",
                violation_error_message=_("The commune already has this system procedure."),
            ),
            models.UniqueConstraint(
                fields=["owner_unit", "system_category"],
                condition=Q(owner_unit__isnull=False, kind=DocumentKind.SYSTEM)
                & ~Q(system_category=SystemCategory.OTHER),
                name="process_system_category_unique_in_library",
                violation_error_message=_("The model library already has this system procedure."),
            ),
        ]
        indexes = [models.Index(fields=["commune", "-updated_at"], name="process_commune_updated_idx")]

    @property
    def revisions(self):
        return self._revisions

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    @property
    def is_model(self) -> bool:
        return self.commune_id is None

    @property
    def is_system(self) -> bool:
        return self.kind == DocumentKind.SYSTEM

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.kind == DocumentKind.SYSTEM:
            errors = {}
            if self.procedure_id is not None:
                errors["procedure"] = _("A system procedure handles no administrative procedure.")
            if not self.system_category:
                errors["system_category"] = _("Choose which system procedure this is.")
            if errors:
                raise ValidationError(errors)
        else:
            if self.procedure_id is None:
                raise ValidationError({"procedure": _("Choose the administrative procedure (TTHC).")})
            self.system_category = ""

    @property
    def agency_name(self) -> str:
        if self.commune_id:
            return self.commune.agency_name
        if self.owner_unit_id:
            return f"ỦY BAN NHÂN DÂN {self.owner_unit.full_name}".upper()
        return ""

    def agency_on(self, day) -> str:
        """The issuing body of an issue dated ``day``: the commune (or library unit) of that date."""
        from qms.units.agency import commune_agency, unit_agency

        if self.commune_id:
            return commune_agency(self.commune, day).name
        if self.owner_unit_id:
            return unit_agency(self.owner_unit, day).name
        return ""

    @property
    def owner_label(self) -> str:
        return str(self.commune if self.commune_id else self.owner_unit)

    def with_content_json(self, content):
        """The review settings belong to the document, not to a revision: publishing keeps the live row's."""
        obj = super().with_content_json(content)
        for name in REVIEW_SETTING_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    def review_state(self, today) -> str:
        """ "overdue", "due" (within the reminder window) or "" for an effective document."""
        if self.next_review_on is None or not self.live:
            return ""
        if self.next_review_on < today:
            return "overdue"
        if (self.next_review_on - today).days <= REVIEW_REMINDER_DAYS:
            return "due"
        return ""

    @cached_property
    def current_version(self):
        return self.versions.filter(obsoleted_at__isnull=True).order_by("-issue_number").first()

    def get_preview_template(self, request, mode_name):
        return "processes/preview.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        from .content import document_content

        context["content"] = document_content(self)
        return context


class ProcessVersion(models.Model):
    """One approved issue (lần ban hành) of a document: what the versions list,
    the Word download, the comparison and the public page read."""

    document = models.ForeignKey(
        ProcessDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issue_number = models.PositiveSmallIntegerField(_("issue number"))
    issued_on = models.DateField(_("issued on"))
    effective_date = models.DateField(_("effective date"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"))
    obsoleted_at = models.DateTimeField(_("obsolete since"), null=True, blank=True)
    snapshot = models.JSONField(_("content"), default=dict)

    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        verbose_name = _("process version")
        verbose_name_plural = _("process versions")
        ordering = ["document", "-issue_number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "issue_number"], name="process_version_unique_issue"),
            models.UniqueConstraint(
                fields=["document"], condition=Q(obsoleted_at__isnull=True), name="process_version_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.code} · {self.issue_number:02d}"

    @property
    def is_current(self) -> bool:
        return self.obsoleted_at is None

    @property
    def content(self):
        from .content import content_from_dict

        return content_from_dict(self.snapshot)


class ReviewDecision(models.Model):
    """A periodic review of a quy trình that found nothing to change (7.5.2/7.5.3): a dated
    decision without a new version, which moves the next review date."""

    document = models.ForeignKey(
        ProcessDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="review_decisions"
    )
    version = models.ForeignKey(
        ProcessVersion, verbose_name=_("version reviewed"), on_delete=models.PROTECT, related_name="review_decisions"
    )
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    next_review_on = models.DateField(_("next review due"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("periodic review", "review decision")
        verbose_name_plural = pgettext_lazy("periodic review", "review decisions")
        ordering = ["document", "-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.document.code} · {self.reviewed_on:%d/%m/%Y}"


class Acknowledgement(models.Model):
    """A member of the commune confirmed having read one version (ISO 9001 7.2/7.3)."""

    version = models.ForeignKey(
        ProcessVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.CASCADE, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        ordering = ["version", "confirmed_at"]
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="acknowledgement_once_per_version")]

    def __str__(self) -> str:
        return f"{self.version} · {self.user}"


class FlagState(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PENDING = "pending", _("Pending")
    LATE = "late", _("Late")


class DocumentUpdateFlag(models.Model):
    """A derived copy flagged "cần cập nhật" by the re-publication of its model."""

    document = models.ForeignKey(
        ProcessDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="update_flags"
    )
    model_version = models.ForeignKey(
        ProcessVersion, verbose_name=_("model version"), on_delete=models.PROTECT, related_name="raised_flags"
    )
    raised_on = models.DateField(_("raised on"))
    legal_effective_date = models.DateField(_("legal change effective on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    upstream_changes = models.JSONField(_("changes in the model"), default=list, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_version = models.ForeignKey(
        ProcessVersion,
        verbose_name=_("resolved by version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_flags",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("update flag")
        verbose_name_plural = _("update flags")
        ordering = ["resolved_on", "deadline"]
        constraints = [
            models.UniqueConstraint(fields=["document", "model_version"], name="update_flag_unique_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.document.code} · {self.deadline:%d/%m/%Y}"

    def state(self, today) -> str:
        if self.resolved_on is not None:
            return FlagState.ADOPTED
        return FlagState.LATE if today > self.deadline else FlagState.PENDING


#: The commune permission each role holds, which a task for that role requires.
ROLE_PERMISSIONS = {
    Role.ISO_OFFICER: permissions.MANAGE,
    Role.LEADER: permissions.APPROVE,
    Role.AUDITOR: permissions.AUDIT,
}


class CommuneRoleApprovalTask(Task):
    """A workflow step done by whoever holds ``role`` in the document's own commune.

    One workflow serves every commune: the approvers are found from the
    document's commune through the commune permissions (an approver of
    another commune gets no action). For model documents the model library's
    editors of the owning unit act instead.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEADER)

    admin_form_fields = Task.admin_form_fields + ["role"]

    class Meta:
        verbose_name = _("commune role approval task")
        verbose_name_plural = _("commune role approval tasks")

    def user_can_act(self, obj, user) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        commune_id = getattr(obj, "commune_id", None)
        if commune_id is not None:
            return permissions.has_commune_perm(user, commune_id, ROLE_PERMISSIONS[self.role])
        owner_unit_id = getattr(obj, "owner_unit_id", None)
        return owner_unit_id is not None and is_library_editor(user, owner_unit_id)

    def actionable_users(self, obj) -> list:
        """The people (not superusers) who can act on this step for ``obj``."""
        from django.contrib.auth import get_user_model

        commune_id = getattr(obj, "commune_id", None)
        if commune_id is not None:
            candidates = permissions.users_with_commune_perm(commune_id, ROLE_PERMISSIONS[self.role])
        else:
            candidates = get_user_model().objects.filter(
                is_active=True, groups__library_unit__unit_id=getattr(obj, "owner_unit_id", None)
            )
        return [user for user in candidates.distinct() if not user.is_superuser and self.user_can_act(obj, user)]

    def user_can_access_editor(self, obj, user):
        return self.user_can_act(obj, user)

    def locked_for_user(self, obj, user):
        return not self.user_can_act(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_can_act(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if not self.user_can_act(obj, user):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if user is None or not user.is_authenticated:
            return TaskState.objects.none()
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return states
        documents = ProcessDocument.objects.filter(
            Q(commune__in=permissions.communes_for(user, ROLE_PERMISSIONS[self.role]).values("pk"))
            | Q(owner_unit_id__in=library_unit_ids(user))
        ).annotate(str_id=Cast("pk", models.CharField()))
        return states.filter(workflow_state__object_id__in=documents.values("str_id"))

    @classmethod
    def get_description(cls):
        return _(
            "Members of the document's commune who hold the chosen role (for model documents: "
            "the model library's editors) act on this step."
        )


class FeedbackKind(models.TextChoices):
    SATISFACTION = "satisfaction", _("Satisfaction rating")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint or report")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    NONCONFORMITY = "nonconformity", _("Turned into a nonconformity")


#: The fields holding a citizen's personal data, erased after the retention period.
FEEDBACK_CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


class CitizenFeedback(models.Model):
    """A citizen's rating, suggestion or complaint about one TTHC of a commune (ISO 9001 9.1.2).

    Contact details are kept only with the citizen's consent and erased after
    ``QMS_FEEDBACK_CONTACT_RETENTION_MONTHS``; the history does not copy them.
    """

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="citizen_feedback"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("administrative procedure"), on_delete=models.PROTECT, related_name="citizen_feedback"
    )
    kind = models.CharField(_("type"), max_length=20, choices=FeedbackKind.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_consent = models.BooleanField(_("consent to be contacted"), default=False)
    contact_erased_at = models.DateTimeField(_("contact details erased at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    nonconformity_reference = models.CharField(_("corrective action"), max_length=100, blank=True)

    history = HistoricalRecords(excluded_fields=list(FEEDBACK_CONTACT_FIELDS))

    class Meta:
        verbose_name = _("citizen feedback")
        verbose_name_plural = _("citizen feedback")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["commune", "procedure", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="citizen_feedback_rating_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.procedure.code} · {timezone.localtime(self.received_at):%d/%m/%Y}"

    @property
    def has_contact(self) -> bool:
        return any(getattr(self, name) for name in FEEDBACK_CONTACT_FIELDS)


class BulkExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("bulk export", "Queued")
    RUNNING = "running", pgettext_lazy("bulk export", "Running")
    READY = "ready", pgettext_lazy("bulk export", "Ready")
    FAILED = "failed", pgettext_lazy("bulk export", "Failed")


def upload_bulk_export(instance, filename: str) -> str:
    return f"processes/exports/{instance.requested_by_id or 0}/{filename}"


class BulkExport(models.Model):
    """A zip of the effective quy trình of one commune, or of every commune beneath a unit
    (Word, and PDF when LibreOffice is installed), built by the worker and kept for download."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bulk_exports",
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=pgettext_lazy("bulk export", "unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BulkExportStatus.choices, default=BulkExportStatus.QUEUED
    )
    with_pdf = models.BooleanField(pgettext_lazy("bulk export", "with PDF"), default=False)
    done = models.PositiveIntegerField(pgettext_lazy("bulk export", "files done"), default=0)
    total = models.PositiveIntegerField(pgettext_lazy("bulk export", "files"), default=0)
    documents = models.PositiveIntegerField(pgettext_lazy("bulk export", "documents"), default=0)
    file = PrivateFileField(
        _("file"), upload_to=upload_bulk_export, download_url_name="processes_files:bulk_export", blank=True
    )
    error = models.TextField(pgettext_lazy("bulk export", "error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(pgettext_lazy("bulk export", "finished at"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("bulk export", "bulk export of quy trình")
        verbose_name_plural = pgettext_lazy("bulk export", "bulk exports of quy trình")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(commune__isnull=False, unit__isnull=True) | Q(commune__isnull=True, unit__isnull=False),
                name="bulk_export_one_scope",
            )
        ]

    def __str__(self) -> str:
        return str(self.scope_name)

    @property
    def scope_name(self) -> str:
        return self.commune.name if self.commune_id else self.unit.full_name

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (BulkExportStatus.QUEUED, BulkExportStatus.RUNNING)
