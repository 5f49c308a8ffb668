"""What certification reads from the processes and audits apps.

Only through their selector contracts (``processes.selectors`` and
``audits.selectors``). A function answers ``None`` when the other app does not
provide the selector, which the rules treat as "no data" rather than as an
empty list.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date

from .rules import Done, Due, ScopeEntry

PROCESSES = "processes.selectors"
AUDITS = "audits.selectors"


def _selector(module_name: str, name: str) -> Callable | None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name in (module_name, module_name.partition(".")[0]):
            return None
        raise
    return getattr(module, name, None)


def _call(module_name: str, name: str, **kwargs):
    function = _selector(module_name, name)
    return None if function is None else function(**kwargs)


def available() -> dict[str, bool]:
    return {
        "processes": _selector(PROCESSES, "effective_scope") is not None,
        "audits": _selector(AUDITS, "internal_audits") is not None,
    }


def effective_scope(*, commune_id: int) -> list[ScopeEntry] | None:
    items = _call(PROCESSES, "effective_scope", commune_id=commune_id)
    if items is None:
        return None
    return [
        ScopeEntry(
            procedure_code=item.procedure_code,
            procedure_name=item.procedure_name,
            field=item.field,
            document_code=item.document_code,
            effective_date=item.effective_date,
        )
        for item in items
    ]


def handled_procedures(*, commune_id: int) -> dict[str, str] | None:
    items = _call(PROCESSES, "handled_procedures", commune_id=commune_id)
    return None if items is None else {item.procedure_code: item.procedure_name for item in items}


def update_flags(*, commune_id: int) -> list[Due] | None:
    items = _call(PROCESSES, "update_flags", commune_id=commune_id)
    if items is None:
        return None
    return [
        Due(ref=item.document_code, title=item.title, deadline=item.deadline, done_on=item.resolved_on)
        for item in items
    ]


def _done(items, when: Callable) -> list[Done]:
    return [Done(ref=str(item.id), done_on=when(item), title=getattr(item, "title", "")) for item in items if item.completed]


def completed_audits(*, commune_id: int, years: range) -> dict[int, list[Done]] | None:
    if _selector(AUDITS, "internal_audits") is None:
        return None
    return {
        year: _done(
            _call(AUDITS, "internal_audits", commune_id=commune_id, year=year),
            lambda a: a.completed_on or a.planned_end,
        )
        for year in years
    }


def held_reviews(*, commune_id: int, years: range) -> dict[int, list[Done]] | None:
    if _selector(AUDITS, "management_reviews") is None:
        return None
    return {
        year: _done(_call(AUDITS, "management_reviews", commune_id=commune_id, year=year), lambda r: r.held_on)
        for year in years
    }


def corrective_action_counts(*, commune_id: int):
    return _call(AUDITS, "corrective_action_counts", commune_id=commune_id)


#: How far back yearly audits and reviews are read.
MAX_YEARS = 12


def years_between(first: date | None, last: date) -> range:
    start = min(first.year, last.year) if first else last.year
    return range(max(start, last.year - MAX_YEARS), last.year + 1)
