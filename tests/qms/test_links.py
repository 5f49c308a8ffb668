from django.test import override_settings

from qms.links import absolute_url


@override_settings(WAGTAILADMIN_BASE_URL="https://iso.namdinh.gov.vn/")
def test_links_in_messages_start_with_the_public_address():
    assert absolute_url("/admin/audits/action/7/") == "https://iso.namdinh.gov.vn/admin/audits/action/7/"
    assert absolute_url("admin/") == "https://iso.namdinh.gov.vn/admin/"
    assert absolute_url("") == ""
    assert absolute_url("https://dichvucong.gov.vn/p/home") == "https://dichvucong.gov.vn/p/home"
