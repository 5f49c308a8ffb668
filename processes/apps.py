from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "processes"
    label = "processes"
    verbose_name = _("Process documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from qms.demo import register_demo
        from qms.public.sections import register_section
        from qms.reference import register_reference

        from . import demo, handlers, notices, reference, signing
        from .public import procedures_section_context

        handlers.connect()
        signing.register()
        notices.register_kinds()
        register_demo(demo.load_demo, order=10)
        register_reference(reference.load_reference, order=10)
        register_section(
            "procedures",
            title=_("Administrative procedures"),
            template="processes/public/section.html",
            order=10,
            context=procedures_section_context,
        )
