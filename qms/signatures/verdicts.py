"""What a signed PDF's check can find, without loading the signing library (models, lists and forms read these)."""

import hashlib

PDF_MAGIC = b"%PDF-"

# Reasons a signed PDF is not valid (stored on the SignedRecord, shown in Vietnamese).
NOT_PDF = "not_pdf"
UNREADABLE = "unreadable"
NO_SIGNATURE = "no_signature"
NOT_INTACT = "not_intact"
BAD_SIGNATURE = "bad_signature"
PARTIAL_COVERAGE = "partial_coverage"
UNTRUSTED = "untrusted"
OUTSIDE_VALIDITY = "outside_validity"
NOT_APPROVED_VERSION = "not_approved_version"
FROZEN_CHANGED = "frozen_changed"
BAD_TIMESTAMP = "bad_timestamp"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
