"""`make run`'s path, for real: migrate, load the demo, serve, and sign in as every demo role.

Runs the same manage.py commands as `make run` in a fresh data directory, starts the
development server on a free port and one task worker beside it, and drives headless
Chromium through each demo login.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "attune-demo"

# username -> what their home page shows first
ROLE_HOMES = {
    "director": "Sunrise Maple Street Center",
    "orgadmin": "Sunrise Early Learning",
    "caregiver": "My primary children",
    "specialist": "Programs I support",
    "trainer": "Programs I support",
    "stateadmin": "State overview",
    "director2": "Sunrise Riverside Center",
    "coordinator": "Awaiting verification",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(ATTUNE_ENV="development", ATTUNE_DATA_DIR=str(tmp_path_factory.mktemp("demo")))
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--no-input"], ["load_demo"]):
        result = subprocess.run(
            manage + command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
    printed = result.stdout
    for username in [*ROLE_HOMES, "family"]:
        assert username in printed, f"load_demo did not print the {username} login"
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # as `make run` does: one task worker beside the server (plans, what-ifs, exports)
    worker = subprocess.Popen(
        [*manage, "run_worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield url
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


AXE = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.x A/AA violation on the page as it is now."""
    results = AXE.run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}
    )
    violations = results.response["violations"]
    assert not violations, f"{page.url}:\n" + "\n".join(
        f"{v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
        f"{v['nodes'][0]['target']})"
        for v in violations
    )


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("username", list(ROLE_HOMES))
def test_each_demo_role_lands_on_its_home_page(page: Page, demo_server: str, username: str) -> None:
    sign_in(page, demo_server, username)
    expect(page.get_by_text(ROLE_HOMES[username]).first).to_be_visible()
    assert "/accounts/login/" not in page.url
    assert_accessible(page)


def test_director_tour_is_keyboard_and_screen_reader_friendly(page: Page, demo_server: str) -> None:
    sign_in(page, demo_server, "director")
    page.get_by_role("link", name="Children").first.click()
    expect(page.get_by_role("heading", name="Children", level=1)).to_be_visible()
    assert_accessible(page)
    # HTMX search narrows the list as you type, without a page load
    rows_before = page.locator("#child-results tbody tr").count()
    page.get_by_label("Search by name").fill("zz-no-such-child")
    expect(page.locator("#child-results")).to_contain_text("No children match")
    page.get_by_label("Search by name").fill("")
    expect(page.locator("#child-results tbody tr")).to_have_count(rows_before)
    page.locator("#child-results tbody a").first.click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Edit").first.click()
    assert_accessible(page)
    # the skip link is the first stop for keyboard users
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")


def test_family_on_a_phone_sees_their_children_in_spanish(
    phone_page: Page, demo_server: str
) -> None:
    sign_in(phone_page, demo_server, "family")
    phone_page.wait_for_url(f"{demo_server}/family/")
    # the demo family's account prefers Spanish: the pages speak it from the first one
    expect(phone_page.locator("html")).to_have_attribute("lang", "es")
    expect(phone_page.get_by_text("Cuidador(a) principal:").first).to_be_visible()
    assert_accessible(phone_page)
    # the switcher works without JavaScript: a plain form post
    phone_page.get_by_label("Idioma").select_option("en")
    phone_page.get_by_role("button", name="Cambiar").click()
    expect(phone_page.locator("html")).to_have_attribute("lang", "en")
    expect(phone_page.get_by_text("Primary caregiver:").first).to_be_visible()
    cards = phone_page.locator(".child-cards > li")
    assert cards.count() >= 2
    # readable on a phone: nothing wider than the screen
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    cards.first.get_by_role("heading").get_by_role("link").click()  # the child's name
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    assert "/children/" in phone_page.url


def test_wrong_password_is_refused_with_a_message(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/accounts/login/")
    page.get_by_label("Username").fill("director")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
