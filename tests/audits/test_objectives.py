"""Measurable quality objectives (6.2, 9.1): the one-stop import, the computed rates and values, the
suggestion, the chart, the management review's input, the Word export and the admin pages."""

from __future__ import annotations

import copy
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import services
from audits.models import OneStopFigure, OneStopImport, QualityObjective
from audits.objectives import selectors
from audits.objectives import services as objective_services
from audits.objectives.docx import build_objectives_docx
from processes import services as process_services
from qms.audit_log import entries_for
from qms.docx import document_text, to_bytes
from tests.permission_matrix import ADMIN_HOME, SharedWorld, assert_answer, cell_id, cells, check_cell
from tests.processes.helpers import make_procedure
from tests.uploads import PDF_BYTES, xlsx_bytes

from .builders import make_review

BIRTH, DEATH, MARRIAGE = "1.001193", "1.000656", "1.000894"
HEADER = "Mã TTHC,Tháng,Tiếp nhận,Đúng hạn,Trễ hạn,Trả lại\n"
GOOD = (
    HEADER
    + "1.001193,01/2026,20,19,1,2\n"
    + "1.001193,02/2026,25,20,5,0\n"
    + "1.000656,01/2026,10,10,0,1\n"
    + "1.000656,02/2026,8,8,0,0\n"
)


def _catalogue(world):
    birth = make_procedure(BIRTH, "Thủ tục đăng ký khai sinh")
    death = make_procedure(DEATH, "Thủ tục đăng ký khai tử")
    marriage = make_procedure(MARRIAGE, "Thủ tục đăng ký kết hôn")
    process_services.add_handled_procedures(commune=world.commune_a, procedures=[birth, death], acting_user=None)
    process_services.add_handled_procedures(commune=world.commune_b, procedures=[marriage], acting_user=None)
    return {"birth": birth, "death": death, "marriage": marriage}


def _import(world, text: str, *, name: str = "mot-cua.csv", commune=None, user=None):
    return objective_services.import_one_stop(
        acting_user=user or world.iso_a, commune=commune or world.commune_a, file_name=name, data=text.encode()
    )


def _objective(world, **fields):
    values = {
        "year": 2026,
        "statement": "Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 95% trở lên",
        "indicator": "on_time_rate",
        "source": "one_stop",
        "target_value": Decimal("95"),
        "direction": "at_least",
        "period": "month",
        **fields,
    }
    return services.save_objective(acting_user=world.iso_a, commune=fields.pop("commune", world.commune_a), **values)


def _messages(exc) -> list[str]:
    return exc.value.messages


# -- import ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_writes_every_row_and_a_second_replaces_its_month(world):
    _catalogue(world)
    first = _import(world, GOOD)
    assert (first.row_count, first.months, first.replaced, first.imported_by) == (
        4,
        ["01/2026", "02/2026"],
        0,
        world.iso_a,
    )
    assert OneStopFigure.objects.filter(commune=world.commune_a).count() == 4
    assert [(e.action, e.user) for e in entries_for(first)] == [("audits.onestop.import", world.iso_a)]
    again = _import(world, HEADER + "1.001193,02/2026,30,30,0,0\n", name="thang-02.csv")
    assert (again.row_count, again.months, again.replaced) == (1, ["02/2026"], 2)
    rows = OneStopFigure.objects.filter(commune=world.commune_a).order_by("month", "procedure__code")
    assert [(f.procedure.code, f"{f.month:%m/%Y}", f.received, f.batch_id) for f in rows] == [
        ("1.000656", "01/2026", 10, first.pk),
        ("1.001193", "01/2026", 20, first.pk),
        ("1.001193", "02/2026", 30, again.pk),
    ]
    assert OneStopFigure.history.filter(history_type="-").count() == 2
    _import(world, HEADER + "1.001193,02/2026,30,30,0,0\n", name="thang-02.csv")
    assert OneStopFigure.objects.filter(commune=world.commune_a).count() == 3


@pytest.mark.django_db
def test_a_half_bad_file_writes_nothing_and_names_each_bad_row(world):
    _catalogue(world)
    text = (
        GOOD
        + "1.000xyz,03/2026,5,5,0,0\n"
        + "1.001193,03/2026,10,8,3,0\n"
        + "1.000894,03/2026,4,4,0,0\n"
        + "1.000656,13/2026,4,4,0,0\n"
        + "1.000656,01/2026,4,4,0,0\n"
    )
    with pytest.raises(ValidationError) as refused:
        _import(world, text)
    assert _messages(refused) == [
        "Dòng 6: mã TTHC 1.000xyz không có trong danh mục của xã",
        "Dòng 7: số đúng hạn + trễ hạn lớn hơn số tiếp nhận",
        "Dòng 8: mã TTHC 1.000894 không có trong danh mục của xã",
        "Dòng 9: tháng “13/2026” không đúng dạng mm/yyyy",
        "Dòng 10: 1.000656 tháng 01/2026 đã có ở dòng 4",
    ]
    assert not OneStopFigure.objects.exists() and not OneStopImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("mot-cua.csv", PDF_BYTES),
        ("mot-cua.csv", xlsx_bytes()),
        ("mot-cua.xlsx", GOOD.encode()),
        ("mot-cua.pdf", PDF_BYTES),
    ],
    ids=["pdf-named-csv", "excel-named-csv", "csv-named-xlsx", "pdf"],
)
def test_a_file_of_another_kind_is_refused_by_its_content(world, name, data):
    _catalogue(world)
    with pytest.raises(ValidationError) as refused:
        objective_services.import_one_stop(acting_user=world.iso_a, commune=world.commune_a, file_name=name, data=data)
    assert _messages(refused) == ["Tệp không đúng định dạng cho phép (CSV, Excel .xlsx)."]
    assert not OneStopImport.objects.exists()


@pytest.mark.django_db
def test_an_excel_export_imports_with_months_as_text_or_dates(world):
    _catalogue(world)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Số liệu một cửa tháng 1–2/2026"])
    sheet.append(["Mã TTHC", "Tháng", "Tiếp nhận", "Đúng hạn", "Trễ hạn", "Trả lại"])
    sheet.append(["1.001193", "01/2026", 12, 11, 1, 0])
    sheet.append(["1.000656", datetime.datetime(2026, 2, 1), 7, 7, 0, 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = objective_services.import_one_stop(
        acting_user=world.iso_a, commune=world.commune_a, file_name="mot-cua.xlsx", data=buffer.getvalue()
    )
    assert (batch.row_count, batch.months) == (2, ["01/2026", "02/2026"])


@pytest.mark.django_db
def test_only_the_communes_officer_imports(world):
    _catalogue(world)
    for user in (world.iso_b, world.leader_a, world.district):
        with pytest.raises(Exception) as refused:
            _import(world, GOOD, user=user)
        assert "không có quyền" in str(refused.value)
    assert not OneStopImport.objects.exists()


# -- computation ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rates_per_procedure_commune_and_province_and_the_objectives_values(world):
    procedures = _catalogue(world)
    _import(world, GOOD)
    _import(world, HEADER + "1.000894,01/2026,10,5,5,0\n", commune=world.commune_b, user=world.iso_b)
    rates = selectors.procedure_rates(commune_id=world.commune_a.pk, year=2026)
    assert [(r.code, r.figures.on_time_rate) for r in rates] == [
        ("1.000656", Decimal("100.0")),
        ("1.001193", Decimal("86.7")),
    ]
    commune = selectors.commune_rates(commune_ids=[world.commune_a.pk, world.commune_b.pk], year=2026)
    assert commune[world.commune_a.pk].on_time_rate == Decimal("90.5")  # 57 of 63
    assert commune[world.commune_b.pk].on_time_rate == Decimal("50.0")
    assert selectors.province_rates(province=world.province_unit, year=2026).on_time_rate == Decimal("84.9")  # 62/73

    whole = _objective(world)
    late = _objective(
        world,
        statement="Hồ sơ khai sinh trễ hạn không quá 5%",
        indicator="late_rate",
        direction="at_most",
        target_value=Decimal("5"),
        procedure=procedures["birth"],
        late_threshold=Decimal("10"),
    )
    typed = _objective(
        world,
        statement="100% quy trình được rà soát",
        indicator="other",
        source="typed",
        target_value=None,
        target="100%",
        result="100%",
        achieved=True,
    )
    kpis = selectors.objective_kpis([whole, late, typed])
    assert typed.pk not in kpis
    assert (kpis[whole.pk].value, kpis[whole.pk].achieved) == (Decimal("90.5"), False)
    assert [(p.label, p.value, p.achieved) for p in kpis[whole.pk].months] == [
        ("01/2026", Decimal("96.7"), True),
        ("02/2026", Decimal("84.8"), False),
    ]
    assert (kpis[late.pk].value, kpis[late.pk].achieved) == (Decimal("13.3"), False)
    assert [(f"{b.month:%m/%Y}", b.late_rate) for b in kpis[late.pk].breaches] == [("02/2026", Decimal("20.0"))]
    assert late.unit == "percent" and selectors.target_text(late) == "≤ 5%"


@pytest.mark.django_db
def test_satisfaction_takes_the_average_rating_of_the_period(world):
    procedures = _catalogue(world)
    for rating, when in (
        (5, datetime.datetime(2026, 3, 5, 9)),
        (3, datetime.datetime(2026, 3, 20, 9)),
        (4, datetime.datetime(2026, 5, 2, 9)),
        (1, datetime.datetime(2025, 5, 2, 9)),
    ):
        process_services.submit_feedback(
            commune=world.commune_a,
            procedure=procedures["birth"],
            kind="satisfaction",
            rating=rating,
            received_at=when.replace(tzinfo=datetime.UTC),
        )
    objective = _objective(
        world,
        statement="Hài lòng từ 4,0 điểm",
        indicator="satisfaction",
        source="feedback",
        target_value=Decimal("4.0"),
        period="year",
    )
    kpi = selectors.objective_kpi(objective)
    assert (kpi.value, kpi.achieved) == (Decimal("4.0"), True)
    assert [(p.label, p.value) for p in kpi.months] == [("03/2026", Decimal("4.0")), ("05/2026", Decimal("4.0"))]
    assert objective.unit == "points"
    with pytest.raises(ValidationError) as wrong_source:
        _objective(world, statement="Sai nguồn", indicator="satisfaction", source="one_stop")
    assert "chỉ cho tỷ lệ" in " ".join(_messages(wrong_source))


@pytest.mark.django_db
def test_the_review_input_and_the_word_export_carry_the_computed_values(world):
    from audits.docx import build_review_docx

    _catalogue(world)
    _import(world, GOOD)
    _objective(world)
    _objective(
        world,
        statement="100% quy trình được rà soát",
        indicator="other",
        source="typed",
        target_value=None,
        target="100%",
        result="100%",
        achieved=True,
    )
    review = make_review(world)
    services.assemble_review_inputs(acting_user=world.leader_a, review=review)
    items = review.inputs["quality_objectives"]["items"]
    assert [(o["statement"][:20], o["target"], o["result"], o["achieved"]) for o in items] == [
        ("Tỷ lệ hồ sơ giải quy", "≥ 95%", "90,5%", False),
        ("100% quy trình được ", "100%", "100%", True),
    ]
    assert items[0]["months"] == [
        {"month": "01/2026", "value": "96.7", "achieved": True},
        {"month": "02/2026", "value": "84.8", "achieved": False},
    ]
    assert review.inputs["quality_objectives"]["not_achieved"] == 1
    review_text = document_text(to_bytes(build_review_docx(review)))
    assert "90,5%" in review_text and "84,8" in review_text
    text = document_text(to_bytes(build_objectives_docx(world.commune_a, 2026)))
    for expected in ("MỤC TIÊU CHẤT LƯỢNG", "≥ 95%", "90,5%", "không đạt", "02/2026", "Tiếp nhận", "84,8%"):
        assert expected in text, expected


# -- chart --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_chart_draws_each_month_and_the_target(world):
    from audits.objectives.charts import kpi_chart

    _catalogue(world)
    _import(world, GOOD)
    objective = _objective(world)
    kpi = selectors.objective_kpi(objective)
    svg = str(kpi_chart(kpi.months, target=objective.target_value, title="Tỷ lệ hồ sơ giải quyết đúng hạn", unit="%"))
    assert (
        svg.startswith("<svg") and "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    )
    assert svg.count('class="kpi-point"') == 2
    assert 'data-month="01/2026" data-value="96.7"' in svg and 'data-month="02/2026" data-value="84.8"' in svg
    assert 'class="kpi-target"' in svg and 'stroke-dasharray="6 4"' in svg and 'data-value="95"' in svg
    assert "Tháng" in svg and "Chỉ tiêu: 95%" in svg


# -- admin --------------------------------------------------------------------------------------------------


def _records(world):
    procedures = _catalogue(world)
    batch = _import(world, GOOD)
    whole = _objective(world)
    late = _objective(
        world,
        statement="Hồ sơ khai sinh trễ hạn không quá 5%",
        indicator="late_rate",
        direction="at_most",
        target_value=Decimal("5"),
        procedure=procedures["birth"],
        late_threshold=Decimal("10"),
    )
    return {"batch": batch, "whole": whole, "late": late, **procedures}


class WithFigures(SharedWorld):
    @pytest.fixture(scope="class")
    @classmethod
    def class_records(cls, class_world, class_db):
        with class_db.unblock():
            return _records(class_world)

    @pytest.fixture
    def records(self, class_records, db):
        return copy.deepcopy(class_records)


class TestObjectiveAdmin(WithFigures):
    def test_the_objective_page_shows_value_chart_figures_and_rates(self, client, world, records):
        client.force_login(world.district)
        body = client.get(reverse("audits_objectives:inspect", args=[records["whole"].pk])).content.decode()
        for text in (
            "Tỷ lệ hồ sơ giải quyết đúng hạn",
            "≥ 95%",
            "90,5%",
            "Giá trị theo tháng",
            "96,7%",
            "84,8%",
            "Tỷ lệ đúng hạn theo thủ tục",
            "Toàn bộ xã",
            "<svg",
        ):
            assert text in body, text
        assert body.count('class="kpi-point"') == 2
        assert "Cân nhắc" not in body

    def test_a_month_over_the_threshold_suggests_a_finding_or_a_risk(self, client, world, records):
        client.force_login(world.iso_a)
        late = records["late"]
        body = client.get(reverse("audits_objectives:inspect", args=[late.pk])).content.decode()
        assert "vượt ngưỡng 10%" in body and "02/2026 (20,0%)" in body
        assert f"{reverse('audits_risks:add')}?description=" in body and reverse("audits_findings:add") in body
        risk_url = body.split(f'href="{reverse("audits_risks:add")}')[1].split('"')[0].replace("&amp;", "&")
        form = client.get(reverse("audits_risks:add") + risk_url).content.decode()
        assert "Hồ sơ khai sinh trễ hạn không quá 5%: 02/2026 20%" in form
        assert not QualityObjective.objects.filter(pk=late.pk, achieved=True).exists()

    def test_upload_preview_and_confirm(self, client, world, records):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(world.iso_a)
        upload = reverse("audits_admin:onestop_upload")
        page = client.get(upload).content.decode()
        assert "Nhập số liệu một cửa" in page
        data = HEADER + "1.001193,03/2026,20,20,0,0\n1.000656,03/2026,5,4,1,0\n"
        response = client.post(
            upload, {"commune": world.commune_a.pk, "file": SimpleUploadedFile("thang-03.csv", data.encode())}
        )
        assert response.status_code == 302
        preview = client.get(response["Location"]).content.decode()
        assert "Xác nhận nhập" in preview and "03/2026" in preview and "80,0%" in preview
        assert OneStopImport.objects.count() == 1
        done = client.post(response["Location"])
        batch = OneStopImport.objects.latest("pk")
        assert done["Location"] == reverse("audits_onestop:inspect", args=[batch.pk])
        assert batch.row_count == 2 and OneStopFigure.objects.filter(month="2026-03-01").count() == 2
        page = client.get(done["Location"]).content.decode()
        assert "thang-03.csv" in page and "03/2026" in page

    def test_a_bad_upload_is_shown_and_cannot_be_confirmed(self, client, world, records):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(world.iso_a)
        upload = reverse("audits_admin:onestop_upload")
        wrong = client.post(upload, {"commune": world.commune_a.pk, "file": SimpleUploadedFile("a.csv", PDF_BYTES)})
        assert "Tệp không đúng định dạng cho phép (CSV, Excel .xlsx)." in wrong.content.decode()
        data = HEADER + "1.001193,03/2026,20,20,0,0\n1.000894,03/2026,5,4,1,0\n"
        response = client.post(
            upload, {"commune": world.commune_a.pk, "file": SimpleUploadedFile("b.csv", data.encode())}
        )
        preview = client.get(response["Location"]).content.decode()
        assert "Dòng 3: mã TTHC 1.000894 không có trong danh mục của xã" in preview and "Xác nhận nhập" not in preview
        refused = client.post(response["Location"]).content.decode()
        assert "Dòng 3: mã TTHC 1.000894" in refused
        assert OneStopImport.objects.count() == 1

    def test_the_template_is_an_excel_file_with_the_columns(self, client, world, records):
        client.force_login(world.iso_a)
        response = client.get(reverse("audits_admin:onestop_template"))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[1]] == ["Mã TTHC", "Tháng", "Tiếp nhận", "Đúng hạn", "Trễ hạn", "Trả lại"]

    VIEWS = {
        "objective": {"iso_a", "leader_a", "auditor_a", "district", "province"},
        "batch": {"iso_a", "leader_a", "auditor_a", "district", "province"},
        "docx": {"iso_a", "leader_a", "auditor_a", "district", "province"},
    }

    @pytest.mark.parametrize("cell", cells(VIEWS), ids=cell_id)
    def test_permission_matrix(self, client, world, records, cell):
        urls = {
            "objective": (reverse("audits_objectives:inspect", args=[records["whole"].pk]), "90,5%"),
            "batch": (reverse("audits_onestop:inspect", args=[records["batch"].pk]), "mot-cua.csv"),
            "docx": (reverse("audits_admin:objectives_docx", args=[world.commune_a.pk, 2026]), None),
        }
        url, marker = urls[cell.view]
        check_cell(client, world, cell, url, refused=ADMIN_HOME, hidden=404, marker=marker)

    @pytest.mark.parametrize("persona", ["leader_a", "district"])
    def test_only_an_officer_may_upload(self, client, world, records, persona):
        client.force_login(getattr(world, persona))
        assert_answer(client.get(reverse("audits_admin:onestop_upload")), ADMIN_HOME)

    def test_another_communes_preview_is_not_found(self, client, world, records):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(world.iso_a)
        response = client.post(
            reverse("audits_admin:onestop_upload"),
            {"commune": world.commune_b.pk, "file": SimpleUploadedFile("b.csv", GOOD.encode())},
        )
        assert response.status_code == 200 and "commune" in response.context["form"].errors
        assert client.get(reverse("audits_admin:onestop_preview", args=["0123456789abcdef"])).status_code == 404


@pytest.mark.django_db
def test_the_objective_list_costs_the_same_queries_for_3_and_30_objectives(client, world):
    procedures = _catalogue(world)
    _import(world, GOOD)
    client.force_login(world.iso_a)
    url = reverse("audits_objectives:index")
    counts = []
    for total in (3, 30):
        while QualityObjective.objects.filter(commune=world.commune_a).count() < total:
            n = QualityObjective.objects.count()
            kinds = [
                {},
                {
                    "indicator": "late_rate",
                    "direction": "at_most",
                    "target_value": Decimal("5"),
                    "procedure": procedures["birth"],
                },
                {"indicator": "satisfaction", "source": "feedback", "target_value": Decimal("4")},
            ]
            _objective(world, statement=f"Mục tiêu {n}", **kinds[n % 3])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).content.decode()
        assert "90,5%" in body
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
