"""Every write of the plan board. Keyword-only; audited; nothing partial is ever saved.

`run_planner` reads the records and solves outside any transaction (a solve takes seconds and
SQLite would hold its write lock all that time), then stores the run in one. `move` only
computes. `save_edit` and `accept` are atomic: a refused edit or acceptance changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from attune.jobs import services as jobs
from attune.jobs.models import Job
from attune.lib.audit import acting_as
from attune.plans import adapter, history, wording
from attune.plans.models import PlanRun
from attune.programs import services as program_services
from attune.programs.models import Caregiver, CareGroup, Child, Program, Room
from planner import io
from planner.model import Group, Plan, Problem, Violation, overlap_minutes
from planner.score import score
from planner.solve import solve
from planner.validate import validate

if TYPE_CHECKING:
    from attune.accounts.models import User

WORKERS = 2
TIME_LIMIT = 5.0  # seconds for a plan from the board


class PlanRefused(ValidationError):
    """The plan breaks rules (or no longer fits the records); the messages say which."""


# -- reading runs ----------------------------------------------------------------------------


def problem_of(run: PlanRun) -> Problem:
    return io.parse_problem(run.problem)


def parse_plan(data: Any) -> Plan:
    """A plan from posted or stored JSON; ValidationError when it is not a plan at all."""
    try:
        return io.parse_plan(data)
    except io.InvalidInput as exc:
        raise ValidationError(
            _("The plan could not be read: %(reason)s") % {"reason": str(exc)}
        ) from None


def names_for(run: PlanRun, problem: Problem, plan: Plan) -> adapter.Names:
    return adapter.Names.for_problem(run.program, run.problem).with_plan(plan, problem)


def compact(plan: Plan) -> dict[str, Any]:
    """The parts of a plan an edit changes: its groups and primary caregivers."""
    return {
        "format": io.PLAN_FORMAT,
        "groups": io.groups_json(plan.groups),
        "primary": dict(plan.primary),
        "unassigned_children": list(plan.unassigned_children),
    }


# -- running the planner ---------------------------------------------------------------------


def start_planner(*, actor: User | None, program: Program, on: date) -> Job:
    """Queue a plan of the program's records on `on` (attune.plans.tasks.solve_plan).

    Raises adapter.CannotPlan (with names) at once when the records cannot be planned; the
    records are read again when the plan is made."""
    from attune.plans import tasks

    adapter.problem_for(program, on=on)
    return jobs.start(
        actor=actor,
        kind="plan",
        title=_("Plan for %(day)s") % {"day": date_format(on, "DATE_FORMAT")},
        task=tasks.solve_plan,
        program=program,
        parameters={"on": on.isoformat()},
    )


def plan_job(job: Job, ctx: jobs.Context) -> dict[str, Any]:
    """The job's body: plan, and keep the run (once, under the job's lock)."""
    assert job.program is not None
    on = date.fromisoformat(job.parameters["on"])
    ctx.progress(0.1, _("Reading the records…"))
    try:
        problem, _names = adapter.problem_for(job.program, on=on)
    except adapter.CannotPlan as exc:
        raise jobs.JobFailed("\n".join(exc.messages)) from None
    ctx.progress(0.2, _("Planning (up to %(n)d seconds)…") % {"n": int(TIME_LIMIT)})
    plan = solve(problem, time_limit=TIME_LIMIT, workers=WORKERS)
    ctx.check()
    url = f"/programs/{job.program_id}/plan/"

    program = job.program

    def write() -> dict[str, Any]:
        keep(actor=job.created_by, program=program, on=on, problem=problem, plan=plan, job=job)
        return {"url": url, "label": _("Open the plan"), "redirect": True}

    jobs.finish_with(job, write)
    return {"url": url, "label": _("Open the plan"), "redirect": True}


def run_planner(
    *, actor: User | None, program: Program, on: date, time_limit: float = 5.0
) -> PlanRun:
    """Plan the program's records on `on` now, in the caller, and keep the run as a draft
    (tests and the demo loader; the board queues `start_planner`).

    Raises adapter.CannotPlan (with names) when the records cannot be planned; then nothing
    is stored. An infeasible program is stored with the planner's explanation.
    """
    problem, _names = adapter.problem_for(program, on=on)
    plan = solve(problem, time_limit=time_limit, workers=WORKERS)
    return keep(actor=actor, program=program, on=on, problem=problem, plan=plan)


def keep(
    *,
    actor: User | None,
    program: Program,
    on: date,
    problem: Problem,
    plan: Plan,
    job: Job | None = None,
) -> PlanRun:
    with transaction.atomic():
        run = PlanRun(
            job=job,
            program=program,
            created_by=actor,
            as_of=on,
            problem=io.problem_to_json(problem),
            plan=io.plan_to_json(plan),
            status=plan.status,
            objective=plan.objective,
            bound=plan.bound,
            seconds=plan.seconds,
        )
        run.full_clean()
        with acting_as(actor):
            run.save()
    return run


# -- editing by hand -------------------------------------------------------------------------


def _load(plan: Plan, caregiver_id: str) -> int:
    return sum(1 for s in plan.primary.values() if s == caregiver_id)


def best_primary(
    problem: Problem, plan: Plan, child_id: str, group: Group, *, without: str | None = None
) -> str | None:
    """The caregiver of `group` who suits the child best as primary: one with room for
    another primary child, speaking the child's language, trained for an IFSP, on shift
    for most of the child's hours, with the fewest primary children."""
    child = problem.child(child_id)
    best: tuple[tuple[bool, bool, bool, int, int], str] | None = None
    for caregiver_id in group.caregivers:
        if caregiver_id == without:
            continue
        caregiver = next((s for s in problem.caregivers if s.id == caregiver_id), None)
        if caregiver is None:
            continue
        load = _load(plan, caregiver_id) - (plan.primary.get(child_id) == caregiver_id)
        key = (
            load >= problem.primary_limit(caregiver),
            bool(child.languages) and not set(child.languages) & set(caregiver.languages),
            child.ifsp and not caregiver.ifsp_trained,
            -overlap_minutes(child.schedule, caregiver.shifts),
            load,
        )
        if best is None or key < best[0]:
            best = (key, caregiver_id)
    return best[1] if best else None


def move(
    *,
    run: PlanRun,
    plan_json: Mapping[str, Any] | None = None,
    child_id: str | None = None,
    caregiver_id: str | None = None,
    to_group: str,
    primary_id: str | None = None,
) -> tuple[dict[str, Any], list[Violation]]:
    """Move one child or one caregiver into another group of the plan; nothing is saved.

    Returns the edited plan (compact JSON, to post back) and what the validator finds in it.
    A moved child takes `primary_id`, or the best caregiver of the new group; a moved
    caregiver's primary children who stay behind take the best caregiver left in their group.
    """
    if (child_id is None) == (caregiver_id is None):
        raise ValidationError(_("Choose a child or a caregiver to move."))
    problem = problem_of(run)
    plan = parse_plan(plan_json if plan_json is not None else run.plan)
    groups = {g.id: g for g in plan.groups}
    target = groups.get(to_group)
    if target is None:
        raise ValidationError(_("Choose one of the plan's groups."))
    if child_id is not None:
        if child_id not in {c.id for c in problem.children}:
            raise ValidationError(_("Choose a child of this plan."))
        for group in plan.groups:
            group.children = [c for c in group.children if c != child_id]
        plan.unassigned_children = [c for c in plan.unassigned_children if c != child_id]
        target.children.append(child_id)
        if primary_id is not None:
            plan.primary[child_id] = primary_id
        else:
            chosen = best_primary(problem, plan, child_id, target)
            if chosen is not None:
                plan.primary[child_id] = chosen
    else:
        if caregiver_id not in {s.id for s in problem.caregivers}:
            raise ValidationError(_("Choose a caregiver of this plan."))
        for group in plan.groups:
            group.caregivers = [s for s in group.caregivers if s != caregiver_id]
        target.caregivers.append(caregiver_id)
        group_of = plan.group_of()
        for child, primary in list(plan.primary.items()):
            home = group_of.get(child)
            if primary == caregiver_id and home is not None and home is not target:
                chosen = best_primary(problem, plan, child, home, without=caregiver_id)
                if chosen is not None:
                    plan.primary[child] = chosen
    return compact(plan), validate(problem, plan)


def _refusal(names: adapter.Names, found: list[Violation], lead: str) -> PlanRefused:
    return PlanRefused([lead, *(str(said) for said in wording.violations(found, names))])


@transaction.atomic
def save_edit(*, actor: User | None, run: PlanRun, plan_json: Mapping[str, Any]) -> PlanRun:
    """Keep a plan edited by hand, when the validator finds nothing wrong with it.

    A draft is updated in place; an edit of a plan already in effect (or replaced) becomes a
    new draft, so the accepted plan stays as it was accepted.
    """
    problem = problem_of(run)
    plan = parse_plan(plan_json)
    found = validate(problem, plan)
    if found:
        raise _refusal(
            names_for(run, problem, plan),
            found,
            _("This plan breaks the rules below, so it was not saved."),
        )
    result = score(problem, plan)
    plan.status = run.status if run.solved else "feasible"
    plan.objective = result.total
    plan.bound = run.bound if run.bound is not None and run.bound <= result.total else None
    plan.soft = result.notes
    plan.solver = _("edited by hand")
    if run.state != PlanRun.State.DRAFT:
        run = PlanRun(
            program=run.program,
            created_by=actor,
            as_of=run.as_of,
            problem=run.problem,
            seconds=None,
        )
    run.plan = io.plan_to_json(plan)
    run.status = plan.status
    run.objective = plan.objective
    run.bound = plan.bound
    run.edited = True
    run.full_clean()
    with acting_as(actor):
        run.save()
    return run


# -- accepting -------------------------------------------------------------------------------


def _room_of(names: adapter.Names, group: Group) -> Room | None:
    return names.rooms.get(group.room or "")


@transaction.atomic
def accept(*, actor: User | None, run: PlanRun) -> PlanRun:
    """Put a plan in effect: small groups, rooms and primary caregivers, all or nothing.

    The plan is checked again against the records as they are now (a child may have left,
    a shift changed); if it no longer fits, nothing changes. Children's and caregivers'
    records are updated through attune.programs.services (audited, with enrollment events),
    and the month of the plan's day is recorded again in the continuity history.
    """
    run = PlanRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if run.state == PlanRun.State.ACCEPTED:
        raise PlanRefused(_("This plan is already in effect."))
    if run.state != PlanRun.State.DRAFT:
        raise PlanRefused(_("This plan was replaced or discarded; run the planner again."))
    if not run.solved:
        raise PlanRefused(
            _("The planner found no plan in this run, so there is nothing to accept.")
        )
    program = run.program
    on = max(run.as_of, program.today())
    stale = _("The records changed since this plan was made and it no longer fits them, so "
              "nothing was changed. Run the planner again.")  # fmt: skip
    try:
        problem, names = adapter.problem_for(program, on=on)
    except adapter.CannotPlan as exc:
        raise PlanRefused([stale, *exc.messages]) from None
    plan = parse_plan(run.plan)
    found = validate(problem, plan)
    if found:
        then = adapter.Names.for_problem(program, run.problem)  # names for who has left
        raise _refusal(names.merged(then).with_plan(plan, problem), found, stale)
    names = names.with_plan(plan, problem)

    labels = adapter.group_names(plan.groups, problem, names)
    existing = {g.label: g for g in CareGroup.objects.filter(program=program)}
    chosen: dict[str, CareGroup] = {}
    with acting_as(actor):
        for group in plan.groups:
            room = _room_of(names, group)
            care_group = existing.get(labels[group.id])
            if care_group is None:
                care_group = CareGroup(program=program, label=labels[group.id], room=room)
            elif (
                care_group.room_id == (room.pk if room else None) and care_group.retired_on is None
            ):
                chosen[group.id] = care_group
                continue
            care_group.room = room
            care_group.retired_on = None
            care_group.full_clean()
            care_group.save()
            chosen[group.id] = care_group
        used = {g.pk for g in chosen.values()}
        for care_group in existing.values():
            if care_group.pk not in used and care_group.retired_on is None:
                care_group.retired_on = on
                care_group.save(update_fields=["retired_on"])

    group_of = plan.group_of()
    for planner_id, child in names.children.items():
        care_group = chosen[group_of[planner_id].id]
        primary = names.caregivers[plan.primary[planner_id]]
        if (child.care_group_id, child.room_id, child.primary_caregiver_id) != (
            care_group.pk,
            care_group.room_id,
            primary.pk,
        ):
            program_services.update_child(
                actor=actor,
                child=Child.objects.get(pk=child.pk),
                data={
                    "care_group": care_group,
                    "room": care_group.room,
                    "primary_caregiver": primary,
                },
            )
    caregiver_group = plan.caregiver_group()
    for planner_id, caregiver in names.caregivers.items():
        in_group = caregiver_group.get(planner_id)
        data: dict[str, Any] = {"care_group": None}
        if in_group is not None:
            data = {"care_group": chosen[in_group.id], "room": chosen[in_group.id].room}
        if any(getattr(caregiver, key) != value for key, value in data.items()):
            program_services.update_caregiver(
                actor=actor, caregiver=Caregiver.objects.get(pk=caregiver.pk), data=data
            )

    with acting_as(actor):
        for earlier in PlanRun.objects.filter(program=program, state=PlanRun.State.ACCEPTED):
            earlier.state = PlanRun.State.SUPERSEDED
            earlier.save(update_fields=["state"])
        run.state = PlanRun.State.ACCEPTED
        run.accepted_at = timezone.now()
        run.accepted_by = actor
        run.save(update_fields=["state", "accepted_at", "accepted_by"])
    # the children's timelines and the continuity pages show the change right away
    history.record_month(program=program, month=run.as_of)
    return run
