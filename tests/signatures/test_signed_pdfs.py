"""Signed PDFs: an announcement decision and an effective quy trình signed with a test CA."""

from __future__ import annotations

import copy
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pypdf import PdfReader

from qms.certification import services as certification_services
from qms.certification.models import Announcement
from qms.public.models import CommunePage
from qms.signatures import services
from qms.signatures.models import ApprovalFingerprint, SignedRecord, SigningCertificate
from tests.certification.conftest import PAPER_SCOPE, days_ago, pdf
from tests.documents.rendering import needs_libreoffice, pdfa_conformance
from tests.permission_matrix import ADMIN_HOME, SharedWorld, assert_answer

from .pki import authority

pytestmark = [needs_libreoffice, pytest.mark.django_db]

PASSWORD = "mat-khau"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    trusted, stranger = authority("CA thử nghiệm"), authority("CA lạ")
    return {
        "root": trusted.write(folder),
        "unit": trusted.issue("UBND Xã An Bình"),
        "token": trusted.issue("Trần Văn Bình"),
        "untrusted": stranger.issue("Người lạ"),
    }


@pytest.fixture(autouse=True)
def trust_roots(settings, pki):
    settings.QMS_SIGNATURE_TRUST_ROOTS = [str(pki["root"])]
    settings.QMS_DEMO_TIMESTAMPER = None  # signatures without timestamp unless a test sets one


def sign_outside(data: bytes, pkcs12_data: bytes) -> bytes:
    """What the unit's signing tool does: pyHanko with the token's key, as an incremental update."""
    signer = signers.SimpleSigner.load_pkcs12_data(pkcs12_data, other_certs=[], passphrase=PASSWORD.encode())
    meta = signers.PdfSignatureMetadata(field_name="Token", subfilter=fields.SigSeedSubFilter.PADES)
    return signers.PdfSigner(meta, signer=signer).sign_pdf(IncrementalPdfFileWriter(BytesIO(data))).getvalue()


def upload(name: str, content: bytes, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(scope="class")
def prepared(class_world, class_db, pki):
    """Commune A's announcement, its certificate uploaded, its approved PDF frozen (one conversion)."""
    world = class_world
    with class_db.unblock():
        announcement = certification_services.record_announcement(
            commune=world.commune_a,
            number="45",
            signed_on=days_ago(3),
            signer_name="Trần Văn Bình",
            file=pdf(),
            scope=PAPER_SCOPE,
            acting_user=world.iso_a,
        )
        services.upload_certificate(
            commune=world.commune_a, pkcs12_data=pki["unit"], password=PASSWORD, acting_user=world.leader_a
        )
        services.freeze_record(record=announcement, acting_user=world.leader_a)
    return announcement


class TestAnnouncementDecision(SharedWorld):
    @pytest.fixture
    def announcement(self, prepared, db):
        return copy.deepcopy(prepared)

    def page(self, announcement):
        return reverse("signatures:record", args=["announcement", announcement.pk])

    def action(self, announcement, name):
        return reverse(f"signatures:{name}", args=["announcement", announcement.pk])

    def test_the_leader_signs_on_the_server_and_the_pdf_verifies(self, client, world, announcement):
        client.force_login(world.leader_a)
        response = client.post(self.action(announcement, "sign"), follow=True)
        body = response.content.decode()
        assert "Văn bản đã được ký số và kiểm tra." in body
        assert "Chữ ký hợp lệ" in body and "UBND Xã An Bình" in body
        signed = SignedRecord.objects.get(record_type="announcement", object_id=announcement.pk)
        approved = ApprovalFingerprint.objects.get(record_type="announcement", object_id=announcement.pk)
        day = f"{timezone.localtime(approved.recorded_at):%d/%m/%Y}"
        assert f"Nội dung đã ký đúng là nội dung đã phê duyệt ngày {day}." in body
        data, frozen = services.signed_bytes(signed), services.frozen_bytes(signed)
        assert signed.method == "server" and signed.is_valid is True and signed.verification["reasons"] == []
        assert data.startswith(frozen) and len(data) > len(frozen)
        # Read back independently: pyHanko sees one PAdES signature over the whole file, pypdf the decision's text.
        (embedded,) = PdfFileReader(BytesIO(data)).embedded_signatures
        assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert embedded.compute_integrity_info() is None
        assert embedded.signed_data is not None
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
        assert "45/QĐ-UBND" in text and "DỰ THẢO" not in text

    def test_the_approved_pdf_is_pdfa_and_carries_its_archive_metadata(self, client, world, announcement, tmp_path):
        signed = SignedRecord.objects.get(record_type="announcement", object_id=announcement.pk)
        frozen = tmp_path / "approved.pdf"
        frozen.write_bytes(services.frozen_bytes(signed))
        assert pdfa_conformance(frozen) == ("2", "B")
        assert (signed.archive_title, signed.archive_number, signed.archive_date) == (
            "Quyết định 45/QĐ-UBND",
            "45/QĐ-UBND",
            announcement.signed_on,
        )
        assert signed.archive_issuer == "ỦY BAN NHÂN DÂN XÃ AN BÌNH" and signed.retention_years == 0
        client.force_login(world.leader_a)
        body = client.get(self.page(announcement)).content.decode()
        assert "Thời hạn bảo quản</dt><dd>Vĩnh viễn" in body
        assert f"Ngày văn bản</dt><dd>{announcement.signed_on:%d/%m/%Y}" in body

    def test_with_a_time_stamping_authority_the_signature_carries_its_timestamp(
        self, client, world, announcement, settings, tmp_path
    ):
        from .test_timestamps import tsa_file

        ca = authority("CA dấu thời gian")
        settings.QMS_SIGNATURE_TRUST_ROOTS = [*settings.QMS_SIGNATURE_TRUST_ROOTS, str(ca.write(tmp_path))]
        settings.QMS_DEMO_TIMESTAMPER = str(tsa_file(ca, tmp_path / "tsa.p12"))
        client.force_login(world.leader_a)
        body = client.post(self.action(announcement, "sign"), follow=True).content.decode()
        signed = SignedRecord.objects.get(record_type="announcement", object_id=announcement.pk)
        assert signed.is_valid is True and signed.timestamp_time is not None
        assert f"Dấu thời gian (RFC 3161): {timezone.localtime(signed.timestamp_time):%H:%M %d/%m/%Y}" in body

    def test_the_content_is_fingerprinted_at_approval_and_a_record_changed_since_is_not_signed(
        self, client, world, announcement
    ):
        approved = ApprovalFingerprint.objects.get(record_type="announcement", object_id=announcement.pk)
        assert approved.at_approval is True and approved.recorded_by == world.iso_a
        assert approved.sha256 == services.content_sha256(announcement)
        # Changed behind the services' back (a database edit): refused at signing, with the approval's date.
        Announcement.objects.filter(pk=announcement.pk).update(signer_name="Người khác")
        announcement.refresh_from_db()
        client.force_login(world.leader_a)
        body = client.post(self.action(announcement, "sign"), follow=True).content.decode()
        day = f"{timezone.localtime(approved.recorded_at):%d/%m/%Y}"
        assert f"Văn bản đã bị thay đổi sau khi được phê duyệt ngày {day}" in body
        assert not SignedRecord.objects.get(record_type="announcement", object_id=announcement.pk).is_signed

    def test_a_record_changed_after_signing_fails_verification(self, world, announcement):
        signed = services.sign_on_server(record=announcement, acting_user=world.leader_a)
        assert signed.content_matches is True
        Announcement.objects.filter(pk=announcement.pk).update(scope=[])
        services.verify_signed_record(signed=signed, acting_user=world.leader_a)
        signed.refresh_from_db()
        assert signed.is_valid is False and signed.content_matches is False
        assert (
            "Văn bản đã bị thay đổi sau khi được phê duyệt: nội dung không còn khớp với nội dung đã phê duyệt."
            in signed.reason_messages
        )

    def test_a_tampered_file_is_invalid_with_its_reason(self, world, announcement):
        signed = services.sign_on_server(record=announcement, acting_user=world.leader_a)
        data = bytearray(services.signed_bytes(signed))
        data[len(data) // 3] ^= 0x01
        signed.signed_pdf.save("signed.pdf", upload("x.pdf", bytes(data)), save=True)
        services.verify_signed_record(signed=signed, acting_user=world.leader_a)
        signed.refresh_from_db()
        assert signed.is_valid is False
        assert "Văn bản ký số không phải là bản đã phê duyệt." in signed.reason_messages or (
            "Nội dung đã ký bị thay đổi sau khi ký." in signed.reason_messages
        )

    def test_a_signed_pdf_that_is_not_the_approved_one_is_refused(self, client, world, announcement, pki):
        signed = SignedRecord.objects.get(record_type="announcement", object_id=announcement.pk)
        frozen = services.frozen_bytes(signed)
        other = bytearray(frozen)
        comment = frozen.index(b"\n%", 5) + 2  # the binary-marker comment after the header
        other[comment] ^= 0x01
        client.force_login(world.leader_a)
        response = client.post(
            self.action(announcement, "upload"),
            {"file": upload("ky.pdf", sign_outside(bytes(other), pki["token"]))},
            follow=True,
        )
        body = response.content.decode()
        assert "Văn bản ký số bị từ chối." in body
        assert "Văn bản ký số không phải là bản đã phê duyệt." in body
        assert not SignedRecord.objects.get(pk=signed.pk).signed_pdf

    def test_signed_outside_on_a_token_and_uploaded_back(self, client, world, announcement, pki):
        client.force_login(world.leader_a)
        download = client.post(self.action(announcement, "download"))
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        response = client.post(
            self.action(announcement, "upload"),
            {"file": upload("da-ky.pdf", sign_outside(download.content, pki["token"]))},
            follow=True,
        )
        body = response.content.decode()
        assert "Văn bản ký số đã được kiểm tra và lưu." in body and "Trần Văn Bình" in body
        signed = SignedRecord.objects.get(record_type="announcement", object_id=announcement.pk)
        assert (signed.method, signed.is_valid, signed.signer) == ("external", True, world.leader_a)

    def test_an_untrusted_certificate_is_refused(self, client, world, announcement, pki):
        client.force_login(world.leader_a)
        frozen = client.post(self.action(announcement, "download")).content
        response = client.post(
            self.action(announcement, "upload"),
            {"file": upload("da-ky.pdf", sign_outside(frozen, pki["untrusted"]))},
            follow=True,
        )
        body = response.content.decode()
        assert "Chứng thư số của người ký không do tổ chức chứng thực tin cậy cấp." in body
        assert not SignedRecord.objects.get(record_type="announcement", object_id=announcement.pk).signed_pdf

    def test_a_file_that_is_not_a_pdf_is_refused(self, client, world, announcement):
        client.force_login(world.leader_a)
        response = client.post(
            self.action(announcement, "upload"),
            {"file": upload("da-ky.pdf", b"PK\x03\x04 not a pdf", "application/pdf")},
            follow=True,
        )
        assert "Tệp không phải là PDF." in response.content.decode()
        assert not SignedRecord.objects.get(record_type="announcement", object_id=announcement.pk).signed_pdf

    def test_the_certificate_is_shown_but_never_served(self, client, world, pki):
        client.force_login(world.leader_a)
        url = reverse("signatures:certificate", args=[world.commune_a.pk])
        body = client.get(url).content
        certificate = SigningCertificate.objects.get(commune=world.commune_a)
        valid_until = timezone.localtime(certificate.valid_until)  # the page shows Vietnam's date
        assert "UBND Xã An Bình".encode() in body and valid_until.strftime("%d/%m/%Y").encode() in body
        assert bytes(certificate.encrypted_pkcs12) not in body and pki["unit"] not in body
        assert PASSWORD.encode() not in body and pki["unit"] not in bytes(certificate.encrypted_pkcs12)
        # A wrong password is refused and the stored certificate stays.
        response = client.post(
            url, {"file": upload("unit.p12", pki["unit"], "application/x-pkcs12"), "password": "sai"}
        )
        assert "mật khẩu không đúng" in response.content.decode()
        assert SigningCertificate.objects.get(commune=world.commune_a).serial == certificate.serial

    def test_the_public_page_shows_the_signed_decision_with_its_badge(self, client, world, announcement):
        page = CommunePage.objects.get(commune=world.commune_a)
        assert "đã ký số" not in client.get(page.url).content.decode()
        signed = services.sign_on_server(record=announcement, acting_user=world.leader_a)
        section = client.get(page.url).content.decode().split('id="announcement"', 1)[1]
        assert "đã ký số" in section and "Chữ ký đã được kiểm tra: hợp lệ." in section
        assert "UBND Xã An Bình" in section
        public = reverse("signature_files:public", args=[signed.pk])
        assert public in section
        client.logout()
        response = client.get(public)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"

    @pytest.mark.parametrize(
        ("persona", "expected"),
        [("leader_a", 200), ("iso_a", ADMIN_HOME), ("district", ADMIN_HOME), ("leader_b", 404), ("iso_b", 404)],
    )
    def test_only_the_communes_approver_signs(self, client, world, announcement, persona, expected):
        client.force_login(getattr(world, persona))
        for name in ("sign", "download", "verify"):
            response = client.post(self.action(announcement, name))
            if expected == 200:
                assert response.status_code in (200, 302) and response.get("Location") != reverse("wagtailadmin_home")
            else:
                assert_answer(response, expected, f"{persona} {name}")
        certificate_page = client.get(reverse("signatures:certificate", args=[world.commune_a.pk]))
        assert_answer(certificate_page, 200 if expected == 200 else expected, f"{persona} certificate")
        record_page = client.get(self.page(announcement))
        assert_answer(record_page, 404 if expected == 404 else 200, f"{persona} record page")
        if expected != 200 and record_page.status_code == 200:
            assert "Ký số trên máy chủ" not in record_page.content.decode()


class TestProcessVersion(SharedWorld):
    def test_an_effective_quy_trinh_is_signed_and_verified(self, client, world, pki):
        from tests.processes.helpers import approve_directly, make_procedure, start_document

        document = approve_directly(start_document(world, make_procedure()), world.iso_a, world.leader_a)
        version = document.current_version
        approved = ApprovalFingerprint.objects.get(record_type="process_version", object_id=version.pk)
        assert approved.at_approval is True and approved.recorded_by == world.leader_a
        services.upload_certificate(
            commune=world.commune_a, pkcs12_data=pki["unit"], password=PASSWORD, acting_user=world.leader_a
        )
        client.force_login(world.leader_a)
        detail = client.get(reverse("signatures:record", args=["process_version", version.pk]))
        assert detail.status_code == 200 and document.code in detail.content.decode()
        response = client.post(reverse("signatures:sign", args=["process_version", version.pk]), follow=True)
        assert "Văn bản đã được ký số và kiểm tra." in response.content.decode()
        signed = SignedRecord.objects.get(record_type="process_version", object_id=version.pk)
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(services.signed_bytes(signed))).pages)
        assert document.code in text
        assert signed.content_matches is True

        # A version approved before fingerprints were kept gets one when it is first frozen, marked so.
        ApprovalFingerprint.objects.filter(object_id=version.pk).delete()
        SignedRecord.objects.filter(pk=signed.pk).delete()
        services.freeze_record(record=version, acting_user=world.leader_a)
        legacy = ApprovalFingerprint.objects.get(record_type="process_version", object_id=version.pk)
        assert legacy.at_approval is False and legacy.sha256 == approved.sha256
        client.force_login(world.leader_b)
        assert client.get(reverse("signatures:record", args=["process_version", version.pk])).status_code == 404
