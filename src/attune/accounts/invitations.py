"""Invitations: a single-use emailed link to set a password and take up a role.

The decisions about *who may invite whom* are attune.lib.access's (the views ask it before
calling here); this module issues, sends, resends, withdraws and accepts. What a role gives
on acceptance: a membership (administrator, director, T/TA specialist, trainer) made here, or
a link to the caregiver's or guardian's record, made by the app that owns the record through
`on_accept` (accounts sits below programs and imports none of it). Every refusal is audited
(`invitation_refused`) and changes nothing."""

from __future__ import annotations

import contextvars
import functools
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attune.accounts.models import Invitation, Membership, User
from attune.lib import audit

if TYPE_CHECKING:
    from django.http import HttpRequest

MEMBERSHIP_ROLES = {
    Invitation.Role.ORG_ADMIN: Membership.Role.ORG_ADMIN,
    Invitation.Role.DIRECTOR: Membership.Role.DIRECTOR,
    Invitation.Role.SPECIALIST: Membership.Role.SPECIALIST,
    Invitation.Role.TRAINER: Membership.Role.TRAINER,
}

# role -> what links the new sign-in to its record (registered by the record's app)
_ACCEPTORS: dict[str, Callable[[Invitation, User], None]] = {}


def on_accept(role: str, link: Callable[[Invitation, User], None]) -> None:
    _ACCEPTORS[role] = link


class InvitationRefused(Exception):
    """A request about people and roles that changes nothing; `message` says why, for people.

    Its audit entry is written by the outermost service that raised it (`audits_refusals`),
    after every transaction of the request has been rolled back, so the entry stays."""

    def __init__(self, message: str, audit_entry: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self._audit_entry = audit_entry

    def audit(self) -> None:
        if self._audit_entry is not None:
            audit.log_event(event="invitation_refused", **self._audit_entry)
            self._audit_entry = None


_service_depth: contextvars.ContextVar[int] = contextvars.ContextVar("refusals", default=0)
F = TypeVar("F", bound=Callable[..., Any])


def audits_refusals(function: F) -> F:
    """Audit an InvitationRefused when it leaves the outermost such service (outside its
    transactions, whose writes the refusal rolled back)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _service_depth.set(_service_depth.get() + 1)
        try:
            return function(*args, **kwargs)
        except InvitationRefused as refused:
            if _service_depth.get() == 1:
                refused.audit()
            raise
        finally:
            _service_depth.reset(token)

    return cast(F, wrapper)


def valid_days() -> int:
    return int(getattr(settings, "ATTUNE_INVITATION_DAYS", 7))


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def link(base_url: str, raw: str) -> str:
    """The absolute address of the invitation's link."""
    return base_url.rstrip("/") + reverse("accounts:invitation", args=[raw])


def refuse(
    *, actor: User | None, message: str, about: str, request: HttpRequest | None = None
) -> InvitationRefused:
    """The exception that tells the person why a request was refused, with its audit entry
    (written by `audits_refusals`)."""
    return InvitationRefused(
        message,
        {"actor": actor, "about": about, "detail": {"reason": str(message)}, "request": request},
    )


def email_in_use(email: str, *, except_user: User | None = None) -> bool:
    people = User.objects.filter(email__iexact=email) | User.objects.filter(username__iexact=email)
    if except_user is not None:
        people = people.exclude(pk=except_user.pk)
    return people.exists()


@audits_refusals
def refuse_if_taken(*, actor: User | None, email: str, request: HttpRequest | None) -> None:
    """Refused (audited) when the address is already someone's sign-in."""
    if email_in_use(email):
        raise refuse(
            actor=actor,
            about=email,
            request=request,
            message=_(
                "%(email)s is already the sign-in of someone in Attune. Each person signs in "
                "with their own address: ask them for another one. Nothing was sent."
            )
            % {"email": email},
        )


@audits_refusals
@transaction.atomic
def invite(
    *,
    actor: User | None,
    email: str,
    role: str,
    base_url: str,
    first_name: str = "",
    last_name: str = "",
    user: User | None = None,
    request: HttpRequest | None = None,
    **scope: Any,
) -> tuple[Invitation, str]:
    """Write and send an invitation; returns it with its link (shown once). `scope` names
    what the role is of: organization, program, jurisdiction, caregiver, guardian (objects
    or *_id). Refused (nothing written, audited) when the address belongs to someone else
    or a link for the same role is already waiting."""
    email = email.strip().lower()
    if user is None:
        refuse_if_taken(actor=actor, email=email, request=request)
    ids = {k if k.endswith("_id") else f"{k}_id": getattr(v, "pk", v) for k, v in scope.items()}
    waiting = Invitation.objects.filter(
        email__iexact=email,
        role=role,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
        # the same role in the same place (a caregiver's or guardian's record aside)
        **{k: v for k, v in ids.items() if k not in ("caregiver_id", "guardian_id")},
    )
    if waiting.exists():
        raise refuse(
            actor=actor,
            about=email,
            request=request,
            message=_(
                "%(email)s already has a waiting invitation to this role: resend or "
                "withdraw it from the list of pending invitations."
            )
            % {"email": email},
        )
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        email=email,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        user=user,
        invited_by=actor,
        key_hash=_hash(raw),
        sent_at=now,
        expires_at=now + timedelta(days=valid_days()),
        **ids,
    )
    audit.save_audited(invitation, actor)
    _send(invitation, link(base_url, raw))
    return invitation, raw


def _send(invitation: Invitation, url: str) -> None:
    inviter = invitation.invited_by
    by = (inviter.get_full_name() or inviter.email) if inviter is not None else "Attune"
    subject = _("You are invited to Attune")
    body = _(
        "Hello,\n\n%(by)s invites you to Attune as %(role)s (%(scope)s).\n\n"
        "Open this link to choose your password and sign in. It works once and until "
        "%(expires)s:\n\n%(url)s\n\nIf you did not expect this invitation, ignore this email."
    ) % {
        "by": by,
        "role": invitation.get_role_display(),
        "scope": invitation.scope,
        "expires": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
        "url": url,
    }
    send_mail(subject, body, None, [invitation.email])


@audits_refusals
@transaction.atomic
def resend(*, actor: User | None, invitation: Invitation, base_url: str) -> str:
    """A new link (the old one stops working), valid for the full period again."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state in (Invitation.State.ACCEPTED, Invitation.State.WITHDRAWN):
        raise refuse(
            actor=actor,
            about=invitation.email,
            message=_("This invitation was %(state)s: it cannot be sent again.")
            % {"state": Invitation.State(invitation.state).label},
        )
    raw = secrets.token_urlsafe(32)
    invitation.key_hash = _hash(raw)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + timedelta(days=valid_days())
    audit.save_audited(invitation, actor, update_fields=["key_hash", "sent_at", "expires_at"])
    _send(invitation, link(base_url, raw))
    return raw


@audits_refusals
@transaction.atomic
def withdraw(*, actor: User | None, invitation: Invitation) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state == Invitation.State.ACCEPTED:
        raise refuse(
            actor=actor,
            about=invitation.email,
            message=_("This invitation was already accepted: end the person's role instead."),
        )
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        audit.save_audited(invitation, actor, update_fields=["withdrawn_at"])


REFUSED_LINK: dict[str, Any] = {
    Invitation.State.ACCEPTED: gettext_lazy(
        "This invitation link was already used. Sign in with the password you chose, or ask "
        "for a new password from the sign-in page."
    ),
    Invitation.State.WITHDRAWN: gettext_lazy(
        "This invitation was withdrawn. Ask the person who invited you if you still need access."
    ),
    Invitation.State.EXPIRED: gettext_lazy(
        "This invitation link has expired. Ask the person who invited you to send it again."
    ),
}
UNKNOWN_LINK = gettext_lazy(
    "This invitation link is not valid. Check that the whole address was copied, or ask for "
    "a new invitation."
)


def find(raw: str) -> Invitation | None:
    return (
        Invitation.objects.filter(key_hash=_hash(raw))
        .select_related("organization", "program", "jurisdiction", "user", "invited_by")
        .first()
    )


@audits_refusals
def check_link(raw: str, *, request: HttpRequest | None = None) -> Invitation:
    """The invitation a link opens while it can be accepted; else refused (audited)."""
    invitation = find(raw)
    if invitation is None:
        raise refuse(actor=None, about="?", message=str(UNKNOWN_LINK), request=request)
    state = invitation.state
    if state != Invitation.State.PENDING:
        raise refuse(
            actor=None, about=invitation.email, message=str(REFUSED_LINK[state]), request=request
        )
    return invitation


@audits_refusals
@transaction.atomic
def accept(
    *,
    raw: str,
    password: str,
    first_name: str,
    last_name: str,
    request: HttpRequest | None = None,
) -> User:
    """Use the link once: the person's sign-in with the password they chose, and their role.
    Two people opening the same link at once: one wins, the other is told it was used."""
    found = check_link(raw, request=request)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.state != Invitation.State.PENDING:
        raise refuse(
            actor=None,
            about=invitation.email,
            message=str(REFUSED_LINK[invitation.state]),
            request=request,
        )
    user = invitation.user
    if user is None:
        if email_in_use(invitation.email):
            raise refuse(
                actor=None,
                about=invitation.email,
                request=request,
                message=_(
                    "%(email)s became someone else's sign-in since this invitation was sent. "
                    "Ask for a new invitation to another address."
                )
                % {"email": invitation.email},
            )
        user = User(username=invitation.email, email=invitation.email)
        user.preferred_language = getattr(request, "LANGUAGE_CODE", "") or user.preferred_language
    user.first_name = first_name.strip() or invitation.first_name
    user.last_name = last_name.strip() or invitation.last_name
    user.set_password(password)
    audit.save_audited(user, user)
    membership_role = MEMBERSHIP_ROLES.get(invitation.role)  # type: ignore[call-overload]
    if membership_role is not None:
        with audit.acting_as(user):
            scope: dict[str, Any] = {
                "program_id": invitation.program_id,
                "organization_id": invitation.organization_id,
                "jurisdiction_id": invitation.jurisdiction_id,
            }
            Membership.objects.get_or_create(user=user, role=membership_role, **scope)
    else:
        _ACCEPTORS[invitation.role](invitation, user)
    invitation.user = user
    invitation.accepted_at = timezone.now()
    audit.save_audited(invitation, user, update_fields=["user", "accepted_at"])
    return user
