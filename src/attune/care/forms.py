"""Forms for daily care: they type and range-check input; the services decide the rest."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attune.care.models import BOTTLE_ML, NOTE_MAX, SECOND_TEXT_FIELDS, CareEntry, CarePlan, Ifsp
from attune.care.services import PLAN_FIELDS
from attune.lib import languages
from attune.lib.concurrency import VersionedForm
from attune.lib.text import LimitedForm
from attune.programs.models import Child, Program


def parse_home_words(text: str, language: str) -> list[dict[str, str]]:
    """One word per line: "word | meaning | how to say it" (the last part optional)."""
    words = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValidationError(
                _("Line %(n)d: write the word, a bar, then its meaning (“agua | water”).")
                % {"n": number}
            )
        if len(parts) > 3:
            raise ValidationError(
                _("Line %(n)d: at most three parts: word | meaning | how to say it.")
                % {"n": number}
            )
        words.append(
            {
                "word": parts[0][:60],
                "meaning": parts[1][:100],
                "pronunciation": (parts[2] if len(parts) == 3 else "")[:100],
                "language": language,
            }
        )
    return words


def format_home_words(words: list[dict[str, str]]) -> str:
    lines = []
    for w in words:
        parts = [w.get("word", ""), w.get("meaning", "")]
        if w.get("pronunciation"):
            parts.append(w["pronunciation"])
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class CarePlanForm(VersionedForm, LimitedForm, forms.ModelForm[CarePlan]):
    feeding_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("What the child eats and drinks"),
        choices=CarePlan.FEEDING,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    words_language = forms.ChoiceField(label=gettext_lazy("Language of the words"), required=False)
    home_words_text = forms.CharField(
        label=gettext_lazy("Words in the home language"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One per line: word | meaning | how to say it. For example: agua | water | AH-gwah"
        ),
    )

    class Meta:
        model = CarePlan
        fields = [f for f in PLAN_FIELDS if f not in ("home_words", "second_text")]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "feeding_notes", "foods_to_avoid", "sleep_medical_note", "falling_asleep",
                "diapering", "comforting", "home_routines", "cultural_practices", "interests",
                "accommodations",
            )
        }  # fmt: skip

    text_language = forms.ChoiceField(
        label=gettext_lazy("The free text is written in"), required=False
    )
    second_language = forms.ChoiceField(
        label=gettext_lazy("Also written in (optional)"),
        required=False,
        help_text=gettext_lazy(
            "Write the same text in the family's language below: the family reads it in "
            "theirs, the staff in theirs, each with the language it was written in."
        ),
    )

    def __init__(self, *args: Any, child: Child, second: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        if not second:  # a family proposing writes in one language, theirs
            del self.fields["second_language"]
            if not self.is_bound:
                self.initial["text_language"] = (translation.get_language() or "en")[:2]
        family_language = child.family.preferred_language or "en"
        spoken = [family_language, "en", "es", *(child.home_languages or [])]
        text_choices = [(c, languages.name(c)) for c in dict.fromkeys(spoken) if c]
        for name in ("text_language", "second_language"):
            if name not in self.fields:
                continue
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = text_choices if name == "text_language" else [("", "—"), *text_choices]
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("text_language", translation.get_language() or "en")
        for name in SECOND_TEXT_FIELDS if second else ():
            original = self.fields[name]
            self.fields[f"second_{name}"] = forms.CharField(
                label=_lazy_in_second(original.label),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if self.instance.pk is not None and not self.is_bound:
                self.initial[f"second_{name}"] = (self.instance.second_text or {}).get(name, "")
        codes = list(child.home_languages or []) or ["en"]
        words_language = self.fields["words_language"]
        assert isinstance(words_language, forms.ChoiceField)
        words_language.choices = [(c, languages.name(c)) for c in codes]
        if self.instance.pk is not None and not self.is_bound:
            self.initial["home_words_text"] = format_home_words(self.instance.home_words)
            first = next((w.get("language") for w in self.instance.home_words), None)
            if first:
                self.initial["words_language"] = first
        self.instance.child = child

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        language = data.get("words_language") or (self.child.home_languages or ["en"])[0]
        try:
            data["home_words"] = parse_home_words(data.get("home_words_text") or "", language)
        except ValidationError as error:
            self.add_error("home_words_text", error)
        return data

    def plan_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {name: data.get(name) for name in PLAN_FIELDS}
        out["text_language"] = (
            data.get("text_language")
            or (self.instance.text_language if self.instance.pk else "")
            or (translation.get_language() or "en")[:2]
        )
        if "second_language" not in self.fields and self.instance.pk:
            # a family's proposal keeps the staff's second-language text as it was
            out["second_language"] = self.instance.second_language
            out["second_text"] = self.instance.second_text
            return out
        second = data.get("second_language") or ""
        if second == out["text_language"]:
            second = ""
        out["second_language"] = second
        out["second_text"] = (
            {
                name: text
                for name in SECOND_TEXT_FIELDS
                if (text := (data.get(f"second_{name}") or "").strip())
            }
            if second
            else {}
        )
        return out


def _lazy_in_second(label: Any) -> Any:
    return format_lazy("{} — {}", gettext_lazy("In the second language"), label)


class DecisionForm(LimitedForm, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", gettext_lazy("Accept")), ("decline", gettext_lazy("Decline"))]
    )
    note = forms.CharField(label=gettext_lazy("Note to the family"), max_length=300, required=False)


# The short form of each kind: only what that kind of entry needs.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    CareEntry.Kind.BOTTLE: ("at_time", "amount_ml", "milk", "note"),
    CareEntry.Kind.MEAL: ("at_time", "portion", "food", "note"),
    CareEntry.Kind.NAP: ("at_time", "until_time", "note"),
    CareEntry.Kind.DIAPER: ("at_time", "wet", "bm", "note"),
    CareEntry.Kind.MOOD: ("at_time", "mood", "note"),
    CareEntry.Kind.NOTE: ("at_time", "note"),
    CareEntry.Kind.EI_VISIT: ("at_time", "until_time", "provider", "note"),
}


class EntryForm(VersionedForm, LimitedForm):
    """Any entry, with its time of day; the quick buttons post the same fields."""

    kind = forms.ChoiceField(choices=CareEntry.Kind.choices, widget=forms.HiddenInput)
    at_time = forms.TimeField(
        label=gettext_lazy("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    until_time = forms.TimeField(
        label=gettext_lazy("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    amount_ml = forms.IntegerField(
        label=gettext_lazy("Amount (ml)"),
        required=False,
        min_value=BOTTLE_ML[0],
        max_value=BOTTLE_ML[1],
    )
    milk = forms.ChoiceField(
        label=gettext_lazy("Milk"), choices=[("", "—"), *CareEntry.Milk.choices], required=False
    )
    portion = forms.ChoiceField(
        label=gettext_lazy("Ate"), choices=[("", "—"), *CareEntry.Portion.choices], required=False
    )
    food = forms.CharField(label=gettext_lazy("Food"), max_length=200, required=False)
    wet = forms.BooleanField(label=gettext_lazy("Wet"), required=False)
    bm = forms.BooleanField(label=gettext_lazy("Bowel movement"), required=False)
    mood = forms.ChoiceField(
        label=gettext_lazy("Mood"), choices=[("", "—"), *CareEntry.Mood.choices], required=False
    )
    provider = forms.CharField(
        label=gettext_lazy("Early-intervention provider"), max_length=200, required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = (self.data.get("kind") if self.is_bound else None) or self.initial.get("kind")
        self.shown_fields = KIND_FIELDS.get(str(kind), KIND_FIELDS[CareEntry.Kind.NOTE])

    def entry_data(self, program: Program, day: date, now: datetime) -> dict[str, Any]:
        """The entry's fields, times placed on `day` in the program's time zone."""
        data = self.cleaned_data
        local_now = now.astimezone(program.tz)
        at_time: time = data.get("at_time") or local_now.time().replace(second=0, microsecond=0)
        at = datetime.combine(day, at_time, tzinfo=program.tz)
        until = None
        if data.get("until_time") is not None:
            until = datetime.combine(day, data["until_time"], tzinfo=program.tz)
        return {
            "at": at,
            "until": until,
            "amount_ml": data.get("amount_ml"),
            "milk": data.get("milk") or "",
            "portion": data.get("portion") or "",
            "food": data.get("food") or "",
            "wet": bool(data.get("wet")),
            "bm": bool(data.get("bm")),
            "mood": data.get("mood") or "",
            "provider": data.get("provider") or "",
            "note": (data.get("note") or "").strip(),
        }


def tap_fields(tap: str) -> dict[str, str]:
    """A quick button's value ("bottle:150", "diaper:wet-bm", "mood:happy", "nap") as the
    entry form's fields. The record page's buttons share one form per child and differ only
    by this value; anything else is refused."""
    kind, _sep, value = tap.partition(":")
    if kind == "nap" and not value:
        return {"kind": "nap"}
    if kind == "bottle" and value.isdigit() and len(value) <= 4:
        return {"kind": "bottle", "amount_ml": value}
    if kind == "meal" and value in CareEntry.Portion.values:
        return {"kind": "meal", "portion": value}
    if kind == "mood" and value in CareEntry.Mood.values:
        return {"kind": "mood", "mood": value}
    if kind == "diaper" and value in ("wet", "bm", "wet-bm"):
        return {"kind": "diaper", **{flag: "on" for flag in value.split("-")}}
    raise ValidationError(_("That button is not one we know; reload the page."), code="tap")


class NapEndForm(LimitedForm, forms.Form):
    at_time = forms.TimeField(
        label=gettext_lazy("Woke at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )


class NapCheckForm(LimitedForm, forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class FamilyNoteForm(LimitedForm, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note for today"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX}),
        help_text=gettext_lazy("For example: slept badly, last bottle at 6:30."),
    )


class IfspForm(VersionedForm, LimitedForm, forms.ModelForm[Ifsp]):
    class Meta:
        model = Ifsp
        fields = ["outcomes", "services", "provider", "visit_schedule", "review_date"]
        widgets = {
            "outcomes": forms.Textarea(attrs={"rows": 4}),
            "services": forms.Textarea(attrs={"rows": 3}),
            "review_date": forms.DateInput(attrs={"type": "date"}),
        }
