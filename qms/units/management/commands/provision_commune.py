from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qms.actors import SYSTEM
from qms.units.models import AdministrativeUnit, Era, Level
from qms.units.services import provision_commune


class Command(BaseCommand):
    help = "Create (idempotently) a commune's QMS: role groups, guardian permissions and public page."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Commune code, e.g. 13795")
        parser.add_argument("--era", default=Era.Y2025, choices=Era.values)

    def handle(self, *args, code, era, **options):
        unit = AdministrativeUnit.objects.filter(era=era, code=code, level=Level.COMMUNE).first()
        if unit is None:
            raise CommandError(
                _("No commune with code %(code)s in era %(era)s. Load the units first (import_units).")
                % {"code": code, "era": era}
            )
        commune = provision_commune(unit=unit, acting_user=SYSTEM)
        self.stdout.write(_("Provisioned %(name)s (%(slug)s).") % {"name": commune.name, "slug": commune.slug})
        for link in commune.role_groups.select_related("group"):
            self.stdout.write(f"  - {link.group.name}")
