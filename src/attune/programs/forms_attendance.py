"""Attendance forms: sign a child in or out with an adult of the family's authorized list,
clock in or out, say ahead that a child will be absent or late, a guardian's door code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from attune.lib.text import LimitedForm
from attune.programs.forms import DateInput
from attune.programs.models import Absence, Child, Guardian, Room


class GuardianForm(LimitedForm, forms.Form):
    """Who dropped the child off or picked them up: one of the family's authorized adults."""

    guardian = forms.ModelChoiceField(
        queryset=Guardian.objects.none(),
        label=gettext_lazy("Adult"),
        required=False,
        empty_label=gettext_lazy("Choose…"),
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guardian"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Guardian.objects.filter(family_id=child.family_id).order_by(
            "-is_primary_contact", "first_name"
        )


class DoorForm(GuardianForm):
    code = forms.CharField(label=gettext_lazy("The code posted at the door"), max_length=12)


class ClockForm(LimitedForm, forms.Form):
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(), label=gettext_lazy("Room"), required=False
    )

    def __init__(self, *args: Any, program_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["room"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Room.objects.filter(program_id=program_id).order_by("name")


class AbsenceForm(LimitedForm, forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), widget=DateInput())
    kind = forms.ChoiceField(
        label=gettext_lazy("What"), choices=Absence.Kind.choices, widget=forms.RadioSelect
    )
    arrives_at = forms.TimeField(
        label=gettext_lazy("Arrives at (when late)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class DoorCodeForm(LimitedForm, forms.Form):
    door_code = forms.RegexField(
        label=gettext_lazy("Door code for families"),
        regex=r"^[0-9A-Za-z]{4,12}$",
        required=False,
        error_messages={"invalid": gettext_lazy("4 to 12 letters or digits.")},
        help_text=gettext_lazy(
            "Posted at the entrance: guardians type it on their phone to sign their children "
            "in and out. Leave it empty to let only staff sign children in."
        ),
    )
