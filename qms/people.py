"""People's names in Vietnamese order.

An account keeps the family and middle names in ``last_name`` ("Nguyễn Thị") and
the given name in ``first_name`` ("Hoa"). Screens, Word files and e-mails show
the name as it is written, family name first: "Nguyễn Thị Hoa". Lists of people
sort by given name, then family and middle names, as Vietnamese lists do.

``install()`` (called from ``QmsConfig.ready``) makes Django's and Wagtail's own
displays — which call ``user.get_full_name()`` — follow the same order.
"""

from __future__ import annotations

#: Order of a list of people: given name, then family and middle names.
NAME_ORDER = ("first_name", "last_name", "username")


def written_name(user) -> str:
    """Family, middle and given names as written; empty when none is recorded."""
    return " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)


def full_name(user) -> str:
    """The name to show for ``user``: "Nguyễn Thị Hoa", else the user name; "" for no user."""
    if user is None:
        return ""
    return written_name(user) or user.get_username()


def split_full_name(name: str) -> tuple[str, str]:
    """``(last_name, first_name)`` of a name as written: ("Nguyễn Thị", "Hoa")."""
    parts = name.split()
    if len(parts) < 2:
        return "", " ".join(parts)
    return " ".join(parts[:-1]), parts[-1]


def name_order(prefix: str = "") -> list[str]:
    """``order_by`` arguments sorting people by name; ``prefix`` such as ``"user__"``."""
    return [f"{prefix}{field}" for field in NAME_ORDER]


def _get_full_name(self) -> str:
    return written_name(self)


def install() -> None:
    from django.contrib.auth.models import AbstractUser

    AbstractUser.get_full_name = _get_full_name
