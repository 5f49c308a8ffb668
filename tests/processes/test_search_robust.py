"""Search never fails on what a visitor or an officer types, on SQLite and PostgreSQL alike,
and still finds the documents a plain Vietnamese query names."""

import copy

import pytest
from django.urls import reverse

from processes.public import document_public_url
from tests.permission_matrix import SharedWorld

from .helpers import approve_directly, make_procedure, start_document, url

HOSTILE = [
    '"',
    '"khai sinh',
    '"><script>alert(1)</script>',
    "AND",
    "khai AND",
    "OR sinh",
    "NOT",
    "*",
    "khai*",
    "-",
    "-khai",
    "NEAR(khai sinh)",
    "NEAR(",
    "(",
    "khai sinh)",
    "((khai",
    "{title}: x",
    "title:khai",
    "^khai",
    "'; DROP TABLE processes_processdocument; --",
    "100%_\\",
    "đăng ký khai sinh ấp ưởng ộ",
    "Đ",
]
FINDING = ["khai sinh", "Khai Sinh", "đăng ký khai sinh", '"khai sinh"', '"khai sinh" AND (', "khai-sinh", "1.001193"]


@pytest.fixture(scope="class")
def effective_document(class_world, class_db):
    """An effective quy trình of commune A for "khai sinh", issued once for the class."""
    with class_db.unblock():
        document = approve_directly(
            start_document(class_world, make_procedure()), class_world.iso_a, class_world.leader_a
        )
    assert "khai sinh" in document.title
    return document


@pytest.mark.django_db
class TestSearchRobust(SharedWorld):
    @pytest.fixture
    def effective(self, effective_document):
        return copy.deepcopy(effective_document)

    @pytest.mark.parametrize("query", HOSTILE)
    def test_public_search_answers_whatever_is_typed(self, client, effective, query):
        response = client.get(reverse("processes_public:search"), {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.content.decode()

    def test_public_search_still_finds_a_plain_vietnamese_query(self, client, world, effective):
        search = reverse("processes_public:search")
        link = document_public_url(effective)
        for query in FINDING:
            assert link in client.get(search, {"q": query}).content.decode(), query
        for query in ("hôn nhân", '"><script>', "NEAR("):
            assert link not in client.get(search, {"q": query}).content.decode(), query

    @pytest.mark.parametrize("query", HOSTILE)
    def test_admin_document_list_search_answers_whatever_is_typed(self, client, world, effective, query):
        client.force_login(world.iso_a)
        response = client.get(url("list"), {"q": query})
        assert response.status_code == 200

    def test_admin_document_list_search_finds_by_title_code_and_procedure_code(self, client, world, effective):
        client.force_login(world.iso_a)
        edit = url("edit", effective.pk)
        for query in ("khai sinh", "đăng ký khai sinh", effective.code, "1.001193"):
            assert edit in client.get(url("list"), {"q": query}).content.decode(), query
        assert edit not in client.get(url("list"), {"q": "hôn nhân"}).content.decode()
        client.force_login(world.iso_b)
        assert edit not in client.get(url("list"), {"q": "khai sinh"}).content.decode()  # another commune's document

    @pytest.mark.parametrize("query", ['"', '"><script>', "NEAR(", "khai AND"])
    def test_admin_choosers_and_page_search_answer_whatever_is_typed(self, client, world, effective, query):
        client.force_login(world.iso_a)
        chooser = reverse("wagtailsnippetchoosers_processes_processdocument:choose_results")
        assert client.get(chooser, {"q": query}).status_code == 200
        client.force_login(world.admin)
        assert client.get(reverse("wagtailadmin_pages:search"), {"q": query}).status_code == 200
        assert client.get(reverse("wagtailadmin_pages:search_results"), {"q": query}).status_code == 200
