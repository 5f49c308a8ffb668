"""The 404 and 500 pages are the project's own, in Vietnamese, with DEBUG off."""

import pytest
from django.template import loader
from django.test import Client, override_settings
from django.urls import path


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken_view)]


@pytest.mark.django_db
def test_unknown_address_gets_the_vietnamese_404_page(client):
    with override_settings(DEBUG=False):
        response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "<h1>Không tìm thấy trang</h1>" in body
    assert "Trang hoặc tệp bạn yêu cầu không tồn tại" in body
    assert "Page not found" not in body


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_crash_gets_the_vietnamese_500_page_without_touching_the_database():
    client = Client(raise_request_exception=False)
    # No database access is allowed here: the page must render with the database down.
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Hệ thống đang gặp sự cố</h1>" in body
    assert "Vui lòng thử lại sau ít phút" in body
    assert "Server Error (500)" not in body


def test_the_500_template_renders_without_a_request_or_context():
    body = loader.get_template("500.html").render()
    assert "Hệ thống đang gặp sự cố" in body
