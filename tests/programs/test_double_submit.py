"""A form sent twice creates one record (issue #14, finding 3).

Every POST form carries a one-time key beside its CSRF token (attune.accounts.once).
"""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from tests.conftest import World, build_world
from tests.programs.test_pages import child_form

from attune.accounts.models import Submission
from attune.programs.models import Child, WaitlistEntry

KEY = re.compile(r'name="_once" value="([0-9a-f]{32})"')


def _key(client: Client, url: str) -> str:
    match = KEY.search(client.get(url).content.decode())
    assert match, "the form carries no one-time key"
    return match.group(1)


def test_every_post_form_carries_a_one_time_key(world: World) -> None:
    client = world.client("director")
    page = client.get(reverse("child_create", kwargs={"program_id": world.program.pk}))
    body = page.content.decode()
    assert body.count('name="csrfmiddlewaretoken"') == body.count('name="_once"') > 0
    first, second = KEY.findall(body)[:2]
    assert first != second


def test_a_second_send_of_the_same_form_creates_nothing(world: World) -> None:
    client = world.client("director")
    url = reverse("child_create", kwargs={"program_id": world.program.pk})
    data = {**child_form(world), "_once": _key(client, url)}
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]  # to the child made by the first send
    assert Child.objects.filter(first_name="Eva", last_name="Diaz").count() == 1


def test_a_refused_send_frees_its_key_for_the_corrected_form(world: World) -> None:
    client = world.client("director")
    url = reverse("waitlist_create", kwargs={"program_id": world.program.pk})
    key = _key(client, url)
    data = {
        "child_first_name": "Noor", "child_last_name": "Haddad", "birth_date": "2026-01-05",
        "guardian_name": "Layla Haddad", "desired_start": "2026-09-01", "_once": key,
        "status": "waiting", "preferred_language": "ar",
    }  # fmt: skip
    assert client.post(url, data).status_code == 400  # no phone or email
    assert not Submission.objects.exists()
    assert client.post(url, {**data, "phone": "555-0199"}).status_code == 302
    assert client.post(url, {**data, "phone": "555-0199"}).status_code == 302
    assert WaitlistEntry.objects.count() == 1


def test_a_second_htmx_send_answers_204(world: World) -> None:
    client = world.client("director")
    url = reverse("child_create", kwargs={"program_id": world.program.pk})
    data = {**child_form(world), "_once": _key(client, url)}
    client.post(url, data)
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 204


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_sends_create_one_child() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("simultaneous writers need PostgreSQL (make test-postgres runs this)")
    world = build_world()
    director = world.users["director"]
    url = reverse("child_create", kwargs={"program_id": world.program.pk})
    opener = Client()
    opener.force_login(director)
    data = {**child_form(world), "_once": _key(opener, url)}
    barrier = threading.Barrier(5)
    statuses: list[int] = []

    def send() -> None:
        try:
            client = Client()
            client.force_login(director)
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 5
    assert Child.objects.filter(first_name="Eva", last_name="Diaz").count() == 1
