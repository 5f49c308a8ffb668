"""Official TTHC names of several hundred characters are kept whole, and names stored cut are restored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from processes import services
from processes.docx.export import export_process_docx_bytes
from processes.models import Procedure, ProcessDocument
from qms.docx import document_text

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
