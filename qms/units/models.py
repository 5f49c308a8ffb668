"""Administrative units (both eras) and the communes that run a QMS.

Vietnam changed its administrative map on 01/07/2025: 63 provinces / 696
districts / 10,035 communes became 34 provinces / 3,321 communes with no
district level, and new communes *reuse* old codes with a new meaning. A unit
is therefore keyed by ``(era, code)``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Era(models.TextChoices):
    PRE_2025 = "pre2025", _("Before 01/07/2025 (63 provinces, 3 tiers)")
    Y2025 = "2025", _("From 01/07/2025 (34 provinces, 2 tiers)")


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class AdministrativeUnitQuerySet(models.QuerySet):
    def in_era(self, era: str):
        return self.filter(era=era)

    def communes(self):
        return self.filter(level=Level.COMMUNE)

    def current(self):
        return self.filter(abolished_on__isnull=True)


class AdministrativeUnit(models.Model):
    """A province, district or commune as published in one era's list."""

    era = models.CharField(_("era"), max_length=10, choices=Era.choices, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=120)
    full_name = models.CharField(_("full name"), max_length=160)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    unit_type = models.CharField(_("type"), max_length=60, blank=True)
    code_name = models.CharField(_("code name"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    abolished_on = models.DateField(
        _("abolished on"),
        null=True,
        blank=True,
        help_text=_("Set for units merged away before the end of their era's list."),
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["era", "code"]
        constraints = [
            models.UniqueConstraint(fields=["era", "code"], name="unit_unique_era_code"),
        ]
        indexes = [models.Index(fields=["era", "level", "parent"])]

    def __str__(self) -> str:
        return self.full_name

    def natural_key(self):
        return (self.era, self.code)

    def ancestors(self) -> list[AdministrativeUnit]:
        """Parents from the nearest up to the province."""
        chain, unit = [], self.parent
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain

    def descendant_communes(self):
        """Commune-level units beneath this unit (or itself if it is one)."""
        if self.level == Level.COMMUNE:
            return AdministrativeUnit.objects.filter(pk=self.pk)
        if self.level == Level.DISTRICT:
            return AdministrativeUnit.objects.filter(parent=self, level=Level.COMMUNE)
        # Both alternatives test the same column: a join under an OR leaves
        # PostgreSQL with a nested loop over every unit of both eras.
        districts = AdministrativeUnit.objects.filter(parent=self).values("pk")
        return AdministrativeUnit.objects.filter(
            models.Q(parent=self) | models.Q(parent_id__in=districts), level=Level.COMMUNE
        )


class Role(models.TextChoices):
    """Roles a person holds in one commune's QMS."""

    ISO_OFFICER = "iso_officer", _("ISO officer")
    LEADER = "leader", _("Leader (approver)")
    AUDITOR = "auditor", _("Internal auditor")


class CommuneQuerySet(models.QuerySet):
    def in_era(self, era: str):
        return self.filter(unit__era=era)

    def beneath(self, unit: AdministrativeUnit):
        return self.filter(unit__in=unit.descendant_communes())


class Commune(models.Model):
    """A commune-level People's Committee that runs (or will run) a QMS.

    Linked one-to-one to its administrative unit. ``predecessors`` records the
    2025 restructuring (several pre-2025 communes -> one 2025 commune), so a
    commune's history stays readable after the merger.
    """

    unit = models.OneToOneField(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="commune",
        limit_choices_to={"level": Level.COMMUNE},
    )
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    agency_name = models.CharField(_("agency name"), max_length=200, help_text=_("E.g. ỦY BAN NHÂN DÂN XÃ YÊN TRUNG"))
    parent_agency_name = models.CharField(_("parent agency"), max_length=200, blank=True)
    place_name = models.CharField(_("place name for dates"), max_length=120, blank=True, help_text=_("E.g. Yên Trung"))
    district_name = models.CharField(_("district"), max_length=160, blank=True)
    province_name = models.CharField(_("province"), max_length=160, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessor communes"),
        symmetrical=False,
        related_name="successors",
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    read_only_since = models.DateTimeField(
        _("read-only since"),
        null=True,
        blank=True,
        help_text=_("Set when the commune's QMS was carried over to its successor: its records stay readable only."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["unit__era", "unit__code"]
        default_permissions = ("add", "change", "delete", "view")
        permissions = [
            ("view_commune_qms", _("Can view the commune's QMS records")),
            ("manage_commune_qms", _("Can draft and update the commune's QMS records")),
            ("approve_commune_qms", _("Can review and approve the commune's QMS documents")),
            ("audit_commune_qms", _("Can carry out the commune's internal audits")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def era(self) -> str:
        return self.unit.era

    @property
    def code(self) -> str:
        return self.unit.code


class CommuneRoleGroup(models.Model):
    """The Django group that holds one role in one commune (single source of truth)."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="role_groups")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="commune_role")

    class Meta:
        verbose_name = _("commune role group")
        verbose_name_plural = _("commune role groups")
        constraints = [
            models.UniqueConstraint(fields=["commune", "role"], name="unique_commune_role"),
        ]

    def __str__(self) -> str:
        return self.group.name


class UnitViewerGroup(models.Model):
    """The group of district/province staff who follow every commune beneath a unit."""

    unit = models.OneToOneField(AdministrativeUnit, on_delete=models.CASCADE, related_name="viewer_group")
    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="unit_viewer")

    class Meta:
        verbose_name = _("unit viewer group")
        verbose_name_plural = _("unit viewer groups")

    def __str__(self) -> str:
        return self.group.name


class CommuneUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table: object permissions of users on communes."""

    content_object = models.ForeignKey(Commune, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("user permission on a commune")
        verbose_name_plural = _("user permissions on communes")


class CommuneGroupObjectPermission(GroupObjectPermissionBase):
    """Direct-FK guardian table: object permissions of groups on communes."""

    content_object = models.ForeignKey(Commune, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("group permission on a commune")
        verbose_name_plural = _("group permissions on communes")


class UnitImport(models.Model):
    """One run of ``import_units``: what a release file added and changed."""

    era = models.CharField(_("era"), max_length=10, choices=Era.choices)
    source_name = models.CharField(_("source file"), max_length=255)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    details = models.JSONField(_("details"), default=dict, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit import")
        verbose_name_plural = _("unit imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.imported_at:%d/%m/%Y})"


class MappingShare(models.TextChoices):
    WHOLE = "whole", _("Whole commune")
    PART = "part", _("Part of the commune")


class UnitMapping(models.Model):
    """One row of the 2025 restructuring: an old commune (or part of it) went into a new commune."""

    old_code = models.CharField(_("old commune code"), max_length=10)
    old_name = models.CharField(_("old commune"), max_length=160)
    old_district_code = models.CharField(_("old district code"), max_length=10, blank=True)
    old_province_code = models.CharField(_("old province code"), max_length=10, blank=True)
    new_code = models.CharField(_("new commune code"), max_length=10, db_index=True)
    new_name = models.CharField(_("new commune"), max_length=160)
    new_province_code = models.CharField(_("new province code"), max_length=10, blank=True)
    share = models.CharField(_("share"), max_length=10, choices=MappingShare.choices)
    resolution = models.CharField(_("resolution"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("2025 unit mapping row")
        verbose_name_plural = _("2025 unit mapping")
        ordering = ["new_code", "old_code"]
        constraints = [models.UniqueConstraint(fields=["old_code", "new_code"], name="unit_mapping_unique_pair")]

    def __str__(self) -> str:
        return f"{self.old_name} ({self.old_code}) → {self.new_name} ({self.new_code})"
