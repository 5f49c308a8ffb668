"""Fees as a table: text converted to rows, old revisions, the editor form and the public page."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from wagtail.test.utils.form_data import nested_form_data, streamfield

from processes.compare import diff_contents
from processes.content import content_from_dict, document_content, revision_content
from processes.docx.schema import FeeItem
from processes.fees import fee_rows_from_text
from processes.models import ProcessDocument
from tests.browser_forms import open_form

from .helpers import edit_form_data, start_document, url

STREAMS = ("dossier", "steps", "forms", "records", "changes", "fees")

migration = importlib.import_module("processes.migrations.0003_fees_table")

OLD_TEXT = (
    "- Lệ phí đăng ký khai sinh đúng hạn: Miễn lệ phí\n"
    "- Phí cấp bản sao Giấy khai sinh, bản sao trích lục hộ tịch: 8.000 đồng/bản"
)


def test_text_lines_become_rows_and_a_sentence_one_row():
    expected = [
        FeeItem("Lệ phí đăng ký khai sinh đúng hạn", "Miễn lệ phí"),
        FeeItem("Phí cấp bản sao Giấy khai sinh, bản sao trích lục hộ tịch", "8.000 đồng/bản"),
    ]
    assert fee_rows_from_text(OLD_TEXT) == expected
    assert [FeeItem(**row) for row in migration.rows_from_text(OLD_TEXT)] == expected
    sentence = "Miễn lệ phí đối với trường hợp đăng ký khai sinh đúng hạn."
    assert fee_rows_from_text(sentence) == [FeeItem(sentence)]
    assert fee_rows_from_text("Trực tiếp: Miễn phí; Trực tuyến: 5.000 đồng") == [
        FeeItem("Trực tiếp", "Miễn phí"),
        FeeItem("Trực tuyến", "5.000 đồng"),
    ]
    assert migration.text_from_rows(migration.rows_from_text(OLD_TEXT)) == OLD_TEXT


def test_starting_from_a_tthc_turns_its_fee_text_into_rows(world, khai_sinh):
    document = start_document(world, khai_sinh)
    assert document_content(document).fees == [FeeItem("Trực tiếp", "Miễn phí")]


@pytest.mark.django_db
def test_an_old_revision_with_fee_text_loads_as_rows_after_the_migration(world, khai_sinh):
    document = start_document(world, khai_sinh)
    revision = document.latest_revision
    revision.content["fees"] = OLD_TEXT
    revision.save(update_fields=["content"])
    version_snapshot = {"agency": "UBND", "title": "Cũ", "code": "QT-01", "fees": OLD_TEXT}

    migration.convert_revisions(apps)

    revision.refresh_from_db()
    assert [(f.item, f.amount) for f in revision_content(revision).fees] == [
        ("Lệ phí đăng ký khai sinh đúng hạn", "Miễn lệ phí"),
        ("Phí cấp bản sao Giấy khai sinh, bản sao trích lục hộ tịch", "8.000 đồng/bản"),
    ]
    assert content_from_dict(version_snapshot).fees == fee_rows_from_text(OLD_TEXT)


def page_data(client, document, fee_rows) -> dict:
    """What the edit page posts (its fields as rendered, version token included), with the fee rows typed in."""
    data = open_form(client, url("edit", document.pk), "processing_time")
    data = {name: value for name, value in data.items() if name.split("-")[0] not in STREAMS}
    streams = edit_form_data(document)
    streams.update(nested_form_data({"fees": fee_rows}))
    data.update({name: [value] for name, value in streams.items() if name.split("-")[0] in STREAMS})
    return data


def test_the_editor_saves_two_rows_and_compare_lists_the_change(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    before = document_content(document.get_latest_revision_as_object())
    client.force_login(world.iso_a)
    rows = streamfield(
        [
            (
                "fee",
                {"item": "Lệ phí đăng ký khai sinh đúng hạn", "amount": "Miễn lệ phí", "notes": "Luật Hộ tịch 2014"},
            ),
            ("fee", {"item": "Phí cấp bản sao Giấy khai sinh", "amount": "8.000 đồng/bản", "notes": ""}),
        ]
    )
    response = client.post(url("edit", document.pk), page_data(client, document, rows))
    assert response.status_code == 302, response.content[:3000]
    after = document_content(ProcessDocument.objects.get(pk=document.pk).get_latest_revision_as_object())
    assert after.fees == [
        FeeItem("Lệ phí đăng ký khai sinh đúng hạn", "Miễn lệ phí", "Luật Hộ tịch 2014"),
        FeeItem("Phí cấp bản sao Giấy khai sinh", "8.000 đồng/bản"),
    ]
    found = {(d.item, d.before, d.after) for d in diff_contents(before, after) if d.field == "fees"}
    assert ("Dòng 2", "", "Phí cấp bản sao Giấy khai sinh | 8.000 đồng/bản") in found


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"item": "  ", "amount": "", "notes": ""}, "Ghi nội dung khoản phí, lệ phí hoặc xóa dòng trống."),
        ({"item": "Lệ phí", "amount": "8" * 300, "notes": ""}, "Giá trị này chỉ có tối đa 255 kí tự (hiện có 300)"),
    ],
)
def test_an_empty_or_over_long_row_is_refused_in_vietnamese(client, world, khai_sinh, row, message):
    document = start_document(world, khai_sinh)
    revisions = document.revisions.count()
    client.force_login(world.iso_a)
    response = client.post(url("edit", document.pk), page_data(client, document, streamfield([("fee", row)])))
    assert response.status_code == 200
    body = response.content.decode()
    assert json.dumps(message)[1:-1] in body  # the row's error, in the stream editor's data
    assert ProcessDocument.objects.get(pk=document.pk).revisions.count() == revisions
