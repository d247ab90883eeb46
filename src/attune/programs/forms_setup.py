"""Forms with which an organization's administrator sets up programs and rooms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from attune.lib.concurrency import VersionedForm
from attune.lib.text import LimitedForm
from attune.programs.jurisdictions import STATES, TERRITORIES
from attune.programs.models import Jurisdiction, Program, Room


def place_choices() -> list[tuple[str, str]]:
    known = {j.code: j.name for j in Jurisdiction.objects.all()}
    places = {**STATES, **TERRITORIES, **known}
    return sorted(places.items(), key=lambda item: item[1])


class ProgramForm(VersionedForm, LimitedForm, forms.ModelForm[Program]):
    place = forms.ChoiceField(label=_("State, territory or Tribe"))

    class Meta:
        model = Program
        fields = [
            "name", "kind", "address", "license_number", "timezone", "opens_at", "closes_at",
            "rule_set", "nap_check_minutes",
        ]  # fmt: skip
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}),
            "closes_at": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = place_choices()  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["place"].initial = self.instance.jurisdiction.code
            self.fields["place"].disabled = True
            self.fields["place"].help_text = _(
                "A program does not move to another state; create a new program there."
            )
        self.order_fields(["name", "kind", "place"])


class RoomForm(VersionedForm, LimitedForm, forms.ModelForm[Room]):
    class Meta:
        model = Room
        fields = ["name", "capacity", "max_groups"]
