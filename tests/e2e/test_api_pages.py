"""The API's pages in a real browser: the interactive docs run under the strict CSP (Swagger
UI from our own static files, no violation) and list the operations; a director makes a
token (shown once), revokes it, adds a webhook and opens its delivery log; axe finds no
WCAG A/AA violation on those pages."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from tests.e2e.test_csp import _violations, _watch
from tests.e2e.test_demo_roles import assert_accessible, demo_server, sign_in

__all__ = ["demo_server"]


def test_the_docs_run_under_the_policy(page: Page, demo_server: str) -> None:
    problems = _watch(page)
    response = page.goto(f"{demo_server}/api/v1/docs")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    expect(page.get_by_text("/api/v1/children/{child_id}").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("Attune API").first).to_be_visible()
    assert not _violations(page), _violations(page)
    assert not problems, problems


def test_tokens_and_webhooks_pages(page: Page, demo_server: str) -> None:
    sign_in(page, demo_server, "director")
    page.get_by_role("link", name="My account").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("billing system")
    page.get_by_label("Scope").select_option("read")
    page.get_by_role("button", name="Make the token").click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("att_")
    assert_accessible(page)
    page.reload()
    assert secret not in page.content()  # shown once
    page.get_by_role("button", name="Revoke").first.click()
    expect(page.get_by_text("was revoked")).to_be_visible()

    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Address").fill("https://billing.example.org/attune")
    page.get_by_label("a child is enrolled").check()
    page.get_by_role("button", name="Add the webhook").click()
    assert page.locator("#new-secret").inner_text().startswith("whsec_")
    page.get_by_role("link", name="https://billing.example.org/attune").click()
    expect(page.get_by_role("heading", name="Webhook deliveries")).to_be_visible()
    assert_accessible(page)
