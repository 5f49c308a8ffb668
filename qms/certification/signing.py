"""The announcement decision as a record that can be signed (qms.signatures)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms import docx as qd
from qms.files.pdf import docx_to_pdf
from qms.signatures.registry import RecordType, register_record_type

RECORD_TYPE = "announcement"


def decision_docx(announcement):
    """The Word document of the recorded announcement decision."""
    from .docx import build_announcement_decision
    from .models import Announcement

    earlier = (
        Announcement.objects.filter(commune_id=announcement.commune_id, signed_on__lte=announcement.signed_on)
        .exclude(pk=announcement.pk)
        .order_by("-signed_on", "-id")
        .first()
    )
    return build_announcement_decision(
        commune=announcement.commune,
        scope=announcement.scope,
        number=announcement.number,
        signed_on=announcement.signed_on,
        signer_name=announcement.signer_name,
        replaces=earlier if announcement.is_reannouncement else None,
    )


def decision_content(announcement) -> dict:
    """What recording the signed decision fixed: number, date, signer and the announced scope."""
    return {
        "commune": announcement.commune_id,
        "number": announcement.number,
        "symbol": announcement.symbol,
        "signed_on": announcement.signed_on,
        "signer_name": announcement.signer_name,
        "scope": announcement.scope,
        "is_reannouncement": announcement.is_reannouncement,
    }


def decision_pdf(announcement) -> bytes:
    return docx_to_pdf(qd.to_bytes(decision_docx(announcement)))


def register() -> None:
    register_record_type(
        RecordType(
            key=RECORD_TYPE,
            model="certification.Announcement",
            label=_("announcement decision"),
            build_pdf=decision_pdf,
            commune_id=lambda announcement: announcement.commune_id,
            is_approved=lambda announcement: bool(announcement.number and announcement.signed_on),
            title=lambda announcement: f"{_('Decision')} {announcement.display_number}",
            content=decision_content,
            admin_url=lambda announcement: (
                reverse("certification:commune", args=[announcement.commune_id]) + "#qms-announcement"
            ),
            public=True,
            file_stem=lambda announcement: f"quyet dinh cong bo {announcement.number} {announcement.commune_id}",
            document_number=lambda announcement: announcement.display_number,
            document_date=lambda announcement: announcement.signed_on,
        )
    )
