"""Browser-test harness: Playwright (sync API) driving the system's Debian chromium.

Everything collected under tests/e2e/ is marked ``e2e``: ``make test-e2e`` runs
``pytest -m e2e`` and the other stages run ``pytest -m "not e2e"``.

Fixtures:
    browser     one headless chromium for the whole session
    page        a fresh browser context per test, desktop viewport 1280x800
    phone_page  a fresh browser context per test, phone viewport 390x844 with touch
    tablet_page a fresh browser context per test, tablet viewport 820x1180 with touch

The tests never download a browser ("playwright install"); chromium comes from Debian
(scripts/ensure-chromium installs it). When a test fails, a screenshot of its page is
saved under test-results/.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

E2E_DIR = Path(__file__).resolve().parent
RESULTS_DIR = E2E_DIR.parent.parent / "test-results"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e/ as e2e (before -m selects on markers)."""
    for item in items:
        if item.path.resolve().is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report on the item, so fixtures can tell a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium is not on PATH. Install Debian's chromium package "
            "(scripts/ensure-chromium does it); do not run 'playwright install'.",
            pytrace=False,
        )
    # Playwright's sync API runs an event loop in the test thread, so Django would refuse
    # database access from it (SynchronousOnlyOperation): the ORM calls of browser tests
    # need this. Set only while a browser runs, so other tests keep Django's guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _page_for_test(request: pytest.FixtureRequest, context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    try:
        yield page
        call_report = getattr(request.node, "report_call", None)
        if call_report is not None and call_report.failed:
            RESULTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            # A page that crashed cannot be captured; the test has failed anyway.
            with contextlib.suppress(PlaywrightError):
                page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context (cookies, storage) with a desktop viewport."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield from _page_for_test(request, context)


@pytest.fixture
def phone_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context emulating a phone: 390x844, mobile, touch."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield from _page_for_test(request, context)


@pytest.fixture
def tablet_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context emulating a tablet held upright: 820x1180, touch."""
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    yield from _page_for_test(request, context)


def restore_migrated_rows() -> None:
    """Empty the test database, then put back what the migrations wrote (content types, the
    data migrations' rows) as serialized when the database was made. A transactional test's
    flush removes those rows, and a serialized rollback leaves the database empty."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        connection.creation.deserialize_db_from_string(contents)
