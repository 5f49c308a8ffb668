"""The same quy trình content written with python-docx alone: the yardstick of the Word export's cost."""

from __future__ import annotations

import io

from docx import Document

from processes.docx.schema import ProcessContent


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def plain_docx_bytes(content: ProcessContent) -> bytes:
    doc = Document()
    _table(doc, ["", ""], [[content.agency, f"QUY TRÌNH {content.title}"], [content.code, str(content.issue_number)]])
    doc.add_paragraph(f"QUY TRÌNH {content.title}")
    people = (content.drafted, content.reviewed, content.approved)
    _table(doc, ["Soạn thảo", "Xem xét", "Phê duyệt"], [[p.name for p in people], [p.position for p in people]])
    _table(
        doc,
        ["Yêu cầu", "Trang", "Nội dung sửa đổi", "Ngày", "Lần ban hành"],
        [[c.request, c.page, c.content, str(c.changed_on or ""), str(c.issue_number or "")] for c in content.changes],
    )
    for text in (content.purpose, content.scope, content.references, content.definitions, content.legal_basis):
        doc.add_paragraph(text or "")
    _table(
        doc,
        ["Tên hồ sơ", "Bản chính", "Bản sao", "Ghi chú"],
        [[d.name, d.originals, d.copies, d.note] for d in content.dossier],
    )
    doc.add_paragraph(content.dossier_sets or "")
    doc.add_paragraph(content.processing_time or "")
    doc.add_paragraph(content.reception_place or "")
    _table(doc, ["Nội dung", "Mức", "Ghi chú"], [[f.item, f.amount, f.notes] for f in content.fees])
    _table(
        doc,
        ["Bước", "Nội dung", "Trách nhiệm", "Thời gian", "Biểu mẫu", "Diễn giải"],
        [[s.code, s.content, s.responsible, s.duration, s.forms, s.notes] for s in content.steps],
    )
    _table(doc, ["Mã", "Tên biểu mẫu"], [[f.code, f.name] for f in content.forms])
    _table(doc, ["Tên hồ sơ", "Nơi lưu", "Thời gian lưu"], [[r.name, r.keeper, r.retention] for r in content.records])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
