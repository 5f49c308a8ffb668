from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from qms.login_security import lockout_error


class LoginForm(WagtailLoginForm):
    """Wagtail's login form leaves the password label to the field name (English)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return lockout_error()
        return super().get_invalid_login_error()
