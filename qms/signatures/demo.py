"""Test certificates for the demo: a demo CA and the communes' signing certificates.

They are not real certificates: their names say "chứng thư thử nghiệm", and the
demo CA is trusted only where ``QMS_DEMO_SIGNING_CA`` names its file (the
development and test settings, never production).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

from . import services
from .models import SigningCertificate

DEMO_MARK = "chứng thư thử nghiệm"
CA_NAME = f"CA HTQLCL demo ({DEMO_MARK})"
PASSWORD = "demo-ky-so-2026"


def demo_ca_path() -> Path | None:
    """Where the demo CA is kept and trusted; None where the settings trust no demo CA (production)."""
    path = getattr(settings, "QMS_DEMO_SIGNING_CA", None)
    return Path(path) if path else None


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Dữ liệu demo HTQLCL ({DEMO_MARK})"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _authority() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(CA_NAME))
        .issuer_name(_name(CA_NAME))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _signer(ca_key, ca_certificate, common_name: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(),
        key,
        certificate,
        [ca_certificate],
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    )


def _time_stamping_authority(ca_key, ca_certificate) -> bytes:
    """The demo TSA's key and certificate (PKCS#12, no password), for the in-process timestamper (RSA only)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(f"TSA HTQLCL demo ({DEMO_MARK})"))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"tsa", key, certificate, [ca_certificate], serialization.NoEncryption()
    )


def holder_name(commune) -> str:
    return f"UBND {commune.name} ({DEMO_MARK})"


def ensure_demo_certificates(*, communes, acting_user) -> bool:
    """Give each commune a demo signing certificate issued by the demo CA (nothing when all have one).

    Returns False, doing nothing, where the settings trust no demo CA.
    """
    path = demo_ca_path()
    if path is None:
        return False
    have = set(SigningCertificate.objects.filter(commune__in=communes).values_list("commune_id", flat=True))
    if path.exists() and all(commune.pk in have for commune in communes):
        return True
    ca_key, ca_certificate = _authority()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ca_certificate.public_bytes(serialization.Encoding.PEM))
    tsa = getattr(settings, "QMS_DEMO_TIMESTAMPER", None)
    if tsa:
        Path(tsa).write_bytes(_time_stamping_authority(ca_key, ca_certificate))
    for commune in communes:
        services.upload_certificate(
            commune=commune,
            pkcs12_data=_signer(ca_key, ca_certificate, holder_name(commune)),
            password=PASSWORD,
            acting_user=acting_user,
        )
    return True
