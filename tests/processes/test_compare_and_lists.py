"""Comparing versions, the admin document list's query count and the selectors used by qms.certification."""

import copy
import dataclasses
from datetime import date

import pytest

from processes import selectors, services
from processes.compare import diff_contents
from processes.content import document_content
from processes.docx.schema import FeeItem, Step
from processes.models import ProcessDocument
from tests.permission_matrix import SharedWorld

from .helpers import approve_directly, make_procedure, start_document, url

pytestmark = pytest.mark.django_db


def revise(world, document, **changes) -> ProcessDocument:
    content = document_content(document.get_latest_revision_as_object())
    for name, value in changes.items():
        setattr(content, name, value)
    services.save_draft_from_content(document=document, content=content, acting_user=world.iso_a)
    return approve_directly(document, world.iso_a, world.leader_a)


@pytest.fixture(scope="class")
def shared_two_issues(class_world, class_db):
    """A quy trình of commune A issued twice (steps and fees changed), built once for the class."""
    world = class_world
    with class_db.unblock():
        document = approve_directly(start_document(world, make_procedure()), world.iso_a, world.leader_a)
        steps = document_content(document).steps
        steps[1] = dataclasses.replace(steps[1], responsible="Công chức Tư pháp - Hộ tịch", duration="4 giờ")
        steps.append(Step("B5", "Lưu hồ sơ", "Công chức Tư pháp - Hộ tịch"))
        return revise(world, document, steps=steps, fees=[FeeItem("Lệ phí", "8.000 đồng")])


@pytest.mark.django_db
class TestTwoIssues(SharedWorld):
    @pytest.fixture
    def two_issues(self, shared_two_issues):
        return copy.deepcopy(shared_two_issues)

    def test_differences_are_listed_per_step_and_column(self, two_issues):
        one, two = (two_issues.versions.get(issue_number=n).content for n in (1, 2))
        found = {(d.section, d.item): (d.before, d.after, d.kind) for d in diff_contents(one, two)}
        assert found[("Lệ phí", "Dòng 1 · Nội dung")] == ("Trực tiếp", "Lệ phí", "changed")
        assert found[("Lệ phí", "Dòng 1 · Mức thu")] == ("Miễn phí", "8.000 đồng", "changed")
        assert found[("Quy trình xử lý công việc", "B2 · Trách nhiệm")] == (
            "Công chức chuyên môn",
            "Công chức Tư pháp - Hộ tịch",
            "changed",
        )
        assert found[("Quy trình xử lý công việc", "B2 · Thời gian")][2] == "added"
        assert found[("Quy trình xử lý công việc", "B5")][2] == "added"
        assert ("Quy trình xử lý công việc", "B1 · Trách nhiệm") not in found

    def test_compare_page_shows_the_differences_in_vietnamese(self, client, world, two_issues):
        client.force_login(world.leader_a)
        body = client.get(url("compare_versions", two_issues.pk), {"a": "1", "b": "2"}).content.decode()
        assert "Từ Lần ban hành 01 đến Lần ban hành 02" in body
        assert "B2 · Trách nhiệm" in body and "Công chức Tư pháp - Hộ tịch" in body
        assert "Dòng 1 · Mức thu" in body and "8.000 đồng" in body
        body = client.get(url("compare_versions", two_issues.pk), {"a": "2", "b": "2"}).content.decode()
        assert "Không có thay đổi" in body

    def test_wagtail_revision_comparison_labels_the_step_table(self, client, world, two_issues):
        revisions = list(two_issues.revisions.order_by("pk").values_list("pk", flat=True))
        client.force_login(world.iso_a)
        response = client.get(url("revisions_compare", two_issues.pk, revisions[0], revisions[-1]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Quy trình xử lý công việc" in body and "Lệ phí" in body
        assert "Tư pháp" in body

    def test_version_list_and_the_second_approval_obsoletes_the_first(self, client, world, two_issues):
        client.force_login(world.iso_a)
        body = client.get(url("versions", two_issues.pk)).content.decode()
        assert "Đang hiệu lực" in body and "Hết hiệu lực từ" in body
        assert url("version", two_issues.pk, 1) in body and url("version", two_issues.pk, 2) in body
        old = client.get(url("version", two_issues.pk, 1)).content.decode()
        assert '<th scope="row">Trực tiếp</th><td>Miễn phí</td>' in old and "8.000 đồng" not in old


# -- admin list query count --------------------------------------------------------------------------


def _documents(world, count, start=0):
    for i in range(start, start + count):
        procedure = make_procedure(code=f"9.{i:06d}", name=f"Thủ tục thử {i}")
        document = start_document(world, procedure)
        if i % 2 == 0:
            approve_directly(document, world.iso_a, world.leader_a)


@pytest.mark.parametrize("persona", ["iso_a", "district"])
def test_document_list_query_count_does_not_grow(client, world, persona, django_assert_max_num_queries):
    _documents(world, 2)
    client.force_login(getattr(world, persona))
    client.get(url("list"))
    with django_assert_max_num_queries(60) as small:
        client.get(url("list"))
    _documents(world, 12, start=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(url("list")).content.decode()
    assert "QT-9.000013" in body


# -- the selectors contract (qms.certification) --------------------------------------------------------


def test_effective_scope_lists_effective_documents_by_field_then_code(world, khai_sinh, ket_hon):
    chung_thuc = make_procedure(code="2.000815", name="Chứng thực bản sao", field="Chứng thực")
    for procedure in (ket_hon, chung_thuc, khai_sinh):
        approve_directly(start_document(world, procedure), world.iso_a, world.leader_a)
    start_document(world, make_procedure(code="1.000656", name="Thủ tục đăng ký khai tử"))  # draft only
    scope = selectors.effective_scope(commune_id=world.commune_a.pk)
    assert [(s.field, s.procedure_code) for s in scope] == [
        ("Chứng thực", "2.000815"),
        ("Hộ tịch", "1.000894"),
        ("Hộ tịch", "1.001193"),
    ]
    item = scope[-1]
    assert isinstance(item, selectors.ScopeItem) and item.procedure_name == khai_sinh.name
    assert item.document_code == "QT-1.001193" and isinstance(item.effective_date, date)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.document_code = "x"
    assert selectors.effective_scope(commune_id=world.commune_b.pk) == []


def test_withdrawn_documents_leave_the_scope(world, khai_sinh):
    document = approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)
    services.withdraw_process_document(document=document, acting_user=world.leader_a, reason="Bãi bỏ")
    assert selectors.effective_scope(commune_id=world.commune_a.pk) == []


def test_handled_procedures_is_the_communes_own_list(world, khai_sinh, ket_hon):
    services.add_handled_procedures(commune=world.commune_a, procedures=[khai_sinh, ket_hon], acting_user=world.iso_a)
    services.add_handled_procedures(commune=world.commune_a, procedures=[khai_sinh], acting_user=world.iso_a)
    handled = selectors.handled_procedures(commune_id=world.commune_a.pk)
    assert handled == [
        selectors.HandledProcedure("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch"),
        selectors.HandledProcedure("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch"),
    ]
    assert selectors.handled_procedures(commune_id=world.commune_b.pk) == []


def test_certification_reads_the_scope_through_its_sources(world, khai_sinh):
    from qms.certification import sources

    approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)
    [entry] = sources.effective_scope(commune_id=world.commune_a.pk)
    assert (entry.procedure_code, entry.document_code) == ("1.001193", "QT-1.001193")
