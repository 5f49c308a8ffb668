"""Absolute links for e-mails and documents, built on the configured public address.

``WAGTAILADMIN_BASE_URL`` is the site's public address (``QMS_BASE_URL`` in
production); a request's own host is never used, so a link is the same
whichever proxy, worker or command produced it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (site-relative, e.g. ``/admin/...``) as a full URL; "" stays ""."""
    if not path:
        return ""
    if urlsplit(path).scheme:
        return path
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/{path.lstrip('/')}"
