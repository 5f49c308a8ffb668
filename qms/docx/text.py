"""Run and paragraph formatting, Word fields, short rules and date/number text.

Low-level helpers shared by the page, table and block builders. A *container*
is anything with ``add_paragraph`` and ``paragraphs``: the document, a table
cell, a header or a footer.
"""

from __future__ import annotations

import copy
from datetime import date
from functools import lru_cache

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from . import labels

#: Font sizes (pt) fixed by NĐ 30/2020, Phụ lục I.
SIZE_BODY = 13
SIZE_HEADER = 12  # Quốc hiệu, agency block
SIZE_TITLE = 14  # document type and trích yếu
SIZE_RECIPIENTS = 11  # "Nơi nhận" list

BLACK = RGBColor(0, 0, 0)
BODY_LINE_SPACING = 1.15
BODY_SPACE_AFTER = Pt(6)
BODY_FIRST_LINE_INDENT = Mm(10)

ALIGNMENTS = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "centre": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}

_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_FONT_ATTRS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
# Children of w:pPr that must follow w:pBdr (schema order).
_PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_MM_PER_PT = 25.4 / 72


# -- fonts -------------------------------------------------------------------


def set_rfonts(rPr, name: str = labels.FONT_NAME) -> None:
    """Set ascii, hAnsi, eastAsia and cs fonts on a ``w:rPr``; drop theme fonts.

    python-docx's ``font.name`` only sets ascii/hAnsi, and a theme attribute
    wins over a plain one, so Vietnamese text could fall back to Calibri.
    """
    rFonts = rPr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        rFonts.attrib.pop(qn(attr), None)
    for attr in _FONT_ATTRS:
        rFonts.set(qn(attr), name)


def format_font(font, *, bold=None, italic=None, size=None, underline=None, color=None):
    """Apply the given (non-None) character properties to a python-docx Font."""
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if size is not None:
        font.size = Pt(size)
    if underline is not None:
        font.underline = underline
    if color is not None:
        font.color.rgb = color
    return font


def add_run(paragraph: Paragraph, text: str = "", **fmt) -> Run:
    """Append a run; ``fmt`` is bold/italic/size/underline/color."""
    run = paragraph.add_run(text)
    format_font(run.font, **fmt)
    return run


# -- paragraphs ------------------------------------------------------------------


def _alignment(align):
    if align is None or isinstance(align, WD_ALIGN_PARAGRAPH):
        return align
    try:
        return ALIGNMENTS[align]
    except KeyError:
        raise ValueError(f"unknown alignment {align!r}; use one of {sorted(ALIGNMENTS)}") from None


def format_paragraph(
    paragraph: Paragraph,
    *,
    align=None,
    first_line_indent=None,
    left_indent=None,
    right_indent=None,
    space_before=None,
    space_after=None,
    line_spacing=None,
    keep_with_next=None,
) -> Paragraph:
    """Apply the given (non-None) paragraph properties. Lengths are docx Lengths."""
    pf = paragraph.paragraph_format
    values = {
        "alignment": _alignment(align),
        "first_line_indent": first_line_indent,
        "left_indent": left_indent,
        "right_indent": right_indent,
        "space_before": space_before,
        "space_after": space_after,
        "line_spacing": line_spacing,
        "keep_with_next": keep_with_next,
    }
    for name, value in values.items():
        if value is not None:
            setattr(pf, name, value)
    return paragraph


def _block_element(container):
    return container._body._element if isinstance(container, Document) else container._element


def new_paragraph(container) -> Paragraph:
    """A paragraph to write into: the untouched placeholder paragraph of a fresh
    cell/header/footer is reused, otherwise a new one is appended."""
    element = _block_element(container)
    paragraphs = element.p_lst
    if len(paragraphs) == 1 and not element.tbl_lst and not paragraphs[0].r_lst:
        return Paragraph(paragraphs[0], container)
    return container.add_paragraph()


@lru_cache(maxsize=512)
def _formatted_paragraph(paragraph_fmt: tuple, run_fmt: tuple):
    """An empty ``w:p`` holding the paragraph and run properties of one format,
    copied for each paragraph written in it (the properties are built once)."""
    paragraph = Paragraph(OxmlElement("w:p"), None)
    format_paragraph(paragraph, **dict(paragraph_fmt))
    format_font(paragraph.add_run().font, **dict(run_fmt))
    return paragraph._p


_SPECIAL_CHARACTERS = frozenset("\t\n\r")


def _append_text(r, text: str) -> None:
    if _SPECIAL_CHARACTERS.isdisjoint(text):
        r.add_t(text)
    else:
        Run(r, None).text = text


def add_text(
    container,
    text: str,
    *,
    bold=False,
    italic=False,
    size=None,
    underline=None,
    align=None,
    **paragraph_fmt,
) -> Paragraph:
    """One paragraph holding ``text`` in one run ("\\n" gives a line break)."""
    run_fmt = {"bold": bold or None, "italic": italic or None, "size": size, "underline": underline}
    paragraph = new_paragraph(container)
    p = paragraph._p
    if len(p):  # a placeholder with properties of its own (a header's): format it in place
        format_paragraph(paragraph, align=align, **paragraph_fmt)
        # False -> None: only switch properties on, inherit everything else
        add_run(paragraph, text, **run_fmt)
        return paragraph
    key = tuple(sorted({"align": align, **paragraph_fmt}.items())), tuple(run_fmt.items())
    for child in _formatted_paragraph(*key):
        p.append(copy.deepcopy(child))
    if text:
        _append_text(p[-1], text)
    return paragraph


def add_blank_lines(container, count: int, *, size=None) -> list[Paragraph]:
    """``count`` empty paragraphs (e.g. room for a signature)."""
    return [add_text(container, "", size=size) for _ in range(count)]


# -- fields --------------------------------------------------------------------


def _field_char(paragraph: Paragraph, kind: str, fmt: dict) -> None:
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), kind)
    add_run(paragraph, **fmt)._r.append(fld)


def add_field(paragraph: Paragraph, instruction: str, *, placeholder: str = "1", **fmt) -> None:
    """Append a complex field (``PAGE``, ``NUMPAGES`` …): begin / instrText /
    separate / cached result / end, every run formatted with ``fmt``."""
    _field_char(paragraph, "begin", fmt)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    add_run(paragraph, **fmt)._r.append(instr)
    _field_char(paragraph, "separate", fmt)
    add_run(paragraph, placeholder, **fmt)
    _field_char(paragraph, "end", fmt)


def add_page_of_pages(paragraph: Paragraph, prefix: str = "", **fmt) -> Paragraph:
    """Append ``{prefix}{PAGE}/{NUMPAGES}``."""
    if prefix:
        add_run(paragraph, prefix, **fmt)
    add_field(paragraph, "PAGE", **fmt)
    add_run(paragraph, "/", **fmt)
    add_field(paragraph, "NUMPAGES", **fmt)
    return paragraph


def field_instructions(element) -> list[str]:
    """The field codes (stripped ``w:instrText``) found under an XML element."""
    return [(node.text or "").strip() for node in element.iter(qn("w:instrText"))]


# -- rules (short horizontal lines) -------------------------------------------------


def set_paragraph_border(paragraph: Paragraph, side: str = "bottom", *, size_eighths: int = 6):
    """Give the paragraph a single black border on ``side`` (sz in 1/8 pt)."""
    pPr = paragraph._p.get_or_add_pPr()
    pBdr = pPr.find(qn("w:pBdr"))
    if pBdr is None:
        pBdr = pPr.insert_element_before(OxmlElement("w:pBdr"), *_PBDR_SUCCESSORS)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size_eighths)), ("space", "1"), ("color", "000000")):
        edge.set(qn(f"w:{key}"), value)
    pBdr.append(edge)
    return paragraph


def add_short_line(container, *, length_mm: float, available_mm: float, space_after=None) -> Paragraph:
    """A centred horizontal rule ``length_mm`` long: an empty, 2 pt high paragraph
    with a bottom border, indented so only ``length_mm`` of ``available_mm`` remains."""
    length_mm = max(5.0, min(length_mm, available_mm))
    indent = Mm((available_mm - length_mm) / 2)
    paragraph = format_paragraph(
        new_paragraph(container),
        align="center",
        first_line_indent=Mm(0),
        left_indent=indent,
        right_indent=indent,
        space_before=Pt(0),
        space_after=space_after if space_after is not None else Pt(0),
    )
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(2)
    return set_paragraph_border(paragraph, "bottom")


def estimate_text_width_mm(text: str, size_pt: float) -> float:
    """Rough printed width of the longest line of ``text`` in Times New Roman
    (capitals ≈ 0.72 em, lower case ≈ 0.48 em, spaces 0.25 em)."""

    def em(char: str) -> float:
        if char.isspace():
            return 0.25
        return 0.72 if char.isupper() else 0.48

    longest = max((sum(em(c) for c in line) for line in text.splitlines() or [""]), default=0)
    return longest * size_pt * _MM_PER_PT


# -- numbers and dates -----------------------------------------------------------


def two_digits(value: int | str | None) -> str:
    """``5 -> "05"``, ``12 -> "12"``, ``"7" -> "07"``; other text unchanged, None -> ""."""
    if value is None:
        return ""
    text = str(value).strip()
    return f"{int(text):02d}" if text.isdigit() else text


def format_document_number(number: int | str | None, symbol: str) -> str:
    """``(5, "QĐ-UBND") -> "Số: 05/QĐ-UBND"``; an unknown number leaves a blank.

    A number typed with its symbol ("85/QĐ-UBND") keeps the symbol once.
    """
    if isinstance(number, str) and symbol:
        head, slash, tail = number.strip().partition("/")
        if slash and tail.strip().upper() == symbol.upper():
            number = head
    num = two_digits(number) or labels.BLANK
    return f"{labels.SO} {num}/{symbol}" if symbol else f"{labels.SO} {num}"


def _month_text(month: int) -> str:
    # NĐ 30: months 1 and 2 take a leading zero, 3–12 do not.
    return f"{month:02d}" if month < 3 else str(month)


def format_vn_date(d: date | None, *, place: str | None = None, year: int | None = None) -> str:
    """``"Ý Yên, ngày 05 tháng 01 năm 2026"``; blanks for an unknown date
    (``year`` defaults to the current year)."""
    if d is None:
        y = year or date.today().year
        day = month = labels.BLANK
        text = f"{labels.NGAY_WORD}{day}{labels.THANG_WORD}{month}{labels.NAM_WORD} {y}"
    else:
        text = f"{labels.NGAY_WORD} {d.day:02d} {labels.THANG_WORD} {_month_text(d.month)} {labels.NAM_WORD} {d.year}"
    return f"{place}, {text}" if place else text


def format_short_date(d: date | str | None) -> str:
    """``date(2026, 1, 5) -> "05/01/2026"``; text is kept, None -> ""."""
    if d is None:
        return ""
    if isinstance(d, date):
        return d.strftime("%d/%m/%Y")
    return str(d)
