"""The public site: a small page tree, never one page per document.

Home → province index → (district index, before 2025) → one page per commune.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from .sections import sections


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["public.UnitIndexPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["provinces"] = (
            UnitIndexPage.objects.child_of(self).live().select_related("unit").order_by("unit__era", "title")
        )
        return context


class UnitIndexPage(Page):
    """A province or a district, listing the units or communes beneath it."""

    unit = models.OneToOneField(
        "units.AdministrativeUnit", verbose_name=_("administrative unit"), on_delete=models.PROTECT, related_name="+"
    )

    content_panels = Page.content_panels + [FieldPanel("unit", read_only=True)]
    subpage_types = ["public.UnitIndexPage", "public.CommunePage"]
    parent_page_types = ["public.HomePage", "public.UnitIndexPage"]

    class Meta:
        verbose_name = _("province/district page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subunits"] = UnitIndexPage.objects.child_of(self).live().order_by("title")
        context["communes"] = (
            CommunePage.objects.child_of(self).live().select_related("commune__unit").order_by("title")
        )
        return context


class CommunePage(Page):
    """A commune's public page: its effective procedures, quality policy and announcement."""

    commune = models.OneToOneField(
        "units.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="public_page"
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types: list[str] = []
    parent_page_types = ["public.UnitIndexPage"]

    class Meta:
        verbose_name = _("commune page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        rendered = []
        for section in sections():
            extra = section.context(self.commune, request) if section.context else {}
            rendered.append({"section": section, "context": extra})
        context["sections"] = rendered
        return context
