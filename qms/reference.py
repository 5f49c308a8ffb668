"""The reference data every installation needs, with no demo account: idempotent.

Administrative units of both eras, the TTHC catalogue, the TCVN ISO 9001:2015
clause catalogue, the approval workflow of process documents, the daily Celery
beat schedule, the public home page, and the default Wagtail site on the
public address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _


def _catalogue(acting_user) -> list[str]:
    from processes import services
    from processes.demo import CATALOGUE_DIR, CATALOGUE_FILES
    from processes.models import CatalogueImport

    done = set(CatalogueImport.objects.filter(source_name__in=CATALOGUE_FILES).values_list("source_name", flat=True))
    lines = []
    for name in CATALOGUE_FILES:
        if name in done:
            lines.append(_("TTHC catalogue %(name)s: already loaded.") % {"name": name})
            continue
        report = services.import_catalogue(name=name, data=(CATALOGUE_DIR / name).read_bytes(), acting_user=acting_user)
        lines.append(_("TTHC catalogue %(name)s: %(summary)s") % {"name": name, "summary": report.summary()})
    return lines


def _beat_schedule() -> int:
    from django_celery_beat.schedulers import ModelEntry

    from qms.celery import app

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=app, **entry)
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
    from audits.clauses import load_clauses
    from audits.models import IsoClause
    from processes.services import ensure_process_workflow
    from qms.units.reference import load_unit_fixtures

    lines = [report.summary() for report in load_unit_fixtures(acting_user=acting_user)]
    if not lines:
        lines.append(_("Administrative units: both eras already loaded."))
    lines += _catalogue(acting_user)
    created, updated = load_clauses(IsoClause)
    lines.append(_("ISO 9001 clauses: %(created)d added, %(updated)d updated.") % {"created": created, "updated": updated})
    ensure_process_workflow()
    lines.append(_("Approval workflow of process documents: ready."))
    lines.append(_("Celery beat schedule: %(count)d scheduled jobs.") % {"count": _beat_schedule()})
    lines.append(_("Public site: %(url)s") % {"url": _site()})
    return lines
