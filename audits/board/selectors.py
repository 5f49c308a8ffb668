"""Reads of the steering board and the quality policy: the board page, the public page, the review inputs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from qms.people import full_name
from qms.units.models import CommuneRoleGroup, Role

from .models import POSITION_ORDER, BoardMember, BoardRoleGrant, BoardStatus, QualityPolicy, SteeringBoard


def current_board(commune_id: int) -> SteeringBoard | None:
    return SteeringBoard.objects.filter(commune_id=commune_id, status=BoardStatus.CURRENT).first()


def decisions(commune_id: int):
    """Every decision of the commune, the newest first."""
    return SteeringBoard.objects.filter(commune_id=commune_id).select_related("replaced_by")


def roster(board: SteeringBoard, *, active_only: bool = False) -> list[BoardMember]:
    """The board's members in the order of the decision: head, deputies, secretary, members."""
    members = board.members.select_related("user")
    if active_only:
        members = members.filter(left_on__isnull=True)
    return sorted(members, key=lambda m: (m.left_on is not None, POSITION_ORDER.get(m.board_position, 99), m.pk))


@dataclass(frozen=True)
class HeldRole:
    label: str
    from_board: bool


def roles_held(board: SteeringBoard, members: list[BoardMember]) -> dict[int, list[HeldRole]]:
    """For each member with an account: the commune roles they hold now, and whether the board gave each."""
    user_ids = {m.user_id for m in members if m.user_id}
    held: dict[int, list[str]] = {}
    for user_id, role in CommuneRoleGroup.objects.filter(
        commune_id=board.commune_id, group__user__in=user_ids
    ).values_list("group__user", "role"):
        held.setdefault(user_id, []).append(role)
    given = set(
        BoardRoleGrant.objects.filter(
            commune_id=board.commune_id, user_id__in=user_ids, revoked_on__isnull=True
        ).values_list("user_id", "role")
    )
    return {
        user_id: [HeldRole(str(Role(role).label), (user_id, role) in given) for role in sorted(roles)]
        for user_id, roles in held.items()
    }


def current_policy(commune_id: int) -> QualityPolicy | None:
    return (
        QualityPolicy.objects.filter(commune_id=commune_id, replaced_on__isnull=True)
        .select_related("signed_by")
        .first()
    )


def policies(commune_id: int):
    return QualityPolicy.objects.filter(commune_id=commune_id).select_related("signed_by").order_by("-version")


def review_board(commune_id: int, year: int) -> dict:
    """5.2 and 5.3 for the management review: the policy in force and the board's changes of ``year``."""
    policy = current_policy(commune_id)
    issued = [
        {
            "number": b.decision_number,
            "date": b.decision_date.isoformat(),
            "kind_label": str(b.get_kind_display()),
            "signer": b.signer_name,
        }
        for b in SteeringBoard.objects.filter(commune_id=commune_id, decision_date__year=year).order_by(
            "decision_date", "pk"
        )
    ]
    changes, seen = [], set()
    members = (
        BoardMember.objects.filter(board__commune_id=commune_id)
        .filter(Q(joined_on__year=year) | Q(left_on__year=year))
        .select_related("user", "board")
        .order_by("joined_on", "pk")
    )
    for member in members:
        for day, kind in ((member.joined_on, "joined"), (member.left_on, "left")):
            key = (member.name, kind, day)
            if day is None or day.year != year or key in seen:
                continue
            seen.add(key)
            changes.append(
                {
                    "date": day.isoformat(),
                    "kind": kind,
                    "name": member.name,
                    "board_position": str(member.get_board_position_display()),
                    "unit_position": member.unit_position,
                }
            )
    changes.sort(key=lambda c: c["date"])
    return {
        "policy": {
            "version": policy.version,
            "text": policy.text,
            "adopted_on": policy.adopted_on.isoformat(),
            "signed_by": full_name(policy.signed_by),
        }
        if policy
        else None,
        "decisions": issued,
        "changes": changes,
    }


def public_policy_context(commune, request) -> dict:
    """The public commune page's section: the quality policy in force and this year's quality objectives."""
    from django.utils import timezone

    from ..models import QualityObjective

    policy = current_policy(commune.pk)
    year = timezone.localdate().year
    objectives = list(QualityObjective.objects.filter(commune=commune, year=year).order_by("pk")) if policy else []
    return {
        "policy": policy,
        "signer": full_name(policy.signed_by) if policy else "",
        "objectives": objectives,
        "year": year,
    }
