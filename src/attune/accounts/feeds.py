"""Secret calendar-feed addresses (attune.accounts.models.FeedToken): made, stopped and
renewed by their person, stored only as a hash, audited."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from attune.accounts.models import FeedToken, User
from attune.lib.audit import acting_as


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def live(user: User, kind: str, subject_id: int) -> FeedToken | None:
    return FeedToken.objects.filter(
        user=user, kind=kind, subject_id=subject_id, revoked_at__isnull=True
    ).first()


@transaction.atomic
def issue(*, user: User, kind: str, subject_id: int) -> str:
    """A new secret for the feed (the previous one stops working). Returns the secret: it is
    shown once and never stored."""
    stop(user=user, kind=kind, subject_id=subject_id)
    raw = secrets.token_urlsafe(32)
    with acting_as(user):
        FeedToken.objects.create(user=user, kind=kind, subject_id=subject_id, key_hash=_hash(raw))
    return raw


def _stop(tokens: QuerySet[FeedToken], actor: User | None) -> int:
    stopped = 0
    with acting_as(actor):
        for token in tokens.filter(revoked_at__isnull=True).select_for_update():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            stopped += 1
    return stopped


@transaction.atomic
def stop(*, user: User, kind: str, subject_id: int) -> bool:
    return bool(_stop(FeedToken.objects.filter(user=user, kind=kind, subject_id=subject_id), user))


@transaction.atomic
def stop_all(*, user: User, actor: User | None) -> int:
    """Every feed of the person (their access ended)."""
    return _stop(FeedToken.objects.filter(user=user), actor)


def resolve(raw: str, kind: str) -> FeedToken | None:
    """The live feed with this secret, or None (unknown, stopped, or of another kind)."""
    if not raw or len(raw) > 100:
        return None
    token = (
        FeedToken.objects.filter(key_hash=_hash(raw), kind=kind, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    FeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
