"""What-if pages: enroll a waitlisted child, a caregiver leaving or going part-time, the
waiting list ranked by fit. Thin: access decides, forms validate, attune.plans.whatif asks
and answers (in the background), the run's page shows the answer.

Every page works without JavaScript: the forms post and redirect to the run's page, which
has a Refresh button while the answer is being worked out; with HTMX the run's answer is
polled every second and choosing a child fills in their desired start and schedule. The
answer is shown as soon as it is known; polling goes on until a no's smallest fix is found.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attune.lib import access, params
from attune.plans import forms, whatif
from attune.plans.models import WhatIfRun
from attune.programs.models import Program, WaitlistEntry

TEMPLATE = "plans/whatif.html"
RUN_TEMPLATE = "plans/whatif_run.html"


def _program(request: HttpRequest, program_id: int) -> Program:
    viewer = access.viewer_for(request.user)
    program: Program = access.require_program(viewer, program_id, "program.manage").obj
    return program


def _htmx_target(request: HttpRequest) -> str | None:
    htmx = getattr(request, "htmx", None)
    return str(htmx.target) if htmx and htmx.target else None


def _chosen(request: HttpRequest, entries: list[WaitlistEntry]) -> WaitlistEntry | None:
    wanted = params.pk(request.GET, "entry")
    return next((e for e in entries if e.pk == wanted), entries[0] if entries else None)


def _page(
    request: HttpRequest,
    program: Program,
    *,
    enroll_form: forms.EnrollForm | None = None,
    staffing_form: forms.StaffingForm | None = None,
    entry: WaitlistEntry | None = None,
    status: int = 200,
) -> HttpResponse:
    today = program.today()
    entries = list(whatif.open_entries(program))
    if entry is None:
        entry = _chosen(request, entries)
    if enroll_form is None and entry is not None:
        enroll_form = forms.EnrollForm.for_entry(entry, program=program, today=today)
    runs = whatif.recent(program)
    context: dict[str, Any] = {
        "program": program,
        "entries": entries,
        "entry": entry,
        "enroll_form": enroll_form,
        "staffing_form": staffing_form or forms.StaffingForm(program=program, today=today),
        "runs": [(run, whatif.question(run), whatif.interrupted(run)) for run in runs],
    }
    if _htmx_target(request) == "enroll-form":
        return render(request, f"{TEMPLATE}#enroll_form", context, status=status)
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_GET
def whatif_page(request: HttpRequest, program_id: int) -> HttpResponse:
    return _page(request, _program(request, program_id))


@login_required
@require_POST
def whatif_enroll(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    form = forms.EnrollForm(request.POST, program=program, today=program.today())
    if not form.is_valid():
        entry = form.cleaned_data.get("entry")
        return _page(request, program, enroll_form=form, entry=entry, status=400)
    run = whatif.ask(
        actor=request.user,  # type: ignore[arg-type]
        program=program,
        kind=WhatIfRun.Kind.ENROLL,
        parameters=form.parameters(),
    )
    return redirect("whatif_run", program_id=program.pk, run_id=run.pk)


@login_required
@require_POST
def whatif_staffing(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    form = forms.StaffingForm(request.POST, program=program, today=program.today())
    if not form.is_valid():
        return _page(request, program, staffing_form=form, status=400)
    run = whatif.ask(
        actor=request.user,  # type: ignore[arg-type]
        program=program,
        kind=WhatIfRun.Kind.STAFFING,
        parameters=form.parameters(),
    )
    return redirect("whatif_run", program_id=program.pk, run_id=run.pk)


def _latest_ranking(program: Program) -> WhatIfRun | None:
    return (
        WhatIfRun.objects.filter(program=program, kind=WhatIfRun.Kind.RANKING)
        .select_related("created_by", "job")
        .first()
    )


def _answer_context(run: WhatIfRun) -> dict[str, Any]:
    """What the answer partial shows for a run, finished or not: the answer as soon as it is
    stored (a no's fix, or the ranking's fixes, may still be being looked for)."""
    context: dict[str, Any] = {
        "run": run,
        "question": whatif.question(run),
        "interrupted": whatif.interrupted(run),
        "answered": False,
        "said": None,
        "ranked": [],
    }
    if run.status != WhatIfRun.Status.FAILED and run.result is not None:
        context["answered"] = True
        if run.kind == WhatIfRun.Kind.ENROLL:
            context["said"] = whatif.say_enrollment(run.result)
        elif run.kind == WhatIfRun.Kind.STAFFING:
            context["said"] = whatif.say_staffing(run.result)
        else:
            context["ranked"] = [
                (answer, whatif.say_enrollment(answer)) for answer in run.result.get("answers", [])
            ]
    return context


@login_required
@require_GET
def whatif_ranking(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    latest = _latest_ranking(program)
    context: dict[str, Any] = {
        "program": program,
        "waiting": whatif.open_entries(program).count(),
        **(_answer_context(latest) if latest is not None else {"run": None}),
    }
    return render(request, "plans/whatif_ranking.html", context)


@login_required
@require_POST
def whatif_rank(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    waiting = whatif.open_entries(program).count()
    if not waiting:
        messages.info(request, _("Nobody is on the waiting list, so there is nothing to rank."))
        return redirect("whatif_ranking", program_id=program.pk)
    whatif.ask(
        actor=request.user,  # type: ignore[arg-type]
        program=program,
        kind=WhatIfRun.Kind.RANKING,
        parameters={"waiting": waiting},
    )
    return redirect("whatif_ranking", program_id=program.pk)


@login_required
@require_GET
def whatif_run(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    program = _program(request, program_id)
    run = get_object_or_404(
        WhatIfRun.objects.select_related("created_by", "job"), pk=run_id, program=program
    )
    context = {"program": program, **_answer_context(run)}
    if _htmx_target(request) == "whatif-answer":
        return render(request, f"{RUN_TEMPLATE}#answer", context)
    return render(request, RUN_TEMPLATE, context)
