"""Every link shown to a person opens (issue #14, finding 11).

Signed in as each demo persona, the browser follows every link on the start page and on the
pages those reach, and one step further (depth 3; the issue asks for 2). A link behind which the person finds 403, 404 or a server error
fails the test, and so does any error in the browser's console (a missing icon, a script
refused by the Content-Security-Policy). Links of one shape (/children/<id>/) are followed
for a few examples each; downloads are fetched, not opened.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from tests.e2e.test_demo_roles import demo_server, sign_in

__all__ = ["demo_server"]  # the module-scoped server fixture, used here by name

PERSONAS = [
    "director", "director2", "orgadmin", "caregiver", "family", "specialist", "trainer",
    "stateadmin", "coordinator",
]  # fmt: skip
PER_SHAPE = 2  # examples followed of each link shape
DEPTH = 3
DOWNLOAD = re.compile(r"\.(csv|pdf|ics|json|zip)$|[?&]format=csv")
SKIP = ("/accounts/logout/", "/i18n/")


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


@pytest.mark.parametrize("username", PERSONAS)
def test_every_shown_link_opens(page: Page, demo_server: str, username: str) -> None:
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(f"{page.url}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: console.append(f"{page.url}: {e}"))
    sign_in(page, demo_server, username)
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    start = page.url
    shapes: Counter[str] = Counter()
    seen: set[str] = {start}
    frontier: list[tuple[str, int, str]] = [(start, 0, "(start)")]
    broken: list[str] = []
    opened = 0
    while frontier:
        url, depth, found_on = frontier.pop(0)
        if DOWNLOAD.search(url):
            status = page.request.get(url).status
            if status >= 400:
                broken.append(f"{status} {url} (download linked from {found_on})")
            continue
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                raise
            status = page.request.get(url).status  # a download without an extension
            if status >= 400:
                broken.append(f"{status} {url} (download linked from {found_on})")
            continue
        opened += 1
        status = response.status if response is not None else 0
        if status >= 400:
            broken.append(f"{status} {url} (linked from {found_on})")
            continue
        if depth >= DEPTH:
            continue
        hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            link = urldefrag(href)[0]
            if not link.startswith(demo_server) or link in seen or any(s in link for s in SKIP):
                continue
            seen.add(link)
            shape = _shape(link)
            if shapes[shape] >= PER_SHAPE:
                continue
            shapes[shape] += 1
            frontier.append((link, depth + 1, url))
    assert opened > 3, f"{username}: only {opened} pages reached from {start}"
    assert not broken, f"{username}: links that do not open:\n" + "\n".join(broken)
    assert not console, f"{username}: browser console errors:\n" + "\n".join(console)
