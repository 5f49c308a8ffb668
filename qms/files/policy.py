"""The one upload policy: which kinds of file are accepted, recognised by content.

A file is recognised from its bytes with ``filetype``, never from its name:
PDF, JPEG and PNG by their signature; Word and Excel files are ZIP packages
whose ``[Content_Types].xml`` must declare the main part of a .docx or .xlsx
document, and which must hold no macros. Its name must then agree with what
it is (so a download is never named .exe or .html). Anything else is refused,
as is a file larger than ``settings.QMS_UPLOAD_MAX_BYTES``.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from posixpath import basename, splitext
from xml.etree import ElementTree

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Bytes read to recognise a signature (what ``filetype`` looks at).
HEAD_BYTES = 8192
#: A ``[Content_Types].xml`` larger than this is not a document we accept.
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@dataclass(frozen=True)
class Kind:
    key: str
    mime: str
    #: Extensions a file of this kind may be named with; the first is the one it is stored with.
    extensions: tuple[str, ...]
    #: Shown in the browser (PDF, images); everything else is downloaded.
    inline: bool

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = Kind("pdf", "application/pdf", ("pdf",), True)
JPEG = Kind("jpeg", "image/jpeg", ("jpg", "jpeg"), True)
PNG = Kind("png", "image/png", ("png",), True)
DOCX = Kind("docx", DOCX_MIME, ("docx",), False)
XLSX = Kind("xlsx", XLSX_MIME, ("xlsx",), False)
#: Packages the system writes (archive packages, bulk exports); never accepted as an upload.
ZIP = Kind("zip", "application/zip", ("zip",), False)
KINDS = {kind.key: kind for kind in (PDF, JPEG, PNG, DOCX, XLSX)}
SIGNED_KINDS = {PDF.mime: PDF, JPEG.mime: JPEG, PNG.mime: PNG}
#: Main parts of the Office packages we accept: (part name, declared content type, kind).
OFFICE_MAIN_PARTS = (
    ("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", DOCX),
    ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", XLSX),
)

#: Every attachment of a record: decisions, minutes, reports, certificates, photos.
DOCUMENT_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx")
#: The Word import of a quy trình.
WORD_KINDS = ("docx",)

#: How the allowed kinds are named in the refusal message, in this order.
KIND_LABELS = (
    (("pdf",), _("PDF")),
    (("jpeg", "png"), _("JPG/PNG image")),
    (("docx",), _("Word .docx")),
    (("xlsx",), _("Excel .xlsx")),
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "QMS_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _rewind(file) -> None:
    if hasattr(file, "seek"):
        file.seek(0)


def _office_kind(file) -> Kind | None:
    try:
        with zipfile.ZipFile(file) as package:
            names = {info.filename.lower(): info for info in package.infolist()}
            if any(name.endswith("vbaproject.bin") for name in names):
                return None
            info = names.get("[content_types].xml")
            if info is None or info.file_size > CONTENT_TYPES_MAX_BYTES:
                return None
            root = ElementTree.fromstring(package.read(info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ElementTree.ParseError, OSError, ValueError, EOFError):
        return None
    declared = {
        (element.get("PartName") or "").lower(): element.get("ContentType")
        for element in root.iter(f"{CONTENT_TYPES_NS}Override")
    }
    for part, content_type, kind in OFFICE_MAIN_PARTS:
        if declared.get(part) == content_type and part.lstrip("/") in names:
            return kind
    return None


def detect_kind(file) -> Kind | None:
    """The accepted kind ``file`` is, from its content; ``None`` for anything else.

    ``file`` is any seekable file object (an upload, a stored file); it is
    left at its start.
    """
    _rewind(file)
    try:
        head = file.read(HEAD_BYTES) or b""
        _rewind(file)
        guessed = filetype.guess(bytes(head))
        if guessed is not None and guessed.mime in SIGNED_KINDS:
            return SIGNED_KINDS[guessed.mime]
        if head.startswith(b"PK\x03\x04"):
            return _office_kind(file)
        return None
    finally:
        _rewind(file)


def kinds_label(kinds) -> str:
    return ", ".join(str(label) for keys, label in KIND_LABELS if any(key in kinds for key in keys))


def size_label(size: int) -> str:
    megabytes = size / (1024 * 1024)
    if megabytes.is_integer():
        return str(int(megabytes))
    return formats.number_format(round(megabytes, 1), 1)


@deconstructible
class UploadValidator:
    """Refuse an upload that is empty, too large, or not one of ``kinds`` by its
    content and by its name (a PDF must be named .pdf, and so on).

    A file already stored (a record edited without a new upload) was checked
    when it came in and is not read again.
    """

    def __init__(self, kinds=DOCUMENT_KINDS):
        self.kinds = tuple(kinds)

    def __call__(self, file):
        if file is None or getattr(file, "_committed", False):
            return
        size = file.size
        if not size:
            raise ValidationError(_("The attached file is empty."), code="empty")
        limit = max_upload_bytes()
        if size > limit:
            raise ValidationError(
                _("The file is larger than the allowed size (%(size)s MB)."),
                code="file_too_large",
                params={"size": size_label(limit)},
            )
        kind = detect_kind(file)
        extension = splitext(basename(file.name or ""))[1].lower().lstrip(".")
        if kind is None or kind.key not in self.kinds or extension not in kind.extensions:
            raise ValidationError(
                _("The file is not of an allowed type (%(kinds)s)."),
                code="file_type",
                params={"kinds": kinds_label(self.kinds)},
            )

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and other.kinds == self.kinds


validate_upload = UploadValidator()
validate_word_upload = UploadValidator(WORD_KINDS)


class UploadField(forms.FileField):
    """A form file field under the upload policy (``kinds`` defaults to every record attachment)."""

    def __init__(self, *, kinds=DOCUMENT_KINDS, **kwargs):
        self.kinds = tuple(kinds)
        super().__init__(**kwargs)
        self.validators.append(UploadValidator(self.kinds))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        accept = [f".{extension}" for key in self.kinds for extension in KINDS[key].extensions]
        return {**attrs, "accept": ",".join(accept)}


def display_name(name: str, max_length: int = 200) -> str:
    """The user's own file name, safe to keep and to put in Content-Disposition."""
    name = basename((name or "").replace("\\", "/"))
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > max_length:
        stem, extension = splitext(name)
        extension = extension[:10]
        name = stem[: max_length - len(extension)] + extension
    return name
