"""The ISO steering board (5.3) and the quality policy (5.2): roles drawn from the roster, decisions that
replace one another, the decision in Word, the public page, the review inputs and the permission matrix."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audits.board import services as board_services
from audits.board.docx import build_board_decision
from audits.board.models import BoardRoleGrant, BoardStatus
from audits.selectors import review_inputs
from qms import permissions
from qms.audit_log import entries_for
from qms.docx import document_text, open_document, to_bytes
from qms.public.models import CommunePage
from qms.units.models import Role
from qms.units.services import role_group
from tests.permission_matrix import ADMIN_HOME, SharedWorld, cell_id, cells, check_cell

from .builders import make_review

FORMED = datetime.date(2026, 1, 15)
POLICY = "Giải quyết thủ tục hành chính công khai, minh bạch, đúng hẹn."


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


def form_board(world, **extra):
    fields = {
        "decision_number": "12/QĐ-UBND",
        "decision_date": FORMED,
        "signer_name": "Trần Văn Bình",
        "signer_position": "Chủ tịch",
        **extra,
    }
    return board_services.issue_decision(acting_user=world.iso_a, commune=world.commune_a, **fields)


def join(world, board, **fields):
    fields.setdefault("unit_position", "Công chức Văn phòng - Thống kê")
    fields.setdefault("board_position", "member")
    fields.setdefault("joined_on", FORMED)
    return board_services.add_member(acting_user=world.iso_a, board=board, **fields)


def holds(user, commune, role) -> bool:
    return user.groups.filter(pk=role_group(commune=commune, role=role).pk).exists()


def adopt(world, **extra):
    fields = {"text": POLICY, "adopted_on": datetime.date(2026, 1, 20), "signed_by": world.leader_a, **extra}
    return board_services.adopt_policy(acting_user=world.iso_a, commune=world.commune_a, **fields)


# -- services ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_roster_gives_roles_and_takes_back_only_those_it_gave(world):
    board = form_board(world)
    leader = join(world, board, user=world.leader_a, board_position="head", iso_role="leader")
    secretary = join(world, board, user=world.auditor_a, board_position="secretary", iso_role="secretary")
    typed = join(
        world, board, person_name="  Lê   Thị Mai ", unit_position="Phó Chủ tịch UBND", board_position="deputy"
    )
    assert typed.name == "Lê Thị Mai"

    # the auditor becomes ISO secretary: the board gives the ISO officer role, recorded as the board's grant
    assert holds(world.auditor_a, world.commune_a, Role.ISO_OFFICER)
    assert permissions.has_commune_perm(world.auditor_a, world.commune_a, permissions.MANAGE)
    grant = BoardRoleGrant.objects.get()
    assert (grant.user, grant.role, grant.board, grant.revoked_on) == (world.auditor_a, Role.ISO_OFFICER, board, None)
    assert [e.action for e in entries_for(grant)] == ["audits.board.role_grant"]
    assert [e.action for e in entries_for(world.commune_a)][:1] == ["qms.commune.member_add"]

    board_services.member_leaves(acting_user=world.iso_a, member=secretary, left_on=datetime.date(2026, 6, 1))
    auditor = get_user_model().objects.get(pk=world.auditor_a.pk)
    assert not holds(auditor, world.commune_a, Role.ISO_OFFICER)
    assert holds(auditor, world.commune_a, Role.AUDITOR)  # given otherwise: kept
    assert not permissions.has_commune_perm(auditor, world.commune_a, permissions.MANAGE)
    assert permissions.has_commune_perm(auditor, world.commune_a, permissions.AUDIT)
    grant.refresh_from_db()
    assert grant.revoked_on == datetime.date(2026, 6, 1)
    assert [e.action for e in entries_for(world.commune_a)][:1] == ["qms.commune.member_remove"]

    board_services.member_leaves(acting_user=world.iso_a, member=leader)
    assert holds(world.leader_a, world.commune_a, Role.LEADER)  # held before the board: never taken
    assert BoardRoleGrant.objects.count() == 1


@pytest.mark.django_db
def test_a_new_decision_replaces_the_board_which_stays_as_it_was(world):
    first = form_board(world)
    join(world, first, user=world.auditor_a, board_position="secretary", iso_role="secretary")
    gone = join(world, first, person_name="Đỗ Văn Hùng")
    board_services.member_leaves(acting_user=world.iso_a, member=gone, left_on=datetime.date(2026, 3, 1))
    second = form_board(world, decision_number="40/QĐ-UBND", decision_date=datetime.date(2026, 4, 1), kind="team")
    first.refresh_from_db()
    assert (first.status, first.replaced_by, second.status) == (BoardStatus.REPLACED, second, BoardStatus.CURRENT)
    assert [m.name for m in second.members.all()] == [str(world.auditor_a.get_full_name() or "auditor_a")]
    assert first.members.count() == 2
    assert holds(world.auditor_a, world.commune_a, Role.ISO_OFFICER)  # carried over, not taken back
    assert BoardRoleGrant.objects.filter(revoked_on__isnull=True).count() == 1
    with pytest.raises(ValidationError) as kept:
        join(world, first, person_name="Ngô Thị Lan")
    assert "được thay thế" in _messages(kept)
    with pytest.raises(ValidationError) as earlier:
        form_board(world, decision_number="41/QĐ-UBND", decision_date=datetime.date(2026, 2, 1))
    assert "trước quyết định 40/QĐ-UBND" in _messages(earlier)


@pytest.mark.django_db
def test_refusals_are_in_vietnamese(world):
    board = form_board(world)
    with pytest.raises(ValidationError) as nobody:
        join(world, board)
    assert "gõ họ và tên" in _messages(nobody)
    with pytest.raises(ValidationError) as stranger:
        join(world, board, user=world.iso_b)
    assert "không phải của" in _messages(stranger)
    with pytest.raises(PermissionDenied) as other_commune:
        board_services.add_member(
            acting_user=world.iso_b, board=board, person_name="Ngô Thị Lan", unit_position="x", joined_on=FORMED
        )
    assert "không có quyền" in str(other_commune.value)
    with pytest.raises(ValidationError) as unsigned:
        adopt(world, signed_by=world.auditor_a)
    assert "lãnh đạo" in _messages(unsigned)
    assert board.members.count() == 0


@pytest.mark.django_db
def test_a_new_policy_replaces_the_old_one_which_stays_readable(world):
    first = adopt(world)
    second = adopt(world, text="Chính sách mới.", adopted_on=datetime.date(2026, 6, 1))
    first.refresh_from_db()
    assert (first.version, first.replaced_on, second.version, second.is_current) == (
        1,
        datetime.date(2026, 6, 1),
        2,
        True,
    )
    assert [e.action for e in entries_for(second)] == ["audits.policy.adopt"]


# -- Word, public page, review ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_decision_in_word_lists_the_members_in_article_1(world):
    world.leader_a.last_name, world.leader_a.first_name = "Trần Văn", "Bình"
    world.leader_a.save()
    board = form_board(world)
    join(world, board, user=world.leader_a, unit_position="Chủ tịch UBND xã", board_position="head", iso_role="leader")
    join(world, board, person_name="Lê Thị Mai", unit_position="Phó Chủ tịch UBND xã", board_position="deputy")
    left = join(world, board, person_name="Đỗ Văn Hùng", duties="Áp dụng quy trình đất đai")
    board_services.member_leaves(acting_user=world.iso_a, member=left)
    document = open_document(to_bytes(build_board_decision(board)))
    text = document_text(document)
    assert "QUYẾT ĐỊNH" in text and "Về việc thành lập Ban chỉ đạo ISO xây dựng" in text
    assert "ỦY BAN NHÂN DÂN XÃ AN BÌNH" in text and "Số: 12/QĐ-UBND" in text
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025" in text
    assert "Điều 1. Thành lập Ban chỉ đạo ISO xã An Bình" in text and "Điều 3." in text
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["STT", "Họ và tên", "Chức vụ", "Nhiệm vụ trong Ban"],
        ["1", "Trần Văn Bình", "Chủ tịch UBND xã", "Trưởng ban"],
        ["2", "Lê Thị Mai", "Phó Chủ tịch UBND xã", "Phó Trưởng ban"],
    ]
    renewed = form_board(world, decision_number="40/QĐ-UBND", decision_date=datetime.date(2026, 4, 1))
    text = document_text(build_board_decision(renewed))
    assert "Về việc kiện toàn Ban chỉ đạo ISO" in text and "thay thế Quyết định số 12/QĐ-UBND ngày 15/01/2026" in text


@pytest.mark.django_db
def test_the_public_page_shows_the_quality_policy(client, world):
    page = CommunePage.objects.get(commune=world.commune_a)
    assert POLICY not in client.get(page.url).content.decode()
    adopt(world)
    body = client.get(page.url).content.decode()
    assert POLICY in body and "20/01/2026" in body


@pytest.mark.django_db
def test_the_review_takes_the_policy_and_the_board_changes_of_the_year(world):
    adopt(world)
    board = form_board(world)
    member = join(world, board, person_name="Lê Thị Mai")
    board_services.member_leaves(acting_user=world.iso_a, member=member, left_on=datetime.date(2026, 5, 2))
    form_board(world, decision_number="40/QĐ-UBND", decision_date=datetime.date(2026, 6, 1))
    data = review_inputs(make_review(world))["board"]
    assert data["policy"]["text"] == POLICY
    assert [d["number"] for d in data["decisions"]] == ["12/QĐ-UBND", "40/QĐ-UBND"]
    assert [(c["kind"], c["name"], c["date"]) for c in data["changes"]] == [
        ("joined", "Lê Thị Mai", "2026-01-15"),
        ("left", "Lê Thị Mai", "2026-05-02"),
    ]


# -- permission matrix ---------------------------------------------------------------------------------------

READERS = {"iso_a", "leader_a", "auditor_a", "district", "province"}
ISO = {"iso_a"}
#: url name → (record key, personas allowed)
VIEWS = {
    "audits_board:commune": ("commune", READERS),
    "audits_board:docx": ("board", READERS),
    "audits_board:issue": ("commune", ISO),
    "audits_board:member_add": ("board", ISO),
    "audits_board:member_edit": ("member", ISO),
    "audits_board:member_leave": ("member", ISO),
    "audits_policy:commune": ("commune", READERS),
    "audits_policy:adopt": ("commune", ISO),
}
CELLS = cells({name: allowed for name, (_key, allowed) in VIEWS.items()})
INDEX_CELLS = cells({"audits_board:index": READERS, "audits_policy:index": READERS})


class TestBoardMatrix(SharedWorld):
    @pytest.fixture(scope="class")
    @classmethod
    def class_records(cls, class_world, class_db):
        with class_db.unblock():
            board = form_board(class_world)
            member = join(class_world, board, person_name="Lê Thị Mai", board_position="deputy")
            adopt(class_world)
            return {"commune": class_world.commune_a, "board": board, "member": member}

    @pytest.fixture
    def records(self, class_records, db):
        return copy.deepcopy(class_records)

    @pytest.mark.parametrize("cell", CELLS, ids=[cell_id(c) for c in CELLS])
    def test_view(self, client, world, records, cell):
        obj = records[VIEWS[cell.view][0]]
        marker = None if cell.view.endswith("docx") else "Lê Thị Mai" if "board" in cell.view else POLICY
        if cell.view.endswith(("issue", "adopt", "member_add")):
            marker = None
        response = check_cell(
            client, world, cell, reverse(cell.view, args=[obj.pk]), refused=ADMIN_HOME, hidden=404, marker=marker
        )
        if cell.allowed and cell.view.endswith("docx"):
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")

    @pytest.mark.parametrize("cell", INDEX_CELLS, ids=[cell_id(c) for c in INDEX_CELLS])
    def test_index(self, client, world, records, cell):
        check_cell(client, world, cell, reverse(cell.view), refused=ADMIN_HOME, marker="Xã An Bình", listing=True)


@pytest.mark.django_db
def test_demo_board_and_policy_of_lam_once(world):
    from django.apps import apps

    from audits.board import demo as board_demo
    from qms.units.models import AdministrativeUnit, Era, Level
    from qms.units.services import add_commune_member, provision_commune
    from tests.factories import make_unit, make_user

    lam_unit = AdministrativeUnit.objects.filter(era=Era.PRE_2025, code="13795").first()
    lam = provision_commune(
        unit=lam_unit or make_unit(level=Level.COMMUNE, name="Lâm", parent=world.district_unit, code="13795")
    )
    for username, role in (("iso.lam", Role.ISO_OFFICER), ("lanhdao.lam", Role.LEADER), ("danhgia.lam", Role.AUDITOR)):
        add_commune_member(commune=lam, user=make_user(username), role=role)

    def counts():
        return {m.__name__: m.objects.count() for m in apps.get_app_config("audits").get_models()}

    board_demo.load_demo(acting_user=world.admin, communes=[world.commune_a, lam])
    first = counts()
    board_demo.load_demo(acting_user=world.admin, communes=[world.commune_a, lam])
    assert counts() == first
    board = board_services.current_board(lam)
    assert board.decision_date.year == 2026
    members = {(m.user.username if m.user else m.person_name): m for m in board.members.all()}
    assert (members["lanhdao.lam"].board_position, members["iso.lam"].board_position) == ("head", "secretary")
    assert members["danhgia.lam"].iso_role == "auditor"
    assert sum(1 for m in members.values() if m.user is None) == 2
    assert not BoardRoleGrant.objects.exists()  # the demo accounts held their roles already
    assert lam.quality_policies.get().signed_by.username == "lanhdao.lam"
