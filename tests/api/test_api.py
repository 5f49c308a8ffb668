"""The read-only API for other systems: tokens, scopes, units of the token, paging, filters, throttling, schema."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils.text import slugify

from qms.api import services
from qms.api.models import OrganisationToken, Scope
from qms.audit_log import entries_for
from qms.certification import services as certification_services
from qms.units.models import AdministrativeUnit, Commune, Era, Level
from tests.certification.conftest import PAPER_SCOPE, build_a_records, days_ago, make_effective, pdf
from tests.factories import make_commune, make_unit
from tests.permission_matrix import SharedWorld
from tests.processes.helpers import make_procedure

ALL_SCOPES = list(Scope.values)


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


def issue(world, *, scopes=ALL_SCOPES, province=None, communes=()):
    token, raw = services.issue_token(
        organisation="Cổng báo cáo tỉnh",
        province=province,
        communes=communes,
        scopes=scopes,
        acting_user=world.admin,
    )
    return raw


def get(client, url, token=None, **params):
    headers = {"Authorization": f"Token {token}"} if token else {}
    return client.get(url, params, headers=headers)


def endpoints(data):
    w = data.world
    a, other = w.commune_a, data.other
    province = w.province_unit
    return {
        "units": (
            Scope.UNITS,
            reverse("api:units"),
            {province.code, w.district_unit.code, a.unit.code, w.commune_b.unit.code},
            lambda row: row["code"],
            reverse("api:unit", args=[a.unit.pk]),
            reverse("api:unit", args=[other.unit.pk]),
        ),
        "communes": (
            Scope.COMMUNES,
            reverse("api:communes"),
            {a.pk, w.commune_b.pk},
            lambda row: row["id"],
            reverse("api:commune", args=[a.pk]),
            reverse("api:commune", args=[other.pk]),
        ),
        "announcements": (
            Scope.ANNOUNCEMENTS,
            reverse("api:announcements"),
            {data.announcement.pk},
            lambda row: row["id"],
            reverse("api:announcement", args=[data.announcement.pk]),
            reverse("api:announcement", args=[data.other_announcement.pk]),
        ),
        "processes": (
            Scope.DOCUMENTS,
            reverse("api:processes", args=[a.pk]),
            {data.document.pk},
            lambda row: row["document_id"],
            reverse("api:process-docx", args=[a.pk, data.document.pk]),
            reverse("api:processes", args=[other.pk]),
        ),
        "progress": (
            Scope.PROGRESS,
            None,
            None,
            None,
            reverse("api:progress") + f"?unit={w.district_unit.code}&era=pre2025",
            reverse("api:progress") + f"?unit={other.unit.parent.parent.code}&era=pre2025",
        ),
    }


@pytest.mark.django_db
class TestWithRecords(SharedWorld):
    """World's province with an announcement and an effective quy trình in commune A; another province beside it.

    Built once for the class; each test reads a copy in a savepoint of its own.
    """

    @pytest.fixture(scope="class")
    @classmethod
    def class_api_world(cls, class_world, class_db):
        world = class_world
        with class_db.unblock():
            a_records = build_a_records(world)
            procedures = [
                make_procedure(),
                make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn"),
                make_procedure(
                    code="2.000815", name="Chứng thực bản sao từ bản chính giấy tờ, văn bản", field="Chứng thực"
                ),
            ]
            document = make_effective(world.commune_a, procedures[0], world.iso_a, world.leader_a)
            other = make_commune(name="Ngoài Tỉnh")
            other_announcement = certification_services.record_announcement(
                commune=other,
                number="7",
                signed_on=days_ago(30),
                file=pdf(),
                scope=PAPER_SCOPE,
                acting_user=world.admin,
            )
        return SimpleNamespace(
            world=world,
            document=document,
            announcement=a_records["announcement"],
            other=other,
            other_announcement=other_announcement,
        )

    @pytest.fixture
    def api_world(self, class_api_world, db):
        return copy.deepcopy(class_api_world)

    @pytest.mark.parametrize("name", ["units", "communes", "announcements", "processes", "progress"])
    def test_every_endpoint_answers_only_the_right_token(self, client, api_world, name):
        w = api_world.world
        scope, list_url, expected, key, detail_url, foreign_url = endpoints(api_world)[name]
        right = issue(w, province=w.province_unit)
        revoked_raw = issue(w, province=w.province_unit)
        services.revoke_token(token=OrganisationToken.objects.get(prefix=revoked_raw[:10]), acting_user=w.admin)
        other_province = issue(w, province=api_world.other.unit.parent.parent)
        wrong_scope = issue(w, province=w.province_unit, scopes=[s for s in ALL_SCOPES if s != scope])

        for url in filter(None, (list_url, detail_url)):
            missing = get(client, url)
            assert missing.status_code == 401, url
            assert missing["WWW-Authenticate"] == "Token"
            assert get(client, url, revoked_raw).status_code == 401, url
            refused = get(client, url, wrong_scope)
            assert refused.status_code == 403, url
            assert "phạm vi" in refused.json().get("detail", refused.json().get("error", ""))
            assert get(client, url, right).status_code == 200, url

        assert get(client, foreign_url, right).status_code == 404
        assert get(client, detail_url, other_province).status_code == 404
        if list_url:
            rows = get(client, list_url, right).json()["results"]
            assert {key(row) for row in rows} == expected
            if name != "processes":
                assert get(client, list_url, other_province).json()["results"] == [
                    row for row in get(client, list_url, other_province).json()["results"] if key(row) not in expected
                ]
                assert not {key(row) for row in get(client, list_url, other_province).json()["results"]} & expected

    def test_a_commune_list_token_reads_only_its_communes(self, client, api_world):
        w = api_world.world
        token = issue(w, communes=[w.commune_b])
        rows = get(client, reverse("api:communes"), token).json()["results"]
        assert [row["name"] for row in rows] == ["Xã Bắc Sơn"]
        assert get(client, reverse("api:commune", args=[w.commune_a.pk]), token).status_code == 404
        assert get(client, reverse("api:announcements"), token).json()["results"] == []

    def test_the_commune_row_carries_the_stage_and_dates(self, client, api_world):
        w = api_world.world
        token = issue(w, province=w.province_unit)
        row = get(client, reverse("api:commune", args=[w.commune_a.pk]), token).json()
        assert row["name"] == "Xã An Bình"
        assert (row["stage"], row["announced_on"], row["announcement_number"]) == (
            "announced",
            days_ago(200).isoformat(),
            "45/QĐ-UBND",
        )
        assert (row["district_code"], row["province_code"], row["era"]) == (
            w.district_unit.code,
            w.province_unit.code,
            "pre2025",
        )
        announcement = get(client, reverse("api:announcement", args=[api_world.announcement.pk]), token).json()
        assert announcement["number"] == "45/QĐ-UBND"
        assert announcement["procedures"] == ["1.001193", "1.000894", "2.000815"]
        assert (
            announcement["decision_url"].startswith("http://")
            and "/cong-khai/quyet-dinh-cong-bo/" in (announcement["decision_url"])
        )

    def test_lists_are_paged_and_filtered(self, client, api_world):
        w = api_world.world
        token = issue(w, province=w.province_unit)
        first = get(client, reverse("api:units"), token, page_size=3).json()
        assert first["count"] == 4 and len(first["results"]) == 3 and first["next"]
        second = client.get(first["next"], headers={"Authorization": f"Token {token}"}).json()
        assert len(second["results"]) == 1 and second["next"] is None
        assert [r["level"] for r in get(client, reverse("api:units"), token, level="commune").json()["results"]] == [
            "commune",
            "commune",
        ]
        announced = get(client, reverse("api:communes"), token, stage="announced").json()["results"]
        assert [row["id"] for row in announced] == [w.commune_a.pk]
        assert get(client, reverse("api:communes"), token, province="00000").json()["count"] == 0
        assert get(client, reverse("api:communes"), token, updated_since="2999-01-01T00:00:00Z").json()["count"] == 0
        assert get(client, reverse("api:communes"), token, era="2025").json()["count"] == 0
        assert get(client, reverse("api:communes"), token, stage="nonsense").status_code == 400

    @override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"organisation": "2/minute"}})
    def test_a_token_over_its_rate_gets_429_in_vietnamese(self, client, api_world):
        w = api_world.world
        token = issue(w, province=w.province_unit)
        other = issue(w, province=w.province_unit)
        url = reverse("api:communes")
        assert [get(client, url, token).status_code for _ in range(2)] == [200, 200]
        refused = get(client, url, token)
        assert refused.status_code == 429
        assert "Quá nhiều yêu cầu" in refused.json()["detail"]
        assert int(refused["Retry-After"]) > 0
        assert get(client, url, other).status_code == 200

    def test_another_system_reads_the_province_page_by_page_and_downloads_a_quy_trinh(self, client, api_world):
        w = api_world.world
        token = issue(w, province=w.province_unit)
        headers = {"Authorization": f"Token {token}"}
        url, names = reverse("api:communes") + "?page_size=1", []
        while url:
            page = client.get(url, headers=headers).json()
            names += [row["name"] for row in page["results"]]
            url = page["next"]
        assert names == ["Xã An Bình", "Xã Bắc Sơn"]
        commune_id = next(row["id"] for row in get(client, reverse("api:communes"), token).json()["results"])
        processes = client.get(reverse("api:processes", args=[commune_id]), headers=headers).json()["results"]
        assert [(p["document_code"], p["procedure_code"]) for p in processes] == [(api_world.document.code, "1.001193")]
        word = client.get(processes[0]["docx_url"], headers=headers)
        assert word.status_code == 200
        assert word["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert word.content[:2] == b"PK"
        assert processes[0]["pdf_url"].endswith(f"/processes/{api_world.document.pk}/pdf/")
        assert client.get(processes[0]["docx_url"]).status_code == 401


@pytest.mark.django_db
def test_the_schema_validates_and_the_docs_are_vietnamese(client, tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--urlconf",
        "qms.api.urls_root",
        "--file",
        str(tmp_path / "s.yaml"),
    )
    schema = client.get(reverse("api:schema"), {"format": "json"})
    assert schema.status_code == 200
    data = schema.json()
    assert data["info"]["title"] == "API của HTQLCL cho các hệ thống khác"
    assert "/api/v1/communes/" in data["paths"] and "/api/v1/progress/" in data["paths"]
    stage = data["components"]["schemas"]["Commune"]["properties"]["stage"]
    assert stage["description"] == "Giai đoạn của HTQLCL của xã."
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "Xã có giai đoạn và các mốc ngày" in html and "Authorization: Token" in html
    assert "cdn." not in html and "<script" not in html


def _province_with(n: int) -> AdministrativeUnit:
    province = make_unit(level=Level.PROVINCE, name=f"Đếm {n}", era=Era.Y2025)
    for i in range(n):
        unit = make_unit(level=Level.COMMUNE, name=f"Xã {n}-{i}", parent=province, era=Era.Y2025)
        Commune.objects.create(
            unit=unit, name=unit.full_name, slug=slugify(f"dem-{n}-{i}-{unit.code}"), agency_name="UBND"
        )
    return province


@pytest.mark.django_db
def test_the_commune_list_costs_the_same_for_3_and_30_communes(client, world):
    counts = []
    for n in (3, 30):
        token = issue(world, province=_province_with(n), scopes=[Scope.COMMUNES])
        get(client, reverse("api:communes"), token)
        with CaptureQueriesContext(connection) as queries:
            response = get(client, reverse("api:communes"), token)
        assert response.json()["count"] == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_staff_issue_a_token_shown_once_and_revoke_it(client, world):
    client.force_login(world.admin)
    page = reverse("api_tokens:list")
    response = client.post(
        page,
        {
            "organisation": "Hệ thống một cửa tỉnh",
            "province": world.province_unit.pk,
            "era": "pre2025",
            "commune_codes": "",
            "scopes": ["read:communes", "read:documents"],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    token = OrganisationToken.objects.get(organisation="Hệ thống một cửa tỉnh")
    secret = html.split('id="api-token-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix) and token.token_hash != secret
    assert secret not in client.get(page).content.decode()
    assert get(client, reverse("api:communes"), secret).status_code == 200
    assert [e.action for e in entries_for(token)] == ["qms.api.token_issued"]
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert (token.is_active, token.revoked_by) == (False, world.admin)
    assert token.history.count() == 2
    client.logout()
    assert get(client, reverse("api:communes"), secret).status_code == 401


@pytest.mark.django_db
def test_only_staff_with_the_right_issue_tokens(client, world):
    client.force_login(world.province)
    refused = client.get(reverse("api_tokens:list"))
    assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))
    with pytest.raises(ValidationError):
        issue(world, province=None)
    with pytest.raises(Exception):  # noqa: B017
        services.issue_token(
            organisation="X", province=world.province_unit, scopes=ALL_SCOPES, acting_user=world.province
        )
