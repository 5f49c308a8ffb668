from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy

from qms import permissions
from qms.permissions import CommuneScopedPolicy

from .models import Announcement, CommuneLifecycle, CommuneProgress, Evidence, Inspection, InspectionConclusion

# Access to every commune-scoped record follows access to its commune.
for _model, _path in (
    (CommuneLifecycle, "commune"),
    (CommuneProgress, "commune"),
    (Evidence, "commune"),
    (Announcement, "commune"),
    (Inspection, "commune"),
    (InspectionConclusion, "inspection__commune"),
):
    register_permission_policy(_model, CommuneScopedPolicy(_model, commune_path=_path))

from . import access, services  # noqa: E402  (services declares the audit actions)
from .selectors import unit_headline  # noqa: E402

assert services  # imported for its define_action() calls


@hooks.register("register_admin_urls")
def register_certification_urls():
    return [path("certification/", include("qms.certification.admin_urls", namespace="certification"))]


class ProgressMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return permissions.has_any_commune_perm(user) or access.follows_any(user)


@hooks.register("register_admin_menu_item")
def register_progress_menu_item():
    return ProgressMenuItem(
        _("QMS progress"), reverse("certification:home"), name="qms-progress", icon_name="tasks", order=120
    )


class ProgressPanel(Component):
    """Admin home: headline figures of the followed units, or the user's communes."""

    name = "qms_progress"
    order = 50
    template_name = "certification/home_panel.html"

    def get_context_data(self, parent_context):
        from qms.notifications.models import unread_count
        from qms.units.models import Era

        from .models import CommuneProgress

        request = parent_context["request"]
        user = request.user
        units = [u for era in (Era.Y2025, Era.PRE_2025) for u in access.home_units(user, era)][:4]
        own = CommuneProgress.objects.filter(commune__role_groups__group__user=user).distinct()
        return {
            "headlines": [unit_headline(unit) for unit in units],
            "own": list(own.order_by("commune_name")[:5]),
            "unread": unread_count(user),
            "request": request,
        }

    def render_html(self, parent_context=None):
        user = parent_context["request"].user
        if not (user.is_superuser or permissions.has_any_commune_perm(user)):
            return ""
        return super().render_html(parent_context)


@hooks.register("construct_homepage_panels")
def add_progress_panel(request, panels):
    panels.append(ProgressPanel())
