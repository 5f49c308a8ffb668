"""No page makes the browser fetch anything from another site (offline networks, privacy)."""

import re

import pytest
from django.urls import reverse

# What the browser fetches by itself: images, scripts, frames, stylesheets, icons (not links a user may follow).
OUTSIDE = re.compile(
    r"""(?:\b(?:src|srcset|data-icon-url)=|<link\b[^>]*\bhref=)["'](?:https?:)?//(?!testserver)""", re.IGNORECASE
)


@pytest.mark.django_db
def test_admin_pages_load_nothing_from_outside(client, world):
    world.iso_a.email = "can.bo@xa-a.gov.vn"
    world.iso_a.save()
    client.force_login(world.iso_a)
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_account"), reverse("communes:index")):
        body = client.get(url).content.decode()
        assert "gravatar" not in body.lower(), url
        assert not OUTSIDE.search(body), (url, OUTSIDE.search(body))
