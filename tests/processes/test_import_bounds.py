"""Imports are bounded: Word and Excel files that unpack to too much, run too long
or hold far more than a quy trình or a catalogue are refused quickly, with a
Vietnamese message and nothing saved; formula-looking values are kept as text."""

import io
import time
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from processes.catalogue import CatalogueFileError
from processes.docx import importer
from processes.docx.importer import ProcessDocxError, parse_process_docx
from processes.models import CatalogueImport, Procedure, ProcessDocument
from processes.services import import_catalogue

from .helpers import url

SAMPLES = Path(__file__).resolve().parent / "samples"
SAMPLE = SAMPLES / "hand_written_khai_sinh.docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEGABYTE = 1024 * 1024
PARAGRAPH = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
CSV_HEADER = "ma_thu_tuc,ten_thu_tuc,linh_vuc\n"

TOO_MUCH_DATA = "giải nén ra nhiều dữ liệu hơn hẳn một quy trình"
TOO_MANY_PARAGRAPHS = "Tài liệu có 5.1"  # 5.000 added to the sample's own paragraphs


def streamed_docx(unpacked: int) -> bytes:
    """The sample quy trình whose document.xml is replaced by ``unpacked`` bytes of one-letter paragraphs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(SAMPLE) as sample, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in sample.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, sample.read(info))
        head, _body, _tail = sample.read("word/document.xml").partition(b"<w:body>")
        chunk = PARAGRAPH * 30_000
        with out.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head + b"<w:body>")
            for _ in range(unpacked // len(chunk)):
                part.write(chunk)
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def with_paragraphs(count: int, text: str = "a") -> bytes:
    """The sample quy trình with ``count`` more paragraphs of ``text`` at the end."""
    document = docx.Document(SAMPLE)
    for _ in range(count):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = streamed_docx(200 * MEGABYTE)
    assert len(data) < 2 * MEGABYTE  # small enough for the upload form
    return data


@pytest.fixture(scope="module")
def many_paragraphs() -> bytes:
    return with_paragraphs(5000)


def refused_quickly(data: bytes) -> str:
    started = time.monotonic()
    with pytest.raises(ProcessDocxError) as caught:
        parse_process_docx(data)
    assert time.monotonic() - started < 5
    return str(caught.value)


# -- Word: the parser ------------------------------------------------------------------------------


def test_a_docx_unpacking_to_200_mb_is_refused_before_it_is_parsed(bomb):
    assert TOO_MUCH_DATA in refused_quickly(bomb)


def test_five_thousand_paragraphs_are_refused(many_paragraphs):
    message = refused_quickly(many_paragraphs)
    assert TOO_MANY_PARAGRAPHS in message and "tối đa 3.000" in message


def test_too_many_table_rows_and_a_paragraph_pages_long_are_refused():
    document = docx.Document(SAMPLE)
    document.add_table(rows=2001, cols=1)
    buffer = io.BytesIO()
    document.save(buffer)
    assert "Các bảng trong tài liệu có 2.0" in refused_quickly(buffer.getvalue())
    long_text = " ".join(f"từ{n}" for n in range(5000))
    assert "Một đoạn văn trong tài liệu dài" in refused_quickly(with_paragraphs(1, long_text))


def test_reading_stops_at_the_time_budget(monkeypatch):
    monkeypatch.setattr(importer, "PARSE_SECONDS", 0.0)
    assert "Việc đọc tài liệu mất hơn 0 giây nên đã dừng lại" in refused_quickly(SAMPLE.read_bytes())


def test_a_real_quy_trinh_imports_fast_and_so_does_one_just_under_the_bounds():
    started = time.monotonic()
    content = parse_process_docx(SAMPLE.read_bytes())
    assert time.monotonic() - started < 1
    assert content.code == "QT-HT-01" and len(content.steps) == 4
    long_one = with_paragraphs(2700)  # ~2,900 paragraphs in all: minutes before style look-ups were cached
    started = time.monotonic()
    assert parse_process_docx(long_one).code == "QT-HT-01"
    assert time.monotonic() - started < 5


# -- Word: the admin upload and the command ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("fixture", "message"), [("bomb", TOO_MUCH_DATA), ("many_paragraphs", TOO_MANY_PARAGRAPHS)])
def test_the_admin_upload_refuses_with_a_vietnamese_message_and_saves_nothing(
    client, world, khai_sinh, request, fixture, message
):
    upload = SimpleUploadedFile("quy-trinh.docx", request.getfixturevalue(fixture), content_type=DOCX_MIME)
    client.force_login(world.iso_a)
    started = time.monotonic()
    response = client.post(url("import_docx"), {"commune": world.commune_a.pk, "file": upload})
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProcessDocument.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("fixture", "message"), [("bomb", TOO_MUCH_DATA), ("many_paragraphs", TOO_MANY_PARAGRAPHS)])
def test_the_command_refuses_with_a_vietnamese_message_and_saves_nothing(
    world, khai_sinh, request, tmp_path, fixture, message
):
    path = tmp_path / "quy-trinh.docx"
    path.write_bytes(request.getfixturevalue(fixture))
    started = time.monotonic()
    with pytest.raises(CommandError) as caught:
        call_command("import_process_docx", str(path), "--commune", world.commune_a.slug, stdout=io.StringIO())
    assert time.monotonic() - started < 5
    assert message in str(caught.value)
    assert not ProcessDocument.objects.exists()


# -- the TTHC catalogue (CSV / Excel) --------------------------------------------------------------

FORMULAS = {
    "1.001193": "=cmd|' /C calc'!A0",
    "2.000815": '=HYPERLINK("http://evil.example/","Bấm vào đây")',
    "1.000894": "@SUM(1+1)",
}


def workbook_bytes_with_formulas() -> bytes:
    """A portal-like sheet whose names are formula cells (as openpyxl writes them: no cached value)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã số", "Tên", "Lĩnh vực"])
    for code, name in FORMULAS.items():
        sheet.append([code, name, "Hộ tịch"])
    assert sheet["B2"].data_type == "f"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_csv_values_that_look_like_formulas_are_stored_as_written():
    rows = "".join(f'{code},"{name.replace(chr(34), chr(34) * 2)}",Hộ tịch\n' for code, name in FORMULAS.items())
    import_catalogue(name="danh-sach.csv", data=(CSV_HEADER + rows).encode())
    assert dict(Procedure.objects.values_list("code", "name")) == FORMULAS


@pytest.mark.django_db
def test_excel_formula_cells_are_stored_as_their_text_never_evaluated():
    import_catalogue(name="DanhSachTTHC.xlsx", data=workbook_bytes_with_formulas())
    assert dict(Procedure.objects.values_list("code", "name")) == FORMULAS


@pytest.mark.django_db
def test_an_excel_file_unpacking_to_too_much_is_refused_before_it_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_bytes_with_formulas())) as book:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in book.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    out.writestr(info, book.read(info))
            with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
                part.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                row = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>' * 20_000
                for _ in range(60 * MEGABYTE // len(row)):
                    part.write(row)
                part.write(b"</sheetData></worksheet>")
    started = time.monotonic()
    with pytest.raises(CatalogueFileError) as caught:
        import_catalogue(name="DanhSachTTHC.xlsx", data=buffer.getvalue())
    assert time.monotonic() - started < 5
    assert "giải nén ra nhiều dữ liệu hơn hẳn một danh mục" in str(caught.value)
    assert not Procedure.objects.exists() and not CatalogueImport.objects.exists()


@pytest.mark.django_db
def test_a_catalogue_with_too_many_rows_or_too_many_bytes_is_refused():
    rows = "".join(f"1.{n:06d},Thủ tục {n},Hộ tịch\n" for n in range(20_001))
    with pytest.raises(CatalogueFileError) as caught:
        import_catalogue(name="danh-sach.csv", data=(CSV_HEADER + rows).encode())
    assert "Tệp có hơn 20.000 dòng" in str(caught.value)
    with pytest.raises(CatalogueFileError) as caught:
        import_catalogue(name="danh-sach.csv", data=(CSV_HEADER + "x" * 21 * MEGABYTE).encode())
    assert "Tệp quá lớn" in str(caught.value)
    assert not Procedure.objects.exists()
