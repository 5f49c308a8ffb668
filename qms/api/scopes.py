"""What an organisation token may read: each view names the scope it needs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import OrganisationToken


def request_token(request) -> OrganisationToken | None:
    return request.auth if isinstance(request.auth, OrganisationToken) else None


class HasScope(BasePermission):
    """An organisation token holding the view's ``required_scope``."""

    message = _("This token does not have the scope this endpoint needs.")

    def has_permission(self, request, view):
        token = request_token(request)
        return token is not None and token.allows(view.required_scope)
