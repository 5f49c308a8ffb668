"""Who may see a unit's figures and who acts for the province.

Commune data is checked with :mod:`qms.permissions` (VIEW / MANAGE / APPROVE).
Unit-wide figures (dashboards, exports, the API) belong to the followers of
that unit or of a unit above it — the same groups that provisioning gives VIEW
on every commune beneath. The province's followers (and superusers) record
inspections and set targets.
"""

from __future__ import annotations

from django.db.models import QuerySet

from qms import permissions
from qms.units.models import AdministrativeUnit, Level


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def lineage_ids(unit: AdministrativeUnit) -> list[int]:
    """The unit and its ancestors (parents must be loaded with select_related)."""
    return [unit.pk, *(ancestor.pk for ancestor in unit.ancestors())]


def followed_units(user) -> QuerySet:
    if not _active(user):
        return AdministrativeUnit.objects.none()
    return AdministrativeUnit.objects.filter(viewer_group__group__user=user)


def _followed(user) -> list[AdministrativeUnit]:
    """The units ``user`` follows (with their parents), fetched once per request."""
    return permissions.remembered(
        user, "followed_units", lambda: list(followed_units(user).select_related("parent__parent"))
    )


def follows(user, unit_ids: list[int]) -> bool:
    if not _active(user):
        return False
    return any(unit.pk in unit_ids for unit in _followed(user))


def follows_any(user) -> bool:
    return _active(user) and bool(_followed(user))


def can_view_unit(user, unit: AdministrativeUnit) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or follows(user, lineage_ids(unit))


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    if unit.level == Level.PROVINCE:
        return unit
    return next((a for a in unit.ancestors() if a.level == Level.PROVINCE), None)


def acts_for_province(user, unit: AdministrativeUnit) -> bool:
    """Superusers and followers of the province that contains ``unit``."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    province = province_of(unit)
    return province is not None and follows(user, [province.pk])


def can_view_commune(user, commune) -> bool:
    return permissions.has_commune_perm(user, commune, permissions.VIEW)


def can_manage_commune(user, commune) -> bool:
    return permissions.has_commune_perm(user, commune, permissions.MANAGE)


def can_prepare_decision(user, commune) -> bool:
    """The ISO officer drafts the announcement decision; the leader who signs it may too."""
    return can_manage_commune(user, commune) or permissions.has_commune_perm(user, commune, permissions.APPROVE)


def home_units(user, era: str) -> list[AdministrativeUnit]:
    """The units whose dashboard the user opens first in ``era`` (provinces first)."""
    order = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
    if user.is_superuser:
        from .models import CommuneProgress

        provinces = CommuneProgress.objects.filter(era=era).values("province_id")
        return list(AdministrativeUnit.objects.filter(pk__in=provinces).order_by("code"))
    if not _active(user):
        return []
    units = [unit for unit in _followed(user) if unit.era == era]
    return sorted(units, key=lambda u: (order.get(u.level, 3), u.code))
