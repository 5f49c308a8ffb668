"""Test data built through the real services (provisioning, membership).

``build_world()`` makes (``world.province_unit`` / ``world.district_unit``) a small province → district → two communes tree in
era ``pre2025`` with named users for every persona of the permission matrix:

* ``iso_a``, ``leader_a``, ``auditor_a`` — roles in commune A;
* ``iso_b``, ``leader_b``, ``auditor_b`` — the same roles in commune B;
* ``district`` — follower of the district (read access to A and B);
* ``province`` — follower of the province;
* ``outsider`` — an active account with no role;
* ``admin`` — superuser.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from qms.units.models import AdministrativeUnit, Commune, Era, Level, Role
from qms.units.services import add_commune_member, add_unit_follower, provision_commune

_counter = itertools.count(1)


def make_unit(*, level: str, name: str, parent=None, era: str = Era.PRE_2025, code: str | None = None):
    prefix = {Level.PROVINCE: "Tỉnh", Level.DISTRICT: "Huyện", Level.COMMUNE: "Xã"}[level]
    code = code or f"{90000 + next(_counter)}"
    return AdministrativeUnit.objects.create(
        era=era, level=level, code=code, name=name, full_name=f"{prefix} {name}", unit_type=prefix, parent=parent
    )


def make_user(username: str, *, superuser: bool = False):
    User = get_user_model()
    user = User.objects.create_user(username=username, password="pw", first_name=username)
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save()
    return user


def make_commune(*, name: str, district=None, era: str = Era.PRE_2025) -> Commune:
    if district is None:
        province = make_unit(level=Level.PROVINCE, name=f"Tỉnh {name}", era=era)
        district = make_unit(level=Level.DISTRICT, name=f"Huyện {name}", parent=province, era=era)
    unit = make_unit(level=Level.COMMUNE, name=name, parent=district, era=era)
    return provision_commune(unit=unit)


@dataclass
class World:
    province_unit: AdministrativeUnit
    district_unit: AdministrativeUnit
    commune_a: Commune
    commune_b: Commune
    users: dict = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    province = make_unit(level=Level.PROVINCE, name="Thử Nghiệm")
    district = make_unit(level=Level.DISTRICT, name="Kiểm Thử", parent=province)
    commune_a = provision_commune(unit=make_unit(level=Level.COMMUNE, name="An Bình", parent=district))
    commune_b = provision_commune(unit=make_unit(level=Level.COMMUNE, name="Bắc Sơn", parent=district))
    world = World(province_unit=province, district_unit=district, commune_a=commune_a, commune_b=commune_b)
    for suffix, commune in (("a", commune_a), ("b", commune_b)):
        for role, key in ((Role.ISO_OFFICER, "iso"), (Role.LEADER, "leader"), (Role.AUDITOR, "auditor")):
            user = make_user(f"{key}_{suffix}")
            add_commune_member(commune=commune, user=user, role=role)
            world.users[f"{key}_{suffix}"] = user
    world.users["district"] = make_user("district")
    add_unit_follower(unit=district, user=world.users["district"])
    world.users["province"] = make_user("province")
    add_unit_follower(unit=province, user=world.users["province"])
    world.users["outsider"] = make_user("outsider")
    world.users["admin"] = make_user("superuser", superuser=True)
    return world


def load_world(keys: World) -> World:
    """Fresh instances of a world whose rows exist (``keys`` holds primary keys in place of objects)."""
    User = get_user_model()
    units = AdministrativeUnit.objects.in_bulk([keys.province_unit, keys.district_unit])
    communes = Commune.objects.select_related("unit").in_bulk([keys.commune_a, keys.commune_b])
    users = User.objects.in_bulk(list(keys.users.values()))
    return World(
        province_unit=units[keys.province_unit],
        district_unit=units[keys.district_unit],
        commune_a=communes[keys.commune_a],
        commune_b=communes[keys.commune_b],
        users={key: users[pk] for key, pk in keys.users.items()},
    )
