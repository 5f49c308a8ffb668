"""Document setup (A4, margins, styles), page numbering and reading back."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from weakref import WeakKeyDictionary

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell

from . import labels
from .text import (
    BLACK,
    SIZE_BODY,
    add_field,
    add_page_of_pages,
    format_font,
    format_paragraph,
    new_paragraph,
    set_rfonts,
)

A4_MM = (210, 297)
HEADER_DISTANCE = Mm(10)

#: Heading level -> (size pt, italic). All headings are bold black Times New Roman.
HEADING_FORMATS = {1: (SIZE_BODY, False), 2: (SIZE_BODY, False), 3: (SIZE_BODY, True)}


# -- setup ---------------------------------------------------------------------


def set_page_layout(section, *, margins_mm=(20, 20, 30, 15)) -> None:
    """A4 portrait with ``margins_mm`` = (top, bottom, left, right)."""
    top, bottom, left, right = margins_mm
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = section.footer_distance = HEADER_DISTANCE


def _set_default_run_properties(doc: Document) -> None:
    rPr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_rfonts(rPr)
    lang = rPr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), labels.LANGUAGE)


def apply_fonts(doc: Document, *, font_size: int = SIZE_BODY) -> None:
    """Times New Roman (all four scripts) in the defaults and in every style;
    Normal is black, ``font_size`` pt, single spaced, no space after (body
    paragraphs set their own spacing, so tables and headers stay compact)."""
    for rFonts in list(doc.styles.element.iter(qn("w:rFonts"))):
        set_rfonts(rFonts.getparent())
    _set_default_run_properties(doc)
    normal = doc.styles["Normal"]
    set_rfonts(normal.element.get_or_add_rPr())
    format_font(normal.font, size=font_size, color=BLACK)
    format_paragraph(normal, space_before=Pt(0), space_after=Pt(0), line_spacing=1.0)


@lru_cache(maxsize=16)
def _template(font_size: int, margins_mm: tuple) -> tuple[bytes, dict]:
    """The blank document of one layout, saved once; and the ids of the styles
    the builders use, which every document opened from it shares."""
    doc = docx.Document()
    for section in doc.sections:
        set_page_layout(section, margins_mm=margins_mm)
    apply_fonts(doc, font_size=font_size)
    names = [labels.TABLE_STYLE, *(labels.HEADING_STYLE.format(level=level) for level in range(1, 10))]
    ids = {}
    for name in names:
        style = doc.styles[name]
        ids["id", style.type, name] = ids["id", style.type, style.style_id] = style.style_id
    return to_bytes(doc), ids


def new_document(*, font_size: int = SIZE_BODY, margins_mm=(20, 20, 30, 15)) -> Document:
    """Blank A4 document in the NĐ 30/2020 layout (margins top, bottom, left, right)."""
    data, style_ids = _template(font_size, tuple(margins_mm))
    doc = docx.Document(BytesIO(data))
    _STYLE_CACHE[doc.part] = dict(style_ids)
    return doc


def _restyle_heading(doc: Document, level: int):
    style = doc.styles[labels.HEADING_STYLE.format(level=level)]
    size, italic = HEADING_FORMATS.get(level, HEADING_FORMATS[3])
    set_rfonts(style.element.get_or_add_rPr())
    format_font(style.font, bold=True, italic=italic, size=size, color=BLACK)
    format_paragraph(style, space_before=Pt(6), space_after=Pt(6), keep_with_next=True)
    return style


#: Per document: the headings already restyled and the style ids already looked up
#: (python-docx scans every style for the default one on each lookup).
_STYLE_CACHE: WeakKeyDictionary = WeakKeyDictionary()


def _style_cache(part) -> dict:
    document_part = getattr(part, "_document_part", part)
    return _STYLE_CACHE.setdefault(document_part, {})


def heading_style(doc: Document, level: int):
    """The built-in "Heading N" style, restyled to bold black Times New Roman."""
    if not 1 <= level <= 9:
        raise ValueError(f"heading level must be 1..9, not {level}")
    cache = _style_cache(doc.part)
    if ("heading", level) not in cache:
        cache["heading", level] = _restyle_heading(doc, level)
    return cache["heading", level]


def style_id(part, style_or_name, style_type: WD_STYLE_TYPE) -> str | None:
    """The id of a style (or style name) of ``part``'s document, looked up once per document."""
    cache = _style_cache(part)
    key = ("id", style_type, style_or_name if isinstance(style_or_name, str) else style_or_name.style_id)
    if key not in cache:
        cache[key] = part.get_style_id(style_or_name, style_type)
    return cache[key]


def body_width_mm(doc: Document) -> float:
    """Text width of the last section (page width minus left/right margins)."""
    section = doc.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / Mm(1)


# -- headers and footers ----------------------------------------------------------


def story_parts(section, where: str) -> list:
    """The header (or footer) objects that show on every page of ``section``:
    the primary one plus the first-page one when "different first page" is on."""
    if where not in ("header", "footer"):
        raise ValueError(f"where must be 'header' or 'footer', not {where!r}")
    parts = [getattr(section, where)]
    if section.different_first_page_header_footer:
        parts.append(getattr(section, f"first_page_{where}"))
    return parts


def add_page_number_header(doc: Document, *, skip_first_page: bool = True) -> None:
    """NĐ 30 page numbers: Arabic, 13 pt, centred in the header; none on page 1."""
    section = doc.sections[0]
    section.different_first_page_header_footer = skip_first_page
    if skip_first_page:
        section.first_page_header.is_linked_to_previous = False  # explicit empty header
    paragraph = format_paragraph(new_paragraph(section.header), align="center")
    add_field(paragraph, "PAGE", size=SIZE_BODY)


def add_page_x_of_y(
    doc: Document, *, where: str = "footer", prefix: str = labels.TRANG_PREFIX, size: int = SIZE_BODY
) -> None:
    """``{prefix}{PAGE}/{NUMPAGES}`` centred in the footer (or header) of every page."""
    for part in story_parts(doc.sections[0], where):
        paragraph = format_paragraph(new_paragraph(part), align="center")
        add_page_of_pages(paragraph, prefix, size=size)


# -- bytes and text ------------------------------------------------------------------


def to_bytes(doc: Document) -> bytes:
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def open_document(data: bytes | Document) -> Document:
    """A python-docx Document from ``.docx`` bytes (a Document is returned as is)."""
    if isinstance(data, (bytes, bytearray)):
        return docx.Document(BytesIO(data))
    return data


def _block_lines(container):
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block)
        else:
            yield block.text


def _table_lines(table: Table):
    # one _Cell per w:tc: a merged cell is read once, not once per grid column
    for tr in table._tbl.tr_lst:
        for tc in tr.tc_lst:
            yield from _block_lines(_Cell(tc, table))


def _header_footer_parts(doc: Document, where: str):
    for section in doc.sections:
        for kind in ("first_page_", "", "even_page_"):
            part = getattr(section, f"{kind}{where}")
            if not part.is_linked_to_previous:  # has its own content
                yield part


def document_text(data: bytes | Document) -> str:
    """All visible text, one line per paragraph / cell paragraph: headers, body
    (paragraphs and tables in order), footers. Empty lines are dropped; fields
    show their cached result (e.g. "Trang 1/1")."""
    doc = open_document(data)
    containers = [*_header_footer_parts(doc, "header"), doc, *_header_footer_parts(doc, "footer")]
    return "\n".join(line for c in containers for line in _block_lines(c) if line.strip())
