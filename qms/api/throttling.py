"""Requests per organisation token, at the rate of ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["organisation"]``."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .scopes import request_token


class OrganisationRateThrottle(SimpleRateThrottle):
    scope = "organisation"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        token = request_token(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.token_hash}
