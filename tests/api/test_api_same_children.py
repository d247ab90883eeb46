"""The API never returns a child that the same person cannot open in the pages.

For every persona of the test world and every sign-in of the demo organization: the children
the API lists (every page of GET /children) and the children whose GET /children/{id} answers
200 are exactly the children whose page (child_detail) opens for that person."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.accounts.models import User
from attune.demo.organization import DEMO_USERS, load_demo
from attune.programs.models import Child
from tests.api.helpers import ApiClient, token_for
from tests.conftest import PERSONAS, World

pytestmark = pytest.mark.django_db


def listed(api: ApiClient) -> set[int]:
    ids: set[int] = set()
    cursor = None
    while True:
        page = api.get("/children", size=200, **({"cursor": cursor} if cursor else {})).json()
        ids |= {c["id"] for c in page["results"]}
        cursor = page["next_cursor"]
        if not cursor:
            return ids


def compare(user: User, api: ApiClient, children: list[Child]) -> list[str]:
    pages = Client()
    pages.force_login(user)
    opens = {
        c.pk for c in children if pages.get(reverse("child_detail", args=[c.pk])).status_code == 200
    }
    answered = {c.pk for c in children if api.get(f"/children/{c.pk}").status_code == 200}
    problems = []
    if listed(api) != opens:
        problems.append(f"{user.username}: list differs from pages: {listed(api) ^ opens}")
    if answered != opens:
        problems.append(f"{user.username}: detail differs from pages: {answered ^ opens}")
    return problems


def test_world_personas(world: World) -> None:
    children = list(Child.objects.all())
    problems: list[str] = []
    for persona in PERSONAS[:-1]:
        user = world.users[persona]
        problems += compare(user, ApiClient(token_for(world, persona, scope="read")), children)
    assert not problems, "\n".join(problems)


def test_demo_personas(settings: Any) -> None:
    from attune.api import tokens

    settings.ATTUNE_API_RATE = 1_000_000
    load_demo()
    children = list(Child.objects.all())
    assert len(children) > 20
    problems: list[str] = []
    seen_some = 0
    for demo in DEMO_USERS:
        user = User.objects.get(username=demo.username)
        _token, raw = tokens.issue(user=user, name="compare", scope="read", days=1)
        api = ApiClient(raw)
        problems += compare(user, api, children)
        seen_some += bool(listed(api))
    assert not problems, "\n".join(problems)
    assert seen_some >= 3  # directors, caregivers and families see children
