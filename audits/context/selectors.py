"""Reads of the context statements: the approved scope, the rows a page or document shows, the review input."""

from __future__ import annotations

from dataclasses import dataclass

from processes import selectors as process_selectors

from .models import ContextStatement, ContextStatus


def statements(commune_id: int):
    return ContextStatement.objects.filter(commune_id=commune_id).order_by("-year", "-version")


def approved_statements(commune_id: int):
    return statements(commune_id).filter(status=ContextStatus.APPROVED)


def approved_statement(commune_id: int) -> ContextStatement | None:
    """The commune's context and scope in force: its last approved statement."""
    return approved_statements(commune_id).first()


def handled_procedure_rows(commune_id: int) -> list:
    """The catalogue rows (``processes.Procedure``) of the TTHC the commune handles, by field then code."""
    return process_selectors.handled_procedure_objects(commune_id=commune_id)


@dataclass(frozen=True)
class ScopeProcedureLine:
    code: str
    name: str
    field: str


@dataclass(frozen=True)
class ApprovedScope:
    """What the approved statement says of the TTHC: those in the scope and those excluded (code -> reason)."""

    statement_id: int
    all_procedures: bool
    included: frozenset[str]
    excluded: dict[str, str]

    def covers(self, code: str) -> bool:
        if code in self.excluded:
            return False
        return self.all_procedures or code in self.included


def approved_scope(commune_id: int) -> ApprovedScope | None:
    statement = approved_statement(commune_id)
    if statement is None:
        return None
    return ApprovedScope(
        statement_id=statement.pk,
        all_procedures=statement.all_procedures,
        included=frozenset(statement.scope_procedures.values_list("procedure__code", flat=True)),
        excluded={
            code: justification
            for code, justification in statement.exclusions.filter(procedure__isnull=False).values_list(
                "procedure__code", "justification"
            )
        },
    )


def scope_lines(statement: ContextStatement) -> list[ScopeProcedureLine]:
    """The TTHC in ``statement``'s scope, by field then code (every handled one but the excluded, or the list)."""
    excluded = set(statement.exclusions.filter(procedure__isnull=False).values_list("procedure_id", flat=True))
    if statement.all_procedures:
        procedures = handled_procedure_rows(statement.commune_id)
    else:
        procedures = [
            row.procedure
            for row in statement.scope_procedures.select_related("procedure").order_by(
                "procedure__field", "procedure__code"
            )
        ]
    return [ScopeProcedureLine(p.code, p.name, p.field) for p in procedures if p.pk not in excluded]


def exclusion_rows(statement: ContextStatement):
    return statement.exclusions.select_related("procedure").order_by("order", "pk")


def _issue_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def review_context(commune_id: int) -> dict:
    """9.3.2 b): changes in the external and internal issues between the last two approved versions,
    and the size of the scope in force."""
    latest, previous = (list(approved_statements(commune_id).prefetch_related("issues")[:2]) + [None, None])[:2]
    if latest is None:
        return {"approved": None, "previous": None, "added": [], "removed": [], "scope_size": None, "exclusions": 0}

    def issues(statement):
        return {_issue_key(i.description): i for i in statement.issues.all()} if statement else {}

    now, before = issues(latest), issues(previous)

    def item(issue):
        return {
            "origin": issue.origin,
            "origin_label": str(issue.get_origin_display()),
            "description": issue.description,
        }

    return {
        "approved": {"year": latest.year, "version": latest.version, "approved_on": latest.approved_on.isoformat()},
        "previous": {"year": previous.year, "version": previous.version} if previous else None,
        "added": [item(i) for key, i in now.items() if key not in before] if previous else [],
        "removed": [item(i) for key, i in before.items() if key not in now],
        "scope_size": len(scope_lines(latest)),
        "exclusions": latest.exclusions.count(),
    }
