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


#: The QMS's own procedures: (title, code, purpose, steps, records). Document content, in Vietnamese.
SYSTEM_PROCEDURES = {
    "document_control": (
        "Kiểm soát tài liệu",
        "KSTL",
        "Quy định cách thức biên soạn, phê duyệt, ban hành, sửa đổi và kiểm soát tài liệu của hệ thống quản lý "
        "chất lượng tại {agency}.",
        (
            ("B1", "Đề xuất biên soạn hoặc sửa đổi tài liệu.", "Cán bộ, công chức", "", ""),
            ("B2", "Biên soạn dự thảo tài liệu.", "Thư ký ISO", "", ""),
            ("B3", "Soát xét và phê duyệt tài liệu.", "Lãnh đạo UBND", "", ""),
            ("B4", "Ban hành, phân phối tài liệu và thu hồi tài liệu lỗi thời.", "Thư ký ISO", "", ""),
        ),
        (("Danh mục tài liệu nội bộ và tài liệu bên ngoài", "Thư ký ISO", "Đến khi có bản thay thế"),),
    ),
    "records_control": (
        "Kiểm soát hồ sơ",
        "KSHS",
        "Quy định cách thức nhận biết, lưu trữ, bảo vệ, truy cập và hủy hồ sơ của hệ thống quản lý chất lượng "
        "tại {agency}.",
        (
            ("B1", "Lập danh mục hồ sơ cần lưu và thời gian lưu.", "Thư ký ISO", "", ""),
            ("B2", "Lưu giữ, bảo quản hồ sơ theo danh mục.", "Cán bộ, công chức", "", ""),
            (
                "B3",
                "Chuyển hồ sơ hết thời hạn lưu tại bộ phận vào lưu trữ cơ quan hoặc hủy theo quy định.",
                "Công chức Văn phòng",
                "",
                "",
            ),
        ),
        (("Danh mục hồ sơ", "Thư ký ISO", "05 năm"),),
    ),
    "internal_audit": (
        "Đánh giá nội bộ",
        "DGNB",
        "Quy định việc lập chương trình, kế hoạch và thực hiện đánh giá nội bộ hệ thống quản lý chất lượng tại "
        "{agency} ít nhất một lần mỗi năm.",
        (
            ("B1", "Lập chương trình đánh giá nội bộ năm.", "Thư ký ISO", "", ""),
            ("B2", "Lập kế hoạch đánh giá, phân công chuyên gia đánh giá.", "Trưởng đoàn đánh giá", "", ""),
            ("B3", "Thực hiện đánh giá theo phiếu ghi chép (checklist).", "Chuyên gia đánh giá nội bộ", "", ""),
            ("B4", "Lập báo cáo đánh giá, theo dõi hành động khắc phục.", "Trưởng đoàn đánh giá", "", ""),
        ),
        (("Chương trình, kế hoạch, báo cáo đánh giá nội bộ", "Thư ký ISO", "05 năm"),),
    ),
    "nonconformity": (
        "Kiểm soát sự không phù hợp và hành động khắc phục",
        "KPH",
        "Quy định cách thức xử lý sự không phù hợp, xác định nguyên nhân và thực hiện hành động khắc phục tại "
        "{agency}.",
        (
            ("B1", "Phát hiện và ghi nhận sự không phù hợp.", "Cán bộ, công chức", "", ""),
            ("B2", "Khắc phục tức thời, phân tích nguyên nhân.", "Người phụ trách quá trình", "", ""),
            ("B3", "Đề xuất và thực hiện hành động khắc phục.", "Người được giao", "", ""),
            ("B4", "Kiểm tra hiệu lực của hành động khắc phục.", "Thư ký ISO", "", ""),
        ),
        (("Phiếu yêu cầu hành động khắc phục", "Thư ký ISO", "05 năm"),),
    ),
    "risk_management": (
        "Quản lý rủi ro và cơ hội",
        "RRCH",
        "Quy định cách thức nhận diện, đánh giá và xử lý rủi ro, cơ hội của hệ thống quản lý chất lượng tại {agency}.",
        (
            ("B1", "Nhận diện rủi ro và cơ hội của từng quá trình.", "Cán bộ, công chức", "", ""),
            ("B2", "Đánh giá khả năng xảy ra và mức độ ảnh hưởng.", "Thư ký ISO", "", ""),
            ("B3", "Lập và thực hiện kế hoạch xử lý rủi ro.", "Người phụ trách quá trình", "", ""),
            ("B4", "Đánh giá lại rủi ro sau khi xử lý.", "Lãnh đạo UBND", "", ""),
        ),
        (("Sổ theo dõi rủi ro và cơ hội", "Thư ký ISO", "05 năm"),),
    ),
}
SYSTEM_SCOPE = "Áp dụng đối với các bộ phận, cán bộ, công chức trong phạm vi hệ thống quản lý chất lượng của {agency}."


def system_starting_content(
    *, category: str, agency: str, title: str = "", code: str = "", model=None
) -> ProcessContent:
    """A draft system procedure: the standard wording of its kind (an "other" one starts from its title)."""
    short = short_agency(agency)
    default_title, short_code, purpose, steps, records = SYSTEM_PROCEDURES.get(category, ("", "", "", (), ()))
    title = title.strip() or default_title
    if not code.strip() and short_code:
        code = f"{'QTM' if model is not None else 'QT'}-{short_code}"
    return ProcessContent(
        agency=agency,
        title=title,
        code=code.strip(),
        purpose=purpose.format(agency=short) if purpose else "",
        scope=SYSTEM_SCOPE.format(agency=short),
        references=REFERENCES.split("\n")[0].rstrip(";") + ".",
        definitions=DEFINITIONS,
        steps=[Step(code=c, content=t, responsible=r, duration=d, forms=f) for c, t, r, d, f in steps],
        records=[RecordItem(name=n, keeper=k, retention=r) for n, k, r in records],
    )
