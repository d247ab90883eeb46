"""Attendance through the API: the room page's service behind it (same refusals, same audit,
one stay per Idempotency-Key), and the attendance.in / attendance.out webhooks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from attune.programs.models import Stay
from tests.api.helpers import ApiClient, token_for
from tests.api.test_webhooks import Receiver, receiver, subscribe
from tests.conftest import World

pytestmark = pytest.mark.django_db
__all__ = ["receiver"]  # the fixture, used by name


def test_sign_in_and_out_through_the_service(world: World) -> None:
    api = ApiClient(token_for(world, "caregiver"))
    path = f"/children/{world.child.pk}"
    first = api.post(
        f"{path}/sign-in", {"guardian_id": world.guardian.pk}, **{"Idempotency-Key": "door-1"}
    )
    again = api.post(
        f"{path}/sign-in", {"guardian_id": world.guardian.pk}, **{"Idempotency-Key": "door-1"}
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Stay.objects.filter(child=world.child).count() == 1  # a repeat is not a second stay
    # the service's own refusal, as problem details, nothing written
    twice = api.post(f"{path}/sign-in", {"guardian_id": world.guardian.pk})
    assert twice.status_code == 422
    assert "already signed in" in twice.json()["errors"][0]["message"]
    # someone not on this family's list may not pick the child up
    stranger = world.other_family.guardians.get()
    refused = api.post(f"{path}/sign-out", {"guardian_id": stranger.pk})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "guardian_id"
    assert Stay.objects.get(child=world.child).out_at is None
    out = api.post(f"{path}/sign-out", {"guardian_id": world.guardian.pk})
    assert out.status_code == 200 and out.json()["picked_up_by_id"] == world.guardian.pk
    day = api.get(f"{path}/stays")
    assert day.status_code == 200
    assert [s["id"] for s in day.json()] == [first.json()["id"]]
    assert day.json()[0]["signed_out_at"] is not None
    kind = ContentType.objects.get_for_model(Stay)
    assert LogEntry.objects.filter(content_type=kind).count() == 2  # in and out, audited
    # a family reads the day, does not sign in through the API
    family = ApiClient(token_for(world, "family"))
    assert family.get(f"{path}/stays").status_code == 200
    assert family.post(f"{path}/sign-in", {"guardian_id": world.guardian.pk}).status_code == 403


def test_a_read_token_signs_nobody_in(world: World) -> None:
    api = ApiClient(token_for(world, "director", scope="read"))
    response = api.post(f"/children/{world.child.pk}/sign-in", {"guardian_id": world.guardian.pk})
    assert response.status_code == 403
    assert not Stay.objects.exists()


def test_attendance_webhooks(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(world, receiver.url, "attendance.in", "attendance.out")
    api = ApiClient(token_for(world, "director"))
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/children/{world.child.pk}/sign-in", {"guardian_id": world.guardian.pk})
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/children/{world.child.pk}/sign-out", {"guardian_id": world.guardian.pk})
    events = [json.loads(body) for _headers, body in receiver.received]
    assert [e["event"] for e in events] == ["attendance.in", "attendance.out"]
    stay = Stay.objects.get()
    assert (
        events[0]["data"]["stay_id"] == stay.pk and events[0]["data"]["child_id"] == world.child.pk
    )
