"""What every person does for themself (issue #16): their name and language, their email
(the new address confirmed by a link sent to it), signing out their other sessions, and their
own sign-in history. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from attune.accounts import invitations, sessions
from attune.accounts.models import User
from attune.lib import audit

if TYPE_CHECKING:
    from django.http import HttpRequest

EMAIL_SALT = "attune.accounts.email-change"
EMAIL_LINK_DAYS = 3
SIGN_IN_EVENTS = ("signed_in", "sign_in_failed", "signed_out", "locked_out", "password_changed",
                  "password_reset")  # fmt: skip


class Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def update_profile(*, user: User, data: dict[str, Any]) -> None:
    for name in ("first_name", "last_name", "preferred_language"):
        if name in data:
            setattr(user, name, data[name])
    audit.save_audited(user, user, update_fields=["first_name", "last_name", "preferred_language"])


@invitations.audits_refusals
def ask_email_change(*, user: User, new_email: str, base_url: str, request: HttpRequest) -> None:
    """Send a link to the new address; the address changes only when it is opened (by the
    person signed in). Refused (audited) when the address is someone else's sign-in."""
    new_email = new_email.strip().lower()
    if invitations.email_in_use(new_email, except_user=user):
        raise invitations.refuse(
            actor=user,
            about=new_email,
            request=request,
            message=_("%(email)s is already someone's sign-in: choose another address.")
            % {"email": new_email},
        )
    token = signing.dumps(
        {"user": user.pk, "email": new_email, "was": user.email}, salt=EMAIL_SALT, compress=True
    )
    url = base_url.rstrip("/") + reverse("accounts:email_confirm", args=[token])
    send_mail(
        _("Confirm your new email address for Attune"),
        _(
            "Hello,\n\nOpen this link (within %(days)s days, signed in to Attune) to use this "
            "address from now on:\n\n%(url)s\n\nIf you did not ask for it, ignore this email."
        )
        % {"days": EMAIL_LINK_DAYS, "url": url},
        None,
        [new_email],
    )


@transaction.atomic
def confirm_email_change(*, user: User, token: str) -> str:
    """The new address, once its link is opened by the same person; refused when the link is
    too old, is another person's, was already used (the address changed since) or the
    address was taken meanwhile."""
    try:
        data = signing.loads(token, salt=EMAIL_SALT, max_age=EMAIL_LINK_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        raise Refused(_("This link is too old: ask for the change again.")) from None
    except signing.BadSignature:
        raise Refused(_("This link is not valid.")) from None
    if data.get("user") != user.pk:
        raise Refused(_("This link is for another person's account."))
    if user.email != data.get("was"):
        raise Refused(_("This link was used already, or your address changed since."))
    email = str(data["email"])
    if invitations.email_in_use(email, except_user=user):
        raise Refused(_("%(email)s became someone else's sign-in meanwhile.") % {"email": email})
    fields = ["email"]
    if user.username.lower() == user.email.lower():
        user.username = email  # people who sign in with their address keep doing so
        fields.append("username")
    user.email = email
    audit.save_audited(user, user, update_fields=fields)
    return email


def sign_out_elsewhere(*, user: User, request: HttpRequest) -> int:
    ended = sessions.end_sessions(user, keep=request.session.session_key)
    audit.log_event(
        actor=user, event="signed_out_elsewhere", instance=user, detail={"sessions": ended},
        request=request,
    )  # fmt: skip
    return ended


@dataclass(frozen=True)
class SignIn:
    at: datetime
    what: str
    address: str
    browser: str


def sign_in_history(user: User, limit: int = 30) -> list[SignIn]:
    """The person's own sign-ins, failed attempts with their name, sign-outs, password
    changes: newest first."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk),
        additional_data__event__in=SIGN_IN_EVENTS,
    ).order_by("-timestamp")[:limit]
    return [
        SignIn(
            at=e.timestamp,
            what=str(audit.EVENT_LABELS[e.additional_data["event"]]),
            address=e.remote_addr or "",
            browser=str(e.additional_data.get("user_agent", ""))[:80],
        )
        for e in entries
    ]
