"""Load (or refresh) the TCVN ISO 9001:2015 clause catalogue: idempotent."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from audits.clauses import load_clauses
from audits.models import IsoClause


class Command(BaseCommand):
    help = "Load the TCVN ISO 9001:2015 clause catalogue from fixtures/iso/."

    def handle(self, *args, **options):
        created, updated = load_clauses(IsoClause)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)d clauses added, %(updated)d updated.") % {"created": created, "updated": updated}
            )
        )
