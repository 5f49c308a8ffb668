"""The "announcement" section of a commune's public page."""

from __future__ import annotations

from qms.signatures.selectors import signed_record

from .models import ANNOUNCED_STAGES, Announcement, CommuneProgress


def _latest(commune_ids) -> dict[int, Announcement]:
    latest: dict[int, Announcement] = {}
    for announcement in Announcement.objects.filter(commune_id__in=commune_ids).order_by("signed_on", "id"):
        latest[announcement.commune_id] = announcement
    return latest


def announcement_context(commune, request) -> dict:
    """The current announcement (number, date, scope) and those of the predecessor communes."""
    predecessors = list(commune.predecessors.order_by("name"))
    latest = _latest([commune.pk, *(p.pk for p in predecessors)])
    progress = CommuneProgress.objects.filter(commune=commune).only("stage").first()
    current = latest.get(commune.pk)
    return {
        "announcement": current,
        "signature": signed_record(current) if current else None,
        "announced": bool(progress and progress.stage in ANNOUNCED_STAGES),
        "reannounce_needed": bool(progress and progress.stage == "reannounce"),
        "predecessors": [(p, latest.get(p.pk)) for p in predecessors],
    }
