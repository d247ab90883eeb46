"""The plan board's forms: which day to plan for, what to move where, the plan to save."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attune.plans.models import PlanRun

DAYS_BACK = 31
DAYS_AHEAD = 366


class RunForm(forms.Form):
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
        data = json.loads(value)
    except ValueError:
        raise forms.ValidationError(_("The plan could not be read; reload the page.")) from None
    if not isinstance(data, dict):
        raise forms.ValidationError(_("The plan could not be read; reload the page."))
    return data


class PlanField(forms.CharField):
    """The plan being edited, carried in the page as JSON (checked again on every use)."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return _plan_json(text) if text else None


class MoveForm(forms.Form):
    plan = PlanField(required=False)
    child = forms.CharField(label=gettext_lazy("Child"), required=False)
    caregiver = forms.CharField(label=gettext_lazy("Caregiver"), required=False)
    to_group = forms.CharField(
        label=gettext_lazy("Into group"),
        error_messages={"required": gettext_lazy("Choose the group to move into.")},
    )
    primary = forms.CharField(label=gettext_lazy("Primary caregiver"), required=False)

    def __init__(self, *args: Any, run: PlanRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.run = run

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        plan = data.get("plan") or self.run.plan
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


class SaveForm(forms.Form):
    plan = PlanField(error_messages={"required": gettext_lazy("There is no plan to save.")})
