from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "qms.units"
    label = "units"
    verbose_name = _("Administrative units and communes")
    default_auto_field = "django.db.models.BigAutoField"
