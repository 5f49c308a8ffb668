"""The unit's signing certificate and the signed PDF of each approved record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qms.files import PrivateFileField

from . import verdicts


def upload_frozen(instance, filename: str) -> str:
    return f"signatures/approved/{instance.commune_id}/{filename}"


def upload_signed(instance, filename: str) -> str:
    return f"signatures/signed/{instance.commune_id}/{filename}"


class SigningCertificate(models.Model):
    """A commune's PKCS#12 signing certificate, encrypted at rest; never served back."""

    commune = models.OneToOneField(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="signing_certificate"
    )
    encrypted_pkcs12 = models.BinaryField(editable=False)
    encrypted_password = models.BinaryField(editable=False)
    subject = models.CharField(pgettext_lazy("certificate", "subject"), max_length=500)
    common_name = models.CharField(_("holder"), max_length=255)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=80)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["encrypted_pkcs12", "encrypted_password"])

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")

    def __str__(self) -> str:
        return self.common_name


class ApprovalFingerprint(models.Model):
    """The SHA-256 of a record's content, recorded by the service that approved the record.

    Signing later checks the record against it, so what is signed is what was approved."""

    record_type = models.CharField(_("record type"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("record"))
    #: Empty for a provincial model quy trình (it belongs to no commune).
    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_fingerprints",
    )
    sha256 = models.CharField(_("SHA-256 of the approved content"), max_length=64)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: False for a record approved before fingerprints were kept: recorded when it was first frozen.
    at_approval = models.BooleanField(_("recorded at approval"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval fingerprint")
        verbose_name_plural = _("approval fingerprints")
        constraints = [
            models.UniqueConstraint(fields=["record_type", "object_id"], name="approval_fingerprint_one_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.object_id}: {self.sha256[:12]}"


class SigningMethod(models.TextChoices):
    SERVER = "server", _("Signed on the server")
    EXTERNAL = "external", _("Signed outside and uploaded")


class SignedRecord(models.Model):
    """The approved PDF of one record, frozen with its SHA-256, and its signed PDF."""

    record_type = models.CharField(_("record type"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("record"))
    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="signed_records"
    )
    frozen_pdf = PrivateFileField(
        _("approved PDF"), upload_to=upload_frozen, download_url_name="signature_files:frozen"
    )
    frozen_sha256 = models.CharField(_("SHA-256 of the approved PDF"), max_length=64)
    frozen_at = models.DateTimeField(_("frozen at"), auto_now_add=True)
    signed_pdf = PrivateFileField(
        _("signed PDF"), upload_to=upload_signed, download_url_name="signature_files:signed", blank=True
    )
    method = models.CharField(_("method"), max_length=20, choices=SigningMethod.choices, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    is_valid = models.BooleanField(_("signature valid"), null=True)
    verification = models.JSONField(_("verification details"), default=dict, blank=True)
    #: Archive metadata (Luật Lưu trữ 2024), recorded when the approved PDF is frozen.
    archive_title = models.CharField(pgettext_lazy("archive", "title"), max_length=255, blank=True)
    archive_number = models.CharField(pgettext_lazy("archive", "document number"), max_length=80, blank=True)
    archive_date = models.DateField(pgettext_lazy("archive", "document date"), null=True, blank=True)
    archive_issuer = models.CharField(pgettext_lazy("archive", "issuing unit"), max_length=255, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("retention period (years, 0 = permanent)"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signed record")
        verbose_name_plural = _("signed records")
        constraints = [
            models.UniqueConstraint(fields=["record_type", "object_id"], name="signed_record_one_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.object_id}"

    @property
    def timestamp_time(self):
        from django.utils.dateparse import parse_datetime

        value = self.verification.get("timestamp_time")
        return parse_datetime(value) if value else None

    @property
    def retention_label(self) -> str:
        from qms.retention import retention_label

        return retention_label(self.retention_years)

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_pdf)

    @property
    def reason_messages(self) -> list[str]:
        return [str(REASON_MESSAGES.get(code, code)) for code in self.verification.get("reasons", [])]

    @property
    def content_matches(self) -> bool:
        """The last check found the record's content equal to the content recorded at its approval."""
        return self.verification.get("content_matches") is True

    @property
    def approved_at(self):
        """When the approved content's fingerprint was recorded (the approval), from the last check."""
        from django.utils.dateparse import parse_datetime

        value = self.verification.get("approved_at")
        return parse_datetime(value) if value else None

    @property
    def signer_name(self) -> str:
        return self.verification.get("signer", "")

    @property
    def signing_time(self):
        from django.utils.dateparse import parse_datetime

        value = self.verification.get("signing_time")
        return parse_datetime(value) if value else None


#: Reason code: the record's content differs from the fingerprint recorded at its approval.
CONTENT_CHANGED = "content_changed"

REASON_MESSAGES = {
    verdicts.NOT_PDF: _("The file is not a PDF."),
    verdicts.UNREADABLE: _("The PDF cannot be read."),
    verdicts.NO_SIGNATURE: _("The PDF carries no digital signature."),
    verdicts.NOT_INTACT: _("The signed content has been changed after signing."),
    verdicts.BAD_SIGNATURE: _("The signature is not valid."),
    verdicts.PARTIAL_COVERAGE: _("The signature does not cover the whole file: something was added after signing."),
    verdicts.UNTRUSTED: _("The signer's certificate is not issued by a trusted certification authority."),
    verdicts.OUTSIDE_VALIDITY: _("The signing time is outside the validity of the signer's certificate."),
    verdicts.NOT_APPROVED_VERSION: _("The signed file is not the approved version of the record."),
    verdicts.FROZEN_CHANGED: _("The stored approved PDF no longer matches its recorded fingerprint."),
    CONTENT_CHANGED: _(
        "The record has been changed since it was approved: its content no longer matches the approved content."
    ),
    verdicts.BAD_TIMESTAMP: _(
        "The signature's timestamp is not valid or not issued by a trusted time-stamping authority."
    ),
}
