"""Real files to upload in tests, made on the fly (PDF, images, Word, Excel) and hostile ones."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>fetch('/admin/').then(r=>r.text()).then(alert)</script></body></html>"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def image_bytes(fmt: str = "PNG") -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def docx_bytes(text: str = "Biên bản họp") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Số liệu"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_upload(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return upload(name, PDF_BYTES, "application/pdf")


def jpeg_upload(name: str = "anh-chup.jpg") -> SimpleUploadedFile:
    return upload(name, image_bytes("JPEG"), "image/jpeg")


def docx_upload(name: str = "bao-cao.docx") -> SimpleUploadedFile:
    return upload(name, docx_bytes(), DOCX_MIME)


def hostile_uploads(max_bytes: int) -> dict[str, SimpleUploadedFile]:
    """Files every upload form must refuse: a page with a script (also renamed .pdf), a program, and one too large."""
    return {
        "html": upload("bang-chung.html", HTML_BYTES, "text/html"),
        "html_as_pdf": upload("bang-chung.pdf", HTML_BYTES, "application/pdf"),
        "exe": upload("cai-dat.exe", EXE_BYTES, "application/x-msdownload"),
        "too_large": upload("lon-qua.pdf", PDF_BYTES + b"%" * max_bytes, "application/pdf"),
    }
