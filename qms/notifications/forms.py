from django import forms
from django.utils.translation import gettext_lazy as _

from . import services


class NotificationPreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=_("Also send my notifications by e-mail"),
        required=False,
        help_text=_("Notifications always appear under Notifications in the menu."),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email_enabled"].initial = services.email_enabled(user)

    def save(self):
        services.set_email_preference(
            acting_user=self.user, user=self.user, email_enabled=self.cleaned_data["email_enabled"]
        )
