"""Messages between a child's family and the program (the primary caregiver, the director).

Writes are audited like the child's record; a message reaches the other side as a
notification (attune.accounts.notify: in the app and by email, in the reader's language;
the message itself stays in the language it was written in, and says which)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attune.accounts import notify
from attune.care.models import Message
from attune.lib import languages
from attune.lib.audit import save_audited
from attune.programs.models import Child
from attune.programs.notices import directors, family_users

if TYPE_CHECKING:
    from attune.accounts.models import User


class MessageError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def language_choices(child: Child, writer: User | None) -> list[tuple[str, str]]:
    """Languages a message about this child may be written in: the writer's, the family's,
    the child's home languages, the primary caregiver's, English and Spanish."""
    codes: list[str] = []
    if writer is not None:
        codes.append(writer.preferred_language)
    codes += [child.family.preferred_language or "", *(child.home_languages or [])]
    if child.primary_caregiver is not None:
        codes += list(child.primary_caregiver.languages or [])
    codes += ["en", "es"]
    out = []
    for code in dict.fromkeys(c for c in codes if c):
        try:
            out.append((languages.normalize(code), languages.name(code)))
        except languages.UnknownLanguage:
            continue
    return list(dict(out).items())


@transaction.atomic
def send(*, actor: User | None, child: Child, side: str, text: str, language: str) -> Message:
    text = text.strip()
    if not text:
        raise MessageError(_("Write the message."))
    message = Message(child=child, side=side, author=actor, text=text, language=language)
    save_audited(message, actor)
    params = {"child": child.display_first_name, "who": str(actor) if actor else "—"}
    if side == Message.Side.FAMILY:
        readers = directors(child.program_id)
        primary = child.primary_caregiver
        if primary is not None and primary.user is not None:
            readers.insert(0, primary.user)
    else:
        readers = family_users(child)
    readers = [u for u in readers if actor is None or u.pk != actor.pk]
    notify.notify(
        users=readers,
        kind=notify.Kind.MESSAGE,
        title=lambda: _("A message about %(child)s from %(who)s") % params,
        body=lambda: text[:300],
        url=reverse("child_messages", args=[child.pk]),
        key=f"message:{message.pk}",
    )
    return message


def mark_read(*, child: Child, reader_side: str) -> int:
    """The other side's messages, opened: marked read (not an edit of the message)."""
    other = Message.Side.STAFF if reader_side == Message.Side.FAMILY else Message.Side.FAMILY
    return Message.objects.filter(child=child, side=other, read_at__isnull=True).update(
        read_at=timezone.now()
    )
