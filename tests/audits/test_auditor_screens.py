"""The auditor's screens: every checklist field is named, and a finding offers only its audit's processes."""

import re

import pytest
from django.urls import reverse

from audits import services

from .builders import make_audit


@pytest.mark.django_db
def test_checklist_fields_have_labels(client, world):
    plan = make_audit(world)
    services.generate_checklist(acting_user=world.iso_a, plan=plan)
    client.force_login(world.auditor_a)
    body = client.get(reverse("audits_admin:plan_checklist", args=[plan.pk])).content.decode()
    fields = re.findall(r'<(?:select|textarea|input)[^>]*\bid="(id_items-\d+-\w+)"', body)
    assert fields and len(fields) == 3 * plan.checklist.count()
    labelled = set(re.findall(r'<label[^>]*for="(id_items-\d+-\w+)"', body))
    assert set(fields) == labelled


@pytest.mark.django_db
def test_finding_form_offers_only_the_processes_of_its_audit(client, world):
    plan = make_audit(world)
    other = services.create_plan(
        acting_user=world.iso_a,
        programme=plan.programme,
        title="Đánh giá bổ sung",
        planned_start=plan.planned_start,
        planned_end=plan.planned_end,
        lead_auditor=plan.lead_auditor,
    )
    services.set_plan_scope(
        acting_user=world.iso_a,
        plan=other,
        processes=[
            services.ProcessInput(
                title="Đăng ký khai sinh",
                document_code="QT-01/HT",
                responsible_unit="Bộ phận Địa chính",
                auditor=plan.lead_auditor,
            )
        ],
    )
    client.force_login(world.auditor_a)
    body = client.get(reverse("audits_findings:add") + f"?plan={plan.pk}").content.decode()
    select = re.search(r'<select name="process".*?</select>', body, re.S).group(0)
    values = set(re.findall(r'<option value="(\d+)"', select))
    assert values == {str(p.pk) for p in plan.processes.all()}
    assert not values & {str(p.pk) for p in other.processes.all()}
