"""Admin-wide display rules shared by every app's inspect views."""

from django.db import models
from django.utils.html import conditional_escape
from django.utils.translation import gettext
from wagtail.admin.ui.fields import BaseFieldDisplay, register_display_class


class YesNoDisplay(BaseFieldDisplay):
    """A boolean as "Có" / "Không" rather than Python's True / False."""

    def render_html(self, parent_context=None):
        if self.value is None:
            return "-"
        return conditional_escape(gettext("Yes") if self.value else gettext("No"))


register_display_class(models.BooleanField, display_class=YesNoDisplay)


# -- Sign-in lockouts (django-axes): superusers see and lift them ---------------------------------

from axes.models import AccessAttempt  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402
from wagtail import hooks  # noqa: E402
from wagtail.admin.views.generic import models as generic  # noqa: E402
from wagtail.admin.viewsets.model import ModelViewSet  # noqa: E402
from wagtail.permission_policies import BasePermissionPolicy  # noqa: E402
from wagtail.permissions import register_permission_policy  # noqa: E402

from qms.login_security import unlock_login  # noqa: E402


class SuperuserOnlyPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser and action in ("view", "delete")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        qs = self.model._default_manager.all()
        return qs if self.user_has_any_permission(user, actions) else qs.none()


register_permission_policy(AccessAttempt, SuperuserOnlyPolicy(AccessAttempt))


class UnlockView(generic.DeleteView):
    page_title = _("Unlock sign-in")
    success_message = _("Sign-in of '%(object)s' unlocked.")

    def get_success_message(self):
        return self.success_message % {"object": self.object}

    def delete_action(self):
        unlock_login(acting_user=self.request.user, attempt=self.object)


class AccessAttemptViewSet(ModelViewSet):
    model = AccessAttempt
    icon = "lock"
    menu_label = _("Locked sign-ins")
    add_to_settings_menu = True
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    inspect_view_enabled = True
    inspect_view_fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    copy_view_enabled = False
    delete_view_class = UnlockView
    form_fields = ["username"]


@hooks.register("register_admin_viewset")
def register_access_attempts():
    return AccessAttemptViewSet("login_lockouts")


# -- Bulk actions of the project's snippets: only the user's own objects ---------------------------

from wagtail import hooks as wagtail_hook_registry  # noqa: E402

from qms.object_scope import scoped_snippet_bulk_actions  # noqa: E402

for _bulk_action in scoped_snippet_bulk_actions():
    # Registered after Wagtail's own (higher order), so these replace them for the project's models.
    wagtail_hook_registry.register("register_bulk_action", _bulk_action, order=100)


@hooks.register("construct_homepage_panels")
def page_panels_for_page_editors(request, panels):
    """Wagtail's "your locked pages" and "your recent edits" list pages the user locked or edited
    in the page editor, which a user without any page permission cannot open."""
    from wagtail.admin.auth import user_has_any_page_permission
    from wagtail.admin.views.home import LockedPagesPanel, RecentEditsPanel

    if not user_has_any_page_permission(request.user):
        panels[:] = [panel for panel in panels if not isinstance(panel, (LockedPagesPanel, RecentEditsPanel))]


@hooks.register("construct_help_menu")
def keep_help_menu_local(request, menu_items):
    """Wagtail's release notes and editor guide are English pages on wagtail.org: not for our officials."""
    menu_items[:] = [
        item for item in menu_items if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")
    ]


@hooks.register("insert_global_admin_css")
def admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("qms/admin.css"))
