"""The permission matrix of the commune admin (extended by every feature's own matrix)."""

import pytest
from django.urls import reverse

from tests.permission_matrix import ADMIN_HOME, SharedWorld, cell_id, cells, check_cell

OWN_AND_FOLLOWERS = {"iso_a", "leader_a", "auditor_a", "district", "province"}
VIEWS = {
    "list": OWN_AND_FOLLOWERS,
    "inspect": OWN_AND_FOLLOWERS,
    "edit": {"iso_a"},
    "history": {"iso_a"},
}
CELLS = cells(VIEWS)


def _url(view, commune):
    if view == "list":
        return reverse("communes:index")
    return reverse(f"communes:{view}", args=[commune.pk])


class TestCommuneAdminMatrix(SharedWorld):
    @pytest.mark.parametrize("cell", CELLS, ids=[cell_id(c) for c in CELLS])
    def test_cell(self, client, world, cell):
        marker = world.commune_a.name
        check_cell(
            client,
            world,
            cell,
            _url(cell.view, world.commune_a),
            refused=ADMIN_HOME,
            hidden=404,
            marker=marker,
            listing=cell.view == "list",
        )


@pytest.mark.django_db
def test_listing_shows_only_own_commune(client, world):
    client.force_login(world.iso_b)
    response = client.get(reverse("communes:index"))
    assert response.status_code == 200
    assert world.commune_b.name.encode() in response.content
    assert world.commune_a.name.encode() not in response.content


@pytest.mark.django_db
def test_officer_cannot_post_an_edit_to_another_commune(client, world):
    client.force_login(world.iso_b)
    response = client.post(
        reverse("communes:edit", args=[world.commune_a.pk]),
        {"name": "Chiếm quyền", "agency_name": "X", "parent_agency_name": "", "place_name": "", "is_active": "on"},
    )
    assert response.status_code == 404
    world.commune_a.refresh_from_db()
    assert world.commune_a.name == "Xã An Bình"


@pytest.mark.django_db
def test_commune_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    from qms.units.services import provision_commune
    from tests.factories import make_unit

    client.force_login(world.district)
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("communes:index"))
    for i in range(15):
        provision_commune(unit=make_unit(level="commune", name=f"Thêm {i}", parent=world.district_unit))
    client.force_login(world.district)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("communes:index"))
    assert b"Th\xc3\xaam 14" in response.content


@pytest.mark.django_db
def test_admin_home_lists_the_users_communes_and_followed_units(client, world):
    client.force_login(world.iso_a)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Xã và đơn vị của tôi" in body
    assert "Xã An Bình" in body and "Thư ký ISO" in body
    assert "Xã Bắc Sơn" not in body
    client.force_login(world.district)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Huyện Kiểm Thử" in body
