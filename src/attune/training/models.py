"""Relationship-Based Care Training for Trainers (TFT) and its cascade (../shared/domain.md §5).

The series' nine sessions are a catalog (loaded by a data migration). A state, territory or
Tribal lead requests a TFT; a specialist schedules it as an event (a cohort) with dated
sessions, enrolls participants and records attendance. Each participant commits to deliver
the training in their community within the cohort's window; their community deliveries record
sessions, adaptations and the caregivers who attended, with registry IDs, and yield
certificates and the registry export.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attune.lib import uploads
from attune.programs.models import Jurisdiction

MAX_SESSION_HOURS = Decimal("12")
PRACTICES = (
    ("primary_caregiving", _("Primary caregiving")),
    ("continuity", _("Continuity of care")),
    ("small_groups", _("Small group care")),
    ("individualized", _("Individualized care")),
    ("culturally_responsive", _("Culturally responsive care")),
    ("inclusive", _("Inclusive care")),
)


class TrainingSession(models.Model):
    """One of the series' sessions (the catalog)."""

    number = models.PositiveSmallIntegerField(_("session"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("objectives"), blank=True)
    clock_hours = models.DecimalField(
        _("clock hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(MAX_SESSION_HOURS)],
    )
    practices = models.JSONField(_("program practices covered"), default=list, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CoreKnowledgeMapping(models.Model):
    """A state's core-knowledge area(s) for a session, as its registry records them."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE)
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE)
    areas = models.CharField(_("core-knowledge areas"), max_length=300)

    class Meta:
        verbose_name = _("core-knowledge mapping")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "session"], name="ck_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.session.number}: {self.areas}"


class Person(models.Model):
    """Someone in the state's workforce who takes or gives the training (a registry record)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, verbose_name=_("state, territory or Tribe")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    registry_id = models.CharField(_("registry ID"), max_length=40, blank=True)
    organization = models.CharField(_("organization or program"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_person",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "registry_id"],
                condition=~Q(registry_id=""),
                name="person_registry_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class TftRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        SCHEDULED = "scheduled", _("scheduled")
        DECLINED = "declined", _("declined")

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, verbose_name=_("state, territory or Tribe")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    preferred_format = models.CharField(_("preferred format"), max_length=10, blank=True)
    preferred_dates = models.CharField(_("preferred dates"), max_length=200, blank=True)
    expected_participants = models.PositiveSmallIntegerField(
        _("expected participants"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("TFT request")

    def __str__(self) -> str:
        return f"TFT request {self.jurisdiction.code} #{self.pk}"

    @property
    def preferred_format_label(self) -> str:
        """The preferred format in words (the field stores the event format's code)."""
        try:
            return str(TftEvent.Format(self.preferred_format).label)
        except ValueError:
            return self.preferred_format


class TftEvent(models.Model):
    """A scheduled Training for Trainers: a cohort with dated sessions."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("in person (2 days)")
        VIRTUAL = "virtual", _("virtual")
        HYBRID = "hybrid", _("hybrid")

    request = models.ForeignKey(
        TftRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, verbose_name=_("state, territory or Tribe")
    )
    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    place = models.CharField(_("place"), max_length=300, blank=True)
    link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    commitment_months = models.PositiveSmallIntegerField(
        _("months to deliver in the community"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("TFT event")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.format in (self.Format.IN_PERSON, self.Format.HYBRID) and not self.place:
            raise ValidationError({"place": _("An in-person or hybrid event needs a place.")})
        if self.format in (self.Format.VIRTUAL, self.Format.HYBRID) and not self.link:
            raise ValidationError({"link": _("A virtual or hybrid event needs its online link.")})

    def last_day(self) -> date | None:
        from django.utils import timezone

        last = self.sessions.order_by("-starts_at").first()
        return timezone.localtime(last.starts_at).date() if last else None

    def commitment_due(self) -> date | None:
        """The event's last day plus the window in calendar months (31 August + 6 months is
        the last day of February)."""
        last = self.last_day()
        if last is None:
            return None
        return last + relativedelta(months=self.commitment_months)


class EventSession(models.Model):
    event = models.ForeignKey(TftEvent, on_delete=models.CASCADE, related_name="sessions")
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("facilitator"),
    )  # fmt: skip

    class Meta:
        ordering = ["starts_at", "session__number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "session"], name="event_session_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_session_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.session}"


class Enrollment(models.Model):
    event = models.ForeignKey(TftEvent, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}"


class Attendance(models.Model):
    """An enrolled participant attended one of the event's sessions."""

    event_session = models.ForeignKey(
        EventSession, on_delete=models.CASCADE, related_name="attendance"
    )
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event_session", "enrollment"], name="attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.person} — {self.event_session}"


class Commitment(models.Model):
    """A participant's plan to deliver the training in their community, within the window."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="commitment"
    )
    plan = models.TextField(_("plan"), max_length=2000)
    audience = models.CharField(_("who they will train"), max_length=200, blank=True)
    due = models.DateField(_("deliver by"))
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True)
    # The trainer and the state's specialist both edit a commitment: a save made on a page
    # opened before someone else's save is refused (services.record_commitment).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["due"]

    def __str__(self) -> str:
        return f"{self.enrollment.person}: by {self.due}"


class Delivery(models.Model):
    """A trainer's community delivery of the series (a cascade)."""

    trainer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="deliveries")
    commitment = models.ForeignKey(
        Commitment, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place or link"), max_length=300, blank=True)
    sponsor = models.CharField(_("sponsor"), max_length=200, blank=True)
    adaptations = models.TextField(_("adaptations made"), blank=True, max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("community delivery")
        verbose_name_plural = _("community deliveries")

    def __str__(self) -> str:
        return self.title


class DeliverySession(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="sessions")
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT)
    day = models.DateField(_("date"))
    hours = models.DecimalField(
        _("clock hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(MAX_SESSION_HOURS)],
    )

    class Meta:
        ordering = ["day", "session__number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "session"], name="delivery_session_unique")
        ]

    def __str__(self) -> str:
        return f"{self.delivery} — {self.session}"


class DeliveryAttendee(models.Model):
    """A caregiver who attended a delivery, with the sessions they attended."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attended")
    sessions = models.ManyToManyField(DeliverySession, related_name="attendees")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "person"], name="delivery_attendee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.delivery}"


class SessionMaterial(models.Model):
    """One version of a session's material: a file or a link. Older versions are kept."""

    class Kind(models.TextChoices):
        SLIDES = "slides", _("slide deck")
        GUIDE = "guide", _("facilitator's guide")
        WORKSHEET = "worksheet", _("participant worksheet")
        RESOURCE = "resource", _("resource")
        VIDEO = "video", _("video link")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    link = models.URLField(_("link"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to=uploads.RandomName("training/materials"),
        blank=True,
        validators=[uploads.Accept("training_material")],
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    version = models.PositiveSmallIntegerField(_("version"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["session__number", "kind", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "title", "version"], name="material_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        uploads.remember_original_name(self)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if bool(self.link) == bool(self.file):
            raise ValidationError(_("Give either a file or a link."))


class SupportActivity(models.Model):
    """Implementation support by the state's specialist: meetings, coaching, consultation,
    office hours, communities of practice."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("implementation meeting")
        COACHING = "coaching", _("coaching")
        CONSULTATION = "consultation", _("consultation")
        OFFICE_HOURS = "office_hours", _("office hours")
        COMMUNITY = "community", _("community of practice")

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    day = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    people = models.ManyToManyField(Person, related_name="support", verbose_name=_("participants"))
    practice = models.CharField(
        _("practice addressed"), max_length=24, choices=PRACTICES, blank=True
    )
    notes = models.TextField(_("notes"), blank=True, max_length=3000)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("support activity")
        verbose_name_plural = _("support activities")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"


# The six principles of T/TA relationships (seed 002).
PRINCIPLES = (
    ("respect", _("Respect")),
    ("context", _("Sensitivity to context")),
    ("growth", _("Commitment to growth")),
    ("goals", _("Shared goals")),
    ("communication", _("Open communication")),
    ("reflection", _("Reflective practice")),
)


class Reflection(models.Model):
    """A shared-goals and reflection record between the specialist and the person supported,
    along the six principles of T/TA relationships."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reflections")
    day = models.DateField(_("date"))
    shared_goals = models.TextField(_("shared goals"), max_length=2000)
    principles = models.JSONField(_("reflections by principle"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.day}"


class FidelityItem(models.Model):
    """One item of a session's fidelity checklist (configurable)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="fidelity")
    text = models.CharField(_("item"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["session__number", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class FidelityScore(models.Model):
    """A scoring of a delivered session against its checklist, by the specialist or the
    trainer, with the adaptations reviewed."""

    delivery_session = models.ForeignKey(
        DeliverySession, on_delete=models.CASCADE, related_name="fidelity_scores"
    )
    items = models.ManyToManyField(FidelityItem, related_name="+", blank=True)
    met = models.ManyToManyField(FidelityItem, related_name="+", blank=True)
    adaptations_reviewed = models.BooleanField(_("adaptations reviewed"), default=False)
    adaptations_keep_fidelity = models.BooleanField(
        _("the adaptations keep the session's intent"), default=True
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    self_assessed = models.BooleanField(_("scored by the trainer"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Fidelity {self.delivery_session}"


LEVELS = (
    (0, _("not yet")),
    (1, _("emerging")),
    (2, _("partly in place")),
    (3, _("fully in place")),
)


class SelfAssessment(models.Model):
    """A program's self-assessment on the six practices (one level per practice)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="self_assessments"
    )
    day = models.DateField(_("date"))
    levels = models.JSONField(_("levels"), default=dict)
    notes = models.TextField(_("notes"), blank=True, max_length=3000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.program} {self.day}"

    def clean(self) -> None:
        keys = {k for k, _label in PRACTICES}
        levels = {value for value, _label in LEVELS}
        if set(self.levels) != keys or any(v not in levels for v in self.levels.values()):
            raise ValidationError(_("Give a level for each of the six practices."))


class RegistryExport(models.Model):
    """A file sent to a workforce registry: the rows it carried (so that a later export sends
    only what is new) and the file itself (to download it again)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT)
    layout = models.CharField(_("registry layout"), max_length=40)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("to"), null=True, blank=True)
    created_at = models.DateTimeField(_("exported"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # written by Attune, not typed: the limit is the size of a registry file, not of a note
    content = models.TextField(_("the file as sent"), max_length=50 * 1024 * 1024)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registry export")

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.layout} {self.created_at:%Y-%m-%d}"


class RegistryExportRow(models.Model):
    """One session of one person, sent once to a registry (its layout names the registry)."""

    export = models.ForeignKey(RegistryExport, on_delete=models.CASCADE, related_name="rows")
    layout = models.CharField(max_length=40)
    key = models.CharField(max_length=80)  # reports.RegistryRecord.key
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    day = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["layout", "key"], name="registry_row_sent_once")
        ]

    def __str__(self) -> str:
        return self.key


def new_token() -> str:
    """A certificate's verification code: 32 URL-safe characters from 24 random bytes (not
    guessable, not in any order)."""
    import secrets

    return secrets.token_urlsafe(24)


class Certificate(models.Model):
    """A certificate as issued: what it states is kept as it was (the name, the training, the
    hours, the dates, the issuer and signatory), with a sequential number to show and a random
    verification code for its public page (the link and the QR code)."""

    class Kind(models.TextChoices):
        SERIES = "series", _("Training for Trainers series")
        DELIVERY = "delivery", _("community training (clock hours)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    event = models.ForeignKey(
        TftEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificates"
    )
    attendee = models.OneToOneField(
        DeliveryAttendee, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="certificate",
    )  # fmt: skip
    # the row's id in a readable form, written right after the insert
    number = models.CharField(
        _("certificate number"), max_length=20, unique=True, null=True, blank=True
    )
    token = models.CharField(_("verification code"), max_length=64, unique=True, default=new_token)
    issued_on = models.DateField(_("issued"))
    completed_on = models.DateField(_("completed"))
    name = models.CharField(_("name"), max_length=220)
    title = models.CharField(_("training"), max_length=300)
    hours = models.DecimalField(_("clock hours"), max_digits=6, decimal_places=2)
    sessions = models.JSONField(_("sessions"), default=list)  # [{number, title, date, hours}]
    issuer = models.CharField(_("issued by"), max_length=300)
    signed_by = models.CharField(_("signed by"), max_length=220)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(kind="series"), name="series_certificate_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


# The questions of a session's evaluation, each answered from 1 (strongly disagree) to 5
# (strongly agree).
EVALUATION_QUESTIONS = (
    ("content", _("The session's content is useful for my work.")),
    ("facilitation", _("The facilitator presented the ideas clearly.")),
    ("readiness", _("I feel ready to deliver this session in my community.")),
    ("activities", _("The activities helped me practise the ideas.")),
)
SCALE = (
    (1, _("1 · strongly disagree")),
    (2, _("2 · disagree")),
    (3, _("3 · neither agree nor disagree")),
    (4, _("4 · agree")),
    (5, _("5 · strongly agree")),
)


def _answer(label: object) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(
        label,  # type: ignore[arg-type]
        choices=SCALE,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )


class Evaluation(models.Model):
    """A participant's evaluation of one Training for Trainers session (one per participant per
    session)."""

    event_session = models.ForeignKey(
        EventSession, on_delete=models.CASCADE, related_name="evaluations"
    )
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="evaluations")
    content = _answer(EVALUATION_QUESTIONS[0][1])
    facilitation = _answer(EVALUATION_QUESTIONS[1][1])
    readiness = _answer(EVALUATION_QUESTIONS[2][1])
    activities = _answer(EVALUATION_QUESTIONS[3][1])
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event_session", "enrollment"], name="evaluation_once")
        ]

    def __str__(self) -> str:
        return f"Evaluation {self.event_session_id}/{self.enrollment_id}"
