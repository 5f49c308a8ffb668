"""Writes on units and communes: import, provisioning, role membership.

Every function is keyword-only, atomic, takes ``acting_user`` and leaves an
audit record (see ``qms.audit_log``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms import actors, permissions
from qms.audit_log import define_action, log

from .importer import UnitRow, read_units_file
from .models import (
    AdministrativeUnit,
    Commune,
    CommuneRoleGroup,
    Level,
    Role,
    UnitImport,
    UnitViewerGroup,
)

ACTION_UNITS_IMPORT = define_action(
    "qms.units.import", gettext_lazy("Import administrative units"), gettext_lazy("Imported administrative units")
)
ACTION_PROVISION = define_action(
    "qms.commune.provision", gettext_lazy("Provision commune"), gettext_lazy("Provisioned the commune's QMS")
)
ACTION_MEMBER_ADD = define_action(
    "qms.commune.member_add", gettext_lazy("Add member"), gettext_lazy("Added a member to a commune role")
)
ACTION_MEMBER_REMOVE = define_action(
    "qms.commune.member_remove", gettext_lazy("Remove member"), gettext_lazy("Removed a member from a commune role")
)
ACTION_COMMUNE_UPDATE = define_action(
    "qms.commune.update", gettext_lazy("Edit commune"), gettext_lazy("Edited the commune's details")
)
ACTION_UNIT_CREATE = define_action(
    "qms.unit.create", gettext_lazy("Add administrative unit"), gettext_lazy("Added an administrative unit")
)
ACTION_UNIT_UPDATE = define_action(
    "qms.unit.update", gettext_lazy("Edit administrative unit"), gettext_lazy("Edited the administrative unit")
)
ACTION_UNIT_DELETE = define_action(
    "qms.unit.delete", gettext_lazy("Delete administrative unit"), gettext_lazy("Deleted an administrative unit")
)
ACTION_VIEWER_ADD = define_action(
    "qms.unit.viewer_add", gettext_lazy("Add follower"), gettext_lazy("Added a district/province follower")
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ISO_OFFICER: (permissions.VIEW, permissions.MANAGE),
    Role.LEADER: (permissions.VIEW, permissions.APPROVE),
    Role.AUDITOR: (permissions.VIEW, permissions.AUDIT),
}
#: Model-level permission every QMS group needs to open the admin at all.
ADMIN_ACCESS = ("wagtailadmin", "access_admin")


@dataclass
class ImportReport:
    era: str
    added: list[str] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "Era %(era)s: %(added)d added, %(changed)d changed, %(unchanged)d unchanged, "
            "%(missing)d no longer in the file."
        ) % {
            "era": self.era,
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "missing": len(self.missing),
        }


def change_rows(added, changed, missing) -> list[tuple[str, str, str, str, str]]:
    """Every change of an import, one line per unit field: (change, code, field, before, after)."""
    rows = [(_("added"), code, "", "", "") for code in added]
    for item in changed:
        for name, (before, after) in item["changes"].items():
            rows.append((_("changed"), item["code"], name, "" if before is None else before, after or ""))
    rows += [(_("no longer in the file"), code, "", "", "") for code in missing]
    return rows


def report_rows(report: ImportReport) -> list[tuple[str, str, str, str, str]]:
    return change_rows(report.added, report.changed, report.missing)


UNIT_FIELDS = ("level", "name", "full_name", "name_en", "unit_type", "code_name")


def _diff(unit: AdministrativeUnit, row: UnitRow, parent_id: int | None) -> dict:
    changes = {
        name: [getattr(unit, name), getattr(row, name)]
        for name in UNIT_FIELDS
        if getattr(unit, name) != getattr(row, name)
    }
    if unit.parent_id != parent_id:
        changes["parent"] = [unit.parent_id, parent_id]
    return changes


def _refresh_planner_statistics() -> None:
    """Let PostgreSQL plan unit queries on the rows just loaded.

    Thousands of units arrive at once; until autovacuum gets to the table the
    planner believes it is empty and picks plans that scan it once per row.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {AdministrativeUnit._meta.db_table}")


@transaction.atomic
def import_units(*, path: str | Path, acting_user=None, dry_run: bool = False) -> ImportReport:
    """Upsert one release file by ``(era, code)``; report what was added/changed.

    A file that cannot be parsed raises ``UnitFileError`` before anything is
    written. With ``dry_run`` the report is computed and everything rolled back.
    """
    era, rows = read_units_file(path)
    report = ImportReport(era=era)
    existing = {u.code: u for u in AdministrativeUnit.objects.filter(era=era)}
    ids_by_code = {code: unit.pk for code, unit in existing.items()}
    seen: set[str] = set()
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create, to_update = [], []
        for row in (r for r in rows if r.level == level):
            seen.add(row.code)
            parent_id = ids_by_code.get(row.parent_code) if row.parent_code else None
            unit = existing.get(row.code)
            if unit is None:
                to_create.append(
                    AdministrativeUnit(
                        era=era, code=row.code, parent_id=parent_id, **{f: getattr(row, f) for f in UNIT_FIELDS}
                    )
                )
                report.added.append(row.code)
                continue
            changes = _diff(unit, row, parent_id)
            if not changes:
                report.unchanged += 1
                continue
            for name in UNIT_FIELDS:
                setattr(unit, name, getattr(row, name))
            unit.parent_id = parent_id
            to_update.append(unit)
            report.changed.append({"code": row.code, "changes": changes})
        for unit in AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000):
            ids_by_code[unit.code] = unit.pk
        AdministrativeUnit.objects.bulk_update(to_update, [*UNIT_FIELDS, "parent"], batch_size=1000)
    if report.added or report.changed:
        _refresh_planner_statistics()
    report.missing = sorted(code for code, unit in existing.items() if code not in seen and unit.abolished_on is None)
    record = UnitImport.objects.create(
        era=era,
        source_name=Path(path).name,
        added=len(report.added),
        changed=len(report.changed),
        unchanged=report.unchanged,
        details={"added": report.added, "changed": report.changed, "missing": report.missing},
        imported_by=actors.person(acting_user),
    )
    log(instance=record, action=ACTION_UNITS_IMPORT, user=acting_user, data={"summary": report.summary()})
    if dry_run:
        transaction.set_rollback(True)
    return report


def _agency_names(unit: AdministrativeUnit) -> tuple[str, str]:
    """("ỦY BAN NHÂN DÂN XÃ YÊN TRUNG", "HUYỆN Ý YÊN") — the NĐ 30/2020 agency block."""
    agency = f"ỦY BAN NHÂN DÂN {unit.full_name}".upper()
    parent = unit.parent
    parent_name = ""
    if parent is not None:
        parent_name = f"ỦY BAN NHÂN DÂN {parent.full_name}".upper()
    return agency, parent_name


def _group_name(commune: Commune, role: str) -> str:
    with translation.override("vi"):
        label = str(Role(role).label)
    return f"{commune.name} [{commune.unit.era}-{commune.unit.code}] · {label}"[:150]


def _admin_access_permission() -> Permission:
    app_label, codename = ADMIN_ACCESS
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_unit_viewer_group(*, unit: AdministrativeUnit) -> Group:
    """The follower group of a district/province (created once)."""
    try:
        return unit.viewer_group.group
    except UnitViewerGroup.DoesNotExist:
        pass
    with translation.override("vi"):
        label = _("District/province follower")
    group, _created = Group.objects.get_or_create(name=f"{unit.full_name} [{unit.era}-{unit.code}] · {label}"[:150])
    group.permissions.add(_admin_access_permission())
    UnitViewerGroup.objects.create(unit=unit, group=group)
    for commune in Commune.objects.filter(unit__in=unit.descendant_communes()):
        permissions.grant_group_commune_perm(group, commune, permissions.VIEW)
    return group


@transaction.atomic
def provision_commune(*, unit: AdministrativeUnit, acting_user=None, name: str | None = None) -> Commune:
    """Create (or complete) a commune's QMS: record, role groups, permissions, public page.

    Idempotent: running it again changes nothing and creates no duplicates.
    """
    if unit.level != Level.COMMUNE:
        raise ValueError(_("%(unit)s is not a commune-level unit.") % {"unit": unit.full_name})
    agency, parent_agency = _agency_names(unit)
    ancestors = unit.ancestors()
    commune, created = Commune.objects.get_or_create(
        unit=unit,
        defaults={
            "name": name or unit.full_name,
            "slug": f"{unit.era}-{unit.code}",
            "agency_name": agency,
            "parent_agency_name": parent_agency,
            "place_name": unit.name,
            "district_name": next((a.full_name for a in ancestors if a.level == Level.DISTRICT), ""),
            "province_name": next((a.full_name for a in ancestors if a.level == Level.PROVINCE), ""),
        },
    )
    access = _admin_access_permission()
    for role, perms in ROLE_PERMISSIONS.items():
        link = CommuneRoleGroup.objects.filter(commune=commune, role=role).select_related("group").first()
        if link is None:
            group, _created = Group.objects.get_or_create(name=_group_name(commune, role))
            link = CommuneRoleGroup.objects.create(commune=commune, role=role, group=group)
        link.group.permissions.add(access)
        permissions.set_group_commune_perms(link.group, commune, perms)
    for ancestor in ancestors:
        viewer = ensure_unit_viewer_group(unit=ancestor)
        permissions.grant_group_commune_perm(viewer, commune, permissions.VIEW)
    from qms.public.services import ensure_commune_page

    ensure_commune_page(commune=commune)
    if created:
        log(instance=commune, action=ACTION_PROVISION, user=acting_user, data={"unit": unit.code, "era": unit.era})
    return commune


def role_group(*, commune: Commune, role: str) -> Group:
    return CommuneRoleGroup.objects.select_related("group").get(commune=commune, role=role).group


@transaction.atomic
def add_commune_member(*, commune: Commune, user, role: str, acting_user=None) -> None:
    """Put ``user`` in the group holding ``role`` in ``commune``."""
    group = role_group(commune=commune, role=role)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        log(instance=commune, action=ACTION_MEMBER_ADD, user=acting_user, data={"user": user.username, "role": role})
    permissions.forget_cached_perms(user)


@transaction.atomic
def remove_commune_member(*, commune: Commune, user, role: str, acting_user=None) -> None:
    """Take ``user`` out of the group holding ``role`` in ``commune``."""
    group = role_group(commune=commune, role=role)
    if user.groups.filter(pk=group.pk).exists():
        user.groups.remove(group)
        log(instance=commune, action=ACTION_MEMBER_REMOVE, user=acting_user, data={"user": user.username, "role": role})
    permissions.forget_cached_perms(user)


@transaction.atomic
def add_unit_follower(*, unit: AdministrativeUnit, user, acting_user=None) -> None:
    """Give a district/province official read access to every commune beneath ``unit``."""
    group = ensure_unit_viewer_group(unit=unit)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        log(instance=unit, action=ACTION_VIEWER_ADD, user=acting_user, data={"user": user.username})
    permissions.forget_cached_perms(user)


def user_roles(user) -> list[CommuneRoleGroup]:
    """The commune roles a user holds (for menus and dashboards)."""
    return list(CommuneRoleGroup.objects.filter(group__user=user).select_related("commune"))


# -- the commune and unit edit forms -----------------------------------------------------------

#: What the commune's edit form changes (the unit, slug and names of its superiors come from provisioning).
COMMUNE_FIELDS = ("name", "agency_name", "parent_agency_name", "place_name", "is_active")
#: What the unit forms change (the rest comes from the published lists, see ``import_units``).
UNIT_FIELDS_EDITABLE = ("name", "full_name", "name_en", "unit_type", "abolished_on")


def _assign(instance, values: dict, allowed: tuple[str, ...]) -> dict:
    """Set the allowed ``values`` on ``instance``; returns {field: [old, new]} of those that changed."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    changes = {}
    for name, value in values.items():
        if getattr(instance, name) != value:
            changes[name] = [getattr(instance, name), value]
            setattr(instance, name, value)
    return changes


def _clean(instance, fields) -> None:
    """Validate ``fields`` of ``instance`` as the form that edits them does."""
    instance.full_clean(exclude=[f.name for f in instance._meta.fields if f.name not in fields])


@transaction.atomic
def update_commune(*, commune: Commune, acting_user, **values) -> Commune:
    """Change the commune's own details (name, agency block, place name, active)."""
    if not actors.is_system(acting_user):
        permissions.require_commune_perm(acting_user, commune, permissions.MANAGE)
    changes = _assign(commune, values, COMMUNE_FIELDS)
    _clean(commune, COMMUNE_FIELDS)
    if changes:
        commune.save(update_fields=list(changes))
        log(instance=commune, action=ACTION_COMMUNE_UPDATE, user=acting_user, data={"changes": changes})
    return commune


def _require_unit_perm(acting_user, action: str) -> None:
    if not actors.is_system(acting_user):
        permissions.require_model_perm(acting_user, AdministrativeUnit, action)


@transaction.atomic
def create_unit(*, acting_user, **values) -> AdministrativeUnit:
    """Add one administrative unit by hand (the published lists arrive through ``import_units``)."""
    _require_unit_perm(acting_user, "add")
    unit = AdministrativeUnit()
    _assign(unit, values, UNIT_FIELDS_EDITABLE)
    _clean(unit, UNIT_FIELDS_EDITABLE)
    unit.save()
    log(instance=unit, action=ACTION_UNIT_CREATE, user=acting_user, data={"full_name": unit.full_name})
    return unit


@transaction.atomic
def update_unit(*, unit: AdministrativeUnit, acting_user, **values) -> AdministrativeUnit:
    """Change a unit's names or record the day it was abolished (``abolished_on``)."""
    _require_unit_perm(acting_user, "change")
    changes = _assign(unit, values, UNIT_FIELDS_EDITABLE)
    _clean(unit, UNIT_FIELDS_EDITABLE)
    if changes:
        unit.save(update_fields=list(changes))
        log(instance=unit, action=ACTION_UNIT_UPDATE, user=acting_user, data={"changes": changes})
    return unit


@transaction.atomic
def delete_unit(*, unit: AdministrativeUnit, acting_user) -> None:
    """Delete a unit nothing refers to (no commune, no unit beneath it)."""
    _require_unit_perm(acting_user, "delete")
    log(
        instance=unit,
        action=ACTION_UNIT_DELETE,
        user=acting_user,
        data={"code": unit.code, "full_name": unit.full_name},
    )
    try:
        with transaction.atomic():
            unit.delete()
    except ProtectedError:
        raise ValidationError(
            _("“%(unit)s” cannot be deleted: a commune or another unit still refers to it.") % {"unit": unit.full_name}
        ) from None
