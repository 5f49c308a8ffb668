"""No English sentence on the admin pages an English-language browser opens: the
home (no "What's new" banner or upgrade notice), the account, search, a snippet
list and a 404 under /admin/, as the superuser and as a commune's ISO officer."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import django
import lxml.html
import polib
import pytest
import wagtail
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH = {"en-US,en"}
#: English words that no Vietnamese admin sentence contains (names and codes aside).
ENGLISH_WORDS = {
    "the",
    "and",
    "your",
    "you",
    "this",
    "that",
    "with",
    "for",
    "are",
    "is",
    "not",
    "has",
    "have",
    "been",
    "of",
    "what",
    "new",
    "here",
    "there",
    "more",
    "yes",
    "all",
    "page",
    "pages",
    "search",
    "edit",
    "add",
    "delete",
    "view",
    "settings",
    "account",
    "help",
    "log",
    "out",
    "name",
    "date",
    "status",
    "results",
    "sort",
    "filter",
    "select",
    "choose",
    "save",
    "cancel",
    "close",
    "menu",
    "dashboard",
    "welcome",
    "found",
    "sorry",
    "upgrade",
    "available",
    "version",
    "draft",
    "live",
    "user",
    "users",
    "profile",
    "password",
    "language",
    "time",
    "zone",
    "notifications",
    "reports",
    "snippets",
    "documents",
    "images",
    "collections",
    "workflows",
    "tasks",
    "sites",
    "redirects",
    "groups",
    "history",
    "actions",
    "toggle",
    "sidebar",
    "open",
    "show",
    "hide",
    "back",
}
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")


def visible_text(html: str) -> str:
    """The text a user sees or hears: element text and the attributes screen readers announce."""
    document = lxml.html.fromstring(html)
    for element in document.xpath("//script|//style|//template|//noscript"):
        element.drop_tree()
    parts = [document.text_content()]
    for attribute in VISIBLE_ATTRIBUTES:
        parts += document.xpath(f"//@{attribute}")
    return re.sub(r"\s+", " ", " ".join(parts))


@cache
def english_phrases() -> tuple[str, ...]:
    """Wagtail's and Django's own English sentences (their message ids of three words or more)."""
    phrases = set()
    for root in (Path(wagtail.__file__).parent, Path(django.__file__).parent / "contrib" / "admin"):
        for po in root.glob("**/locale/en/LC_MESSAGES/django*.po"):
            for entry in polib.pofile(str(po)):
                if entry.obsolete:
                    continue
                msgid = entry.msgid.replace("\n", " ")
                if "%" in msgid or "{" in msgid or "<" in msgid:
                    continue
                if len(re.findall(r"[A-Za-z]+", msgid)) >= 3:
                    phrases.add(msgid.strip())
    return tuple(sorted(phrases))


def english_found(html: str) -> list[str]:
    text = visible_text(html)
    found = [phrase for phrase in english_phrases() if re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", text)]
    for match in re.finditer(r"\S+", text):
        chunk = match.group()
        if "/" in chunk or "_" in chunk:  # time zones, addresses, codes
            continue
        if any(word.isascii() and word.lower() in ENGLISH_WORDS for word in re.findall(r"[^\W\d_]+", chunk)):
            found.append(f"…{text[max(0, match.start() - 40) : match.end() + 40]}…")
    return found


def pages():
    return {
        "home": reverse("wagtailadmin_home"),
        "account": reverse("wagtailadmin_account"),
        "notifications": reverse("notifications:inbox"),
        "search": reverse("wagtailadmin_pages:search") + "?q=khai+sinh",
        "snippet list": reverse("wagtailsnippets_processes_processdocument:list"),
        "404": "/admin/khong-co-trang-nay/",
    }


@pytest.mark.parametrize("who", ["admin", "iso_a"])
def test_admin_pages_show_no_english_sentence_to_an_english_browser(client, world, who):
    client.force_login(getattr(world, who))
    found = []
    visits = [(label, url, False) for label, url in pages().items()] + [("404", pages()["404"], True)]
    for label, url, debug in visits:
        with override_settings(DEBUG=debug):
            # A page the user may not open (page search for an officer) lands on the admin home.
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en", follow=True)
        assert response.status_code == (404 if label == "404" else 200), (label, response.status_code)
        found += [f"{label} DEBUG={debug}: {item}" for item in english_found(response.content.decode())]
    assert not found, "\n".join(found)


def test_the_check_sees_english():
    page = "<html><body><h2>What's new in Wagtail 8.0</h2><button aria-label='Toggle sidebar'></button></body></html>"
    found = english_found(page)
    assert any("What" in item for item in found) and any("Toggle sidebar" in item for item in found)
    assert english_found("<p>Đã tạo bản nháp “QT-01/HT”. Tiến độ ISO 9001:2015</p>") == []
    assert english_found("<p>Mật khẩu của bạn không được hoàn toàn bằng số. Xe to, bình no.</p>") == []


def test_wagtail_news_and_upgrade_check_are_off(client, world):
    client.force_login(world.admin)
    body = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "data-w-upgrade" not in body and "w-whats-new" not in body
    # Nor the Help menu's links to Wagtail's English release notes and editor guide on wagtail.org.
    assert "whats-new-in-wagtail" not in body and "editor-guide" not in body
    assert "Phím tắt" in body
