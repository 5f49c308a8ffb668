"""A reusable permission matrix for admin and download views.

Every feature lists, for one object of commune A, the URLs of its views and
the personas allowed on each; :func:`check_matrix` asserts each cell:

* allowed → HTTP 200 (or the given status) and, for HTML, the marker text shown;
* denied  → not 200, and the marker text is nowhere in the response;
* anonymous → redirect to the login page (or 401/403 for APIs), never the data.

Use it from the feature's own test module with ``pytest.mark.parametrize`` so
each cell is one test case.
"""

from __future__ import annotations

from dataclasses import dataclass

PERSONAS = ("iso_a", "leader_a", "auditor_a", "iso_b", "leader_b", "district", "province", "outsider", "anonymous")


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


def check_cell(
    client, world, cell: Cell, url: str, *, marker: str | None = None, method: str = "get", data=None, listing=False
):
    """Assert one cell. For a ``listing`` (index, search, export of many), a denied
    persona may get 200 for its own data, but the marker must not appear."""
    if cell.persona != "anonymous":
        client.force_login(getattr(world, cell.persona))
    response = getattr(client, method)(url, data or {})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if cell.allowed:
        assert response.status_code == 200, f"{cell}: expected 200, got {response.status_code}"
        if marker and response.get("Content-Type", "").startswith("text/html"):
            assert marker.encode() in body, f"{cell}: {marker!r} not shown"
        return response
    if not (listing and cell.persona != "anonymous"):
        assert response.status_code != 200, f"{cell}: expected refusal, got 200"
    if marker:
        assert marker.encode() not in body, f"{cell}: refused but leaked {marker!r}"
    if cell.persona == "anonymous" and response.status_code in (301, 302):
        assert "login" in response["Location"], f"{cell}: anonymous redirected to {response['Location']}"
    return response
