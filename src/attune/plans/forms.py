"""The plan board's forms: which day to plan for, what to move where, the plan to save; and
the what-ifs' questions (a waitlisted child starting, a caregiver leaving or going part-time)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attune.lib import safejson
from attune.lib.text import LimitedForm
from attune.plans import adapter, whatif
from attune.plans.models import PlanRun
from attune.programs.forms import DateInput, ScheduleField
from attune.programs.models import Caregiver, Program, WaitlistEntry
from planner import whatif as engine

DAYS_BACK = 31
DAYS_AHEAD = 366


class RunForm(LimitedForm, forms.Form):
    on = forms.DateField(
        label=gettext_lazy("Plan for"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The children enrolled and the caregivers working on this day."),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["on"].initial = today

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on < self.today - timedelta(days=DAYS_BACK):
            raise forms.ValidationError(
                _("Plan for a day at most %(n)d days ago.") % {"n": DAYS_BACK}
            )
        if on > self.today + timedelta(days=DAYS_AHEAD):
            raise forms.ValidationError(_("Plan for a day within the next year."))
        return on


def _plan_json(value: str) -> dict[str, Any]:
    try:
        data = safejson.loads(value)
    except safejson.UnsafeJSON as exc:
        raise forms.ValidationError(
            _("The plan could not be read; reload the page. (%(reason)s)") % {"reason": exc}
        ) from None
    if not isinstance(data, dict):
        raise forms.ValidationError(_("The plan could not be read; reload the page."))
    return data


class PlanField(forms.CharField):
    """The plan being edited, carried in the page as JSON (checked again on every use)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", safejson.MAX_BYTES)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return _plan_json(text) if text else None


class MoveForm(LimitedForm, forms.Form):
    plan = PlanField(required=False)
    child = forms.CharField(label=gettext_lazy("Child"), required=False)
    caregiver = forms.CharField(label=gettext_lazy("Caregiver"), required=False)
    to_group = forms.CharField(label=gettext_lazy("Into group"), required=False)
    primary = forms.CharField(label=gettext_lazy("Primary caregiver"), required=False)
    # a card's "Move" button (or a drag onto a column): "<child id>:<group id>"
    move = forms.CharField(label=gettext_lazy("Move"), required=False, max_length=200)

    def __init__(self, *args: Any, run: PlanRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.run = run

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        plan = data.get("plan") or self.run.plan
        if data.get("move"):
            child_id, _sep, group_id = str(data["move"]).partition(":")
            data.update(child=child_id, caregiver="", to_group=group_id)
        if not data.get("to_group"):
            raise forms.ValidationError(_("Choose the group to move into."))
        children = {c.get("id") for c in self.run.problem.get("children", [])}
        caregivers = {s.get("id") for s in self.run.problem.get("caregivers", [])}
        groups = {g.get("id") for g in plan.get("groups", []) if isinstance(g, dict)}
        child, caregiver = data.get("child") or None, data.get("caregiver") or None
        if (child is None) == (caregiver is None):
            raise forms.ValidationError(_("Choose a child or a caregiver to move."))
        if child is not None and child not in children:
            self.add_error("child", _("Choose a child of this plan."))
        if caregiver is not None and caregiver not in caregivers:
            self.add_error("caregiver", _("Choose a caregiver of this plan."))
        if data.get("to_group") not in groups:
            self.add_error("to_group", _("Choose one of the plan's groups."))
        primary = data.get("primary") or None
        if primary is not None and primary not in caregivers:
            self.add_error("primary", _("Choose a caregiver of this plan."))
        data.update(plan=plan, child=child, caregiver=caregiver, primary=primary)
        return data


class SaveForm(LimitedForm, forms.Form):
    plan = PlanField(error_messages={"required": gettext_lazy("There is no plan to save.")})


# -- what-ifs ----------------------------------------------------------------------------------

WHATIF_DAYS_AHEAD = 731


class _WhatIfForm(LimitedForm, forms.Form):
    """A what-if's day and schedule, checked the way planner.whatif checks them, in words."""

    start = forms.DateField(widget=DateInput())

    def __init__(self, *args: Any, program: Program, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.today = today

    def clean_start(self) -> date:
        start: date = self.cleaned_data["start"]
        if start < self.today:
            raise forms.ValidationError(
                _("Choose a day from today (%(today)s) on: a what-if looks ahead.")
                % {"today": self.today.isoformat()}
            )
        if start > self.today + timedelta(days=WHATIF_DAYS_AHEAD):
            raise forms.ValidationError(_("Choose a day within the next two years."))
        return start

    def check_schedule(self, name: str, schedule: dict[str, Any]) -> None:
        """The program's days and hours (lib.schedules), then planner.whatif's own check."""
        if reason := self.program.outside_hours(schedule):
            self.add_error(name, reason)
            return
        try:
            engine.check_schedule(
                adapter.planner_schedule(schedule), name, adapter.opening_hours(self.program)
            )
        except engine.WhatIfError as exc:
            self.add_error(name, exc.message)

    def check_records(self, start: date) -> None:
        """The records can be planned on `start` (rooms, children, the rule set's ages)."""
        try:
            adapter.problem_for(self.program, on=start)
        except adapter.CannotPlan as exc:
            for message in exc.messages:
                self.add_error(None, message)


class EnrollForm(_WhatIfForm):
    """Can this child on the waiting list start on this day with this schedule?"""

    entry = forms.ModelChoiceField(
        queryset=WaitlistEntry.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("Choose a child on the waiting list."),
            "invalid_choice": gettext_lazy(
                "That child is not on this program's waiting list: choose another."
            ),
        },
    )
    schedule = ScheduleField(
        label=gettext_lazy("Weekly attendance"),
        help_text=gettext_lazy(
            "The days and hours the child would attend, e.g. “mon-fri 08:00-16:30”. "
            "Filled in with the family's desired schedule."
        ),
    )
    field_order = ["entry", "start", "schedule"]

    def __init__(self, *args: Any, program: Program, today: date, **kwargs: Any) -> None:
        super().__init__(*args, program=program, today=today, **kwargs)
        _entries(self).queryset = whatif.open_entries(program)
        self.fields["start"].label = gettext_lazy("Starting on")
        self.fields["start"].help_text = gettext_lazy(
            "The month of this day is planned with the child. Filled in with the desired start."
        )

    @classmethod
    def for_entry(cls, entry: WaitlistEntry, *, program: Program, today: date) -> EnrollForm:
        return cls(
            program=program,
            today=today,
            initial={
                "entry": entry.pk,
                "start": whatif.start_for(entry, today),
                "schedule": entry.desired_schedule,
            },
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        entry: WaitlistEntry | None = data.get("entry")
        start: date | None = data.get("start")
        schedule = data.get("schedule")
        if "schedule" in data and not schedule:
            self.add_error(
                "schedule",
                _("Give the days and hours the child would attend, e.g. mon-fri 08:00-16:30."),
            )
        elif schedule:
            self.check_schedule("schedule", schedule)
        if entry is not None and start is not None:
            if entry.birth_date > start:
                self.add_error(
                    "start",
                    _("%(child)s is not born yet on %(date)s (due %(birth)s): choose a later day.")
                    % {
                        "child": entry,
                        "date": start.isoformat(),
                        "birth": entry.birth_date.isoformat(),
                    },
                )
            elif not self.errors:
                self.check_records(start)
        return data

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "entry": data["entry"].pk,
            "entry_name": str(data["entry"]),
            "start": data["start"].isoformat(),
            "schedule": data["schedule"],
        }


class StaffingForm(_WhatIfForm):
    """What if this caregiver leaves, or goes part-time, from this day?"""

    LEAVES = "leaves"
    PART_TIME = "part-time"

    caregiver = forms.ModelChoiceField(
        label=gettext_lazy("Caregiver"),
        queryset=Caregiver.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose a caregiver."),
            "invalid_choice": gettext_lazy(
                "That caregiver does not work in this program: choose another."
            ),
        },
    )
    change = forms.ChoiceField(
        label=gettext_lazy("What changes"),
        choices=[
            (LEAVES, gettext_lazy("Leaves the program")),
            (PART_TIME, gettext_lazy("Goes part-time")),
        ],
        widget=forms.RadioSelect,
        initial=LEAVES,
        error_messages={"required": gettext_lazy("Choose what changes.")},
    )
    shifts = ScheduleField(
        label=gettext_lazy("New weekly shifts"),
        help_text=gettext_lazy(
            "Only for part-time: the days and hours from then on, e.g. “mon-wed 08:00-16:30”."
        ),
    )
    field_order = ["caregiver", "change", "start", "shifts"]

    def __init__(self, *args: Any, program: Program, today: date, **kwargs: Any) -> None:
        super().__init__(*args, program=program, today=today, **kwargs)
        _caregivers(self).queryset = (
            Caregiver.objects.filter(program=program)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .order_by("last_name", "first_name", "pk")
        )
        self.fields["start"].label = gettext_lazy("From")
        self.fields["start"].help_text = gettext_lazy(
            "Leaving: the first day without the caregiver. Part-time: the first day of the new "
            "shifts. The month of this day is planned."
        )
        if not self.is_bound:
            self.fields["start"].initial = _next_month(today)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        caregiver: Caregiver | None = data.get("caregiver")
        start: date | None = data.get("start")
        shifts = data.get("shifts")
        if data.get("change") == self.PART_TIME:
            if "shifts" in data and not shifts:
                self.add_error(
                    "shifts",
                    _(
                        "Give the new shifts of a caregiver going part-time, e.g. mon-wed 08:00-16:30."
                    ),
                )
            elif shifts:
                self.check_schedule("shifts", shifts)
        if caregiver is not None and start is not None:
            if not caregiver.is_active(start):
                self.add_error(
                    "start",
                    _("%(caregiver)s does not work here on %(date)s.")
                    % {"caregiver": caregiver, "date": start.isoformat()},
                )
            elif not self.errors:
                self.check_records(start)
        return data

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        part_time = data["change"] == self.PART_TIME
        return {
            "caregiver": data["caregiver"].pk,
            "caregiver_name": str(data["caregiver"]),
            "change": data["change"],
            "start": data["start"].isoformat(),
            "shifts": data["shifts"] if part_time else None,
        }


def _next_month(today: date) -> date:
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def _entries(form: forms.Form) -> forms.ModelChoiceField[WaitlistEntry]:
    return cast("forms.ModelChoiceField[WaitlistEntry]", form.fields["entry"])


def _caregivers(form: forms.Form) -> forms.ModelChoiceField[Caregiver]:
    return cast("forms.ModelChoiceField[Caregiver]", form.fields["caregiver"])
