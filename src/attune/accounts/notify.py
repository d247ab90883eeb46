"""Telling people things: one entry point, `notify`, for every kind of notification.

Each person gets an in-app notification (their list, the live badge of every page) and, when
their choice for that kind says so (by default yes), an email; both written in the person's
own language (User.preferred_language). Emails go through Django's send_mail, whose backend
queues them on the task queue (attune.jobs.mail): nothing is sent in the request, and a
rolled-back write sends nothing. A `key` makes a notification once-only per person (an alert
for one episode, however many checks see it).

Other apps call it with texts as functions of no arguments, run under each recipient's
language, e.g. ``title=lambda: _("Out of ratio: %(room)s") % {...}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from attune.accounts.models import Notification, NotificationChoice
from attune.lib import text

if TYPE_CHECKING:
    from attune.accounts.models import User

Kind = Notification.Kind
TITLE_MAX = 200
BODY_MAX = 2000


def wants_email(user: User, kind: str) -> bool:
    choice = NotificationChoice.objects.filter(user=user, kind=kind).first()
    return choice.email if choice is not None else True


def choices(user: User) -> dict[str, bool]:
    """Every kind with whether the person gets it by email too."""
    chosen = dict(NotificationChoice.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in Kind.values}


@transaction.atomic
def set_choices(*, user: User, email_kinds: Iterable[str]) -> None:
    wanted = set(email_kinds)
    for kind in Kind.values:
        NotificationChoice.objects.update_or_create(
            user=user, kind=kind, defaults={"email": kind in wanted}
        )


def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: Callable[[], str],
    body: Callable[[], str] = lambda: "",
    url: str = "",
    urgent: bool = False,
    key: str = "",
) -> list[Notification]:
    """Notify each person once (per `key` when given); returns the notifications made now."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind: {kind}")
    made: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(user.preferred_language or "en"):
            subject = text.header_safe(title())[:TITLE_MAX]
            message = body()[:BODY_MAX]
            footer = _("Open it in Attune: %(path)s") % {"path": url} if url else ""
            email_text = "\n\n".join(p for p in (message, footer) if p)
            note = Notification(
                user=user, kind=kind, title=subject, body=message, url=url, urgent=urgent,
                key=key[:120],
            )  # fmt: skip
            try:
                with transaction.atomic():
                    note.save()
            except IntegrityError:
                continue  # told already
            if user.email and wants_email(user, kind):
                send_mail(subject, email_text or subject, None, [user.email])
                Notification.objects.filter(pk=note.pk).update(emailed=True)
                note.emailed = True
        made.append(note)
    return made


def unread(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one notification of the person (or all of them) read."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())
