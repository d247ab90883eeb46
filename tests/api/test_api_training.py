"""API v1's training and workforce answers match the training pages' records."""

from __future__ import annotations

from typing import Any

import pytest

from attune.training import services as training_services
from attune.training.models import Person, TrainingSession
from tests.api.helpers import ApiClient, token_for
from tests.conftest import World
from tests.training.helpers import tft

pytestmark = pytest.mark.django_db


def test_attendance_hours_and_completion(world: World) -> None:
    made = tft(world)
    trainer = Person.objects.get(user=world.users["trainer"])
    mine = ApiClient(token_for(world, "trainer")).get(f"/people/{trainer.pk}/training").json()
    sessions = TrainingSession.objects.count()
    tft_rows = [r for r in mine["attended"] if r["kind"] == "tft"]
    assert len(tft_rows) == sessions
    total = sum(float(s.clock_hours) for s in TrainingSession.objects.all())
    assert sum(r["clock_hours"] for r in tft_rows) == pytest.approx(total)
    assert mine["series_completed_on"] is not None
    events = ApiClient(token_for(world, "trainer")).get("/training-events").json()["results"]
    assert [e["id"] for e in events] == [made.event.pk]
    assert len(events[0]["sessions"]) == sessions


def test_registry_records_are_the_export_rows(world: World) -> None:
    from datetime import timedelta

    from attune.training import reports

    tft(world)
    api = ApiClient(token_for(world, "state_admin"))
    url = f"/jurisdictions/{world.jurisdiction.pk}/registry-records"
    assert api.get(url, start="2000-01-01").status_code == 400  # more than 400 days
    today = world.program.today()
    start = today - timedelta(days=90)
    rows = api.get(url, start=start.isoformat(), end=today.isoformat()).json()
    assert rows and rows == reports.registry_rows([world.jurisdiction.pk], start, today)
    assert "OR-T-1" in {r["registry_id"] for r in rows}  # the trainer, and their attendees


def test_training_completed_webhook(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from attune.api import webhooks
    from attune.api.models import WebhookDelivery

    webhooks.create_endpoint(
        actor=world.users["state_admin"], url="https://example.org/hook",
        events=["training.completed"], jurisdiction=world.jurisdiction,
    )  # fmt: skip
    tft(world)
    trainer = Person.objects.get(user=world.users["trainer"])
    training_services.issue_series_certificate(actor=world.users["specialist"], person=trainer)
    delivery = WebhookDelivery.objects.get(event="training.completed")
    assert delivery.payload["data"]["person_id"] == trainer.pk
