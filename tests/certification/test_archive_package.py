"""The yearly archive package of a commune: the zip read back, the closed-year rule, the worker, who downloads."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from qms import docx as qd
from qms.archives import check_zip
from qms.certification import services
from qms.certification.archive_package.services import build_year_package, request_year_package
from qms.certification.models import ArchivePackage, PackageStatus
from qms.signatures.models import SignedRecord
from tests.audits.builders import make_audit

from .conftest import PAPER_SCOPE, make_effective, pdf

pytestmark = pytest.mark.django_db

CLOSED = timezone.localdate().year - 1


def read_zip(data: bytes) -> dict[str, bytes]:
    check_zip(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_closed_year_package_holds_the_quy_trinh_and_the_audit_with_manifest_and_index(world, procedures):
    make_effective(world.commune_a, procedures[0], world.iso_a, world.leader_a)
    this_year = timezone.localdate().year
    plan = make_audit(world, year=this_year)

    package = build_year_package(
        acting_user=world.iso_a, commune=world.commune_a, year=this_year, today=datetime.date(this_year + 1, 1, 10)
    )

    assert package.status == PackageStatus.READY
    members = read_zip(package.file.read())
    manifest = json.loads(members["manifest.json"])
    assert manifest["year"] == this_year and manifest["commune"] == world.commune_a.name
    entries = {entry["record_type"]: entry for entry in manifest["files"]}
    assert set(entries) == {"process_version", "audit_programme", "audit_plan"}
    assert package.file_count == len(manifest["files"]) == 3
    assert set(members) == {entry["name"] for entry in manifest["files"]} | {"manifest.json", "muc_luc.csv"}
    for entry in manifest["files"]:
        assert hashlib.sha256(members[entry["name"]]).hexdigest() == entry["sha256"]
        assert (entry["retention_years"], entry["retention"]) == (10, "10 năm")
    plan_entry = entries["audit_plan"]
    assert (plan_entry["title"], plan_entry["document_number"]) == (plan.title, "12")
    assert plan_entry["date"] == f"{this_year}-05-11"
    assert entries["process_version"]["name"].startswith("01-quy-trinh/")
    assert plan.title in qd.document_text(members[plan_entry["name"]])
    properties = Document(io.BytesIO(members[plan_entry["name"]])).core_properties
    assert (properties.identifier, properties.category) == ("12", "Kế hoạch đánh giá nội bộ")
    assert properties.keywords == "Thời hạn bảo quản: 10 năm"

    index = members["muc_luc.csv"]
    assert index.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(index.decode("utf-8-sig"))))
    assert rows[0] == [
        "STT",
        "Tên tệp",
        "Tiêu đề",
        "Số, ký hiệu",
        "Ngày",
        "Loại hồ sơ",
        "Thời hạn bảo quản",
        "SHA-256",
    ]
    plan_row = next(row for row in rows[1:] if row[1] == plan_entry["name"])
    assert plan_row[2:] == [
        plan.title,
        "12",
        f"11/05/{this_year}",
        "Kế hoạch đánh giá nội bộ",
        "10 năm",
        plan_entry["sha256"],
    ]
    assert len(rows) == 4


def test_the_current_year_is_refused_with_the_message(client, world):
    this_year = timezone.localdate().year
    with pytest.raises(ValidationError) as refused:
        request_year_package(acting_user=world.iso_a, commune=world.commune_a, year=this_year)
    assert refused.value.messages == ["Chỉ đóng gói được năm đã kết thúc"]

    client.force_login(world.iso_a)
    response = client.post(
        reverse("certification:archive_package", args=[world.commune_a.pk]), {"year": this_year + 1}, follow=True
    )
    assert "Chỉ đóng gói được năm đã kết thúc" in response.content.decode()
    response = client.post(
        reverse("certification:archive_package", args=[world.commune_a.pk]), {"year": "năm ngoái"}, follow=True
    )
    assert "Chỉ đóng gói được năm đã kết thúc" in response.content.decode()
    assert not ArchivePackage.objects.exists()


def test_the_request_queues_the_task_which_makes_the_package_ready(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.leader_a)
    url = reverse("certification:archive_package", args=[world.commune_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"year": CLOSED})
    assert response.status_code == 302
    package = ArchivePackage.objects.get()
    assert (package.commune, package.year, package.requested_by) == (world.commune_a, CLOSED, world.leader_a)
    assert package.status == PackageStatus.READY and package.finished_at is not None

    page = client.get(reverse("certification:commune", args=[world.commune_a.pk])).content.decode()
    assert "Gói lưu trữ năm" in page and "Sẵn sàng" in page
    download = reverse("certification_files:archive", args=[package.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"-{CLOSED}.zip" in response["Content-Disposition"]
    assert json.loads(read_zip(response.content)["manifest.json"])["files"] == []


@pytest.mark.parametrize(("persona", "status"), [("iso_b", 404), ("auditor_a", 403), ("district", 302)])
def test_who_may_request_a_package(client, world, persona, status, django_capture_on_commit_callbacks):
    client.force_login(getattr(world, persona))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certification:archive_package", args=[world.commune_a.pk]), {"year": CLOSED})
    assert response.status_code == status
    assert ArchivePackage.objects.filter(status=PackageStatus.READY).count() == (1 if status == 302 else 0)


def test_another_communes_officer_gets_404_on_the_download(client, world):
    package = build_year_package(acting_user=world.iso_a, commune=world.commune_a, year=CLOSED)
    url = reverse("certification_files:archive", args=[package.pk])
    client.force_login(world.iso_b)
    assert client.get(url).status_code == 404
    client.force_login(world.auditor_a)
    assert client.get(url).status_code == 200


def test_the_decision_signed_that_year_comes_with_its_signed_pdf_kept_permanently(world):
    announcement = services.record_announcement(
        commune=world.commune_a,
        number="45",
        signed_on=datetime.date(CLOSED, 6, 2),
        file=pdf(),
        scope=PAPER_SCOPE,
        acting_user=world.iso_a,
    )
    signed_bytes = b"%PDF-1.7 decision signed by the leader"
    SignedRecord.objects.create(
        record_type="announcement",
        object_id=announcement.pk,
        commune=world.commune_a,
        frozen_pdf=ContentFile(b"%PDF-1.7 decision", name="approved.pdf"),
        frozen_sha256=hashlib.sha256(b"%PDF-1.7 decision").hexdigest(),
        signed_pdf=ContentFile(signed_bytes, name="signed.pdf"),
        archive_title="Quyết định 45/QĐ-UBND",
        archive_number="45/QĐ-UBND",
        archive_date=datetime.date(CLOSED, 6, 2),
        retention_years=0,
    )

    package = build_year_package(acting_user=world.province, commune=world.commune_a, year=CLOSED)

    members = read_zip(package.file.read())
    files = json.loads(members["manifest.json"])["files"]
    assert [(f["record_type"], f["document_number"], f["date"], f["retention"]) for f in files] == [
        ("announcement", "45/QĐ-UBND", f"{CLOSED}-06-02", "Vĩnh viễn"),
        ("announcement", "45/QĐ-UBND", f"{CLOSED}-06-02", "Vĩnh viễn"),
    ]
    decision, signed = files
    assert decision["name"].startswith("05-cong-bo/") and decision["name"].endswith(".docx")
    assert "45/QĐ-UBND" in qd.document_text(members[decision["name"]])
    assert signed["name"].startswith("06-ban-ky-so/") and members[signed["name"]] == signed_bytes
    assert f"02/06/{CLOSED}" in members["muc_luc.csv"].decode("utf-8-sig")
