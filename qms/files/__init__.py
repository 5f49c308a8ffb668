"""Uploaded files: one upload policy and one permission-checked way to serve them.

* :mod:`.policy` — the kinds accepted (recognised by content), the size limit,
  the validator and form field every upload goes through;
* :mod:`.fields` — :class:`PrivateFileField`, the model field of every record
  file (random stored name, the user's file name kept, ``url`` = download view);
* :mod:`.serving` — :func:`serve_file` and :class:`RecordFileView`, the only
  way a stored file leaves the server;
* :mod:`.documents` — Wagtail's document library held to the same rules.
"""

from .fields import PrivateFieldFile, PrivateFileField
from .policy import (
    DOCUMENT_KINDS,
    WORD_KINDS,
    UploadField,
    UploadValidator,
    detect_kind,
    display_name,
    validate_upload,
    validate_word_upload,
)

__all__ = [
    "DOCUMENT_KINDS",
    "WORD_KINDS",
    "PrivateFieldFile",
    "PrivateFileField",
    "UploadField",
    "UploadValidator",
    "detect_kind",
    "display_name",
    "validate_upload",
    "validate_word_upload",
]
