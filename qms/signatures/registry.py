"""The record types whose approved PDF can be signed; each app registers its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordType:
    #: Stable key stored on every SignedRecord (never rename).
    key: str
    #: "app_label.ModelName" of the record.
    model: str
    label: Any
    #: The PDF of the approved record (bytes); may raise ``qms.files.pdf.PdfConversionError``.
    build_pdf: Callable[[Any], bytes]
    #: The id of the record's commune.
    commune_id: Callable[[Any], int]
    #: Whether the record is approved (only approved records are signed).
    is_approved: Callable[[Any], bool]
    #: A short title of the record ("Quyết định số 12/QĐ-UBND").
    title: Callable[[Any], str]
    #: What the approval fixes, as JSON-serialisable data; its SHA-256 is recorded at approval
    #: (``qms.signatures.services.record_approval``) and checked whenever the record is signed.
    content: Callable[[Any], Any]
    #: The admin page of the record, to go back to.
    admin_url: Callable[[Any], str] | None = None
    #: The signed PDF is shown on the public site (the announcement decision).
    public: bool = False
    #: Name of the file (without extension).
    file_stem: Callable[[Any], str] | None = None
    #: Archive metadata: the document's number ("12/QĐ-UBND") and date.
    document_number: Callable[[Any], str] | None = None
    document_date: Callable[[Any], Any] | None = None

    def model_class(self):
        from django.apps import apps

        return apps.get_model(self.model)

    def get(self, object_id):
        return self.model_class()._default_manager.get(pk=object_id)


_TYPES: dict[str, RecordType] = {}


def register_record_type(record_type: RecordType) -> None:
    _TYPES[record_type.key] = record_type


def record_type(key: str) -> RecordType:
    return _TYPES[key]


def record_types() -> dict[str, RecordType]:
    return dict(_TYPES)


def type_of(record) -> RecordType:
    label = record._meta.label
    for entry in _TYPES.values():
        if entry.model == label:
            return entry
    raise LookupError(label)
