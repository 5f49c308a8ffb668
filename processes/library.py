"""Who may maintain and read a unit's model library.

Editors are the members of the unit's ``LibraryEditorGroup`` (a Django group
"Cán bộ ISO cấp tỉnh – <unit>", created by ``services.ensure_library_editor_group``).
Readers are the editors, the unit's followers (district/province staff) and
anyone with a role in a commune beneath the unit (to adopt its models).
Results are cached on the user object for the request.
"""

from __future__ import annotations

from qms import permissions


def _cache(user) -> dict:
    return user.__dict__.setdefault("_qms_library_units", {})


def library_unit_ids(user) -> set[int]:
    """Units whose model library ``user`` edits."""
    if user is None or not user.is_authenticated:
        return set()
    cache = _cache(user)
    if "edit" not in cache:
        from .models import LibraryEditorGroup

        cache["edit"] = set(LibraryEditorGroup.objects.filter(group__user=user).values_list("unit_id", flat=True))
    return cache["edit"]


def is_library_editor(user, unit_id: int) -> bool:
    return unit_id in library_unit_ids(user)


def library_oversight_unit_ids(user) -> set[int]:
    """Units whose library's adoption ``user`` follows: its editors and the unit's followers."""
    if user is None or not user.is_authenticated:
        return set()
    cache = _cache(user)
    if "oversee" not in cache:
        from qms.units.models import UnitViewerGroup

        followed = set(UnitViewerGroup.objects.filter(group__user=user).values_list("unit_id", flat=True))
        cache["oversee"] = library_unit_ids(user) | followed
    return cache["oversee"]


def library_view_unit_ids(user) -> set[int]:
    """Units whose model library ``user`` may read."""
    if user is None or not user.is_authenticated:
        return set()
    cache = _cache(user)
    if "view" not in cache:
        from qms.units.models import Commune

        ancestors = Commune.objects.filter(pk__in=permissions.communes_for(user).values("pk")).values_list(
            "unit__parent_id", "unit__parent__parent_id"
        )
        above = {unit_id for pair in ancestors for unit_id in pair if unit_id}
        cache["view"] = library_oversight_unit_ids(user) | above
    return cache["view"]


def forget_library_cache(user) -> None:
    user.__dict__.pop("_qms_library_units", None)
