"""A commune officer never meets English by default on the screens this project uses."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_admin_login_is_vietnamese(client):
    body = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Đăng nhập" in body
    assert "Sign in" not in body
    assert "Mật khẩu" in body


@pytest.mark.django_db
def test_admin_dashboard_menus_and_listing_are_vietnamese(client, world):
    client.force_login(world.iso_a)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Bảng điều khiển" in body
    assert "Dashboard" not in body
    listing = client.get(reverse("communes:index")).content.decode()
    assert "Xã" in listing and "Tìm kiếm" in listing
    for english in ("Search", "Sort by", "No results"):
        assert f">{english}<" not in listing


@pytest.mark.django_db
def test_commune_inspect_page_speaks_vietnamese_to_screen_readers_and_in_yes_no(client, world):
    client.force_login(world.iso_a)
    body = client.get(reverse("communes:inspect", args=[world.commune_a.pk])).content.decode()
    assert 'aria-label="Thao tác"' in body and 'aria-label="Actions"' not in body
    active = body.split("<dt>Đang sử dụng</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Có" in active and "True" not in active


@pytest.mark.django_db
def test_english_is_available_as_second_language(client, world):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(world.iso_a)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(world.iso_a)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Dashboard" in body


EN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese(client, world):
    login = client.get(reverse("wagtailadmin_login"), **EN_BROWSER)
    assert "Đăng nhập" in login.content.decode() and "Sign in" not in login.content.decode()
    assert login["Content-Language"] == "vi"
    client.force_login(world.iso_a)
    home = client.get(reverse("wagtailadmin_home"), **EN_BROWSER).content.decode()
    assert "Bảng điều khiển" in home and "Dashboard" not in home
    assert '<html lang="vi"' in home


@pytest.mark.django_db
def test_public_visitor_chooses_english_with_lang_and_it_sticks(client, world):
    first = client.get(reverse("wagtailadmin_login") + "?lang=en", **EN_BROWSER)
    assert "Sign in" in first.content.decode()
    assert first.cookies["django_language"].value == "en"
    again = client.get(reverse("wagtailadmin_login"))
    assert "Sign in" in again.content.decode()
    back = client.get(reverse("wagtailadmin_login") + "?lang=vi")
    assert "Đăng nhập" in back.content.decode()
    assert client.get(reverse("wagtailadmin_login") + "?lang=xx").status_code == 200
