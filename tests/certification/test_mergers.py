"""Merged communes: the 2025 mapping, and carrying the predecessors' QMS over (plan, run, undo, report)."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.models import CorrectiveAction, QualityObjective
from audits.risks import services as risk_services
from audits.risks.models import Risk
from qms import docx as qd
from qms.actors import SYSTEM
from qms.certification.mergers import services
from qms.certification.mergers.models import CarryOverStatus
from qms.certification.mergers.report import build_reconciliation_xlsx
from qms.certification.models import ANNOUNCED_STAGES, CommuneProgress
from qms.certification.rules import merger_reannounce_deadline
from qms.spreadsheets import open_first_sheet
from qms.units.mapping import MAPPING_FILE, fill_predecessors, load_mapping
from qms.units.models import AdministrativeUnit, Commune, Era, Level, UnitMapping
from qms.units.services import provision_commune
from tests.factories import make_unit
from tests.permission_matrix import CARRY_OVER_VIEWS, LOGIN, PERSONAS, SharedWorld, assert_answer
from tests.processes.helpers import approve_directly

from .mergers import build_merger, d_documents

pytestmark = pytest.mark.django_db


def _ran(merger, user):
    carry_over = services.plan_carry_over(successor=merger.d, acting_user=user)
    services.set_plan(
        carry_over=carry_over, record_sources=[merger.d.predecessors.get(pk=merger.risk.commune_id)], acting_user=user
    )
    services.start_carry_over(carry_over=carry_over, acting_user=user, send=False)
    return services.run_carry_over(carry_over_id=carry_over.pk)


def _unit(era, level, code, name, parent=None):
    unit = AdministrativeUnit.objects.filter(era=era, code=code).first()
    return unit or AdministrativeUnit.objects.create(
        era=era, level=level, code=code, name=name, full_name=name, parent=parent
    )


def test_the_mapping_loads_once_in_bulk_and_fills_predecessors():
    lines = sum(1 for _ in open(MAPPING_FILE, encoding="utf-8")) - 1
    assert load_mapping() == lines == 10566
    assert load_mapping() == 0
    assert UnitMapping.objects.count() == 10566
    y_yen = UnitMapping.objects.filter(new_code="13795")
    assert set(y_yen.values_list("old_name", flat=True)) == {
        "Thị trấn Lâm",
        "Xã Yên Khánh",
        "Xã Yên Phong",
        "Xã Hồng Quang",
    }
    new_province = make_unit(level=Level.PROVINCE, name="Ninh Bình", era=Era.Y2025)
    old_province = make_unit(level=Level.PROVINCE, name="Nam Định")
    new = _unit(Era.Y2025, Level.COMMUNE, "13795", "Xã Ý Yên", new_province)
    d = Commune.objects.filter(unit=new).first() or provision_commune(unit=new)
    olds = [
        Commune.objects.filter(unit=u).first() or provision_commune(unit=u)
        for u in (
            _unit(Era.PRE_2025, Level.COMMUNE, code, name, old_province)
            for code, name in (("13795", "Thị trấn Lâm"), ("13843", "Xã Yên Khánh"))
        )
    ]
    d.predecessors.clear()
    assert {c.pk for c in fill_predecessors(commune=d, acting_user=SYSTEM)} == {c.pk for c in olds}
    assert fill_predecessors(commune=d, acting_user=SYSTEM) == []
    assert set(d.predecessors.values_list("pk", flat=True)) >= {c.pk for c in olds}


def test_the_reannounce_rule_takes_the_later_of_the_reform_and_the_carry_over():
    import datetime

    assert merger_reannounce_deadline(datetime.date(2025, 3, 1)) == datetime.date(2025, 10, 1)
    assert merger_reannounce_deadline(datetime.date(2026, 11, 30)) == datetime.date(2027, 2, 28)


class TestCarryOver(SharedWorld):
    """A merged commune D built once for the class; each test runs in a savepoint of the class's transaction."""

    @pytest.fixture(scope="class")
    @classmethod
    def class_merger(cls, class_world, class_db):
        with class_db.unblock():
            return build_merger(class_world)

    @pytest.fixture
    def merger(self, class_merger, db):
        return copy.deepcopy(class_merger)

    def test_the_plan_takes_the_first_predecessors_quy_trinh_and_can_be_changed(self, world, merger):
        carry_over = services.plan_carry_over(successor=merger.d, acting_user=world.province)
        choices = {c.procedure_id: c for c in carry_over.choices.all()}
        assert set(choices) == {merger.khai_sinh.pk, merger.ket_hon.pk}
        assert choices[merger.khai_sinh.pk].source_document_id == merger.a_ks.pk
        assert choices[merger.ket_hon.pk].source_document_id == merger.b_kh.pk
        services.set_plan(
            carry_over=carry_over, choices={merger.khai_sinh.pk: f"doc:{merger.b_ks.pk}"}, acting_user=world.iso_a
        )
        choice = carry_over.choices.get(procedure=merger.khai_sinh)
        assert choice.source_document_id == merger.b_ks.pk and choice.source_label == f"{merger.b_ks.code} – Xã Bắc Sơn"
        with pytest.raises(ValidationError) as refused:
            services.set_plan(
                carry_over=carry_over, choices={merger.khai_sinh.pk: "doc:999999"}, acting_user=world.iso_a
            )
        assert "Chọn" in refused.value.messages[0]
        with pytest.raises(PermissionDenied):
            services.set_plan(carry_over=carry_over, choices={}, acting_user=world.leader_a)
        assert services.plan_carry_over(successor=merger.d, acting_user=world.province).choices.count() == 2

    def test_the_run_copies_drafts_once_and_moves_the_records_with_their_history(self, world, merger):
        history_before = merger.risk.history.count()
        action_number = merger.action.sequence
        carry_over = _ran(merger, world.province)
        assert carry_over.status == CarryOverStatus.DONE
        assert (carry_over.completed, carry_over.total, carry_over.drafts_created) == (3, 3, 2)
        drafts = list(d_documents(merger))
        assert [(d.procedure.code, d.live, d.status) for d in drafts] == [
            ("1.000894", False, "draft"),
            ("1.001193", False, "draft"),
        ]
        assert drafts[1].change_request == f"Chuyển từ quy trình {merger.a_ks.code} của Xã An Bình"
        assert "xã Đồng Tâm" in drafts[1].purpose
        assert drafts[1].purpose == merger.a_ks.purpose.replace("xã An Bình", "xã Đồng Tâm")
        risk = Risk.objects.get(pk=merger.risk.pk)
        assert risk.commune_id == merger.d.pk
        assert risk.history.count() == history_before + 1
        assert risk.history.first().history_change_reason == "Chuyển từ Xã Bắc Sơn"
        assert CorrectiveAction.objects.get(pk=merger.action.pk).commune_id == merger.d.pk
        assert QualityObjective.objects.get(pk=merger.objective.pk).commune_id == merger.d.pk
        assert merger.programme.__class__.objects.get(pk=merger.programme.pk).commune_id == merger.d.pk
        assert carry_over.records_moved == 4 and carry_over.moves.count() == 4
        assert action_number == carry_over.moves.get(category="actions").old_sequence

        # Run again (a redelivered task): nothing is created or moved twice.
        type(carry_over).objects.filter(pk=carry_over.pk).update(status=CarryOverStatus.RUNNING)
        again = services.run_carry_over(carry_over_id=carry_over.pk)
        assert again.status == CarryOverStatus.DONE and again.drafts_created == 2 and again.records_moved == 4
        assert d_documents(merger).count() == 2 and again.moves.count() == 4

        # B became read-only; A (its records stayed) did not.
        b = Commune.objects.get(pk=world.commune_b.pk)
        iso_b = type(world.iso_b).objects.get(pk=world.iso_b.pk)  # a new request's user: no cached rights
        with pytest.raises(PermissionDenied) as refused:
            risk_services.create_risk(acting_user=iso_b, commune=b, likelihood=2, impact=2, description="Mới")
        assert "Xã Bắc Sơn đã sáp nhập vào Xã Đồng Tâm" in str(refused.value)
        iso_a = type(world.iso_a).objects.get(pk=world.iso_a.pk)
        risk_services.create_risk(acting_user=iso_a, commune=world.commune_a, likelihood=2, impact=2, description="Mới")

    def test_an_old_communes_record_cannot_be_edited_after_the_carry_over(self, client, world, merger):
        carry_over = services.plan_carry_over(successor=merger.d, acting_user=world.province)
        services.set_plan(
            carry_over=carry_over,
            record_sources=[world.commune_b],
            categories=["objectives"],
            acting_user=world.province,
        )
        services.start_carry_over(carry_over=carry_over, acting_user=world.province, send=False)
        services.run_carry_over(carry_over_id=carry_over.pk)
        assert Risk.objects.get(pk=merger.risk.pk).commune_id == world.commune_b.pk
        client.force_login(world.iso_b)
        edit = reverse("audits_risks:edit", args=[merger.risk.pk])
        assert client.get(reverse("audits_risks:inspect", args=[merger.risk.pk])).status_code == 200
        response = client.get(edit, follow=True)
        assert "Xã Bắc Sơn đã sáp nhập vào Xã Đồng Tâm" in response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")

    def test_undo_removes_the_drafts_and_moves_the_records_back_until_an_approval(self, world, merger):
        carry_over = _ran(merger, world.iso_a)
        old_number = carry_over.moves.get(category="actions").old_sequence
        undone = services.undo_carry_over(carry_over=carry_over, acting_user=world.iso_a)
        assert undone.status == CarryOverStatus.UNDONE
        assert d_documents(merger).count() == 0
        action = CorrectiveAction.objects.get(pk=merger.action.pk)
        assert (action.commune_id, action.sequence) == (world.commune_b.pk, old_number)
        assert Risk.objects.get(pk=merger.risk.pk).commune_id == world.commune_b.pk
        assert Risk.objects.get(pk=merger.risk.pk).history.first().history_change_reason.startswith("Trả về Xã Bắc Sơn")
        assert Commune.objects.get(pk=world.commune_b.pk).read_only_since is None

        services.start_carry_over(carry_over=undone, acting_user=world.iso_a, send=False)
        done = services.run_carry_over(carry_over_id=undone.pk)
        assert done.drafts_created == 2 and done.records_moved == 4
        approve_directly(d_documents(merger).first(), world.iso_a, world.leader_a)
        with pytest.raises(ValidationError) as refused:
            services.undo_carry_over(carry_over=done, acting_user=world.iso_a)
        assert "Không thể hoàn tác việc chuyển giao" in refused.value.messages[0]
        assert d_documents(merger).count() == 2

    def test_the_merged_commune_must_reannounce_and_its_page_shows_the_deadline(self, client, world, merger):
        from qms.certification.services import record_announcement

        from .conftest import PAPER_SCOPE, days_ago, pdf

        record_announcement(
            commune=world.commune_a,
            number="45",
            signed_on=days_ago(600),
            file=pdf(),
            scope=PAPER_SCOPE,
            acting_user=world.iso_a,
        )
        carry_over = _ran(merger, world.province)
        # Formed by the merger, it has never announced: not counted as announced until it does.
        assert CommuneProgress.objects.get(commune=merger.d).stage not in ANNOUNCED_STAGES
        deadline = merger_reannounce_deadline(timezone.localtime(carry_over.finished_at).date())  # Vietnam's day
        client.force_login(world.province)
        page = client.get(reverse("certification:commune", args=[merger.d.pk])).content.decode()
        assert f"phải công bố lại HTQLCL trước ngày {deadline:%d/%m/%Y}" in page
        plan = client.get(reverse("certification:carry_over", args=[merger.d.pk])).content.decode()
        assert "Hoàn thành" in plan and "3 / 3 bước" in plan

    def test_the_reconciliation_report_reads_back_in_word_and_excel(self, client, world, merger):
        _ran(merger, world.province)
        client.force_login(world.leader_a)
        response = client.get(reverse("certification:carry_over_docx", args=[merger.d.pk]))
        text = qd.document_text(response.content)
        assert "ĐỐI CHIẾU" in text.upper() or "BÁO CÁO" in text
        assert f"{merger.a_ks.code} – Xã An Bình" in text and f"{merger.b_kh.code} – Xã Bắc Sơn" in text
        assert "Mất hồ sơ khi chuyển trụ sở" in text and "2.000815" in text
        carry_over = merger.d.carry_over
        sheet = open_first_sheet(build_reconciliation_xlsx(carry_over))
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        assert rows[0][:3] == ["Mã TTHC", "Thủ tục hành chính", "Lấy từ"]
        assert ["1.001193", "Thủ tục đăng ký khai sinh", f"{merger.a_ks.code} – Xã An Bình", merger.a_ks.code] in rows
        xlsx = client.get(reverse("certification:carry_over_xlsx", args=[merger.d.pk]))
        assert xlsx.status_code == 200

    def test_the_page_compares_the_candidates_side_by_side(self, client, world, merger):
        services.plan_carry_over(successor=merger.d, acting_user=world.province)
        client.force_login(world.province)
        page = client.get(
            reverse("certification:carry_over_compare", args=[merger.d.pk]) + f"?procedure={merger.khai_sinh.pk}"
        )
        body = page.content.decode()
        assert f"{merger.a_ks.code} – Xã An Bình" in body and f"{merger.b_ks.code} – Xã Bắc Sơn" in body
        assert "Mục đích" in body

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_only_the_province_and_the_merged_communes_members_see_the_carry_over(self, client, world, merger, persona):
        services.plan_carry_over(successor=merger.d, acting_user=world.province)
        for view, (method, allowed) in CARRY_OVER_VIEWS.items():
            url = reverse(f"certification:{view.removesuffix('_post')}", args=[merger.d.pk])
            if view == "carry_over_compare":
                url += f"?procedure={merger.khai_sinh.pk}"
            if persona != "anonymous":
                client.force_login(getattr(world, persona))
            response = client.post(url, {"action": "save"}) if method == "post" else client.get(url)
            if persona in allowed:
                assert response.status_code in (200, 302), (view, persona, response.status_code)
                if method == "post":
                    assert response["Location"].endswith(reverse("certification:carry_over", args=[merger.d.pk]))
            elif persona in ("anonymous", "outsider"):
                assert_answer(response, LOGIN, f"{view} {persona}")
            elif persona in ("leader_a", "auditor_a"):
                assert response.status_code == 403, (view, persona)
            else:
                assert response.status_code == 404, (view, persona)
            client.logout()
