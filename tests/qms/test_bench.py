"""manage.py bench: the tiny size built in the test database, every metric measured once, one table printed."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.search.backends import get_search_backend

from processes.models import CommuneProcedure, ProcessDocument, ProcessVersion
from qms.bench.measure import probes, subjects
from qms.bench.report import LIMITS


@pytest.fixture
def built(world):
    call_command("bench", "build", "--size", "T", "--here", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def bench(built, tmp_path):
    out = io.StringIO()
    path = tmp_path / "bench.json"
    call_command(
        "bench", "run", "--size", "T", "--here", "--repeat", "1", "--json", str(path), stdout=out, stderr=io.StringIO()
    )
    return out.getvalue(), json.loads(path.read_text(encoding="utf-8"))


def test_the_tiny_size_is_measured_and_printed_as_one_table(bench):
    table, data = bench
    metrics = {row["metric"]: row for row in data["metrics"]}
    names = [probe.name for probe in probes(subjects())]
    for name in names:
        for suffix in ("queries", "p50 ms", "p95 ms"):
            assert isinstance(metrics[f"{name}: {suffix}"]["values"]["T"], int | float), name
        assert f"| {name}: queries | " in table
        assert data["explain"]["T"][name]["plan"], name
    assert data["statuses"]["T"] == dict.fromkeys(names, 200)
    for key, _target, _check in LIMITS:
        if not key.startswith(":") and not key.startswith("start re-run"):
            assert isinstance(metrics[key]["values"]["T"], int | float), key
            assert metrics[key]["target"]
    assert metrics["reminder planning again: new rows"]["values"]["T"] == 0
    assert metrics["reminder planning: rows"]["values"]["T"] > 0
    sent = metrics["reminder sending: messages"]["values"]["T"]
    assert sent > 0
    assert metrics["reminder sending: received by SMTP"]["values"]["T"] == sent
    assert metrics["dataset: quy trình"]["values"]["T"] == 6
    assert metrics["admin quy trình list: queries"]["values"]["T"] > 5
    assert table.splitlines()[0] == "| metric | T | ratio | target | met? |"
    assert data["machine"]["database"] in ("sqlite", "postgresql")


def test_copied_documents_are_issued_twice_and_shown_to_the_public(built):
    s = subjects()
    copies = ProcessDocument.objects.filter(commune__in=[s.commune.pk]).exclude(pk=s.document.pk)
    assert copies.count() == 2
    for document in copies:
        assert list(document.versions.order_by("issue_number").values_list("issue_number", flat=True)) == [1, 2]
        assert document.live and document.live_revision_id == document.latest_revision_id
        latest = document.get_latest_revision_as_object()
        assert (latest.pk, latest.code, latest.title) == (document.pk, document.code, document.title)
        assert ProcessVersion.history.filter(document_id=document.pk, history_type="+").count() == 2
        assert CommuneProcedure.history.filter(commune_id=s.commune.pk, procedure_id=document.procedure_id).exists()
        page = Client().get(f"/quy-trinh/{s.commune.slug}/{document.code}/")
        assert page.status_code == 200
        assert document.title in page.content.decode()
        # The copy has its own index entry: its procedure's code finds it and only it in its commune.
        in_commune = ProcessDocument.objects.filter(commune=s.commune)
        found = get_search_backend().search(document.procedure.code, in_commune, order_by_relevance=False)
        assert [hit.pk for hit in found] == [document.pk]
