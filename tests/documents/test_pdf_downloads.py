"""The PDF beside each Word download: same rights, same name with .pdf, offered only with LibreOffice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.audits.builders import make_programme
from tests.processes.helpers import approve_directly, make_procedure, start_document
from tests.processes.helpers import url as process_url

from . import rendering as r

pytestmark = [r.needs_libreoffice, pytest.mark.django_db]


def effective_process(world):
    return approve_directly(start_document(world, make_procedure()), world.iso_a, world.leader_a)


def filename_of(response) -> str:
    """The ASCII ``filename`` and the Vietnamese ``filename*`` of the Content-Disposition."""
    return response["Content-Disposition"].split("filename=", 1)[1]


def assert_pdf_beside_word(client, world, word_url):
    client.force_login(world.iso_a)
    word = client.get(word_url)
    pdf = client.get(f"{word_url}?format=pdf")
    assert word.status_code == 200 and pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"
    assert '.docx"' in filename_of(word) and ".pdf" not in filename_of(word)
    assert filename_of(pdf) == filename_of(word).replace(".docx", ".pdf")
    client.force_login(world.iso_b)
    refused_word = client.get(word_url)
    refused_pdf = client.get(f"{word_url}?format=pdf")
    assert refused_word.status_code == 404  # another commune's record, as if it did not exist
    assert refused_pdf.status_code == 404
    assert not refused_pdf.content.startswith(b"%PDF")


def test_the_quy_trinh_pdf(client, world):
    document = effective_process(world)
    assert_pdf_beside_word(client, world, process_url("current_docx", document.pk))


def test_the_audit_programme_pdf(client, world):
    programme = make_programme(world)
    assert_pdf_beside_word(client, world, reverse("audits_admin:programme_docx", args=[programme.pk]))


def test_the_announcement_decision_pdf(client, world):
    effective_process(world)
    assert_pdf_beside_word(client, world, reverse("certification:decision_draft", args=[world.commune_a.pk]))


def test_the_pdf_link_shows_only_with_libreoffice_and_word_always_works(client, world, settings):
    document = effective_process(world)
    versions = process_url("versions", document.pk)
    word_url = process_url("version_docx", document.pk, 1)
    client.force_login(world.iso_a)
    assert "Tải PDF" in client.get(versions).content.decode()

    settings.QMS_SOFFICE = ""
    page = client.get(versions).content.decode()
    assert "Tải PDF" not in page and "Tải Word" in page
    assert client.get(word_url)["Content-Type"].startswith("application/vnd.openxmlformats")
    refused = client.get(f"{word_url}?format=pdf", HTTP_REFERER=f"http://testserver{versions}", follow=True)
    assert refused.redirect_chain[0][1] == 302
    assert "Không tạo được PDF: máy chủ chưa cài LibreOffice" in refused.content.decode()
