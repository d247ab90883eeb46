"""Personal access tokens (attune.api.models.ApiToken): made, listed and revoked by their
person, stored only as a hash, expiring, audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from attune.api.models import ApiToken
from attune.lib.audit import acting_as, save_audited

if TYPE_CHECKING:
    from attune.accounts.models import User
    from attune.programs.models import Program

PREFIX = "att_"  # every secret starts so (secret scanners can recognise it)
MAX_DAYS = 366
LIFETIMES = (7, 30, 90, 365)  # the choices on the page, in days


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue(
    *,
    user: User,
    name: str,
    scope: str,
    days: int,
    program: Program | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret. The secret is returned once and never stored."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=raw[: len(PREFIX) + 6],
        key_hash=_hash(raw),
        scope=scope,
        program=program,
        expires_at=timezone.now() + timedelta(days=max(1, min(days, MAX_DAYS))),
    )
    save_audited(token, user)
    return token, raw


def of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("program")


@transaction.atomic
def revoke(*, user: User, token: ApiToken) -> bool:
    """Stop the token now (its person, or anyone acting for them)."""
    locked = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
    if locked is None or locked.revoked_at is not None:
        return False
    locked.revoked_at = timezone.now()
    with acting_as(user):
        locked.save(update_fields=["revoked_at"])
    return True


def resolve(raw: str) -> ApiToken | None:
    """The live token with this secret, or None (unknown, revoked, expired, or its person
    can no longer sign in)."""
    if not raw or len(raw) > 100 or not raw.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.filter(key_hash=_hash(raw), revoked_at__isnull=True)
        .select_related("user", "program")
        .first()
    )
    if token is None or not token.is_live() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
