"""Sign-ins, failed sign-ins, lockouts and sign-outs go to the audit trail, with the client's
address and browser (issue #14: repeated failures lock out by user and address, django-axes)."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from attune.lib import audit


def _typed_name(credentials: dict[str, Any]) -> str:
    """The name typed at a failed sign-in, printable and short (it may be anything)."""
    typed = str(credentials.get("username", ""))
    return "".join(ch for ch in typed if ch.isprintable())[:150]


@receiver(user_logged_in)
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.log_event(actor=user, event="signed_in", instance=user, request=request)


@receiver(user_logged_out)
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.log_event(actor=user, event="signed_out", instance=user, request=request)


@receiver(user_login_failed)
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from django.contrib.auth import get_user_model

    name = _typed_name(credentials)
    user = get_user_model().objects.filter(username=name).first() if name else None
    audit.log_event(actor=None, event="sign_in_failed", instance=user, about=name, request=request)


@receiver(user_locked_out)
def locked_out(
    sender: Any, request: HttpRequest | None, username: str | None = None, **kwargs: Any
) -> None:
    audit.log_event(
        actor=None, event="locked_out", about=_typed_name({"username": username}), request=request
    )


pre_save.connect(audit.add_request_details, sender=LogEntry, dispatch_uid="attune-request-details")
