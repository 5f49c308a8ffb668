"""Browser journeys: one live server with the demo data and one Chromium per test process.

The tests here are marked ``e2e`` and ``xdist_group("e2e")`` (``./test.sh`` runs
``--dist loadgroup``, so they share one worker, one server and one browser).
They are skipped when Chromium or chromedriver is absent, and on a PostgreSQL
run (the live server always uses its own SQLite file; the SQLite pass covers them).
On failure a screenshot and the page's HTML are saved under
``var/e2e-artifacts/<test name>/``. ``QMS_E2E_URL=http://127.0.0.1:8000`` with
``QMS_E2E_DATA_DIR`` (its ``QMS_DATA_DIR``) runs them against a server already
started with the demo data (``qms.settings.test``) instead of a new one.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.e2e.browser import ARTIFACTS, Journey, LiveServer, browser_missing_reason, make_driver

HERE = Path(__file__).resolve().parent


def _skip_reason() -> str | None:
    missing = browser_missing_reason()
    if missing:
        return missing
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url and not database_url.startswith("sqlite"):
        return "browser journeys run on the SQLite pass only (their live server has its own SQLite database)"
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: a browser journey in real Chromium against a live server")
    config.addinivalue_line("markers", "xdist_group(name): run in the same xdist worker as the group")


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    for item in items:
        if HERE not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.e2e)
        item.add_marker(pytest.mark.xdist_group("e2e"))
        item.add_marker(pytest.mark.timeout(1200))  # a whole journey, axe on every page, on a loaded machine
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when not in ("setup", "call") or not report.failed:
        return
    driver = getattr(item, "_e2e_driver", None)
    if driver is None:
        return
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", item.name)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        driver.save_screenshot(str(folder / "screenshot.png"))
        (folder / "page.html").write_text(driver.page_source, encoding="utf-8")
        (folder / "url.txt").write_text(driver.current_url + "\n", encoding="utf-8")
    except Exception as exc:  # the browser itself may be gone
        (folder / "error.txt").write_text(repr(exc), encoding="utf-8")
    report.sections.append(("e2e artifacts", str(folder)))


@pytest.fixture(scope="session")
def live_demo_server(migrated_sqlite_file, demo_folder):
    if os.environ.get("QMS_E2E_URL"):  # a server already running with the demo data (while writing journeys)
        server = LiveServer(Path(os.environ["QMS_E2E_DATA_DIR"]))
        server.url = os.environ["QMS_E2E_URL"].rstrip("/")
        yield server
        return
    data_dir = Path(tempfile.mkdtemp(prefix="qms-e2e-"))
    server = LiveServer(data_dir)
    try:
        server.start(migrated=migrated_sqlite_file, demo=demo_folder)
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium():
    driver = make_driver()
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def accessibility_checked() -> set[tuple]:
    """The (person, page shape) pairs axe has checked in this session: one person's page is checked once."""
    return set()


@pytest.fixture
def journey(request, live_demo_server, chromium, accessibility_checked):
    """A fresh visitor (no cookies) in the session's browser; artifacts are kept on failure."""
    request.node._e2e_driver = chromium
    chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
    return Journey(chromium, live_demo_server.url, accessibility_checked)
