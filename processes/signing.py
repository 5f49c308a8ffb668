"""The effective quy trình version as a record that can be signed (qms.signatures)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.files.pdf import docx_to_pdf
from qms.signatures.registry import RecordType, register_record_type

RECORD_TYPE = "process_version"


def version_pdf(version) -> bytes:
    from .content import dated_content
    from .docx.export import export_process_docx_bytes

    return docx_to_pdf(export_process_docx_bytes(dated_content(version.document, version.content)))


def version_title(version) -> str:
    return f"{version.document.code} · {_('Issue')} {version.issue_number:02d}"


def version_content(version) -> dict:
    """What approving this lần ban hành fixed: its number, dates and the issued content."""
    return {
        "document": version.document.code,
        "issue": version.issue_number,
        "issued_on": version.issued_on,
        "effective_date": version.effective_date,
        "content": version.snapshot,
    }


def version_admin_url(version) -> str:
    from .wagtail_hooks import ProcessDocumentViewSet

    return reverse(ProcessDocumentViewSet().get_url_name("version"), args=[version.document_id, version.issue_number])


def register() -> None:
    register_record_type(
        RecordType(
            key=RECORD_TYPE,
            model="processes.ProcessVersion",
            label=_("process document version"),
            build_pdf=version_pdf,
            commune_id=lambda version: version.document.commune_id,
            is_approved=lambda version: version.obsoleted_at is None,
            title=version_title,
            content=version_content,
            admin_url=version_admin_url,
            file_stem=lambda version: f"{version.document.code} lan {version.issue_number:02d}",
            document_number=lambda version: f"{version.document.code}/{version.issue_number:02d}",
            document_date=lambda version: version.effective_date,
        )
    )
