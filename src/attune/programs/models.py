"""Program records: who runs care, where, for which children, with which caregivers.

Writes go through attune.programs.services (which audit); reads that depend on the viewer go
through attune.lib.access.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attune.lib import languages, schedules
from attune.lib.concurrency import Versioned


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as America/Chicago."),
            params={"value": value},
        )


def validate_languages(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Languages must be a list of language codes."))
    for code in value:
        try:
            languages.normalize(str(code))
        except languages.UnknownLanguage as exc:
            raise ValidationError(
                _("Unknown language code “%(value)s”."), params={"value": exc.value}
            ) from None


def validate_language_code(value: str) -> None:
    try:
        code = languages.normalize(value)
    except languages.UnknownLanguage:
        code = None
    if code != value:
        raise ValidationError(
            _("Unknown language code “%(value)s”; use an ISO 639 code such as es or vi."),
            params={"value": value},
        )


def validate_schedule(value: object) -> None:
    try:
        schedules.validate(value)
    except schedules.ScheduleError as exc:
        raise ValidationError(str(exc)) from None


def default_open_days() -> list[str]:
    return ["mon", "tue", "wed", "thu", "fri"]


class RuleSet(models.TextChoices):
    """Built-in licensing rule sets (planner data files, issue #4); the citation is in each file."""

    CFOC_CENTER = "cfoc-center", _("Caring for Our Children: centers")
    CFOC_FCC_SMALL = "cfoc-fcc-small", _("Caring for Our Children: small family child care home")
    EHS_CENTER = "ehs-center", _("Early Head Start: center (45 CFR 1302.21)")
    PITC = "pitc", _("PITC recommended small groups")
    NAEYC_2008 = "naeyc-2008", _("NAEYC ratios within group size (2008)")


class Jurisdiction(models.Model):
    """A US state, territory or Tribal CCDF lead agency: the unit a state administrator oversees."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        TERRITORY = "territory", _("Territory")
        TRIBE = "tribe", _("Tribe")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STATE)

    class Meta:
        ordering = ["name"]
        verbose_name = _("state, territory or Tribe")
        verbose_name_plural = _("states, territories and Tribes")

    def __str__(self) -> str:
        return self.name


class PublishedRuleSet(models.Model):
    """One version of a jurisdiction's licensing rules, as its administrator published it
    (an attune.rules/2 document, docs/rules.md). Versions are never edited or deleted: a
    correction is a new version. On any day the version in effect is the latest published
    one whose effective date has come."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="rule_sets",
        verbose_name=_("state, territory or Tribe"),
    )
    rule_id = models.CharField(_("rule set id"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    citation = models.TextField(_("citation"))
    effective = models.DateField(_("effective date"))
    document = models.JSONField(_("rule set"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction", "rule_id", "-version"]
        verbose_name = _("published rule set")
        verbose_name_plural = _("published rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "rule_id", "version"], name="rule_set_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version} ({self.effective.isoformat()})"


class Organization(models.Model):
    """An operator running one or more programs (sites)."""

    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Program(Versioned):
    """One licensed site: a center or a family child care home."""

    class Kind(models.TextChoices):
        CENTER = "center", _("Center")
        FCC_HOME = "fcc_home", _("Family child care home")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("organization"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("state, territory or Tribe"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CENTER)
    address = models.CharField(_("address"), max_length=300, blank=True)
    license_number = models.CharField(_("license number"), max_length=60, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="America/Los_Angeles", validators=[validate_timezone]
    )
    opens_at = models.TimeField(_("opens at"), default=time(7, 0))
    closes_at = models.TimeField(_("closes at"), default=time(18, 0))
    open_days = models.JSONField(_("open days"), default=default_open_days)
    rule_set = models.CharField(
        _("built-in rule set"),
        max_length=64,
        choices=RuleSet.choices,
        default=RuleSet.CFOC_CENTER,
        blank=True,
        help_text=_("Leave empty when the state's published rules are enough."),
    )
    # the jurisdiction's published rule set the program follows (its version in effect on
    # each day), and more rule sets that bind it at the same time (issue #15)
    state_rules = models.CharField(
        _("the state's rule set"), max_length=100, blank=True, default=""
    )
    extra_rules = models.JSONField(_("extra rule sets"), default=list, blank=True)
    nap_check_minutes = models.PositiveSmallIntegerField(
        _("nap-check interval (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("How often a sleeping infant must be checked by sight (CFOC 3.1.4.1)."),
    )
    door_code = models.CharField(
        _("door code for families"),
        max_length=12,
        blank=True,
        help_text=_(
            "When set, guardians may sign their children in and out on their phone at the door "
            "by typing this code (posted at the entrance). Empty: staff sign children in."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="program_hours_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Closing time must be after opening time.")})
        bad = [d for d in self.open_days or [] if d not in schedules.DAYS]
        if bad:
            raise ValidationError({"open_days": _("Unknown day: %(day)s") % {"day": bad[0]}})
        if not self.rule_set and not self.state_rules:
            raise ValidationError(
                {"rule_set": _("Choose the state's rule set or a built-in one (or both).")}
            )
        extra = self.extra_rules
        if not isinstance(extra, list) or not all(isinstance(x, str) for x in extra):
            raise ValidationError({"extra_rules": _("Extra rule sets must be a list of names.")})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_now(self) -> datetime:
        return timezone.now().astimezone(self.tz)

    def today(self) -> date:
        return self.local_now().date()

    def outside_hours(self, schedule: dict[str, list[list[str]]]) -> str | None:
        """Why a child's schedule does not fit the program's days and hours, or None."""
        return schedules.outside_hours(
            schedule, opens=self.opens_at, closes=self.closes_at, open_days=self.open_days
        )


class Room(Versioned):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("program")
    )
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("Most children the room is licensed for at one time."),
    )
    max_groups = models.PositiveSmallIntegerField(
        _("small groups it can hold at once"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("Small groups share the room's capacity; the plan board fills them."),
    )

    class Meta:
        ordering = ["program", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="room_name_unique_in_program")
        ]

    def __str__(self) -> str:
        return self.name


class CareGroup(models.Model):
    """A small group: the children and caregivers who stay together (set by the plan board)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="care_groups", verbose_name=_("program")
    )
    label = models.CharField(_("name"), max_length=40)
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_groups",
        verbose_name=_("room"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    class Meta:
        ordering = ["program", "label"]
        verbose_name = _("small group")
        verbose_name_plural = _("small groups")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "label"], name="care_group_label_unique_in_program"
            )
        ]

    def __str__(self) -> str:
        return self.label


class FamilyQuerySet(models.QuerySet["Family"]):
    def known_to(self, program: Program | int) -> FamilyQuerySet:
        """Families a program may reach: shared with it (see FamilyShare)."""
        program_id = program if isinstance(program, int) else program.pk
        shared = FamilyShare.objects.filter(
            program_id=program_id, status=FamilyShare.Status.APPROVED
        ).values("family_id")
        return self.filter(pk__in=shared)


class Family(Versioned):
    """A household. Siblings share a family; guardians are its adults.

    A family belongs to the organization but is reached only through the programs it is
    shared with (FamilyShare): the program that recorded it, and any other program of the
    organization after the family or the organization's administrator confirmed it."""

    objects = FamilyQuerySet.as_manager()

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="families",
        verbose_name=_("organization"),
    )
    code = models.CharField(
        _("family code"),
        max_length=40,
        help_text=_("Your own reference for the family, used to match rows on import."),
    )
    name = models.CharField(_("family name"), max_length=200)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        default="en",
        validators=[validate_language_code],
        help_text=_("Language for reports and messages to the family (ISO 639 code)."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="family_code_unique_in_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FamilyShare(models.Model):
    """A program's access to a family's record.

    Recording a family in a program shares it with that program. Linking a child of another
    program to an existing family is a request (pending) until a guardian of the family or the
    organization's administrator confirms it: a director's pick alone never reaches another
    program's family."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        APPROVED = "approved", _("shared")
        DECLINED = "declined", _("declined")

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="shares", verbose_name=_("family")
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="family_shares", verbose_name=_("program")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    note = models.CharField(_("why the program asks"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("family shared with a program")
        verbose_name_plural = _("families shared with programs")
        constraints = [
            models.UniqueConstraint(fields=["family", "program"], name="family_share_unique")
        ]

    def __str__(self) -> str:
        return f"{self.family} → {self.program}"


class Guardian(Versioned):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        PARENT = "parent", _("Parent")
        GRANDPARENT = "grandparent", _("Grandparent")
        FOSTER_PARENT = "foster_parent", _("Foster parent")
        LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian")
        OTHER = "other", _("Other relative or adult")

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("family")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    relationship = models.CharField(
        _("relationship to the child"), max_length=20, choices=Relationship.choices
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary_contact = models.BooleanField(_("primary contact"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian",
        verbose_name=_("sign-in"),
    )

    class Meta:
        ordering = ["-is_primary_contact", "last_name", "first_name"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Caregiver(Versioned):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead caregiver")
        ASSISTANT = "assistant", _("Assistant caregiver")
        FLOATER = "floater", _("Floater")
        DIRECTOR = "director", _("Director")

    class Credential(models.TextChoices):
        CDA = "cda", _("CDA (Child Development Associate)")
        IT_CERTIFICATE = "it_certificate", _("Infant/toddler certificate")
        ASSOCIATE = "associate", _("Associate degree")
        BACHELOR = "bachelor", _("Bachelor's degree")
        MASTER = "master", _("Master's degree")
        DOCTORATE = "doctorate", _("Doctorate")
        STATE_PERMIT = "state_permit", _("State teaching permit")
        PITC = "pitc", _("PITC certified")
        INFANT_CPR = "infant_cpr", _("Infant CPR and first aid")

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="caregivers", verbose_name=_("program")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.LEAD)
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caregivers",
        verbose_name=_("home room"),
    )
    care_group = models.ForeignKey(
        CareGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caregivers",
        verbose_name=_("small group"),
    )
    languages = models.JSONField(_("languages"), default=list, validators=[validate_languages])
    shifts = models.JSONField(
        _("weekly shifts"), default=dict, blank=True, validators=[validate_schedule]
    )
    hire_date = models.DateField(_("hire date"))
    end_date = models.DateField(_("last day"), null=True, blank=True)
    credentials = models.JSONField(_("credentials"), default=list, blank=True)
    ifsp_trained = models.BooleanField(
        _("IFSP / inclusion training"),
        default=False,
        help_text=_("Trained to support children with an Individualized Family Service Plan."),
    )
    max_primary = models.PositiveSmallIntegerField(
        _("most primary children"),
        default=4,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
        help_text=_("Head Start allows at most 4 per teacher (45 CFR 1302.21(b)(2))."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caregiver",
        verbose_name=_("sign-in"),
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("hire_date")),
                name="caregiver_end_after_hire",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def name(self) -> str:
        return str(self)

    def is_active(self, on: date) -> bool:
        return self.hire_date <= on and (self.end_date is None or on <= self.end_date)

    def credential_labels(self) -> list[str]:
        labels = dict(self.Credential.choices)
        return [str(labels.get(code, code)) for code in self.credentials]


class ChildQuerySet(models.QuerySet["Child"]):
    def enrolled_on(self, day: date) -> ChildQuerySet:
        return self.filter(enrollment_start__lte=day).filter(
            Q(enrollment_end__isnull=True) | Q(enrollment_end__gte=day)
        )


class Child(Versioned):
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="children", verbose_name=_("program")
    )
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="children", verbose_name=_("family")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    enrollment_start = models.DateField(_("enrollment start"))
    enrollment_end = models.DateField(_("enrollment end"), null=True, blank=True)
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("room"),
    )
    care_group = models.ForeignKey(
        CareGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("small group"),
    )
    primary_caregiver = models.ForeignKey(
        Caregiver,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="primary_children",
        verbose_name=_("primary caregiver"),
    )
    schedule = models.JSONField(
        _("weekly attendance"), default=dict, blank=True, validators=[validate_schedule]
    )
    home_languages = models.JSONField(
        _("home languages"), default=list, blank=True, validators=[validate_languages]
    )
    cultural_practices = models.TextField(
        _("family's cultural practices"),
        blank=True,
        help_text=_("Home practices and values the family wants reflected in care."),
    )
    has_ifsp = models.BooleanField(
        _("has an IFSP"),
        default=False,
        help_text=_("Individualized Family Service Plan under IDEA Part C."),
    )
    ifsp_coordinator_name = models.CharField(
        _("IFSP service coordinator"), max_length=200, blank=True
    )
    ifsp_coordinator_phone = models.CharField(_("coordinator phone"), max_length=40, blank=True)
    ifsp_coordinator_email = models.EmailField(_("coordinator email"), blank=True)
    allergies = models.TextField(_("allergies"), blank=True)
    medical_notes = models.TextField(_("medical notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.CheckConstraint(
                condition=Q(enrollment_end__isnull=True)
                | Q(enrollment_end__gte=models.F("enrollment_start")),
                name="child_enrollment_ordered",
            ),
            models.CheckConstraint(
                condition=Q(enrollment_start__gte=models.F("birth_date")),
                name="child_enrolled_after_birth",
            ),
        ]
        indexes = [models.Index(fields=["program", "last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.display_first_name} {self.last_name}"

    @property
    def display_first_name(self) -> str:
        return self.preferred_name or self.first_name

    def age_in_months(self, on: date) -> int:
        months = (on.year - self.birth_date.year) * 12 + on.month - self.birth_date.month
        if on.day < self.birth_date.day:
            months -= 1
        return months

    def age_in_weeks(self, on: date) -> int:
        return (on - self.birth_date).days // 7

    def is_enrolled(self, on: date) -> bool:
        return self.enrollment_start <= on and (
            self.enrollment_end is None or on <= self.enrollment_end
        )


class EnrollmentEvent(models.Model):
    """The enrollment history of a child: written by services, never edited."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        ROOM_CHANGED = "room_changed", _("Moved to another room")
        GROUP_CHANGED = "group_changed", _("Moved to another small group")
        PRIMARY_CHANGED = "primary_changed", _("Primary caregiver changed")
        SCHEDULE_CHANGED = "schedule_changed", _("Schedule changed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REENROLLED = "reenrolled", _("Re-enrolled")

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="enrollment_events", verbose_name=_("child")
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    effective = models.DateField(_("effective"))
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-effective", "-recorded_at"]
        verbose_name = _("enrollment event")
        verbose_name_plural = _("enrollment events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective}"


class WaitlistEntry(Versioned):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered a place")
        ENROLLED = "enrolled", _("Enrolled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("program")
    )
    child_first_name = models.CharField(_("child's first name"), max_length=100)
    child_last_name = models.CharField(_("child's last name"), max_length=100)
    birth_date = models.DateField(
        _("birth date or due date"), help_text=_("The expected date for a baby not yet born.")
    )
    guardian_name = models.CharField(_("guardian"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, default="en", validators=[validate_language_code]
    )
    home_languages = models.JSONField(
        _("home languages"), default=list, blank=True, validators=[validate_languages]
    )
    desired_start = models.DateField(_("desired start"))
    desired_schedule = models.JSONField(
        _("desired weekly schedule"), default=dict, blank=True, validators=[validate_schedule]
    )
    has_ifsp = models.BooleanField(_("has an IFSP"), default=False)
    sibling = models.ForeignKey(
        Child,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sibling enrolled"),
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    added_on = models.DateField(_("added on"), default=date.today)

    class Meta:
        ordering = ["status", "added_on"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")

    def __str__(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}"


class ImportBatch(models.Model):
    """An uploaded CSV between its dry-run preview and its (all-or-nothing) import."""

    class Kind(models.TextChoices):
        CHILDREN = "children", _("Children")
        FAMILIES = "families", _("Families and guardians")
        CAREGIVERS = "caregivers", _("Caregivers")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not imported")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="imports", verbose_name=_("program")
    )
    kind = models.CharField(_("what the file holds"), max_length=16, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    encoding = models.CharField(_("encoding"), max_length=32)
    content = models.TextField(
        _("content"), blank=True, help_text=_("Emptied once imported or discarded.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"


# -- attendance (issue #19): who is here now, from sign-ins, not from schedules ------------


class Stay(models.Model):
    """A child at the program: signed in (by whom, dropped off by whom) and signed out.

    A child has at most one open stay; a day may hold several (out to an appointment and
    back). Written by attune.programs.attendance, audited."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="stays", verbose_name=_("child")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stays",
        verbose_name=_("room"),
    )
    day = models.DateField(_("day"))
    in_at = models.DateTimeField(_("signed in at"))
    out_at = models.DateTimeField(_("signed out at"), null=True, blank=True)
    dropped_off_by = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dropped off by"),
    )
    picked_up_by = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("picked up by"),
    )
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["in_at", "pk"]
        verbose_name = _("child's stay")
        verbose_name_plural = _("children's stays")
        indexes = [models.Index(fields=["day", "room"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(out_at__isnull=True), name="one_open_stay_per_child"
            ),
            models.CheckConstraint(
                condition=Q(out_at__isnull=True) | Q(out_at__gte=models.F("in_at")),
                name="stay_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} — {self.day}"


class Shift(models.Model):
    """A caregiver clocked in (to a room) and out."""

    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.CASCADE, related_name="clocked", verbose_name=_("caregiver")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shifts_worked",
        verbose_name=_("room"),
    )
    day = models.DateField(_("day"))
    in_at = models.DateTimeField(_("clocked in at"))
    out_at = models.DateTimeField(_("clocked out at"), null=True, blank=True)

    class Meta:
        ordering = ["in_at", "pk"]
        verbose_name = _("shift worked")
        verbose_name_plural = _("shifts worked")
        indexes = [models.Index(fields=["day", "room"])]
        constraints = [
            models.UniqueConstraint(
                fields=["caregiver"],
                condition=Q(out_at__isnull=True),
                name="one_open_shift_per_caregiver",
            ),
            models.CheckConstraint(
                condition=Q(out_at__isnull=True) | Q(out_at__gte=models.F("in_at")),
                name="shift_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caregiver} — {self.day}"


class Absence(models.Model):
    """A family's word ahead: the child will not come that day, or will come late."""

    class Kind(models.TextChoices):
        ABSENT = "absent", _("not coming")
        LATE = "late", _("arriving late")

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="absences", verbose_name=_("child")
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("what"), max_length=8, choices=Kind.choices)
    arrives_at = models.TimeField(_("arrives at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["day", "child"]
        verbose_name = _("absence or late arrival")
        verbose_name_plural = _("absences and late arrivals")
        constraints = [
            models.UniqueConstraint(fields=["child", "day"], name="one_absence_per_child_day")
        ]

    def __str__(self) -> str:
        return f"{self.child} — {self.day}: {self.get_kind_display()}"


class RatioAlert(models.Model):
    """A room out of ratio or a group over size, from when it was seen until it was met again:
    one open alert per room, so people are told once per episode."""

    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, related_name="ratio_alerts", verbose_name=_("room")
    )
    started_at = models.DateTimeField(_("since"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    children = models.PositiveSmallIntegerField(_("children present"))
    staff = models.PositiveSmallIntegerField(_("caregivers present"))
    needed = models.PositiveSmallIntegerField(_("caregivers needed"))
    over_size = models.BooleanField(_("a group over size"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("ratio alert")
        verbose_name_plural = _("ratio alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["room"], condition=Q(ended_at__isnull=True), name="one_open_alert_per_room"
            )
        ]

    def __str__(self) -> str:
        return f"{self.room} — {self.started_at:%Y-%m-%d %H:%M}"
