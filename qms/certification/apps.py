from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "qms.certification"
    label = "certification"
    verbose_name = _("Certification progress")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from qms.demo import register_demo
        from qms.public.sections import register_section
        from qms.signals import qms_data_changed

        from . import demo, public, services, signing

        register_demo(demo.load_demo, order=30)
        signing.register()
        qms_data_changed.connect(services.on_data_changed, dispatch_uid="certification.refresh_on_data_changed")
        register_section(
            "announcement",
            title=_("QMS announcement"),
            template="certification/public/announcement.html",
            order=30,
            context=public.announcement_context,
        )
