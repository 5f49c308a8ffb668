from django.urls import include, path, reverse
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import services
from .admin_views import can_issue

assert services  # imported for its define_action() calls


@hooks.register("register_admin_urls")
def register_token_urls():
    return [path("api-tokens/", include("qms.api.admin_urls", namespace="api_tokens"))]


class TokenMenuItem(MenuItem):
    def is_shown(self, request):
        return can_issue(request.user)


@hooks.register("register_settings_menu_item")
def register_token_menu_item():
    return TokenMenuItem(
        pgettext_lazy("organisation token", "API tokens"),
        reverse("api_tokens:list"),
        name="api-tokens",
        icon_name="key",
        order=900,
    )
