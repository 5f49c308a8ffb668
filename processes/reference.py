"""The reference data of process documents: the TTHC catalogue and the approval workflow."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import services
from .demo import CATALOGUE_DIR, CATALOGUE_FILES
from .models import CatalogueImport


def load_reference(*, acting_user=None) -> list[str]:
    """Load the TTHC catalogue files not yet imported and ensure the workflow; one line per part."""
    done = set(CatalogueImport.objects.filter(source_name__in=CATALOGUE_FILES).values_list("source_name", flat=True))
    lines = []
    for name in CATALOGUE_FILES:
        if name in done:
            lines.append(_("TTHC catalogue %(name)s: already loaded.") % {"name": name})
            continue
        report = services.import_catalogue(name=name, data=(CATALOGUE_DIR / name).read_bytes(), acting_user=acting_user)
        lines.append(_("TTHC catalogue %(name)s: %(summary)s") % {"name": name, "summary": report.summary()})
    services.ensure_process_workflow()
    lines.append(_("Approval workflow of process documents: ready."))
    return lines
