"""The frame every generated document shares: file properties, the "DỰ THẢO"
mark of drafts, closing blocks kept on one page and column widths that fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from . import labels
from .page import story_parts
from .text import add_run, estimate_text_width_mm, format_paragraph

#: Word's default cell margins, 1.9 mm left and right.
CELL_PADDING_MM = 3.8
#: What a date cell must hold on one line.
DATE_SAMPLE = "12/03/2025"
DRAFT_MARK_SIZE = 14
#: A column never needs more than this to keep its longest word whole (a URL may still wrap).
MAX_WORD_COLUMN_MM = 45
#: Bold capitals run a little wider than the estimate's regular letters.
BOLD_FACTOR = 1.06


# -- core properties -----------------------------------------------------------------


@dataclass(frozen=True)
class DocumentInfo:
    """What the file's properties say: the document's title and subject, the
    issuing unit as author, and the record's own dates."""

    title: str
    author: str
    subject: str = ""
    created: date | datetime | None = None
    modified: date | datetime | None = None
    last_modified_by: str = ""
    draft: bool = False


def _as_utc(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), tzinfo=UTC)


def _drop(element, tag: str) -> None:
    child = element.find(qn(tag))
    if child is not None:
        element.remove(child)


#: The longest text the OOXML core properties take (the page keeps the whole text).
PROPERTY_MAX_LENGTH = 255


def _property(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= PROPERTY_MAX_LENGTH else text[: PROPERTY_MAX_LENGTH - 1].rstrip() + "…"


def set_core_properties(doc: Document, info: DocumentInfo) -> None:
    """Title, subject, author (the issuing unit), last modified by, created and
    modified from the record (left out when the record has no date), language
    vi-VN; nothing of python-docx's own template remains."""
    props = doc.core_properties
    props.title = _property(info.title)
    props.subject = _property(info.subject)
    props.author = _property(info.author)
    props.last_modified_by = _property(info.last_modified_by or info.author)
    props.language = labels.LANGUAGE
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    created = info.created or info.modified
    modified = info.modified or info.created
    element = props._element  # cp:coreProperties
    if created is None:
        _drop(element, "dcterms:created")
        _drop(element, "dcterms:modified")
        return
    props.created = _as_utc(created)
    props.modified = max(_as_utc(modified), props.created)


# -- the draft mark --------------------------------------------------------------------


def _box_run(run) -> None:
    rPr = run._r.get_or_add_rPr()
    border = OxmlElement("w:bdr")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "1"), ("color", "000000")):
        border.set(qn(f"w:{key}"), value)
    rPr.append(border)


def _draft_paragraph(part) -> Paragraph:
    """A new first paragraph of a header part, above whatever it holds."""
    paragraph = part.add_paragraph()
    part._element.insert(0, paragraph._p)
    return paragraph


def add_draft_mark(doc: Document, text: str = labels.DU_THAO) -> list[Paragraph]:
    """``text`` bold, boxed and large at the top right of the header of every
    page (the first page too), as real text so a PDF reader finds it.

    Call it once the headers are built (page numbers, title table)."""
    marks = []
    for section in doc.sections:
        for part in story_parts(section, "header"):
            part.is_linked_to_previous = False
            paragraph = format_paragraph(_draft_paragraph(part), align="right", space_after=Pt(2))
            _box_run(add_run(paragraph, f" {text} ", bold=True, size=DRAFT_MARK_SIZE))
            marks.append(paragraph)
    return marks


def has_draft_mark(doc: Document, text: str = labels.DU_THAO) -> bool:
    """Whether every page's header carries ``text``."""
    parts = [part for section in doc.sections for part in story_parts(section, "header")]
    return bool(parts) and all(any(text in p.text for p in part.paragraphs) for part in parts)


def finish_document(doc: Document, info: DocumentInfo) -> Document:
    """The last step of every builder: file properties, and the draft mark when ``info.draft``."""
    set_core_properties(doc, info)
    if info.draft:
        add_draft_mark(doc)
    return doc


# -- keeping blocks together -------------------------------------------------------------


def _paragraphs_of(table: Table, rows=None):
    for tr in rows if rows is not None else table._tbl.tr_lst:
        for p in tr.iter(qn("w:p")):
            yield Paragraph(p, table)


def _set_keep(paragraph: Paragraph, *, with_next: bool) -> None:
    paragraph.paragraph_format.keep_together = True
    if with_next:
        paragraph.paragraph_format.keep_with_next = True


def keep_block_together(table: Table) -> Table:
    """A closing block (signatures, approval table) on one page: no row splits,
    every paragraph kept whole and with the next one, up to the last row."""
    rows = table._tbl.tr_lst
    for index, tr in enumerate(rows):
        trPr = tr.get_or_add_trPr()
        if trPr.find(qn("w:cantSplit")) is None:
            trPr.append(OxmlElement("w:cantSplit"))
        last_row = index == len(rows) - 1
        paragraphs = list(_paragraphs_of(table, [tr]))
        for position, paragraph in enumerate(paragraphs):
            _set_keep(paragraph, with_next=not last_row or position < len(paragraphs) - 1)
    return table


def keep_with_previous(block, *, count: int = 1) -> None:
    """Keep the ``count`` blocks before ``block`` (a table or paragraph) on its
    page: paragraphs get keep-with-next; a table, on the paragraphs of its last
    row. Empty spacer paragraphs do not count."""
    element = block._element if hasattr(block, "_element") else block._tbl
    kept = 0
    previous = element.getprevious()
    while previous is not None and kept < count:
        if previous.tag == qn("w:p"):
            paragraph = Paragraph(previous, block._parent)
            paragraph.paragraph_format.keep_with_next = True
            kept += bool(paragraph.text.strip())
        elif previous.tag == qn("w:tbl"):
            last_row = previous.findall(qn("w:tr"))[-1:]
            for p in (p for tr in last_row for p in tr.iter(qn("w:p"))):
                Paragraph(p, block._parent).paragraph_format.keep_with_next = True
            kept += 1
        else:
            break
        previous = previous.getprevious()


# -- widths ------------------------------------------------------------------------------------


def text_width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Estimated printed width of ``text`` (its longest line)."""
    return estimate_text_width_mm(text, size_pt) * (BOLD_FACTOR if bold else 1.0)


def longest_word_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width of the widest word of ``text``: what a cell needs to break no word."""
    words = str(text or "").split()
    return max((text_width_mm(word, size_pt, bold=bold) for word in words), default=0.0)


def column_minimum_mm(texts, size_pt: float, *, bold: bool = False) -> float:
    """The width a column needs so none of ``texts`` breaks inside a word
    (padding included, capped at :data:`MAX_WORD_COLUMN_MM`)."""
    widest = max((longest_word_mm(text, size_pt, bold=bold) for text in texts), default=0.0)
    return min(widest + CELL_PADDING_MM, MAX_WORD_COLUMN_MM) if widest else 0.0


def date_column_mm(size_pt: float) -> float:
    """The width a date column needs at ``size_pt`` ("12/03/2025" on one line)."""
    return text_width_mm(DATE_SAMPLE, size_pt) + CELL_PADDING_MM


def fit_columns(widths_mm, *, total_mm: float, minimums_mm=None) -> list[float]:
    """``widths_mm`` scaled to ``total_mm`` with every column at least its
    minimum; what the narrow columns gain is taken from the others in
    proportion to their width."""
    widths = [float(width) for width in widths_mm]
    minimums = [float(value or 0) for value in (minimums_mm or [0] * len(widths))]
    if sum(minimums) >= total_mm:
        return [total_mm * value / sum(minimums) for value in minimums]
    scale = total_mm / sum(widths)
    widths = [width * scale for width in widths]
    fixed: set[int] = set()
    while True:
        short = [i for i, width in enumerate(widths) if i not in fixed and width < minimums[i] - 1e-6]
        if not short:
            return [round(width, 2) for width in widths]
        fixed.update(short)
        for i in short:
            widths[i] = minimums[i]
        free = [i for i in range(len(widths)) if i not in fixed]
        room = total_mm - sum(widths[i] for i in fixed)
        free_total = sum(widths[i] for i in free)
        for i in free:
            widths[i] = widths[i] * room / free_total


def fit_font_size(texts, width_mm: float, size_pt: float, *, min_size: float, bold: bool = False) -> float:
    """The largest size from ``size_pt`` down to ``min_size`` (half points) at
    which no word of ``texts`` is wider than ``width_mm``."""
    size = size_pt
    while size > min_size and any(longest_word_mm(t, size, bold=bold) > width_mm for t in texts):
        size -= 0.5
    return size
