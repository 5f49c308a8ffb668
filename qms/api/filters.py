"""Query parameters of the list endpoints."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms.certification.models import Announcement, Stage
from qms.units.models import AdministrativeUnit, Commune, Era, Level


def in_province(prefix: str, code: str) -> Q:
    """Units (at ``prefix``) of the province ``code``: its communes and districts, and the communes of its districts."""
    return (
        Q(**{f"{prefix}parent__code": code, f"{prefix}parent__level": Level.PROVINCE})
        | Q(**{f"{prefix}parent__parent__code": code})
        | Q(**{f"{prefix}code": code, f"{prefix}level": Level.PROVINCE})
    )


class UnitFilter(django_filters.FilterSet):
    era = django_filters.ChoiceFilter(choices=Era.choices, help_text=_("Only units of this era (pre2025 or 2025)."))
    level = django_filters.ChoiceFilter(choices=Level.choices, help_text=_("Only units of this level."))
    province = django_filters.CharFilter(method="filter_province", help_text=_("Code of a province: it and its units."))
    parent = django_filters.CharFilter(field_name="parent__code", help_text=_("Code of the parent unit."))

    class Meta:
        model = AdministrativeUnit
        fields = ["era", "level", "province", "parent"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(in_province("", value))


class CommuneFilter(django_filters.FilterSet):
    era = django_filters.ChoiceFilter(
        field_name="unit__era", choices=Era.choices, help_text=_("Only communes of this era (pre2025 or 2025).")
    )
    province = django_filters.CharFilter(method="filter_province", help_text=_("Code of the province."))
    district = django_filters.CharFilter(field_name="unit__parent__code", help_text=_("Code of the district."))
    stage = django_filters.ChoiceFilter(
        field_name="qms_progress__stage", choices=Stage.choices, help_text=_("Only communes in this stage.")
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="qms_progress__refreshed_at",
        lookup_expr="gte",
        help_text=_("Only communes whose figures changed at or after this time (ISO 8601)."),
    )

    class Meta:
        model = Commune
        fields = ["era", "province", "district", "stage", "updated_since"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(in_province("unit__", value))


class AnnouncementFilter(django_filters.FilterSet):
    era = django_filters.ChoiceFilter(
        field_name="commune__unit__era", choices=Era.choices, help_text=_("Only communes of this era.")
    )
    province = django_filters.CharFilter(method="filter_province", help_text=_("Code of the province."))
    commune = django_filters.NumberFilter(field_name="commune_id", help_text=_("Identifier of the commune."))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="recorded_at",
        lookup_expr="gte",
        help_text=_("Only announcements recorded at or after this time (ISO 8601)."),
    )

    class Meta:
        model = Announcement
        fields = ["era", "province", "commune", "updated_since"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(in_province("commune__unit__", value))
