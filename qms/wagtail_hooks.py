"""Admin-wide display rules shared by every app's inspect views."""

from django.db import models
from django.utils.html import conditional_escape
from django.utils.translation import gettext
from wagtail.admin.ui.fields import BaseFieldDisplay, register_display_class


class YesNoDisplay(BaseFieldDisplay):
    """A boolean as "Có" / "Không" rather than Python's True / False."""

    def render_html(self, parent_context=None):
        if self.value is None:
            return "-"
        return conditional_escape(gettext("Yes") if self.value else gettext("No"))


register_display_class(models.BooleanField, display_class=YesNoDisplay)
