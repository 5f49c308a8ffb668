"""Signing and verifying PDFs with pyHanko (PAdES baseline, incremental update)."""

from __future__ import annotations

import os
import warnings
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from io import BytesIO

from cryptography.utils import CryptographyDeprecationWarning
from django.conf import settings

with warnings.catch_warnings():
    # pyHanko still imports cryptography's DSA types (never used here for signing), which warn on import.
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import TimeStamper
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

from .verdicts import (
    BAD_SIGNATURE,
    BAD_TIMESTAMP,
    FROZEN_CHANGED,
    NO_SIGNATURE,
    NOT_APPROVED_VERSION,
    NOT_INTACT,
    NOT_PDF,
    OUTSIDE_VALIDITY,
    PARTIAL_COVERAGE,
    PDF_MAGIC,
    UNREADABLE,
    UNTRUSTED,
    sha256,
)


def timestamper() -> TimeStamper | None:
    """The RFC 3161 time-stamping authority of ``QMS_SIGNATURE_TSA_URL``; under the development and test
    settings, an in-process one from the demo CA's TSA certificate (``QMS_DEMO_TIMESTAMPER``, a PKCS#12
    file without password); None: signatures carry no timestamp (PAdES B-B)."""
    url = getattr(settings, "QMS_SIGNATURE_TSA_URL", "")
    if url:
        return RequestsHTTPTimeStamper(url, https=url.startswith("https:"), timeout=15)
    demo = getattr(settings, "QMS_DEMO_TIMESTAMPER", None)
    if demo and os.path.exists(demo):
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.serialization import pkcs12

        with open(demo, "rb") as stored:
            key, certificate, _chain = pkcs12.load_key_and_certificates(stored.read(), None)
        der_key = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
        )
    return None


def sign_pdf(
    pdf: bytes,
    *,
    pkcs12_data: bytes,
    password: str,
    reason: str = "",
    location: str = "",
    stamper: TimeStamper | None = None,
) -> bytes:
    """``pdf`` signed as an incremental update: its bytes stay the prefix of the result; PAdES B-T
    (with the signature's RFC 3161 timestamp) when ``stamper`` (default: :func:`timestamper`) gives one."""
    signer = signers.SimpleSigner.load_pkcs12_data(
        pkcs12_data, other_certs=[], passphrase=password.encode() if password else None
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    stamper = stamper if stamper is not None else timestamper()
    output = signers.PdfSigner(meta, signer=signer, timestamper=stamper).sign_pdf(writer)
    return output.getvalue()


def trust_roots() -> list:
    """The certificates of ``settings.QMS_SIGNATURE_TRUST_ROOTS`` (PEM or DER file paths), and the
    demo CA where the settings name one (``QMS_DEMO_SIGNING_CA``, development and tests) and it exists."""
    paths = list(getattr(settings, "QMS_SIGNATURE_TRUST_ROOTS", []) or [])
    demo_ca = getattr(settings, "QMS_DEMO_SIGNING_CA", None)
    if demo_ca and os.path.exists(demo_ca):
        paths.append(str(demo_ca))
    return list(load_certs_from_pemder(paths)) if paths else []


@dataclass
class Verification:
    valid: bool
    reasons: list[str] = field(default_factory=list)
    signer: str = ""
    signer_subject: str = ""
    issuer: str = ""
    signing_time: str = ""
    #: The RFC 3161 timestamp's time (the certificate is judged at that time), "" without one.
    timestamp_time: str = ""
    signatures: int = 0
    checked_at: str = ""
    #: The record's content checked against the fingerprint recorded at its approval (services).
    approved_sha256: str = ""
    approved_at: str = ""
    content_matches: bool | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _name(name) -> str:
    native = name.native
    return str(native.get("common_name") or name.human_friendly)


def _validate(signature, roots, *, moment=None):
    """pyHanko's status of one signature; the signer's certificate judged at ``moment`` (the trusted
    timestamp's time) when given, else now; the timestamp's own certificate judged now."""
    at = {"moment": moment} if moment is not None else {}
    return validate_pdf_signature(
        signature,
        signer_validation_context=ValidationContext(trust_roots=roots, allow_fetching=False, **at),
        ts_validation_context=ValidationContext(trust_roots=roots, allow_fetching=False),
    )


def verify_pdf(data: bytes, *, frozen: bytes | None = None, frozen_sha256: str = "") -> Verification:
    """Check every signature of ``data`` (intact, valid, covering the whole file, chained to a
    trust root, signed within the certificate's validity) and that the file begins with the
    approved PDF ``frozen`` whose recorded hash is ``frozen_sha256``."""
    result = Verification(valid=False, checked_at=datetime.now(UTC).isoformat())
    reasons = result.reasons
    if not data.startswith(PDF_MAGIC):
        reasons.append(NOT_PDF)
        return result
    if frozen is not None:
        if frozen_sha256 and sha256(frozen) != frozen_sha256:
            reasons.append(FROZEN_CHANGED)
        if not data.startswith(frozen) or len(data) == len(frozen):
            reasons.append(NOT_APPROVED_VERSION)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception:  # noqa: BLE001  (any unreadable file is simply not a valid signed PDF)
        reasons.append(UNREADABLE)
        return result
    result.signatures = len(embedded)
    if not embedded:
        reasons.append(NO_SIGNATURE)
        return result
    roots = trust_roots()
    for index, signature in enumerate(embedded):
        try:
            status = _validate(signature, roots)
            stamp = status.timestamp_validity
            stamped_at = None
            if stamp is not None:
                if stamp.intact and stamp.valid and stamp.trusted:
                    stamped_at = stamp.timestamp
                    status = _validate(signature, roots, moment=stamped_at)
                else:
                    reasons.append(BAD_TIMESTAMP)
        except Exception:  # noqa: BLE001
            reasons.append(BAD_SIGNATURE)
            continue
        if not status.intact:
            reasons.append(NOT_INTACT)
        elif not status.valid:
            reasons.append(BAD_SIGNATURE)
        if status.intact and not status.trusted:
            reasons.append(UNTRUSTED)
        if index == len(embedded) - 1 and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            reasons.append(PARTIAL_COVERAGE)
        if status.modification_level is not None and status.docmdp_ok is False:
            reasons.append(PARTIAL_COVERAGE)
        cert = status.signing_cert
        when = stamped_at or status.signer_reported_dt
        if when is not None:
            validity = cert["tbs_certificate"]["validity"]
            if not (validity["not_before"].native <= when <= validity["not_after"].native):
                reasons.append(OUTSIDE_VALIDITY)
        result.signer = _name(cert.subject)
        result.signer_subject = cert.subject.human_friendly
        result.issuer = cert.issuer.human_friendly
        result.signing_time = when.isoformat() if when else ""
        result.timestamp_time = stamped_at.isoformat() if stamped_at else ""
    result.reasons = list(dict.fromkeys(reasons))
    result.valid = not result.reasons
    return result
