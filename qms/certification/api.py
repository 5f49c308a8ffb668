"""``GET /api/v1/progress/?unit=<code>&era=<era>``: a dashboard's figures as JSON.

Session authentication: 401 when not signed in, 403 for a unit the user does
not follow, 404 for an unknown unit, 400 for a missing or invalid parameter.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qms.units.models import Era

from . import access
from .selectors import find_unit, progress_report


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_GET
def progress(request):
    if not request.user.is_authenticated:
        return _error(401, _("Sign in to see the progress figures."))
    code = (request.GET.get("unit") or "").strip()
    era = (request.GET.get("era") or Era.Y2025).strip()
    if not code:
        return _error(400, _("Give the unit code: ?unit=<code>&era=<era>."))
    if era not in Era.values:
        return _error(400, _("Unknown era “%(era)s”; use pre2025 or 2025.") % {"era": era})
    unit = find_unit(code=code, era=era)
    if unit is None:
        return _error(404, _("No unit %(code)s in era %(era)s.") % {"code": code, "era": era})
    if not access.can_view_unit(request.user, unit):
        return _error(403, _("You do not follow this unit."))
    return JsonResponse(progress_report(unit=unit).as_json(), json_dumps_params={"ensure_ascii": False})
