"""Licensing rule sets in the product (issue #15). Thin: access decides, forms validate,
services write.

- the rule sets page: the built-in sets and every jurisdiction's published versions;
- a state administrator publishes a version for their jurisdiction (a JSON file, pasted JSON
  or the form's fields), with its citation and effective date; every version is kept;
- the test bench: anyone signed in types a group and sees what each rule set requires, why;
- a program's director chooses the rule sets that bind the program.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from attune.lib import access, params
from attune.lib.views import acting_user
from attune.plans import rules_wording
from attune.plans.forms_rules import BenchForm, ProgramRulesForm, PublishForm, bench_choices
from attune.programs import rulesets, services
from attune.programs.models import Jurisdiction, Program, PublishedRuleSet
from planner import rules


@login_required
@require_GET
def rules_index(request: HttpRequest) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    today = date.today()
    published = []
    for version in PublishedRuleSet.objects.select_related("jurisdiction", "published_by"):
        current = rulesets.in_effect(version.jurisdiction, version.rule_id, today)
        published.append((version, current is not None and current.pk == version.pk))
    built_in = [rules.load_built_in(name) for name in rules.BUILT_IN]
    mine = Jurisdiction.objects.filter(pk__in=viewer.state_jurisdiction_ids).order_by("name")
    return render(
        request,
        "plans/rules_index.html",
        {"published": published, "built_in": built_in, "mine": mine, "today": today},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules_publish(request: HttpRequest, jurisdiction_id: int) -> HttpResponse:
    jurisdiction = get_object_or_404(Jurisdiction, pk=jurisdiction_id)
    access.require_state_admin(access.viewer_for(request.user), jurisdiction.pk, "rules.publish")
    form = PublishForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.publish_rule_set(
                actor=acting_user(request),
                jurisdiction=jurisdiction,
                document=form.cleaned_data["document"],
            )
        except services.RuleSetRefused as exc:
            where = f"{exc.field}: " if exc.field else ""
            form.add_error(None, _("The rule set is refused: %(where)s%(reason)s")
                           % {"where": where, "reason": exc.message})  # fmt: skip
        else:
            messages.success(
                request,
                _("Version %(version)d of %(id)s is published; it takes effect on %(date)s.")
                % {
                    "version": version.version,
                    "id": version.rule_id,
                    "date": version.effective.isoformat(),
                },
            )
            return redirect("rules_version", version_id=version.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "plans/rules_publish.html",
        {"form": form, "jurisdiction": jurisdiction},
        status=status,
    )


@login_required
@require_GET
def rules_version(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(
        PublishedRuleSet.objects.select_related("jurisdiction", "published_by"), pk=version_id
    )
    versions = PublishedRuleSet.objects.filter(
        jurisdiction=version.jurisdiction, rule_id=version.rule_id
    ).order_by("-version")
    current = rulesets.in_effect(version.jurisdiction, version.rule_id, date.today())
    viewer = access.viewer_for(request.user)
    return render(
        request,
        "plans/rules_version.html",
        {
            "version": version,
            "versions": versions,
            "current": current,
            "parsed": rules.parse_rule_set(version.document),
            "document": json.dumps(version.document, indent=2, ensure_ascii=False),
            "can_publish": version.jurisdiction_id in viewer.state_jurisdiction_ids,
        },
    )


@login_required
@require_GET
def rules_bench(request: HttpRequest) -> HttpResponse:
    asked = "ages" in request.GET  # a link may preselect rule sets without asking yet
    preselected = params.words(request.GET, "rule_sets", most=len(bench_choices()))
    form = BenchForm(request.GET if asked else None, initial={"rule_sets": preselected})
    results = None
    if asked and form.is_valid():
        data = form.cleaned_data
        members = [
            rules.Member(f"{i + 1}", age, frozenset(data["attributes"]))
            for i, age in enumerate(data["ages"])
        ]
        qualified = Counter(data["qualified"])
        results = rules_wording.bench(
            form.rule_sets_chosen(), members, data["staff"], qualified, frozenset(data["periods"])
        )
    return render(
        request,
        "plans/rules_bench.html",
        {"form": form, "results": results},
        status=400 if asked and not form.is_valid() else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_rules(request: HttpRequest, program_id: int) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    program: Program = access.require_program(viewer, program_id, "program.manage").obj
    initial = {
        "state_rules": program.state_rules,
        "rule_set": program.rule_set,
        "extra_rules": program.extra_rules,
    }
    form = ProgramRulesForm(request.POST or None, program=program, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_program_rules(
                actor=acting_user(request),
                program=program,
                state_rules=form.cleaned_data["state_rules"],
                rule_set=form.cleaned_data["rule_set"],
                extra_rules=form.cleaned_data["extra_rules"],
            )
        except services.RuleSetRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The program's rule sets are saved."))
            return redirect("program_rules", program_id=program.pk)
    today = date.today()
    bound = rulesets.bound(program, today)
    coming = rulesets.upcoming(program, today, date(today.year + 2, 12, 31))
    return render(
        request,
        "plans/program_rules.html",
        {"program": program, "form": form, "bound": bound, "coming": coming},
        status=400 if request.method == "POST" else 200,
    )
