"""Creates the public pages of a commune and of the units above it."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page, Site

from qms.units.models import AdministrativeUnit, Commune

from .models import CommunePage, HomePage, UnitIndexPage


def ensure_home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Hệ thống quản lý chất lượng TCVN ISO 9001:2015", slug="home-qms"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="HTQLCL")
    else:
        old_root = site.root_page
        site.root_page = home
        site.save()
        if old_root.specific_class is Page and old_root.depth == 2 and not old_root.get_children().exists():
            old_root.delete()
    return home


def _slug(unit: AdministrativeUnit) -> str:
    return slugify(f"{unit.code_name or unit.name}-{unit.code}".replace("_", "-"))[:80] or unit.code


def ensure_unit_page(unit: AdministrativeUnit) -> UnitIndexPage:
    page = UnitIndexPage.objects.filter(unit=unit).first()
    if page is not None:
        return page
    parent = ensure_unit_page(unit.parent) if unit.parent_id else ensure_home_page()
    title = unit.full_name if unit.parent_id else f"{unit.full_name} ({unit.get_era_display()})"
    return parent.add_child(instance=UnitIndexPage(title=title, slug=f"{unit.era}-{_slug(unit)}", unit=unit))


@transaction.atomic
def ensure_commune_page(*, commune: Commune) -> CommunePage:
    page = CommunePage.objects.filter(commune=commune).first()
    if page is not None:
        return page
    parent = ensure_unit_page(commune.unit.parent)
    return parent.add_child(instance=CommunePage(title=commune.name, slug=_slug(commune.unit), commune=commune))
