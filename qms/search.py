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
        return super()._search(_fts_first(query_compiler_class), query, model_or_queryset, **kwargs)


_compilers: dict[type, type] = {}


def _fts_first(compiler_class: type) -> type:
    """On SQLite, the query compiler whose index query starts from the full-text match.

    The stock query joins the FTS table to the index entries filtered by content type;
    SQLite then walks every entry of the model (the content-type index) and probes the
    FTS table once per entry: seconds at a few thousand documents, growing with the
    database. Here the content type is compared as an expression, so the plan reads the
    matches once and looks each entry up by its key.
    """
    from django.db import connection

    if connection.vendor != "sqlite":  # the SQLite module reads models only SQLite has
        return compiler_class
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler

    if not issubclass(compiler_class, SQLiteSearchQueryCompiler):
        return compiler_class
    if compiler_class not in _compilers:
        _compilers[compiler_class] = type(f"FtsFirst{compiler_class.__name__}", (_FtsFirstSearch, compiler_class), {})
    return _compilers[compiler_class]


class _FtsFirstSearch:
    """``SQLiteSearchQueryCompiler.search`` (modelsearch 1.x) with the content type as an expression."""

    def first_ids(self, config, limit: int):
        """The object ids of the first ``limit`` full-text matches (in the FTS table's
        order) that are rows of the searched queryset, each looked up by its key; None
        for a query that is not a plain match."""
        from django.db.models import Exists, F, IntegerField, OuterRef
        from django.db.models.expressions import ExpressionWrapper
        from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
        from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry
        from modelsearch.query import MatchAll, Not
        from modelsearch.utils import get_descendants_content_types_pks

        normalized_query = normalize(self.query)
        if isinstance(normalized_query, (MatchAll, Not)):
            return None
        search_query = self.build_search_query(normalized_query, config=config)
        match_expression = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, search_query)
        content_type = ExpressionWrapper(F("index_entry__content_type_id") + 0, output_field=IntegerField())
        rows = self.queryset.order_by().filter(pk=OuterRef("index_entry__object_id"))
        return list(
            SQLiteFTSIndexEntry.objects.filter(match_expression)
            .alias(entry_content_type=content_type)
            .filter(entry_content_type__in=get_descendants_content_types_pks(self.queryset.model))
            .filter(Exists(rows))
            .values_list("index_entry__object_id", flat=True)[:limit]
        )

    def search(self, config, start, stop, score_field=None):
        from django.db.models import F, FloatField, IntegerField, OuterRef, Subquery
        from django.db.models.expressions import ExpressionWrapper
        from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
        from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry
        from modelsearch.query import MatchAll, Not
        from modelsearch.utils import get_descendants_content_types_pks

        normalized_query = normalize(self.query)
        if isinstance(normalized_query, MatchAll):
            return self.queryset[start:stop]
        if isinstance(normalized_query, Not) and isinstance(normalized_query.subquery, MatchAll):
            return self.queryset.none()
        negated = isinstance(normalized_query, Not)
        if negated:
            normalized_query = normalized_query.subquery

        search_query = self.build_search_query(normalized_query, config=config)
        match_expression = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, search_query)
        rank_expression = self._build_rank_expression(self.get_search_vectors(), config)
        content_type = ExpressionWrapper(F("index_entry__content_type_id") + 0, output_field=IntegerField())
        index_query = (
            SQLiteFTSIndexEntry.objects.filter(match_expression)
            .select_related("index_entry")
            .alias(entry_content_type=content_type)
            .filter(entry_content_type__in=get_descendants_content_types_pks(self.queryset.model))
            .annotate(score=rank_expression)
        )
        obj_ids = index_query.values_list("index_entry__object_id", flat=True)
        queryset = self.queryset.exclude(pk__in=obj_ids) if negated else self.queryset.filter(pk__in=obj_ids)

        if self.order_by_relevance and score_field is None and not negated:
            score_field = "_score"
        if score_field is not None and not negated:
            score_subquery = index_query.filter(index_entry__object_id=OuterRef("pk")).values("score")[:1]
            queryset = queryset.annotate(**{score_field: Subquery(score_subquery, output_field=FloatField())})
            if self.order_by_relevance:
                queryset = queryset.order_by(score_field, "-pk")
        if not self.order_by_relevance and not queryset.query.order_by:
            queryset = queryset.order_by("-pk")
        return queryset[start:stop]


def first_match_ids(results, limit: int) -> list:
    """The primary keys of at most ``limit`` rows of a search's results (of
    ``backend.search(..., order_by_relevance=False)``), read in time bounded by ``limit``
    rather than by the number of matches.

    On SQLite the full-text matches are read in the index's own order and each is looked
    up in the searched queryset, stopping after ``limit``. Elsewhere (PostgreSQL) the
    first ``limit`` matching keys in key order, cut by the database: the expression index
    on ``title || body`` (migration ``processes.0010``) gives the planner the match's
    statistics, so it walks the keys when most rows match and reads the index when few do.
    """
    compiler = getattr(results, "query_compiler", None)
    if isinstance(compiler, _FtsFirstSearch):
        ids = compiler.first_ids(compiler.get_config(results.backend), limit)
        if ids is not None:
            to_python = compiler.queryset.model._meta.pk.to_python
            return [to_python(value) for value in ids]
    if not hasattr(results, "get_queryset"):
        return [item.pk for item in results[:limit]]
    return list(results.get_queryset().order_by("pk").values_list("pk", flat=True)[:limit])


_classes: dict[type, type] = {}


def SearchBackend(params):  # noqa: N802 - Wagtail imports backends by this name
    backend = database_backend(params)
    base = type(backend)
    if base not in _classes:
        _classes[base] = type(f"PlainWords{base.__name__}", (PlainWordsMixin, base), {})
    backend.__class__ = _classes[base]
    return backend
