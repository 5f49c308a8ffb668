"""Official TTHC names of several hundred characters are kept whole, and names stored cut are restored."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from audits.models import AuditedProcess, Finding
from processes import services
from processes.docx.export import export_process_docx_bytes
from processes.models import Procedure, ProcessDocument
from qms.certification.models import ScopeGap
from qms.docx import document_text
from tests.audits.builders import make_audit, raise_nc

from .helpers import approve_directly, make_procedure, start_document

HEADER = "ma_thu_tuc,ten_thu_tuc,linh_vuc,cap_thuc_hien,thoi_han_theo_kenh,phi_le_phi_theo_kenh,detail_url\n"
LONG_NAME = (
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam; "
    "cơ quan, tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền của Việt Nam liên kết "
    "với cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận, kể cả trường hợp giấy tờ, "
    "văn bản đó được cấp, chứng nhận trước ngày Luật Chứng thực có hiệu lực và người yêu cầu chứng thực "
    "xuất trình bản chính để đối chiếu tại Ủy ban nhân dân cấp xã nơi cư trú"
)


def test_the_long_name_is_long():
    assert len(LONG_NAME) > 400


@pytest.mark.django_db
def test_a_long_name_round_trips_through_catalogue_word_and_public_page(client, world):
    csv = (
        HEADER
        + f'2.000815,"{LONG_NAME}",Chứng thực,Cấp xã,Trực tiếp: 1,Trực tiếp: 2.000 đồng,https://dichvucong.gov.vn/a\n'
    )
    services.import_catalogue(name="long.csv", data=csv.encode())
    procedure = Procedure.objects.get(code="2.000815")
    assert procedure.name == LONG_NAME

    document = approve_directly(start_document(world, procedure), world.iso_a, world.leader_a)
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.title == LONG_NAME

    text = " ".join(document_text(export_process_docx_bytes(services.document_content(document))).split())
    assert LONG_NAME.upper() in text or LONG_NAME in text

    body = client.get(reverse("processes_public:procedure", args=[document.commune.slug, document.code]))
    assert body.status_code == 200
    assert LONG_NAME in body.content.decode()


BEFORE = [
    ("processes", "0004_long_procedure_names"),
    ("audits", "0006_long_procedure_names"),
    ("certification", "0004_long_procedure_names"),
]


def _migrate(targets=None):
    """Migrate to ``targets`` (default: the latest migration of every app)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_migration_restores_names_cut_short(world):
    procedure = make_procedure(code="2.000815", name=LONG_NAME, field="Chứng thực")
    document = approve_directly(start_document(world, procedure), world.iso_a, world.leader_a)
    plan = make_audit(world)
    scoped = plan.processes.order_by("order").first()
    AuditedProcess.objects.filter(pk=scoped.pk).update(document_id=document.pk)
    finding = raise_nc(world, plan)
    khai_sinh = make_procedure()  # a name in the shipped catalogue files
    gap = ScopeGap.objects.create(
        commune=world.commune_a, procedure_code=procedure.code, procedure_name=LONG_NAME[:500], detected_on="2026-05-04"
    )
    _migrate(BEFORE)
    try:
        AuditedProcess.objects.filter(pk=scoped.pk).update(title=LONG_NAME[:255])
        Finding.objects.filter(pk=finding.pk).update(process_document_title=LONG_NAME[:255], process_document_id=None)
        Procedure.objects.filter(pk=khai_sinh.pk).update(name="Thủ tục đăng ký")
        untouched = plan.processes.order_by("order").last()
    finally:
        _migrate()  # the latest schema again (the restoring migrations run on the way), as the next tests expect
    assert AuditedProcess.objects.get(pk=scoped.pk).title == LONG_NAME
    assert Finding.objects.get(pk=finding.pk).process_document_title == LONG_NAME
    assert ScopeGap.objects.get(pk=gap.pk).procedure_name == LONG_NAME
    assert Procedure.objects.get(pk=khai_sinh.pk).name == "Thủ tục đăng ký khai sinh"
    assert AuditedProcess.objects.get(pk=untouched.pk).title == "Cấp giấy phép xây dựng"


@pytest.mark.django_db
def test_admin_lists_shorten_long_names_for_display_only(client, world):
    procedure = make_procedure(code="2.000815", name=LONG_NAME, field="Chứng thực")
    document = start_document(world, procedure)
    client.force_login(world.iso_a)
    for url in (reverse("tthc:index"), reverse(f"{ProcessDocument.snippet_viewset.url_namespace}:list")):
        body = client.get(url).content.decode()
        assert LONG_NAME[:100] in body
        assert f">{LONG_NAME}<" not in body  # the cell shows a shortened name…
        assert f'title="{LONG_NAME}"' in body  # …and the whole name on hover
    assert ProcessDocument.objects.get(pk=document.pk).title == LONG_NAME
