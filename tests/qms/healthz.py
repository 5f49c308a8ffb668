"""Asking /healthz, as the load balancer and the deploy checks do."""

from django.test import override_settings

#: The checks of a healthy installation; a test names only the one it expects to differ.
ALL_OK = {"database": "ok", "broker": "ok", "static": "ok", "migrations": "ok"}


def get_healthz(client, **settings):
    """GET /healthz with ``settings`` overridden."""
    with override_settings(**settings):
        return client.get("/healthz")
