"""Word in and out through the admin and the management commands, read back with python-docx."""

from io import BytesIO
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from processes.docx.importer import parse_process_docx
from processes.models import ProcessDocument
from qms.audit_log import entries_for
from qms.docx import has_draft_mark

from .helpers import approve_directly, effective_with_draft, start_document, url

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent / "samples"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_upload(name: str = "hand_written_khai_sinh.docx", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (SAMPLES / name).read_bytes(), content_type=DOCX_MIME)


def body_text(data: bytes) -> str:
    document = docx.Document(BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    header = [
        p.text
        for section in document.sections
        for t in section.header.tables
        for r in t.rows
        for c in r.cells
        for p in c.paragraphs
    ]
    return "\n".join([p.text for p in document.paragraphs] + cells + header)


# -- upload ---------------------------------------------------------------------------------------


def test_uploading_a_hand_written_quy_trinh_creates_a_filled_draft(client, world, khai_sinh):
    client.force_login(world.iso_a)
    response = client.post(url("import_docx"), {"commune": world.commune_a.pk, "file": docx_upload()})
    document = ProcessDocument.objects.get(commune=world.commune_a)
    # the sample's "(Ban hành kèm theo Quyết định …)" line has no place: the import page lists it
    assert response.status_code == 302 and response["Location"] == url("import_docx") + f"?imported={document.pk}"
    assert document.procedure == khai_sinh  # found from "mã TTHC: 1.001193" in the file
    assert not document.live and document.code == "QT-HT-01"
    draft = document.get_latest_revision_as_object()
    assert [block.value["code"] for block in draft.steps] == ["B1", "B2", "B3", "B4"]
    assert draft.legal_basis.startswith("- Luật Hộ tịch số 60/2014/QH13")
    assert any(block.value["retention"] == "Vĩnh viễn" for block in draft.records)
    assert "processes.document.import" in [entry.action for entry in entries_for(document)]
    body = client.get(response["Location"]).content.decode()
    assert "thành bản nháp" in body and "QT-HT-01" in body


def test_uploading_into_an_existing_document_adds_a_draft_revision(client, world, khai_sinh):
    document = approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)
    client.force_login(world.iso_a)
    client.post(url("import_docx"), {"commune": world.commune_a.pk, "file": docx_upload()})
    assert ProcessDocument.objects.filter(commune=world.commune_a).count() == 1
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.live and document.code != "QT-HT-01"  # the effective version is untouched
    assert document.get_latest_revision_as_object().code == "QT-HT-01"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("corrupt.docx", "Tệp không đúng định dạng cho phép (Word .docx)."),
        ("not_a_process.docx", "QUY TRÌNH"),
    ],
)
def test_a_bad_file_gives_a_vietnamese_message_and_creates_nothing(client, world, khai_sinh, name, message):
    client.force_login(world.iso_a)
    response = client.post(url("import_docx"), {"commune": world.commune_a.pk, "file": docx_upload(name)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProcessDocument.objects.exists()


def test_a_file_that_is_not_docx_is_refused_by_the_form(client, world, khai_sinh):
    client.force_login(world.iso_a)
    upload = SimpleUploadedFile("quy-trinh.doc", b"\xd0\xcf\x11\xe0 old word", content_type="application/msword")
    response = client.post(url("import_docx"), {"commune": world.commune_a.pk, "file": upload})
    assert "Tệp không đúng định dạng cho phép (Word .docx)." in response.content.decode()
    assert not ProcessDocument.objects.exists()


def test_a_quy_trinh_for_an_unknown_procedure_asks_to_choose_it(client, world):
    client.force_login(world.iso_a)
    response = client.post(url("import_docx"), {"commune": world.commune_a.pk, "file": docx_upload()})
    assert response.status_code == 200
    assert "chọn thủ tục trong danh mục" in response.content.decode()
    assert not ProcessDocument.objects.exists()


# -- download -------------------------------------------------------------------------------------


def test_every_version_downloads_as_word_and_reads_back(client, world, khai_sinh):
    document = effective_with_draft(world, khai_sinh, draft_purpose="Mục đích lần hai")
    document = approve_directly(document, world.iso_a, world.leader_a)
    client.force_login(world.auditor_a)
    first = client.get(url("version_docx", document.pk, 1))
    second = client.get(url("version_docx", document.pk, 2))
    assert first["Content-Type"] == DOCX_MIME and "attachment" in first["Content-Disposition"]
    code = document.code.lower().replace("/", "-").replace(".", "-")
    for response, issue in ((first, 1), (second, 2)):
        version = document.versions.get(issue_number=issue)
        ascii_name = f'filename="{code}-lan-{issue}-{version.issued_on.isoformat()}.docx"'
        assert ascii_name in response["Content-Disposition"]
        assert (
            "filename*=utf-8''" in response["Content-Disposition"] and "l%E1%BA%A7n" in response["Content-Disposition"]
        )
    one, two = parse_process_docx(first.content), parse_process_docx(second.content)
    assert (one.issue_number, two.issue_number) == (1, 2)
    assert one.purpose != "Mục đích lần hai" and two.purpose == "Mục đích lần hai"
    assert two.procedure_code == khai_sinh.code and two.code == document.code
    assert two.approved.name == world.leader_a.username
    assert [row.issue_number for row in two.changes] == [1, 2]
    assert two == document.versions.get(issue_number=2).content
    text = body_text(second.content)
    assert "QUY TRÌNH" in text and world.commune_a.agency_name.upper() in text.upper()


def test_versions_page_links_each_version_to_its_word_file(client, world, khai_sinh):
    document = approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)
    client.force_login(world.district)
    body = client.get(url("versions", document.pk)).content.decode()
    assert url("version_docx", document.pk, 1) in body and "Tải Word" in body


def test_draft_downloads_for_the_officer(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    client.force_login(world.iso_a)
    response = client.get(url("draft_docx", document.pk))
    assert parse_process_docx(response.content).title == document.title
    word = docx.Document(BytesIO(response.content))
    assert has_draft_mark(word)
    mark = next(p for p in word.sections[0].header.paragraphs if "DỰ THẢO" in p.text)
    assert mark.runs[0].bold and mark.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert mark.runs[0]._r.rPr.find(qn("w:bdr")) is not None  # boxed
    assert "-du-thao-" in response["Content-Disposition"]
    props = word.core_properties
    assert props.author == world.commune_a.agency_name and props.language == "vi-VN"
    assert props.created.year >= 2026 and props.title == f"Quy trình {document.title}"


def test_an_approved_version_has_no_draft_mark_and_the_record_s_properties(client, world, khai_sinh):
    document = approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)
    client.force_login(world.iso_a)
    version = document.current_version
    for response in (client.get(url("version_docx", document.pk, 1)), client.get(url("draft_docx", document.pk))):
        word = docx.Document(BytesIO(response.content))
        assert not has_draft_mark(word)
        assert "DỰ THẢO" not in "\n".join(p.text for p in word.sections[0].header.paragraphs)
    props = docx.Document(BytesIO(client.get(url("version_docx", document.pk, 1)).content)).core_properties
    assert props.author == world.commune_a.agency_name != "python-docx"
    assert props.created.date() == version.issued_on and props.subject.startswith(document.code)
    assert props.last_modified_by and props.comments == ""


# -- management commands ----------------------------------------------------------------------------


def test_export_and_import_commands(tmp_path, world, khai_sinh):
    document = approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)
    output = tmp_path / "khai-sinh.docx"
    call_command("export_process_docx", commune=world.commune_a.slug, procedure=khai_sinh.code, output=str(output))
    assert parse_process_docx(output.read_bytes()) == document.current_version.content
    call_command("import_process_docx", str(SAMPLES / "hand_written_khai_sinh.docx"), commune=world.commune_b.slug)
    imported = ProcessDocument.objects.get(commune=world.commune_b)
    assert imported.procedure == khai_sinh and not imported.live


def test_import_command_refuses_a_corrupt_file(world, khai_sinh):
    with pytest.raises(CommandError, match="Tệp không phải tài liệu Word"):
        call_command("import_process_docx", str(SAMPLES / "corrupt.docx"), commune=world.commune_a.slug)
    assert not ProcessDocument.objects.exists()


def test_export_command_without_an_effective_version(tmp_path, world, khai_sinh):
    start_document(world, khai_sinh)
    with pytest.raises(CommandError):
        call_command(
            "export_process_docx",
            commune=world.commune_a.slug,
            procedure=khai_sinh.code,
            output=str(tmp_path / "x.docx"),
        )


def test_an_officer_of_one_commune_finds_it_chosen_on_upload_and_start(client, world, khai_sinh):
    import lxml.html

    client.force_login(world.iso_a)
    for page in (url("import_docx"), url("start") + f"?procedure={khai_sinh.pk}"):
        document = lxml.html.fromstring(client.get(page).content.decode())
        chosen = document.xpath("//select[@name='commune']/option[@selected]")
        assert [option.text_content().strip() for option in chosen] == [world.commune_a.name], page
