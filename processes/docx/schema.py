"""The content of one quy trình, independent of storage and of Word.

``processes.content`` converts a ``ProcessDocument`` (or one of its
revisions) to and from :class:`ProcessContent`; ``processes.docx.export``
turns a ``ProcessContent`` into a Word file and ``processes.docx.importer``
parses a Word file back into one. Round trip: export → import gives an equal
``ProcessContent``.

Prose sections are plain text; one item per line, lines keep their own
bullets ("- …"). Lists that have columns in the Word layout are lists of
dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Person:
    """One column of the approval block (Soạn thảo / Soát xét / Phê duyệt)."""

    name: str = ""
    position: str = ""
    signed_on: date | None = None


@dataclass
class DossierItem:
    """One row of "Thành phần hồ sơ": the paper, and how many originals/copies."""

    name: str
    originals: int | None = None
    copies: int | None = None
    note: str = ""


@dataclass
class FeeItem:
    """One row of "Lệ phí": what the fee is for | amount | legal basis or notes."""

    item: str
    amount: str = ""
    notes: str = ""


@dataclass
class Step:
    """One row of the step table: Bước | Nội dung | Trách nhiệm | Thời gian | Hồ sơ/Biểu mẫu | Diễn giải."""

    code: str  # "B1", "B2", …
    content: str
    responsible: str = ""
    duration: str = ""
    forms: str = ""
    notes: str = ""


@dataclass
class FormItem:
    """One row of section 6 Biểu mẫu."""

    code: str  # "BM 01" or "Mẫu 01"
    name: str


@dataclass
class RecordItem:
    """One row of section 7 Hồ sơ cần lưu."""

    name: str
    keeper: str = ""
    retention: str = ""  # e.g. "05 năm", "Vĩnh viễn"


@dataclass
class ChangeRow:
    """One row of the change table (Theo dõi sửa đổi)."""

    request: str = ""
    page: str = ""
    content: str = ""
    changed_on: date | None = None
    issue_number: int | None = None


@dataclass
class ProcessContent:
    agency: str  # "ỦY BAN NHÂN DÂN XÃ YÊN TRUNG"
    title: str  # the TTHC name as it appears after "QUY TRÌNH"
    code: str  # mã hiệu, e.g. "QT-01/HT"
    issue_number: int = 1  # lần ban hành
    issued_on: date | None = None  # ngày ban hành
    effective_date: date | None = None  # ngày hiệu lực
    procedure_code: str = ""  # national TTHC code, e.g. "1.001193" (may be empty in hand-made files)
    purpose: str = ""  # 1. Mục đích
    scope: str = ""  # 2. Phạm vi
    references: str = ""  # 3. Tài liệu viện dẫn
    definitions: str = ""  # 4. Định nghĩa/Viết tắt
    legal_basis: str = ""  # 5.1 Cơ sở pháp lý
    dossier: list[DossierItem] = field(default_factory=list)  # 5.2 Thành phần hồ sơ
    dossier_sets: str = ""  # 5.3 Số lượng hồ sơ
    processing_time: str = ""  # 5.4 Thời gian xử lý
    reception_place: str = ""  # 5.5 Nơi tiếp nhận và trả kết quả
    fees: list[FeeItem] = field(default_factory=list)  # 5.6 Lệ phí
    steps: list[Step] = field(default_factory=list)  # 5.7 Quy trình xử lý công việc
    forms: list[FormItem] = field(default_factory=list)  # 6. Biểu mẫu
    records: list[RecordItem] = field(default_factory=list)  # 7. Hồ sơ cần lưu
    drafted: Person = field(default_factory=Person)
    reviewed: Person = field(default_factory=Person)
    approved: Person = field(default_factory=Person)
    changes: list[ChangeRow] = field(default_factory=list)
