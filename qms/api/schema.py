"""How the schema describes the organisation token."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class OrganisationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "qms.api.authentication.OrganisationTokenAuthentication"
    name = "organisationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("The organisation's token: 'Token <token>'."),
        }
