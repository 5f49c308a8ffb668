"""python-docx building blocks for Vietnamese administrative documents
(Nghị định 30/2020/NĐ-CP, Phụ lục I) and ISO 9001 quy trình documents.

Pure functions on python-docx objects; no Django models. Fixed layout text
lives in :mod:`qms.docx.labels`.
"""

from . import labels
from .blocks import (
    add_approval_block,
    add_body_paragraph,
    add_change_table,
    add_document_title,
    add_heading,
    add_legal_grounds,
    add_national_header,
    add_process_header,
    add_signature_block,
    format_legal_ground,
    format_recipients,
)
from .frame import (
    DocumentInfo,
    add_draft_mark,
    column_minimum_mm,
    date_column_mm,
    finish_document,
    fit_columns,
    has_draft_mark,
    keep_block_together,
    keep_with_previous,
    set_core_properties,
)
from .page import (
    add_page_number_header,
    add_page_x_of_y,
    body_width_mm,
    document_text,
    new_document,
    open_document,
    to_bytes,
)
from .tables import add_table, mark_header_row, new_table, set_table_borders, write_cell
from .text import (
    add_field,
    add_short_line,
    add_text,
    format_document_number,
    format_short_date,
    format_vn_date,
    two_digits,
)

__all__ = [
    "labels",
    "DocumentInfo",
    "add_draft_mark",
    "column_minimum_mm",
    "date_column_mm",
    "finish_document",
    "fit_columns",
    "has_draft_mark",
    "keep_block_together",
    "keep_with_previous",
    "set_core_properties",
    "add_approval_block",
    "add_body_paragraph",
    "add_change_table",
    "add_document_title",
    "add_field",
    "add_heading",
    "add_legal_grounds",
    "add_national_header",
    "add_page_number_header",
    "add_page_x_of_y",
    "add_process_header",
    "add_short_line",
    "add_signature_block",
    "add_table",
    "add_text",
    "body_width_mm",
    "document_text",
    "format_document_number",
    "format_legal_ground",
    "format_recipients",
    "format_short_date",
    "format_vn_date",
    "mark_header_row",
    "new_document",
    "new_table",
    "open_document",
    "set_table_borders",
    "to_bytes",
    "two_digits",
    "write_cell",
]
