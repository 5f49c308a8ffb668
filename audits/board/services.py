"""Writes of the steering board and the quality policy.

Keyword-only and atomic; each takes ``acting_user``, checks the commune
permission, validates, records the user in the history and leaves an audit
record. Refusals are ``ValidationError`` with a Vietnamese message. The commune
roles of the roster are given and taken back through :mod:`qms.units.services`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms import permissions
from qms.audit_log import define_action, log
from qms.signals import send_data_changed
from qms.units import services as unit_services
from qms.units.models import CommuneRoleGroup

from ..services import _loggable, _save, _set_fields, require
from .models import (
    BoardKind,
    BoardMember,
    BoardRoleGrant,
    BoardStatus,
    IsoRole,
    QualityPolicy,
    SteeringBoard,
)

A_BOARD_ISSUE = define_action(
    "audits.board.issue", gettext_lazy("Issue board decision"), gettext_lazy("Issued the decision forming the board")
)
A_MEMBER_JOIN = define_action(
    "audits.board.member_join", gettext_lazy("Add board member"), gettext_lazy("Added a member to the board")
)
A_MEMBER_UPDATE = define_action(
    "audits.board.member_update", gettext_lazy("Edit board member"), gettext_lazy("Edited a board member")
)
A_MEMBER_LEAVE = define_action(
    "audits.board.member_leave",
    gettext_lazy("Board member leaves"),
    gettext_lazy("Recorded that a member left the board"),
)
A_ROLE_GRANT = define_action(
    "audits.board.role_grant",
    gettext_lazy("Role given by the board"),
    gettext_lazy("Gave a commune role from the board"),
)
A_ROLE_REVOKE = define_action(
    "audits.board.role_revoke",
    gettext_lazy("Role taken back by the board"),
    gettext_lazy("Took back a commune role the board had given"),
)
A_POLICY_ADOPT = define_action(
    "audits.policy.adopt", gettext_lazy("Adopt quality policy"), gettext_lazy("Adopted the quality policy")
)

MEMBER_FIELDS = ("user", "person_name", "unit_position", "board_position", "iso_role", "duties", "joined_on")


def current_board(commune) -> SteeringBoard | None:
    return SteeringBoard.objects.filter(commune=commune, status=BoardStatus.CURRENT).first()


def holds_commune_role(user, commune) -> bool:
    return CommuneRoleGroup.objects.filter(commune=commune, group__user=user).exists()


def _require_current(board: SteeringBoard) -> None:
    if not board.is_current:
        raise ValidationError(
            _("Decision %(number)s has been replaced by a newer decision: it is kept as it was.")
            % {"number": board.decision_number}
        )


def _check_member(member: BoardMember, commune) -> None:
    if member.user_id:
        if not holds_commune_role(member.user, commune):
            raise ValidationError({"user": _("This account is not one of %(commune)s.") % {"commune": commune}})
        member.person_name = ""
    elif not member.person_name.strip():
        raise ValidationError({"person_name": _("Choose the member's account or type their full name.")})
    else:
        member.person_name = " ".join(member.person_name.split())
    if not member.unit_position.strip():
        raise ValidationError({"unit_position": _("Give the member's position in the unit.")})
    if member.left_on and member.left_on < member.joined_on:
        raise ValidationError({"left_on": _("A member cannot leave before joining.")})
    same_account = member.board.members.filter(user_id=member.user_id, left_on__isnull=True).exclude(pk=member.pk)
    if member.user_id and same_account.exists():
        raise ValidationError({"user": _("This person is already a member of the board.")})


# -- the roles drawn from the roster ---------------------------------------------------------------------


def _wanted_roles(board: SteeringBoard | None) -> set[tuple[int, str]]:
    if board is None:
        return set()
    return {
        (member.user_id, member.role)
        for member in board.members.filter(left_on__isnull=True, user__isnull=False).exclude(iso_role=IsoRole.NONE)
    }


def sync_roles(*, acting_user, board: SteeringBoard, on: datetime.date | None = None) -> None:
    """Give the roster's roles to the members with an account; take back the roles the board gave
    to those no longer on it (a role given otherwise is never taken)."""
    from django.contrib.auth import get_user_model

    commune = board.commune
    on = on or timezone.localdate()
    wanted = _wanted_roles(current_board(commune))
    users = get_user_model().objects.in_bulk({user_id for user_id, _role in wanted})
    open_grants = BoardRoleGrant.objects.filter(commune=commune, revoked_on__isnull=True).select_related("user")
    granted = {(g.user_id, g.role) for g in open_grants}
    for user_id, role in sorted(wanted):
        user = users[user_id]
        group = unit_services.role_group(commune=commune, role=role)
        if user.groups.filter(pk=group.pk).exists():
            continue
        unit_services.add_commune_member(commune=commune, user=user, role=role, acting_user=acting_user)
        if (user_id, role) not in granted:
            grant = BoardRoleGrant(commune=commune, user=user, role=role, board=board, granted_on=on)
            _save(grant, acting_user=acting_user)
            log(instance=grant, action=A_ROLE_GRANT, user=acting_user, data={"user": user.username, "role": role})
    for grant in open_grants:
        if (grant.user_id, grant.role) in wanted:
            continue
        unit_services.remove_commune_member(commune=commune, user=grant.user, role=grant.role, acting_user=acting_user)
        grant.revoked_on = on
        _save(grant, acting_user=acting_user, reason="revoke")
        log(
            instance=grant,
            action=A_ROLE_REVOKE,
            user=acting_user,
            data={"user": grant.user.username, "role": grant.role},
        )


# -- decisions and members ---------------------------------------------------------------------------------


@transaction.atomic
def issue_decision(
    *,
    acting_user,
    commune,
    decision_number: str,
    decision_date: datetime.date,
    signer_name: str,
    signer_position: str,
    kind: str = BoardKind.STEERING,
) -> SteeringBoard:
    """Form the board by a decision; a current board is replaced (its active members carry over)."""
    require(acting_user, commune, permissions.MANAGE)
    previous = current_board(commune)
    if not (decision_number or "").strip():
        raise ValidationError({"decision_number": _("Give the decision's number.")})
    if decision_date > timezone.localdate():
        raise ValidationError({"decision_date": _("A decision cannot be dated in the future.")})
    if previous is not None and decision_date < previous.decision_date:
        raise ValidationError(
            {
                "decision_date": _("The new decision cannot be dated before decision %(number)s (%(date)s).")
                % {"number": previous.decision_number, "date": previous.decision_date.strftime("%d/%m/%Y")}
            }
        )
    board = SteeringBoard(
        commune=commune,
        kind=kind,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        signer_name=" ".join(signer_name.split()),
        signer_position=signer_position.strip(),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    if previous is not None:
        previous.status = BoardStatus.REPLACED
        _save(previous, acting_user=acting_user, reason="replaced")
    _save(board, acting_user=acting_user)
    if previous is not None:
        previous.replaced_by = board
        _save(previous, acting_user=acting_user, reason="replaced")
        for member in previous.members.filter(left_on__isnull=True).order_by("pk"):
            copy = BoardMember(board=board, joined_on=member.joined_on)
            for name in MEMBER_FIELDS:
                setattr(copy, name, getattr(member, name))
            _save(copy, acting_user=acting_user)
    log(
        instance=board,
        action=A_BOARD_ISSUE,
        user=acting_user,
        data={
            "number": board.decision_number,
            "date": board.decision_date,
            "replaces": previous.decision_number if previous else None,
        },
    )
    sync_roles(acting_user=acting_user, board=board, on=decision_date)
    send_data_changed(sender=SteeringBoard, commune_id=commune.pk, kind="board")  # the building stage's evidence
    return board


@transaction.atomic
def add_member(*, acting_user, board, **fields) -> BoardMember:
    """A person joins the current board (with an account: they get the role of their ISO role)."""
    require(acting_user, board.commune, permissions.MANAGE)
    _require_current(board)
    member = BoardMember(board=board)
    fields.setdefault("joined_on", timezone.localdate())
    fields.setdefault("person_name", "")
    _set_fields(member, fields, MEMBER_FIELDS)
    _check_member(member, board.commune)
    _save(member, acting_user=acting_user)
    log(instance=member, action=A_MEMBER_JOIN, user=acting_user, data=_loggable({"name": member.name, **fields}))
    sync_roles(acting_user=acting_user, board=board)
    return member


@transaction.atomic
def update_member(*, acting_user, member, **fields) -> BoardMember:
    board = member.board
    require(acting_user, board.commune, permissions.MANAGE)
    _require_current(board)
    if not member.is_active:
        raise ValidationError(_("%(name)s has left the board: the record is kept as it was.") % {"name": member.name})
    changed = _set_fields(member, fields, MEMBER_FIELDS)
    _check_member(member, board.commune)
    _save(member, acting_user=acting_user)
    log(instance=member, action=A_MEMBER_UPDATE, user=acting_user, data=_loggable(changed))
    sync_roles(acting_user=acting_user, board=board)
    return member


@transaction.atomic
def member_leaves(*, acting_user, member, left_on: datetime.date | None = None) -> BoardMember:
    """The member leaves the current board; the role the board gave them is taken back."""
    board = member.board
    require(acting_user, board.commune, permissions.MANAGE)
    _require_current(board)
    if not member.is_active:
        raise ValidationError(_("%(name)s has already left the board.") % {"name": member.name})
    left_on = left_on or timezone.localdate()
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("A departure cannot be dated in the future.")})
    member.left_on = left_on
    _check_member(member, board.commune)
    _save(member, acting_user=acting_user, reason="leave")
    log(instance=member, action=A_MEMBER_LEAVE, user=acting_user, data={"name": member.name, "left_on": left_on})
    sync_roles(acting_user=acting_user, board=board, on=left_on)
    return member


# -- quality policy ---------------------------------------------------------------------------------------


@transaction.atomic
def adopt_policy(*, acting_user, commune, text: str, adopted_on: datetime.date, signed_by) -> QualityPolicy:
    """Record the commune's quality policy signed by its leader; it replaces the one in force."""
    require(acting_user, commune, permissions.MANAGE)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the text of the quality policy.")})
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("A quality policy cannot be adopted in the future.")})
    if signed_by is None or not permissions.has_commune_perm(signed_by, commune, permissions.APPROVE):
        raise ValidationError(
            {"signed_by": _("The quality policy is signed by a leader of %(commune)s.") % {"commune": commune}}
        )
    current = QualityPolicy.objects.filter(commune=commune, replaced_on__isnull=True).first()
    if current is not None and adopted_on < current.adopted_on:
        raise ValidationError(
            {
                "adopted_on": _("The new policy cannot be adopted before the one in force (%(date)s).")
                % {"date": current.adopted_on.strftime("%d/%m/%Y")}
            }
        )
    if current is not None:
        current.replaced_on = adopted_on
        _save(current, acting_user=acting_user, reason="replaced")
    version = (QualityPolicy.objects.filter(commune=commune).aggregate(n=Max("version"))["n"] or 0) + 1
    policy = QualityPolicy(
        commune=commune,
        version=version,
        text=text,
        adopted_on=adopted_on,
        signed_by=signed_by,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    _save(policy, acting_user=acting_user)
    log(instance=policy, action=A_POLICY_ADOPT, user=acting_user, data={"version": version, "adopted_on": adopted_on})
    return policy
