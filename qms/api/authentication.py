"""``Authorization: Token <secret>``: the organisation token of the request."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from . import services
from .models import OrganisationToken, hash_token

KEYWORD = "Token"


class TokenUser:
    """The request's user when an organisation token authenticated it: no person, no session."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    is_anonymous = False
    pk = None

    def __init__(self, token: OrganisationToken):
        self.token = token

    def __str__(self) -> str:
        return self.token.organisation

    def has_perm(self, *args, **kwargs) -> bool:
        return False


class OrganisationTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token as: Authorization: Token <token>."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = (
            OrganisationToken.objects.filter(token_hash=hash_token(raw), is_active=True)
            .select_related("province")
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        services.record_use(token=token)
        return TokenUser(token), token

    def authenticate_header(self, request):
        return KEYWORD
