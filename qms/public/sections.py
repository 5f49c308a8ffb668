"""Sections of the public commune page, contributed by the feature apps.

The foundation registers the three sections a citizen expects (procedures,
quality policy and objectives, announcement) with an empty placeholder; an
app that owns the data re-registers the same key with its own template and a
context function ``(commune, request) -> dict``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    order: int
    context: Callable | None = None


_SECTIONS: dict[str, Section] = {}


def register_section(key: str, *, title, template: str, order: int, context: Callable | None = None) -> None:
    _SECTIONS[key] = Section(key=key, title=title, template=template, order=order, context=context)


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: s.order)


EMPTY = "public/sections/empty.html"
register_section("procedures", title=_("Administrative procedures"), template=EMPTY, order=10)
register_section("quality_policy", title=_("Quality policy and objectives"), template=EMPTY, order=20)
register_section("announcement", title=_("QMS announcement"), template=EMPTY, order=30)
