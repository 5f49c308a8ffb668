"""Ban chỉ đạo ISO / Tổ ISO (5.3) and the quality policy (5.2) of a commune.

A board is formed by a decision; a new decision replaces the current board,
which stays as it was (read-only). The commune roles of members with an account
follow the current board (:class:`BoardRoleGrant` records the roles the board
gave, so only those are taken back). Every write goes through
:mod:`audits.board.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qms.people import full_name
from qms.units.models import Role


class BoardKind(models.TextChoices):
    STEERING = "steering", _("ISO steering board")
    TEAM = "team", _("ISO team")


class BoardStatus(models.TextChoices):
    CURRENT = "current", pgettext_lazy("board", "Current")
    REPLACED = "replaced", pgettext_lazy("board", "Replaced")


class BoardPosition(models.TextChoices):
    HEAD = "head", _("Head of the board")
    DEPUTY = "deputy", _("Deputy head of the board")
    SECRETARY = "secretary", _("ISO secretary")
    MEMBER = "member", _("Board member")


class IsoRole(models.TextChoices):
    LEADER = "leader", _("Leader (approver)")
    SECRETARY = "secretary", _("ISO secretary")
    AUDITOR = "auditor", _("Internal auditor")
    NONE = "none", _("No ISO role")


#: The commune role each ISO role of the roster gives.
ROLE_OF = {IsoRole.LEADER: Role.LEADER, IsoRole.SECRETARY: Role.ISO_OFFICER, IsoRole.AUDITOR: Role.AUDITOR}
POSITION_ORDER = {value: index for index, value in enumerate(BoardPosition.values)}


class SteeringBoard(models.Model):
    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="iso_boards"
    )
    kind = models.CharField(_("type"), max_length=20, choices=BoardKind.choices, default=BoardKind.STEERING)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    signer_name = models.CharField(_("signed by"), max_length=120)
    signer_position = models.CharField(_("signer's position"), max_length=120)
    status = models.CharField(_("status"), max_length=20, choices=BoardStatus.choices, default=BoardStatus.CURRENT)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ISO steering board")
        verbose_name_plural = _("ISO steering boards")
        ordering = ["commune", "-decision_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune"],
                condition=models.Q(status="current"),
                name="audits_board_one_current_per_commune",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.decision_number} ({self.decision_date:%d/%m/%Y})"

    @property
    def is_current(self) -> bool:
        return self.status == BoardStatus.CURRENT


class BoardMember(models.Model):
    board = models.ForeignKey(SteeringBoard, verbose_name=_("board"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="board_memberships",
    )
    person_name = models.CharField(
        _("full name"), max_length=120, blank=True, help_text=_("As written, family name first (e.g. Lê Thị Mai).")
    )
    unit_position = models.CharField(_("position in the unit"), max_length=160, help_text=_("E.g. Chủ tịch UBND xã"))
    board_position = models.CharField(
        _("position in the board"), max_length=20, choices=BoardPosition.choices, default=BoardPosition.MEMBER
    )
    iso_role = models.CharField(_("ISO role"), max_length=20, choices=IsoRole.choices, default=IsoRole.NONE)
    duties = models.TextField(_("duties"), blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        ordering = ["board", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return full_name(self.user) if self.user_id else self.person_name

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    @property
    def role(self) -> str | None:
        """The commune role this member's ISO role gives (None for no ISO role)."""
        return ROLE_OF.get(self.iso_role)


class BoardRoleGrant(models.Model):
    """A commune role the board gave to an account (taken back when the member leaves the board)."""

    commune = models.ForeignKey("units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="board_grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    board = models.ForeignKey(
        SteeringBoard, verbose_name=_("board"), on_delete=models.CASCADE, related_name="role_grants"
    )
    granted_on = models.DateField(_("granted on"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role given by the board")
        verbose_name_plural = _("roles given by the board")
        ordering = ["commune", "user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "user", "role"],
                condition=models.Q(revoked_on__isnull=True),
                name="audits_board_grant_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{full_name(self.user)} · {self.get_role_display()}"


class QualityPolicy(models.Model):
    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="quality_policies"
    )
    version = models.PositiveIntegerField(_("version"), editable=False)
    text = models.TextField(_("quality policy"))
    adopted_on = models.DateField(_("adopted on"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="signed_quality_policies",
    )
    replaced_on = models.DateField(_("replaced on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality policy")
        verbose_name_plural = _("quality policies")
        ordering = ["commune", "-version"]
        constraints = [models.UniqueConstraint(fields=["commune", "version"], name="audits_policy_unique_version")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.version:02d} ({self.adopted_on:%d/%m/%Y})"

    @property
    def is_current(self) -> bool:
        return self.replaced_on is None
