from django import forms
from django.utils.translation import gettext_lazy as _

from . import services


class CertificateForm(forms.Form):
    file = forms.FileField(
        label=_("PKCS#12 certificate file (.p12, .pfx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx"}),
    )
    password = forms.CharField(
        label=_("Certificate password"), required=False, strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > services.PKCS12_MAX_BYTES:
            raise forms.ValidationError(_("The certificate file is empty or too large."))
        return file


class SignedUploadForm(forms.Form):
    file = forms.FileField(
        label=_("The PDF signed outside (on the unit's token)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )
