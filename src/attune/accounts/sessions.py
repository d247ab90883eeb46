"""Signing a person out of every browser at once (their access ended, or they asked to)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

if TYPE_CHECKING:
    from attune.accounts.models import User


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete the person's live sessions (all but the session key `keep`); returns how many.

    Sessions are stored in the database (django.contrib.sessions); each is decoded, which is
    fine for the rare moments this runs (a leaver, a person signing out elsewhere)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if data.get(SESSION_KEY) == str(user.pk) and session.session_key != keep:
            session.delete()
            ended += 1
    return ended
