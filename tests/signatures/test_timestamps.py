"""PAdES B-T: the signature's RFC 3161 timestamp, and the certificate judged at the timestamp's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pypdf import PdfWriter

from qms.signatures import pades

from .pki import authority

PASSWORD = "mat-khau"
NOW = datetime.now(UTC).replace(microsecond=0)


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def tsa_file(ca, path):
    """A TSA certificate of ``ca`` with its key, as the in-process timestamper reads it (no password)."""
    key, certificate, chain = pkcs12.load_key_and_certificates(
        ca.issue("TSA thử nghiệm", time_stamping=True, days=3650), PASSWORD.encode()
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"tsa", key, certificate, chain, serialization.NoEncryption())
    )
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki-tsa")
    ca = authority("CA thử nghiệm")
    return {
        "root": ca.write(folder),
        "tsa": tsa_file(ca, folder / "tsa.p12"),
        "stranger_tsa": tsa_file(authority("CA lạ"), folder / "stranger.p12"),
        "valid": ca.issue("Trần Văn Bình"),
        # Valid for one day, from 47 hours ago: it expired 23 hours ago.
        "expired": ca.issue("Nguyễn Văn An", valid_from=NOW - timedelta(hours=47), days=1),
    }


@pytest.fixture
def tsa_settings(settings, pki):
    settings.QMS_SIGNATURE_TRUST_ROOTS = [str(pki["root"])]
    settings.QMS_DEMO_SIGNING_CA = None
    settings.QMS_SIGNATURE_TSA_URL = ""
    settings.QMS_DEMO_TIMESTAMPER = str(pki["tsa"])
    return settings


def test_a_timestamped_signature_is_judged_at_the_timestamps_time(tsa_settings, pki):
    stamper = pades.timestamper()
    stamper.fixed_dt = NOW - timedelta(hours=30)  # when the certificate was still valid
    data = pades.sign_pdf(blank_pdf(), pkcs12_data=pki["expired"], password=PASSWORD, stamper=stamper)
    result = pades.verify_pdf(data)
    assert result.reasons == [] and result.valid
    assert result.timestamp_time == (NOW - timedelta(hours=30)).isoformat()
    assert result.signing_time == result.timestamp_time


def test_without_a_timestamp_the_expired_certificate_is_judged_today(tsa_settings, pki):
    tsa_settings.QMS_DEMO_TIMESTAMPER = None
    assert pades.timestamper() is None
    result = pades.verify_pdf(pades.sign_pdf(blank_pdf(), pkcs12_data=pki["expired"], password=PASSWORD))
    assert not result.valid and result.timestamp_time == ""
    assert set(result.reasons) & {pades.UNTRUSTED, pades.BAD_SIGNATURE, pades.OUTSIDE_VALIDITY}


def test_a_timestamp_from_an_untrusted_authority_is_refused(tsa_settings, pki):
    data = pades.sign_pdf(blank_pdf(), pkcs12_data=pki["valid"], password=PASSWORD)
    assert pades.verify_pdf(data).valid  # the configured (trusted) timestamper
    tsa_settings.QMS_DEMO_TIMESTAMPER = str(pki["stranger_tsa"])
    result = pades.verify_pdf(pades.sign_pdf(blank_pdf(), pkcs12_data=pki["valid"], password=PASSWORD))
    assert pades.BAD_TIMESTAMP in result.reasons and not result.valid
