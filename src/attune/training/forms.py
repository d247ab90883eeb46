"""Forms for the Training for Trainers: type and range-check; the services decide the rest."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attune.accounts.models import User
from attune.lib import uploads
from attune.lib.text import LimitedForm
from attune.programs.models import Jurisdiction
from attune.training import registries
from attune.training.models import (
    EVALUATION_QUESTIONS,
    LEVELS,
    MAX_SESSION_HOURS,
    PRACTICES,
    PRINCIPLES,
    SCALE,
    Commitment,
    Delivery,
    Person,
    SessionMaterial,
    SupportActivity,
    TftEvent,
    TftRequest,
    TrainingSession,
)
from attune.training.services import Attendee, DeliveredSession, PlannedSession, RegistryRow


class RequestForm(LimitedForm, forms.ModelForm[TftRequest]):
    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.none(), label=gettext_lazy("State, territory or Tribe")
    )
    preferred_format = forms.ChoiceField(
        label=gettext_lazy("Preferred format"), choices=TftEvent.Format.choices
    )

    class Meta:
        model = TftRequest
        fields = ["preferred_format", "preferred_dates", "expected_participants", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = jurisdictions
        if jurisdictions.count() == 1:
            field.initial = jurisdictions.first()


def _sessions() -> list[TrainingSession]:
    return list(TrainingSession.objects.order_by("number"))


def _session_date(s: TrainingSession) -> forms.DateField:
    return forms.DateField(
        label=_("Session %(n)d date") % {"n": s.number},
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ScheduleForm(LimitedForm, forms.ModelForm[TftEvent]):
    """The event and, per session of the series, its date and times (blank: not scheduled)."""

    link = forms.URLField(label=gettext_lazy("Online link"), required=False, assume_scheme="https")
    facilitator: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=gettext_lazy("Facilitator"),
        help_text=gettext_lazy("Who leads the sessions (blank: you)."),
    )  # fmt: skip

    class Meta:
        model = TftEvent
        fields = ["title", "format", "place", "link", "capacity", "commitment_months"]

    def __init__(self, *args: Any, tz: Any, facilitators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz
        facilitator = self.fields["facilitator"]
        assert isinstance(facilitator, forms.ModelChoiceField)
        facilitator.queryset = facilitators if facilitators is not None else User.objects.none()
        self.series = _sessions()
        for s in self.series:
            self.fields[f"s{s.number}_date"] = _session_date(s)
            self.fields[f"s{s.number}_start"] = forms.TimeField(
                label=_("Session %(n)d starts") % {"n": s.number}, required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )  # fmt: skip
            self.fields[f"s{s.number}_end"] = forms.TimeField(
                label=_("Session %(n)d ends") % {"n": s.number}, required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )  # fmt: skip

    def session_rows(self) -> list[tuple[TrainingSession, Any, Any, Any]]:
        return [
            (s, self[f"s{s.number}_date"], self[f"s{s.number}_start"], self[f"s{s.number}_end"])
            for s in self.series
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        planned = []
        for s in self.series:
            day = data.get(f"s{s.number}_date")
            start: time | None = data.get(f"s{s.number}_start")
            end: time | None = data.get(f"s{s.number}_end")
            if day is None and start is None and end is None:
                continue
            if day is None or start is None or end is None:
                self.add_error(
                    f"s{s.number}_date",
                    _("Give the date, start and end of session %(n)d, or none of them.")
                    % {"n": s.number},
                )
                continue
            if end <= start:
                self.add_error(f"s{s.number}_end", _("The session ends before it starts."))
                continue
            planned.append(
                PlannedSession(
                    s,
                    datetime.combine(day, start, tzinfo=self.tz),
                    datetime.combine(day, end, tzinfo=self.tz),
                )
            )
        if not planned and not self.errors:
            raise ValidationError(_("Give the date and times of at least one session."))
        data["planned"] = planned
        return data


class EnrollForm(LimitedForm, forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    registry_id = forms.CharField(label=gettext_lazy("Registry ID"), max_length=40, required=False)
    organization = forms.CharField(
        label=gettext_lazy("Organization"), max_length=200, required=False
    )


class CommitmentForm(LimitedForm, forms.ModelForm[Commitment]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Commitment
        fields = ["plan", "audience", "due"]
        widgets = {
            "plan": forms.Textarea(attrs={"rows": 3}),
            "due": forms.DateInput(attrs={"type": "date"}),
        }


def parse_attendees(text: str) -> list[Attendee]:
    """CSV lines: first name, last name, registry ID (may be blank: the registry export lists
    them for follow-up), program (optional), the session numbers attended (optional, e.g.
    "2;3"; blank: every session listed)."""
    rows = [r for r in csv.reader(io.StringIO(text.strip())) if any(c.strip() for c in r)]
    if rows and [c.strip().lower() for c in rows[0][:3]] == [
        "first_name",
        "last_name",
        "registry_id",
    ]:
        rows = rows[1:]
    out = []
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row] + ["", "", ""]
        if not cells[0] or not cells[1]:
            raise ValidationError(
                _("Line %(n)d: write first name, last name, registry ID (and the program).")
                % {"n": number}
            )
        sessions: tuple[int, ...] | None = None
        if cells[4]:
            parts = [p for p in cells[4].replace(" ", ";").split(";") if p]
            bad = [p for p in parts if not p.isdigit()]
            if bad:
                raise ValidationError(
                    _("Line %(n)d: session “%(value)s” is not a session number; write them "
                      "like 2;3.") % {"n": number, "value": bad[0]}
                )  # fmt: skip
            sessions = tuple(int(p) for p in parts)
        out.append(Attendee(cells[0], cells[1], cells[2], cells[3], sessions))
    return out


class CommitmentChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _("%(event)s (deliver by %(due)s)") % {
            "event": obj.enrollment.event.title,
            "due": obj.due.isoformat(),
        }


class DeliveryForm(LimitedForm, forms.ModelForm[Delivery]):
    commitment = CommitmentChoice(
        queryset=Commitment.objects.none(), required=False, label=gettext_lazy("Commitment")
    )
    attendees_text = forms.CharField(
        label=gettext_lazy("Attendees"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "One caregiver per line: first name, last name, registry ID, program, and the "
            "sessions they attended (e.g. 2;3; blank: every session listed). Someone without "
            "a registry ID yet is kept and listed for follow-up in the registry export."
        ),
    )

    class Meta:
        model = Delivery
        fields = ["title", "place", "sponsor", "adaptations"]
        widgets = {"adaptations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, commitments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["commitment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = commitments.select_related("enrollment__event")
        self.series = _sessions()
        for s in self.series:
            self.fields[f"s{s.number}_date"] = _session_date(s)
            self.fields[f"s{s.number}_hours"] = forms.DecimalField(
                label=_("Session %(n)d clock hours") % {"n": s.number}, required=False,
                min_value=Decimal("0.25"), max_value=MAX_SESSION_HOURS, decimal_places=2,
                initial=s.clock_hours,
            )  # fmt: skip

    def session_rows(self) -> list[tuple[TrainingSession, Any, Any]]:
        return [(s, self[f"s{s.number}_date"], self[f"s{s.number}_hours"]) for s in self.series]

    def clean_attendees_text(self) -> list[Attendee]:
        return parse_attendees(self.cleaned_data["attendees_text"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        delivered = []
        for s in self.series:
            day: date | None = data.get(f"s{s.number}_date")
            if day is None:
                continue
            hours = data.get(f"s{s.number}_hours") or s.clock_hours
            delivered.append(DeliveredSession(s, day, hours))
        if not delivered and not self.errors:
            raise ValidationError(_("Give the date of each session delivered."))
        data["delivered"] = delivered
        return data


class RegistryFilterForm(LimitedForm, forms.Form):
    state = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.none(), label=gettext_lazy("State, territory or Tribe")
    )
    layout = forms.ChoiceField(label=gettext_lazy("Registry"), choices=())
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["state"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = jurisdictions
        layout = self.fields["layout"]
        assert isinstance(layout, forms.ChoiceField)
        layout.choices = [(x.key, x.name) for x in registries.layouts()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("The end of the range is before its start."))
        return data


REGISTRY_MAX_BYTES = 2_000_000


class RegistryImportForm(LimitedForm, forms.Form):
    """A registry's person list: CSV with registry_id, first_name, last_name (and email)."""

    state = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.none(), label=gettext_lazy("State, territory or Tribe")
    )
    file = forms.FileField(
        label=gettext_lazy("The registry's person list (CSV)"),
        help_text=gettext_lazy("Columns: registry_id, first_name, last_name, and email if known."),
        validators=[uploads.Accept("registry_import")],
        widget=forms.ClearableFileInput(
            attrs={"accept": uploads.accept_attribute("registry_import")}
        ),
    )

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["state"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = jurisdictions

    def clean_file(self) -> list[RegistryRow]:
        upload = self.cleaned_data["file"]
        if upload.size > REGISTRY_MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text; save it as CSV UTF-8.")) from None
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in ("registry_id", "first_name", "last_name") if c not in header]
        if missing:
            raise ValidationError(
                _("The first line must name the columns; missing: %(cols)s.")
                % {"cols": ", ".join(missing)}
            )
        rows = []
        errors = []
        for line, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            if not any(row.values()):
                continue
            if not row.get("registry_id") or not row.get("first_name") or not row.get("last_name"):
                errors.append(
                    _("Line %(n)d: registry_id, first_name and last_name are required.")
                    % {"n": line}
                )
                continue
            rows.append(
                RegistryRow(
                    line,
                    row["registry_id"],
                    row["first_name"],
                    row["last_name"],
                    row.get("email", ""),
                )
            )
        if errors:
            raise ValidationError(errors)
        if not rows:
            raise ValidationError(_("The file has no rows."))
        return rows


class MappingForm(LimitedForm, forms.Form):
    """A state's core-knowledge area(s) for each session of the series."""

    def __init__(self, *args: Any, current: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.series = _sessions()
        for s in self.series:
            self.fields[f"s{s.number}"] = forms.CharField(
                label=str(s), max_length=300, required=False, initial=current.get(s.pk, "")
            )


class MaterialForm(LimitedForm, forms.ModelForm[SessionMaterial]):
    link = forms.URLField(label=gettext_lazy("Link"), required=False, assume_scheme="https")

    class Meta:
        model = SessionMaterial
        fields = ["kind", "title", "link", "file"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = uploads.accept_attribute("training_material")


class ChecklistForm(LimitedForm, forms.Form):
    items = forms.CharField(
        label=gettext_lazy("Fidelity checklist"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One item per line."),
        max_length=5000,
    )


class SupportForm(LimitedForm, forms.ModelForm[SupportActivity]):
    state = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.none(), label=gettext_lazy("State, territory or Tribe")
    )
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=gettext_lazy("Participants"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SupportActivity
        fields = ["kind", "day", "minutes", "practice", "notes", "next_steps"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        people = self.fields["people"]
        assert isinstance(state, forms.ModelChoiceField)
        assert isinstance(people, forms.ModelMultipleChoiceField)
        state.queryset = jurisdictions
        state.initial = jurisdictions.first()
        people.queryset = Person.objects.filter(jurisdiction__in=jurisdictions).order_by(
            "last_name", "first_name"
        )


class ReflectionForm(LimitedForm, forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    shared_goals = forms.CharField(
        label=gettext_lazy("Shared goals"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in PRINCIPLES:
            self.fields[f"p_{key}"] = forms.CharField(
                label=label, required=False, max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )  # fmt: skip

    def principles(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"p_{key}", "") for key, _label in PRINCIPLES}


class FidelityForm(LimitedForm, forms.Form):
    met = forms.MultipleChoiceField(
        label=gettext_lazy("Items seen in the session"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    adaptations_reviewed = forms.BooleanField(
        label=gettext_lazy("Adaptations reviewed"), required=False
    )
    adaptations_keep_fidelity = forms.BooleanField(
        label=gettext_lazy("The adaptations keep the session's intent"), required=False,
        initial=True,
    )  # fmt: skip
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        met = self.fields["met"]
        assert isinstance(met, forms.MultipleChoiceField)
        met.choices = [(str(i.pk), i.text) for i in items]


class SelfAssessmentForm(LimitedForm, forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in PRACTICES:
            self.fields[key] = forms.TypedChoiceField(
                label=label, choices=[(str(v), lab) for v, lab in LEVELS], coerce=int,
            )  # fmt: skip

    def levels(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key, _label in PRACTICES}


class EvaluationForm(LimitedForm, forms.Form):
    """A session's evaluation: four statements from 1 to 5, and a comment (all on a phone)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in EVALUATION_QUESTIONS:
            self.fields[key] = forms.TypedChoiceField(
                label=label, choices=[(str(v), text) for v, text in SCALE], coerce=int,
                widget=forms.RadioSelect(attrs={"class": "likert"}),
            )  # fmt: skip
        self.fields["comment"] = forms.CharField(
            label=gettext_lazy("Anything else? (optional)"), required=False, max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )  # fmt: skip
