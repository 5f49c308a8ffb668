"""Uploaded files are private: one upload policy at every form, downloads only through permission-checked views."""

from __future__ import annotations

import copy
import datetime
import importlib
import re
import zipfile
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection

from audits import selectors as audit_selectors
from audits import services as audit_services
from audits.models import AuditorTraining, ChecklistResult, EvidenceFile, Finding, IsoClause
from processes.models import ProcessDocument
from qms.certification import services as cert_services
from qms.certification.models import Announcement, Evidence, EvidenceKind, InspectionConclusion, InspectionMethod
from qms.certification.rules import ScopeEntry
from tests.audits.builders import make_audit
from tests.permission_matrix import SharedWorld
from tests.processes.helpers import url as process_url
from tests.uploads import (
    DOCX_MIME,
    PDF_BYTES,
    XLSX_MIME,
    docx_bytes,
    docx_upload,
    hostile_uploads,
    jpeg_upload,
    pdf_upload,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

SCOPE = [ScopeEntry("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "QT-01/HT")]
ALLOWED = ("iso_a", "leader_a", "auditor_a", "district", "province")
HIDDEN = ("iso_b", "leader_b", "outsider")
TYPE_MESSAGE = "Tệp không đúng định dạng cho phép (PDF, ảnh JPG/PNG, Word .docx, Excel .xlsx)."
WORD_TYPE_MESSAGE = "Tệp không đúng định dạng cho phép (Word .docx)."
SMALL_LIMIT = 1024 * 1024
SIZE_MESSAGE = "Tệp vượt quá dung lượng cho phép (1 MB)."
RANDOM_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png|docx|xlsx)")


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


#: kind → (download URL name, file field, original name, content type, shown inline)
DOWNLOADS = {
    "evidence": ("certification_files:evidence", "file", "Quyết định Ban chỉ đạo.docx", DOCX_MIME, False),
    "announcement": ("certification_files:announcement", "file", "quyet-dinh-cong-bo.pdf", "application/pdf", True),
    "report": ("certification_files:report", "report_file", "bao-cao-khac-phuc.pdf", "application/pdf", True),
    "certificate": ("audits_files:certificate", "certificate_file", "chung-chi.jpg", "image/jpeg", True),
    "audit_evidence": ("audits_files:evidence", "file", "so-theo-doi.pdf", "application/pdf", True),
}


def download_url(records, kind: str) -> str:
    return reverse(DOWNLOADS[kind][0], args=[records[kind].pk])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# -- uploads: every form refuses what the policy refuses and saves nothing ------------------------


def _checklist_data(plan, file):
    items = audit_selectors.plan_checklist(plan)
    data = {
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": len(items),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, item in enumerate(items):
        data[f"items-{index}-result"] = item.result
        data[f"items-{index}-evidence"] = item.evidence
    data |= {"items-1-result": ChecklistResult.CONFORMING, "items-1-evidence": "Đã xem 10 hồ sơ.", "items-1-file": file}
    return data


def _form(records, world, name):
    """(user, URL, POST data without the file, file field, records holding files) of one upload form."""
    commune, plan = world.commune_a, records["plan"]
    if name == "evidence":
        data = {"kind": "plan", "title": "Kế hoạch xây dựng HTQLCL", "issued_on": days_ago(5).strftime("%d/%m/%Y")}
        return (
            world.iso_a,
            reverse("certification:evidence_add", args=[commune.pk]),
            data,
            "file",
            lambda: Evidence.objects.count(),
        )
    if name == "announcement":
        data = {"number": "46", "symbol": "QĐ-UBND", "signed_on": days_ago(2).strftime("%d/%m/%Y")}
        return (
            world.iso_a,
            reverse("certification:announcement_add", args=[commune.pk]),
            data,
            "file",
            lambda: Announcement.objects.count(),
        )
    if name == "report":
        data = {"reported_on": days_ago(1).strftime("%d/%m/%Y"), "reference": "15/BC-UBND", "note": ""}
        url = reverse("certification:report_add", args=[records["open_conclusion"].pk])
        return world.iso_a, url, data, "file", lambda: InspectionConclusion.objects.exclude(report_file="").count()
    if name == "finding":
        data = {
            "plan": plan.pk,
            "kind": "observation",
            "clause": IsoClause.objects.get(number="7.5").pk,
            "process": "",
            "description": "Danh mục tài liệu chưa ghi ngày hiệu lực.",
            "requirement": "",
            "evidence": "",
            "owner": "",
            "due_date": "",
        }
        return (
            world.auditor_a,
            reverse("audits_findings:add"),
            data,
            "evidence_file",
            lambda: (Finding.objects.count(), EvidenceFile.objects.count()),
        )
    if name == "checklist":
        url = reverse("audits_admin:plan_checklist", args=[plan.pk])
        return world.auditor_a, url, None, "items-1-file", lambda: EvidenceFile.objects.count()
    if name == "training":
        data = {
            "auditor": plan.lead_auditor.pk,
            "course": "Đánh giá viên trưởng",
            "certificate_number": "CC-01",
            "issued_on": "01/08/2025",
            "issuer": "Viện Năng suất Việt Nam",
        }
        return (
            world.iso_a,
            reverse("audits_trainings:add"),
            data,
            "certificate_file",
            lambda: AuditorTraining.objects.count(),
        )
    if name == "word_import":
        data = {"commune": commune.pk}
        return world.iso_a, process_url("import_docx"), data, "file", lambda: ProcessDocument.objects.count()
    if name == "wagtail_document":
        data = {"title": "Sổ tay chất lượng", "collection": Collection.get_first_root_node().pk, "tags": ""}
        return world.admin, reverse("wagtaildocs:add"), data, "file", lambda: get_document_model().objects.count()
    raise KeyError(name)


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""


def _post(client, records, world, form, file):
    """Open the form as the user would (keeping its hidden fields), then post it with ``file``."""
    user, url, data, field, count = _form(records, world, form)
    client.force_login(user)
    page = _HiddenInputs()
    page.feed(client.get(url).content.decode())
    hidden = {k: v for k, v in page.values.items() if k != "csrfmiddlewaretoken" and not k.startswith("items-")}
    payload = _checklist_data(records["plan"], file) if data is None else {**data, field: file}
    return client.post(url, {**hidden, **payload}), count


FORMS = ["evidence", "announcement", "report", "finding", "checklist", "training", "word_import", "wagtail_document"]


class WithRecords(SharedWorld):
    """Commune A's records of every kind that holds a file, uploaded through the services once for the class."""

    @pytest.fixture(scope="class")
    @classmethod
    def class_records(cls, class_world, class_db):
        world = class_world
        iso, commune = world.iso_a, world.commune_a
        with class_db.unblock():
            evidence = cert_services.add_evidence(
                commune=commune,
                kind=EvidenceKind.STEERING_BOARD,
                title="Quyết định thành lập Ban chỉ đạo ISO",
                reference="12/QĐ-UBND",
                issued_on=days_ago(400),
                file=docx_upload("Quyết định Ban chỉ đạo.docx"),
                acting_user=iso,
            )
            announcement = cert_services.record_announcement(
                commune=commune,
                number="45",
                signed_on=days_ago(200),
                file=pdf_upload("quyet-dinh-cong-bo.pdf"),
                scope=SCOPE,
                acting_user=iso,
            )
            inspection = cert_services.record_inspection(
                commune=commune,
                inspected_on=days_ago(100),
                method=InspectionMethod.ON_SITE,
                agency="Sở Khoa học và Công nghệ tỉnh Thử Nghiệm",
                conclusions=[("Chưa niêm yết quyết định công bố.", True), ("Chưa cập nhật quy trình khai sinh.", True)],
                acting_user=world.province,
            )
            answered, open_one = inspection.conclusions.order_by("pk")
            cert_services.record_corrective_report(
                conclusion=answered,
                reported_on=days_ago(60),
                note="Đã niêm yết.",
                file=pdf_upload("bao-cao-khac-phuc.pdf"),
                acting_user=iso,
            )
            plan = make_audit(world)
            training = audit_services.save_training(
                acting_user=iso,
                auditor=plan.lead_auditor,
                course="Đánh giá viên nội bộ ISO 9001:2015",
                issued_on=datetime.date(2024, 8, 1),
                issuer="Trung tâm Năng suất Việt Nam",
                certificate_file=jpeg_upload("chung-chi.jpg"),
            )
            audit_services.generate_checklist(acting_user=iso, plan=plan)
            item = audit_selectors.plan_checklist(plan)[0]
            audit_services.record_checklist_result(
                acting_user=world.auditor_a,
                item=item,
                result=ChecklistResult.CONFORMING,
                evidence="Đã xem sổ theo dõi.",
                files=[pdf_upload("so-theo-doi.pdf")],
            )
            return {
                "evidence": evidence,
                "announcement": announcement,
                "report": InspectionConclusion.objects.get(pk=answered.pk),
                "open_conclusion": open_one,
                "certificate": training,
                "audit_evidence": EvidenceFile.objects.get(checklist_item=item),
                "plan": plan,
            }

    @pytest.fixture
    def records(self, class_records, db):
        return copy.deepcopy(class_records)


class TestRecordFiles(WithRecords):
    # -- downloads ------------------------------------------------------------------------------------

    @pytest.mark.parametrize("kind", DOWNLOADS)
    def test_anonymous_users_are_sent_to_the_login_page(self, client, records, kind):
        response = client.get(download_url(records, kind))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login") + "?next=")
        assert "X-Accel-Redirect" not in response

    @pytest.mark.parametrize("persona", HIDDEN)
    @pytest.mark.parametrize("kind", DOWNLOADS)
    def test_users_of_another_commune_and_outsiders_get_404(self, client, world, records, kind, persona):
        client.force_login(getattr(world, persona))
        response = client.get(download_url(records, kind))
        assert response.status_code == 404
        assert getattr(records[kind], DOWNLOADS[kind][1]).read() not in body_of(response)

    @pytest.mark.parametrize("persona", ALLOWED)
    @pytest.mark.parametrize("kind", DOWNLOADS)
    def test_the_commune_and_its_followers_get_the_file_with_safe_headers(self, client, world, records, kind, persona):
        name, field, original, content_type, inline = DOWNLOADS[kind]
        stored = getattr(records[kind], field)
        client.force_login(getattr(world, persona))
        response = client.get(download_url(records, kind))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("inline" if inline else "attachment")
        assert f"filename*=UTF-8''{quote(original)}" in disposition or f'filename="{original}"' in disposition
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        with stored.storage.open(stored.name, "rb") as handle:
            assert body_of(response) == handle.read()

    @pytest.mark.parametrize("kind", DOWNLOADS)
    def test_files_are_stored_under_a_random_name_and_keep_the_users_name(self, records, kind):
        _, field, original, _, _ = DOWNLOADS[kind]
        stored = getattr(records[kind], field)
        assert RANDOM_NAME.fullmatch(stored.name.rsplit("/", 1)[-1])
        assert stored.original_name == original
        assert stored.url == download_url(records, kind)

    def test_pages_link_to_the_checked_downloads_and_never_to_media(self, client, world, records):
        client.force_login(world.iso_a)
        record_page = client.get(reverse("certification:commune", args=[world.commune_a.pk])).content.decode()
        for kind in ("evidence", "announcement", "report"):
            assert download_url(records, kind) in record_page
        training_page = client.get(
            reverse("audits_trainings:inspect", args=[records["certificate"].pk])
        ).content.decode()
        assert download_url(records, "certificate") in training_page and "chung-chi.jpg" in training_page
        client.force_login(world.auditor_a)
        checklist = client.get(reverse("audits_admin:plan_checklist", args=[records["plan"].pk])).content.decode()
        assert download_url(records, "audit_evidence") in checklist
        for body in (record_page, training_page, checklist):
            assert settings.MEDIA_URL not in body

    @pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
    @pytest.mark.parametrize("persona", ["anonymous", "admin"])
    def test_nothing_under_media_is_served(self, world, records, debug, persona):
        client = Client()
        if persona != "anonymous":
            client.force_login(world.admin)
        import qms.urls

        with override_settings(DEBUG=debug):
            importlib.reload(qms.urls)
            clear_url_caches()
            try:
                for kind, (_, field, original, _, _) in DOWNLOADS.items():
                    stored = getattr(records[kind], field)
                    assert client.get(f"{settings.MEDIA_URL}{stored.name}").status_code == 404
                    guessed = f"{settings.MEDIA_URL}{stored.name.rsplit('/', 1)[0]}/{original}"
                    assert client.get(guessed).status_code == 404
            finally:
                importlib.reload(qms.urls)
                clear_url_caches()

    def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(self, client, world, records):
        from django_sendfile.utils import _get_sendfile

        stored = records["announcement"].file
        with override_settings(SENDFILE_BACKEND="django_sendfile.backends.nginx", SENDFILE_URL="/protected/"):
            _get_sendfile.cache_clear()
            try:
                client.force_login(world.district)
                response = client.get(download_url(records, "announcement"))
                client.force_login(world.iso_b)
                refused = client.get(download_url(records, "announcement"))
            finally:
                _get_sendfile.cache_clear()
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == f"/protected/{stored.name}"
        assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
        assert response.content == b""
        assert refused.status_code == 404 and "X-Accel-Redirect" not in refused

    def test_a_file_stored_before_the_policy_is_never_served_as_a_page(self, client, world, records):
        evidence = records["evidence"]
        storage, name = evidence.file.storage, evidence.file.name
        with storage.open(name, "rb") as handle:
            original = handle.read()
        storage.delete(name)
        storage.save(name, BytesIO(b"<html><script>alert(1)</script></html>"))
        Evidence.objects.filter(pk=evidence.pk).update(file_name="bang-chung.html")
        client.force_login(world.iso_a)
        try:
            response = client.get(download_url(records, "evidence"))
            body_of(response)
        finally:
            storage.delete(name)
            storage.save(name, BytesIO(original))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"

    # -- the public announcement decision -----------------------------------------------------------

    def test_the_signed_announcement_decision_is_public_and_nothing_else_is(self, client, world, records):
        from qms.public.models import CommunePage

        page = client.get(CommunePage.objects.get(commune=world.commune_a).url).content.decode()
        public_url = reverse("certification_files:public_announcement", args=[records["announcement"].pk])
        assert public_url in page
        response = client.get(public_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
        assert body_of(response) == PDF_BYTES
        missing = Announcement.objects.order_by("-pk").first().pk + 1
        assert client.get(reverse("certification_files:public_announcement", args=[missing])).status_code == 404
        for kind in ("evidence", "report", "certificate", "audit_evidence"):
            assert client.get(download_url(records, kind)).status_code == 302

    @override_settings(QMS_UPLOAD_MAX_BYTES=SMALL_LIMIT)
    @pytest.mark.parametrize("hostile", ["html", "html_as_pdf", "exe", "too_large"])
    @pytest.mark.parametrize("form", FORMS)
    def test_every_upload_form_refuses_a_dangerous_file_in_vietnamese_and_saves_nothing(
        self, client, world, records, form, hostile
    ):
        file = hostile_uploads(SMALL_LIMIT)[hostile]
        _, _, _, _, count = _form(records, world, form)
        before_count, before_files = count(), stored_files()
        response, _ = _post(client, records, world, form, file)
        assert response.status_code == 200
        expected = (
            SIZE_MESSAGE if hostile == "too_large" else (WORD_TYPE_MESSAGE if form == "word_import" else TYPE_MESSAGE)
        )
        assert expected in response.content.decode()
        assert count() == before_count
        assert stored_files() == before_files

    @pytest.mark.parametrize("form", ["evidence", "report", "finding", "checklist", "training", "wagtail_document"])
    @pytest.mark.parametrize("good", ["pdf", "docx"])
    def test_every_upload_form_accepts_a_pdf_or_a_word_file(self, client, world, records, form, good):
        file = pdf_upload("bien-ban-hop.pdf") if good == "pdf" else docx_upload("Biên bản họp.docx")
        _, _, _, _, count = _form(records, world, form)
        before_count, before_files = count(), stored_files()
        response, _ = _post(client, records, world, form, file)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert count() != before_count
        (new_file,) = stored_files() - before_files
        assert new_file.suffix == f".{good}"
        if form != "wagtail_document":
            assert RANDOM_NAME.fullmatch(new_file.name)

    def test_a_word_file_is_the_only_thing_the_quy_trinh_import_takes(self, client, world, records):
        response, count = _post(client, records, world, "word_import", pdf_upload("quy-trinh.pdf"))
        assert WORD_TYPE_MESSAGE in response.content.decode() and count() == 0


# -- Wagtail documents --------------------------------------------------------------------------


def test_wagtail_documents_are_not_public(client, world):
    Document = get_document_model()
    document = Document(title="Sổ tay chất lượng", collection=Collection.get_first_root_node())
    document.file.save("so-tay.pdf", BytesIO(PDF_BYTES), save=False)
    document.save()
    assert client.get(document.url).status_code == 302
    assert client.get(f"{settings.MEDIA_URL}{document.file.name}").status_code == 404
    for persona in ("iso_a", "district", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(document.url).status_code == 404
    client.force_login(world.admin)
    response = client.get(document.url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert body_of(response) == PDF_BYTES


def _with_macros() -> bytes:
    source = zipfile.ZipFile(BytesIO(docx_bytes()))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return buffer.getvalue()


def _plain_zip() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        target.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "accepted"),
    [
        ("so-lieu.xlsx", xlsx_bytes(), True),
        ("anh.png", None, True),
        ("co-macro.docx", _with_macros(), False),
        ("gia-word.docx", _plain_zip(), False),
        ("bang-tinh.docx", xlsx_bytes(), False),
        ("trong.pdf", b"", False),
    ],
)
def test_office_files_are_checked_inside(client, world, name, data, accepted):
    from tests.uploads import image_bytes

    data = image_bytes("PNG") if data is None else data
    client.force_login(world.iso_a)
    response = client.post(
        reverse("certification:evidence_add", args=[world.commune_a.pk]),
        {
            "kind": "plan",
            "title": "Kế hoạch",
            "issued_on": days_ago(3).strftime("%d/%m/%Y"),
            "file": upload(name, data, XLSX_MIME),
        },
    )
    assert (response.status_code == 302) is accepted
    assert Evidence.objects.count() == (1 if accepted else 0)


def test_the_default_limit_is_10_mb(client, world):
    client.force_login(world.iso_a)
    big = upload("qua-lon.pdf", PDF_BYTES + b"%" * (10 * 1024 * 1024), "application/pdf")
    response = client.post(
        reverse("certification:evidence_add", args=[world.commune_a.pk]),
        {"kind": "plan", "title": "Kế hoạch", "issued_on": days_ago(3).strftime("%d/%m/%Y"), "file": big},
    )
    assert "Tệp vượt quá dung lượng cho phép (10 MB)." in response.content.decode()
    assert not Evidence.objects.exists()
