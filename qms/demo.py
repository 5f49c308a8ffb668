"""Demo data from the seed reports: five districts, their communes, demo users.

Ý Yên (Nam Định) with its 31 communes of 2024, Vân Canh, Sóc Sơn, Tam Dương and
TP Hòa Bình as pre-2025 units, plus their 2025 successor communes — all
provisioned. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from qms.people import split_full_name
from qms.signals import data_changes_batched
from qms.units.models import AdministrativeUnit, Commune, Era, Level, Role
from qms.units.services import add_commune_member, add_unit_follower, provision_commune

DEMO_FILE = settings.BASE_DIR / "fixtures" / "demo" / "five_districts_2024_2025.json"
#: Communes merged away on 01/09/2024 (NQ 1109/NQ-UBTVQH15) are kept as abolished units.
MERGED_2024 = datetime.date(2024, 9, 1)
YY_DISTRICT = "360"
YY_DEMO_COMMUNE = "13795"  # Thị trấn Lâm, Ý Yên


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str
    role: str


DEMO_ACCOUNTS = [
    DemoAccount("admin", "admin-demo-2026", "Quản trị hệ thống", "superuser"),
    DemoAccount("iso.lam", "iso-demo-2026", "Nguyễn Thị Hoa", "iso_officer"),
    DemoAccount("lanhdao.lam", "lanhdao-demo-2026", "Trần Văn Bình", "leader"),
    DemoAccount("danhgia.lam", "danhgia-demo-2026", "Phạm Minh Tuấn", "auditor"),
    DemoAccount("huyen.yyen", "huyen-demo-2026", "Lê Thu Trang", "district"),
    DemoAccount("tinh.namdinh", "tinh-demo-2026", "Đỗ Quang Huy", "province"),
    DemoAccount("thuvien.namdinh", "thuvien-demo-2026", "Vũ Thị Lan", "library_editor"),
]


def _ensure_user(account: DemoAccount):
    User = get_user_model()
    # A person: family and middle names, then the given name; an office account keeps its name whole.
    family, given = ("", account.full_name) if account.role == "superuser" else split_full_name(account.full_name)
    user, created = User.objects.get_or_create(
        username=account.username,
        defaults={"first_name": given, "last_name": family, "email": f"{account.username}@example.gov.vn"},
    )
    if created:
        user.set_password(account.password)
        user.is_superuser = user.is_staff = account.role == "superuser"
        user.save()
    return user


def _abolished_units(district: AdministrativeUnit, communes_2024: list[dict]) -> None:
    known = set(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE).values_list("code", flat=True))
    for item in communes_2024:
        if item["code"] in known:
            continue
        AdministrativeUnit.objects.create(
            era=Era.PRE_2025,
            level=Level.COMMUNE,
            code=item["code"],
            name=item["name"],
            full_name=item["full_name"],
            unit_type=item["full_name"][: -len(item["name"])].strip(),
            parent=district,
            abolished_on=MERGED_2024,
        )


@transaction.atomic
def load_demo(*, acting_user=None) -> dict:
    """Create the demo districts' communes, their successors and the demo users."""
    if not getattr(settings, "QMS_DEMO_ACCOUNTS", True):
        raise ImproperlyConfigured("Demo accounts (published passwords) are refused by these settings.")
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    communes_2024 = data["era_2024_v2.0.1"]
    mapping = data["last_pre_2025_v2.4.1"]
    units = {u.code: u for u in AdministrativeUnit.objects.filter(era=Era.PRE_2025)}
    new_units = {u.code: u for u in AdministrativeUnit.objects.filter(era=Era.Y2025, level=Level.COMMUNE)}
    provisioned: dict[tuple[str, str], Commune] = {}
    for district_code, district in communes_2024.items():
        district_unit = units[district_code]
        _abolished_units(district_unit, district["communes"])
        pre_units = {
            u.code: u
            for u in AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE, parent=district_unit)
        }
        for item in district["communes"]:
            commune = provision_commune(unit=pre_units[item["code"]], name=item["full_name"], acting_user=acting_user)
            provisioned[(Era.PRE_2025, item["code"])] = commune
        for item in mapping[district_code]["communes"]:
            old = provisioned.get((Era.PRE_2025, item["code"]))
            for successor in item.get("new_2025", []):
                key = (Era.Y2025, successor["code"])
                if key not in provisioned:
                    provisioned[key] = provision_commune(unit=new_units[successor["code"]], acting_user=acting_user)
                if old is not None:
                    provisioned[key].predecessors.add(old)
    users = {account.username: _ensure_user(account) for account in DEMO_ACCOUNTS}
    demo_commune = provisioned[(Era.PRE_2025, YY_DEMO_COMMUNE)]
    role_of = {"iso_officer": Role.ISO_OFFICER, "leader": Role.LEADER, "auditor": Role.AUDITOR}
    for account in DEMO_ACCOUNTS:
        if account.role in role_of:
            add_commune_member(
                commune=demo_commune, user=users[account.username], role=role_of[account.role], acting_user=acting_user
            )
    yy = units[YY_DISTRICT]
    add_unit_follower(unit=yy, user=users["huyen.yyen"], acting_user=acting_user)
    add_unit_follower(unit=yy.parent, user=users["tinh.namdinh"], acting_user=acting_user)
    ninh_binh = new_units["13795"].parent  # Xã Ý Yên now belongs to Ninh Bình
    add_unit_follower(unit=ninh_binh, user=users["tinh.namdinh"], acting_user=acting_user)
    with data_changes_batched():
        _load_feature_demos(acting_user=users["admin"], communes=list(provisioned.values()))
    return {"communes": len(provisioned), "users": len(users)}


#: Demo loaders of the feature apps, registered in their ``AppConfig.ready()``:
#: (order, loader). Each is idempotent and takes ``acting_user`` and ``communes``.
_FEATURE_DEMOS: list[tuple[int, Callable]] = []


def register_demo(loader: Callable, *, order: int) -> None:
    """Let a feature app add its demo data after the communes and users exist (lower order first)."""
    if all(existing is not loader for _, existing in _FEATURE_DEMOS):
        _FEATURE_DEMOS.append((order, loader))
        _FEATURE_DEMOS.sort(key=lambda item: item[0])


def _load_feature_demos(*, acting_user, communes: list[Commune]) -> None:
    for _, loader in _FEATURE_DEMOS:
        loader(acting_user=acting_user, communes=communes)
