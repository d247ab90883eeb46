"""The infant mental health workforce (../shared/domain.md §6; seed 003): professional
profiles, education, work experience, competency-tagged training, reflective
supervision/consultation (RS/C), reflective groups and endorsement applications."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attune.lib import uploads
from attune.programs.models import Jurisdiction, Program, validate_languages

# The eight competency areas (../shared/domain.md §6).
AREAS = (
    ("theory", _("Theoretical foundations")),
    ("law", _("Law, regulation and agency policy")),
    ("systems", _("Systems expertise")),
    ("direct_service", _("Direct service skills")),
    ("working_with_others", _("Working with others")),
    ("communicating", _("Communicating")),
    ("thinking", _("Critical thinking")),
    ("reflection", _("Reflection")),
)
# RS/C essentials (RIOS): reflection notes are organised along them.
RIOS = (
    ("story", _("Understanding the story")),
    ("parallel", _("Parallel process")),
    ("baby", _("Keeping the baby in mind")),
    ("self", _("Professional use of self")),
    ("alliance", _("Working alliance")),
)
LEVELS = (
    ("I", _("Level I: Infant Family Associate")),
    ("II", _("Level II: Infant Family Specialist")),
    ("III", _("Level III: Infant Mental Health Specialist")),
    ("IV-clinical", _("Level IV: Infant Mental Health Mentor (Clinical)")),
    ("IV-policy", _("Level IV: Infant Mental Health Mentor (Policy)")),
    ("IV-research", _("Level IV: Infant Mental Health Mentor (Research/Faculty)")),
)
RSC_FACILITATOR_LEVELS = frozenset({"III", "IV-clinical"})  # who may provide RS/C


class EndorsementStatus(models.TextChoices):
    DECLARED = "declared", _("declared, awaiting verification")
    VERIFIED = "verified", _("verified by the association")
    REFUSED = "refused", _("not verified by the association")


class Profile(models.Model):
    class Role(models.TextChoices):
        CAREGIVER = "caregiver", _("caregiver / early care and education")
        HOME_VISITOR = "home_visitor", _("home visitor")
        EARLY_INTERVENTION = "early_intervention", _("early interventionist")
        HEALTH = "health", _("health care")
        CHILD_WELFARE = "child_welfare", _("child welfare")
        MENTAL_HEALTH = "mental_health", _("mental health clinician")
        OTHER = "other", _("other")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workforce_profile"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, verbose_name=_("state, territory or Tribe")
    )
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("program"),
    )  # fmt: skip
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    endorsed_level = models.CharField(
        _("endorsement held"), max_length=12, choices=LEVELS, blank=True
    )
    endorsed_on = models.DateField(_("endorsed on"), null=True, blank=True)
    renewal_due = models.DateField(_("renewal due"), null=True, blank=True)
    share_with_state = models.BooleanField(
        _("share my name with the state's workforce reports"), default=False
    )
    licences = models.TextField(
        _("licences"),
        blank=True,
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
        help_text=_("Professional licences with their numbers and states, one per line."),
    )
    renewal_reminded_on = models.DateField(null=True, blank=True, editable=False)
    # The endorsement held is declared by the person (level, dates, the association's number,
    # evidence) and verified by the state association's endorsement coordinator: only a
    # verified endorsement, in effect on the day, gives rights (facilitating RS/C, leading a
    # reflective group). Changing what was declared makes it a declaration again.
    endorsement_number = models.CharField(
        _("endorsement number"), max_length=60, blank=True,
        help_text=_("The number on your endorsement certificate from the association."),
    )  # fmt: skip
    endorsement_evidence = models.FileField(
        _("evidence of the endorsement"), upload_to=uploads.RandomName("workforce/endorsements"),
        validators=[uploads.Accept("endorsement_evidence")], blank=True,
        help_text=_("Your endorsement certificate or the association's letter (PDF or image)."),
    )  # fmt: skip
    endorsement_evidence_name = models.CharField(
        _("file name"), max_length=255, blank=True, editable=False
    )
    endorsement_status = models.CharField(
        _("endorsement status"), max_length=10, choices=EndorsementStatus.choices, blank=True,
        editable=False,
    )  # fmt: skip
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    verified_on = models.DateField(_("verified on"), null=True, blank=True, editable=False)
    verification_note = models.TextField(
        _("the association's note"), blank=True, max_length=1000, editable=False
    )
    # the person and the coordinator both write the profile: stale saves are refused
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("professional profile")

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args: Any, **kwargs: Any) -> None:
        uploads.remember_original_name(self, "endorsement_evidence", "endorsement_evidence_name")
        super().save(*args, **kwargs)

    def endorsement_in_effect(self, day: date) -> bool:
        """A verified endorsement, awarded by `day` and not past its renewal date."""
        return (
            self.endorsement_status == EndorsementStatus.VERIFIED
            and bool(self.endorsed_level)
            and (self.endorsed_on is None or self.endorsed_on <= day)
            and (self.renewal_due is None or day <= self.renewal_due)
        )

    def may_facilitate_rsc(self, day: date) -> bool:
        """Sessions with this person count as RS/C on `day` (and they may lead a group)."""
        return self.endorsed_level in RSC_FACILITATOR_LEVELS and self.endorsement_in_effect(day)


class Education(models.Model):
    class Kind(models.TextChoices):
        CDA = "cda", _("Child Development Associate credential (CDA)")
        ASSOCIATE = "associate", _("associate degree")
        BACHELOR = "bachelor", _("bachelor's degree")
        MASTER = "master", _("master's degree")
        DOCTORATE = "doctorate", _("doctorate")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="education")
    kind = models.CharField(_("degree or credential"), max_length=10, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    completed = models.DateField(_("completed on"))

    class Meta:
        ordering = ["completed"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.completed}"

    def clean(self) -> None:
        if self.completed and self.completed > timezone.localdate():
            raise ValidationError(
                {"completed": _("A degree dated in the future cannot count yet.")}
            )


class Experience(models.Model):
    class Focus(models.TextChoices):
        INFANT_EC = "infant_ec", _("infant and early childhood-related work")
        IMH = "imh", _("work promoting infant mental health")
        IMH_SERVICES = "imh_services", _("infant mental health services (intervention, treatment)")
        RSC_PROVISION = "rsc_provision", _("providing reflective supervision/consultation")
        POLICY = "policy", _("policy or program leadership (infant/family field)")
        RESEARCH_FACULTY = "research_faculty", _("university teaching or research (infant/family)")
        OTHER = "other", _("other work")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="experience")
    role = models.CharField(_("role"), max_length=200)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    focus = models.CharField(_("focus"), max_length=20, choices=Focus.choices)
    paid = models.BooleanField(_("paid"), default=True)
    supervised = models.BooleanField(_("supervised"), default=False)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty while it goes on."))

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="experience_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.start}–{self.end or ''}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end is before the start.")})
        if self.start and self.start > timezone.localdate():
            raise ValidationError({"start": _("Work that has not started yet cannot count.")})


class TrainingRecord(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="training")
    title = models.CharField(_("training"), max_length=300)
    day = models.DateField(_("date"))
    hours = models.DecimalField(
        _("clock hours"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("80"))],
    )  # fmt: skip
    areas = models.JSONField(_("competency areas"), default=list, blank=True)
    from_attune = models.BooleanField(default=False)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        known = {k for k, _label in AREAS}
        if any(a not in known for a in self.areas or []):
            raise ValidationError({"areas": _("Unknown competency area.")})
        if self.day and self.day > timezone.localdate():
            raise ValidationError({"day": _("A training in the future cannot count yet.")})


class ReflectiveGroup(models.Model):
    """3-6 people meeting 2 hours monthly for a year with an endorsed facilitator."""

    name = models.CharField(_("name"), max_length=200)
    facilitator = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(Profile, related_name="reflective_groups")
    starts = models.DateField(_("first meeting"))

    def __str__(self) -> str:
        return self.name


class RscSession(models.Model):
    class Format(models.TextChoices):
        INDIVIDUAL = "individual", _("individual")
        GROUP = "group", _("group")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="rsc")
    day = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    facilitator = models.ForeignKey(
        Profile, on_delete=models.PROTECT, related_name="rsc_given", verbose_name=_("facilitator")
    )
    group = models.ForeignKey(
        ReflectiveGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    notes = models.JSONField(_("reflection notes (RIOS)"), default=dict, blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("RS/C session")

    def __str__(self) -> str:
        return f"RS/C {self.day} {self.minutes} min"

    def clean(self) -> None:
        if self.day and self.day > timezone.localdate():
            raise ValidationError({"day": _("A session in the future cannot count yet.")})
        if self.facilitator_id and self.day and not self.facilitator.may_facilitate_rsc(self.day):
            raise ValidationError(
                {"facilitator": _(
                    "%(name)s holds no verified endorsement at Level III or Level IV (Clinical) "
                    "in effect on that day, so sessions with them do not count as reflective "
                    "supervision/consultation."
                ) % {"name": self.facilitator}}
            )  # fmt: skip
        notes_max = MaxLengthValidator(2000)
        for key, text in (self.notes or {}).items():
            if key not in dict(RIOS):
                raise ValidationError({"notes": _("Unknown RIOS element.")})
            notes_max(str(text))


class Application(models.Model):
    """An endorsement application and its eight steps (seed 003)."""

    STEPS = (
        ("membership", _("Become a member of the state's infant mental health association")),
        ("competencies", _("Review the eight competency areas")),
        ("level", _("Decide which level suits you")),
        ("apply", _("Submit the application and fee")),
        ("portfolio", _("Complete the portfolio with an advisor")),
        ("review", _("Submit the portfolio for review")),
        ("exam", _("Take the exam (Levels III and IV)")),
        ("award", _("Endorsement awarded")),
    )

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="applications")
    level = models.CharField(_("level"), max_length=12, choices=LEVELS)
    steps = models.JSONField(_("steps done"), default=dict, blank=True)  # step -> ISO date
    started = models.DateField(_("started"), default=timezone.localdate)

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.profile} → {self.level}"


class ApplicationDocument(models.Model):
    """A document kept for one step of an application (a transcript, a reference letter)."""

    class Kind(models.TextChoices):
        REFERENCE = "reference", _("reference letter")
        TRANSCRIPT = "transcript", _("transcript or diploma")
        CERTIFICATE = "certificate", _("training certificate")
        OTHER = "other", _("other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    step = models.CharField(_("step"), max_length=16, choices=Application.STEPS)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=uploads.RandomName("workforce/applications"),
        validators=[uploads.Accept("application_document")],
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        uploads.remember_original_name(self)
        super().save(*args, **kwargs)


class StateRequirement(models.Model):
    """An item a state's infant mental health association adds to a level (data, with its
    source and the date it takes effect)."""

    class Kind(models.TextChoices):
        TRAINING_HOURS = "training_hours", _("training hours")
        REFERENCES = "references", _("reference letters")
        RENEWAL_HOURS = "renewal_hours", _("training hours each year to renew")
        RENEWAL_RSC_HOURS = "renewal_rsc", _("RS/C hours each year to renew")

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE)
    level = models.CharField(_("level"), max_length=12, choices=LEVELS)
    kind = models.CharField(_("requirement"), max_length=16, choices=Kind.choices)
    amount = models.PositiveSmallIntegerField(
        _("amount"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    effective_from = models.DateField(_("in effect from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["jurisdiction", "level", "kind", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.level} {self.kind} {self.amount}"


class DirectoryEntry(models.Model):
    """A T/TA specialist or trainer in the state's directory, kept by themselves: where they
    work, their languages, their expertise (the six program practices, the IMH competency
    areas) and how many programs they can support at once."""

    class Kind(models.TextChoices):
        SPECIALIST = "specialist", _("T/TA specialist")
        TRAINER = "trainer", _("trainer")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_entry"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, verbose_name=_("state, territory or Tribe")
    )
    kind = models.CharField(_("role"), max_length=10, choices=Kind.choices)
    region = models.CharField(
        _("region"), max_length=120, help_text=_("Counties or the region you serve.")
    )
    languages = models.JSONField(
        _("languages"), default=list, validators=[validate_languages],
        help_text=_("ISO 639 codes, e.g. es, vi, so."),
    )  # fmt: skip
    practices = models.JSONField(_("program practices"), default=list, blank=True)
    competencies = models.JSONField(_("competency areas"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("programs you can support at once"),
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    accepting = models.BooleanField(_("taking new programs"), default=True)
    about = models.TextField(_("about your support"), blank=True, max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["jurisdiction", "user__last_name", "user__first_name"]
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        from attune.training.models import PRACTICES

        if any(p not in dict(PRACTICES) for p in self.practices or []):
            raise ValidationError({"practices": _("Unknown program practice.")})
        if any(a not in dict(AREAS) for a in self.competencies or []):
            raise ValidationError({"competencies": _("Unknown competency area.")})

    def supporting(self) -> int:
        """Programs they support now (their support memberships)."""
        from attune.accounts.models import Membership

        return Membership.objects.filter(
            user_id=self.user_id,
            role__in=[Membership.Role.SPECIALIST, Membership.Role.TRAINER],
            program__isnull=False,
        ).count()

    def open_capacity(self) -> int:
        return max(self.capacity - self.supporting(), 0) if self.accepting else 0


class SupportRequest(models.Model):
    """A program's request for support from a directory's specialist or trainer; accepted, it
    becomes a support relationship (a support membership for the program)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="requests")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    practices = models.JSONField(_("support with"), default=list, blank=True)
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    reply = models.TextField(_("answer"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # the director may withdraw it while the specialist answers it: stale answers are refused
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("support request")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "program"], condition=Q(status="requested"),
                name="one_open_support_request",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.program} → {self.entry}"
