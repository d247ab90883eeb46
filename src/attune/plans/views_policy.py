"""The state-wide policy what-if pages (attune.plans.policy): the state administrator's form
(each band of the rule sets the state's programs use, its ratio and group size now, the
proposed ones, from a date) and the answer filling in as programs are planned (polled with
HTMX; a Refresh button without JavaScript)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from attune.lib import access, params
from attune.lib.text import LimitedForm
from attune.lib.views import acting_user
from attune.plans import history, policy
from attune.plans.models import PolicyWhatIf
from attune.programs.models import Jurisdiction, Program
from planner.chart import line_chart

RECENT = 10


class PolicyForm(LimitedForm, forms.Form):
    starts = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, choices: list[policy.BandChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        for choice in choices:
            self.fields[f"ratio:{choice.key}"] = forms.DecimalField(
                label=_("Children per caregiver"), required=False, min_value=Decimal("0.5"),
                max_value=Decimal(20), decimal_places=1,
            )  # fmt: skip
            self.fields[f"group:{choice.key}"] = forms.IntegerField(
                label=_("Largest group"), required=False, min_value=1, max_value=40
            )

    def bands(self) -> list[tuple[policy.BandChoice, Any, Any]]:
        return [(c, self[f"ratio:{c.key}"], self[f"group:{c.key}"]) for c in self.choices]

    def clean_starts(self) -> date:
        starts: date = self.cleaned_data["starts"]
        today = timezone.localdate()
        if starts.year < today.year - 1 or starts.year > today.year + 3:
            raise forms.ValidationError(_("Choose a date within the next three years."))
        return starts

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.edits():
            raise forms.ValidationError(_("Change the ratio or group size of at least one band."))
        return data

    def edits(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        data = getattr(self, "cleaned_data", {})
        for choice in self.choices:
            ratio = data.get(f"ratio:{choice.key}")
            group = data.get(f"group:{choice.key}")
            edit: dict[str, Any] = {}
            if ratio is not None:
                edit["ratio"] = int(ratio) if ratio == int(ratio) else float(ratio)
            if group is not None:
                edit["max_group"] = group
            if edit:
                out[choice.key] = edit
        return out


def _state(request: HttpRequest) -> Jurisdiction:
    pk = access.require_state(
        access.viewer_for(request.user),
        "state.policy",
        params.pk(request.GET, "state") or params.pk(request.POST, "state"),
    )
    return Jurisdiction.objects.get(pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def policy_page(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    programs = policy.programs_of(state)
    choices = policy.choices(programs)
    form = PolicyForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        edits = form.edits()
        question = policy.start(
            actor=acting_user(request),
            jurisdiction=state,
            starts=form.cleaned_data["starts"],
            edits=edits,
            title=policy.describe(choices, edits, form.cleaned_data["starts"]),
        )
        return redirect("state_policy_result", policy_id=question.pk)
    recent = PolicyWhatIf.objects.filter(jurisdiction=state).select_related("job")[:RECENT]
    return render(
        request,
        "plans/policy.html",
        {"state": state, "form": form, "programs": len(programs), "recent": recent},
        status=400 if request.method == "POST" else 200,
    )


def _chart(rows: list[policy.Row]) -> SafeString | None:
    shown = [
        r
        for r in rows
        if not r.suppressed
        and r.current.get("required_hours") is not None
        and r.proposed.get("required_hours") is not None
    ]
    if not shown:
        return None
    shown.sort(key=lambda r: (r.current["required_hours"], r.proposed["required_hours"]))
    numbered = len(shown) > 30 or not all(r.named for r in shown)
    labels = [str(n) if numbered else r.name for n, r in enumerate(shown, 1)]
    series: dict[str, list[tuple[str, float | None]]] = {
        _("Current rules"): [
            (label, r.current["required_hours"]) for label, r in zip(labels, shown, strict=True)
        ],
        _("Proposed rules"): [
            (label, r.proposed["required_hours"]) for label, r in zip(labels, shown, strict=True)
        ],
    }
    svg = line_chart(
        series, title=_("Caregiver hours a week the ratios require, per program"),
        y_label=_("Caregiver hours a week"),
        x_label=_("Programs planned under both rule sets, by the hours required now"),
        decimals=0, width=720, height=340,
    )  # fmt: skip
    return mark_safe(svg)  # noqa: S308 - planner.chart escapes every text it writes


@login_required
@require_GET
def policy_result(request: HttpRequest, policy_id: int) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    question = get_object_or_404(
        PolicyWhatIf.objects.select_related("job", "jurisdiction"), pk=policy_id
    )
    access.require_state(viewer, "state.policy.view", question.jurisdiction_id)

    def may_name(program: Program) -> bool:
        return access.allows("program.overview", access.program_relations(viewer, program))

    rows, summary = policy.report(question, may_name=may_name)
    context = {
        "question": question,
        "job": question.job,
        "rows": rows,
        "summary": summary,
        "chart": _chart(rows),
        "min_children": history.MIN_CHILDREN,
        "may_ask": access.allows(
            "state.policy", access.training_relations(viewer, question.jurisdiction_id)
        ),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "policy-answer":
        return render(request, "plans/policy_result.html#answer", context)
    return render(request, "plans/policy_result.html", context)
