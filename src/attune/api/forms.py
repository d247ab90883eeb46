from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from attune.api import tokens
from attune.api.models import ApiToken, WebhookEndpoint
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


class WebhookForm(LimitedForm, forms.Form):
    target = forms.ChoiceField(label=_("For"))
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Attune posts each event here (https), signed with the webhook's secret."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEndpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]

    def clean_url(self) -> str:
        from attune.api import webhooks

        url: str = self.cleaned_data["url"]
        if not webhooks.url_allowed(url):
            raise forms.ValidationError(_("Use an https address."))
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target, events = data.get("target") or "", data.get("events") or []
        allowed = (
            WebhookEndpoint.STATE_EVENTS
            if target.startswith("state:")
            else WebhookEndpoint.PROGRAM_EVENTS
        )
        wrong = [e for e in events if e not in allowed]
        if wrong:
            labels = dict(WebhookEndpoint.Event.choices)
            self.add_error(
                "events",
                _("“%(event)s” is not an event of this program or state.")
                % {"event": labels[wrong[0]]},
            )
        return data
