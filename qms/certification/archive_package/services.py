"""Requesting and building the yearly archive package of a commune."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from qms import actors, permissions
from qms.audit_log import define_action, log

from .. import access
from .contents import package_bytes, package_name, year_files

ACTION_REQUEST = define_action(
    "certification.archive_package.request",
    pgettext_lazy("archive package", "Request an archive package"),
    pgettext_lazy("archive package", "Requested a yearly archive package"),
)
ACTION_BUILD = define_action(
    "certification.archive_package.build",
    pgettext_lazy("archive package", "Build an archive package"),
    pgettext_lazy("archive package", "Built a yearly archive package"),
)


# -- who and which years ---------------------------------------------------------------------------


def can_request(user, commune) -> bool:
    """The commune's ISO officer and leader, and the district or province officials who follow it."""
    if not access.can_view_commune(user, commune):
        return False
    return (
        access.can_manage_commune(user, commune)
        or permissions.has_commune_perm(user, commune, permissions.APPROVE)
        or access.can_view_unit(user, commune.unit)
    )


def _require_request(user, commune) -> None:
    if actors.is_system(user):
        return
    if not access.can_view_commune(user, commune):
        raise Http404
    if not can_request(user, commune):
        raise PermissionDenied


#: Records of the system start after this year.
FIRST_YEAR = 2000


def _require_closed(year: int, today: datetime.date | None) -> None:
    if not FIRST_YEAR <= year < (today or timezone.localdate()).year:
        raise ValidationError(_("Only a year that has ended can be packaged."), code="open_year")


# -- services ----------------------------------------------------------------------------------------------


@transaction.atomic
def request_year_package(*, acting_user, commune, year: int, today: datetime.date | None = None, send: bool = True):
    """A package row of ``year`` (refused for a year not ended), built by the worker after this commits."""
    from ..models import ArchivePackage

    _require_request(acting_user, commune)
    _require_closed(year, today)
    package = ArchivePackage.objects.create(commune=commune, year=year, requested_by=acting_user)
    log(instance=package, action=ACTION_REQUEST, user=acting_user, data={"year": year})
    if send:
        from ..tasks import build_year_package_task

        pk = package.pk
        transaction.on_commit(lambda: build_year_package_task.delay(pk))
    return package


@transaction.atomic
def build_year_package(*, acting_user, commune, year: int, package=None, today: datetime.date | None = None):
    """Write the zip of the commune's records of the closed ``year`` under the private media and
    mark ``package`` (a new row when none) ready."""
    from ..models import ArchivePackage, PackageStatus

    _require_request(acting_user, commune)
    _require_closed(year, today)
    if package is None:
        package = ArchivePackage.objects.create(
            commune=commune, year=year, requested_by=None if actors.is_system(acting_user) else acting_user
        )
    else:
        package = ArchivePackage.objects.select_for_update().get(pk=package.pk)
    files = year_files(commune=commune, year=year)
    data = package_bytes(commune=commune, year=year, files=files)
    if package.file:
        package.file.delete(save=False)
    package.file.save(package_name(package), ContentFile(data), save=False)
    package.status, package.file_count, package.error = PackageStatus.READY, len(files), ""
    package.finished_at = timezone.now()
    package.save()
    log(instance=package, action=ACTION_BUILD, user=acting_user, data={"year": year, "files": len(files)})
    return package


def run_package(*, package_id: int) -> str | None:
    """The task's body: build a requested package; a failure leaves it FAILED with the reason."""
    from ..models import ArchivePackage, PackageStatus

    package = ArchivePackage.objects.select_related("commune__unit").filter(pk=package_id).first()
    if package is None:
        return None
    if package.status == PackageStatus.READY:
        return package.status
    try:
        package = build_year_package(
            acting_user=actors.SYSTEM, commune=package.commune, year=package.year, package=package
        )
    except Exception as exc:
        ArchivePackage.objects.filter(pk=package.pk).update(
            status=PackageStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return package.status
