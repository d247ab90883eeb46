"""The director's plan board. Thin: access decides, forms validate, services write.

Every page works without JavaScript (plain forms, redirects, full pages); with HTMX the run
and the moves swap the board in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attune.lib import access, audit, params
from attune.plans import adapter, board, forms, services
from attune.plans.models import PlanRun
from attune.programs.models import Program

TEMPLATE = "plans/board.html"


def _program(request: HttpRequest, program_id: int) -> Program:
    viewer = access.viewer_for(request.user)
    program: Program = access.require_program(viewer, program_id, "program.manage").obj
    return program


def _run(program: Program, run_id: int) -> PlanRun:
    return get_object_or_404(
        PlanRun.objects.select_related("created_by"), pk=run_id, program=program
    )


def _latest(program: Program) -> PlanRun | None:
    return (
        PlanRun.objects.filter(program=program)
        .exclude(state=PlanRun.State.DISCARDED)
        .select_related("created_by", "accepted_by")
        .first()
    )


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _page(
    request: HttpRequest,
    program: Program,
    *,
    run: PlanRun | None,
    plan_json: dict[str, Any] | None = None,
    errors: Sequence[str] = (),
    run_form: forms.RunForm | None = None,
    move_form: forms.MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The board: `run`'s plan (or an edit of it), else the arrangement in the records."""
    today = program.today()
    shown: board.Board | None = None
    explanation: list[str] = []
    problems: list[str] = []
    effect: list[board.EffectRow] = []
    if run is not None:
        problem = services.problem_of(run)
        names = adapter.Names.for_problem(program, run.problem)
        explanation = [names.say(line) for line in run.explanation]
        if run.solved or plan_json is not None:
            plan = services.parse_plan(plan_json if plan_json is not None else run.plan)
            shown = board.build(program, problem, plan, names)
            if plan_json is not None and run.solved and shown.effect is not None:
                started = board.effect_of(program, problem, services.parse_plan(run.plan))
                effect = board.compare(started, shown.effect)
    left_out: list[str] = []
    if shown is None:
        try:
            problem, names = adapter.problem_for(program, on=today)
        except adapter.CannotPlan as exc:
            problems = list(exc.messages)
        else:
            left_out = names.left_out
            shown = board.build(program, problem, adapter.current_plan(problem, names), names)
    elif run is not None:
        # the records the planner had to leave out of this run, named (issue 19)
        try:
            left_out = adapter.problem_for(program, on=run.as_of)[1].left_out
        except adapter.CannotPlan:
            left_out = []
    showing_run = run is not None and (run.solved or plan_json is not None)
    context = {
        "program": program,
        "run": run,
        "board": shown,
        "showing_run": showing_run,
        "edited": plan_json is not None,
        "effect": effect,
        "movable": bool(showing_run and run is not None and (run.solved or plan_json is not None)),
        "explanation": explanation,
        "problems": problems,
        "left_out": left_out,
        "errors": list(errors),
        "run_form": run_form or forms.RunForm(today=today),
        "move_form": move_form,
        "can_accept": bool(
            showing_run
            and run is not None
            and plan_json is None
            and run.state == PlanRun.State.DRAFT
            and shown is not None
            and shown.valid
        ),
    }
    template = f"{TEMPLATE}#board" if _htmx(request) else TEMPLATE
    return render(request, template, context, status=status)


@login_required
@require_GET
def plan_board(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    return _page(request, program, run=_latest(program))


@login_required
@require_POST
def plan_run(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    form = forms.RunForm(request.POST, today=program.today())
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _page(
            request, program, run=_latest(program), run_form=form, errors=errors, status=400
        )
    try:
        job = services.start_planner(
            actor=request.user,  # type: ignore[arg-type]
            program=program,
            on=form.cleaned_data["on"],
        )
    except adapter.CannotPlan as exc:
        return _page(request, program, run=_latest(program), errors=exc.messages, status=400)
    # Planned already (a worker was free, or tests run tasks at once): the board; else the
    # job's page, with its progress, until the plan is there.
    if job.status == job.Status.DONE:
        if _htmx(request):
            return _page(request, program, run=_latest(program))
        return redirect("plan_board", program_id=program.pk)
    target = reverse("job_detail", args=[job.pk])
    if _htmx(request):
        return HttpResponse(status=204, headers={"HX-Redirect": target})
    return redirect(target)


@login_required
@require_POST
def plan_move(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    program = _program(request, program_id)
    run = _run(program, run_id)
    form = forms.MoveForm(request.POST, run=run)
    if not form.is_valid():
        posted = form.cleaned_data.get("plan")
        return _page(request, program, run=run, plan_json=posted, move_form=form, status=400)
    data = form.cleaned_data
    try:
        edited, _found = services.move(
            run=run,
            plan_json=data["plan"],
            child_id=data["child"],
            caregiver_id=data["caregiver"],
            to_group=data["to_group"],
            primary_id=data["primary"],
        )
    except ValidationError as exc:
        return _page(request, program, run=run, errors=exc.messages, status=400)
    return _page(request, program, run=run, plan_json=edited)


@login_required
@require_POST
def plan_save(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    program = _program(request, program_id)
    run = _run(program, run_id)
    form = forms.SaveForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _page(request, program, run=run, errors=errors, status=400)
    try:
        saved = services.save_edit(
            actor=request.user,  # type: ignore[arg-type]
            run=run,
            plan_json=form.cleaned_data["plan"],
        )
    except ValidationError as exc:
        try:
            return _page(
                request,
                program,
                run=run,
                plan_json=form.cleaned_data["plan"],
                errors=exc.messages,
                status=400,
            )
        except ValidationError:  # the posted plan is not a plan at all
            return _page(request, program, run=run, errors=exc.messages, status=400)
    messages.success(request, _("The plan was saved. Accept it to put it in effect."))
    return redirect("plan_board", program_id=saved.program_id)


@login_required
@require_POST
def plan_accept(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    program = _program(request, program_id)
    run = _run(program, run_id)
    if run.state == PlanRun.State.ACCEPTED:  # a second click, or the back button
        messages.info(request, _("This plan is already in effect."))
        return redirect("plan_board", program_id=program.pk)
    try:
        services.accept(actor=request.user, run=run)  # type: ignore[arg-type]
    except ValidationError as exc:
        return _page(request, program, run=run, errors=exc.messages, status=400)
    messages.success(
        request,
        _("The plan is in effect: children's groups and primary caregivers were updated."),
    )
    return redirect("plan_board", program_id=program.pk)


@login_required
@require_GET
def plan_print(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    program = _program(request, program_id)
    run = _run(program, run_id)
    shown = None
    if run.solved:
        problem = services.problem_of(run)
        names = adapter.Names.for_problem(program, run.problem)
        shown = board.build(program, problem, services.parse_plan(run.plan), names)
    return render(request, "plans/print.html", {"program": program, "run": run, "board": shown})


@login_required
@require_GET
def plan_json(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    program = _program(request, program_id)
    run = _run(program, run_id)
    what = params.choice(request.GET, "what", ("plan", "problem"), default="plan")
    data = run.problem if what == "problem" else run.plan
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    audit.log_export(request, program, f"{what}.json")
    name = f"{slugify(program.name) or 'program'}-{run.as_of.isoformat()}-{what}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
