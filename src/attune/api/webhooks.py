"""Webhooks: the events other systems follow, signed, tried again with back-off.

The lower apps know nothing of the API: this module listens to their models' Django signals
(a child saved, a plan run saved, a certificate issued) and turns the changes into events.
Each event becomes one WebhookDelivery per active endpoint that follows it, written in the
same transaction as the change (a rolled-back change posts nothing); once committed, a task
on the queue (attune.jobs) posts it. A failed post is tried again after 30 s, 2 min, 8 min,
32 min, about 2 h and 8 h (the `webhook-retries` schedule picks up what is due), then given
up; the delivery log page shows every try's answer.

A post: JSON `{"id", "event", "occurred_at", "data": {ids…}}`, with headers Attune-Event,
Attune-Delivery and Attune-Signature: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>"
keyed with the endpoint's secret>`. Payloads carry ids only, never names.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from attune.api.models import WebhookDelivery, WebhookEndpoint
from attune.lib.audit import save_audited
from attune.plans.models import PlanRun
from attune.programs.models import Child, Stay
from attune.training.models import Certificate

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 7
TIMEOUT = 10.0  # seconds a receiver has to answer
Event = WebhookEndpoint.Event


def retry_delay(attempts: int) -> timedelta:
    """After `attempts` failed tries: 30 s x 4^(attempts-1), at most 8 hours."""
    return timedelta(seconds=min(30 * 4 ** max(0, attempts - 1), 8 * 3600))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def url_allowed(url: str) -> bool:
    """https, or http where settings allow it (development and tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    allow_http = getattr(settings, "ATTUNE_WEBHOOK_ALLOW_HTTP", False)
    return bool(allow_http and parts.scheme == "http" and parts.hostname)


# -- endpoints -------------------------------------------------------------------------------


@transaction.atomic
def create_endpoint(
    *, actor: Any, url: str, events: list[str], program: Any = None, jurisdiction: Any = None
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        program=program, jurisdiction=jurisdiction, url=url, events=sorted(set(events)),
        secret=new_secret(), created_by=actor,
    )  # fmt: skip
    save_audited(endpoint, actor)
    return endpoint


@transaction.atomic
def set_active(*, actor: Any, endpoint: WebhookEndpoint, active: bool) -> None:
    endpoint.active = active
    save_audited(endpoint, actor, update_fields=["active"])


# -- events ----------------------------------------------------------------------------------


def emit(
    event: str, data: dict[str, Any], *, program_id: int | None, jurisdiction_id: int | None
) -> int:
    """One delivery per active endpoint following `event` (in the caller's transaction)."""
    scope = (
        Q(program_id=program_id) if program_id is not None else Q(jurisdiction_id=jurisdiction_id)
    )
    endpoints = [e for e in WebhookEndpoint.objects.filter(scope, active=True) if event in e.events]
    if not endpoints:
        return 0
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=e,
            event=event,
            next_attempt_at=now,
            payload={"event": event, "occurred_at": now.isoformat(), "data": data},
        )
        for e in endpoints
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def _enqueue(ids: list[int]) -> None:
    from attune.api import tasks

    for pk in ids:
        tasks.deliver_webhook.enqueue(delivery_id=pk)


@receiver(pre_save, sender=Child)
def _child_before(sender: Any, instance: Child, **kwargs: Any) -> None:
    if instance.pk is not None and not kwargs.get("raw"):
        instance._api_was_end = (  # type: ignore[attr-defined]
            Child.objects.filter(pk=instance.pk).values_list("enrollment_end", flat=True).first()
        )


@receiver(post_save, sender=Child)
def _child_after(sender: Any, instance: Child, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    data: dict[str, Any] = {"child_id": instance.pk, "program_id": instance.program_id}
    if created:
        data["effective"] = instance.enrollment_start.isoformat()
        emit(Event.CHILD_ENROLLED, data, program_id=instance.program_id, jurisdiction_id=None)
        return
    before = getattr(instance, "_api_was_end", None)
    if instance.enrollment_end is not None and instance.enrollment_end != before:
        data["effective"] = instance.enrollment_end.isoformat()
        emit(Event.CHILD_LEFT, data, program_id=instance.program_id, jurisdiction_id=None)


@receiver(pre_save, sender=Stay)
def _stay_before(sender: Any, instance: Stay, **kwargs: Any) -> None:
    if instance.pk is not None and not kwargs.get("raw"):
        instance._api_was_out = (  # type: ignore[attr-defined]
            Stay.objects.filter(pk=instance.pk).values_list("out_at", flat=True).first()
        )


@receiver(post_save, sender=Stay)
def _stay_after(sender: Any, instance: Stay, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    program_id = Child.objects.filter(pk=instance.child_id).values_list("program_id", flat=True)
    data: dict[str, Any] = {
        "stay_id": instance.pk, "child_id": instance.child_id, "room_id": instance.room_id,
    }  # fmt: skip
    if created:
        data["at"] = instance.in_at.isoformat()
        emit(Event.ATTENDANCE_IN, data, program_id=program_id.first(), jurisdiction_id=None)
    elif instance.out_at is not None and getattr(instance, "_api_was_out", None) is None:
        data["at"] = instance.out_at.isoformat()
        emit(Event.ATTENDANCE_OUT, data, program_id=program_id.first(), jurisdiction_id=None)


@receiver(pre_save, sender=PlanRun)
def _plan_before(sender: Any, instance: PlanRun, **kwargs: Any) -> None:
    if instance.pk is not None and not kwargs.get("raw"):
        instance._api_was_state = (  # type: ignore[attr-defined]
            PlanRun.objects.filter(pk=instance.pk).values_list("state", flat=True).first()
        )


@receiver(post_save, sender=PlanRun)
def _plan_after(sender: Any, instance: PlanRun, **kwargs: Any) -> None:
    was = getattr(instance, "_api_was_state", None)
    if instance.state == PlanRun.State.ACCEPTED and was != PlanRun.State.ACCEPTED:
        emit(
            Event.PLAN_ACCEPTED,
            {"plan_id": instance.pk, "program_id": instance.program_id,
             "as_of": instance.as_of.isoformat()},
            program_id=instance.program_id, jurisdiction_id=None,
        )  # fmt: skip


@receiver(post_save, sender=Certificate)
def _certificate_after(sender: Any, instance: Certificate, created: bool, **kwargs: Any) -> None:
    if created and instance.kind == Certificate.Kind.SERIES and not kwargs.get("raw"):
        emit(
            Event.TRAINING_COMPLETED,
            {"person_id": instance.person_id, "certificate_id": instance.pk,
             "completed_on": instance.completed_on.isoformat()},
            program_id=None, jurisdiction_id=instance.person.jurisdiction_id,
        )  # fmt: skip


# -- delivering ------------------------------------------------------------------------------


def deliver(delivery_id: int) -> str:
    """Post one delivery if it is due and not being posted; record the answer. Returns its
    status after this try (or "skipped")."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        Q(status=WebhookDelivery.Status.PENDING)
        | Q(status=WebhookDelivery.Status.SENDING, locked_until__lt=now),
        pk=delivery_id,
        next_attempt_at__lte=now,
    ).update(status=WebhookDelivery.Status.SENDING, locked_until=now + timedelta(seconds=60))
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps({"id": delivery.pk, **delivery.payload}).encode()
    code, error = None, ""
    if not endpoint.active:
        error = "the webhook was turned off"
    elif not url_allowed(endpoint.url):
        error = "the address is not https"
    else:
        stamp = int(time.time())
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            endpoint.url, data=body, method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "Attune-Webhooks/1",
                     "Attune-Event": delivery.event, "Attune-Delivery": str(delivery.pk),
                     "Attune-Signature": sign(endpoint.secret, stamp, body)},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                code = response.status
        except urllib.error.HTTPError as exc:
            code, error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            error = type(exc).__name__
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.last_error = error[:200]
    delivery.locked_until = None
    if code is not None and 200 <= code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
    elif delivery.attempts >= MAX_ATTEMPTS or not endpoint.active:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
    delivery.save()
    logger.info(
        "webhook delivery %s (endpoint %s, %s): try %d, %s",
        delivery.pk, endpoint.pk, delivery.event, delivery.attempts, delivery.status,
    )  # fmt: skip
    return str(delivery.status)


def due(now: Any = None) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            Q(status=WebhookDelivery.Status.PENDING)
            | Q(status=WebhookDelivery.Status.SENDING, locked_until__lt=now),
            next_attempt_at__lte=now,
        ).values_list("pk", flat=True)[:500]
    )
