"""The district/province dashboard, its JSON twin and their cost."""

import json
import re
from datetime import date, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import QualityObjective
from processes.models import CitizenFeedback, FeedbackKind, Procedure
from qms.certification import services
from qms.certification.models import CommuneProgress, EvidenceKind, Stage
from qms.certification.selectors import progress_report
from qms.units.models import AdministrativeUnit, Commune, Level
from tests.processes.helpers import make_procedure

from .conftest import PAPER_SCOPE, pdf


def dashboard_url(unit):
    return reverse("certification:dashboard") + f"?unit={unit.code}&era={unit.era}"


def api_url(unit):
    return reverse("certification_api:progress") + f"?unit={unit.code}&era={unit.era}"


def visible_figures(html: str) -> dict:
    """What a reader sees on the dashboard: the headline, the stage legend, the late count."""
    headline = re.search(r'id="qms-announced">([^<]+)<', html).group(1).strip()
    stages = {k: int(v) for k, v in re.findall(r'data-stage="(\w+)">(\d+)<', html)}
    late = int(re.search(r'id="qms-late">(\d+)', html).group(1))
    return {"headline": headline, "stages": stages, "late": late}


@pytest.mark.xdist_group("y_yen_demo")
class TestTheYYenDemo:
    """The demo, loaded once for the class (one xdist worker under ``--dist loadgroup``);
    each test runs in a savepoint of the class's transaction."""

    @pytest.fixture
    def y_yen(self, class_demo, db):
        """The demo: Ý Yên's 31 communes of 2024 as the 2021 report describes them."""
        return AdministrativeUnit.objects.select_related("parent").get(era="pre2025", code="360")

    @pytest.mark.django_db
    def test_y_yen_demo_shows_15_of_31_announced_against_the_2021_target(self, client, y_yen):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username="huyen.yyen"))
        response = client.get(reverse("certification:dashboard"), {"era": "pre2025"})
        assert response.status_code == 200
        report = response.context["report"]
        assert report.unit == y_yen
        stages = report.totals.stages
        assert (report.totals.total, report.totals.announced, report.totals.percent) == (31, 15, 48)
        assert stages[Stage.NOT_STARTED] + stages[Stage.BUILDING] + stages[Stage.APPLYING] == 16
        assert stages[Stage.ANNOUNCED] + stages[Stage.MAINTAINING] + stages[Stage.REANNOUNCE] == 15
        assert (stages[Stage.BUILDING], stages[Stage.APPLYING]) == (6, 6)
        html = response.content.decode()
        assert "15/31 đã công bố (48%)" in html
        assert "100% đến ngày 31/12/2021" in html
        assert report.target.overdue and report.target.missing == 16
        assert [t["cumulative"] for t in report.timeline][-1] == 15
        assert report.timeline[0]["month"].startswith("2019") and report.timeline[-1]["month"].startswith("2021")
        late_kinds = {item["kind"] for row in report.late for item in row.items}
        assert "announcement" in late_kinds
        lam = Commune.objects.get(unit__era="pre2025", unit__code="13795")
        assert reverse("certification:commune", args=[lam.pk]) in html

    @pytest.mark.django_db
    def test_the_2025_province_view_and_the_history_of_a_merged_commune(self, client, y_yen):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username="tinh.namdinh"))
        response = client.get(reverse("certification:dashboard"), {"era": "2025"})
        report = response.context["report"]
        assert (report.unit.era, report.unit.level) == ("2025", Level.PROVINCE)
        assert report.children_level == Level.COMMUNE
        xa_y_yen = Commune.objects.get(unit__era="2025", unit__code="13795")
        row = next(r for r in report.children if r.commune_id == xa_y_yen.pk)
        assert row.stage == Stage.BUILDING  # carried its predecessors' QMS over as drafts: not announced itself
        record = client.get(reverse("certification:commune", args=[xa_y_yen.pk])).content.decode()
        assert "Thị trấn Lâm" in record and "60/QĐ-UBND" in record  # the predecessor's announcement
        assert "phải công bố lại HTQLCL trước ngày" in record

    @pytest.mark.django_db
    def test_the_demo_carried_lams_quy_trinh_and_a_neighbours_records_into_xa_y_yen(self, client, y_yen):
        from django.contrib.auth import get_user_model

        from processes.models import ProcessDocument
        from qms.certification.mergers.models import CarryOverStatus, MergerCarryOver

        xa_y_yen = Commune.objects.get(unit__era="2025", unit__code="13795")
        lam = Commune.objects.get(unit__era="pre2025", unit__code="13795")
        carry_over = MergerCarryOver.objects.get(successor=xa_y_yen)
        assert carry_over.status == CarryOverStatus.DONE and carry_over.drafts_created > 0
        copies = ProcessDocument.objects.filter(commune=xa_y_yen, change_request__startswith="Chuyển từ quy trình")
        assert copies.count() == carry_over.drafts_created
        assert all(d.status == "draft" and not d.live for d in copies)
        assert ProcessDocument.objects.filter(commune=lam, live=True).count() >= copies.count()  # Lâm keeps its own
        moved_from = set(carry_over.moves.values_list("from_commune__name", flat=True))
        assert moved_from == {"Xã Yên Khánh"} and carry_over.records_moved == 2
        assert lam.read_only_since is None
        assert Commune.objects.get(unit__era="pre2025", unit__code="13843").read_only_since is not None
        client.force_login(get_user_model().objects.get(username="tinh.namdinh"))
        page = client.get(reverse("certification:carry_over", args=[xa_y_yen.pk])).content.decode()
        assert "Nguồn: dvhcvn/20250701" in page and "(không chính thức)" in page and "Xã Yên Khánh" in page

    @pytest.mark.django_db
    def test_loading_the_demo_again_adds_nothing(self, y_yen):
        from django.apps import apps

        from qms.demo import load_demo

        models = list(apps.get_app_config("certification").get_models())
        before = {m._meta.label: m.objects.count() for m in models}
        load_demo()
        assert {m._meta.label: m.objects.count() for m in models} == before
        assert before["certification.Announcement"] == 15

    @pytest.mark.django_db
    def test_the_api_json_matches_the_dashboard(self, client, y_yen):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username="tinh.namdinh"))
        for unit in (y_yen, y_yen.parent):
            html = client.get(dashboard_url(unit)).content.decode()
            data = client.get(api_url(unit)).json()
            seen = visible_figures(html)
            assert seen["headline"] == f"{data['announced']}/{data['total']} đã công bố ({data['percent']}%)"
            assert seen["stages"] == data["stages"]
            assert seen["late"] == data["late_communes"]
            assert data["unit"] == {"code": unit.code, "name": unit.full_name, "level": unit.level, "era": "pre2025"}
        district = next(c for c in data["children"] if c["code"] == "360")
        assert (district["total"], district["announced"], district["percent"]) == (31, 15, 48)


def grow_district(district, count: int, *, start: int = 0):
    """``count`` more communes beneath ``district``, at varied stages, through the services."""
    units = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            era=district.era,
            level=Level.COMMUNE,
            code=f"8{start + i:04d}",
            name=f"Số {start + i}",
            full_name=f"Xã Số {start + i}",
            parent=district,
        )
        for i in range(count)
    )
    communes = Commune.objects.bulk_create(
        Commune(
            unit=u, name=u.full_name, slug=f"{u.era}-{u.code}", agency_name=f"ỦY BAN NHÂN DÂN {u.full_name.upper()}"
        )
        for u in units
    )
    for i, commune in enumerate(communes):
        if i % 3 == 1:
            services.add_evidence(
                commune=commune,
                kind=EvidenceKind.STEERING_BOARD,
                title="QĐ Ban chỉ đạo",
                reference=f"{i}/QĐ-UBND",
                issued_on=date(2024, 1, 1),
                acting_user=None,
            )
        elif i % 3 == 2:
            services.record_announcement(
                commune=commune,
                number=str(i),
                signed_on=date(2024, 6, 1) if i % 2 else date(2025, 3, 1),
                file=pdf(),
                scope=PAPER_SCOPE,
                acting_user=None,
            )
        else:
            services.refresh_commune_progress(commune_id=commune.pk)
    quality_records(communes)


def dashboard_year(unit) -> int:
    """The year a unit's dashboard shows (the last year of a pre-2025 unit)."""
    return progress_report(unit=unit).as_of.year


def quality_records(communes):
    """This year's objectives (every other commune) and citizens' ratings (every third)."""
    year = dashboard_year(communes[0].unit.parent)
    procedure = Procedure.objects.filter(code="9.900001").first() or make_procedure(code="9.900001")
    QualityObjective.objects.bulk_create(
        QualityObjective(commune=c, year=year, statement=f"Mục tiêu {n}", target="100%", achieved=n % 2 == 0)
        for i, c in enumerate(communes)
        if i % 2 == 0
        for n in range(2)
    )
    CitizenFeedback.objects.bulk_create(
        CitizenFeedback(commune=c, procedure=procedure, kind=FeedbackKind.SATISFACTION, rating=4 + n % 2)
        for i, c in enumerate(communes)
        if i % 3 == 0
        for n in range(2)
    )


@pytest.mark.django_db
def test_dashboard_api_and_export_cost_the_same_at_30_and_300_communes(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_target(unit=world.district_unit, percent=100, target_date=date(2024, 12, 31), acting_user=None)
    grow_district(world.district_unit, 28)
    urls = [
        dashboard_url(world.district_unit),
        dashboard_url(world.province_unit),
        api_url(world.district_unit),
        reverse("certification:export_xlsx") + f"?unit={world.district_unit.code}&era=pre2025",
        reverse("wagtailadmin_home"),
    ]

    small = []
    for url in urls:
        client.force_login(world.province)
        ContentType.objects.clear_cache()  # every measure starts from the same cold caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        small.append(len(captured.captured_queries))
    assert CommuneProgress.objects.filter(district=world.district_unit).count() == 30
    grow_district(world.district_unit, 270, start=28)
    assert CommuneProgress.objects.filter(district=world.district_unit).count() == 300
    for url, queries in zip(urls, small, strict=True):
        client.force_login(world.province)
        ContentType.objects.clear_cache()
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    data = client.get(api_url(world.district_unit)).json()
    assert data["total"] == 300 and data["announced"] == 9 + 90


@pytest.mark.django_db
def test_a_followers_home_shows_the_headline_of_the_unit(client, world, a_records):
    client.force_login(world.district)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Huyện Kiểm Thử" in html and "1/2 đã công bố (50%)" in html
    client.force_login(world.iso_a)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Xã An Bình" in html and "Đã công bố" in html and "Huyện Kiểm Thử" not in html.split("qms-panel")[-1]


@pytest.mark.django_db
def test_a_district_follower_drills_down_to_a_commune_record(client, world, a_records):
    client.force_login(world.district)
    html = client.get(dashboard_url(world.district_unit)).content.decode()
    record_url = reverse("certification:commune", args=[world.commune_a.pk])
    assert record_url in html
    record = client.get(record_url).content.decode()
    assert "45/QĐ-UBND" in record and "Quyết định thành lập Ban chỉ đạo ISO" in record
    assert "Ghi nhận quyết định đã ký" not in record  # followers only read


@pytest.mark.django_db
def test_the_chart_is_drawn_offline_from_the_vendored_library_and_fits_a_phone(client, world, a_records):
    client.force_login(world.district)
    html = client.get(dashboard_url(world.district_unit)).content.decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert any(src.endswith("certification/vendor/chartjs/chart.umd.min.js") for src in scripts)
    assert not [src for src in scripts if src.startswith(("http:", "https:", "//"))]
    assert "Chart.js v4" in open(finders.find("certification/vendor/chartjs/chart.umd.min.js"), encoding="utf-8").read(
        200
    )
    chart = json.loads(re.search(r'id="qms-progress-chart-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert chart["cumulative"][-1] == 1 and len(chart["labels"]) == len(chart["cumulative"])
    assert 'name="viewport"' in html and "width=device-width" in html
    css = open(finders.find("certification/progress.css"), encoding="utf-8").read()
    assert "@media (max-width" in css and ".qms-scroll" in css


@pytest.mark.django_db
def test_the_commune_table_shows_objectives_and_satisfaction_of_the_year(client, world):
    commune_a, commune_b = world.commune_a, world.commune_b
    year = dashboard_year(world.district_unit)
    procedure = make_procedure()
    for statement, achieved in (("Trả kết quả đúng hạn", True), ("Không có khiếu nại", False)):
        QualityObjective.objects.create(
            commune=commune_a, year=year, statement=statement, target="100%", achieved=achieved
        )
    QualityObjective.objects.create(commune=commune_b, year=year - 1, statement="Năm trước", target="1", achieved=True)
    this_year, last_year = (timezone.make_aware(datetime(y, 1, 15, 12)) for y in (year, year - 1))
    for commune, rating, received in ((commune_a, 4, this_year), (commune_a, 5, this_year), (commune_b, 1, last_year)):
        CitizenFeedback.objects.create(
            commune=commune, procedure=procedure, kind=FeedbackKind.SATISFACTION, rating=rating, received_at=received
        )
    client.force_login(world.district)
    html = client.get(dashboard_url(world.district_unit)).content.decode()
    rows = {
        name: (objectives, satisfaction)
        for name, objectives, satisfaction in re.findall(
            r'>(Xã [^<]+)</a>.*?data-objectives>([^<]*)</td>\s*<td class="qms-num" data-satisfaction>([^<]*)</td>',
            html,
            re.S,
        )
    }
    assert rows == {"Xã An Bình": ("1/2", "4,5 (2)"), "Xã Bắc Sơn": ("", "")}
    assert f"Mục tiêu đạt năm {year}" in html and f"Hài lòng năm {year}" in html
    assert "Mục tiêu chất lượng đạt: 1/2 (50%)" in html
    assert "Mức hài lòng của người dân: 4,5/5 (2 lượt đánh giá)" in html
