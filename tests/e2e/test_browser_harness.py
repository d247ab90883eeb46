"""Self-test of the browser harness, independent of the app: a real click in chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page

HTML = b"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Harness</title></head>
<body>
  <p id="message">Not clicked yet</p>
  <button type="button"
          onclick="document.getElementById('message').textContent = 'Clicked by ' + 'JavaScript'">
    Change the message
  </button>
</body>
</html>
"""


class PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(HTML)))
        self.end_headers()
        self.wfile.write(HTML)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def static_site() -> Iterator[str]:
    """Serve HTML on a free port of 127.0.0.1 from a thread; yield its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_click_changes_text_in_chromium(page: Page, static_site: str) -> None:
    page.goto(static_site)
    message = page.locator("#message")
    assert message.inner_text() == "Not clicked yet"

    page.get_by_role("button", name="Change the message").click()

    # The text only exists once the browser has run the onclick handler.
    assert message.inner_text() == "Clicked by JavaScript"
