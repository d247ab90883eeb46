"""API v1 basics: tokens, scopes, problem details, versions, idempotency, rate limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from attune.api.models import ApiToken
from attune.programs.models import Child
from tests.api.helpers import ApiClient, token_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def enroll_body(w: World, **extra: Any) -> dict[str, Any]:
    return {
        "program_id": w.program.pk, "first_name": "Iris", "last_name": "Moreno",
        "birth_date": "2025-06-01", "family_id": w.family.pk, "enrollment_start": "2025-10-01",
        "room_id": w.room.pk, "schedule": "mon-fri 08:00-16:00", "home_languages": ["es"],
        **extra,
    }  # fmt: skip


def test_openapi_document_and_docs_are_served(client: Any) -> None:
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200
    schema = doc.json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/children" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "Content-Security-Policy" in docs.headers
    assert "script-src 'self'" in docs.headers["Content-Security-Policy"]


def test_no_token_is_401_problem(world: World) -> None:
    for token in (None, "att_nonsense", "Basic abc"):
        response = ApiClient(token).get("/children")
        assert response.status_code == 401
        assert response.headers["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 401 and body["title"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_are_refused(world: World) -> None:
    raw = token_for(world, "director")
    api = ApiClient(raw)
    assert api.get("/children").status_code == 200
    token = ApiToken.objects.get(user=world.users["director"])
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert api.get("/children").status_code == 401
    token.expires_at = timezone.now() + timedelta(days=1)
    token.revoked_at = timezone.now()
    token.save()
    assert api.get("/children").status_code == 401


def test_the_secret_is_stored_hashed(world: World) -> None:
    raw = token_for(world, "director")
    token = ApiToken.objects.get()
    assert raw not in (token.key_hash, token.prefix) and raw.startswith(token.prefix)


def test_enroll_is_idempotent_and_validated_like_the_page(world: World) -> None:
    api = ApiClient(token_for(world, "director"))
    before = Child.objects.count()
    first = api.post("/children", enroll_body(world), **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.content
    again = api.post("/children", enroll_body(world), **{"Idempotency-Key": "k-1"})
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Child.objects.count() == before + 1
    other = api.post("/children", enroll_body(world, first_name="X"), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    # the page's own message for a start before the birth date; nothing saved
    bad = api.post("/children", enroll_body(world, enrollment_start="2025-01-01"))
    assert bad.status_code == 422
    assert bad.headers["Content-Type"] == "application/problem+json"
    messages = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert messages["enrollment_start"] == "Enrollment cannot start before the birth date."
    assert Child.objects.count() == before + 1


def test_read_only_token_cannot_write(world: World) -> None:
    api = ApiClient(token_for(world, "director", scope="read"))
    response = api.post("/children", enroll_body(world))
    assert response.status_code == 403
    assert response.json()["type"].endswith("read-only-token")


def test_stale_version_is_409(world: World) -> None:
    api = ApiClient(token_for(world, "director"))
    child = api.get(f"/children/{world.child.pk}").json()
    ok = api.patch(
        f"/children/{world.child.pk}", {"version": child["version"], "allergies": "none"}
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == child["version"] + 1
    stale = api.patch(
        f"/children/{world.child.pk}", {"version": child["version"], "allergies": "x"}
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == child["version"] + 1
    world.child.refresh_from_db()
    assert world.child.allergies == "none"


def test_program_token_sees_only_its_program(world: World) -> None:
    api = ApiClient(token_for(world, "org_admin", program=world.other_program))
    assert api.get(f"/children/{world.child.pk}").status_code == 404
    assert api.get("/children").json()["results"] == []


def test_rate_limit_is_a_clear_429(world: World, settings: Any) -> None:
    settings.ATTUNE_API_RATE = 3
    cache.clear()
    api = ApiClient(token_for(world, "director"))
    codes = [api.get("/programs").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/programs")
    assert response.headers["Content-Type"] == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1


def test_cursor_pagination_walks_every_child_once(world: World) -> None:
    api = ApiClient(token_for(world, "director"))
    seen: list[int] = []
    cursor = None
    while True:
        query = {"size": 1, **({"cursor": cursor} if cursor else {})}
        page = api.get("/children", **query).json()
        seen += [c["id"] for c in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(
        Child.objects.filter(program=world.program).values_list("pk", flat=True)
    )
    assert api.get("/children", cursor="garbage").status_code == 400


def test_errors_in_the_token_owners_language(world: World) -> None:
    user = world.users["director"]
    user.preferred_language = "es"
    user.save()
    api = ApiClient(token_for(world, "director"))
    body = api.get("/children/999999").json()
    assert body["status"] == 404
    assert body["title"] != "Not found."


def test_idempotency_keys_are_forgotten_after_a_day(world: World) -> None:
    from attune.api import tasks
    from attune.api.models import IdempotencyKey

    api = ApiClient(token_for(world, "director"))
    assert (
        api.post("/children", enroll_body(world), **{"Idempotency-Key": "k-9"}).status_code == 201
    )
    assert tasks.forget_idempotency_keys.call() == 0
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert tasks.forget_idempotency_keys.call() == 1


def test_a_familys_token_sees_only_their_children(world: World) -> None:
    api = ApiClient(token_for(world, "family"))
    ids = {c["id"] for c in api.get("/children").json()["results"]}
    assert ids == {world.child.pk}
    assert api.get(f"/children/{world.group_child.pk}").status_code == 404
    assert api.get(f"/families/{world.other_family.pk}").status_code == 404
    mine = api.get(f"/children/{world.child.pk}").json()
    assert mine["full"] is True and mine["allergies"] == "peanuts"


def test_the_webhooks_link_only_for_those_who_may_add_them(world: World) -> None:
    from django.urls import reverse

    link = reverse("api_webhooks")
    assert link in world.client("director").get(reverse("api_tokens")).content.decode()
    assert link not in world.client("family").get(reverse("api_tokens")).content.decode()
