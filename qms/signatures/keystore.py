"""The unit's PKCS#12 file and its password, encrypted at rest (Fernet).

The key is derived (HKDF-SHA256) from ``settings.QMS_SIGNING_KEY``, or from
``SECRET_KEY`` when that is not set; changing it makes stored certificates
unreadable (upload them again).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings


def _fernet() -> Fernet:
    secret = getattr(settings, "QMS_SIGNING_KEY", "") or settings.SECRET_KEY
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"qms-signing-certificates", info=b"fernet").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return _fernet().decrypt(bytes(token))


__all__ = ["InvalidToken", "decrypt", "encrypt", "read_pkcs12"]


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    common_name: str
    issuer: str
    serial: str
    valid_from: datetime
    valid_until: datetime


def common_name(name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def read_pkcs12(data: bytes, password: str) -> CertificateInfo:
    """The signing certificate of a PKCS#12 file; ValueError if it cannot be opened or holds no key."""
    key, certificate, _others = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    if key is None or certificate is None:
        raise ValueError("no key")
    return CertificateInfo(
        subject=certificate.subject.rfc4514_string(),
        common_name=common_name(certificate.subject),
        issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "X"),
        valid_from=certificate.not_valid_before_utc,
        valid_until=certificate.not_valid_after_utc,
    )
