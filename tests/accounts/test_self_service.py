"""My account (issue #16): name, language, email confirmed by a link, other sessions signed
out, my own sign-in history."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from attune.accounts.models import User
from tests.conftest import PASSWORD, World

LINK = re.compile(r"https?://\S+/accounts/email/confirm/[^\s/]+/")


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_name_and_language(world: World) -> None:
    client = world.client("caregiver")
    url = reverse("accounts:account")
    response = client.post(url, {"action": "profile", "first_name": "Kim", "last_name": "Lee",
                                 "preferred_language": "es"})  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(pk=world.users["caregiver"].pk)
    assert (user.first_name, user.last_name, user.preferred_language) == ("Kim", "Lee", "es")
    assert client.post(url, {"action": "profile", "first_name": "", "last_name": "x",
                             "preferred_language": "xx"}).status_code == 400  # fmt: skip


def test_a_new_email_is_used_once_its_link_is_opened(world: World) -> None:
    client = world.client("director")
    user = world.users["director"]
    before = user.email
    response = client.post(
        reverse("accounts:account"), {"action": "email", "email": "New@Example.org"}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["new@example.org"]
    link = _path(LINK.search(message.body).group(0))  # type: ignore[union-attr]
    assert User.objects.get(pk=user.pk).email == before  # not yet
    # another person opening the link changes nothing
    assert world.client("caregiver").get(link).status_code == 410
    assert client.get(link).status_code == 302
    assert User.objects.get(pk=user.pk).email == "new@example.org"
    assert client.get(link).status_code == 410  # once


def test_an_address_in_use_is_refused(world: World) -> None:
    other = world.users["caregiver"]
    other.email = "taken@example.org"
    other.save()
    response = world.client("director").post(
        reverse("accounts:account"), {"action": "email", "email": "taken@example.org"}
    )
    assert response.status_code == 409 and "already someone" in response.content.decode()
    assert mail.outbox == []


def test_signing_out_the_other_sessions_and_the_history(world: World) -> None:
    laptop = _signed_in("caregiver")
    tablet = _signed_in("caregiver")
    home = reverse("program_dashboard", args=[world.program.pk])
    assert tablet.get(home).status_code == 200
    assert (
        laptop.post(reverse("accounts:account"), {"action": "sign_out_others"}).status_code == 302
    )
    assert tablet.get(home).status_code == 302  # signed out
    assert laptop.get(home).status_code == 200  # this one stays
    page = laptop.get(reverse("accounts:account")).content.decode()
    assert page.count("Signed in") >= 2
