"""Daily care: care plans written with families, the daily care record, nap checks, families'
morning notes and the IFSP summary (PITC's individualized, culturally responsive and inclusive
care; ../shared/domain.md §1 and §4).

Nothing here is overwritten: a care plan change is a new version (the family proposes, the
primary caregiver or director accepts), a record entry is corrected by a correction entry that
points at it, and nap checks are appended. Every write goes through attune.care.services.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attune.lib import languages, uploads
from attune.lib.concurrency import Versioned
from attune.programs.models import Child

NOTE_MAX = 500
BOTTLE_ML = (5, 480)  # accepted bottle amounts: a sip to a very large bottle
SAFE_SLEEP_MONTHS = 12  # infants under 12 months sleep on their backs (AAP; CFOC 3.1.4.1)
HOME_WORDS_MAX = 30
MESSAGE_MAX = 2000
# a care plan's free text that may be written in a second language too
SECOND_TEXT_FIELDS = (
    "feeding_notes", "foods_to_avoid", "sleep_times", "sleep_medical_note", "falling_asleep",
    "comfort_objects", "diapering", "comforting", "home_routines", "cultural_practices",
    "interests", "accommodations",
)  # fmt: skip


def validate_home_words(value: Any) -> None:
    """A list of {word, meaning, pronunciation, language}: the word and meaning required."""
    if not isinstance(value, list):
        raise ValidationError(_("Home-language words must be a list."))
    if len(value) > HOME_WORDS_MAX:
        raise ValidationError(
            _("At most %(n)d home-language words; keep the ones used every day.")
            % {"n": HOME_WORDS_MAX}
        )
    for item in value:
        if not isinstance(item, dict) or not str(item.get("word", "")).strip():
            raise ValidationError(_("Each home-language word needs the word itself."))
        if not str(item.get("meaning", "")).strip():
            raise ValidationError(
                _("Say what “%(word)s” means.") % {"word": str(item["word"]).strip()}
            )
        code = str(item.get("language", "")).strip()
        if code:
            try:
                languages.normalize(code)
            except languages.UnknownLanguage:
                raise ValidationError(_("Unknown language: %(code)s") % {"code": code}) from None


class CarePlan(models.Model):
    """One version of a child's care plan. The current version is the one in effect."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed by the family")
        CURRENT = "current", _("in effect")
        SUPERSEDED = "superseded", _("replaced by a later version")
        DECLINED = "declined", _("not accepted")

    class Pattern(models.TextChoices):
        CUE = "cue", _("on cue (when the child shows hunger)")
        SCHEDULE = "schedule", _("on a schedule")

    class Position(models.TextChoices):
        BACK = "back", _("on the back")
        SIDE = "side", _("on the side")
        STOMACH = "stomach", _("on the stomach")

    FEEDING = (
        ("breast_milk", _("breast milk")),
        ("formula", _("formula")),
        ("solids", _("solids (purées, soft foods)")),
        ("table_food", _("table food")),
        ("cup", _("drinks from a cup")),
    )

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_plans")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written from version"),
    )
    # feeding
    feeding_kinds = models.JSONField(_("what the child eats and drinks"), default=list, blank=True)
    feeding_pattern = models.CharField(
        _("feeding"), max_length=10, choices=Pattern.choices, default=Pattern.CUE
    )
    feeding_interval_minutes = models.PositiveSmallIntegerField(
        _("feeds about every (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(60), MaxValueValidator(480)],
        help_text=_("A feeding not logged this long after the last one is flagged."),
    )
    bottle_ml = models.PositiveSmallIntegerField(
        _("usual bottle (ml)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(BOTTLE_ML[0]), MaxValueValidator(BOTTLE_ML[1])],
    )
    feeding_notes = models.TextField(
        _("how the child is fed"),
        blank=True,
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
    )
    foods_to_avoid = models.TextField(
        _("foods to avoid"),
        blank=True,
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
        help_text=_("Besides the allergies on the child's record: family or religious reasons."),
    )
    # sleep
    sleep_times = models.CharField(_("usual sleep times"), max_length=200, blank=True)
    sleep_position = models.CharField(
        _("sleep position"), max_length=10, choices=Position.choices, default=Position.BACK
    )
    sleep_medical_note = models.TextField(
        _("medical note for the sleep position"),
        blank=True,
        max_length=1000,
        help_text=_(
            "Required for an infant under 12 months placed other than on the back: the "
            "health-care provider's written instruction (safe sleep, CFOC 3.1.4.1)."
        ),
    )
    falling_asleep = models.TextField(
        _("how the child falls asleep"),
        blank=True,
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
    )
    comfort_objects = models.CharField(_("comfort objects"), max_length=200, blank=True)
    # the rest of the day
    diapering = models.TextField(
        _("diapering and toileting"),
        blank=True,
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
    )
    comforting = models.TextField(
        _("what comforts the child"),
        blank=True,
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
    )
    home_routines = models.TextField(
        _("routines from home"), blank=True, max_length=1000, validators=[MaxLengthValidator(1000)]
    )
    home_words = models.JSONField(
        _("words in the home language"),
        default=list,
        blank=True,
        validators=[validate_home_words],
    )
    cultural_practices = models.TextField(
        _("cultural practices and family preferences"),
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
    )
    interests = models.TextField(
        _("the child's interests"),
        blank=True,
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
    )
    accommodations = models.TextField(
        _("accommodations"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Adaptations that let the child take part (inclusive care), e.g. from the IFSP."
        ),
    )
    # the language the free text is written in, and the same text in a second language
    # (issue #19: a plan written by staff in English reaches a Spanish-speaking family in
    # Spanish too); choices (sleep position, feeding) are shown in each reader's language
    text_language = models.CharField(_("free text written in"), max_length=12, default="en")
    second_language = models.CharField(_("also written in"), max_length=12, blank=True)
    second_text = models.JSONField(
        _("the free text in the second language"), default=dict, blank=True
    )
    # who and when
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("written"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=300, blank=True)

    class Meta:
        ordering = ["child", "-version"]
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        constraints = [
            models.UniqueConstraint(fields=["child", "version"], name="care_plan_version_unique"),
            models.UniqueConstraint(
                fields=["child"], condition=Q(status="current"), name="care_plan_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} — v{self.version}"

    def clean(self) -> None:
        for code in filter(None, (self.text_language, self.second_language)):
            try:
                languages.normalize(code)
            except languages.UnknownLanguage:
                raise ValidationError({"text_language": _("Unknown language.")}) from None
        second = self.second_text or {}
        if not isinstance(second, dict) or any(
            k not in SECOND_TEXT_FIELDS or not isinstance(v, str) or len(v) > 2000
            for k, v in second.items()
        ):
            raise ValidationError({"second_text": _("Unknown field in the second language.")})
        unknown = [k for k in self.feeding_kinds or [] if k not in dict(self.FEEDING)]
        if unknown:
            raise ValidationError({"feeding_kinds": _("Unknown kind of feeding.")})
        if self.sleep_position != self.Position.BACK and not self.sleep_medical_note.strip():
            today = self.child.program.today()
            if self.child.age_in_months(today) < SAFE_SLEEP_MONTHS:
                raise ValidationError(
                    {
                        "sleep_medical_note": _(
                            "Infants under 12 months are placed on their backs to sleep "
                            "(safe sleep, CFOC 3.1.4.1). Another position is accepted only "
                            "with the health-care provider's written instruction: record it "
                            "here."
                        )
                    }
                )

    def text_in(self, name: str, language: str) -> tuple[str, str, str | None]:
        """(text, its language, the original when the text shown is the second language's)
        of a free-text field for a reader of `language`."""
        original = str(getattr(self, name) or "")
        second = (self.second_text or {}).get(name) if self.second_language else None
        if second and language == self.second_language and language != self.text_language:
            return str(second), self.second_language, original
        return original, self.text_language, None

    def feeding_labels(self) -> list[str]:
        names = dict(self.FEEDING)
        return [str(names[k]) for k in self.feeding_kinds or [] if k in names]


class CareEntry(models.Model):
    """One thing that happened in a child's day, logged by a caregiver.

    A correction is a new entry whose `corrects` is the original; the latest correction is
    what the day shows, and the original stays. `withdrawn` marks an entry made by mistake.
    """

    class Kind(models.TextChoices):
        BOTTLE = "bottle", _("bottle")
        MEAL = "meal", _("meal")
        NAP = "nap", _("nap")
        DIAPER = "diaper", _("diaper")
        MOOD = "mood", _("mood")
        NOTE = "note", _("note")
        EI_VISIT = "ei_visit", _("early-intervention visit")

    class Milk(models.TextChoices):
        BREAST_MILK = "breast_milk", _("breast milk")
        FORMULA = "formula", _("formula")
        OTHER = "other", _("other")

    class Portion(models.TextChoices):
        NONE = "none", pgettext_lazy("food portion", "none")
        SOME = "some", pgettext_lazy("food portion", "some")
        MOST = "most", pgettext_lazy("food portion", "most")
        ALL = "all", pgettext_lazy("food portion", "all")

    class Mood(models.TextChoices):
        HAPPY = "happy", _("happy")
        CALM = "calm", _("calm")
        FUSSY = "fussy", _("fussy")
        TIRED = "tired", _("tired")
        UNWELL = "unwell", _("unwell")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_entries")
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    amount_ml = models.PositiveSmallIntegerField(
        _("amount (ml)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(BOTTLE_ML[0]), MaxValueValidator(BOTTLE_ML[1])],
    )
    milk = models.CharField(_("milk"), max_length=12, choices=Milk.choices, blank=True)
    portion = models.CharField(_("ate"), max_length=6, choices=Portion.choices, blank=True)
    food = models.CharField(_("food"), max_length=200, blank=True)
    wet = models.BooleanField(_("wet"), default=False)
    bm = models.BooleanField(_("bowel movement"), default=False)
    mood = models.CharField(_("mood"), max_length=8, choices=Mood.choices, blank=True)
    provider = models.CharField(_("early-intervention provider"), max_length=200, blank=True)
    note = models.TextField(
        _("note"), blank=True, max_length=NOTE_MAX, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    withdrawn = models.BooleanField(_("entered by mistake"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("care record entry")
        verbose_name_plural = _("care record entries")
        indexes = [models.Index(fields=["child", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("at")),
                name="care_entry_until_after_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.child}"

    @property
    def root_id(self) -> int:
        return self.corrects_id or self.pk

    def is_sleeping(self) -> bool:
        return self.kind == self.Kind.NAP and self.until is None and not self.withdrawn

    def next_check_due(self, interval_minutes: int, last_check: datetime | None) -> datetime:
        return (last_check or self.at) + timedelta(minutes=interval_minutes)


class NapCheck(models.Model):
    """A caregiver looked at a sleeping child (safe sleep: position, breathing, colour)."""

    nap = models.ForeignKey(CareEntry, on_delete=models.CASCADE, related_name="checks")
    at = models.DateTimeField(_("checked at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("nap check")
        verbose_name_plural = _("nap checks")

    def __str__(self) -> str:
        return f"{self.nap} — {self.at:%H:%M}"


class NapCheckAlert(models.Model):
    """A nap's visual check went overdue and the room's caregivers and the director were
    alerted (attune.care.tasks.nap_check_alerts): one per nap and due time."""

    nap = models.ForeignKey(CareEntry, on_delete=models.CASCADE, related_name="check_alerts")
    due_at = models.DateTimeField(_("check due at"))
    alerted_at = models.DateTimeField(_("alerted at"), auto_now_add=True)

    class Meta:
        ordering = ["-due_at"]
        verbose_name = _("overdue nap check alert")
        verbose_name_plural = _("overdue nap check alerts")
        constraints = [
            models.UniqueConstraint(fields=["nap", "due_at"], name="nap_alert_once_per_check")
        ]

    def __str__(self) -> str:
        return f"{self.nap} — {self.due_at:%H:%M}"


class FamilyNote(models.Model):
    """A family's note for the day ("slept badly, last bottle 6:30"), seen on the record page."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_notes")
    day = models.DateField(_("day"))
    text = models.TextField(
        _("note"), max_length=NOTE_MAX, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["day", "created_at"]
        verbose_name = _("family note")
        verbose_name_plural = _("family notes")
        indexes = [models.Index(fields=["child", "day"])]

    def __str__(self) -> str:
        return f"{self.child} — {self.day}"


class Ifsp(Versioned):
    """The child's Individualized Family Service Plan (IDEA Part C), summarized for the program.

    The service coordinator is kept on the child's record (attune.programs.models.Child)."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="ifsp")
    outcomes = models.TextField(
        _("outcomes"), max_length=3000, validators=[MaxLengthValidator(3000)]
    )
    services = models.TextField(
        _("services"),
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        help_text=_("Each service with its frequency, e.g. “speech therapy, 1 h weekly”."),
    )
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    visit_schedule = models.CharField(_("visit schedule"), max_length=200, blank=True)
    review_date = models.DateField(_("next review"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("IFSP summary")
        verbose_name_plural = _("IFSP summaries")

    def __str__(self) -> str:
        return f"IFSP — {self.child}"


class Message(models.Model):
    """A message between a child's family and the program (the primary caregiver, the
    director): personal data of the child's record (access, audit and retention as the
    record: it goes when the child's record is erased). Each keeps the language it was
    written in; nothing is edited after it is sent."""

    class Side(models.TextChoices):
        FAMILY = "family", _("the family")
        STAFF = "staff", _("the program")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField(_("from"), max_length=8, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(
        _("message"), max_length=MESSAGE_MAX, validators=[MaxLengthValidator(MESSAGE_MAX)]
    )
    language = models.CharField(_("written in"), max_length=12)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read by the other side"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["child", "created_at"])]

    def __str__(self) -> str:
        return f"{self.child} — {self.created_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        try:
            languages.normalize(self.language)
        except languages.UnknownLanguage:
            raise ValidationError({"language": _("Unknown language.")}) from None


class PhotoConsent(models.Model):
    """The family's word on photos of their child in the daily report: given or not. Photos
    are taken only while it is given; withdrawing it hides every photo at once."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="photo_consent")
    given = models.BooleanField(_("photos allowed"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        verbose_name = _("photo consent")
        verbose_name_plural = _("photo consents")

    def __str__(self) -> str:
        return f"{self.child} — {self.given}"


class DayPhoto(models.Model):
    """A photo in one child's daily report. Stored privately (no public address): served
    only through an access-checked view to the child's family and the staff who see the
    child, and only while the family's consent stands."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="day_photos")
    day = models.DateField(_("day"))
    file = models.FileField(
        _("photo"),
        upload_to=uploads.RandomName("care/photos"),
        validators=[uploads.Accept("care_photo")],
        max_length=200,
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [models.Index(fields=["child", "day"])]

    def __str__(self) -> str:
        return f"{self.child} — {self.day}"
