"""Webhooks: events out of the lower apps' changes, signed posts to a real local receiver,
retries with back-off through the queue's task, the delivery log page, who may manage them."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.api import tasks, webhooks
from attune.api.models import WebhookDelivery, WebhookEndpoint
from attune.plans import services as plan_services
from attune.programs import services
from tests.conftest import World, child_data
from tests.plans.helpers import planned

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server that answers with the next of `codes` (then 200) and keeps what
    it was sent."""

    def __init__(self) -> None:
        self.codes: list[int] = []
        self.received: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.codes.pop(0) if outer.codes else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


def subscribe(world: World, url: str, *events: str) -> WebhookEndpoint:
    return webhooks.create_endpoint(
        actor=world.users["director"], url=url, events=list(events), program=world.program
    )


def test_an_enrollment_is_posted_signed(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = subscribe(world, receiver.url, "child.enrolled", "child.left")
    with django_capture_on_commit_callbacks(execute=True):
        child = services.create_child(
            actor=None, program=world.program,
            data=child_data(world.family, world.room, first_name="Iris"),
        )  # fmt: skip
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    payload = json.loads(body)
    assert payload["event"] == "child.enrolled"
    assert payload["data"] == {
        "child_id": child.pk, "program_id": world.program.pk,
        "effective": child.enrollment_start.isoformat(),
    }  # fmt: skip
    assert "Iris" not in body.decode()  # ids only
    stamp, _sep, mac = headers["Attune-Signature"].partition(",v1=")
    t = stamp.removeprefix("t=")
    expected = hmac.new(endpoint.secret.encode(), f"{t}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(mac, expected.hexdigest())
    assert WebhookDelivery.objects.get().status == "delivered"

    with django_capture_on_commit_callbacks(execute=True):
        services.update_child(
            actor=None, child=child, data={"enrollment_end": world.program.today()}
        )
    assert json.loads(receiver.received[1][1])["event"] == "child.left"


def test_failures_are_tried_again_with_back_off_then_given_up(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(world, receiver.url, "child.enrolled")
    receiver.codes = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        services.create_child(
            actor=None, program=world.program, data=child_data(world.family, None)
        )
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status_code == 500
    first_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < first_wait <= timedelta(seconds=30)
    assert tasks.retry_webhooks.call() == 0  # not due yet
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert tasks.retry_webhooks.call() == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status_code == 503
    assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=100)  # 2 minutes
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    tasks.retry_webhooks.call()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert len(receiver.received) == 3
    # a receiver that never answers well: given up after the last try
    receiver.codes = [500] * 20
    with django_capture_on_commit_callbacks(execute=True):
        services.create_child(
            actor=None, program=world.program, data=child_data(world.family, None, first_name="B")
        )
    stuck = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    for _ in range(webhooks.MAX_ATTEMPTS):
        WebhookDelivery.objects.filter(pk=stuck.pk).update(next_attempt_at=timezone.now())
        tasks.retry_webhooks.call()
    stuck.refresh_from_db()
    assert stuck.status == "failed" and stuck.attempts == webhooks.MAX_ATTEMPTS


def test_plan_accepted_event(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    run = planned(world)
    subscribe(world, receiver.url, "plan.accepted")
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.accept(actor=world.users["director"], run=run)
    events = [json.loads(b)["event"] for _h, b in receiver.received]
    assert events == ["plan.accepted"]
    assert json.loads(receiver.received[0][1])["data"]["plan_id"] == run.pk


def test_a_rolled_back_change_posts_nothing(world: World, receiver: Receiver) -> None:
    subscribe(world, receiver.url, "child.enrolled")
    with pytest.raises(Exception):  # noqa: B017, PT011
        services.create_child(
            actor=None, program=world.program,
            data=child_data(world.family, None, enrollment_start=world.child.birth_date.replace(year=1990)),
        )  # fmt: skip
    assert WebhookDelivery.objects.count() == 0 and receiver.received == []


def test_pages_manage_and_log(world: World, receiver: Receiver) -> None:
    director = world.client("director")
    response = director.post(
        reverse("api_webhooks"),
        {
            "target": f"program:{world.program.pk}",
            "url": receiver.url,
            "events": ["child.enrolled"],
        },
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()  # shown once
    assert endpoint.secret not in director.get(reverse("api_webhooks")).content.decode()
    # a state event is not a program's
    bad = director.post(
        reverse("api_webhooks"),
        {"target": f"program:{world.program.pk}", "url": receiver.url,
         "events": ["training.completed"]},
    )  # fmt: skip
    assert bad.status_code == 400
    page = director.get(reverse("api_webhook", args=[endpoint.pk]))
    assert page.status_code == 200
    director.post(reverse("api_webhook", args=[endpoint.pk]), {})
    endpoint.refresh_from_db()
    assert endpoint.active is False
    for persona in ("caregiver", "family", "other_director", "specialist"):
        assert (
            world.client(persona).get(reverse("api_webhook", args=[endpoint.pk])).status_code == 404
        )
    assert world.client("family").get(reverse("api_webhooks")).status_code == 403
