"""Read a quy trình back from a Word file into a :class:`ProcessContent`.

Reads the files written by :mod:`processes.docx.export` unchanged, and the
layouts communes write by hand: a title table in the page header or at the
top of the body (merged cells, "Mã số"/"Mã hiệu", dates as "05/01/2026" or
"ngày 05 tháng 01 năm 2026"), headings in Heading styles or as bold numbered
paragraphs ("1. MỤC ĐÍCH", "I. Mục đích", "5.7. Quy trình xử lý"), tables
whose columns are named a little differently (layout.py lists the names).
Pure: no database access. Bad input raises :class:`ProcessDocxError`.
"""

from __future__ import annotations

import re
import time
import weakref
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import docx
from django.utils.translation import gettext as _
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from qms.archives import ArchiveTooLarge, ZipLimits, check_zip
from qms.docx import labels as vn

from ..fees import fee_rows_from_text
from . import layout
from .layout import collapse, fold, normalize
from .schema import ChangeRow, DossierItem, FeeItem, FormItem, Person, ProcessContent, RecordItem, Step

MEGABYTE = 1024 * 1024
MAX_BYTES = 10 * MEGABYTE
#: Guard against zip bombs: the XML of a real quy trình is well under 1 MB, its images a few MB.
ZIP_LIMITS = ZipLimits(max_xml_bytes=10 * MEGABYTE, max_total_bytes=100 * MEGABYTE)
#: A real quy trình has a few hundred paragraphs (table cells included) and under a hundred table rows.
MAX_PARAGRAPHS = 3000
MAX_TABLE_ROWS = 2000
#: A dense A4 page holds ~3,500 characters; no paragraph or table cell of a quy trình runs to pages.
MAX_PARAGRAPH_CHARS = 20_000
#: Column names, labels and headings are short: longer texts are never compared with them.
MAX_NAME_CHARS = 200
#: Seconds of reading after which the import stops.
PARSE_SECONDS = 5.0
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls … (Word 97–2003)
LEGACY_FONT_PREFIXES = (".Vn", "VNI-", "VNI ")

_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_INTEGER = re.compile(r"\d+")
_CHECK_MARKS = {"x", "v", "✓", "✔", "☑", "+"}
_PROCEDURE_CODE = re.compile(r"ma\s+(?:so\s+)?(?:tthc|thu tuc hanh chinh|thu tuc)\s*:?\s*(\d+\.\d+)")
_NUMBERING_ROW = re.compile(r"^\(?(\d+)\)?$")
_NATIONAL_HEADER = ("cong hoa xa hoi", "doc lap tu do")
_TEXT_VALUED_LABELS = {"code", "issued_on", "effective_date", "name", "position", "signed_on"}
_IGNORED = layout.Section("", "", None, layout.GROUP)  # an unknown heading: its text is reported, not placed
#: "Quy trình này có hiệu lực (thi hành) kể từ ngày …" written in a sentence.
_EFFECTIVE_PHRASE = re.compile(r"hieu luc\s+(?:thi hanh\s+)?(?:ke\s+)?tu\s+ngay")


def table_name(kind: str) -> str:
    names = {
        "steps": _("steps"),
        "dossier": _("dossier"),
        "forms": _("forms"),
        "records": _("records to keep"),
        "changes": _("change table"),
        "fees": _("fees"),
    }
    return str(names.get(kind, kind))


class ProcessDocxError(ValueError):
    """A Word file that cannot be read as a quy trình; ``str(exc)`` tells the officer why."""


# -- values --------------------------------------------------------------------------------


def parse_date(text: str, *, field: str) -> date | None:
    """``"05/01/2026"``, ``"ngày 05 tháng 01 năm 2026"``, ``"2026-01-05"`` -> a date;
    text without a date -> None; an impossible date -> ProcessDocxError."""
    match = _DATE_NUMERIC.search(text) or _DATE_WORDS.search(normalize(text))
    if match:
        day, month, year = (int(part) for part in match.groups())
    elif iso := _DATE_ISO.search(text):
        year, month, day = (int(part) for part in iso.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        message = _("%(field)s: “%(value)s” is not a valid date (write it as dd/mm/yyyy).")
        raise ProcessDocxError(message % {"field": field, "value": text.strip()}) from None


def parse_int(text: str) -> int | None:
    """First whole number in ``text`` ("01" -> 1, "02 bản" -> 2); a tick mark -> 1."""
    if match := _INTEGER.search(text):
        return int(match.group())
    return 1 if text.strip().casefold() in _CHECK_MARKS else None


def after_words(line: str, count: int) -> str:
    """``line`` without its first ``count`` words (and a ":" after them)."""
    return " ".join(line.split()[count:]).lstrip(":").strip()


def split_label(line: str, table: dict[str, tuple[str, ...]]) -> tuple[str, str] | None:
    """``"Mã số: QT-01"`` -> ``("code", "QT-01")`` when the line starts with one of
    the (normalised) names in ``table``; ``"Ngày hiệu lực:"`` -> ``("effective_date", "")``.
    The colon may be left out ("Lần ban hành 01")."""
    head, colon, tail = line.partition(":")
    if colon and len(head) <= MAX_NAME_CHARS:
        name = normalize(head)
        for key, names in table.items():
            if name in names:
                return key, tail.strip()
    longest = max((len(name.split()) for names in table.values() for name in names), default=0)
    words = [normalize(word) for word in line.split(None, longest)[:longest]]
    hits = [
        (len(name.split()), key)
        for key, names in table.items()
        for name in names
        if words[: len(name.split())] == name.split()
    ]
    if not hits:
        return None
    length, key = max(hits)
    value = after_words(line, length)
    # without a colon, "Trang bị …" is a name, not the label "Trang"
    if value and not value[0].isdigit() and key not in _TEXT_VALUED_LABELS:
        return None
    return key, value


def _trim_lines(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")


def paragraph_lines(paragraph: Paragraph) -> list[str]:
    lines = [line.strip() for line in paragraph.text.split("\n")]
    if lines[0] and _is_list_item(paragraph) and lines[0][0] not in "-–•+*":
        lines[0] = f"- {lines[0]}"
    return lines


@dataclass(frozen=True)
class StyleFacts:
    name: str
    bold: bool


#: Per document part, style id -> facts: python-docx walks every style of the
#: document on each ``paragraph.style`` read, which made long files take minutes.
_STYLE_FACTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def style_facts(paragraph: Paragraph) -> StyleFacts:
    known = _STYLE_FACTS.setdefault(paragraph.part, {})
    style_id = paragraph._p.style
    if style_id not in known:
        style = paragraph.style
        known[style_id] = (
            StyleFacts(name=style.name or "", bold=bool(style.font.bold))
            if style is not None
            else StyleFacts("", False)
        )
    return known[style_id]


def _is_list_item(paragraph: Paragraph) -> bool:
    pPr = paragraph._p.pPr
    return (pPr is not None and pPr.numPr is not None) or style_facts(paragraph).name.startswith("List")


def is_bold(paragraph: Paragraph) -> bool:
    style_bold = style_facts(paragraph).bold
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold or (run.bold is None and style_bold) for run in runs)


def is_heading_style(paragraph: Paragraph) -> bool:
    return style_facts(paragraph).name.casefold().startswith(("heading", "title"))


# -- tables ----------------------------------------------------------------------------------


@dataclass
class Row:
    texts: list[str]  # one per grid column (a merged cell repeats)
    cells: list  # the w:tc behind each grid column (None before a row that starts late)

    @property
    def empty(self) -> bool:
        return not any(self.texts)

    @property
    def merged_across(self) -> bool:
        return len(self.cells) > 1 and all(cell is self.cells[0] for cell in self.cells)

    def starts(self) -> list[tuple[int, str, object]]:
        """(grid column, text, w:tc) of each cell, once, at its first grid column."""
        return [
            (index, text, tc)
            for index, (text, tc) in enumerate(zip(self.texts, self.cells, strict=False))
            if tc is not None and (index == 0 or tc is not self.cells[index - 1])
        ]

    def get(self, index: int) -> str:
        return self.texts[index] if index < len(self.texts) else ""


def cell_text(cell) -> str:
    return _trim_lines([line.strip() for p in cell.paragraphs for line in p.text.split("\n")])


def table_rows(table: Table) -> list[Row]:
    """The table as rows of grid-aligned texts (``row.cells`` read once per row)."""
    texts: dict = {}
    rows = []
    for row in table.rows:
        cells = row.cells
        for cell in cells:
            if cell._tc not in texts:
                texts[cell._tc] = cell_text(cell)
        tcs = [None] * row.grid_cols_before + [cell._tc for cell in cells]
        rows.append(Row(["" if tc is None else texts[tc] for tc in tcs], tcs))
    return rows


def map_columns(table: layout.TableLayout, row: Row) -> dict[str, int]:
    """Field -> grid column, from the column names in ``row``: exact names
    first, then names that start with a known name ("Thời gian thực hiện")."""
    names = {index: normalize(text) for index, text, _tc in row.starts() if text and len(text) <= MAX_NAME_CHARS}
    mapping: dict[str, int] = {}

    def assign(column: layout.Column, matches) -> None:
        key = column.field or "#"
        free = (index for index, name in names.items() if index not in mapping.values() and matches(name))
        if key not in mapping and (index := next(free, None)) is not None:
            mapping[key] = index

    for column in table.columns:
        assign(column, lambda name, c=column: name in c.names or name in c.exact)
    for column in table.columns:
        assign(column, lambda name, c=column: any(name.startswith(alias + " ") for alias in c.names))
    mapping.pop("#", None)
    return mapping


def find_header(table: layout.TableLayout, rows: list[Row]) -> tuple[int, dict[str, int]] | None:
    """(row index, mapping) of the column names, looked for in the first rows."""
    for index, row in enumerate(rows[:3]):
        mapping = map_columns(table, row)
        if any(all(field in mapping for field in group) for group in table.required):
            return index, mapping
    return None


def _is_numbering_row(row: Row) -> bool:
    values = [text for _index, text, _tc in row.starts()]
    numbers = [_NUMBERING_ROW.match(value) for value in values]
    return len(values) > 2 and all(numbers) and [int(m.group(1)) for m in numbers] == list(range(1, len(values) + 1))


def data_rows(rows: list[Row], header: int, mapping: dict[str, int]) -> list[dict[str, str]]:
    """The rows under the column names as field -> text, without blank rows,
    rows merged across the table, repeated column names and "(1) (2) (3)" rows."""
    result = []
    for row in rows[header + 1 :]:
        if row.empty or row.merged_across or row.texts == rows[header].texts or _is_numbering_row(row):
            continue
        values = {field: row.get(index) for field, index in mapping.items()}
        if any(values.values()):
            result.append(values)
    return result


def unique_cells(rows: list[Row]) -> list[list[list[str]]]:
    """Rows -> cells -> non-empty lines; a merged cell only where it starts."""
    seen: set = set()
    result = []
    for row in rows:
        starts = [(text, tc) for _index, text, tc in row.starts() if tc not in seen]
        seen.update(tc for _text, tc in starts)
        result.append([[line for line in text.split("\n") if line] for text, _tc in starts])
    return result


# -- title table and approval block -------------------------------------------------------------------


@dataclass
class TitleTable:
    agency: str = ""
    title: str = ""
    has_marker: bool = False  # "QUY TRÌNH" was found


def _cell_labels(lines: list[str], labels: dict[str, str]) -> tuple[list[str], list[str]]:
    """Split a cell into plain lines and labels without a value; labels with a value go to ``labels``."""
    plain, label_only = [], []
    for line in lines:
        hit = split_label(line, layout.HEADER_LABELS)
        if hit is None:
            plain.append(line)
        elif hit[1]:
            labels.setdefault(*hit)
        else:
            label_only.append(hit[0])
    return plain, label_only


def read_title_table(rows: list[Row], labels: dict[str, str]) -> TitleTable:
    """agency | QUY TRÌNH + name | Mã hiệu, Lần ban hành, … in any arrangement
    of (merged) cells; a label alone in a cell takes its value from the next cell of the row."""
    found = TitleTable()
    agency: list[str] | None = None
    title: list[str] = []
    want_title = False
    for cells in unique_cells(rows):
        pending: list[str] = []
        for lines in cells:
            plain, label_only = _cell_labels(lines, labels)
            if pending and plain and not label_only:
                for key, value in zip(pending, plain, strict=False):
                    labels.setdefault(key, value)
                pending = []
                continue
            pending = label_only
            marker = next((i for i, line in enumerate(plain) if _starts_with_quy_trinh(line)), None)
            if marker is not None:
                found.has_marker = True
                agency = plain[:marker] if agency is None else agency
                title = [after_words(plain[marker], 2), *plain[marker + 1 :]]
                want_title = not any(title)
            elif plain and want_title:
                title, want_title = plain, False
            elif plain and agency is None:
                agency = plain
    found.agency, found.title = collapse(" ".join(agency or [])), collapse(" ".join(title))
    return found


def _person_row(label: str) -> str | None:
    if len(label) > MAX_NAME_CHARS:
        return None
    name = normalize(label)
    return next((key for key, names in layout.PERSON_ROWS.items() if name in names), None)


def _person(role: str, values: dict[str, str]) -> Person:
    column = next(column.header for column in layout.APPROVAL_TABLE.columns if column.field == role)
    signed_on = parse_date(values.get("signed_on", ""), field=f"{column} - {vn.NGAY.lower()}")
    return Person(name=collapse(values.get("name", "")), position=values.get("position", ""), signed_on=signed_on)


def read_approval(
    rows: list[Row], header: int, mapping: dict[str, int], unplaced: list[str] | None = None
) -> dict[str, Person]:
    """Soạn thảo | Soát xét | Phê duyệt: rows labelled in the first column
    (Họ tên, Chức vụ, Ngày), "Họ tên: …" lines, or else name then position.
    Lines beyond the name and the position go to ``unplaced``."""
    label_column = None if 0 in mapping.values() else 0
    found: dict[str, dict[str, str]] = {role: {} for role in mapping}
    loose: dict[str, list[str]] = {role: [] for role in mapping}
    for row in rows[header + 1 :]:
        key = _person_row(row.get(label_column)) if label_column is not None else None
        for role, index in mapping.items():
            if key:
                found[role].setdefault(key, row.get(index))
                continue
            for line in filter(None, row.get(index).split("\n")):
                if hit := split_label(line, layout.PERSON_ROWS):
                    found[role].setdefault(*hit)
                elif not (line.startswith("(") and line.endswith(")")):  # "(Đã ký)", "(ký, ghi rõ họ tên)"
                    loose[role].append(line)
    for role, values in found.items():
        for key, line in zip(("name", "position"), loose[role], strict=False):
            values.setdefault(key, line)
        taken = sum(1 for key in ("name", "position") if key in values)
        for line in loose[role][taken:]:
            if unplaced is not None and line not in values.values():
                column = rows[header].get(mapping[role])
                message = _("Approval block, column “%(column)s”: %(text)s")
                unplaced.append(message % {"column": collapse(column), "text": line})
    return {role: _person(role, values) for role, values in found.items()}


# -- the reader ------------------------------------------------------------------------------


class Reader:
    """Walks the page headers, then the body, collecting what it recognises."""

    def __init__(self, *, deadline: float | None = None) -> None:
        self.deadline = deadline
        self.labels: dict[str, str] = {}
        self.title_table = TitleTable()
        self.front_lines: list[str] = []  # body lines since the last table, before "QUY TRÌNH"
        self.body_agency = self.body_title = ""
        self.body_marker = self.want_title = False
        self.section: layout.Section | None = None  # None: before the first heading
        self.lines: dict[str, list[str]] = {}
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.people: dict[str, Person] = {}
        self.unplaced: list[str] = []  # what was read but has no place in the quy trình, for the officer
        self.ignored_heading = ""
        self.dropped_front: list[str] = []  # lines before a table that were not the title block

    # -- walking

    def read(self, doc: Document) -> None:
        for section in doc.sections:
            for part in (section.first_page_header, section.header):
                if not part.is_linked_to_previous:
                    self.read_blocks(part.iter_inner_content())
        self.section, self.front_lines = None, []
        self.read_blocks(doc.iter_inner_content())

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            message = _(
                "Reading the document took longer than %(seconds)s seconds and was stopped; nothing was imported. "
                "Check that this is the right file, or split it into smaller documents."
            )
            raise ProcessDocxError(message % {"seconds": f"{PARSE_SECONDS:g}"})

    def read_blocks(self, blocks) -> None:
        for block in blocks:
            self.check_time()
            if isinstance(block, Table):
                self.read_table(block)
            else:
                self.read_paragraph(block)

    def read_paragraph(self, paragraph: Paragraph) -> None:
        lines = paragraph_lines(paragraph)
        if self.want_title and any(lines) and not split_label(paragraph.text, layout.HEADER_LABELS):
            self.body_title, self.want_title = collapse(" ".join(lines)), False
            return
        if heading := self.heading(paragraph):
            self.section, inline = heading
            lines = [inline] if inline else []
            if self.section is _IGNORED:
                self.ignored_heading = collapse(paragraph.text)
        if self.section is None:
            self.front_paragraph(paragraph, [line for line in lines if line])
        elif self.section.field:
            self.lines.setdefault(self.section.field, []).extend(lines)
        elif self.section is _IGNORED:
            message = _("Under the heading “%(heading)s”, which is not a section of a quy trình: %(text)s")
            self.unplaced.extend(message % {"heading": self.ignored_heading, "text": line} for line in lines if line)

    def heading(self, paragraph: Paragraph) -> tuple[layout.Section, str] | None:
        """(section, text after a ":") when ``paragraph`` is a section heading."""
        text = paragraph.text.strip()
        if not text or len(text) > 200:
            return None
        head, colon, inline = text.partition(":")
        body, numbered = layout.strip_numbering(head)
        numbered = numbered or _is_list_item(paragraph)  # Word's own numbering
        styled = is_heading_style(paragraph)
        if not (styled or is_bold(paragraph) or (numbered and body.isupper())):
            return None
        name = normalize(body)
        section = next((s for s in layout.SECTIONS if name in s.names), None)
        if section is None and (styled or numbered):
            section = _section_by_prefix(name)
        if section is None:
            return (_IGNORED, "") if styled else None
        return section, inline.strip() if colon else ""

    def front_paragraph(self, paragraph: Paragraph, lines: list[str]) -> None:
        """Before the first heading: "Mã …: …" labels and the title block
        (agency, "QUY TRÌNH", name) as written."""
        for line in lines:
            if hit := split_label(line, layout.HEADER_LABELS):
                self.labels.setdefault(*hit)
            elif not self.body_marker and _is_quy_trinh_line(paragraph, line):
                self.body_marker = True
                self.body_title = after_words(line, 2)
                self.want_title = not self.body_title
                agency = [text for text in self.front_lines if not fold(text).startswith(_NATIONAL_HEADER)]
                self.body_agency = collapse(" ".join(agency))
            elif self.body_marker and not self.want_title and not _is_boilerplate(line):
                self.unplaced.append(_("Before the first section: %(text)s") % {"text": line})
            else:
                self.front_lines.append(line)

    def read_table(self, table: Table) -> None:
        rows = table_rows(table)
        self.check_time()
        self.dropped_front.extend(self.front_lines)
        self.front_lines, self.want_title = [], False
        found = self.classify(rows)
        if found is None:
            if self.section is None and not self.title_table.has_marker:
                found = read_title_table(rows, self.labels)
                found.agency = found.agency or self.title_table.agency  # e.g. from a national header table
                self.title_table = found
            else:
                self.report_table(rows)
            return
        kind, header, mapping = found
        if kind == layout.APPROVAL_TABLE.kind:
            if self.people:
                self.report_table(rows)
            else:
                self.people = read_approval(rows, header, mapping, self.unplaced)
        else:
            self.rows.setdefault(kind, []).extend(data_rows(rows, header, mapping))
            self.report_unmapped(kind, rows, header, mapping)

    def report_table(self, rows: list[Row]) -> None:
        message = _("A table that is not part of a quy trình, row %(row)d: %(text)s")
        for number, cells in enumerate(unique_cells(rows), start=1):
            if text := " | ".join(" ".join(lines) for lines in cells if lines):
                self.unplaced.append(message % {"row": number, "text": text})

    def report_unmapped(self, kind: str, rows: list[Row], header: int, mapping: dict[str, int]) -> None:
        """Cells of columns the quy trình has no place for, and rows merged across the table."""
        placed = set(mapping.values())
        across = _("Table of %(table)s, row %(row)d across the table: %(text)s")
        column = _("Table of %(table)s, column “%(column)s”, row %(row)d: %(text)s")
        for number, row in enumerate(rows[header + 1 :], start=header + 2):
            if row.empty or row.texts == rows[header].texts or _is_numbering_row(row):
                continue
            if row.merged_across:
                text = collapse(row.texts[0])
                self.unplaced.append(across % {"table": table_name(kind), "row": number, "text": text})
                continue
            mapped_cells = {row.cells[index] for index in placed if index < len(row.cells)}
            for index, text, tc in row.starts():
                if text and index not in placed and tc not in mapped_cells and not _NUMBERING_ROW.match(text):
                    name = collapse(rows[header].get(index)) or str(index + 1)
                    values = {"table": table_name(kind), "column": name, "row": number, "text": collapse(text)}
                    self.unplaced.append(column % values)

    def classify(self, rows: list[Row]) -> tuple[str, int, dict[str, int]] | None:
        """What a table is, from its column names; the section it is in is tried first."""
        layouts = list(layout.TABLE_LAYOUTS)
        if self.section is not None and self.section.field in layout.SECTION_TABLES:
            layouts.insert(0, layout.SECTION_TABLES[self.section.field])
        for table in layouts:
            if found := find_header(table, rows):
                return (table.kind, *found)
        return None

    # -- result

    def text(self, field: str) -> str:
        return _trim_lines(self.lines.get(field, []))

    def check(self) -> None:
        has_steps = "steps" in self.rows
        if not (self.title_table.has_marker or self.body_marker or has_steps):
            raise ProcessDocxError(
                _(
                    "This document is not a quy trình: it has no “QUY TRÌNH” title block and no table of "
                    "processing steps (Bước | Nội dung công việc | Trách nhiệm | …)."
                )
            )
        if not (self.body_title or self.title_table.title):
            raise ProcessDocxError(
                _(
                    "The name of the quy trình was not found: write it after “QUY TRÌNH” in the title "
                    "table at the top of the document."
                )
            )
        if not has_steps:
            raise ProcessDocxError(
                _(
                    "The table of processing steps (section 5.7: Bước | Nội dung công việc | Trách nhiệm | "
                    "Thời gian | Hồ sơ/Biểu mẫu | Diễn giải) was not found."
                )
            )
        if not any(map(_is_step, self.rows["steps"])):
            raise ProcessDocxError(_("The table of processing steps has no steps."))

    def content(self) -> ProcessContent:
        self.check()
        self.report_front()
        content = ProcessContent(
            agency=self.agency(),
            title=self.body_title or self.title_table.title,
            code=collapse(self.labels.get("code", "")),
        )
        self.fill_header(content)
        for section in layout.SECTIONS:
            if section.kind == layout.PROSE:
                setattr(content, section.field, self.text(section.field))
        self.fill_tables(content)
        for role in ("drafted", "reviewed", "approved"):
            setattr(content, role, self.people.get(role, Person()))
        return content

    def report_front(self) -> None:
        """Lines before a table at the top that are neither the national header nor the agency."""
        known = fold(" ".join([self.agency(), self.title_table.title, self.body_title]))
        message = _("Before the first section: %(text)s")
        for line in self.dropped_front:
            folded = fold(line)
            if folded.startswith(_NATIONAL_HEADER) or folded in known or split_label(line, layout.HEADER_LABELS):
                continue
            if _is_boilerplate(line):
                continue
            self.unplaced.append(message % {"text": line})

    def all_lines(self) -> list[str]:
        return [line for lines in self.lines.values() for line in lines]

    def agency(self) -> str:
        """The title block's agency as written when it is the title table's one (or there is none)."""
        body, header = self.body_agency, self.title_table.agency
        return body if body and (not header or fold(body) == fold(header)) else header

    def fill_header(self, content: ProcessContent) -> None:
        get = self.labels.get
        content.issue_number = parse_int(get("issue_number", "")) or parse_int(get("revision", "")) or 1
        content.issued_on = parse_date(get("issued_on", ""), field=layout.NGAY_BAN_HANH.rstrip(":"))
        content.effective_date = parse_date(get("effective_date", ""), field=vn.NGAY_HIEU_LUC.rstrip(":"))
        if content.effective_date is None:
            content.effective_date = self.effective_date_in_text()
        content.procedure_code = collapse(get("procedure_code", ""))
        if "procedure_code" not in self.labels:
            match = _PROCEDURE_CODE.search(fold(self.text("scope") + "\n" + self.text("purpose")))
            content.procedure_code = match.group(1) if match else ""

    def effective_date_in_text(self) -> date | None:
        """The date of "… có hiệu lực (thi hành) kể từ ngày 15/01/2026" in a section or before the first one."""
        labels = {"effective_date": layout.HEADER_LABELS["effective_date"]}
        for line in self.all_lines() + self.dropped_front + self.front_lines:
            if (hit := split_label(line, labels)) and (found := parse_date(hit[1], field=vn.NGAY_HIEU_LUC.rstrip(":"))):
                return found
            folded = fold(line)
            if match := _EFFECTIVE_PHRASE.search(folded):
                found = parse_date("ngay " + folded[match.end() :], field=vn.NGAY_HIEU_LUC.rstrip(":"))
                if found:
                    return found
        return None

    def fill_tables(self, content: ProcessContent) -> None:
        rows = self.rows
        content.steps = [
            Step(code=row.get("code") or f"B{index}", **_fields(row, *STEP_TEXTS))
            for index, row in enumerate(filter(_is_step, rows["steps"]), start=1)
        ]
        content.dossier = [_dossier_item(row) for row in rows.get("dossier", []) if row.get("name")] or [
            DossierItem(name=line) for line in self.list_items("dossier")
        ]
        content.forms = [FormItem(**_fields(row, "code", "name")) for row in rows.get("forms", [])] or [
            _form_from_line(line) for line in self.list_items("forms")
        ]
        content.records = [RecordItem(**_fields(row, "name", "keeper", "retention")) for row in rows.get("records", [])]
        content.records = content.records or [RecordItem(name=line) for line in self.list_items("records")]
        content.changes = [_change(index, row) for index, row in enumerate(rows.get("changes", []), start=1)]
        content.fees = [FeeItem(**_fields(row, "item", "amount", "notes")) for row in rows.get("fees", [])]
        content.fees = [row for row in content.fees if row.item or row.amount] or fee_rows_from_text(
            "\n".join(self.lines.get("fees", []))
        )

    def list_items(self, field: str) -> list[str]:
        """Items of a table section written as a list instead of a table."""
        items = (layout.strip_numbering(line)[0] for line in self.lines.get(field, []))
        return [item.rstrip(";.") for item in items if item and not item.endswith(":")]


STEP_TEXTS = ("content", "responsible", "duration", "forms", "notes")


def _is_step(row: dict[str, str]) -> bool:
    return any(row.get(name) for name in STEP_TEXTS)  # not a step number alone


def _fields(row: dict[str, str], *names: str) -> dict[str, str]:
    return {name: row.get(name, "") for name in names}


def _dossier_item(row: dict[str, str]) -> DossierItem:
    return DossierItem(
        name=row["name"],
        originals=parse_int(row.get("originals", "")),
        copies=parse_int(row.get("copies", "")),
        note=row.get("note", ""),
    )


def _change(index: int, row: dict[str, str]) -> ChangeRow:
    field = f"{vn.THEO_DOI_SUA_DOI.capitalize()}, {vn.NGAY_SUA_DOI.lower()} ({vn.STT} {index})"
    return ChangeRow(
        **_fields(row, "request", "page", "content"),
        changed_on=parse_date(row.get("changed_on", ""), field=field),
        issue_number=parse_int(row.get("issue_number", "")),
    )


def _form_from_line(line: str) -> FormItem:
    for separator in (":", " – ", " - "):
        code, found, name = line.partition(separator)
        if found and code.strip() and len(code) <= 20:
            return FormItem(code=code.strip(), name=name.strip())
    return FormItem(code="", name=line)


def _is_boilerplate(line: str) -> bool:
    """A rule line, or the heading of the change table, which the change table itself holds."""
    return set(line) <= set("-–_*=. ") or "theo doi sua doi" in normalize(line)


def _starts_with_quy_trinh(line: str) -> bool:
    name = normalize(line)
    return name == layout.QUY_TRINH or name.startswith(layout.QUY_TRINH + " ")


def _is_quy_trinh_line(paragraph: Paragraph, line: str) -> bool:
    """ "QUY TRÌNH" alone, or "QUY TRÌNH <name>" in bold or capitals (not "Quy trình này …")."""
    if normalize(line) == layout.QUY_TRINH:
        return True
    return _starts_with_quy_trinh(line) and (is_bold(paragraph) or line.isupper())


def _section_by_prefix(name: str) -> layout.Section | None:
    matches = [(len(alias), s) for s in layout.SECTIONS for alias in s.names if name.startswith(alias + " ")]
    return max(matches, key=lambda match: match[0])[1] if matches else None


# -- entry point --------------------------------------------------------------------------------


def open_docx(data: bytes) -> Document:
    """The python-docx Document, or ProcessDocxError for anything that is not a sound .docx."""
    if not data:
        raise ProcessDocxError(_("The file is empty: choose the Word file (.docx) of the quy trình."))
    if len(data) > MAX_BYTES:
        message = _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
        sizes = {"size": f"{len(data) / MEGABYTE:.1f}", "limit": MAX_BYTES // MEGABYTE}
        raise ProcessDocxError(message % sizes)
    if bytes(data[:8]) == OLE_SIGNATURE:
        raise ProcessDocxError(
            _(
                "This is an old Word file (.doc). Open it in Word, save it as .docx (Word Document), "
                "then import that file."
            )
        )
    try:
        infos = check_zip(data, ZIP_LIMITS)
    except ArchiveTooLarge as exc:
        message = _(
            "The Word file unpacks to far more data than a quy trình holds (%(size)s MB); it was not read. "
            "Check that this is the right file."
        )
        raise ProcessDocxError(message % {"size": f"{exc.unpacked / MEGABYTE:.0f}"}) from None
    except Exception as exc:  # zipfile raises many kinds
        infos, cause = [], exc
    else:
        cause = None
    if "word/document.xml" in {info.filename for info in infos}:
        try:
            return docx.Document(BytesIO(data))
        except Exception as exc:  # lxml and python-docx raise many kinds
            cause = exc
    message = _("The file is not a valid Word document (.docx): it is damaged or of another kind.")
    raise ProcessDocxError(message) from cause


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _refuse_over(count: int, limit: int, message: str) -> None:
    """ProcessDocxError with ``message`` (naming ``count`` and ``limit``) when ``count`` is over ``limit``."""
    if count > limit:
        raise ProcessDocxError(message % {"count": _count(count), "limit": _count(limit)})


def check_size(doc: Document) -> None:
    """ProcessDocxError when the body has more paragraphs or table rows than a quy trình ever has."""
    body = doc.element.body
    _refuse_over(
        sum(1 for _element in body.iter(qn("w:p"))),
        MAX_PARAGRAPHS,
        _(
            "The document has %(count)s paragraphs; a quy trình has at most %(limit)s. "
            "Check that this is the right file."
        ),
    )
    _refuse_over(
        sum(1 for _element in body.iter(qn("w:tr"))),
        MAX_TABLE_ROWS,
        _(
            "The document's tables have %(count)s rows; a quy trình has at most %(limit)s. "
            "Check that this is the right file."
        ),
    )
    _refuse_over(
        max((sum(len(t.text or "") for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))), default=0),
        MAX_PARAGRAPH_CHARS,
        _(
            "A paragraph of the document has %(count)s characters; a quy trình has none longer than %(limit)s. "
            "Check that this is the right file."
        ),
    )


def legacy_fonts(doc: Document) -> list[str]:
    """Fonts of the pre-Unicode Vietnamese encodings (TCVN3 ".VnTime", VNI "VNI-Times")."""
    fonts = set()
    for part in (doc.element, doc.styles.element):
        for rfonts in part.iter(qn("w:rFonts")):
            fonts.update(value for value in rfonts.attrib.values() if value.startswith(LEGACY_FONT_PREFIXES))
    return sorted(fonts)


def parse_process_docx(data: bytes) -> ProcessContent:
    """The quy trình in a .docx file (bytes); ProcessDocxError with a message
    for the officer when the file is not a readable quy trình."""
    return read_process_docx(data)[0]


def read_process_docx(data: bytes) -> tuple[ProcessContent, list[str]]:
    """The quy trình in a .docx file and, line by line, what was read but has no place in it."""
    deadline = time.monotonic() + PARSE_SECONDS
    doc = open_docx(data)
    check_size(doc)
    reader = Reader(deadline=deadline)
    reader.read(doc)
    try:
        return reader.content(), reader.unplaced
    except ProcessDocxError as exc:
        if fonts := legacy_fonts(doc):
            message = _(
                "This document is typed in an old Vietnamese font encoding (%(fonts)s), not Unicode. "
                "Convert it to Unicode (for example with the Unikey converter), then import it again."
            )
            raise ProcessDocxError(message % {"fonts": ", ".join(fonts)}) from exc
        raise
