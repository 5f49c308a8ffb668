from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.account import BaseSettingsPanel

from . import views
from .forms import NotificationPreferenceForm
from .models import unread_count

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/open/", views.OpenView.as_view(), name="open"),
]


@hooks.register("register_admin_urls")
def register_notification_urls():
    return [path("notifications/", include((urlpatterns, "notifications"), namespace="notifications"))]


class InboxMenuItem(MenuItem):
    """ "Thông báo", with the number of unread notices."""

    def render_component(self, request):
        component = super().render_component(request)
        unread = unread_count(request.user)
        if unread:
            component.label = f"{self.label} ({unread})"
        return component


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(_("Notifications"), reverse("notifications:inbox"), icon_name="mail", order=240)


class NotificationSettingsPanel(BaseSettingsPanel):
    name = "notifications"
    title = _("Notifications")
    order = 450
    form_class = NotificationPreferenceForm

    def get_form(self):
        if self.request.method == "POST":
            return self.form_class(self.request.POST, user=self.user, prefix=self.name)
        return self.form_class(user=self.user, prefix=self.name)


@hooks.register("register_account_settings_panel")
def register_notification_settings_panel(request, user, profile):
    return NotificationSettingsPanel(request, user, profile)
