from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class QmsConfig(AppConfig):
    name = "qms"
    label = "qms"
    verbose_name = _("Quality management system")
    default_auto_field = "django.db.models.BigAutoField"
    default = True

    def ready(self):
        from qms import people

        people.install()


class WagtailUsersConfig(WagtailUsersAppConfig):
    """``wagtail.users`` with the user list sorted by Vietnamese name order."""

    user_viewset = "qms.user_admin.UserViewSet"
