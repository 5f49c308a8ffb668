from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "qms.signatures"
    label = "signatures"
    verbose_name = _("Signed PDFs")
    default_auto_field = "django.db.models.BigAutoField"
