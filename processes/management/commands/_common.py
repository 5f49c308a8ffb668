"""Arguments shared by the processes commands."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from qms.actors import SYSTEM
from qms.units.models import Commune


def add_commune_argument(parser) -> None:
    parser.add_argument("--commune", required=True, help=_("Commune code (e.g. 13795) or slug (e.g. pre2025-13795)."))
    parser.add_argument("--era", help=_("Era of the commune code when it exists in both eras (pre2025 or 2025)."))


def resolve_commune(code: str, era: str | None = None) -> Commune:
    communes = Commune.objects.select_related("unit").filter(slug=code)
    if not communes:
        communes = Commune.objects.select_related("unit").filter(unit__code=code)
        if era:
            communes = communes.filter(unit__era=era)
    communes = list(communes)
    if not communes:
        raise CommandError(_("No commune has the code %(code)s.") % {"code": code})
    if len(communes) > 1:
        slugs = ", ".join(c.slug for c in communes)
        raise CommandError(
            _("The code %(code)s exists in several eras; use --era or one of: %(slugs)s.")
            % {"code": code, "slugs": slugs}
        )
    return communes[0]


def resolve_user(username: str | None):
    if not username:
        return SYSTEM
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(_("No user is named %(name)s.") % {"name": username}) from None
