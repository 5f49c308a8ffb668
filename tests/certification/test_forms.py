"""The commune ISO officer and the province work through the admin forms; bad input is refused in Vietnamese."""

import pytest
from django.urls import reverse

from qms.certification.models import Announcement, CommuneProgress, Evidence, Inspection, ProgressTarget, Stage
from qms.certification.rules import add_months
from tests.browser_forms import open_form

from .conftest import days_ago, make_effective, pdf


def url(name, pk):
    return reverse(f"certification:{name}", args=[pk])


@pytest.mark.django_db
def test_recording_the_signed_decision_through_the_form_announces_the_commune(client, world, procedures):
    for procedure in procedures[:2]:
        make_effective(world.commune_a, procedure, world.iso_a, world.leader_a)
    client.force_login(world.iso_a)
    form_page = client.get(url("announcement_add", world.commune_a.pk)).content.decode()
    assert procedures[0].name in form_page and procedures[1].name in form_page  # the scope to be announced
    response = client.post(
        url("announcement_add", world.commune_a.pk),
        {
            "number": "45",
            "symbol": "QĐ-UBND",
            "signed_on": days_ago(2).strftime("%d/%m/%Y"),
            "signer_name": "Lê Văn Tâm",
            "file": pdf(),
        },
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.scope_codes == {procedures[0].code, procedures[1].code}
    assert CommuneProgress.objects.get(commune=world.commune_a).stage == Stage.ANNOUNCED
    record = client.get(response["Location"]).content.decode()
    assert "45/QĐ-UBND" in record and "Đã công bố" in record


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": "4a"}, "chỉ gồm chữ số"),
        ({"signed_on": "31/02/2025"}, "dd/mm/yyyy"),
        ({"file": None}, "bắt buộc"),
    ],
)
def test_a_bad_decision_form_is_refused_and_writes_nothing(client, world, procedures, changes, message):
    make_effective(world.commune_a, procedures[0], world.iso_a, world.leader_a)
    client.force_login(world.iso_a)
    data = {"number": "45", "symbol": "QĐ-UBND", "signed_on": days_ago(2).strftime("%d/%m/%Y"), "file": pdf()} | changes
    response = client.post(
        url("announcement_add", world.commune_a.pk), {k: v for k, v in data.items() if v is not None}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Announcement.objects.exists()


@pytest.mark.django_db
def test_evidence_added_through_the_form_shows_on_the_checklist(client, world):
    client.force_login(world.iso_a)
    response = client.post(
        url("evidence_add", world.commune_a.pk),
        {
            "kind": "steering_board",
            "title": "Quyết định thành lập Ban chỉ đạo ISO",
            "reference": "08/QĐ-UBND",
            "issued_on": days_ago(30).strftime("%d/%m/%Y"),
            "file": pdf("bcd.pdf"),
        },
    )
    assert response.status_code == 302
    record = client.get(url("commune", world.commune_a.pk)).content.decode()
    assert "Quyết định thành lập Ban chỉ đạo ISO" in record and "08/QĐ-UBND" in record
    assert CommuneProgress.objects.get(commune=world.commune_a).stage == Stage.BUILDING
    refused = client.post(
        url("evidence_add", world.commune_a.pk),
        {"kind": "plan", "title": "Kế hoạch", "issued_on": days_ago(1).strftime("%d/%m/%Y"), "file": pdf("x.exe")},
    )
    assert refused.status_code == 200 and "Tệp không đúng định dạng cho phép" in refused.content.decode()
    assert Evidence.objects.count() == 1


@pytest.mark.django_db
def test_the_province_records_an_inspection_and_the_commune_answers_it(client, world):
    client.force_login(world.province)
    inspected = days_ago(20)
    response = client.post(
        url("inspection_add", world.commune_a.pk),
        {
            "inspected_on": inspected.strftime("%d/%m/%Y"),
            "method": "on_site",
            "agency": "Sở KH&CN tỉnh Thử Nghiệm",
            "conclusions-TOTAL_FORMS": "2",
            "conclusions-INITIAL_FORMS": "0",
            "conclusions-0-text": "Đã áp dụng đầy đủ.",
            "conclusions-1-text": "Chưa cập nhật quy trình khai sinh.",
            "conclusions-1-needs_action": "on",
        },
    )
    assert response.status_code == 302
    conclusion = Inspection.objects.get().conclusions.get(needs_action=True)
    assert conclusion.due_on == add_months(inspected, 2)
    client.force_login(world.iso_a)
    record = client.get(url("commune", world.commune_a.pk)).content.decode()
    assert "Chưa cập nhật quy trình khai sinh." in record
    response = client.post(
        url("report_add", conclusion.pk),
        {"reported_on": days_ago(1).strftime("%d/%m/%Y"), "reference": "12/BC-UBND", "note": "Đã cập nhật quy trình."},
    )
    assert response.status_code == 302
    conclusion.refresh_from_db()
    assert conclusion.reported_on == days_ago(1) and conclusion.report_reference == "12/BC-UBND"


@pytest.mark.django_db
def test_the_province_sets_the_target_and_bad_input_is_refused(client, world):
    client.force_login(world.province)
    token = {"version_token": open_form(client, url("target", world.district_unit.pk), "percent")["version_token"]}
    bad = client.post(url("target", world.district_unit.pk), {"percent": "120", "target_date": "31/12/2021", **token})
    assert bad.status_code == 200 and not ProgressTarget.objects.exists()
    response = client.post(
        url("target", world.district_unit.pk), {"percent": "100", "target_date": "31/12/2021", **token}
    )
    assert response.status_code == 302
    dashboard = client.get(response["Location"]).content.decode()
    assert "100% đến ngày 31/12/2021" in dashboard
