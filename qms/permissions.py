"""Commune-scoped permissions: the ONLY module that uses django-guardian.

(Its direct-FK permission tables are declared beside the commune, in
``qms/units/models.py``; nothing else imports guardian.)

Django groups per commune role are the single source of truth. Each group
holds guardian object permissions on its ``Commune`` row (direct-FK tables, so
there are groups × communes rows, never rows per document); every other model
inherits access through its ``commune`` foreign key.

Feature apps use:

* :func:`communes_for` / :func:`has_commune_perm` in services and views;
* :class:`CommuneScopedPolicy`, registered with
  ``wagtail.permissions.register_permission_policy`` at the top of their
  ``wagtail_hooks.py``;
* :class:`CommuneScopedViewSetMixin` on their Snippet/Model viewsets, which
  filters the listing and guards **every** view that takes a ``pk`` (edit,
  history, delete, usage, revisions, compare, workflow…), because Wagtail's
  own views only check model-level permissions.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm
from wagtail.admin.views.generic import IndexView
from wagtail.permission_policies import BasePermissionPolicy

VIEW = "view_commune_qms"
MANAGE = "manage_commune_qms"
APPROVE = "approve_commune_qms"
AUDIT = "audit_commune_qms"
COMMUNE_PERMISSIONS = (VIEW, MANAGE, APPROVE, AUDIT)

#: Default mapping of Wagtail actions to the commune permission they need.
DEFAULT_ACTION_PERMS: dict[str, str] = {
    "view": VIEW,
    "add": MANAGE,
    "change": MANAGE,
    "delete": MANAGE,
    "publish": APPROVE,
    "unpublish": APPROVE,
    "lock": MANAGE,
    "unlock": MANAGE,
}


def _commune_model():
    from qms.units.models import Commune

    return Commune


def communes_for(user, perm: str = VIEW) -> QuerySet:
    """Communes on which ``user`` holds ``perm`` (a lazy queryset, usable as a subquery)."""
    Commune = _commune_model()
    if user is None or not user.is_authenticated or not user.is_active:
        return Commune.objects.none()
    if user.is_superuser:
        return Commune.objects.all()
    from qms.units.models import CommuneGroupObjectPermission, CommuneUserObjectPermission

    # Two id subqueries on the same column rather than an OR across joins of
    # both permission tables: that join multiplies the rows of a province
    # official (a permission on every commune) and needs DISTINCT.
    through_groups = CommuneGroupObjectPermission.objects.filter(group__user=user, permission__codename=perm).values(
        "content_object_id"
    )
    held_directly = CommuneUserObjectPermission.objects.filter(user=user, permission__codename=perm).values(
        "content_object_id"
    )
    communes = Commune.objects.filter(Q(pk__in=through_groups) | Q(pk__in=held_directly))
    if perm != VIEW:
        # A commune whose QMS went to its successor keeps its records readable only.
        communes = communes.filter(read_only_since__isnull=True)
    return communes


def _held_commune_ids(user) -> dict[str, set[int]]:
    """The ids of the communes ``user`` holds each of the four commune permissions on, in one query."""
    from qms.units.models import CommuneGroupObjectPermission, CommuneUserObjectPermission

    fields = ("content_object_id", "permission__codename", "content_object__read_only_since")
    through_groups = CommuneGroupObjectPermission.objects.filter(
        group__user=user, permission__codename__in=COMMUNE_PERMISSIONS
    ).values_list(*fields)
    held_directly = CommuneUserObjectPermission.objects.filter(
        user=user, permission__codename__in=COMMUNE_PERMISSIONS
    ).values_list(*fields)
    held: dict[str, set[int]] = {perm: set() for perm in COMMUNE_PERMISSIONS}
    for commune_id, codename, read_only_since in through_groups.union(held_directly):
        if codename == VIEW or read_only_since is None:
            held[codename].add(commune_id)
    return held


def commune_ids_for(user, perm: str = VIEW) -> set[int]:
    """Same as :func:`communes_for` as a set of ids, cached on the user object."""
    cache = user.__dict__.setdefault("_qms_commune_ids", {})
    if perm not in cache:
        if user.is_authenticated and user.is_active and not user.is_superuser and perm in COMMUNE_PERMISSIONS:
            cache.update(_held_commune_ids(user))
        else:
            cache[perm] = set(communes_for(user, perm).values_list("pk", flat=True))
    return cache[perm]


def remembered(user, key: str, compute):
    """A fact about ``user`` computed once per request (kept on the request's user, dropped by
    :func:`forget_cached_perms`)."""
    memo = user.__dict__.setdefault("_qms_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def commune_condition(user, perms: Iterable[str], *, path: str = "commune") -> Q | None:
    """Rows whose commune (the ORM ``path`` to it) ``user`` holds any of ``perms`` on, as
    one condition on the row's own column with the ids of the communes the user holds
    (read once per request for the four permissions): an index lookup per commune that
    both SQLite and PostgreSQL plan exactly, never a subquery evaluated against every
    row. ``None``: every row (a superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    held: set[int] = set()
    for perm in sorted(set(perms)):
        held |= commune_ids_for(user, perm)
    return Q(**{f"{path}__in": sorted(held)})


def has_commune_perm(user, commune, perm: str = VIEW) -> bool:
    if commune is None or user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    commune_id = commune if isinstance(commune, int) else commune.pk
    return commune_id in commune_ids_for(user, perm)


def users_with_commune_perm(commune, perm: str = VIEW) -> QuerySet:
    """The active users holding ``perm`` on ``commune`` through their groups (superusers not included)."""
    commune = commune if isinstance(commune, _commune_model()) else _commune_model().objects.get(pk=commune)
    return get_users_with_perms(
        commune, only_with_perms_in=[perm], with_group_users=True, with_superusers=False
    ).filter(is_active=True)


def has_any_commune_perm(user, perm: str = VIEW) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or bool(commune_ids_for(user, perm))


def require_commune_perm(user, commune, perm: str = VIEW) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds ``perm`` on ``commune``."""
    if not has_commune_perm(user, commune, perm):
        raise PermissionDenied(read_only_refusal(commune, perm) or "")


def read_only_refusal(commune, perm: str) -> str | None:
    """The reason a change on ``commune`` is refused when it is read-only (merged and carried over)."""
    if perm == VIEW or commune is None or isinstance(commune, int):
        return None
    if getattr(commune, "read_only_since", None) is None:
        return None
    from qms.units.mapping import read_only_message

    return read_only_message(commune)


def refuse_commune_record(user, commune) -> None:
    """Refuse a record of ``commune`` the user may not act on: 404 to one who may
    not even see the commune (another commune's record), else ``PermissionDenied``."""
    if not has_commune_perm(user, commune, VIEW):
        raise Http404
    raise PermissionDenied


def has_model_perm(user, model, action: str) -> bool:
    """Whether ``user`` holds Django's model permission ``action`` ("add", "change", "delete") on ``model``."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


def require_model_perm(user, model, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds the model permission ``action``."""
    if not has_model_perm(user, model, action):
        raise PermissionDenied


def set_group_commune_perms(group: Group, commune, perms: Iterable[str]) -> None:
    """Make ``group`` hold exactly ``perms`` (among the commune permissions) on ``commune``;
    what it already holds is left alone (provisioning again writes nothing)."""
    wanted, held = set(perms), group_commune_perms(group, commune)
    for perm in COMMUNE_PERMISSIONS:
        if perm in wanted and perm not in held:
            assign_perm(f"units.{perm}", group, commune)
        elif perm not in wanted and perm in held:
            remove_perm(f"units.{perm}", group, commune)


def grant_group_commune_perm(group: Group, commune, perm: str) -> None:
    assign_perm(f"units.{perm}", group, commune)


def group_commune_perms(group: Group, commune) -> set[str]:
    from qms.units.models import CommuneGroupObjectPermission

    return set(
        CommuneGroupObjectPermission.objects.filter(group=group, content_object=commune).values_list(
            "permission__codename", flat=True
        )
    )


def forget(user, key: str) -> None:
    """Drop one remembered fact (after a write that changes it)."""
    user.__dict__.get("_qms_memo", {}).pop(key, None)


def forget_cached_perms(user) -> None:
    user.__dict__.pop("_qms_commune_ids", None)
    user.__dict__.pop("_qms_memo", None)


class CommuneScopedPolicy(BasePermissionPolicy):
    """Wagtail permission policy: access to an object follows access to its commune.

    ``commune_path`` is the ORM path from the model to ``Commune`` (e.g.
    ``"commune"`` or ``"audit__commune"``); ``action_perms`` maps Wagtail actions
    ("add", "change", "publish", …) to commune permissions.
    """

    def __init__(self, model, *, commune_path: str = "commune", action_perms: dict[str, str] | None = None):
        super().__init__(model)
        self.commune_path = commune_path
        self.action_perms = {**DEFAULT_ACTION_PERMS, **(action_perms or {})}

    def _perm(self, action: str) -> str | None:
        return self.action_perms.get(action)

    def commune_of(self, instance):
        if self.commune_path == "pk":
            return instance
        obj = instance
        for part in self.commune_path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj

    def user_has_permission(self, user, action):
        perm = self._perm(action)
        return perm is not None and has_any_commune_perm(user, perm)

    def user_has_permission_for_instance(self, user, action, instance):
        perm = self._perm(action)
        if perm is None or not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        if self.commune_path == "commune" and hasattr(instance, "commune_id"):
            return has_commune_perm(user, instance.commune_id, perm)  # the id is enough: no commune row to load
        return has_commune_perm(user, self.commune_of(instance), perm)

    def instances_user_has_any_permission_for(self, user, actions):
        perms = {self._perm(a) for a in actions} - {None}
        qs = self.model._default_manager.all()
        if user.is_superuser:
            return qs
        if not perms or not user.is_authenticated:
            return qs.none()
        condition = Q()
        for perm in perms:
            condition |= Q(**{f"{self.commune_path}__in": communes_for(user, perm).values("pk")})
        return qs.filter(condition)

    def instances_condition(self, user, actions) -> Q | None:
        """Same rows as :meth:`instances_user_has_any_permission_for`, as a condition on the
        model's own columns for a listing to filter by (no subquery of the model itself);
        ``None``: every row."""
        perms = {self._perm(a) for a in actions} - {None}
        if user.is_superuser:
            return None
        if not perms or not user.is_authenticated:
            return Q(pk__in=[])
        return commune_condition(user, perms, path=self.commune_path)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        perms = {self._perm(a) for a in actions} - {None}
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True)
                | Q(groups__communegroupobjectpermission__permission__codename__in=perms)
                | Q(communeuserobjectpermission__permission__codename__in=perms),
                is_active=True,
            )
            .distinct()
        )

    def users_with_any_permission_for_instance(self, actions, instance):
        from django.contrib.auth import get_user_model

        perms = {self._perm(a) for a in actions} - {None}
        commune = self.commune_of(instance)
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True)
                | Q(
                    groups__communegroupobjectpermission__permission__codename__in=perms,
                    groups__communegroupobjectpermission__content_object=commune,
                )
                | Q(
                    communeuserobjectpermission__permission__codename__in=perms,
                    communeuserobjectpermission__content_object=commune,
                ),
                is_active=True,
            )
            .distinct()
        )


class CommuneObjectGuardMixin:
    """Checks the object of every view that takes a ``pk`` against the policy.

    The action is the view's own ``permission_required`` (or any of
    ``any_permission_required``), so the edit view needs "change", the
    history view any of add/change/delete, the inspect view "view", …
    A user who may not even view the object (another commune's id) gets 404,
    one who sees it without the action's right gets the permission refusal.
    """

    def guard_actions(self) -> list[str]:
        required = getattr(self, "permission_required", None)
        if required:
            return [required]
        return list(getattr(self, "any_permission_required", None) or ["change"])

    def setup(self, request, *args, **kwargs):
        # Before the view's own setup: some (the previews) load and check their object there.
        self.guard(request, kwargs)
        super().setup(request, *args, **kwargs)

    def guard(self, request, kwargs) -> None:
        from qms.object_scope import check_owned_kwargs

        pk = kwargs.get("pk")
        if pk is None and set(kwargs) - {"pk"}:
            raise ImproperlyConfigured(
                f"{type(self).__name__} takes ids but no pk: the commune guard cannot check them."
            )
        if pk is not None and request.user.is_authenticated:
            obj = get_object_or_404(self.model._default_manager, pk=unquote(str(pk)))
            policy = self.permission_policy
            actions = self.guard_actions()
            if not policy.user_has_any_permission_for_instance(request.user, actions, obj):
                # A record the user may not even see does not exist for them (another commune's id).
                if not policy.user_has_any_permission_for_instance(request.user, ["view", *actions], obj):
                    raise Http404
                commune_of = getattr(policy, "commune_of", None)
                reason = read_only_refusal(commune_of(obj), MANAGE) if commune_of else None
                if reason:
                    from django.contrib import messages

                    messages.error(request, reason)
                raise PermissionDenied(reason or "")
            # Every other id of the URL (revision, task state, version…) must be the object's own.
            check_owned_kwargs(obj, kwargs)
            self.guarded_object = obj


class CommuneScopedIndexMixin:
    """Restricts a listing to the objects of the user's communes."""

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        policy, user = self.permission_policy, self.request.user
        if hasattr(policy, "instances_condition"):
            condition = policy.instances_condition(user, ["view", "change"])
            return queryset if condition is None else queryset.filter(condition)
        allowed = policy.instances_user_has_any_permission_for(user, ["view", "change"])
        return queryset.filter(pk__in=allowed.values("pk"))


@cache
def guarded_view_class(view_class):
    bases = [CommuneObjectGuardMixin]
    if issubclass(view_class, IndexView):
        bases.append(CommuneScopedIndexMixin)
    return type(f"CommuneGuarded{view_class.__name__}", (*bases, view_class), {})


class CommuneScopedViewSetMixin:
    """Mix into a ``SnippetViewSet``/``ModelViewSet``: every view it builds is guarded."""

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(guarded_view_class(view_class), **kwargs)


def followed_unit_ids(user) -> set[int]:
    """The administrative units ``user`` follows (district or province staff), once per request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    from qms.units.models import UnitViewerGroup

    return remembered(
        user,
        "followed_unit_ids",
        lambda: set(UnitViewerGroup.objects.filter(group__user=user).values_list("unit_id", flat=True)),
    )


def follows_unit(user, unit) -> bool:
    """Whether ``user`` follows ``unit`` or a unit above it (superusers always)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    lineage = {unit.pk, *(ancestor.pk for ancestor in unit.ancestors())}
    return bool(lineage & followed_unit_ids(user))
