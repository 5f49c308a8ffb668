"""The reference data every installation needs, with no demo account: idempotent.

Administrative units of both eras, what the feature apps register (the TTHC
catalogue and the approval workflow of process documents, the TCVN ISO
9001:2015 clause catalogue), the daily Celery beat schedule, the public home
page, and the default Wagtail site on the public address.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

#: (order, loader). Each is idempotent, takes ``acting_user`` and returns one line per part.
_FEATURE_REFERENCE: list[tuple[int, Callable]] = []


def register_reference(loader: Callable, *, order: int) -> None:
    """Let a feature app add its reference data after the administrative units (lower order first)."""
    if all(existing is not loader for _order, existing in _FEATURE_REFERENCE):
        _FEATURE_REFERENCE.append((order, loader))
        _FEATURE_REFERENCE.sort(key=lambda item: item[0])


def _beat_schedule() -> int:
    from celery import current_app
    from django_celery_beat.schedulers import ModelEntry

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=current_app, **entry)
    return len(settings.CELERY_BEAT_SCHEDULE)


def _site() -> str:
    from wagtail.models import Site

    from qms.public.services import ensure_home_page

    home = ensure_home_page()
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True, root_page=home)
    site.hostname, site.port, site.site_name = address.hostname, port, settings.WAGTAIL_SITE_NAME
    site.save()
    return site.root_url


@transaction.atomic
def load_reference_data(*, acting_user=None) -> list[str]:
    """Load or complete the reference data; returns one line per part for the operator."""
    from qms.units.mapping import reference_lines
    from qms.units.reference import load_unit_fixtures

    lines = [report.summary() for report in load_unit_fixtures(acting_user=acting_user)]
    if not lines:
        lines.append(_("Administrative units: both eras already loaded."))
    lines += reference_lines(acting_user=acting_user)
    for _order, loader in _FEATURE_REFERENCE:
        lines += loader(acting_user=acting_user)
    lines.append(_("Celery beat schedule: %(count)d scheduled jobs.") % {"count": _beat_schedule()})
    lines.append(_("Public site: %(url)s") % {"url": _site()})
    return lines
