from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    label = "audits"
    verbose_name = _("Internal audits")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from qms.demo import register_demo
        from qms.notifications.registry import register_kind
        from qms.public.sections import register_section
        from qms.reference import register_reference

        from . import demo, reference
        from .board import demo as board_demo
        from .board.selectors import public_policy_context
        from .context import demo as context_demo
        from .models import ReminderKind
        from .objectives import demo as objective_demo
        from .risks import demo as risk_demo

        register_demo(demo.load_demo, order=20)
        register_demo(risk_demo.load_demo, order=21)
        register_demo(context_demo.load_demo, order=22)
        register_demo(objective_demo.load_demo, order=23)
        register_demo(board_demo.load_demo, order=24)
        register_demo(demo.load_yearly_review, order=29)
        register_section(
            "quality_policy",
            title=_("Quality policy and objectives"),
            template="audits/public/quality_policy.html",
            order=20,
            context=public_policy_context,
        )
        register_reference(reference.load_reference, order=20)
        for kind in ReminderKind:
            register_kind(f"audits.{kind.value}", kind.label)
        register_kind("audits.action_assigned", _("Corrective action assigned"))
        register_kind("audits.action_submitted", _("Corrective action submitted for verification"))
