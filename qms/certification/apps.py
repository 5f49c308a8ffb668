from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "qms.certification"
    label = "certification"
    verbose_name = _("Certification progress")
    default_auto_field = "django.db.models.BigAutoField"
