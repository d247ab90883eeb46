"""Sign-in protection and passwords (issue #14, findings 4 and 5)."""

from __future__ import annotations

import re

from auditlog.models import LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse

from attune.accounts.models import User
from tests.conftest import PASSWORD, World

LOGIN = "accounts:login"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AttuneTest/1.0"


def sign_in(client: Client, username: str, password: str, address: str) -> int:
    response = client.post(
        reverse(LOGIN),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=BROWSER,
    )
    return response.status_code


def events(name: str) -> list[LogEntry]:
    return [
        e
        for e in LogEntry.objects.order_by("pk")
        if isinstance(e.additional_data, dict) and e.additional_data.get("event") == name
    ]


def test_repeated_failures_lock_out_the_user_at_that_address(world: World) -> None:
    client = Client()
    for _ in range(4):
        assert sign_in(client, "director", "wrong", "203.0.113.7") == 200  # the form again
    assert sign_in(client, "director", "wrong", "203.0.113.7") == 429  # the fifth locks
    # Locked now, even with the right password, from that address ...
    locked = client.post(
        reverse(LOGIN), {"username": "director", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # ... but the person can still sign in from elsewhere (no lockout of someone else's
    # account by a stranger guessing from their own address).
    assert sign_in(Client(), "director", PASSWORD, "198.51.100.2") == 302


def test_every_attempt_is_in_the_audit_trail_with_address_and_browser(world: World) -> None:
    client = Client()
    sign_in(client, "director", "wrong", "203.0.113.7")
    sign_in(client, "no-such-person", "wrong", "203.0.113.7")
    sign_in(client, "director", PASSWORD, "203.0.113.7")
    failed = events("sign_in_failed")
    assert [e.object_repr for e in failed] == ["director", "no-such-person"]
    assert failed[0].object_pk == str(world.users["director"].pk)
    (success,) = events("signed_in")
    assert success.actor == world.users["director"]
    for entry in [*failed, success]:
        assert entry.remote_addr == "203.0.113.7"
        assert entry.additional_data["user_agent"] == BROWSER
    stranger = Client()
    for _ in range(5):
        sign_in(stranger, "caregiver", "wrong", "203.0.113.9")
    assert len(events("locked_out")) == 1


def test_forged_forwarded_for_does_not_dodge_the_lockout(world: World) -> None:
    client = Client()
    for n in range(6):
        client.post(
            reverse(LOGIN),
            {"username": "director", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    assert sign_in(client, "director", PASSWORD, "203.0.113.7") == 429


def test_changing_the_password_signs_out_the_other_sessions(world: World) -> None:
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert sign_in(client, "director", PASSWORD, "192.0.2.1") == 302
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-Sentence-77", "new_password2": "a-new-Sentence-77"},
    )  # fmt: skip
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 302  # still signed in: to their start page
    assert reverse(LOGIN) in elsewhere.get(reverse("home"))["Location"]
    assert len(events("password_changed")) == 1
    assert sign_in(Client(), "director", "a-new-Sentence-77", "192.0.2.1") == 302


def test_password_reset_by_email_in_the_persons_language(world: World) -> None:
    family = world.users["family"]
    family.email = "rosa@example.org"
    family.preferred_language = "es"
    family.save()
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "rosa@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert "contraseña" in message.subject.lower()
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body)
    assert link, message.body
    path = link.group(0).split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "otra-Frase-larga-9", "new_password2": "otra-Frase-larga-9"}
    )
    assert done.status_code == 302
    assert User.objects.get(pk=family.pk).check_password("otra-Frase-larga-9")
    assert len(events("password_reset")) == 1
    # The link works once.
    again = Client().get(path, follow=True)
    assert again.context["validlink"] is False


def test_password_reset_reveals_nothing_about_unknown_addresses(world: World) -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
