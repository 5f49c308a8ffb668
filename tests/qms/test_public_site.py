import pytest

from qms.public.models import CommunePage, HomePage


@pytest.mark.django_db
def test_home_lists_provinces_and_commune_page_shows_its_sections(client, world):
    home = HomePage.objects.get()
    response = client.get(home.url)
    assert response.status_code == 200
    assert "Tỉnh Thử Nghiệm".encode() in response.content

    province_page = home.get_children().get()
    response = client.get(province_page.url)
    assert "Huyện Kiểm Thử".encode() in response.content

    page = CommunePage.objects.get(commune=world.commune_a)
    response = client.get(page.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Xã An Bình" in body
    assert 'aria-label="Đường dẫn điều hướng"' in body
    for section_id in ('id="procedures"', 'id="quality_policy"', 'id="announcement"'):
        assert section_id in body


@pytest.mark.django_db
def test_district_page_lists_its_communes(client, world):
    district_page = CommunePage.objects.get(commune=world.commune_a).get_parent()
    body = client.get(district_page.url).content.decode()
    assert "Xã An Bình" in body and "Xã Bắc Sơn" in body
