"""The TTHC catalogue: import of the portal list (CSV/Excel) and the curated JSON."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from processes.catalogue import CatalogueFileError, parse_time_limit
from processes.models import CatalogueImport, Procedure, TimeUnit
from processes.services import import_catalogue

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "tthc"
LIST_CSV = FIXTURES / "tthc_cap_xa_dvcqg_2026-06.csv"
CORE_JSON = FIXTURES / "tthc_cap_xa_core_2026-06.json"
SHARED_CSV = Path("/work/shared/data/tthc/tthc_cap_xa_dvcqg_2026-06.csv")
HEADER = "ma_thu_tuc,ten_thu_tuc,linh_vuc,cap_thuc_hien,thoi_han_theo_kenh,phi_le_phi_theo_kenh,detail_url\n"


def _import(path: Path, **kwargs):
    return import_catalogue(name=path.name, data=path.read_bytes(), **kwargs)


def test_shipped_list_loads_without_customs_rows():
    report = _import(LIST_CSV)
    assert len(report.added) == 464 == Procedure.objects.count()
    assert not Procedure.objects.filter(field__iexact="Hải quan").exists()
    khai_sinh = Procedure.objects.get(code="1.001193")
    assert khai_sinh.field == "Hộ tịch" and khai_sinh.decision_number
    assert khai_sinh.source_url.startswith("https://dichvucong.gov.vn/")
    assert khai_sinh.retrieved_on.isoformat() == "2026-06-01"
    assert CatalogueImport.objects.get().added == 464


def test_customs_rows_of_a_raw_portal_export_are_filtered_out(tmp_path):
    raw = HEADER + (
        "1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,Cấp xã,Trực tiếp: 1,Trực tiếp: Miễn phí,https://dichvucong.gov.vn/a\n"
        "1.000123,Thủ tục hải quan đối với hàng hóa,Hải quan,Cấp xã,,,https://dichvucong.gov.vn/b\n"
    )
    report = import_catalogue(name="raw.csv", data=raw.encode())
    assert report.added == ["1.001193"] and report.filtered == 1
    assert list(Procedure.objects.values_list("code", flat=True)) == ["1.001193"]


def test_reimport_updates_and_never_duplicates():
    _import(LIST_CSV)
    again = _import(LIST_CSV)
    assert again.added == [] and again.changed == [] and again.unchanged == 464
    assert Procedure.objects.count() == 464
    curated = _import(CORE_JSON)
    assert curated.added == [] and len(curated.changed) == 37
    assert Procedure.objects.count() == 464
    khai_sinh = Procedure.objects.get(code="1.001193")
    assert "Trung tâm Phục vụ hành chính công" in khai_sinh.steps_text
    assert khai_sinh.channels and khai_sinh.source["repo"] == "chatbot-tthc/chatbot_tthc"
    assert _import(CORE_JSON).changed == []
    # The list again does not wipe the steps the JSON brought.
    _import(LIST_CSV)
    assert Procedure.objects.get(code="1.001193").steps_text == khai_sinh.steps_text
    assert Procedure.objects.count() == 464


def test_time_limit_keeps_the_unit_and_is_empty_when_the_unit_is_unknown():
    _import(CORE_JSON)
    giam_ho = Procedure.objects.get(code="1.004837")
    assert (giam_ho.time_limit_value, giam_ho.time_limit_unit) == (Decimal("3"), TimeUnit.WORKING_DAYS)
    khai_sinh = Procedure.objects.get(code="1.001193")  # the portal shows a bare "1"
    assert khai_sinh.time_limit_value is None and khai_sinh.time_limit_unit == ""
    assert "1" in khai_sinh.time_limit_text
    assert parse_time_limit("0,5 Ngày làm việc") == (Decimal("0.5"), TimeUnit.WORKING_DAYS)
    assert parse_time_limit("4 Giờ") == (Decimal("4"), TimeUnit.HOURS)
    assert parse_time_limit("Không có thông tin") == (None, "")


def test_malformed_rows_are_reported_by_line_and_nothing_is_imported():
    Procedure.objects.create(code="1.004222", name="Đăng ký thường trú", field="Đăng ký, quản lý cư trú")
    bad = HEADER + (
        "1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,Cấp xã,,,https://dichvucong.gov.vn/a\n"
        '1.004222,Đăng ký thường trú (sửa),"Đăng ký, quản lý cư trú",Cấp xã,,,https://dichvucong.gov.vn/c\n'
        "ABC,Thủ tục lạ,Hộ tịch,Cấp xã,,,\n"
        "1.000894,,Hộ tịch,Cấp xã,,,\n"
        "1.001193,Trùng mã,Hộ tịch,Cấp xã,,,\n"
    )
    with pytest.raises(CatalogueFileError) as caught:
        import_catalogue(name="bad.csv", data=bad.encode())
    lines = [line for line, _message in caught.value.errors]
    assert lines == [4, 5, 6]
    text = "\n".join(caught.value.format_lines())
    assert "dòng 4" in text and "ABC" in text and "1.001193" in text
    assert list(Procedure.objects.values_list("code", flat=True)) == ["1.004222"]
    assert Procedure.objects.get().name == "Đăng ký thường trú"
    assert not CatalogueImport.objects.exists()


def test_missing_required_columns_and_bad_json_are_refused():
    with pytest.raises(CatalogueFileError) as caught:
        import_catalogue(name="x.csv", data=b"ma,ten\n1.001193,A\n")
    assert "ma_thu_tuc" in caught.value.format_lines()[0]
    with pytest.raises(CatalogueFileError):
        import_catalogue(name="x.json", data=b'{"procedures": [{"ma_thu_tuc": "1.001193"}]}')
    with pytest.raises(CatalogueFileError):
        import_catalogue(name="x.json", data=b"{not json")
    assert not Procedure.objects.exists()


def test_portal_excel_export_with_vietnamese_headings(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])
    sheet.append(["STT", "Mã số", "Tên", "Cơ quan ban hành", "Lĩnh vực"])
    sheet.append([1, "1.001193", "Thủ tục đăng ký khai sinh", "Bộ Tư pháp", "Hộ tịch"])
    sheet.append([2, "2.000815", "Chứng thực bản sao từ bản chính", "Bộ Tư pháp", "Chứng thực"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_catalogue(name="DanhSachTTHC.xlsx", data=buffer.getvalue())
    assert sorted(report.added) == ["1.001193", "2.000815"]
    assert Procedure.objects.get(code="2.000815").field == "Chứng thực"


def test_import_tthc_command_reports_and_fails_cleanly(tmp_path):
    out = io.StringIO()
    call_command("import_tthc", str(LIST_CSV), str(CORE_JSON), stdout=out)
    assert "464" in out.getvalue() and Procedure.objects.count() == 464
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "XYZ,Tên,Hộ tịch,Cấp xã,,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_tthc", str(bad), stderr=err)
    assert "bad.csv: dòng 2" in err.getvalue()
    assert Procedure.objects.count() == 464


@pytest.mark.skipif(not SHARED_CSV.exists(), reason="shared data folder not mounted")
def test_the_raw_588_row_crawl_imports_as_the_shipped_list():
    report = _import(SHARED_CSV)
    assert len(report.added) == 464 and report.filtered == 124
