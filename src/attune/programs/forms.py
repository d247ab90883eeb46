"""Forms validate what people type; services write it. Messages name the field and the fix."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attune.lib import languages, schedules
from attune.lib.concurrency import VersionedForm
from attune.lib.text import LimitedForm
from attune.programs import rulesets
from attune.programs.models import (
    Caregiver,
    Child,
    Family,
    Guardian,
    Program,
    WaitlistEntry,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScheduleField(forms.CharField):
    """A weekly schedule typed as 'mon-fri 08:00-16:30; sat 09:00-12:00'."""

    default_help = gettext_lazy(
        "Days and times, e.g. “mon-fri 08:00-16:30” or “mon,wed 08:00-12:00; fri 08:00-15:00”."
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", self.default_help)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return schedules.display(value)
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dict):
            return schedules.validate(value)
        text = super().to_python(value)
        try:
            return schedules.parse_text(text or "")
        except schedules.ScheduleError as exc:
            raise forms.ValidationError(str(exc), code="schedule") from None


class LanguagesField(forms.CharField):
    """Languages typed as codes or English names: 'es, en' or 'Spanish, English'."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", gettext_lazy("ISO codes or names, separated by commas, e.g. “es, en”.")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list):
            return value
        try:
            return languages.parse_list(super().to_python(value) or "")
        except languages.UnknownLanguage as exc:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a language code or name we know; use an ISO code like es or vi."
                )
                % {"value": exc.value},
                code="language",
            ) from None


class LanguageCodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return text
        try:
            return languages.normalize(text)
        except languages.UnknownLanguage as exc:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a language code or name we know; use an ISO code like es or vi."
                )
                % {"value": exc.value},
                code="language",
            ) from None


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def _not_future(value: date | None, label: str) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("%(label)s cannot be in the future.") % {"label": label})


def _in_care_on(start: date, end: date | None, program: Program) -> date:
    """The day a child's age is checked against the program's enrollment ages: today while
    enrolled, else the first day of an enrollment still to come or the last of one ended."""
    today = program.today()
    if end is not None and end < today:
        return start
    return max(start, today)


class ChildForm(VersionedForm, LimitedForm, forms.ModelForm[Child]):
    schedule = ScheduleField(label=gettext_lazy("Weekly attendance"))
    home_languages = LanguagesField(label=gettext_lazy("Home languages"))

    class Meta:
        model = Child
        fields = [
            "first_name", "last_name", "preferred_name", "birth_date", "family",
            "enrollment_start", "enrollment_end", "room", "primary_caregiver", "schedule",
            "home_languages", "cultural_practices", "has_ifsp", "ifsp_coordinator_name",
            "ifsp_coordinator_phone", "ifsp_coordinator_email", "allergies", "medical_notes",
        ]  # fmt: skip
        widgets = {
            "birth_date": DateInput(),
            "enrollment_start": DateInput(),
            "enrollment_end": DateInput(),
            "cultural_practices": forms.Textarea(attrs={"rows": 3}),
            "allergies": forms.Textarea(attrs={"rows": 2}),
            "medical_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, program: Program, families: QuerySet[Family], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        # Only families the person may link (attune.lib.access.linkable_families): another
        # program's family never appears here, nor is accepted if its id is posted.
        _choices(self, "family").queryset = families
        _choices(self, "room").queryset = program.rooms.all()
        _choices(self, "primary_caregiver").queryset = Caregiver.objects.filter(program=program)

    def clean_birth_date(self) -> date:
        value: date = self.cleaned_data["birth_date"]
        _not_future(value, _("Birth date"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        birth, start, end = (
            data.get("birth_date"),
            data.get("enrollment_start"),
            data.get("enrollment_end"),
        )
        if birth and start and start < birth:
            self.add_error("enrollment_start", _("Enrollment cannot start before the birth date."))
        elif (
            birth
            and start
            and (
                self.instance.pk is None
                or {"birth_date", "enrollment_start"} & set(self.changed_data)
            )
            and (
                reason := rulesets.outside_ages(
                    self.program, birth, _in_care_on(start, end, self.program)
                )
            )
        ):
            self.add_error("birth_date", reason[:1].upper() + reason[1:] + ".")
        if start and end and end < start:
            self.add_error("enrollment_end", _("Enrollment cannot end before it starts."))
        if reason := self.program.outside_hours(data.get("schedule") or {}):
            self.add_error("schedule", reason)
        room, primary = data.get("room"), data.get("primary_caregiver")
        if room and primary and primary.room_id and primary.room_id != room.pk:
            self.add_error(
                "primary_caregiver",
                _("%(caregiver)s works in %(their_room)s; the child's room is %(room)s.")
                % {"caregiver": primary, "their_room": primary.room, "room": room},
            )
        if data.get("has_ifsp") is False and data.get("ifsp_coordinator_name"):
            self.add_error(
                "has_ifsp", _("A service coordinator is named: tick “has an IFSP” or clear it.")
            )
        first, last = data.get("first_name"), data.get("last_name")
        if first and last and birth:
            duplicates = Child.objects.filter(
                program=self.program,
                first_name__iexact=first.strip(),
                last_name__iexact=last.strip(),
                birth_date=birth,
            ).exclude(pk=self.instance.pk)
            if duplicates.exists():
                raise forms.ValidationError(
                    _("%(name)s, born %(birth)s, is already enrolled in this program.")
                    % {"name": f"{first} {last}", "birth": birth.isoformat()},
                    code="duplicate",
                )
        return data


class CaregiverForm(VersionedForm, LimitedForm, forms.ModelForm[Caregiver]):
    shifts = ScheduleField(label=gettext_lazy("Weekly shifts"))
    languages = LanguagesField(label=gettext_lazy("Languages"), required=True)
    credentials = forms.MultipleChoiceField(
        label=gettext_lazy("Credentials"),
        choices=Caregiver.Credential.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Caregiver
        fields = [
            "first_name", "last_name", "email", "phone", "role", "room", "languages", "shifts",
            "hire_date", "end_date", "credentials", "ifsp_trained", "max_primary",
        ]  # fmt: skip
        widgets = {"hire_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        _choices(self, "room").queryset = program.rooms.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        hire, end = data.get("hire_date"), data.get("end_date")
        if hire and end and end < hire:
            self.add_error("end_date", _("The last day cannot be before the hire date."))
        return data


class FamilyForm(VersionedForm, LimitedForm, forms.ModelForm[Family]):
    preferred_language = LanguageCodeField(
        label=gettext_lazy("Preferred language"),
        help_text=gettext_lazy("For reports and messages: a code like es or a name like Spanish."),
    )

    class Meta:
        model = Family
        fields = ["code", "name", "preferred_language", "address", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization_id = organization_id

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        taken = Family.objects.filter(organization_id=self.organization_id, code__iexact=code)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Another family already uses the code %(code)s.") % {"code": code}
            )
        return code


class GuardianForm(VersionedForm, LimitedForm, forms.ModelForm[Guardian]):
    class Meta:
        model = Guardian
        fields = ["first_name", "last_name", "relationship", "phone", "email", "is_primary_contact"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(
                _("Give a phone number or an email so the program can reach them.")
            )
        return data


class WaitlistForm(VersionedForm, LimitedForm, forms.ModelForm[WaitlistEntry]):
    desired_schedule = ScheduleField(label=gettext_lazy("Desired weekly schedule"))
    home_languages = LanguagesField(label=gettext_lazy("Home languages"))
    preferred_language = LanguageCodeField(label=gettext_lazy("Preferred language"))

    class Meta:
        model = WaitlistEntry
        fields = [
            "child_first_name", "child_last_name", "birth_date", "guardian_name", "phone",
            "email", "preferred_language", "home_languages", "desired_start",
            "desired_schedule", "has_ifsp", "notes", "status",
        ]  # fmt: skip
        widgets = {
            "birth_date": DateInput(),
            "desired_start": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(
                _("Give a phone number or an email so the program can reach the family.")
            )
        if reason := self.program.outside_hours(data.get("desired_schedule") or {}):
            self.add_error("desired_schedule", reason)
        return data


class ChildSearchForm(LimitedForm, forms.Form):
    q = forms.CharField(label=gettext_lazy("Search by name"), required=False, max_length=100)
    room = forms.TypedChoiceField(
        label=gettext_lazy("Room"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Enrollment"),
        required=False,
        choices=[
            ("current", gettext_lazy("Enrolled today")),
            ("all", gettext_lazy("All")),
            ("ended", gettext_lazy("Enrollment ended")),
        ],
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["room"]).choices = [("", _("All rooms"))] + [
            (str(r.pk), r.name) for r in program.rooms.all()
        ]


class FamilyShareRequestForm(LimitedForm, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Family code"),
        max_length=40,
        help_text=gettext_lazy("The family's code in the other program, e.g. F-0012."),
    )
    note = forms.CharField(
        label=gettext_lazy("Why you ask (shown to the family and the administrator)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FamilyShareDecisionForm(LimitedForm, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Share")), ("decline", gettext_lazy("Do not share"))],
    )
