"""A reusable permission matrix for admin and download views.

Every feature lists, for one object of commune A, the URLs of its views and
the personas allowed on each; :func:`check_cell` asserts each cell:

* allowed → HTTP 200 (or the given status) and, for HTML, the marker text shown;
* refused → the exact answer, derived from the persona's relation to commune A
  (:func:`expected_refusal`), and the marker text nowhere in the response;
* a listing refuses nobody signed in: 200, without the marker.

Use it from the feature's own test module with ``pytest.mark.parametrize`` so
each cell is one test case, in a :class:`SharedWorld` class so the world is
built once for the class.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import reverse

PERSONAS = ("iso_a", "leader_a", "auditor_a", "iso_b", "leader_b", "district", "province", "outsider", "anonymous")

#: How each persona stands to commune A.
MEMBER, FOLLOWER, OTHER_COMMUNE, NO_ROLE, ANONYMOUS = "member", "follower", "other commune", "no role", "anonymous"
RELATION = {
    "iso_a": MEMBER,
    "leader_a": MEMBER,
    "auditor_a": MEMBER,
    "district": FOLLOWER,
    "province": FOLLOWER,
    "iso_b": OTHER_COMMUNE,
    "leader_b": OTHER_COMMUNE,
    "auditor_b": OTHER_COMMUNE,
    "outsider": NO_ROLE,
    "anonymous": ANONYMOUS,
}

#: Wagtail's refusal: a redirect to the admin home with a message.
ADMIN_HOME = "redirect to the admin home"
#: A redirect to the sign-in page.
LOGIN = "redirect to sign in"


@dataclass(frozen=True)
class Cell:
    view: str
    persona: str
    allowed: bool


def cells(views: dict[str, set[str]]) -> list[Cell]:
    """``views`` maps a view name to the personas allowed on it."""
    return [Cell(view, persona, persona in allowed) for view, allowed in views.items() for persona in PERSONAS]


def cell_id(cell: Cell) -> str:
    return f"{cell.view}-{cell.persona}-{'allow' if cell.allowed else 'deny'}"


def expected_refusal(persona: str, *, refused, hidden=None, no_role=LOGIN, anonymous=LOGIN):
    """The answer a refused persona gets.

    ``refused``: for one who sees commune A's record but may not act (a member
    or follower): 403 or :data:`ADMIN_HOME`. ``hidden``: for another commune's
    persona, to whom the record does not exist (404 on one record's view);
    ``None`` when the view is not of one record of commune A (then ``refused``).
    ``no_role``: an account with no role has no admin access and is sent to sign
    in. ``anonymous``: sent to sign in (an API answers 401).
    """
    relation = RELATION[persona]
    if relation == ANONYMOUS:
        return anonymous
    if relation == NO_ROLE:
        return no_role
    if relation == OTHER_COMMUNE and hidden is not None:
        return hidden
    return refused


def assert_answer(response, expected, context="") -> None:
    """``expected``: a status code, :data:`ADMIN_HOME` or :data:`LOGIN`."""
    status = response.status_code
    location = response.get("Location", "")
    if expected == ADMIN_HOME:
        assert (status, location) == (302, reverse("wagtailadmin_home")), (
            f"{context}: expected {expected}, got {status} {location}"
        )
    elif expected == LOGIN:
        login_urls = (reverse("wagtailadmin_login"), settings.LOGIN_URL)
        assert status == 302 and location.startswith(login_urls), (
            f"{context}: expected {expected}, got {status} {location}"
        )
    else:
        assert status == expected, f"{context}: expected {expected}, got {status} {location}"


def check_cell(
    client,
    world,
    cell: Cell,
    url: str,
    *,
    refused,
    hidden=None,
    no_role=LOGIN,
    anonymous=LOGIN,
    marker: str | None = None,
    method: str = "get",
    data=None,
    listing=False,
):
    """Assert one cell (see :func:`expected_refusal` for ``refused``, ``hidden``,
    ``no_role`` and ``anonymous``). For a ``listing`` (index, search, export of
    many), a refused persona who is signed in gets 200 for its own data, without
    the marker."""
    if cell.persona != "anonymous":
        client.force_login(getattr(world, cell.persona))
    response = getattr(client, method)(url, data or {})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if cell.allowed:
        assert response.status_code == 200, f"{cell}: expected 200, got {response.status_code}"
        if marker and response.get("Content-Type", "").startswith("text/html"):
            assert marker.encode() in body, f"{cell}: {marker!r} not shown"
        return response
    if listing and RELATION[cell.persona] not in (ANONYMOUS, NO_ROLE):
        assert_answer(response, 200, str(cell))
    else:
        expected = expected_refusal(cell.persona, refused=refused, hidden=hidden, no_role=no_role, anonymous=anonymous)
        assert_answer(response, expected, str(cell))
    if marker:
        assert marker.encode() not in body, f"{cell}: refused but leaked {marker!r}"
    return response


class SharedWorld:
    """Base of a test class whose tests share one world, built once for the class.

    Each test gets its own copy of the objects, and runs in a savepoint of the
    class's transaction (``class_db``), so a cell's writes never leak to the next.
    Records of the class are built the same way: a ``scope="class"`` fixture
    writing inside ``class_db.unblock()``, handed to each test through
    :func:`copy.deepcopy`.
    """

    @pytest.fixture
    def world(self, class_world, db):
        return copy.deepcopy(class_world)


#: The carry-over of a merged commune D whose members are commune A's people (``tests/certification/mergers.py``):
#: view name -> (method, personas allowed). Others who see D (its leader, auditor) are refused with 403 on the
#: actions; anyone who does not see D gets 404, whatever their rights on the predecessors.
_D_READERS = {"iso_a", "leader_a", "auditor_a", "province"}
CARRY_OVER_VIEWS = {
    "carry_over": ("get", _D_READERS),
    "carry_over_progress": ("get", _D_READERS),
    "carry_over_compare": ("get", _D_READERS),
    "carry_over_docx": ("get", _D_READERS),
    "carry_over_xlsx": ("get", _D_READERS),
    "carry_over_post": ("post", {"iso_a", "province"}),
}
