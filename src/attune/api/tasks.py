"""The API app's tasks on the queue (attune.jobs): webhook posts and their retries."""

from __future__ import annotations

from django_tasks import task

from attune.api import webhooks


@task(queue_name="default")
def deliver_webhook(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id)


@task(queue_name="default")
def retry_webhooks() -> int:
    """Every minute (the `webhook-retries` schedule): post the deliveries that are due."""
    ids = webhooks.due()
    for pk in ids:
        webhooks.deliver(pk)
    return len(ids)


@task(queue_name="default")
def forget_idempotency_keys() -> int:
    """Daily (the `api-idempotency-keys` schedule): keys older than a day are forgotten; a
    client retries within minutes, never a day later."""
    from datetime import timedelta

    from django.utils import timezone

    from attune.api.models import IdempotencyKey

    old = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - timedelta(days=1))
    return int(old.delete()[0])
