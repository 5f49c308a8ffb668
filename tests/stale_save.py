"""Two officers editing the same record: the colleague who saves first and the times a refusal may name."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from qms.units.models import Role
from qms.units.services import add_commune_member, add_unit_follower
from tests.factories import make_user

MISSING = "Không thể lưu vì biểu mẫu không cho biết bạn đã mở phiên bản nào. Hãy tải lại trang rồi sửa lại."


def colleague(world, role: str = Role.ISO_OFFICER, *, province: bool = False):
    """Nguyễn Văn An, a second holder of ``role`` in commune A (or a second provincial official)."""
    user = make_user(f"second_{role}")
    user.last_name, user.first_name = "Nguyễn Văn", "An"
    user.save()
    if province:
        add_unit_follower(unit=world.province_unit, user=user)
    else:
        add_commune_member(commune=world.commune_a, user=user, role=role)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def moments(start, end) -> set[str]:
    """Every "HH:MM dd/mm/YYYY" between two instants (the save happened in between)."""
    moment = timezone.localtime(start).replace(second=0, microsecond=0)
    found = set()
    while moment <= timezone.localtime(end):
        found.add(moment.strftime("%H:%M %d/%m/%Y"))
        moment += datetime.timedelta(minutes=1)
    return found
