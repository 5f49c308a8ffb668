"""What certification reads from the processes and audits apps.

Only through their selector contracts (``processes.selectors`` and
``audits.selectors``), turned into the plain values the rules work on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from audits import selectors as audit_selectors
from processes import selectors as process_selectors

from .rules import Done, Due, ScopeEntry


def scope_and_exclusions(*, commune_id: int) -> tuple[list[ScopeEntry], frozenset[str]]:
    """The effective quy trình in the QMS scope and the TTHC codes excluded, with a justification, from the
    approved scope (not scope gaps); the approved context and scope (4.3) read once for both."""
    approved = audit_selectors.approved_scope(commune_id)
    return _in_scope(commune_id, approved), frozenset(approved.excluded) if approved else frozenset()


def effective_scope(*, commune_id: int) -> list[ScopeEntry]:
    """The effective quy trình in the QMS scope; once the commune has an approved context and scope (4.3),
    only its TTHC: those excluded there, or left out of its list, are not announced."""
    return _in_scope(commune_id, audit_selectors.approved_scope(commune_id))


def _in_scope(commune_id: int, approved) -> list[ScopeEntry]:
    return [
        ScopeEntry(
            procedure_code=item.procedure_code,
            procedure_name=item.procedure_name,
            field=item.field,
            document_code=item.document_code,
            effective_date=item.effective_date,
        )
        for item in process_selectors.effective_scope(commune_id=commune_id)
        if approved is None or item.field == process_selectors.SYSTEM_FIELD or approved.covers(item.procedure_code)
    ]


def handled_procedures(*, commune_id: int) -> dict[str, str]:
    items = process_selectors.handled_procedures(commune_id=commune_id)
    return {item.procedure_code: item.procedure_name for item in items}


def update_flags(*, commune_id: int) -> list[Due]:
    return [
        Due(ref=item.document_code, title=item.title, deadline=item.deadline, done_on=item.resolved_on)
        for item in process_selectors.update_flags(commune_id=commune_id)
    ]


def _done(items, when: Callable) -> list[Done]:
    return [
        Done(ref=str(item.id), done_on=when(item), title=getattr(item, "title", "")) for item in items if item.completed
    ]


def completed_audits(*, commune_id: int, years: range) -> dict[int, list[Done]]:
    audits = audit_selectors.internal_audits(commune_id=commune_id, years=years)
    return {year: _done(items, lambda a: a.completed_on or a.planned_end) for year, items in audits.items()}


def held_reviews(*, commune_id: int, years: range) -> dict[int, list[Done]]:
    reviews = audit_selectors.management_reviews(commune_id=commune_id, years=years)
    return {year: _done(items, lambda r: r.held_on) for year, items in reviews.items()}


def corrective_action_counts(*, commune_id: int):
    return audit_selectors.corrective_action_counts(commune_id=commune_id)


#: How far back yearly audits and reviews are read.
MAX_YEARS = 12


def years_between(first: date | None, last: date) -> range:
    start = min(first.year, last.year) if first else last.year
    return range(max(start, last.year - MAX_YEARS), last.year + 1)


def objectives_by_commune(*, commune_ids, year: int) -> dict[int, tuple[int, int]]:
    """{commune id: (objectives achieved, objectives)} of ``year``."""
    return audit_selectors.objectives_by_commune(commune_ids=commune_ids, year=year)


def ratings_by_commune(*, commune_ids, year: int) -> dict[int, tuple[int, int]]:
    """{commune id: (sum of the citizens' ratings, number of ratings)} of ``year``."""
    return process_selectors.ratings_by_commune(commune_ids=commune_ids, year=year)


def board_decisions(*, commune_id: int) -> list[tuple[date, str]]:
    """(date, number) of each decision forming or renewing the commune's ISO steering board, oldest first."""
    return sorted((board.decision_date, board.decision_number) for board in audit_selectors.board_decisions(commune_id))
