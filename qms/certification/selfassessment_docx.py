"""The commune's self-assessment table (TT 26/2014 Art. 36) as Word, in the NĐ 30/2020 layout.

The rows are the Art. 36 checklist of the inspection minutes (Mẫu 21), each with the status and the
evidence found in the commune's records (:mod:`qms.certification.selfassessment`). The sentences are
the document's wording, kept in Vietnamese like ``qms.docx.labels``.
"""

from __future__ import annotations

from qms import docx as qd
from qms.docx import labels
from qms.units.agency import commune_agency, in_sentence

from .selfassessment import SelfAssessment, Status

DOC_TYPE = "BẢNG TỰ ĐÁNH GIÁ"
SUBJECT = "Việc áp dụng, duy trì HTQLCL theo Điều 36 Thông tư 26/2014/TT-BKHCN năm {year}"
SYMBOL = "BC-UBND"
INTRO = (
    "Thực hiện Điều 36 Thông tư số 26/2014/TT-BKHCN, Ủy ban nhân dân {commune} tự đánh giá việc áp dụng, duy trì "
    "và cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015 năm {year} (số liệu tính "
    "đến ngày {as_of}, tổng hợp từ hồ sơ của Hệ thống quản lý chất lượng) như sau:"
)
WIDTHS_MM = (10, 62, 28, 65)
HEADERS = ("STT", "Nội dung (Điều 36 Thông tư 26/2014/TT-BKHCN)", "Kết quả tự đánh giá", "Bằng chứng")
STATUS_TEXT = {Status.MET: "Đạt", Status.NOT_MET: "Chưa đạt", Status.NO_EVIDENCE: "Chưa có bằng chứng"}
TOTALS = "Tổng hợp: {met} nội dung đạt; {not_met} nội dung chưa đạt; {none} nội dung chưa có bằng chứng."
TITLE = "Bảng tự đánh giá việc áp dụng, duy trì HTQLCL theo Điều 36 Thông tư 26/2014/TT-BKHCN"


def build_self_assessment(*, assessment: SelfAssessment):
    commune = assessment.commune
    issuer = commune_agency(commune, assessment.as_of)
    doc = qd.new_document()
    qd.add_page_number_header(doc)
    qd.add_national_header(
        doc,
        agency=issuer.name,
        parent_agency=issuer.parent or None,
        number_line=qd.format_document_number(None, SYMBOL),
        place=issuer.place,
        doc_date=None,
        year=assessment.year,
    )
    qd.add_document_title(doc, doc_type=DOC_TYPE, subject=SUBJECT.format(year=assessment.year))
    qd.add_body_paragraph(
        doc,
        INTRO.format(
            commune=in_sentence(issuer.unit_full_name),
            year=assessment.year,
            as_of=assessment.as_of.strftime("%d/%m/%Y"),
        ),
    )
    rows = [[str(c.index), c.label, STATUS_TEXT[c.status], c.note] for c in assessment.criteria]
    qd.add_table(doc, headers=list(HEADERS), rows=rows, widths_mm=list(WIDTHS_MM), font_size=11)
    counts = assessment.counts()
    qd.add_body_paragraph(
        doc,
        TOTALS.format(met=counts[Status.MET], not_met=counts[Status.NOT_MET], none=counts[Status.NO_EVIDENCE]),
    )
    qd.add_signature_block(
        doc,
        authority_prefix=labels.TM_UY_BAN_NHAN_DAN,
        position=labels.CHU_TICH,
        signer_name="",
        recipients=[labels.LUU_VT],
    )
    info = qd.DocumentInfo(title=f"{TITLE} năm {assessment.year}", author=issuer.name, draft=True)
    return qd.finish_document(doc, info)
