"""Quyết định thành lập (kiện toàn) Ban chỉ đạo ISO / Tổ ISO in the NĐ 30/2020 layout.

Issuing body, parent agency and place are those of the decision's own date
(:func:`qms.units.agency.commune_agency`). The sentences are the prescribed
wording of the form (legal layout text, kept in Vietnamese like ``qms.docx.labels``).
"""

from __future__ import annotations

from qms import docx as vn
from qms.docx import labels, legal
from qms.files.names import download_name
from qms.units.agency import Agency, commune_agency, in_sentence

from ..docx.common import document_language
from . import selectors
from .models import BoardKind

SYMBOL = "QĐ-UBND"
KIND_NAMES = {BoardKind.STEERING: "Ban chỉ đạo ISO", BoardKind.TEAM: "Tổ ISO"}
SUBJECT = (
    "Về việc {verb} {kind} xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng "
    "theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015"
)
FORM, RENEW = "thành lập", "kiện toàn"
PROPOSAL = "Xét đề nghị của Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {agency}"
DECIDES = "QUYẾT ĐỊNH:"
ARTICLE_1 = "Điều 1. {verb} {kind} {agency} xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015, gồm các ông (bà) có tên sau:"
MEMBER_HEADERS = ("STT", "Họ và tên", "Chức vụ", "Nhiệm vụ trong Ban")
MEMBER_WIDTHS_MM = (12, 50, 55, 48)
ARTICLE_2 = (
    "Điều 2. {kind} có nhiệm vụ chỉ đạo, tổ chức xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất "
    "lượng; xây dựng chính sách chất lượng, mục tiêu chất lượng; tổ chức đánh giá nội bộ và xem xét của lãnh "
    "đạo ít nhất 01 lần mỗi năm. Trưởng ban phân công nhiệm vụ cụ thể cho từng thành viên:"
)
DUTY_LINE = "- {name} ({position}): {duties}"
ARTICLE_3 = (
    "Điều 3. Quyết định này có hiệu lực kể từ ngày ký{replaces}. Văn phòng Hội đồng nhân dân và Ủy ban nhân "
    "dân, các ông (bà) có tên tại Điều 1 và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành "
    "Quyết định này."
)
REPLACES = " và thay thế Quyết định số {number} ngày {date}"
LIKE_ARTICLE_3 = "Như Điều 3"


def _grounds(agency: Agency) -> list[str]:
    return [*legal.iso_grounds(agency.era), PROPOSAL.format(agency=in_sentence(agency.unit_full_name))]


def member_rows(board) -> list[list[str]]:
    return [
        [str(index), member.name, member.unit_position, str(member.get_board_position_display())]
        for index, member in enumerate(selectors.roster(board, active_only=True), start=1)
    ]


def _duty_lines(board) -> list[str]:
    return [
        DUTY_LINE.format(name=m.name, position=m.get_board_position_display(), duties=m.duties.strip().rstrip("."))
        + "."
        for m in selectors.roster(board, active_only=True)
        if m.duties.strip()
    ]


def subject_of(board) -> str:
    replaces = board.replaces.order_by("-decision_date").first()
    return SUBJECT.format(verb=RENEW if replaces else FORM, kind=KIND_NAMES[board.kind])


def build_board_decision(board):
    """The decision forming (or renewing, when it replaced another) the board, with its members in Điều 1."""
    replaced = board.replaces.order_by("-decision_date").first()
    with document_language():
        agency = commune_agency(board.commune, board.decision_date)
        kind = KIND_NAMES[board.kind]
        doc = vn.new_document()
        vn.add_page_number_header(doc)
        vn.add_national_header(
            doc,
            agency=agency.name,
            parent_agency=agency.parent or None,
            number_line=vn.format_document_number(board.decision_number, SYMBOL),
            place=agency.place,
            doc_date=board.decision_date,
        )
        subject = subject_of(board)
        vn.add_document_title(doc, doc_type=labels.QUYET_DINH, subject=subject)
        vn.add_text(doc, f"{labels.CHU_TICH} {agency.name}", bold=True, align="center", size=14)
        vn.add_legal_grounds(doc, _grounds(agency))
        vn.add_text(doc, DECIDES, bold=True, align="center", size=14)
        vn.add_body_paragraph(
            doc,
            ARTICLE_1.format(
                verb=(RENEW if replaced else FORM).capitalize(),
                kind=kind,
                agency=in_sentence(agency.unit_full_name),
            ),
        )
        vn.add_table(
            doc, headers=list(MEMBER_HEADERS), rows=member_rows(board), widths_mm=list(MEMBER_WIDTHS_MM), font_size=12
        )
        vn.add_body_paragraph(doc, ARTICLE_2.format(kind=kind))
        for line in _duty_lines(board):
            vn.add_body_paragraph(doc, line)
        replaces = (
            REPLACES.format(number=replaced.decision_number, date=replaced.decision_date.strftime("%d/%m/%Y"))
            if replaced
            else ""
        )
        vn.add_body_paragraph(doc, ARTICLE_3.format(replaces=replaces))
        vn.add_signature_block(
            doc,
            authority_prefix=labels.KT_CHU_TICH if board.signer_position.lower().startswith("phó") else None,
            position=board.signer_position,
            signer_name=board.signer_name,
            recipients=[LIKE_ARTICLE_3, labels.LUU_VT],
        )
        info = vn.DocumentInfo(
            title=f"{labels.QUYET_DINH.capitalize()} {subject}",
            subject=vn.format_document_number(board.decision_number, SYMBOL),
            author=agency.name,
            created=board.decision_date,
            last_modified_by=board.signer_name,
        )
        return vn.finish_document(doc, info)


def board_decision_filename(board):
    return download_name("quyết định ban chỉ đạo iso", board.commune.slug, on=board.decision_date)
