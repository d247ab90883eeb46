from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from attune.api import tokens
from attune.api.models import ApiToken
from attune.lib.text import LimitedForm
from attune.programs.models import Program


class TokenForm(LimitedForm, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “billing system”."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices)
    program = forms.ModelChoiceField(
        label=_("Only this program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("Every program I may see"),
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[
            (d, ngettext_lazy("%(n)d day", "%(n)d days", d) % {"n": d}) for d in tokens.LIFETIMES
        ],
        initial=90,
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
