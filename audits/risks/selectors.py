"""Reads of the risk register: the heat map, the register rows, the review inputs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.http import urlencode

from qms.people import full_name

from .models import SCALE, Risk, RiskStatus, level_of


def register(commune_id: int):
    """The commune's register in its order, with what each row shows."""
    return (
        Risk.objects.filter(commune_id=commune_id)
        .select_related("commune", "owner", "process_document", "finding__plan")
        .order_by("sequence")
    )


def with_position(queryset, *, after: bool):
    """Annotate each risk with where it sits on the map: before treatment, or after it (re-assessed values
    where the risk was re-assessed, else the values it still has)."""
    if not after:
        return queryset.annotate(map_likelihood=F("likelihood"), map_impact=F("impact"))
    return queryset.annotate(
        map_likelihood=Coalesce("residual_likelihood", "likelihood"),
        map_impact=Coalesce("residual_impact", "impact"),
    )


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    count: int
    level: str
    url: str


def heat_map(commune, *, after: bool = False) -> list[list[Cell]]:
    """5×5 counts: rows from likelihood 5 down to 1, columns impact 1 to 5; each cell links to its risks."""
    counts = {
        (row["map_likelihood"], row["map_impact"]): row["n"]
        for row in with_position(Risk.objects.filter(commune=commune), after=after)
        .values("map_likelihood", "map_impact")
        .annotate(n=Count("pk"))
        .order_by()
    }
    index = reverse("audits_risks:index")
    prefix = "after_" if after else ""
    rows = []
    for likelihood in reversed(SCALE):
        row = []
        for impact in SCALE:
            query = {"commune": commune.pk, f"{prefix}likelihood": likelihood, f"{prefix}impact": impact}
            row.append(
                Cell(
                    likelihood,
                    impact,
                    counts.get((likelihood, impact), 0),
                    level_of(likelihood, impact),
                    f"{index}?{urlencode(query)}",
                )
            )
        rows.append(row)
    return rows


def review_risks(commune_id: int) -> dict:
    """9.3.2 e): the risks and opportunities of the register and how their treatment stands."""
    risks = register(commune_id)
    items = [
        {
            "number": r.number,
            "kind": r.kind,
            "kind_label": str(r.get_kind_display()),
            "description": r.description,
            "process": str(r.process_document) if r.process_document_id else r.procedure_field,
            "score": r.score,
            "level_label": str(r.get_level_display()),
            "treatment": r.treatment,
            "owner": full_name(r.owner),
            "due_date": r.due_date.isoformat() if r.due_date else None,
            "status": r.status,
            "status_label": str(r.get_status_display()),
            "residual_score": r.residual_score,
            "residual_level_label": str(r.get_residual_level_display()) if r.residual_level else "",
        }
        for r in risks
    ]
    totals = Risk.objects.filter(commune_id=commune_id).aggregate(
        open=Count("pk", filter=Q(status=RiskStatus.OPEN)),
        treating=Count("pk", filter=Q(status=RiskStatus.TREATING)),
        closed=Count("pk", filter=Q(status=RiskStatus.CLOSED)),
    )
    return {"items": items, **totals}
