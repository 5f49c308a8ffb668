"""The admin document list's search box, safe for whatever is typed."""

from __future__ import annotations

from django.db.models import Q
from wagtail.search.backends import get_search_backend
from wagtail.search.query import PlainText

from .selectors import search_words


class DocumentSearchMixin:
    """For a Wagtail index view: a row matches when the text as typed is inside
    one of ``search_fields`` (a database "contains"), or when every word of it is
    in the search index (any case; on SQLite also without diacritics), in one
    query restricted to the rows of the listing. Quotes, brackets and operators
    never reach the index's query parser."""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        matches = Q()
        for field in self.search_fields or []:
            matches |= Q(**{f"{field}__icontains": self.search_query})
        words = search_words(self.search_query)
        if words:
            found = get_search_backend().search(
                PlainText(" ".join(words)), queryset.order_by(), order_by_relevance=False
            )
            matches |= Q(pk__in=_ids_of(found))
        return queryset.filter(matches)


def _ids_of(results):
    """The ids of index search results as a subquery of the same SQL statement (the
    database backends build their results as a queryset), else as a list."""
    as_queryset = getattr(results, "get_queryset", None)
    if as_queryset is not None:
        return as_queryset().values("pk")
    return [item.pk for item in results]
