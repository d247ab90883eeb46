"""Forms for the workforce records: type and range-check; the models and services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from attune.lib import uploads
from attune.lib.text import LimitedForm
from attune.programs.models import Program
from attune.workforce.models import (
    AREAS,
    LEVELS,
    RIOS,
    Application,
    ApplicationDocument,
    DirectoryEntry,
    Education,
    Experience,
    Profile,
    RscSession,
    StateRequirement,
    TrainingRecord,
)

DATE = forms.DateInput(attrs={"type": "date"})


class _OnePage:
    """The profile page shows every form at once: each form's ids get its own prefix (the
    field names stay as they are)."""

    id_prefix = "f"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ProfileForm(_OnePage, LimitedForm, forms.ModelForm[Profile]):
    id_prefix = "profile"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Profile
        fields = ["jurisdiction", "program", "role", "licences", "endorsed_level",
                  "endorsed_on", "renewal_due", "endorsement_number", "endorsement_evidence",
                  "share_with_state"]  # fmt: skip
        widgets = {
            "endorsed_on": DATE,
            "renewal_due": DATE,
            "licences": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_endorsement_evidence(self) -> Any:
        upload = self.cleaned_data.get("endorsement_evidence")
        if upload and getattr(upload, "size", 0) > 20_000_000:
            raise forms.ValidationError(gettext_lazy("The file is larger than 20 MB."))
        return upload


class EducationForm(_OnePage, LimitedForm, forms.ModelForm[Education]):
    id_prefix = "edu"

    class Meta:
        model = Education
        fields = ["kind", "field", "institution", "completed"]
        widgets = {"completed": DATE}


class ExperienceForm(_OnePage, LimitedForm, forms.ModelForm[Experience]):
    id_prefix = "work"

    class Meta:
        model = Experience
        fields = ["role", "sector", "focus", "paid", "supervised", "start", "end"]
        widgets = {"start": DATE, "end": DATE}


class TrainingForm(_OnePage, LimitedForm, forms.ModelForm[TrainingRecord]):
    id_prefix = "training"

    areas = forms.MultipleChoiceField(
        label=gettext_lazy("Competency areas"), choices=AREAS, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    class Meta:
        model = TrainingRecord
        fields = ["title", "day", "hours", "areas"]
        widgets = {"day": DATE}


class RscForm(_OnePage, LimitedForm, forms.ModelForm[RscSession]):
    id_prefix = "rsc"

    class Meta:
        model = RscSession
        fields = ["day", "minutes", "format", "facilitator"]
        widgets = {"day": DATE}

    def __init__(self, *args: Any, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facilitator = self.fields["facilitator"]
        assert isinstance(facilitator, forms.ModelChoiceField)
        facilitator.queryset = (
            Profile.objects.filter(jurisdiction=profile.jurisdiction)
            .exclude(pk=profile.pk)
            .select_related("user")
        )
        self.instance.profile = profile
        for key, label in RIOS:
            self.fields[f"rios_{key}"] = forms.CharField(
                label=label, required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=gettext_lazy("Private to you and your facilitator."),
            )  # fmt: skip

    def notes(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"rios_{key}"].strip()
            for key, _label in RIOS
            if self.cleaned_data.get(f"rios_{key}", "").strip()
        }


class StartApplicationForm(LimitedForm, forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=LEVELS)


class StepForm(LimitedForm, forms.Form):
    step = forms.ChoiceField(choices=Application.STEPS, widget=forms.HiddenInput)
    day = forms.DateField(label=gettext_lazy("Done on"), required=False, widget=DATE)


class DocumentForm(LimitedForm, forms.ModelForm[ApplicationDocument]):
    class Meta:
        model = ApplicationDocument
        fields = ["step", "title", "file"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accept = uploads.accept_attribute("application_document")
        self.fields["file"].widget.attrs["accept"] = accept


class RscWindowForm(LimitedForm, forms.Form):
    rsc_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE)
    rsc_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "window_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rsc_from") and data.get("rsc_to") and data["rsc_to"] < data["rsc_from"]:
            raise forms.ValidationError(gettext_lazy("The end of the window is before its start."))
        return data


class StateRequirementForm(LimitedForm, forms.ModelForm[StateRequirement]):
    class Meta:
        model = StateRequirement
        fields = ["level", "kind", "amount", "effective_from", "source"]
        widgets = {"effective_from": DATE}


class GroupForm(LimitedForm, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    starts = forms.DateField(label=gettext_lazy("First meeting"), widget=DATE)
    members = forms.ModelMultipleChoiceField(
        queryset=Profile.objects.none(), label=gettext_lazy("Members (3 to 6)"),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, facilitator: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = (
            Profile.objects.filter(jurisdiction=facilitator.jurisdiction)
            .exclude(pk=facilitator.pk)
            .select_related("user")
        )


class MeetingForm(LimitedForm, forms.Form):
    day = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=15, max_value=480, initial=120
    )
    present = forms.ModelMultipleChoiceField(
        queryset=Profile.objects.none(), label=gettext_lazy("Present"),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, group: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present = self.fields["present"]
        assert isinstance(present, forms.ModelMultipleChoiceField)
        present.queryset = group.members.select_related("user")


class VerifyForm(LimitedForm, forms.Form):
    """The coordinator's check of a declared endorsement against the association's records."""

    action = forms.CharField(widget=forms.HiddenInput, initial="verify")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=LEVELS)
    number = forms.CharField(label=gettext_lazy("Endorsement number"), max_length=60)
    awarded = forms.DateField(label=gettext_lazy("Awarded on"), widget=DATE)
    renewal_due = forms.DateField(label=gettext_lazy("Renewal due"), widget=DATE)
    note = forms.CharField(
        label=gettext_lazy("Note (the person sees it)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "verify_%s")
        super().__init__(*args, **kwargs)


class RefuseForm(LimitedForm, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="refuse")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(
        label=gettext_lazy("Why it cannot be verified (the person sees it)"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "refuse_%s")
        super().__init__(*args, **kwargs)


class RenewForm(LimitedForm, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="renew")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _practices() -> list[tuple[str, str]]:
    from attune.training.models import PRACTICES

    return [(k, str(label)) for k, label in PRACTICES]


class DirectoryEntryForm(LimitedForm, forms.ModelForm[DirectoryEntry]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    languages_text = forms.CharField(
        label=gettext_lazy("Languages"), max_length=200,
        help_text=gettext_lazy("Language codes or names, separated by commas, e.g. es, en, vi."),
    )  # fmt: skip
    practices = forms.MultipleChoiceField(
        label=gettext_lazy("Program practices you support"), required=False,
        choices=_practices, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    competencies = forms.MultipleChoiceField(
        label=gettext_lazy("Infant mental health competency areas"), required=False,
        choices=AREAS, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    class Meta:
        model = DirectoryEntry
        fields = ["jurisdiction", "kind", "region", "practices", "competencies", "capacity",
                  "accepting", "about"]  # fmt: skip
        widgets = {"about": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, jurisdictions: Any, kinds: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        jurisdiction = self.fields["jurisdiction"]
        assert isinstance(jurisdiction, forms.ModelChoiceField)
        jurisdiction.queryset = jurisdictions
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = kinds
        if self.instance.pk:
            self.fields["languages_text"].initial = ", ".join(self.instance.languages)

    def clean_languages_text(self) -> list[str]:
        from attune.lib import languages

        try:
            codes = languages.parse_list(self.cleaned_data["languages_text"])
        except languages.UnknownLanguage as exc:
            raise forms.ValidationError(
                gettext_lazy("Unknown language “%(value)s”."), params={"value": exc.value}
            ) from None
        if not codes:
            raise forms.ValidationError(gettext_lazy("Name at least one language."))
        return codes


class DirectoryFilterForm(LimitedForm, forms.Form):
    region = forms.CharField(label=gettext_lazy("Region"), required=False, max_length=120)
    language = forms.CharField(label=gettext_lazy("Language"), required=False, max_length=40)
    practice = forms.ChoiceField(
        label=gettext_lazy("Practice"), required=False,
        choices=lambda: [("", "—"), *_practices()],
    )  # fmt: skip
    competency = forms.ChoiceField(
        label=gettext_lazy("Competency area"), required=False, choices=[("", "—"), *AREAS]
    )
    open = forms.BooleanField(label=gettext_lazy("With open capacity"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)


class SupportRequestForm(LimitedForm, forms.Form):
    program: forms.ModelChoiceField[Program] = forms.ModelChoiceField(
        queryset=Program.objects.none(), label=gettext_lazy("Program")
    )
    practices = forms.MultipleChoiceField(
        label=gettext_lazy("Support with"), required=False, choices=_practices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    message = forms.CharField(
        label=gettext_lazy("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What the program is working on and what support would help."),
    )  # fmt: skip

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        program = self.fields["program"]
        assert isinstance(program, forms.ModelChoiceField)
        program.queryset = programs


class AnswerForm(LimitedForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reply = forms.CharField(
        label=gettext_lazy("Answer (the program sees it)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "answer_%s")
        super().__init__(*args, **kwargs)
