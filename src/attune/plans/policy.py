"""The state-wide policy what-if: every program of a state planned under its current rule
set and under a proposed one, one task per program spread over all workers.

A state administrator proposes new ratios and group sizes for age bands of the rule sets
the state's programs use, from a date ("toddlers 1:5 instead of 1:4, groups of 10 instead
of 12, from September"). `start` stores the question and starts one job, whose first task
queues one task per program (`run_program`); each program's task plans the program's records
on that date twice with planner.solve — under the rule set in effect and under the proposed
one, derived from it by `propose` — and stores the program's measures once (a unique row per
question and program). The job's progress is the share of programs answered; its page and the
question's page fill in as they finish.

Measures per rule set (`measures`):
- whether a plan meets every rule (a plan found; proved impossible; or none found in time);
- the caregiver hours a week the ratios require for the plan's groups (`required_minutes`):
  at every moment, each group's children present need so many caregivers under the rule set
  (counted by the independent validator), times the moment's length. A stricter ratio or a
  smaller group raises it; it is what the rules ask, not the hours the staff are scheduled;
- when the staff cannot meet the rules: the smallest staffing fix found (planner.whatif's
  fix search, as for a director's what-if): the caregiver hours a week beyond the staff's
  shifts that make a plan possible, or that no number of caregivers will (rooms too small);
- the number of small groups, and continuity: the share of children who keep their primary
  caregiver and their group, and the share of a child's hours their primary is on shift.

The planner is used only through its public functions (adapter.problem_for,
planner.rules.load, planner.solve, planner.validate.validate, planner.whatif.find_fix), with
the rule set replaced in the problem.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from attune.jobs import services as jobs
from attune.jobs.models import Job
from attune.plans import adapter
from attune.plans.history import MIN_CHILDREN
from attune.plans.models import PolicyResult, PolicyWhatIf
from attune.programs.models import Child, Jurisdiction, Program
from planner import rules, whatif
from planner.model import Plan, Problem, overlap_minutes, schedule_minutes
from planner.solve import solve
from planner.validate import validate

if TYPE_CHECKING:
    from attune.accounts.models import User

logger = logging.getLogger(__name__)

WORKERS = 1  # CP-SAT workers per plan: the queue spreads programs over the machine's cores


# -- the proposed rule set --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BandChoice:
    """One band of a rule set used in the state, as the form offers it."""

    key: str  # "<rule set>:<band id>"
    rule_set: str
    rule_name: str
    label: str
    ratio: str  # "1:4", or the staff per group
    max_group: int
    programs: int


def _band_ratio(band: rules.Band) -> str:
    return f"1:{_number(band.ratio)}"


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def programs_of(jurisdiction: Jurisdiction) -> list[Program]:
    return list(Program.objects.filter(jurisdiction=jurisdiction).order_by("name", "pk"))


def choices(programs: Sequence[Program]) -> list[BandChoice]:
    """The bands of the rule sets the programs use, with their current ratio and group."""
    used: dict[str, int] = {}
    for program in programs:
        used[program.rule_set] = used.get(program.rule_set, 0) + 1
    out = []
    for rule_id, count in sorted(used.items()):
        try:
            rule_set = rules.load(rule_id)
        except rules.RuleSetError:
            continue
        for band in rule_set.bands:
            out.append(
                BandChoice(
                    key=f"{rule_id}:{band.id}", rule_set=rule_id, rule_name=rule_set.name,
                    label=band.label, ratio=_band_ratio(band), max_group=band.max_group,
                    programs=count,
                )
            )  # fmt: skip
    return out


def propose(
    current: rules.RuleSet, edits: Mapping[str, Mapping[str, Any]], starts: date
) -> rules.RuleSet:
    """The proposed rule set: `current` with the edited bands' ratio and group size changed
    (edits keyed "<rule set>:<band id>", each with "ratio" and/or "max_group"), in effect
    from `starts`. A band with tiers keeps them, its largest tier changed."""
    data = copy.deepcopy(current.to_json())
    changed = False
    for band in data.get("bands", []):
        edit = edits.get(f"{current.id}:{band.get('id')}")
        if not edit:
            continue
        changed = True
        target = band["tiers"][-1] if band.get("tiers") else band
        if edit.get("max_group"):
            target["max_group"] = int(edit["max_group"])
        if edit.get("ratio"):
            target.pop("staff", None)
            target["ratio"] = edit["ratio"]
        if band.get("tiers"):  # smaller tiers stay within the new largest group
            last = band["tiers"][-1]["max_group"]
            band["tiers"] = [t for t in band["tiers"][:-1] if t["max_group"] < last] + [
                band["tiers"][-1]
            ]
    if not changed:
        return current
    data["id"] = f"{current.id}-proposed"
    data["name"] = f"{current.name} (proposed)"
    data["effective"] = starts.isoformat()
    return rules.load(data)


# -- asking -----------------------------------------------------------------------------------


def start(
    *,
    actor: User | None,
    jurisdiction: Jurisdiction,
    starts: date,
    edits: Mapping[str, Mapping[str, Any]],
    title: str,
) -> PolicyWhatIf:
    """Store the question and start its job (which queues one task per program)."""
    from attune.plans import tasks

    with transaction.atomic():
        question = PolicyWhatIf.objects.create(
            jurisdiction=jurisdiction,
            title=title[:200],
            starts=starts,
            edits=dict(edits),
            program_count=Program.objects.filter(jurisdiction=jurisdiction).count(),
            created_by=actor,
        )
        job = jobs.start(
            actor=actor,
            kind="policy",
            title=title,
            task=tasks.policy_fanout,
            jurisdiction=jurisdiction,
            parameters={"policy": question.pk},
        )
        PolicyWhatIf.objects.filter(pk=question.pk).update(job=job)
    question.refresh_from_db()
    return question


def fanout_job(job: Job, ctx: jobs.Context) -> Any:
    """The job's first task: queue one task per program not answered yet (a retry, or this
    task taken again after its worker was lost, queues only those neither answered nor still
    queued). The job finishes when the last program is answered."""
    from attune.plans import tasks

    question = PolicyWhatIf.objects.get(pk=job.parameters["policy"])
    answered = set(
        PolicyResult.objects.filter(policy=question).values_list("program_id", flat=True)
    )
    programs = [p for p in programs_of(question.jurisdiction) if p.pk not in answered]
    PolicyWhatIf.objects.filter(pk=question.pk).update(program_count=len(programs) + len(answered))
    if not programs:
        return {"url": url(question), "label": _("See the answer")}
    queued = _queued_programs(job, tasks.policy_program.module_path)
    with transaction.atomic():
        for program in programs:
            if program.pk not in queued:
                tasks.policy_program.enqueue(
                    job_id=job.pk, policy_id=question.pk, program_id=program.pk
                )
    ctx.progress(len(answered) / (len(programs) + len(answered)), _progress_text(question))
    return jobs.PENDING


def _queued_programs(job: Job, task_path: str) -> set[int]:
    """The programs whose task of this job waits in the queue or runs now."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        task_path=task_path,
        status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
        args_kwargs__kwargs__job_id=job.pk,
    ).values_list("args_kwargs", flat=True)
    return {int(row["kwargs"]["program_id"]) for row in rows}


def url(question: PolicyWhatIf) -> str:
    return f"/state/policy/{question.pk}/"


def _progress_text(question: PolicyWhatIf) -> str:
    done = PolicyResult.objects.filter(policy=question).count()
    return _("%(done)d of %(total)d programs planned") % {
        "done": done,
        "total": question.program_count,
    }


# -- one program --------------------------------------------------------------------------------

FEASIBLE = ("optimal", "feasible")


def time_limit() -> float:
    """Seconds for each plan (two per program); settings.ATTUNE_POLICY_TIME_LIMIT."""
    return float(getattr(settings, "ATTUNE_POLICY_TIME_LIMIT", 5.0))


def fix_time() -> float:
    """Seconds to look for the smallest staffing fix of a rule set the staff cannot meet."""
    return float(getattr(settings, "ATTUNE_POLICY_FIX_TIME", 5.0))


def required_minutes(problem: Problem, plan: Plan) -> int:
    """Caregiver-minutes a week the rule set requires for the plan's groups: at every moment,
    for each group, the caregivers its children present need under the ratios, times the
    moment's length. Worked out by the independent validator (planner.validate) on the plan's
    groups with no caregiver in them: each of its ratio findings is then the whole need."""
    bare = dataclasses.replace(
        plan, groups=[dataclasses.replace(g, caregivers=[]) for g in plan.groups]
    )
    return sum(v.staff_minutes for v in validate(problem, bare) if v.rule == "ratio")


def staffing_fix(problem: Problem, hours: tuple[int, int]) -> dict[str, Any]:
    """The smallest staffing fix found for a problem the staff cannot plan under its rules
    (planner.whatif.find_fix, as for a director's what-if): the caregiver hours a week beyond
    the staff's shifts that make a plan possible, or that no number of caregivers will do."""
    asked = whatif.Staffing(
        caregiver="", start=problem.as_of, change="rules", status="no",
        fix_search=whatif.FixSearch(problem, {}, hours),
    )  # fmt: skip
    fix = whatif.find_fix(asked, time_limit=fix_time(), workers=WORKERS)
    if fix is None:
        return {"fix": "none"}
    if fix.other:
        return {"fix": "beyond_staff"}
    if not fix.shortfalls and not fix.primary:
        return {"fix": "none"}  # not found in the time given
    return {
        "fix": "staff",
        "extra_hours": round(fix.staff_minutes / 60, 1),
        "extra_primary": fix.primary,
        "fix_proven": fix.proven,
    }


def measures(problem: Problem, plan: Plan, hours: tuple[int, int]) -> dict[str, Any]:
    """What the state compares for one rule set: whether a plan meets every rule; the
    caregiver hours the ratios require for the plan's groups; the caregiver hours the staff
    is short of when no plan is possible (the smallest fix found); the number of groups; and
    continuity (children who keep their primary caregiver and their group, and the share of
    a child's hours their primary caregiver is on shift)."""
    out: dict[str, Any] = {"status": plan.status}
    if plan.status not in FEASIBLE:
        if plan.status == "infeasible":
            out.update(staffing_fix(problem, hours))
        return out
    caregivers = {c.id: c for c in problem.caregivers}
    out["required_hours"] = round(required_minutes(problem, plan) / 60, 1)
    out["extra_hours"] = 0.0
    out["groups"] = len(plan.groups)
    group_of = plan.group_of()
    kept_primary = kept_group = known_primary = known_group = 0
    presence: list[float] = []
    for child in problem.children:
        primary = plan.primary.get(child.id)
        if child.current is not None and child.current.primary:
            known_primary += 1
            kept_primary += primary == child.current.primary
        if child.current is not None and child.current.group:
            known_group += 1
            home = group_of.get(child.id)
            kept_group += home is not None and home.id == child.current.group
        attended = schedule_minutes(child.schedule)
        if primary in caregivers and attended:
            presence.append(overlap_minutes(child.schedule, caregivers[primary].shifts) / attended)
    out["same_primary"] = round(kept_primary / known_primary, 3) if known_primary else None
    out["same_group"] = round(kept_group / known_group, 3) if known_group else None
    out["presence"] = round(sum(presence) / len(presence), 3) if presence else None
    return out


def answer_program(program: Program, starts: date, edits: Mapping[str, Any]) -> dict[str, Any]:
    """The program's measures under the current and the proposed rule set."""
    problem, _names = adapter.problem_for(program, on=starts)
    hours = adapter.opening_hours(program)
    proposed_rules = propose(problem.program.rules, edits, starts)
    proposed = dataclasses.replace(
        problem,
        program=dataclasses.replace(problem.program, rules=proposed_rules, rules_inline=True),
    )
    current = measures(problem, solve(problem, time_limit=time_limit(), workers=WORKERS), hours)
    if proposed_rules is problem.program.rules:
        after = current  # no band of its rule set was changed
    else:
        after = measures(proposed, solve(proposed, time_limit=time_limit(), workers=WORKERS), hours)
    return {
        "children": len(problem.children),
        "current": current,
        "proposed": after,
        "changed": proposed_rules is not problem.program.rules,
    }


CANNOT_PLAN = "cannot-plan"  # the program's records cannot be planned as they are
PLANNER_FAILED = "planner-failed"  # the planner failed on every try (logged)


def _enrolled(program: Program, on: date) -> int:
    return Child.objects.filter(program=program).enrolled_on(on).count()


def run_program(*, job_id: int, policy_id: int, program_id: int, attempt: int = 1) -> None:
    """One program's task: answer it once, then move the job's progress (and finish it with
    the last program). A program the planner keeps failing on (its last try, `attempt` of
    ATTUNE_TASK_MAX_TRIES) is answered with that failure, so the question still completes."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    question = PolicyWhatIf.objects.get(pk=policy_id)
    if job.cancel_requested:
        jobs.mark_cancelled(job)
        return
    if not PolicyResult.objects.filter(policy=question, program_id=program_id).exists():
        program = Program.objects.get(pk=program_id)
        started = time.monotonic()
        with translation.override(job.language):
            try:
                found = answer_program(program, question.starts, question.edits)
                fields: dict[str, Any] = {
                    "children": found["children"],
                    "current": found["current"],
                    "proposed": found["proposed"],
                }
            except adapter.CannotPlan:
                # why names children: the state's page says only that it cannot be planned
                fields = {"error": CANNOT_PLAN, "children": _enrolled(program, question.starts)}
            except Exception:
                if attempt < jobs.max_tries():
                    raise  # tried again by the worker, after a pause
                logger.exception("policy %s: program %s failed on every try", policy_id, program_id)
                fields = {"error": PLANNER_FAILED, "children": _enrolled(program, question.starts)}
        try:
            with transaction.atomic():
                PolicyResult.objects.create(
                    policy=question, program=program, seconds=time.monotonic() - started,
                    **fields,
                )  # fmt: skip
        except IntegrityError:
            pass  # answered by an earlier try of this task
    done = PolicyResult.objects.filter(policy=question).count()
    total = max(1, question.program_count)
    with translation.override(job.language):
        if done >= question.program_count:
            jobs.finish(job, {"url": url(question), "label": _("See the answer")})
        else:
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                progress=done / total, message=_progress_text(question)
            )


# -- the answer, as the page shows it -----------------------------------------------------------


@dataclasses.dataclass
class Row:
    program: Program
    name: str  # the program's name, or a placeholder when the viewer may not see it
    named: bool
    children: int
    suppressed: bool  # fewer than MIN_CHILDREN children: no figure shown, none counted
    current: dict[str, Any]
    proposed: dict[str, Any]
    error: str = ""

    @property
    def becomes_infeasible(self) -> bool:
        return (
            self.current.get("status") in FEASIBLE and self.proposed.get("status") not in FEASIBLE
        )

    @property
    def error_text(self) -> str:
        if not self.error:
            return ""
        if self.error == CANNOT_PLAN:
            return _(
                "Its records cannot be planned as they are; its director sees why on its plan page."
            )
        return _("The planner failed on this program; the operator can see why in the log.")


@dataclasses.dataclass
class Side:
    """The aggregate of one rule set over the programs counted."""

    infeasible: int = 0  # no plan meets every rule (proved)
    not_found: int = 0  # no plan found in the time given (none proved impossible)
    required_hours: float = 0.0  # over the programs with a plan under both rule sets
    extra_hours: float = 0.0  # the staffing fixes found, over every program counted
    extra_primary: int = 0
    beyond_staff: int = 0  # no number of caregivers makes a plan possible
    fix_missing: int = 0  # no plan, and no fix found in the time given
    same_primary: float | None = None
    same_group: float | None = None
    presence: float | None = None


@dataclasses.dataclass
class Summary:
    answered: int
    total: int
    counted: int  # programs answered with MIN_CHILDREN children or more, and no error
    small: int  # programs answered with fewer: in no figure
    errors: int  # programs that could not be planned (their records, or a failure)
    both: int  # programs with a plan under both rule sets
    becoming_infeasible: int
    current: Side
    proposed: Side

    @property
    def required_change(self) -> float:
        return round(self.proposed.required_hours - self.current.required_hours, 1)

    @property
    def extra_change(self) -> float:
        return round(self.proposed.extra_hours - self.current.extra_hours, 1)


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 3) if known else None


def _side(key: str, counted: Sequence[PolicyResult], both: Sequence[PolicyResult]) -> Side:
    side = Side()
    for result in counted:
        m = getattr(result, key)
        status = m.get("status")
        if status == "infeasible":
            side.infeasible += 1
        elif status not in FEASIBLE:
            side.not_found += 1
        fix = m.get("fix")
        side.extra_hours += float(m.get("extra_hours") or 0)
        side.extra_primary += int(m.get("extra_primary") or 0)
        side.beyond_staff += fix == "beyond_staff"
        side.fix_missing += status == "infeasible" and fix not in ("staff", "beyond_staff")
    side.extra_hours = round(side.extra_hours, 1)
    side.required_hours = round(sum(getattr(r, key).get("required_hours", 0) for r in both), 1)
    side.same_primary = _mean([getattr(r, key).get("same_primary") for r in both])
    side.same_group = _mean([getattr(r, key).get("same_group") for r in both])
    side.presence = _mean([getattr(r, key).get("presence") for r in both])
    return side


def report(
    question: PolicyWhatIf, *, may_name: Callable[[Program], bool]
) -> tuple[list[Row], Summary]:
    """The rows of the answer so far, and the aggregate.

    Small-cell suppression as on the state's continuity page: a program with fewer than
    MIN_CHILDREN children shows no figure, and is left out of the aggregate too (else the
    aggregate less the programs shown would give its figures). A program's name is shown
    only when `may_name(program)` (the viewer may see the program's page); otherwise
    "Program 3", numbered in the order of the rows."""
    rows = []
    results = list(
        PolicyResult.objects.filter(policy=question)
        .select_related("program")
        .order_by("program__name", "program_id")
    )
    for n, result in enumerate(results, 1):
        suppressed = result.children < MIN_CHILDREN
        named = may_name(result.program)
        rows.append(
            Row(
                program=result.program,
                name=result.program.name if named else _("Program %(n)d") % {"n": n},
                named=named,
                children=result.children,
                suppressed=suppressed,
                current={} if suppressed else result.current,
                proposed={} if suppressed else result.proposed,
                error="" if suppressed else result.error,
            )
        )
    counted = [r for r in results if not r.error and r.children >= MIN_CHILDREN]
    both = [
        r
        for r in counted
        if r.current.get("status") in FEASIBLE and r.proposed.get("status") in FEASIBLE
    ]
    summary = Summary(
        answered=len(results),
        total=question.program_count,
        counted=len(counted),
        small=sum(1 for r in results if r.children < MIN_CHILDREN),
        errors=sum(1 for r in results if r.error and r.children >= MIN_CHILDREN),
        both=len(both),
        becoming_infeasible=sum(
            1
            for r in counted
            if r.current.get("status") in FEASIBLE and r.proposed.get("status") not in FEASIBLE
        ),
        current=_side("current", counted, both),
        proposed=_side("proposed", counted, both),
    )
    return rows, summary


def describe(
    choices_: Sequence[BandChoice], edits: Mapping[str, Mapping[str, Any]], starts: date
) -> str:
    """The question in one line: "Toddler 13-35 months 1:5, groups of 10, from 1 September"."""
    parts = []
    for choice in choices_:
        edit = edits.get(choice.key)
        if not edit:
            continue
        bits = []
        if edit.get("ratio"):
            bits.append(f"1:{edit['ratio']}")
        if edit.get("max_group"):
            bits.append(_("groups of %(n)s") % {"n": edit["max_group"]})
        parts.append(f"{choice.label} ({choice.rule_set}): {', '.join(bits)}")
    return _("What if %(changes)s, from %(date)s?") % {
        "changes": "; ".join(parts),
        "date": date_format(starts, "DATE_FORMAT"),
    }
