"""The standard wording a new quy trình starts from (DOMAIN.md §2).

This is document content in the layout communes use, not interface text, so
(like ``qms.docx.labels``) it is kept in Vietnamese; the officer edits it.
"""

from __future__ import annotations

from .docx.schema import ProcessContent, RecordItem, Step
from .fees import fee_rows_from_text

PURPOSE = "Quy định trình tự, thủ tục, trách nhiệm và thời gian giải quyết thủ tục “{title}” tại {agency}."
SCOPE = (
    "Áp dụng đối với tổ chức, cá nhân có yêu cầu giải quyết thủ tục “{title}”; "
    "công chức tiếp nhận, thẩm định và lãnh đạo {agency_short} có liên quan."
)
REFERENCES = "- Tiêu chuẩn quốc gia TCVN ISO 9001:2015;\n- Các văn bản pháp luật tại mục 5.1."
DEFINITIONS = (
    "- UBND: Ủy ban nhân dân;\n- TTHC: Thủ tục hành chính;\n- TCCN: Tổ chức, cá nhân;\n"
    "- CBCC: Cán bộ, công chức;\n- MC/TN&TKQ: Bộ phận Một cửa/Tiếp nhận và trả kết quả."
)
DOSSIER_SETS = "01 bộ."
RECEPTION = "Bộ phận Tiếp nhận và trả kết quả (Một cửa) – {agency_title}."
STEPS = (
    (
        "B1",
        "Tiếp nhận, kiểm tra hồ sơ; lập Phiếu tiếp nhận và hẹn trả kết quả, Phiếu yêu cầu bổ sung hoặc Phiếu từ chối.",
        "Công chức Một cửa",
        "",
        "Mẫu 01, 02, 03, 06",
    ),
    ("B2", "Thẩm định hồ sơ, dự thảo kết quả; ghi Phiếu kiểm soát quá trình.", "Công chức chuyên môn", "", "Mẫu 05"),
    ("B3", "Xem xét, ký kết quả giải quyết.", "Chủ tịch/Phó Chủ tịch UBND", "", ""),
    ("B4", "Trả kết quả cho tổ chức, cá nhân; cập nhật Sổ theo dõi hồ sơ.", "Công chức Một cửa", "", "Mẫu 06"),
)
RECORDS = (
    ("Hồ sơ theo thành phần mục 5.2 và Phiếu kiểm soát quá trình", "Công chức chuyên môn", "05 năm"),
    ("Sổ theo dõi hồ sơ (Mẫu 06)", "Bộ phận Một cửa", "05 năm"),
)


#: Unit types as written inside a sentence, the longest first ("thị trấn" before "thị xã"…).
UNIT_TYPES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")


def short_agency(agency: str) -> str:
    """ "ỦY BAN NHÂN DÂN THỊ TRẤN LÂM" -> "UBND thị trấn Lâm", "… XÃ YÊN TIẾN" -> "UBND xã Yên Tiến"."""
    prefix = "ỦY BAN NHÂN DÂN "
    if not agency.upper().startswith(prefix):
        return agency
    place = agency[len(prefix) :].strip()
    kind = next((k for k in UNIT_TYPES if place.lower().startswith(k + " ")), "")
    name = place[len(kind) :].strip()
    if name.isupper():
        name = " ".join(word.capitalize() for word in name.split())
    return " ".join(part for part in ("UBND", kind, name) if part)


def starting_content(*, procedure, agency: str) -> ProcessContent:
    """A draft quy trình for ``procedure``: catalogue facts plus the standard wording."""
    title = procedure.short_name
    short = short_agency(agency)
    return ProcessContent(
        agency=agency,
        title=title,
        code=f"QT-{procedure.code}",
        procedure_code=procedure.code,
        purpose=PURPOSE.format(title=title, agency=short),
        scope=SCOPE.format(title=title, agency_short=short),
        references=REFERENCES,
        definitions=DEFINITIONS,
        legal_basis="\n".join(f"- {line}" for line in procedure.legal_basis.splitlines() if line.strip()),
        dossier_sets=DOSSIER_SETS,
        processing_time=procedure.time_limit_display,
        reception_place=RECEPTION.format(agency_title=short),
        fees=fee_rows_from_text(procedure.fees),
        steps=[Step(code=c, content=t, responsible=r, duration=d, forms=f) for c, t, r, d, f in STEPS],
        records=[RecordItem(name=n, keeper=k, retention=r) for n, k, r in RECORDS],
    )
