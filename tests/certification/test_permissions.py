"""Permission matrix of every certification view (own commune / other commune / followers / anonymous)."""

import copy

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.certification.archive_package.services import build_year_package
from qms.certification.models import Evidence
from tests.permission_matrix import SharedWorld, cell_id, cells, check_cell

from .conftest import build_a_records

OWN_AND_FOLLOWERS = {"iso_a", "leader_a", "auditor_a", "district", "province"}
FOLLOWERS = {"district", "province"}

VIEWS = {
    "record": OWN_AND_FOLLOWERS,
    "self_assessment": OWN_AND_FOLLOWERS,
    "self_assessment_docx": OWN_AND_FOLLOWERS,
    "evidence_file": OWN_AND_FOLLOWERS,
    "announcement_file": OWN_AND_FOLLOWERS,
    "report_file": OWN_AND_FOLLOWERS,
    "archive_file": OWN_AND_FOLLOWERS,
    "evidence_add": {"iso_a"},
    "announcement_add": {"iso_a"},
    "report_add": {"iso_a"},
    "inspection_add": {"province"},
    "district_dashboard": FOLLOWERS,
    "province_dashboard": {"province"},
    "export_xlsx": FOLLOWERS,
    "report_docx": FOLLOWERS,
    "api": FOLLOWERS,
    "target": {"province"},
}
CELLS = cells(VIEWS)
FILES = {"evidence_file", "announcement_file", "report_file", "archive_file"}
#: Views of one commune's record (the others are of a district or province).
COMMUNE_VIEWS = {
    "record",
    "self_assessment",
    "self_assessment_docx",
    "evidence_add",
    "announcement_add",
    "report_add",
    "inspection_add",
}


def _url(view, world, records):
    commune = world.commune_a
    district = f"?unit={world.district_unit.code}&era={world.district_unit.era}"
    urls = {
        "record": reverse("certification:commune", args=[commune.pk]),
        "self_assessment": reverse("certification:self_assessment", args=[commune.pk]),
        "self_assessment_docx": reverse("certification:self_assessment_docx", args=[commune.pk]),
        "evidence_file": reverse("certification_files:evidence", args=[records["evidence"].pk]),
        "announcement_file": reverse("certification_files:announcement", args=[records["announcement"].pk]),
        "report_file": reverse("certification_files:report", args=[records["answered"].pk]),
        "archive_file": reverse("certification_files:archive", args=[records["package"].pk]),
        "evidence_add": reverse("certification:evidence_add", args=[commune.pk]),
        "announcement_add": reverse("certification:announcement_add", args=[commune.pk]),
        "report_add": reverse("certification:report_add", args=[records["open"].pk]),
        "inspection_add": reverse("certification:inspection_add", args=[commune.pk]),
        "district_dashboard": reverse("certification:dashboard") + district,
        "province_dashboard": reverse("certification:dashboard")
        + f"?unit={world.province_unit.code}&era={world.province_unit.era}",
        "export_xlsx": reverse("certification:export_xlsx") + district,
        "report_docx": reverse("certification:report_docx") + district,
        "api": reverse("certification_api:progress") + district,
        "target": reverse("certification:target", args=[world.district_unit.pk]),
    }
    return urls[view]


MARKERS = {
    "record": "Xã An Bình",
    "self_assessment": "Việc xem xét của lãnh đạo",
    "evidence_add": "Xã An Bình",
    "announcement_add": "Xã An Bình",
    "report_add": "Chưa niêm yết quyết định công bố",
    "inspection_add": "Xã An Bình",
    "district_dashboard": "Xã An Bình",
    "province_dashboard": "Huyện Kiểm Thử",
    "target": "Huyện Kiểm Thử",
}


#: view kind → the answers of :func:`check_cell` to a refused persona.
REFUSALS = {
    # One record of commune A: invisible to another commune (404), refused to whoever sees it (403).
    "commune": {"refused": 403, "hidden": 404},
    # A file outside the admin: 404 to every signed-in user who may not see its record, sign-in for anonymous.
    "file": {"refused": 403, "hidden": 404, "no_role": 404},
    # A district's or province's view: refused (403) to whoever may not follow it.
    "unit": {"refused": 403},
    # The JSON API: 403 to any signed-in user refused (with or without a role), 401 to anonymous.
    "api": {"refused": 403, "no_role": 403, "anonymous": 401},
}


def _refusals(view: str) -> dict:
    if view in FILES:
        return REFUSALS["file"]
    if view in COMMUNE_VIEWS:
        return REFUSALS["commune"]
    if view == "api":
        return REFUSALS["api"]
    return REFUSALS["unit"]


class TestCertificationMatrix(SharedWorld):
    @pytest.fixture(scope="class")
    @classmethod
    def class_records(cls, class_world, class_db):
        with class_db.unblock():
            records = build_a_records(class_world)
            records["package"] = build_year_package(
                acting_user=class_world.iso_a, commune=class_world.commune_a, year=timezone.localdate().year - 1
            )
            return records

    @pytest.mark.parametrize("cell", CELLS, ids=[cell_id(c) for c in CELLS])
    def test_cell(self, client, world, class_records, cell):
        records = copy.deepcopy(class_records)
        check_cell(
            client, world, cell, _url(cell.view, world, records), marker=MARKERS.get(cell.view), **_refusals(cell.view)
        )


@pytest.mark.django_db
def test_downloads_return_the_stored_files(client, world, a_records):
    client.force_login(world.district)
    for name, key, expected in (
        ("evidence_file", "evidence", "ban-chi-dao"),
        ("announcement_file", "announcement", "quyet-dinh"),
        ("report_file", "answered", "bao-cao"),
    ):
        response = client.get(reverse(f"certification_files:{name.removesuffix('_file')}", args=[a_records[key].pk]))
        assert response.content.startswith(b"%PDF")
        assert expected in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["iso_b", "leader_a", "district", "province"])
def test_only_the_iso_officer_deletes_evidence(client, world, a_records, persona):
    client.force_login(getattr(world, persona))
    response = client.post(reverse("certification:evidence_delete", args=[a_records["evidence"].pk]))
    assert response.status_code == (404 if persona == "iso_b" else 403)
    assert Evidence.objects.filter(pk=a_records["evidence"].pk).exists()


@pytest.mark.django_db
def test_the_iso_officer_deletes_evidence(client, world, a_records):
    client.force_login(world.iso_a)
    response = client.post(reverse("certification:evidence_delete", args=[a_records["evidence"].pk]))
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=a_records["evidence"].pk).exists()


@pytest.mark.django_db
def test_a_commune_user_is_refused_another_commune_and_the_district_dashboard(client, world, a_records):
    client.force_login(world.iso_b)
    record = client.get(reverse("certification:commune", args=[world.commune_a.pk]))
    assert record.status_code == 404
    assert "Xã An Bình".encode() not in record.content
    dashboard = client.get(
        reverse("certification:dashboard") + f"?unit={world.district_unit.code}&era={world.district_unit.era}"
    )
    assert dashboard.status_code == 403
    api = client.get(reverse("certification_api:progress") + f"?unit={world.district_unit.code}&era=pre2025")
    assert api.status_code == 403
    own = client.get(reverse("certification:commune", args=[world.commune_b.pk]))
    assert own.status_code == 200


@pytest.mark.django_db
def test_the_menu_entry_sends_each_user_to_their_view(client, world):
    client.force_login(world.iso_a)
    assert client.get(reverse("certification:home"))["Location"] == reverse(
        "certification:commune", args=[world.commune_a.pk]
    )
    client.force_login(world.district)
    assert client.get(reverse("certification:home"))["Location"] == reverse("certification:dashboard")
    response = client.get(reverse("certification:dashboard"), {"era": "pre2025"})
    assert response.status_code == 200
    assert response.context["unit"] == world.district_unit


@pytest.mark.django_db
def test_the_api_rejects_bad_parameters_in_vietnamese(client, world):
    client.force_login(world.province)
    url = reverse("certification_api:progress")
    assert client.get(url).status_code == 400
    response = client.get(url, {"unit": world.district_unit.code, "era": "1990"})
    assert response.status_code == 400 and "giai đoạn" in response.json()["error"]
    assert client.get(url, {"unit": "00000", "era": "pre2025"}).status_code == 404
