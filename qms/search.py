"""The full-text search backend every search of the site goes through.

Wagtail's database backend hands a query string to SQLite FTS5 or PostgreSQL's
``to_tsquery``, where quotes, brackets and words such as ``AND``/``NEAR`` are
syntax: a visitor typing ``"><script>`` got a server error. This backend keeps
the words only (a code such as ``1.001193`` stays whole) before the engine sees
them, for every caller: public search, admin listings, choosers, page search.
"""

from __future__ import annotations

import re
import unicodedata

from modelsearch.backends.database import SearchBackend as database_backend
from modelsearch.query import MATCH_NONE

_SEARCH_WORD = re.compile(r"\w+(?:[./-]\w+)*")
_OPERATOR_WORDS = {"AND", "OR", "NOT", "NEAR"}
MAX_SEARCH_WORDS = 12


def search_words(query: str) -> list[str]:
    """The words of ``query``, without the quotes, operators and brackets that
    SQLite FTS5 or PostgreSQL would read as query syntax."""
    words = _SEARCH_WORD.findall(unicodedata.normalize("NFC", query))
    return [word for word in words if word not in _OPERATOR_WORDS][:MAX_SEARCH_WORDS]


class PlainWordsMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if isinstance(query, str) and query.strip():
            words = search_words(query)
            query = " ".join(words) if words else MATCH_NONE
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


_classes: dict[type, type] = {}


def SearchBackend(params):  # noqa: N802 - Wagtail imports backends by this name
    backend = database_backend(params)
    base = type(backend)
    if base not in _classes:
        _classes[base] = type(f"PlainWords{base.__name__}", (PlainWordsMixin, base), {})
    backend.__class__ = _classes[base]
    return backend
