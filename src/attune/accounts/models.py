from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may see comes from attune.lib.access, never from here."""

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Language of the pages and of messages sent to this person."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Submission(models.Model):
    """A form sent once: the key its page carried, and what the first send answered.

    attune.accounts.once keeps a double submit (a second click, a retry, five tabs at once)
    from creating a record twice: the key is claimed in the same transaction as the view's
    writes, so of simultaneous sends one runs and the others get its answer."""

    key = models.CharField(max_length=80, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.path} ({self.status_code or '…'})"


class FeedToken(models.Model):
    """A secret calendar-feed address of one person (a calendar app cannot sign in).

    Only a hash of the secret is kept: the address is shown once, when it is made. The person
    stops it or makes a new one (which stops the old) from their page; a stopped feed answers
    404, and so does a feed whose person no longer has the access it was made with."""

    class Kind(models.TextChoices):
        PERSON = "person", _("my training calendar")
        STATE = "state", _("a state's training calendar")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject_id = models.PositiveBigIntegerField(
        help_text="The person (training record) or the state the feed shows."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "subject_id"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_feed_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.user})"


class Notification(models.Model):
    """Something a person is told: in the app (this row) and, by their choice per kind, by
    email. Written in the person's language when it is made (attune.accounts.notify)."""

    class Kind(models.TextChoices):
        RATIO = "ratio", _("a room out of ratio or a group over size")
        NAP_CHECK = "nap_check", _("an overdue nap check")
        CARE_PLAN_PROPOSED = "care_plan_proposed", _("a family proposed a care-plan change")
        CARE_PLAN_DECIDED = "care_plan_decided", _("a decision on a care-plan proposal")
        PRIMARY_CHANGE = "primary_change", _("a change of primary caregiver")
        MESSAGE = "message", _("a new message")
        ABSENCE = "absence", _("an absence or late arrival reported")
        INVITATION = "invitation", _("an invitation about to expire")
        CREDENTIAL = "credential", _("a credential about to expire")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, max_length=2000)
    url = models.CharField(_("link"), max_length=300, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notification_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class NotificationChoice(models.Model):
    """A person's choice for one kind of notification: also by email, or in the app only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Notification.Kind.choices)
    email = models.BooleanField(_("also by email"), default=True)

    class Meta:
        verbose_name = _("notification choice")
        verbose_name_plural = _("notification choices")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_choice_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind}"


class Membership(models.Model):
    """A staff or oversight role of a person: in a program, an organization or a state.

    Caregivers and family members get theirs from their records (programs). The scope is a
    string foreign key, so accounts stays below the apps it refers to."""

    class Role(models.TextChoices):
        STATE_ADMIN = "state_admin", _("State/territory administrator")
        ORG_ADMIN = "org_admin", _("Organization administrator")
        DIRECTOR = "director", _("Program director")
        SPECIALIST = "specialist", _("T/TA specialist")
        TRAINER = "trainer", _("Trainer")
        # the state infant mental health association's endorsement coordinator
        COORDINATOR = "coordinator", _("Endorsement coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        "programs.Jurisdiction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("state, territory or Tribe"),
    )
    organization = models.ForeignKey(
        "programs.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("program"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # Each role is scoped to exactly the kind of thing it oversees.
            models.CheckConstraint(
                condition=(
                    Q(role="state_admin", jurisdiction__isnull=False, organization__isnull=True,
                      program__isnull=True)
                    | Q(role="org_admin", organization__isnull=False, jurisdiction__isnull=True,
                        program__isnull=True)
                    | Q(role__in=["director", "specialist", "trainer"], program__isnull=False,
                        jurisdiction__isnull=True, organization__isnull=True)
                    # an Infant/Toddler Specialist for a whole state's Training for Trainers
                    | Q(role="specialist", jurisdiction__isnull=False, organization__isnull=True,
                        program__isnull=True)
                    # the state association's endorsement coordinator
                    | Q(role="coordinator", jurisdiction__isnull=False, organization__isnull=True,
                        program__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        scope = self.program or self.organization or self.jurisdiction
        return f"{self.get_role_display()}: {scope}"


class Invitation(models.Model):
    """An emailed, single-use link that lets a person set a password and take up a role.

    Only a hash of the link's secret is kept. A link works once, until it expires (7 days
    by default, ATTUNE_INVITATION_DAYS) or is withdrawn; resending makes a new link and the
    old one stops working. The role's scope is a string foreign key (accounts stays below
    the apps): an organization (administrator), a program (director, caregiver, floater,
    T/TA specialist, trainer), a state (its T/TA specialist or trainer); a caregiver's or a
    guardian's invitation also names their record, which the sign-in is linked to."""

    class Role(models.TextChoices):
        ORG_ADMIN = "org_admin", _("Organization administrator")
        DIRECTOR = "director", _("Program director")
        CAREGIVER = "caregiver", _("Caregiver")
        FLOATER = "floater", _("Floater")
        SPECIALIST = "specialist", _("T/TA specialist")
        TRAINER = "trainer", _("Trainer")
        GUARDIAN = "guardian", _("Guardian")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        ACCEPTED = "accepted", _("accepted")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")

    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    organization = models.ForeignKey(
        "programs.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("program"),
    )
    jurisdiction = models.ForeignKey(
        "programs.Jurisdiction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("state, territory or Tribe"),
    )
    # the record the sign-in is for (a caregiver or a guardian), written when invited
    caregiver = models.ForeignKey(
        "programs.Caregiver",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("caregiver"),
    )
    guardian = models.ForeignKey(
        "programs.Guardian",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("guardian"),
    )
    # the account the link sets a password for: made when the invitation is accepted, or
    # beforehand (the first administrator `create_organization` makes)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("person"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # exactly the scope its role needs
            models.CheckConstraint(
                condition=(
                    Q(role="org_admin", organization__isnull=False, program__isnull=True,
                      jurisdiction__isnull=True, caregiver__isnull=True, guardian__isnull=True)
                    | Q(role="director", program__isnull=False, organization__isnull=True,
                        jurisdiction__isnull=True, caregiver__isnull=True, guardian__isnull=True)
                    | Q(role__in=["caregiver", "floater"], program__isnull=False,
                        caregiver__isnull=False, organization__isnull=True,
                        jurisdiction__isnull=True, guardian__isnull=True)
                    | Q(role__in=["specialist", "trainer"], organization__isnull=True,
                        caregiver__isnull=True, guardian__isnull=True)
                    & (Q(program__isnull=False, jurisdiction__isnull=True)
                       | Q(program__isnull=True, jurisdiction__isnull=False))
                    | Q(role="guardian", guardian__isnull=False, program__isnull=False,
                        organization__isnull=True, jurisdiction__isnull=True,
                        caregiver__isnull=True)
                ),
                name="invitation_scope_matches_role",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.email}: {self.get_role_display()}"

    @property
    def state(self) -> str:
        """pending, accepted, withdrawn or expired (Invitation.State)."""
        from django.utils import timezone

        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.withdrawn_at is not None:
            return self.State.WITHDRAWN
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def scope(self) -> Any:
        return self.program or self.organization or self.jurisdiction
