"""Writes of signed PDFs: keyword-only, atomic, checked through qms.permissions, logged."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms import actors, permissions
from qms.audit_log import define_action, log
from qms.files.pdf import PdfConversionError
from qms.files.policy import max_upload_bytes, size_label
from qms.retention import retention_years

from . import keystore, registry, verdicts
from .models import (
    CONTENT_CHANGED,
    REASON_MESSAGES,
    ApprovalFingerprint,
    SignedRecord,
    SigningCertificate,
    SigningMethod,
)

if TYPE_CHECKING:
    from .pades import Verification

ACTION_CERTIFICATE = define_action(
    "qms.signatures.certificate",
    gettext_lazy("Upload signing certificate"),
    gettext_lazy("Signing certificate uploaded"),
)
ACTION_CERTIFICATE_DELETE = define_action(
    "qms.signatures.certificate_delete",
    gettext_lazy("Remove signing certificate"),
    gettext_lazy("Signing certificate removed"),
)
ACTION_FREEZE = define_action(
    "qms.signatures.freeze", gettext_lazy("Freeze approved PDF"), gettext_lazy("Approved PDF frozen for signing")
)
ACTION_FINGERPRINT = define_action(
    "qms.signatures.fingerprint",
    gettext_lazy("Record approved content"),
    gettext_lazy("Approved content fingerprint recorded"),
)
ACTION_SIGN = define_action("qms.signatures.sign", gettext_lazy("Sign PDF"), gettext_lazy("PDF signed"))
ACTION_UPLOAD = define_action(
    "qms.signatures.upload", gettext_lazy("Upload signed PDF"), gettext_lazy("Signed PDF uploaded")
)
ACTION_VERIFY = define_action(
    "qms.signatures.verify", gettext_lazy("Verify signed PDF"), gettext_lazy("Signed PDF verified")
)

#: Largest PKCS#12 file accepted.
PKCS12_MAX_BYTES = 64 * 1024


def can_sign(user, commune) -> bool:
    """Signing is the approving role's (the leader), in their own commune."""
    return permissions.has_commune_perm(user, commune, permissions.APPROVE)


def _require_sign(user, commune_id: int) -> None:
    permissions.require_commune_perm(user, commune_id, permissions.APPROVE)


# -- certificate -----------------------------------------------------------------------------------


@transaction.atomic
def upload_certificate(*, commune, pkcs12_data: bytes, password: str, acting_user) -> SigningCertificate:
    """Store the commune's PKCS#12 certificate (and its password) encrypted; replaces the previous one."""
    _require_sign(acting_user, commune.pk)
    if not pkcs12_data or len(pkcs12_data) > PKCS12_MAX_BYTES:
        raise ValidationError({"file": _("The certificate file is empty or too large.")})
    try:
        info = keystore.read_pkcs12(pkcs12_data, password)
    except ValueError as error:
        raise ValidationError(
            {"file": _("The file is not a PKCS#12 certificate with its private key, or the password is wrong.")}
        ) from error
    if info.valid_until <= timezone.now():
        raise ValidationError({"file": _("The certificate has expired.")})
    certificate = SigningCertificate.objects.filter(commune=commune).first() or SigningCertificate(commune=commune)
    certificate.encrypted_pkcs12 = keystore.encrypt(pkcs12_data)
    certificate.encrypted_password = keystore.encrypt(password.encode())
    certificate.subject = info.subject[:500]
    certificate.common_name = info.common_name[:255]
    certificate.issuer = info.issuer[:500]
    certificate.serial = info.serial[:80]
    certificate.valid_from = info.valid_from
    certificate.valid_until = info.valid_until
    certificate.uploaded_by = acting_user
    certificate.save()
    log(
        instance=certificate,
        action=ACTION_CERTIFICATE,
        user=acting_user,
        data={"commune_id": commune.pk, "subject": certificate.subject, "serial": certificate.serial},
    )
    return certificate


@transaction.atomic
def delete_certificate(*, certificate: SigningCertificate, acting_user) -> None:
    _require_sign(acting_user, certificate.commune_id)
    log(
        instance=certificate,
        action=ACTION_CERTIFICATE_DELETE,
        user=acting_user,
        data={"commune_id": certificate.commune_id, "serial": certificate.serial},
    )
    certificate.delete()


# -- the approved content --------------------------------------------------------------------------------


def content_sha256(record) -> str:
    """SHA-256 of what the approval of ``record`` fixes (its record type's canonical content)."""
    content = registry.type_of(record).content(record)
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return verdicts.sha256(text.encode())


@transaction.atomic
def record_approval(*, record, acting_user, at_approval: bool = True) -> ApprovalFingerprint:
    """Keep the fingerprint of ``record``'s content as approved; called by the service that approves it.

    Idempotent for the same content; a record approved again with other content (a correction
    made through its own service) gets the new fingerprint, logged."""
    entry = registry.type_of(record)
    digest = content_sha256(record)
    fingerprint = (
        ApprovalFingerprint.objects.select_for_update().filter(record_type=entry.key, object_id=record.pk).first()
    )
    if fingerprint is not None and fingerprint.sha256 == digest:
        return fingerprint
    fingerprint = fingerprint or ApprovalFingerprint(record_type=entry.key, object_id=record.pk)
    fingerprint.commune_id = entry.commune_id(record)
    fingerprint.sha256 = digest
    fingerprint.recorded_at = timezone.now()
    fingerprint.recorded_by = actors.person(acting_user)
    fingerprint.at_approval = at_approval
    fingerprint._history_user = actors.person(acting_user)
    fingerprint.save()
    log(
        instance=fingerprint,
        action=ACTION_FINGERPRINT,
        user=acting_user,
        data={
            "commune_id": fingerprint.commune_id,
            "record": f"{entry.key}:{record.pk}",
            "sha256": digest,
            "at_approval": at_approval,
        },
    )
    return fingerprint


def _approved_fingerprint(record, acting_user) -> ApprovalFingerprint:
    entry = registry.type_of(record)
    fingerprint = ApprovalFingerprint.objects.filter(record_type=entry.key, object_id=record.pk).first()
    if fingerprint is None:
        # Approved before fingerprints were kept: the content as it is at its first freezing.
        fingerprint = record_approval(record=record, acting_user=acting_user, at_approval=False)
    return fingerprint


def _check_content(signed: SignedRecord, record, result: Verification) -> Verification:
    """Add to ``result`` whether ``record`` still has the content recorded at its approval."""
    fingerprint = ApprovalFingerprint.objects.filter(record_type=signed.record_type, object_id=signed.object_id).first()
    matches = fingerprint is not None and fingerprint.sha256 == content_sha256(record)
    result.approved_sha256 = fingerprint.sha256 if fingerprint else ""
    result.approved_at = fingerprint.recorded_at.isoformat() if fingerprint else ""
    result.content_matches = matches
    if not matches:
        result.reasons.append(CONTENT_CHANGED)
        result.valid = False
    return result


def _record_of(signed: SignedRecord):
    return registry.record_type(signed.record_type).get(signed.object_id)


# -- the approved PDF ----------------------------------------------------------------------------------


def signed_record_of(record) -> SignedRecord | None:
    entry = registry.type_of(record)
    return SignedRecord.objects.filter(record_type=entry.key, object_id=record.pk).first()


def _set_archive_metadata(signed: SignedRecord, entry, record) -> None:
    """Title, number, date, issuing unit and retention period of the record (Luật Lưu trữ 2024)."""
    from qms.units.agency import commune_agency
    from qms.units.models import Commune

    day = entry.document_date(record) if entry.document_date else None
    commune = Commune.objects.select_related("unit__parent__parent").get(pk=signed.commune_id)
    with translation.override(settings.LANGUAGE_CODE):
        signed.archive_title = str(entry.title(record))[:255]
    signed.archive_number = (entry.document_number(record) if entry.document_number else "")[:80]
    signed.archive_date = day
    signed.archive_issuer = commune_agency(commune, day).name[:255]
    signed.retention_years = retention_years(entry.key)


@transaction.atomic
def freeze_record(*, record, acting_user) -> SignedRecord:
    """The approved PDF of ``record``, built once and kept with its SHA-256 (idempotent).

    Refused, each time, when the record's content is no longer the content recorded at its approval."""
    entry = registry.type_of(record)
    commune_id = entry.commune_id(record)
    _require_sign(acting_user, commune_id)
    existing = SignedRecord.objects.select_for_update().filter(record_type=entry.key, object_id=record.pk).first()
    if existing is None and not entry.is_approved(record):
        raise ValidationError(_("Only an approved record can be signed."))
    fingerprint = _approved_fingerprint(record, acting_user)
    if fingerprint.sha256 != content_sha256(record):
        raise ValidationError(
            _("The record has been changed since its approval on %(date)s: it cannot be signed as approved.")
            % {"date": timezone.localtime(fingerprint.recorded_at).strftime("%d/%m/%Y")}
        )
    if existing is not None:
        return existing
    try:
        pdf = entry.build_pdf(record)
    except PdfConversionError as error:
        raise ValidationError(str(error)) from error
    signed = SignedRecord(record_type=entry.key, object_id=record.pk, commune_id=commune_id)
    _set_archive_metadata(signed, entry, record)
    signed.frozen_sha256 = verdicts.sha256(pdf)
    signed.frozen_pdf.save("approved.pdf", ContentFile(pdf), save=False)
    signed.save()
    log(
        instance=signed,
        action=ACTION_FREEZE,
        user=acting_user,
        data={"commune_id": commune_id, "record": f"{entry.key}:{record.pk}", "sha256": signed.frozen_sha256},
    )
    return signed


def frozen_bytes(signed: SignedRecord) -> bytes:
    with signed.frozen_pdf.open("rb") as stored:
        return stored.read()


def signed_bytes(signed: SignedRecord) -> bytes:
    with signed.signed_pdf.open("rb") as stored:
        return stored.read()


def _store_result(signed: SignedRecord, result: Verification) -> None:
    signed.is_valid = result.valid
    signed.verification = result.as_dict()
    signed.verified_at = timezone.now()


def _store_signed(signed: SignedRecord, data: bytes, *, method: str, acting_user) -> None:
    old = signed.signed_pdf.name if signed.signed_pdf else ""
    signed.signed_pdf.save("signed.pdf", ContentFile(data), save=False)
    signed.method = method
    signed.signer = acting_user
    signed.signed_at = timezone.now()
    signed.save()
    if old:
        storage = signed.signed_pdf.storage
        transaction.on_commit(lambda: storage.delete(old))


# -- signing -----------------------------------------------------------------------------------------------


@transaction.atomic
def sign_on_server(*, record, acting_user) -> SignedRecord:
    """Sign the approved PDF with the commune's stored certificate (PAdES, incremental update)."""
    from . import pades  # the signing library, loaded only where a PDF is signed or checked

    signed = freeze_record(record=record, acting_user=acting_user)
    certificate = SigningCertificate.objects.filter(commune_id=signed.commune_id).first()
    if certificate is None:
        raise ValidationError(_("The commune has no signing certificate: upload one first, or sign outside."))
    if certificate.valid_until <= timezone.now():
        raise ValidationError(_("The commune's signing certificate has expired."))
    try:
        pkcs12_data = keystore.decrypt(certificate.encrypted_pkcs12)
        password = keystore.decrypt(certificate.encrypted_password).decode()
    except keystore.InvalidToken as error:
        raise ValidationError(
            _("The stored certificate cannot be opened with this server's key: upload it again.")
        ) from error
    frozen = frozen_bytes(signed)
    data = pades.sign_pdf(frozen, pkcs12_data=pkcs12_data, password=password, location=signed.commune.name)
    result = _check_content(signed, record, pades.verify_pdf(data, frozen=frozen, frozen_sha256=signed.frozen_sha256))
    _store_signed(signed, data, method=SigningMethod.SERVER, acting_user=acting_user)
    _store_result(signed, result)
    signed.save()
    log(
        instance=signed,
        action=ACTION_SIGN,
        user=acting_user,
        data={"commune_id": signed.commune_id, "valid": result.valid, "reasons": result.reasons},
    )
    return signed


@transaction.atomic
def upload_signed_pdf(*, record, file, acting_user) -> SignedRecord:
    """Accept a PDF signed outside (on a token) only if it verifies against the approved PDF."""
    from . import pades  # the signing library, loaded only where a PDF is signed or checked

    entry = registry.type_of(record)
    _require_sign(acting_user, entry.commune_id(record))
    signed = signed_record_of(record)
    if signed is None:
        raise ValidationError(_("Download the PDF for signing first: the signed file must be that PDF."))
    limit = max_upload_bytes()
    if file is None or not file.size:
        raise ValidationError({"file": _("The attached file is empty.")})
    if file.size > limit:
        raise ValidationError(
            {"file": _("The file is larger than the allowed size (%(size)s MB).") % {"size": size_label(limit)}}
        )
    data = file.read()
    if not data.startswith(verdicts.PDF_MAGIC):
        raise ValidationError({"file": _("The file is not a PDF.")})
    frozen = frozen_bytes(signed)
    result = _check_content(signed, record, pades.verify_pdf(data, frozen=frozen, frozen_sha256=signed.frozen_sha256))
    if not result.valid:
        messages = [str(REASON_MESSAGES.get(code, code)) for code in result.reasons]
        raise ValidationError({"file": [_("The signed PDF was refused.")] + messages})
    _store_signed(signed, data, method=SigningMethod.EXTERNAL, acting_user=acting_user)
    _store_result(signed, result)
    signed.save()
    log(
        instance=signed,
        action=ACTION_UPLOAD,
        user=acting_user,
        data={"commune_id": signed.commune_id, "signer": result.signer},
    )
    return signed


@transaction.atomic
def verify_signed_record(*, signed: SignedRecord, acting_user) -> SignedRecord:
    """Verify the stored signed PDF again and keep the result."""
    from . import pades  # the signing library, loaded only where a PDF is signed or checked

    _require_sign(acting_user, signed.commune_id)
    if not signed.signed_pdf:
        raise ValidationError(_("This record has not been signed yet."))
    result = pades.verify_pdf(signed_bytes(signed), frozen=frozen_bytes(signed), frozen_sha256=signed.frozen_sha256)
    result = _check_content(signed, _record_of(signed), result)
    _store_result(signed, result)
    signed.save()
    log(
        instance=signed,
        action=ACTION_VERIFY,
        user=acting_user,
        data={"commune_id": signed.commune_id, "valid": result.valid, "reasons": result.reasons},
    )
    return signed
