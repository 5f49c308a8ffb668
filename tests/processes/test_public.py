"""The citizen's side: the commune page's procedures, one page per procedure, search."""

import copy

import pytest
from django.urls import reverse

from processes import services
from processes.fees import fee_rows_from_text
from processes.models import ProcessDocument
from qms.public.models import CommunePage
from tests.permission_matrix import SharedWorld

from .helpers import approve_directly, effective_with_draft, make_procedure, start_document

pytestmark = pytest.mark.django_db

DRAFT_FEES = "Lệ phí dự thảo 999.000 đồng"


@pytest.fixture(scope="class")
def shared_published(class_world, class_db):
    """Commune A: khai sinh effective (issue 02, a newer draft pending), kết hôn only drafted.

    Built once for the class."""
    world = class_world
    with class_db.unblock():
        document = effective_with_draft(world, make_procedure(), draft_purpose="Mục đích lần hai")
        document = approve_directly(document, world.iso_a, world.leader_a)
        content = services.document_content(document.get_latest_revision_as_object())
        content.fees = fee_rows_from_text(DRAFT_FEES)
        services.save_draft_from_content(document=document, content=content, acting_user=world.iso_a)
        draft_only = start_document(world, make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn"))
        return ProcessDocument.objects.get(pk=document.pk), draft_only


def procedure_url(document):
    return reverse("processes_public:procedure", args=[document.commune.slug, document.code])


def test_commune_page_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    page_url = reverse("processes_public:commune", args=[world.commune_a.slug])

    def issue(count, start):
        for i in range(start, start + count):
            procedure = make_procedure(code=f"9.{i:06d}", name=f"Thủ tục thử {i}", field=f"Lĩnh vực {i % 3}")
            approve_directly(start_document(world, procedure), world.iso_a, world.leader_a)

    issue(2, 0)
    with django_assert_max_num_queries(50) as small:
        client.get(page_url)
    issue(8, 2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(page_url).content.decode()
    assert "Thử 9" in body


@pytest.mark.django_db
class TestPublished(SharedWorld):
    @pytest.fixture
    def published(self, shared_published):
        return copy.deepcopy(shared_published)

    def test_commune_page_lists_effective_procedures_by_field(self, client, world, published):
        document, draft_only = published
        body = client.get(CommunePage.objects.get(commune=world.commune_a).url).content.decode()
        assert "Hộ tịch" in body and document.title in body
        assert procedure_url(document) in body
        assert draft_only.code not in body  # never issued
        assert "lần ban hành 02" in body  # the current issue, not the obsolete one
        other = client.get(CommunePage.objects.get(commune=world.commune_b).url).content.decode()
        assert document.title not in other and "chưa ban hành quy trình nào" in other

    def test_procedure_page_shows_only_the_effective_version(self, client, world, published):
        document, _draft = published
        response = client.get(procedure_url(document))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Mục đích lần hai" in body  # issue 02
        assert DRAFT_FEES not in body  # the pending draft
        assert "1.001193" in body and "B1" in body and "Công chức Một cửa" in body
        assert '<th scope="row">Trực tiếp</th><td>Miễn phí</td>' in body  # the fees of issue 02, as a table

    def test_drafts_withdrawn_and_other_communes_documents_are_not_public(self, client, world, published):
        document, draft_only = published
        assert client.get(procedure_url(draft_only)).status_code == 404
        wrong_commune = reverse("processes_public:procedure", args=[world.commune_b.slug, document.code])
        assert client.get(wrong_commune).status_code == 404
        services.withdraw_process_document(document=document, acting_user=world.leader_a, reason="Thủ tục bị bãi bỏ")
        assert client.get(procedure_url(document)).status_code == 404
        body = client.get(reverse("processes_public:commune", args=[world.commune_a.slug])).content.decode()
        assert document.title not in body

    def test_search_finds_effective_procedures_only(self, client, world, published):
        document, draft_only = published
        search = reverse("processes_public:search")
        body = client.get(search, {"q": "khai sinh"}).content.decode()
        assert procedure_url(document) in body
        body = client.get(search, {"q": "kết hôn"}).content.decode()
        assert draft_only.code not in body and "Không có thủ tục đang hiệu lực nào khớp" in body
        body = client.get(search, {"q": "khai sinh", "xa": world.commune_b.slug}).content.decode()
        assert procedure_url(document) not in body

    def test_search_matches_steps_and_procedure_codes(self, client, world, published):
        document, _draft = published
        search = reverse("processes_public:search")
        assert procedure_url(document) in client.get(search, {"q": "1.001193"}).content.decode()
        assert procedure_url(document) in client.get(search, {"q": "Phiếu kiểm soát"}).content.decode()

    def test_public_pages_are_read_only_for_anonymous_visitors(self, client, world, published):
        document, _draft = published
        assert client.post(procedure_url(document), {"x": 1}).status_code in (200, 405)
        assert ProcessDocument.objects.get(pk=document.pk).fees != "x"
