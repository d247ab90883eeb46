"""A client written only from the OpenAPI document does a program's day through the API:
sign in with a token made on the person's own page, enroll a child, log a daily care record
(attendance is not on main yet), request a plan, poll its job while a real worker process
plans it, read the plan."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.api.models import ApiToken
from attune.programs.models import Child
from tests.api.openapi_client import OpenApiClient
from tests.conftest import World
from tests.plans.helpers import staff


def token_from_the_page(world: World) -> str:
    """The director makes a token on their API tokens page; the secret is shown once."""
    page = Client()
    page.force_login(world.users["director"])
    response = page.post(
        reverse("api_tokens"),
        {"name": "billing system", "scope": "write", "program": world.program.pk, "days": 30},
    )
    assert response.status_code == 200
    secret = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode())
    assert secret is not None
    assert page.get(reverse("api_tokens")).content.decode().count(secret.group(1)) == 0
    token = ApiToken.objects.get(user=world.users["director"])
    assert token.program_id == world.program.pk and token.scope == "write"
    return secret.group(1)


@pytest.mark.django_db(transaction=True)
def test_a_generic_client_does_the_day(task_worker: Any) -> None:
    from tests.conftest import build_world

    world = build_world()
    staff(world)
    transport = Client()
    document = transport.get("/api/v1/openapi.json").json()
    api = OpenApiClient(document, transport, token_from_the_page(world))

    status, programs = api.call("list_programs")
    assert status == 200
    program_id = programs["results"][0]["id"]
    status, rooms = api.call("list_rooms", program_id=program_id)
    room_id = next(r["id"] for r in rooms if r["name"] == "Robins")
    today = world.program.today()

    status, child = api.call(
        "enroll_child",
        {
            "program_id": program_id, "first_name": "Iris", "last_name": "Moreno",
            "birth_date": (today - timedelta(days=300)).isoformat(),
            "family_id": world.family.pk, "enrollment_start": today.isoformat(),
            "room_id": room_id, "schedule": "mon-fri 08:30-15:00", "home_languages": ["es"],
        },
        Idempotency_Key="enroll-iris-1",
    )  # fmt: skip
    assert status == 201, child
    assert Child.objects.filter(pk=child["id"], first_name="Iris").exists()

    status, entry = api.call(
        "log_care_entry",
        {"kind": "note", "at": (timezone.now() - timedelta(minutes=1)).isoformat(),
         "note": "Settled in well."},
        child_id=child["id"],
    )  # fmt: skip
    assert status == 201, entry
    status, day = api.call("list_care_entries", child_id=child["id"])
    assert [e["note"] for e in day] == ["Settled in well."]

    # attendance: Iris arrives with her guardian
    status, stay = api.call(
        "sign_in_child", {"guardian_id": world.guardian.pk}, child_id=child["id"]
    )
    assert status == 201, stay
    status, stays = api.call("list_stays", child_id=child["id"])
    assert [s["dropped_off_by_id"] for s in stays] == [world.guardian.pk]

    task_worker()  # a real worker process plans it
    status, job = api.call("request_plan", {"on": today.isoformat()}, program_id=program_id)
    assert status == 202, job
    deadline = time.monotonic() + 180
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        status, job = api.call("get_job", job_id=job["id"])
        assert status == 200
    assert job["status"] == "done", job

    status, plan = api.call("get_plan", program_id=program_id, plan_id=job["result"]["plan_id"])
    assert status == 200 and plan["as_of"] == today.isoformat()
    body = plan["plan"]
    placed = {c for g in body["groups"] for c in g["child_ids"]}
    assert child["id"] in placed, body  # the new child has a small group
    assert str(child["id"]) in body["primary"]  # and a primary caregiver
    assert body["violations"] == []
