"""Permission policies of the processes app (registered in ``wagtail_hooks``)."""

from __future__ import annotations

from django.db.models import Q
from wagtail.permission_policies import BasePermissionPolicy

from qms import permissions
from qms.permissions import CommuneScopedPolicy

from .library import library_unit_ids, library_view_unit_ids

#: Actions a model library's editors hold on its documents.
LIBRARY_EDIT_ACTIONS = {"add", "change", "delete", "lock", "unlock", "publish", "review"}


class ProcessDocumentPolicy(CommuneScopedPolicy):
    """Commune documents follow their commune's permissions; model documents
    follow the owning unit's model library (editors edit, readers view).

    Extra action "review" (look at drafts, revisions and workflow history) is
    held by the commune's leaders besides its ISO officers ("change"). A
    document that has ever been issued cannot be deleted.
    """

    def __init__(self, model):
        super().__init__(
            model,
            commune_path="commune",
            action_perms={"review": permissions.APPROVE, "unpublish": None},
        )

    def user_has_permission(self, user, action):
        if super().user_has_permission(user, action):
            return True
        return action in LIBRARY_EDIT_ACTIONS | {"view"} and bool(library_unit_ids(user))

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.first_published_at is not None:
            return False
        if instance.commune_id is not None or not user.is_authenticated:
            return super().user_has_permission_for_instance(user, action, instance)
        if user.is_superuser:
            return self._perm(action) is not None
        if action in LIBRARY_EDIT_ACTIONS:
            return instance.owner_unit_id in library_unit_ids(user)
        return action == "view" and instance.owner_unit_id in library_view_unit_ids(user)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if user.is_superuser or not user.is_authenticated:
            return queryset
        units = self._library_units(user, actions)
        if not units:
            return queryset
        return self.model._default_manager.filter(Q(pk__in=queryset.values("pk")) | Q(owner_unit_id__in=units))

    def _library_units(self, user, actions) -> set[int]:
        units = set()
        if set(actions) & LIBRARY_EDIT_ACTIONS:
            units |= library_unit_ids(user)
        if "view" in actions:
            units |= library_view_unit_ids(user)
        return units

    def instances_condition(self, user, actions):
        condition = super().instances_condition(user, actions)
        if user.is_superuser or not user.is_authenticated:
            return condition
        units = self._library_units(user, actions)
        if not units:
            return condition
        return condition | Q(owner_unit_id__in=sorted(units))


class CatalogueReadPolicy(BasePermissionPolicy):
    """The TTHC catalogue: read by everyone working in the QMS, changed only by
    superusers (the catalogue comes from ``import_tthc``)."""

    def _reader(self, user) -> bool:
        return bool(
            user.is_authenticated
            and (user.is_superuser or permissions.has_any_commune_perm(user) or library_view_unit_ids(user))
        )

    def user_has_permission(self, user, action):
        if action == "view":
            return self._reader(user)
        return user.is_authenticated and user.is_superuser

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if any(self.user_has_permission(user, action) for action in actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(is_superuser=True, is_active=True)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)
