"""Names of generated downloads: telling (code, issue, the record's date) and ASCII-safe,
with the Vietnamese spelling kept for the ``filename*`` of the Content-Disposition."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.text import slugify

_D = str.maketrans("đĐ", "dD")
#: Characters no file system or browser accepts in a file name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class DownloadName:
    """``ascii``: ``filename="…"``; ``display``: the Vietnamese ``filename*``."""

    ascii: str
    display: str

    def __str__(self) -> str:
        return self.ascii


def ascii_slug(text: str) -> str:
    """``"QT-04/HT lần 2"`` -> ``"qt-04-ht-lan-2"``."""
    folded = unicodedata.normalize("NFKD", str(text).translate(_D).replace(".", "-"))
    return slugify("".join(c for c in folded if not unicodedata.combining(c)).replace("/", "-"))


def download_name(*parts, on: date | None = None, ext: str = "docx") -> DownloadName:
    """The name of a generated file from its telling parts (kind, code, issue,
    unit …; empty parts are skipped) and the record's date.

    ``download_name("QT-04/HT", "lần 2", on=date(2025, 3, 12))`` ->
    ``qt-04-ht-lan-2-2025-03-12.docx`` / ``QT-04-HT lần 2 2025-03-12.docx``."""
    words = [str(part).strip() for part in parts if part is not None and str(part).strip()]
    if on is not None:
        words.append(on.isoformat())
    slug = "-".join(filter(None, (ascii_slug(word) for word in words))) or "tai-lieu"
    display = " ".join(_UNSAFE.sub("-", word) for word in words) or slug
    return DownloadName(ascii=f"{slug}.{ext}", display=f"{display}.{ext}")
