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

Measures per rule set: whether a plan exists (feasible / infeasible / not found in time),
staff hours (the weekly hours of the caregivers the plan places in groups), the number of
small groups, and continuity: the share of children who keep their primary caregiver and their
group, and the share of a child's hours their primary caregiver is on shift.

The planner is used only through its public functions (adapter.problem_for,
planner.rules.load, planner.solve), with the rule set replaced in the problem.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import time
from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from attune.jobs import services as jobs
from attune.jobs.models import Job
from attune.plans import adapter
from attune.plans.history import MIN_CHILDREN
from attune.plans.models import PolicyResult, PolicyWhatIf
from attune.programs.models import Jurisdiction, Program
from planner import rules
from planner.model import Plan, Problem, overlap_minutes, schedule_minutes
from planner.solve import solve

if TYPE_CHECKING:
    from attune.accounts.models import User

logger = logging.getLogger(__name__)

TIME_LIMIT = 5.0  # seconds per plan (two plans per program)
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
    """The job's first task: queue one task per program not answered yet (a retry queues
    only the missing ones). The job finishes when the last program is answered."""
    from attune.plans import tasks

    question = PolicyWhatIf.objects.get(pk=job.parameters["policy"])
    answered = set(
        PolicyResult.objects.filter(policy=question).values_list("program_id", flat=True)
    )
    programs = [p for p in programs_of(question.jurisdiction) if p.pk not in answered]
    PolicyWhatIf.objects.filter(pk=question.pk).update(program_count=len(programs) + len(answered))
    if not programs:
        return {"url": url(question), "label": _("See the answer")}
    with transaction.atomic():
        for program in programs:
            tasks.policy_program.enqueue(
                job_id=job.pk, policy_id=question.pk, program_id=program.pk
            )
    ctx.progress(len(answered) / (len(programs) + len(answered)), _progress_text(question))
    return jobs.PENDING


def url(question: PolicyWhatIf) -> str:
    return f"/state/policy/{question.pk}/"


def _progress_text(question: PolicyWhatIf) -> str:
    done = PolicyResult.objects.filter(policy=question).count()
    return _("%(done)d of %(total)d programs planned") % {
        "done": done,
        "total": question.program_count,
    }


# -- one program --------------------------------------------------------------------------------


def measures(problem: Problem, plan: Plan) -> dict[str, Any]:
    """What the state compares: feasibility, staff hours, groups, continuity."""
    out: dict[str, Any] = {"status": plan.status}
    if plan.status not in ("optimal", "feasible"):
        return out
    caregivers = {c.id: c for c in problem.caregivers}
    placed = {s for g in plan.groups for s in g.caregivers}
    out["staff_hours"] = round(
        sum(schedule_minutes(caregivers[s].shifts) for s in placed if s in caregivers) / 60, 1
    )
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
    proposed_rules = propose(problem.program.rules, edits, starts)
    proposed = dataclasses.replace(
        problem,
        program=dataclasses.replace(problem.program, rules=proposed_rules, rules_inline=True),
    )
    current_plan = solve(problem, time_limit=TIME_LIMIT, workers=WORKERS)
    if proposed_rules is problem.program.rules:
        proposed_plan = current_plan  # no band of its rule set was changed
    else:
        proposed_plan = solve(proposed, time_limit=TIME_LIMIT, workers=WORKERS)
    return {
        "children": len(problem.children),
        "current": measures(problem, current_plan),
        "proposed": measures(proposed, proposed_plan),
        "changed": proposed_rules is not problem.program.rules,
    }


def run_program(*, job_id: int, policy_id: int, program_id: int) -> None:
    """One program's task: answer it once, then move the job's progress (and finish it with
    the last program)."""
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
            except adapter.CannotPlan as exc:
                fields = {"error": "\n".join(exc.messages)}
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

FEASIBLE = ("optimal", "feasible")


@dataclasses.dataclass
class Row:
    program: Program
    name: str  # the program's name, or a placeholder when suppressed
    children: int
    suppressed: bool
    current: dict[str, Any]
    proposed: dict[str, Any]
    error: str = ""

    @property
    def becomes_infeasible(self) -> bool:
        return (
            self.current.get("status") in FEASIBLE and self.proposed.get("status") not in FEASIBLE
        )

    def delta(self, key: str) -> float | None:
        a, b = self.current.get(key), self.proposed.get(key)
        if a is None or b is None:
            return None
        return round(float(b) - float(a), 3)


@dataclasses.dataclass
class Summary:
    answered: int
    total: int
    programs_planned: int  # both rule sets gave a plan or not (no error)
    infeasible_now: int
    infeasible_proposed: int
    becoming_infeasible: int
    staff_hours_current: float
    staff_hours_proposed: float
    same_primary_current: float | None
    same_primary_proposed: float | None
    same_group_current: float | None
    same_group_proposed: float | None
    presence_current: float | None
    presence_proposed: float | None


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 3) if known else None


def report(question: PolicyWhatIf, *, names: bool) -> tuple[list[Row], Summary]:
    """The rows of the answer so far, and the aggregate. Per-program figures of a program with
    fewer than MIN_CHILDREN children are suppressed (counted in the aggregate only); names are
    shown only when `names` (the viewer may see the programs' pages)."""
    rows = []
    results = PolicyResult.objects.filter(policy=question).select_related("program")
    for n, result in enumerate(results.order_by("program__name", "pk"), 1):
        suppressed = result.children < MIN_CHILDREN
        rows.append(
            Row(
                program=result.program,
                name=result.program.name if names else _("Program %(n)d") % {"n": n},
                children=result.children,
                suppressed=suppressed,
                current={} if suppressed else result.current,
                proposed={} if suppressed else result.proposed,
                error="" if suppressed else result.error,
            )
        )
    full = [r for r in results if not r.error]
    both = [r for r in full if r.current.get("status") in FEASIBLE and r.proposed.get("status") in FEASIBLE]  # fmt: skip
    summary = Summary(
        answered=len(rows),
        total=question.program_count,
        programs_planned=len(full),
        infeasible_now=sum(1 for r in full if r.current.get("status") not in FEASIBLE),
        infeasible_proposed=sum(1 for r in full if r.proposed.get("status") not in FEASIBLE),
        becoming_infeasible=sum(
            1
            for r in full
            if r.current.get("status") in FEASIBLE and r.proposed.get("status") not in FEASIBLE
        ),
        staff_hours_current=round(sum(r.current.get("staff_hours", 0) for r in both), 1),
        staff_hours_proposed=round(sum(r.proposed.get("staff_hours", 0) for r in both), 1),
        same_primary_current=_mean([r.current.get("same_primary") for r in both]),
        same_primary_proposed=_mean([r.proposed.get("same_primary") for r in both]),
        same_group_current=_mean([r.current.get("same_group") for r in both]),
        same_group_proposed=_mean([r.proposed.get("same_group") for r in both]),
        presence_current=_mean([r.current.get("presence") for r in both]),
        presence_proposed=_mean([r.proposed.get("presence") for r in both]),
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
