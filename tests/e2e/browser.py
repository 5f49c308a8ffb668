"""Real Chromium driven by Selenium against a live server loaded with the demo data.

Every navigation through :class:`Journey` checks what a person at an English
office PC would notice: no error page (by HTTP status and by title), a
Vietnamese page, no failed resource in the console (a missing favicon counts),
and no serious or critical WCAG 2.1 A/AA violation found by axe-core.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlparse

import axe_selenium_python
import requests
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests import demo_database

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "var" / "e2e-artifacts"

#: The kinds of message, error and dialog a page shows (part of its shape for axe).
SHOWN_KINDS_JS = """
const shownKinds = () => Array.from(document.querySelectorAll(
  '.messages li, .help-critical, .error-message, .w-field--error, .errorlist, [role=alert], [role=dialog]:not([hidden])'
)).map(e => e.tagName + '.' + e.className).filter((v, i, a) => a.indexOf(v) === i).sort();
"""
PAGE_SHAPE_JS = SHOWN_KINDS_JS + "return shownKinds();"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Only the violations are read: the other result types keep one node each instead of every one.
    "resultTypes": ["violations"],
}
AXE_SOURCE = (Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js").read_text(
    encoding="utf-8"
)
#: axe-core on the document; only its serious and critical violations come back.
AXE_RUN_JS = """
const [options, done] = arguments;
axe.run(document, options).then(
  results => done(results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')),
  error => done([{impact: 'critical', id: 'axe-error', help: String(error), nodes: []}]),
);
"""
#: Titles of error pages, in Vietnamese and English (Django, Wagtail and the project's own).
ERROR_TITLES = (
    "Server Error",
    "Server error",
    "Not Found",
    "Page not found",
    "Permission denied",
    "Forbidden",
    "Lỗi",
    "Không tìm thấy",
    "Không có quyền",
    "Bị cấm",
    "Access denied",
)
#: English words of the interface that a Vietnamese page never shows.
ENGLISH_UI_WORDS = ("Dashboard", "Search", "Sign in", "Log out", "Settings", "Reports", "Help")


#: Visible headings that go deeper by more than one level (h2 → h4), or a page without h1 before them.
HEADING_SKIPS_JS = """
const headingSkips = () => {
  const out = []; let previous = 0;
  for (const h of document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')) {
    if (!h.offsetParent) continue;
    const level = Number(h.tagName[1]);
    if (level > previous + 1) out.push(`h${previous || '-'} → h${level} "${h.textContent.trim().slice(0, 60)}"`);
    previous = level;
  }
  return out;
};
"""


#: Everything :meth:`Journey.check_page` reads from the page, in one round trip: the document's HTTP
#: status (Navigation Timing; after a redirect, the final response's), its title, language, whether it is
#: Django's debug page, its rendered text, its heading skips and the kinds of message it shows.
PAGE_FACTS_JS = (
    SHOWN_KINDS_JS
    + HEADING_SKIPS_JS
    + """
const navigation = performance.getEntriesByType('navigation')[0];
const html = document.documentElement.outerHTML;
return {
  url: location.href,
  status: navigation ? navigation.responseStatus : null,
  title: document.title,
  lang: document.documentElement.getAttribute('lang'),
  debug: html.includes("You're seeing this error because you have <code>DEBUG = True</code>")
    || html.includes('id="traceback"'),
  text: document.body ? document.body.innerText : '',
  skips: headingSkips(),
  shown: shownKinds(),
};
"""
)

#: Wait (at most 3 s) until the running finite CSS animations/transitions of the page have finished.
SETTLE_ANIMATIONS_JS = """
const done = arguments[arguments.length - 1];
const running = document.getAnimations().filter(
  a => a.playState === 'running' && a.effect && a.effect.getComputedTiming().endTime !== Infinity
);
const timer = new Promise(resolve => setTimeout(resolve, 3000));
Promise.race([Promise.all(running.map(a => a.finished.catch(() => null))), timer]).then(() => done(true));
"""


def browser_missing_reason() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is absent: install Debian's chromium and chromium-driver to run the browser journeys"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``manage.py runserver`` in its own process on its own SQLite file, with the demo data.

    Isolated from the test database of the pytest process, so nothing another
    test creates or flushes reaches the journeys, and the data is committed.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self.db_path = data_dir / "qms.sqlite3"
        self.proc: subprocess.Popen | None = None
        self.env = demo_database.child_env(data_dir, QMS_PORT=str(self.port), QMS_TEST_EMAIL_FILES="1")

    def query(self, sql: str) -> list[tuple]:
        """Read the server's database (to find ids no link shows, for refusals)."""
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql).fetchall()

    def send_emails(self) -> list[email.message.EmailMessage]:
        """Run the beat's e-mail sender once, as the worker would; the messages written to the data folder."""
        before = set(self.mail_dir.glob("*.eml")) if self.mail_dir.exists() else set()
        self._manage("shell", "-c", "from qms.notifications.tasks import send_emails; send_emails()")
        new = sorted(set(self.mail_dir.glob("*.eml")) - before)
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in new]

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    def _manage(self, *args: str) -> None:
        demo_database.manage(self.data_dir, *args, env=self.env)

    def start(self, *, migrated: Path | None = None, demo: Path | None = None) -> None:
        """Serve the demo: a copy of ``demo`` (the run's demo database) when given, else migrate
        (from a copy of ``migrated``, an already migrated SQLite file, when given) and load it."""
        if demo is not None:
            demo_database.copy_to(demo, self.data_dir)
        else:
            if migrated is not None:
                shutil.copyfile(migrated, self.db_path)
            self._manage("migrate", "--noinput", "-v", "0")
            self._manage("setup_demo")
        self._manage("collectstatic", "--noinput", "-v", "0")
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log_path.read_text(errors="replace")[-4000:])
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not answer:\n" + self.log_path.read_text(errors="replace")[-4000:])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


QUIET_CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-default-apps",
    "--mute-audio",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
)


def make_driver() -> webdriver.Chrome:
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900", "--lang=en-US"):
        options.add_argument(arg)
    # Less work beside the pages: no GPU emulation (SwiftShader), extensions, background requests,
    # component updates, sync, translation or media routing. What is drawn and measured stays the same.
    for arg in QUIET_CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {
            "intl.accept_languages": "en-US,en",
            "download.prompt_for_download": False,
            # Nobody saves a password or an address here: no form scanning for them on every page.
            "credentials_enable_service": False,
            "profile.password_manager_enabled": False,
            "autofill.profile_enabled": False,
            "autofill.credit_card_enabled": False,
        },
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver


class PageProblem(AssertionError):
    pass


class Journey:
    """One person's walk through the site in the browser, checked at every page."""

    def __init__(self, driver: webdriver.Chrome, base_url: str, accessibility_checked: set[tuple] | None = None):
        self.driver = driver
        self.base_url = base_url
        self.pages: list[str] = []
        #: (username, page shape) already checked by axe; shared by the journeys of a session.
        self.accessibility_checked: set[tuple] = set() if accessibility_checked is None else accessibility_checked
        #: Who is logged in (None: a visitor); a page shape is the same page only for the same person.
        self.user: str | None = None

    # -- navigation -------------------------------------------------------
    def visit(self, path: str, *, expect_status: int = 200) -> None:
        self._drain_logs()
        self.driver.get(urljoin(self.base_url, path))
        self.check_page(expect_status=expect_status)

    def click_link_text(self, text: str, *, partial: bool = False, within=None, expect_status: int = 200) -> None:
        scope = within or self.driver
        by = By.PARTIAL_LINK_TEXT if partial else By.LINK_TEXT
        link = WebDriverWait(self.driver, 10).until(lambda d: scope.find_element(by, text))
        self.follow(link, expect_status=expect_status)

    def submit(self, button) -> None:
        """Click a submit button and check the page it leads to."""
        self.follow(button)

    def follow(self, element, *, expect_status: int = 200) -> None:
        """Click ``element`` (a link or a button), wait for the new page to load and check it.

        The old document is marked with a token; the new one is there once the
        token is gone and it has finished loading. (Waiting for the old ``<html>``
        to go stale races with Chromium discarding it.)
        """
        self._drain_logs()
        self.scroll(element)
        token = f"journey-{time.monotonic_ns()}"
        self.driver.execute_script("window.__journeyPage = arguments[0];", token)
        element.click()
        WebDriverWait(self.driver, 30, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return window.__journeyPage !== arguments[0] && document.readyState === 'complete';", token
            )
        )
        self.check_page(expect_status=expect_status)

    def menu(self, group: str, item: str) -> None:
        """Open a group of the admin sidebar and follow one of its items."""
        button = WebDriverWait(self.driver, 10).until(
            lambda d: next(
                (b for b in d.find_elements(By.CSS_SELECTOR, "aside button, nav button") if b.text.strip() == group),
                None,
            )
        )
        button.click()
        self.click_link_text(item)

    def header_action(self, label: str) -> None:
        """Follow a link of the header's "more actions" menu (opening it when it is folded)."""
        link = self.driver.find_element(By.XPATH, f"//header//a[normalize-space()='{label}']")
        if not link.is_displayed():
            toggle = link.find_element(By.XPATH, "ancestor::*[@data-controller='w-dropdown'][1]//button")
            toggle.click()
            WebDriverWait(self.driver, 10).until(lambda d: link.is_displayed())
        self.follow(link)

    def open_inbox(self) -> dict[str, bool]:
        """Follow "Thông báo" in the sidebar; the notices shown (subject and message → unread?)."""
        link = next(
            a for a in self.find_all("aside a, nav a") if a.get_attribute("href").endswith("/admin/notifications/")
        )
        self.follow(link)
        return {
            row.find_element(By.CSS_SELECTOR, "td:nth-child(3)").text: "unread" in (row.get_attribute("class") or "")
            for row in self.find_all("main table.listing tbody tr")
            if len(row.find_elements(By.TAG_NAME, "td")) > 1
        }

    def open_notice(self, words: str) -> None:
        """In the inbox, "Xem chi tiết" of the first notice that shows ``words``."""
        row = next(r for r in self.find_all("main table.listing tbody tr") if words in r.text)
        self.follow(next(b for b in row.find_elements(By.TAG_NAME, "button") if b.text == "Xem chi tiết"))

    # -- filling forms ----------------------------------------------------
    def scroll(self, element) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)

    def type(self, css: str, text: str) -> None:
        """Replace the value of the field ``css`` with ``text``, typed as a person would."""
        field = self.find(css)
        self.scroll(field)
        field.clear()
        field.send_keys(text)

    @staticmethod
    def select(element, text: str, *, partial: bool = False) -> None:
        """Choose the option of a ``<select>`` shown as ``text`` (or containing it)."""
        select = Select(element)
        option = next(o for o in select.options if (text in o.text if partial else o.text == text))
        select.select_by_visible_text(option.text)

    def login(self, username: str, password: str) -> None:
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.user = None
        self.visit("/")
        self.click_link_text("Cán bộ đăng nhập")
        self.driver.find_element(By.NAME, "username").send_keys(username)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.user = username
        self.submit(self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        assert "/admin/login/" not in self.driver.current_url, self.driver.find_element(By.TAG_NAME, "body").text

    # -- what the page shows ---------------------------------------------
    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def message(self) -> str:
        """The admin's flash messages of this page, joined."""
        return " ".join(m.text for m in self.find_all(".messages li"))

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def http_session(self) -> requests.Session:
        """A ``requests`` session carrying the browser's cookies (to fetch downloads)."""
        session = requests.Session()
        for cookie in self.driver.get_cookies():
            session.cookies.set(cookie["name"], cookie["value"], domain=urlparse(self.base_url).hostname)
        session.headers["Accept-Language"] = "en-US,en"
        return session

    # -- checks -----------------------------------------------------------
    def check_page(self, *, expect_status: int = 200) -> None:
        facts = self.driver.execute_script(PAGE_FACTS_JS)
        url, status, title = facts["url"], facts["status"], facts["title"]
        self.pages.append(url)
        if status != expect_status:
            raise PageProblem(f"{url}: HTTP {status} (expected {expect_status}), title {title!r}")
        if expect_status == 200:
            bad = [t for t in ERROR_TITLES if t.lower() in title.lower()]
            if bad:
                raise PageProblem(f"{url}: error page, title {title!r}")
            if facts["debug"]:
                raise PageProblem(f"{url}: Django debug page")
        lang = facts["lang"]
        if lang != "vi":
            raise PageProblem(f"{url}: <html lang={lang!r}>, expected 'vi'")
        english = [w for w in ENGLISH_UI_WORDS if re.search(rf"\b{re.escape(w)}\b", facts["text"])]
        if english:
            raise PageProblem(f"{url}: English interface words on a Vietnamese page: {english}")
        failed = [m for m in self._failed_resources() if expect_status == 200 or not m.startswith(url)]
        if failed:
            raise PageProblem(f"{url}: resources failed to load:\n  " + "\n  ".join(failed))
        if facts["skips"]:
            raise PageProblem(f"{url}: heading levels skip: " + "; ".join(facts["skips"]))
        self.check_accessibility(shape=self._shape(url, facts["shown"]))

    def page_shape(self) -> tuple:
        """What makes two pages the same page to axe: the route (numbers left out),
        the query's names, and the messages and form errors shown."""
        return self._shape(self.driver.current_url, self.driver.execute_script(PAGE_SHAPE_JS))

    @staticmethod
    def _shape(url: str, shown: list[str]) -> tuple:
        parts = urlparse(url)
        route = re.sub(r"/\d+(?=/|$)", "/<id>", parts.path)
        names = tuple(sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair}))
        return route, names, tuple(shown)

    def check_accessibility(self, *, shape: tuple | None = None) -> None:
        """axe-core on the page, once per person and page shape in the session (a list seen again after
        a save, or in another journey of the same person, is the same page; the same list with a message
        or an error in it is not)."""
        # Contrast is judged on what a person sees once the page settles (Wagtail fades its messages in);
        # settled also when axe is not run again, so the journey reads the messages once they are shown.
        self.driver.execute_async_script(SETTLE_ANIMATIONS_JS)
        key = (self.user, shape or self.page_shape())
        if key in self.accessibility_checked:
            return
        self.accessibility_checked.add(key)
        self.driver.execute_script(AXE_SOURCE)
        serious = self.driver.execute_async_script(AXE_RUN_JS, AXE_OPTIONS)
        if serious:
            raise PageProblem(
                f"{self.driver.current_url}: accessibility (WCAG 2.1 A/AA):\n" + format_violations(serious)
            )

    # -- browser logs -----------------------------------------------------
    def _drain_logs(self) -> None:
        self.driver.get_log("browser")

    def _failed_resources(self) -> list[str]:
        failed = []
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE" and "Failed to load resource" in entry["message"]:
                failed.append(entry["message"])
        return failed


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(
                f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more elements")
    return "\n".join(lines)
