"""The Word layout of a quy trình, shared by the exporter and the importer.

Section headings, table columns and the labels of the title block are fixed
layout text of the ISO quy trình template (DOMAIN.md §2), kept as Vietnamese
literals like :mod:`qms.docx.labels`. Each one also lists the other names
communes use in hand-made files (already normalised, see :func:`normalize`),
so the importer can recognise them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from qms.docx import labels

# -- text normalisation ----------------------------------------------------------------

_NUMBERING = re.compile(
    r"^\s*(?:(?:[ivxlc]+|[a-z])[.)]\s*|\d+(?:\.\d+)*\s*[.):\-]?\s+|\d+(?:\.\d+)*[.)]|[-–•+*]\s*)+",
    re.IGNORECASE,
)
_D = str.maketrans("đĐðÐ", "dDdD")  # "Ð" (U+00D0) stands in for "Đ" in some converted files
_NUMBER = re.compile(r"\d|\b[ivxlc]+[.)]", re.IGNORECASE)


def fold(text: str) -> str:
    """Case-folded ``text`` without Vietnamese diacritics ("Đăng ký" -> "dang ky")."""
    text = text.translate(_D)
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalize(text: str) -> str:
    """Comparable form of a heading, label or column name: folded, punctuation
    turned into spaces, whitespace collapsed ("Hồ sơ/Biểu mẫu" -> "ho so bieu mau")."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def strip_numbering(text: str) -> tuple[str, bool]:
    """``"5.7. Quy trình xử lý"`` -> ``("Quy trình xử lý", True)``; handles
    "1.", "1)", "I.", "a)", "5.7" and bullets. The flag says whether a number was found."""
    match = _NUMBERING.match(text)
    if not match or not match.group().strip():
        return text.strip(), False
    return text[match.end() :].strip(), bool(_NUMBER.search(match.group()))


def collapse(text: str) -> str:
    """One line, single spaces."""
    return " ".join(text.split())


# -- sections ------------------------------------------------------------------------------

PROSE = "prose"
TABLE = "table"
GROUP = "group"


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    field: str | None  # ProcessContent attribute; None for "5. Nội dung quy trình"
    kind: str
    aliases: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def level(self) -> int:
        return self.number.count(".") + 1

    @property
    def names(self) -> tuple[str, ...]:
        return (normalize(self.title), *self.aliases)


SECTIONS = (
    Section("1", "Mục đích", "purpose", PROSE),
    Section("2", "Phạm vi", "scope", PROSE, ("pham vi ap dung", "doi tuong va pham vi ap dung")),
    Section("3", "Tài liệu viện dẫn", "references", PROSE, ("tai lieu tham chieu", "tai lieu lien quan")),
    Section(
        "4",
        "Định nghĩa/Viết tắt",
        "definitions",
        PROSE,
        (
            "dinh nghia va viet tat",
            "dinh nghia va tu viet tat",
            "dinh nghia va chu viet tat",
            "dinh nghia tu viet tat",
            "thuat ngu va dinh nghia",
            "thuat ngu va chu viet tat",
            "giai thich tu ngu",
            "tu viet tat",
            "chu viet tat",
            "dinh nghia",
        ),
    ),
    Section("5", "Nội dung quy trình", None, GROUP, ("noi dung",)),
    Section("5.1", "Cơ sở pháp lý", "legal_basis", PROSE, ("can cu phap ly", "can cu")),
    Section(
        "5.2",
        "Thành phần hồ sơ",
        "dossier",
        TABLE,
        ("thanh phan so luong ho so", "thanh phan ho so gom", "ho so gom", "thanh phan"),
    ),
    Section("5.3", "Số lượng hồ sơ", "dossier_sets", PROSE, ("so bo ho so",)),
    Section(
        "5.4",
        "Thời gian xử lý",
        "processing_time",
        PROSE,
        ("thoi han giai quyet", "thoi gian giai quyet", "thoi han xu ly", "thoi gian thuc hien"),
    ),
    Section(
        "5.5",
        "Nơi tiếp nhận và trả kết quả",
        "reception_place",
        PROSE,
        (
            "noi tiep nhan ho so va tra ket qua",
            "dia diem tiep nhan va tra ket qua",
            "dia diem tiep nhan ho so va tra ket qua",
            "noi tiep nhan",
            "dia diem tiep nhan",
        ),
    ),
    Section("5.6", "Lệ phí", "fees", TABLE, ("phi le phi", "phi va le phi", "le phi phi", "phi")),
    Section(
        "5.7",
        "Quy trình xử lý công việc",
        "steps",
        TABLE,
        ("quy trinh xu ly", "trinh tu thuc hien", "trinh tu xu ly cong viec", "trinh tu xu ly", "cac buoc thuc hien"),
    ),
    Section("6", "Biểu mẫu", "forms", TABLE, ("cac bieu mau", "danh muc bieu mau", "bieu mau su dung")),
    Section("7", "Hồ sơ cần lưu", "records", TABLE, ("ho so luu", "luu ho so", "ho so luu tru")),
)

# -- tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str | None  # row dataclass attribute; None for the "STT" running number
    header: str
    width_mm: float
    align: str | None = None
    aliases: tuple[str, ...] = ()
    #: names matched only as the whole column name (short ones like "TT")
    exact: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (normalize(self.header), *self.aliases)


@dataclass(frozen=True)
class TableLayout:
    kind: str  # ProcessContent attribute ("steps") or "approval" / "changes"
    columns: tuple[Column, ...]
    #: each inner tuple: fields that must all be recognised for a table to be this kind
    required: tuple[tuple[str, ...], ...]
    font_size: int | None = None

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def widths_mm(self) -> list[float]:
        return [column.width_mm for column in self.columns]

    @property
    def aligns(self) -> list[str | None]:
        return [column.align for column in self.columns]


STT = Column(None, labels.STT, 12, "center", exact=("stt", "tt", "so tt", "so thu tu"))

DOSSIER_TABLE = TableLayout(
    "dossier",
    (
        STT,
        Column("name", "Tên hồ sơ", 83, aliases=("thanh phan ho so", "ten giay to", "ten tai lieu", "giay to")),
        Column("originals", "Bản chính", 20, "center", ("so ban chinh",)),
        Column("copies", "Bản sao", 20, "center", ("so ban sao",)),
        Column("note", "Ghi chú", 30),
    ),
    (("name", "originals"), ("name", "copies")),
)

FEE_TABLE = TableLayout(
    "fees",
    (
        STT,
        Column(
            "item",
            "Nội dung",
            78,
            aliases=("noi dung thu", "ten phi le phi", "loai phi le phi", "phi le phi", "khoan thu", "ten phi"),
        ),
        Column("amount", "Mức thu", 40, "center", ("muc phi", "muc le phi", "muc thu phi", "so tien")),
        Column("notes", "Căn cứ / ghi chú", 35, aliases=("can cu", "ghi chu", "can cu phap ly", "can cu thu")),
    ),
    (("item", "amount"),),
)

STEP_TABLE = TableLayout(
    "steps",
    (
        Column(
            "code", "Bước", 14, "center", ("buoc thuc hien", "buoc so"), exact=("tt", "stt", "so tt", "b", "thu tu")
        ),
        Column(
            "content",
            "Nội dung công việc",
            50,
            aliases=("noi dung", "trinh tu thuc hien", "trinh tu", "cong viec", "mo ta cong viec"),
        ),
        Column(
            "responsible",
            "Trách nhiệm",
            30,
            aliases=(
                "nguoi thuc hien",
                "bo phan thuc hien",
                "nguoi bo phan thuc hien",
                "can bo thuc hien",
                "don vi thuc hien",
                "bo phan",
                "nguoi chiu trach nhiem",
                "vi tri nguoi thuc hien",
                "vi tri thuc hien",
                "vi tri",
            ),
        ),
        Column("duration", "Thời gian", 20, "center", ("thoi han",)),
        Column(
            "forms", "Hồ sơ/Biểu mẫu", 24, aliases=("bieu mau", "ket qua", "ho so", "tai lieu bieu mau", "mau bieu")
        ),
        Column("notes", "Diễn giải", 27, aliases=("ghi chu", "mo ta")),
    ),
    (("content", "responsible"), ("content", "code", "duration")),
    font_size=12,
)

FORM_TABLE = TableLayout(
    "forms",
    (
        STT,
        Column("code", "Mã hiệu", 35, "center", ("ma so", "ky hieu", "so hieu", "mau so", "ma bieu mau")),
        Column("name", "Tên biểu mẫu", 118, aliases=("ten mau", "bieu mau", "ten")),
    ),
    (("code", "name"),),
)

RECORD_TABLE = TableLayout(
    "records",
    (
        STT,
        Column("name", "Hồ sơ", 78, aliases=("ten ho so", "ho so luu", "ho so can luu", "ten ho so luu")),
        Column(
            "keeper",
            "Trách nhiệm lưu",
            45,
            aliases=("noi luu", "bo phan luu", "nguoi luu", "don vi luu", "trach nhiem", "noi luu giu"),
        ),
        Column("retention", "Thời gian lưu", 30, "center", ("thoi han luu", "thoi gian luu tru", "thoi gian")),
    ),
    (("name", "retention"), ("name", "keeper")),
)

#: Tables read by column names only (their columns are written by qms.docx).
APPROVAL_TABLE = TableLayout(
    "approval",
    (
        Column("drafted", labels.SOAN_THAO, 0, aliases=("nguoi soan thao", "nguoi viet", "bien soan")),
        Column(
            "reviewed",
            labels.SOAT_XET,
            0,
            aliases=("xem xet", "kiem tra", "nguoi soat xet", "nguoi xem xet", "nguoi kiem tra", "soat xet xem xet"),
        ),
        Column("approved", labels.PHE_DUYET, 0, aliases=("nguoi phe duyet", "duyet", "nguoi duyet")),
    ),
    (("drafted", "approved"), ("reviewed", "approved")),
)

CHANGE_TABLE = TableLayout(
    "changes",
    (
        Column(None, labels.STT, 0, exact=("stt", "tt")),
        Column("request", labels.YEU_CAU_SUA_DOI, 0, aliases=("yeu cau",)),
        Column("page", labels.TRANG_COL, 0, aliases=("trang sua doi",)),
        Column("content", labels.NOI_DUNG_SUA_DOI, 0, aliases=("noi dung thay doi", "tom tat noi dung sua doi")),
        Column("changed_on", labels.NGAY_SUA_DOI, 0, aliases=("ngay thay doi",), exact=("ngay",)),
        Column("issue_number", labels.LAN_BAN_HANH_COL, 0, aliases=("lan sua doi", "lan ban hanh sua doi")),
    ),
    (("content",), ("request",)),
)

#: Tried in this order when a table is not under a section that says what it is.
TABLE_LAYOUTS = (APPROVAL_TABLE, CHANGE_TABLE, STEP_TABLE, DOSSIER_TABLE, FORM_TABLE, RECORD_TABLE, FEE_TABLE)
SECTION_TABLES = {layout.kind: layout for layout in (DOSSIER_TABLE, FEE_TABLE, STEP_TABLE, FORM_TABLE, RECORD_TABLE)}

#: Row labels of the approval block.
PERSON_ROWS = {
    "name": (normalize(labels.HO_TEN), "ho va ten"),
    "position": (normalize(labels.CHUC_VU),),
    "signed_on": (normalize(labels.NGAY), "ngay ky", "ngay thang"),
    "signature": (normalize(labels.CHU_KY),),
}

# -- title block ----------------------------------------------------------------------

PROCEDURE_CODE = "Mã thủ tục hành chính:"
NGAY_BAN_HANH = "Ngày ban hành:"

#: Labels of the title block and of the header table: field -> normalised names.
HEADER_LABELS = {
    "code": (normalize(labels.MA_HIEU), "ma so", "ma quy trinh", "so hieu", "ky hieu"),
    "issue_number": (
        normalize(labels.LAN_BAN_HANH),
        "lan ban hanh so",
        "lan ban hanh thu",
        "ban hanh lan",
        "ban hanh lan thu",
        "lan bh",
    ),
    "revision": ("lan sua doi",),
    "issued_on": (normalize(NGAY_BAN_HANH),),
    "effective_date": (
        normalize(labels.NGAY_HIEU_LUC),
        "ngay co hieu luc",
        "hieu luc tu ngay",
        "co hieu luc tu ngay",
        "hieu luc ke tu ngay",
        "ngay hieu luc thi hanh",
        "ngay ap dung",
        "hieu luc",
    ),
    "procedure_code": (normalize(PROCEDURE_CODE), "ma tthc", "ma so tthc", "ma thu tuc", "ma so thu tuc hanh chinh"),
    "page": (normalize(labels.TRANG), "so trang"),
}
QUY_TRINH = normalize(labels.QUY_TRINH)
