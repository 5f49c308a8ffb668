"""Wagtail documents under the same policy: uploads checked, files only for those who manage documents.

The project keeps its files on its own records; Wagtail's document library is
not used by commune users. Its serve URL (``wagtaildocs_serve``, which
``Document.url`` points to) is answered here instead of by Wagtail's public
view: signed-in users who may choose or edit the document get it, everyone
else 404 (anonymous users the login page).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.documents import get_document_model
from wagtail.documents.forms import BaseDocumentForm
from wagtail.permissions import policy_registry

from .policy import validate_upload
from .serving import serve_file


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            validate_upload(upload)
        return upload


def serve_document(request, document_id: int, document_filename: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    document = get_object_or_404(get_document_model(), pk=document_id)
    policy = policy_registry.get_by_type(get_document_model())
    readable = policy.instances_user_has_any_permission_for(request.user, ["choose", "change"])
    if document.filename != document_filename or not readable.filter(pk=document.pk).exists():
        raise Http404
    return serve_file(request, document.file, download_name=document.filename)
