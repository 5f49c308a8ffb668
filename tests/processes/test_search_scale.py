"""Public search and the admin quy trình list keep their shape as the country grows:
the same number of queries with 3 documents in 1 commune as with 12 in 3, and the
public search shows its results 20 to a page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.search.backends import get_search_backend

from processes.models import ProcessDocument, ProcessVersion
from tests.factories import make_commune

from .helpers import approve_directly, make_procedure, start_document, url

pytestmark = pytest.mark.django_db

#: Fields a copy takes from its seed document (the rest names the copy itself).
_OWN = {"id", "commune", "procedure", "code", "title", "locked_by", "source_model", "source_version"}


@pytest.fixture
def seed(world, khai_sinh):
    """Commune A's effective quy trình of đăng ký khai sinh, approved through the workflow."""
    return approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)


def copies(seed, commune, count: int, *, start: int) -> list[ProcessDocument]:
    """``count`` effective copies of ``seed`` in ``commune``, each for a TTHC of its own:
    the rows, their current version and their search index entries (in bulk, as the
    benchmark builds its datasets)."""
    fields = {f.attname: getattr(seed, f.attname) for f in ProcessDocument._meta.concrete_fields if f.name not in _OWN}
    version = seed.versions.get(obsoleted_at__isnull=True)
    documents = ProcessDocument.objects.bulk_create(
        [
            ProcessDocument(
                **fields,
                commune=commune,
                procedure=make_procedure(code=f"9.{number:06d}", name=f"Thủ tục thử {number}"),
                code=f"QT-{number:03d}",
                title=f"{seed.title} {number}",
            )
            for number in range(start, start + count)
        ]
    )
    ProcessVersion.objects.bulk_create(
        [
            ProcessVersion(
                document=document,
                revision_id=version.revision_id,
                issue_number=version.issue_number,
                issued_on=version.issued_on,
                effective_date=version.effective_date,
                approved_at=version.approved_at,
                snapshot=version.snapshot,
            )
            for document in documents
        ]
    )
    get_search_backend().add_bulk(ProcessDocument, documents)
    return documents


def result_count(body: str) -> int:
    return body.count('class="procedure-meta"')


def queries_of(client, user, path: str) -> tuple[int, str]:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    client.get(path)  # caches filled by any first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured), response.content.decode()


def test_search_and_lists_make_as_many_queries_with_12_documents_in_3_communes_as_with_3_in_1(client, world, seed):
    public_search = reverse("processes_public:search") + "?q=khai+sinh"
    views = {
        "public search": (None, public_search),
        "admin list (ISO officer)": (world.iso_a, url("list")),
        "admin list (province)": (world.province, url("list")),
        "admin search (ISO officer)": (world.iso_a, url("list") + "?q=khai+sinh"),
    }
    copies(seed, world.commune_a, 2, start=100)
    small = {name: queries_of(client, user, path) for name, (user, path) in views.items()}
    assert result_count(small["public search"][1]) == 3
    assert "Tìm thấy 3 thủ tục đang hiệu lực." in small["public search"][1]

    commune_c = make_commune(name="Cát Tiên", district=world.district_unit)
    copies(seed, world.commune_a, 3, start=200)
    copies(seed, world.commune_b, 3, start=300)
    copies(seed, commune_c, 3, start=400)
    large = {name: queries_of(client, user, path) for name, (user, path) in views.items()}
    assert result_count(large["public search"][1]) == 12
    assert "Tìm thấy 12 thủ tục đang hiệu lực." in large["public search"][1]
    assert "Cát Tiên" in large["public search"][1]

    for name in views:
        assert large[name][0] == small[name][0], (
            f"{name}: {small[name][0]} queries at 3 documents, {large[name][0]} at 12"
        )
    assert large["public search"][0] <= 5
    officer_list, province_list = large["admin list (ISO officer)"][1], large["admin list (province)"][1]
    assert "QT-202" in officer_list and "QT-302" not in officer_list  # commune B's copies are not the officer's
    assert "QT-302" in province_list and "QT-402" in province_list


def test_public_search_shows_20_results_a_page_and_the_rest_on_the_next(client, world, seed):
    copies(seed, world.commune_a, 14, start=100)
    copies(seed, world.commune_b, 15, start=200)
    search = reverse("processes_public:search")

    first = client.get(search, {"q": "khai sinh"}).content.decode()
    assert result_count(first) == 20
    assert "Tìm thấy 30 thủ tục đang hiệu lực." in first
    assert "Trang 1/2" in first
    next_link = re.search(r'<a rel="next" href="([^"]+)">Trang sau', first)
    assert next_link and "trang=2" in next_link.group(1) and "q=khai+sinh" in next_link.group(1)

    second = client.get(search + next_link.group(1).replace("&amp;", "&")).content.decode()
    assert result_count(second) == 10
    assert "Trang 2/2" in second and "Trang trước" in second and "Trang sau" not in second
    links = re.findall(r'<li><a href="([^"]+)"', first) + re.findall(r'<li><a href="([^"]+)"', second)
    assert len(set(links)) == 30  # every match once, none on both pages


def test_public_search_of_one_commune_and_of_an_inactive_commune(client, world, seed):
    copies(seed, world.commune_b, 2, start=100)
    search = reverse("processes_public:search")
    only_b = client.get(search, {"q": "khai sinh", "xa": world.commune_b.slug}).content.decode()
    assert result_count(only_b) == 2 and "An Bình" not in only_b.split("procedure-list")[1]
    world.commune_b.is_active = False
    world.commune_b.save(update_fields=["is_active"])
    everywhere = client.get(search, {"q": "khai sinh"}).content.decode()
    assert result_count(everywhere) == 1


def test_public_search_counts_up_to_the_cap_and_pages_through_the_first_matches_only(client, world, seed, settings):
    copies(seed, world.commune_a, 14, start=100)
    copies(seed, world.commune_b, 15, start=200)
    search = reverse("processes_public:search")
    settings.QMS_SEARCH_COUNT_CAP = 30
    exact_queries, exact = queries_of(client, None, search + "?q=khai+sinh")
    assert "Tìm thấy 30 thủ tục đang hiệu lực." in exact and "Hơn" not in exact

    settings.QMS_SEARCH_COUNT_CAP = 25
    capped_queries, first = queries_of(client, None, search + "?q=khai+sinh")
    assert capped_queries == exact_queries
    assert "Hơn 25 kết quả." in first and "Tìm thấy" not in first
    assert "Hiển thị 25 kết quả đầu tiên" in first
    assert result_count(first) == 20 and "Trang 1/2" in first
    second = client.get(search, {"q": "khai sinh", "trang": 2}).content.decode()
    assert result_count(second) == 5 and "Trang 2/2" in second and "Trang sau" not in second
    beyond = client.get(search, {"q": "khai sinh", "trang": 3}).content.decode()
    assert beyond == second  # past the counted matches: the last page
    links = re.findall(r'<li><a href="([^"]+)"', first) + re.findall(r'<li><a href="([^"]+)"', second)
    assert len(set(links)) == 25
    communes = re.findall(r'class="procedure-meta">([^·]+) ·', first + second)
    assert communes == sorted(communes)  # by commune, then code

    one_commune = client.get(search, {"q": "khai sinh", "xa": world.commune_b.slug}).content.decode()
    assert "Tìm thấy 15 thủ tục đang hiệu lực." in one_commune  # under the cap: exact


def test_the_cap_is_written_with_vietnamese_thousands():
    from processes.public import grouped_number

    assert [grouped_number(n) for n in (25, 1000, 12500, 1000000)] == ["25", "1.000", "12.500", "1.000.000"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the expression index is PostgreSQL's")
def test_postgresql_matches_title_and_body_through_one_index_and_cuts_the_matches_in_sql(client, world, seed):
    """The backend matches ``title || body``: migration processes.0010 indexes that expression, and
    the public search asks the database for the first 1,001 matching keys, not for every match."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'qms_search_title_body_gin'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower() and "(title || body)" in definition
    copies(seed, world.commune_b, 3, start=100)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("processes_public:search"), {"q": "khai sinh"}).content.decode()
    assert "Tìm thấy 4 thủ tục đang hiệu lực." in page
    matching = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    assert matching and all("LIMIT 1001" in sql for sql in matching)
