"""Passwords in a real browser (issue #14, finding 5): a forgotten password is reset through
the emailed link, the old password stops working, the new one signs in; repeated wrong
passwords pause signing in (finding 4)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from tests.conftest import PASSWORD, World, build_world
from tests.e2e.test_demo_roles import assert_accessible

from attune.accounts.models import User


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def test_password_reset_round_trip(page: Page, live_server: object, live_world: World) -> None:
    base = str(live_server)
    director = live_world.users["director"]
    director.email = "dana@example.org"
    director.save()
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("dana@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body)
    assert link, message.body
    path = "/" + link.group(0).split("/", 3)[3]
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    page.locator("#id_new_password1").fill("a-Fresh-sentence-42")
    page.locator("#id_new_password2").fill("a-Fresh-sentence-42")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()

    # the old password no longer works; the new one does
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("director")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.get_by_label("Password").fill("a-Fresh-sentence-42")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert User.objects.get(pk=director.pk).check_password("a-Fresh-sentence-42")
    # the link was for one use
    page.goto(f"{base}{path}")
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()


def test_repeated_wrong_passwords_pause_signing_in(
    page: Page, live_server: object, live_world: World
) -> None:
    page.goto(f"{live_server}/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("caregiver")
        page.get_by_label("Password").fill("not-it")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Signing in is paused")).to_be_visible()
    assert_accessible(page)
