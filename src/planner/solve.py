"""solve(): a plan for a problem, proven optimal where the time allows, always validated."""

from __future__ import annotations

import time

from planner import cpsat, explain
from planner.model import Plan, Problem
from planner.score import score
from planner.validate import validate


class InconsistentObjective(RuntimeError):
    """The model's objective and planner.score disagree: a bug in one of them."""


def refused(problem: Problem, plan: Plan, started: float, workers: int) -> Plan:
    """The answer when the solver's plan breaks rules the validator checks: status unknown
    (exit 1), no groups, the violations, and a sentence saying what could not be honoured."""
    rules = sorted({v.rule_set or v.rule for v in plan.violations})
    return Plan(
        status="unknown",
        violations=plan.violations,
        explanation=[
            "The planner's model found an arrangement, but the independent validator says it "
            f"breaks {len(plan.violations)} rule(s) ({', '.join(rules)}); it is not reported "
            "as a plan. This is a bug in the planner: please report it with this problem."
        ]
        + [v.message for v in plan.violations[:10]],
        solver=f"cp-sat ({workers} workers), refused by the validator",
        seconds=time.monotonic() - started,
    )


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    progress: cpsat.Progress | None = None,
) -> Plan:
    started = time.monotonic()
    reasons = explain.prechecks(problem)
    if reasons:
        return Plan(
            status="infeasible",
            explanation=reasons,
            solver="prechecks",
            seconds=time.monotonic() - started,
        )
    model = cpsat.PlannerModel(problem)
    left = max(0.5, time_limit - (time.monotonic() - started))  # building counts too
    outcome = cpsat.run(model, time_limit=left, workers=workers, progress=progress)
    status = outcome.status
    if status in ("optimal", "feasible"):
        plan = model.plan(outcome.value, status)
        plan.bound = outcome.bound
        plan.violations = validate(problem, plan)
        if plan.violations:
            # Never report a plan the validator rejects: a disagreement between the model and
            # the validator is a bug, and the director must not act on that plan.
            return refused(problem, plan, started, workers)
        result = score(problem, plan)
        plan.soft = result.notes
        # The model's objective of a solution that is not proven optimal may carry slack in
        # auxiliary variables (an "apart" or "over" variable left at 1), so it is only an
        # upper bound of the plan's true cost; at the optimum the two are equal.
        model_objective = outcome.objective
        assert model_objective is not None
        if result.total > model_objective or (
            status == "optimal" and result.total != model_objective
        ):
            raise InconsistentObjective(
                f"CP-SAT objective {model_objective} ({status}) but planner.score says "
                f"{result.total}"
            )
        plan.objective = result.total
        plan.solver = f"cp-sat ({workers} workers)"
        plan.seconds = time.monotonic() - started
        return plan
    if status == "model_invalid":
        raise RuntimeError(f"CP-SAT says the model is invalid: {model.m.validate()}")
    remaining = max(1.0, time_limit - (time.monotonic() - started))
    if status == "unknown":
        reasons = [
            f"No plan was found within the time limit ({time_limit:g} s). This does not prove "
            "that none exists: try a longer time limit."
        ]
    else:
        reasons = explain.explain_infeasible(problem, time_limit=remaining, workers=workers)
    return Plan(
        status="unknown" if status == "unknown" else "infeasible",
        explanation=reasons,
        solver=f"cp-sat ({workers} workers)",
        seconds=time.monotonic() - started,
    )
