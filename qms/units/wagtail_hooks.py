from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from qms import audit_log
from qms.concurrency import with_version_token
from qms.display import ReadableIndexMixin
from qms.permissions import CommuneScopedPolicy, CommuneScopedViewSetMixin
from qms.service_views import ServiceViewSetMixin

from . import services
from .models import AdministrativeUnit, Commune, CommuneRoleGroup, UnitViewerGroup
from .views import UnitImportChangesView, UnitImportListView

# Access to a commune row follows the guardian permissions on that row.
register_permission_policy(
    Commune,
    # Communes are created and removed by provisioning, never from a form.
    CommuneScopedPolicy(Commune, commune_path="pk", action_perms={"add": None, "delete": None}),
)


class ReadableIndexView(ReadableIndexMixin, IndexView):
    pass


def save_commune(user, form, instance):
    return services.update_commune(commune=instance, acting_user=user, **_form_values(form, services.COMMUNE_FIELDS))


def save_unit(user, form, instance):
    values = _form_values(form, services.UNIT_FIELDS_EDITABLE)
    if instance is None:
        return services.create_unit(acting_user=user, **values)
    return services.update_unit(unit=instance, acting_user=user, **values)


def delete_unit(user, instance):
    services.delete_unit(unit=instance, acting_user=user)


def _form_values(form, fields) -> dict:
    return {name: value for name, value in form.cleaned_data.items() if name in fields}


class CommuneViewSet(CommuneScopedViewSetMixin, ServiceViewSetMixin, ModelViewSet):
    model = Commune
    index_view_class = ReadableIndexView
    icon = "home"
    menu_label = _("Communes")
    menu_order = 150
    add_to_admin_menu = True
    list_display = ["name", "unit", "district_name", "province_name", "is_active"]
    list_filter = ["unit__era", "is_active"]
    search_fields = ["name", "unit__code", "district_name", "province_name"]
    form_fields = ["name", "agency_name", "parent_agency_name", "place_name", "is_active"]
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["read_only_since"]
    copy_view_enabled = False
    save_function = staticmethod(save_commune)

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return with_version_token(form_class) if for_update else form_class

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=Commune.objects.select_related("unit"), **kwargs)


class AdministrativeUnitViewSet(ServiceViewSetMixin, ModelViewSet):
    model = AdministrativeUnit
    icon = "site"
    index_view_class = ReadableIndexView
    menu_label = _("Administrative units")
    add_to_settings_menu = True
    list_display = ["code", "full_name", "level", "era", "parent"]
    list_filter = ["era", "level"]
    search_fields = ["code", "name", "full_name"]
    form_fields = ["name", "full_name", "name_en", "unit_type", "abolished_on"]
    inspect_view_enabled = True
    copy_view_enabled = False
    save_function = staticmethod(save_unit)
    delete_function = staticmethod(delete_unit)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=AdministrativeUnit.objects.select_related("parent"), **kwargs)


@hooks.register("register_admin_viewset")
def register_commune_viewsets():
    return [CommuneViewSet("communes"), AdministrativeUnitViewSet("units")]


@hooks.register("register_log_actions")
def register_qms_log_actions(actions):
    audit_log.register_actions(actions)


class MyUnitsPanel(Component):
    """Admin home: the communes a person works for and the units they follow."""

    name = "qms_my_units"
    order = 50
    template_name = "units/home_my_units.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        return {
            "roles": CommuneRoleGroup.objects.filter(group__user=self.user).select_related("commune__unit"),
            "followed": UnitViewerGroup.objects.filter(group__user=self.user).select_related("unit"),
        }


@hooks.register("construct_homepage_panels")
def add_my_units_panel(request, panels):
    panels.insert(0, MyUnitsPanel(request.user))


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_unit_import_urls():
    urls = [
        path("", UnitImportListView.as_view(), name="index"),
        path("<int:pk>/", UnitImportChangesView.as_view(), name="changes"),
    ]
    return [path("unit-imports/", include((urls, "unit_imports"), namespace="unit_imports"))]


@hooks.register("register_settings_menu_item")
def register_unit_imports_menu_item():
    return SuperuserMenuItem(_("Unit list imports"), reverse("unit_imports:index"), icon_name="site", order=610)
