"""``GET /api/v1/progress/``: the answer the dashboards' JSON twin gave before the API existed, byte for byte."""

import json

import pytest
from django.urls import reverse

from tests.certification.conftest import days_ago

STAGES = ("not_started", "building", "applying", "announced", "maintaining", "reannounce")


def stages(**counts) -> dict:
    return {stage: counts.get(stage, 0) for stage in STAGES}


def url(unit) -> str:
    return reverse("certification_api:progress") + f"?unit={unit.code}&era={unit.era}"


def as_sent(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def error_as_sent(message: str) -> bytes:
    """Errors were sent with Django's default JSON escaping (\\uXXXX for Vietnamese letters)."""
    return json.dumps({"error": message}).encode()


@pytest.mark.django_db
def test_the_district_answer_is_unchanged(client, world, a_records):
    client.force_login(world.district)
    response = client.get(url(world.district_unit))
    signed = days_ago(200)
    a, b = world.commune_a, world.commune_b
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == as_sent(
        {
            "unit": {"code": world.district_unit.code, "name": "Huyện Kiểm Thử", "level": "district", "era": "pre2025"},
            "as_of": "2025-06-30",
            "total": 2,
            "announced": 1,
            "percent": 50,
            "stages": stages(not_started=1, announced=1),
            "target": None,
            "children_level": "commune",
            "children": [
                {
                    "code": a.unit.code,
                    "name": "Xã An Bình",
                    "level": "commune",
                    "total": 1,
                    "announced": 1,
                    "percent": 100,
                    "stages": stages(announced=1),
                    "late_communes": 0,
                    "commune_id": a.pk,
                    "stage": "announced",
                    "announced_on": signed.isoformat(),
                    "announcement_number": "45/QĐ-UBND",
                    "late_items": 0,
                    "maintenance": "not_applicable",
                    "abolished_on": None,
                },
                {
                    "code": b.unit.code,
                    "name": "Xã Bắc Sơn",
                    "level": "commune",
                    "total": 1,
                    "announced": 0,
                    "percent": 0,
                    "stages": stages(not_started=1),
                    "late_communes": 0,
                    "commune_id": b.pk,
                    "stage": "not_started",
                    "announced_on": None,
                    "announcement_number": "",
                    "late_items": 0,
                    "maintenance": "",
                    "abolished_on": None,
                },
            ],
            "timeline": [{"month": signed.strftime("%Y-%m"), "announced": 1, "cumulative": 1}],
            "late_communes": 0,
            "late_items": 0,
            "late": [],
            "maintenance": {"ok": 0, "failed": 0, "pending": 0, "unknown": 0, "not_applicable": 1},
            "inspections": {"year": 2025, "inspected": 0, "on_site": 0, "open_reports": 1},
        }
    )


@pytest.mark.django_db
def test_the_province_answer_groups_by_district_as_before(client, world, a_records):
    client.force_login(world.province)
    data = client.get(url(world.province_unit)).json()
    assert (data["children_level"], data["total"], data["announced"]) == ("district", 2, 1)
    assert data["children"] == [
        {
            "code": world.district_unit.code,
            "name": "Huyện Kiểm Thử",
            "level": "district",
            "total": 2,
            "announced": 1,
            "percent": 50,
            "stages": stages(not_started=1, announced=1),
            "late_communes": 0,
        }
    ]


@pytest.mark.django_db
def test_the_refusals_keep_their_status_and_error_text(client, world):
    base = reverse("certification_api:progress")
    response = client.get(url(world.district_unit))
    assert response.status_code == 401
    assert response.content == error_as_sent("Hãy đăng nhập để xem số liệu tiến độ.")
    client.force_login(world.iso_b)
    response = client.get(url(world.district_unit))
    assert response.status_code == 403
    assert response.content == error_as_sent("Bạn không được theo dõi đơn vị này.")
    client.force_login(world.province)
    response = client.get(base)
    assert response.status_code == 400
    assert response.content == error_as_sent("Hãy cho biết mã đơn vị: ?unit=<mã>&era=<giai đoạn>.")
    response = client.get(base, {"unit": "00000", "era": "pre2025"})
    assert response.status_code == 404
    assert response.content == error_as_sent("Không có đơn vị mã 00000 trong giai đoạn pre2025.")
