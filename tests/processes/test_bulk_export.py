"""The bulk export of a commune's (or a province's) effective quy trình: the zip read back, the
counters, who may request and download it, and the exports page with its progress bar."""

from __future__ import annotations

import copy
import csv
import io
import zipfile

import docx
import pytest
from django.urls import reverse

from processes import bulk_export
from processes.models import BulkExport, BulkExportStatus
from qms import docx as qd
from tests.documents.rendering import needs_libreoffice
from tests.permission_matrix import LOGIN, SharedWorld, assert_answer

from .helpers import approve_directly, make_procedure, start_document

PAGE = "/admin/processes/exports/"


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="class")
def documents(class_world, class_db):
    """Two effective quy trình of commune A, one of commune B, a draft of A (not exported)."""
    world = class_world
    with class_db.unblock():
        birth, marriage, copy_proc, death = (
            make_procedure(),
            make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn"),
            make_procedure(code="2.000815", name="Chứng thực bản sao", field="Chứng thực"),
            make_procedure(code="1.000656", name="Thủ tục đăng ký khai tử"),
        )
        a_docs = [approve_directly(start_document(world, p), world.iso_a, world.leader_a) for p in (birth, marriage)]
        b_doc = approve_directly(
            start_document(world, copy_proc, world.commune_b, world.iso_b), world.iso_b, world.leader_b
        )
        start_document(world, death)
    return {"a": a_docs, "b": b_doc}


@pytest.fixture
def word_only(settings):
    settings.QMS_SOFFICE = ""


@pytest.mark.django_db
class TestBulkExport(SharedWorld):
    @pytest.fixture
    def docs(self, documents):
        return copy.deepcopy(documents)

    def test_a_commune_export_holds_each_effective_quy_trinh_as_word_with_its_index(self, world, docs, word_only):
        export = bulk_export.request_bulk_export(acting_user=world.iso_a, commune=world.commune_a, send=False)
        assert (export.status, export.with_pdf) == (BulkExportStatus.QUEUED, False)

        built = bulk_export.build_bulk_export(export_id=export.pk)

        export.refresh_from_db()
        assert export.status == BulkExportStatus.READY
        assert (export.done, export.total, export.documents) == (2, 2, 2)
        members = read_zip(export.file.read())
        words = sorted(name for name in members if name.endswith(".docx"))
        assert len(words) == 2 and all(name.isascii() for name in members)
        assert not any(name.endswith(".pdf") for name in members)
        for document, name in zip(sorted(docs["a"], key=lambda d: d.code), words, strict=True):
            opened = docx.Document(io.BytesIO(members[name]))
            text = qd.document_text(opened)
            assert document.code in text and document.title.upper() in text
        index = members["muc_luc.csv"]
        assert index.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(index.decode("utf-8-sig"))))
        assert rows[0] == ["STT", "Tên tệp", "Xã/phường", "Mã hiệu", "Tên quy trình", "Lần ban hành", "Ngày hiệu lực"]
        assert [row[1] for row in rows[1:]] == words
        assert {row[3] for row in rows[1:]} == {d.code for d in docs["a"]}
        assert built.pk == export.pk

    def test_a_province_export_holds_every_commune_beneath(self, world, docs, word_only):
        export = bulk_export.request_bulk_export(acting_user=world.province, unit=world.province_unit, send=False)
        bulk_export.build_bulk_export(export_id=export.pk)
        export.refresh_from_db()
        assert (export.status, export.done, export.total) == (BulkExportStatus.READY, 3, 3)
        folders = {name.split("/")[0] for name in read_zip(export.file.read()) if name.endswith(".docx")}
        assert len(folders) == 2

    @needs_libreoffice
    def test_with_libreoffice_each_word_file_has_its_pdf(self, world, docs):
        export = bulk_export.request_bulk_export(acting_user=world.iso_b, commune=world.commune_b, send=False)
        assert export.with_pdf
        bulk_export.build_bulk_export(export_id=export.pk)
        export.refresh_from_db()
        assert (export.status, export.done, export.total) == (BulkExportStatus.READY, 2, 2)
        members = read_zip(export.file.read())
        (word,) = [name for name in members if name.endswith(".docx")]
        assert members[f"{word.removesuffix('.docx')}.pdf"].startswith(b"%PDF")

    @pytest.mark.parametrize(
        ("persona", "expected"),
        [("iso_a", 200), ("leader_a", 200), ("district", 200), ("iso_b", 404), ("leader_b", 404), ("anonymous", LOGIN)],
    )
    def test_who_downloads_commune_a_export(self, client, world, docs, word_only, persona, expected):
        export = bulk_export.request_bulk_export(acting_user=world.iso_a, commune=world.commune_a, send=False)
        bulk_export.build_bulk_export(export_id=export.pk)
        if persona != "anonymous":
            client.force_login(world.users[persona])
        response = client.get(reverse("processes_files:bulk_export", args=[export.pk]))
        assert_answer(response, expected, persona)
        if expected == 200:
            assert response["Content-Type"] == "application/zip"
            assert "muc_luc.csv" in read_zip(
                b"".join(response.streaming_content if response.streaming else [response.content])
            )

    @pytest.mark.parametrize(
        ("persona", "expected"), [("iso_a", 302), ("district", 302), ("iso_b", 404), ("anonymous", LOGIN)]
    )
    def test_who_requests_commune_a_export(self, client, world, docs, word_only, persona, expected):
        if persona != "anonymous":
            client.force_login(world.users[persona])
        response = client.post(PAGE, {"commune": world.commune_a.pk})
        if expected == 302:
            assert response.status_code == 302 and response["Location"] == PAGE
        else:
            assert_answer(response, expected, persona)
        assert BulkExport.objects.filter(commune=world.commune_a).count() == (1 if expected == 302 else 0)

    def test_another_unit_is_a_404(self, client, world, docs, word_only):
        client.force_login(world.district)
        assert client.post(PAGE, {"unit": world.province_unit.pk}).status_code == 404
        assert not BulkExport.objects.exists()

    def test_the_officer_exports_from_the_list_and_downloads_the_ready_zip(
        self, client, world, docs, word_only, django_capture_on_commit_callbacks
    ):
        client.force_login(world.iso_a)
        listing = client.get(reverse("wagtailsnippets_processes_processdocument:list")).content.decode()
        assert "Xuất tất cả quy trình (zip)" in listing and PAGE in listing
        page = client.get(PAGE).content.decode()
        assert f"Xuất tất cả quy trình (zip): {world.commune_a.name}" in page

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(PAGE, {"commune": world.commune_a.pk})
        assert response["Location"] == PAGE

        export = BulkExport.objects.get(commune=world.commune_a)
        html = client.get(PAGE).content.decode()
        assert export.status == BulkExportStatus.READY
        assert "Sẵn sàng" in html and '<progress max="2" value="2"' in html and "2/2 tệp" in html
        assert 'http-equiv="refresh"' not in html
        download = reverse("processes_files:bulk_export", args=[export.pk])
        assert download in html
        assert len([n for n in read_zip(client.get(download).content) if n.endswith(".docx")]) == 2

    def test_a_running_export_refreshes_the_page(self, client, world, docs, word_only):
        export = bulk_export.request_bulk_export(acting_user=world.iso_a, commune=world.commune_a, send=False)
        BulkExport.objects.filter(pk=export.pk).update(status=BulkExportStatus.RUNNING, done=1, total=2)
        client.force_login(world.iso_a)
        html = client.get(PAGE).content.decode()
        assert 'http-equiv="refresh"' in html and '<progress max="2" value="1"' in html and "Đang chạy" in html
