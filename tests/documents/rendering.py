"""Reading Word documents as printed: LibreOffice renders them to PDF, pdfplumber reads the pages.

``render_batch`` converts many Word files with ONE LibreOffice process (its
profile is per xdist worker, see ``lo_profile``); the helpers below measure
what a reader of the printed page would notice. Lengths are in millimetres.
"""

from __future__ import annotations

import bisect
import io
import os
import re
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from django.conf import settings

from qms.files.pdf import docx_files_to_pdf, libreoffice_path

PT_PER_MM = 72 / 25.4
A4_MM = (210.0, 297.0)
#: NĐ 30/2020: top, bottom, left, right margins.
MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}
DATE = r"\d{2}/\d{2}/\d{4}"
#: A quy trình code ("QT-04/HT", "QTM-01/HT").
CODE = r"QTM?-\d{2}/[A-ZĐ]{2,4}"
DRAFT_MARK = "DỰ THẢO"
#: Body text is 13 pt (NĐ 30); smaller type is the "Nơi nhận" list or a table.
BODY_SIZE_PT = 12.5
PAGE_NUMBER = re.compile(r"^(?:Trang\s*)?(\d{1,3})(?:\s*/\s*\d{1,3})?$")

needs_libreoffice = pytest.mark.skipif(
    libreoffice_path() is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui fonts-liberation2",
)


def lo_profile() -> Path:
    """The LibreOffice profile of this test worker (one per xdist worker, kept across runs)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return Path(settings.DATA_DIR) / f"lo-profile-test-{worker}"


def render_batch(documents: dict[str, bytes], workdir: Path) -> dict[str, Path]:
    """``{name: docx bytes}`` → ``{name: pdf path}``, all converted by one LibreOffice process."""
    sources = workdir / "docx"
    sources.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in documents.items():
        path = sources / f"{name}.docx"
        path.write_bytes(data)
        paths.append(path)
    pdfs = docx_files_to_pdf(paths, workdir / "pdf", profile=lo_profile())
    return dict(zip(documents, pdfs, strict=True))


def mm(points: float) -> float:
    return points / PT_PER_MM


def page_sizes(pdf) -> list[tuple[float, float]]:
    """(width, height) of every page, in mm to 0.1."""
    return [(round(mm(page.width), 1), round(mm(page.height), 1)) for page in pdf.pages]


def lines(page) -> list[str]:
    """The page's text lines, top to bottom."""
    return [line["text"].strip() for line in page.extract_text_lines() if line["text"].strip()]


def _without_mark(text: str) -> str:
    return text.replace(DRAFT_MARK, "").strip()


def _margin_lines(page) -> list[dict]:
    """Lines in the top or bottom margin (the header and footer)."""
    top_band, bottom_band = MARGINS_MM["top"] * PT_PER_MM, page.height - MARGINS_MM["bottom"] * PT_PER_MM
    return [line for line in page.extract_text_lines() if line["top"] < top_band or line["bottom"] > bottom_band]


def _page_number_lines(page) -> list[dict]:
    """Lines of the header or footer holding only a page number ("2", "Trang 2/5"), beside the draft mark if any."""
    return [line for line in _margin_lines(page) if PAGE_NUMBER.match(_without_mark(line["text"]))]


def _header_mark_lines(page) -> list[dict]:
    """Header/footer lines holding a page number or only the draft mark: they belong in the margin."""
    marks = ((line, _without_mark(line["text"])) for line in _margin_lines(page))
    return [line for line, rest in marks if not rest or PAGE_NUMBER.match(rest)]


def page_number_on(page) -> int | None:
    """The page number printed in the header or footer margin of ``page``, or None."""
    found = _page_number_lines(page)
    return int(PAGE_NUMBER.match(_without_mark(found[0]["text"])).group(1)) if found else None


def text_box_margins_mm(page) -> dict[str, float]:
    """Distance from each page edge to the nearest text (page number and draft mark aside), in mm."""
    numbers = [(line["top"], line["x0"]) for line in _header_mark_lines(page)]
    chars = [
        c
        for c in page.chars
        if c["text"].strip() and not any(abs(c["top"] - top) < 1 and c["x0"] >= x0 - 1 for top, x0 in numbers)
    ]
    if not chars:
        return {}
    return {
        "top": round(mm(min(c["top"] for c in chars)), 1),
        "bottom": round(mm(page.height - max(c["bottom"] for c in chars)), 1),
        "left": round(mm(min(c["x0"] for c in chars)), 1),
        "right": round(mm(page.width - max(c["x1"] for c in chars)), 1),
    }


def margin_violations(page, *, tolerance_mm: float = 2.0) -> dict[str, float]:
    """The sides where text comes closer to the edge than the NĐ 30 margin (minus the tolerance)."""
    found = text_box_margins_mm(page)
    return {side: value for side, value in found.items() if value < MARGINS_MM[side] - tolerance_mm}


def only_signature_on_last_page(pdf, signer_name: str) -> bool:
    """True when the last page of a multi-page document holds nothing but the closing block with ``signer_name``.

    The closing block is the signature column (right half of the page) and the
    "Nơi nhận" list (left, in smaller type); any body-size text in the left half
    means the signature has something of the document above it.
    """
    if len(pdf.pages) < 2:
        return False
    last = pdf.pages[-1]
    if signer_name not in (last.extract_text() or ""):
        return False
    numbers = [line["top"] for line in _page_number_lines(last)]
    middle = last.width / 2
    body = [
        c
        for c in last.chars
        if c["text"].strip()
        and c["x0"] < middle
        and c["size"] >= BODY_SIZE_PT
        and not any(abs(c["top"] - top) < 1 for top in numbers)
    ]
    return not body


def broken_tokens(pdf, regex: str) -> list[str]:
    """Tokens matching ``regex`` (a date, a code) printed split over lines: ``"p1: 12/0|3/20|25"``.

    A piece continues on the next line at or left of where it started (the
    start of its cell or paragraph).
    """
    pattern = re.compile(regex)
    longest = _longest_match(pattern)
    broken = []
    for number, page in enumerate(pdf.pages, start=1):
        words = page.extract_words()
        below = _Below(words)
        for first in words:
            if pattern.search(first["text"]):
                continue
            for pieces in _chains(below, [first], pattern, longest):
                if not any(pattern.search(p["text"]) for p in pieces):
                    broken.append(f"p{number}: " + "|".join(p["text"] for p in pieces))
    return broken


def _longest_match(pattern: re.Pattern) -> int | None:
    """The most characters ``pattern`` can match, or None when unbounded."""
    _low, high = re._parser.parse(pattern.pattern, pattern.flags).getwidth()
    return high if high < re._constants.MAXREPEAT else None


class _Below:
    """For a word, the words of the next line that start at or left of it (its cell or paragraph continuing)."""

    def __init__(self, words):
        self.words = words
        self.order = sorted(range(len(words)), key=lambda i: words[i]["top"])
        self.tops = [words[i]["top"] for i in self.order]
        self.found = {}

    def __call__(self, word):
        key = id(word)
        if key not in self.found:
            height = word["bottom"] - word["top"]
            start = bisect.bisect_left(self.tops, word["top"] + 0.5 * height - 0.01)
            end = bisect.bisect_right(self.tops, word["top"] + 1.8 * height + 0.01)
            near = sorted(self.order[start:end])
            self.found[key] = [
                w
                for w in (self.words[i] for i in near)
                if 0.5 * height < w["top"] - word["top"] < 1.8 * height
                and word["x0"] - 80 * PT_PER_MM <= w["x0"] <= word["x0"] + 1
            ]
        return self.found[key]


def _chains(below, pieces, pattern, longest):
    joined = "".join(p["text"] for p in pieces)
    if longest is not None and len(joined) > longest:
        return  # longer than any match, and every further piece makes it longer
    if len(pieces) > 1 and pattern.fullmatch(joined):
        yield pieces
        return
    if len(pieces) < 5:
        for following in below(pieces[-1]):
            yield from _chains(below, [*pieces, following], pattern, longest)


def has_draft_mark(pdf) -> bool:
    """The draft mark ("DỰ THẢO") is printed somewhere in the document."""
    return any(DRAFT_MARK in (page.extract_text() or "") for page in pdf.pages)


def text_of(pdf) -> str:
    return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdfa_conformance(path: Path) -> tuple[str, str] | None:
    """(part, conformance) from the PDF's XMP metadata (``("2", "B")`` for PDF/A-2b), or None."""
    reader = pypdf.PdfReader(io.BytesIO(Path(path).read_bytes()))
    metadata = reader.xmp_metadata
    if metadata is None:
        return None
    xml = metadata.rdf_root.toxml()
    part = re.search(r'pdfaid:part(?:>|=")(\d)', xml)
    conformance = re.search(r'pdfaid:conformance(?:>|=")([A-Za-z])', xml)
    if not (part and conformance):
        return None
    return part.group(1), conformance.group(1).upper()


def open_pdf(path: Path):
    return pdfplumber.open(path)
