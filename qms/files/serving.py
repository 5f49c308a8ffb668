"""Serving a stored file: through django-sendfile2, with headers a browser cannot misread.

``SENDFILE_BACKEND`` decides who sends the bytes: Django itself (the simple
backend, the default) or nginx (``X-Accel-Redirect`` to ``SENDFILE_URL``, an
``internal`` location aliased to ``MEDIA_ROOT``). Nothing under ``MEDIA_ROOT``
has a public URL.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views import View
from django_sendfile import sendfile

from qms import permissions
from qms.files.pdf import PdfConversionError, docx_to_pdf

from .names import DownloadName, ascii_slug
from .policy import DOCX, PDF, Kind, detect_kind

OCTET_STREAM = "application/octet-stream"


def attachment_header(filename: str | DownloadName) -> str:
    """RFC 6266: ``attachment; filename="ascii"``, plus ``filename*=utf-8''…``
    (RFC 5987) when the name has a Vietnamese spelling."""
    if isinstance(filename, str):
        stem, dot, ext = filename.rpartition(".")
        if filename.isascii():
            return content_disposition_header(True, filename)
        filename = DownloadName(ascii=f"{ascii_slug(stem) or slugify(ext)}{dot}{ext}", display=filename)
    header = content_disposition_header(True, filename.ascii)
    if filename.display != filename.ascii:
        header += f"; filename*=utf-8''{quote(filename.display)}"
    return header


def file_response(content: bytes, *, filename: str | DownloadName, kind: Kind) -> HttpResponse:
    """A generated file (``DOCX``, ``XLSX``, ``PDF`` of ``qms.files.policy``) downloaded as ``filename``
    (a :class:`~qms.files.names.DownloadName` or a plain name)."""
    response = HttpResponse(content, content_type=kind.mime)
    response["Content-Disposition"] = attachment_header(filename)
    response.download_kind = kind
    response.download_name = filename
    return response


#: The query parameter that asks a Word download view for the PDF instead.
FORMAT_PARAM = "format"


def pdf_url(url: str) -> str:
    """The PDF download beside the Word download at ``url``."""
    return f"{url}{'&' if '?' in url else '?'}{FORMAT_PARAM}=pdf"


def pdf_name(name: str | DownloadName) -> str | DownloadName:
    """The Word file's name with the PDF extension."""
    if isinstance(name, DownloadName):
        return DownloadName(ascii=pdf_name(name.ascii), display=pdf_name(name.display))
    return f"{name.removesuffix(f'.{DOCX.extension}')}.{PDF.extension}"


def offers_pdf(view):
    """A Word download view that answers with the PDF of its Word file when asked with ``?format=pdf``.

    The view itself runs first, so the PDF is refused exactly as the Word file is.
    If the conversion fails (or LibreOffice is missing) the user is sent back with
    the reason, and the Word download keeps working.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        wanted = request.GET.get(FORMAT_PARAM) == PDF.key
        if not wanted or getattr(response, "download_kind", None) is not DOCX or response.status_code != 200:
            return response
        try:
            content = docx_to_pdf(response.content)
        except PdfConversionError as error:
            messages.error(request, str(error))
            back = request.headers.get("referer", "")
            safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure())
            return HttpResponseRedirect(back if back and safe else reverse("wagtailadmin_home"))
        return file_response(content, filename=pdf_name(response.download_name), kind=PDF)

    return wrapped


def serve_file(request, field_file, *, download_name: str = "", public: bool = False) -> HttpResponse:
    """The stored ``field_file``: PDF and images shown inline, anything else downloaded.

    The content type comes from the file's content (never its name), so a file
    stored before the upload policy existed is still never rendered as a page.
    """
    if not field_file or not field_file.storage.exists(field_file.name):
        raise Http404
    with field_file.storage.open(field_file.name, "rb") as stored:
        kind = detect_kind(stored)
    inline = bool(kind and kind.inline)
    name = download_name or getattr(field_file, "original_name", "") or field_file.name.rsplit("/", 1)[-1]
    response = sendfile(
        request,
        field_file.name,
        attachment=not inline,
        attachment_filename=name,
        mimetype=kind.mime if kind else OCTET_STREAM,
    )
    if "Content-Encoding" in response:
        del response["Content-Encoding"]
    response["X-Content-Type-Options"] = "nosniff"
    if public:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


class RecordFileView(View):
    """GET the file of one record to a user who may view the record's commune.

    Anonymous users are sent to the login page; anyone else who may not see
    the commune gets 404, as if the record did not exist.
    """

    model = None
    #: The record's file field.
    field = "file"
    #: Attribute path from the record to its commune's id.
    commune_path = "commune_id"
    select_related: tuple[str, ...] = ()

    def get_record(self, pk):
        queryset = self.model._default_manager.all()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return get_object_or_404(queryset, pk=pk)

    def commune_id_of(self, record) -> int | None:
        value = record
        for part in self.commune_path.split("."):
            value = getattr(value, part)
        return value

    def allowed(self, user, record) -> bool:
        return permissions.has_commune_perm(user, self.commune_id_of(record), permissions.VIEW)

    def get(self, request, pk: int):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        record = self.get_record(pk)
        if not self.allowed(request.user, record):
            raise Http404
        return serve_file(request, getattr(record, self.field))
