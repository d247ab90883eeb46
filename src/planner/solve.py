"""solve(): a plan for a problem, proven optimal where the time allows, always validated."""

from __future__ import annotations

import time

from planner import cpsat, explain
from planner.model import Plan, Problem
from planner.score import score
from planner.validate import validate


class InconsistentObjective(RuntimeError):
    """The model's objective and planner.score disagree: a bug in one of them."""


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
    solver, status = cpsat.run(model, time_limit=time_limit, workers=workers, progress=progress)
    if status in ("optimal", "feasible"):
        plan = model.plan(solver.value, status)
        model_objective = round(solver.objective_value)
        plan.bound = round(solver.best_objective_bound)
        plan.violations = validate(problem, plan)
        result = score(problem, plan)
        plan.soft = result.notes
        # The model's objective of a solution that is not proven optimal may carry slack in
        # auxiliary variables (an "apart" or "over" variable left at 1), so it is only an
        # upper bound of the plan's true cost; at the optimum the two are equal.
        if result.total > model_objective or (
            status == "optimal" and result.total != model_objective
        ):
            raise InconsistentObjective(
                f"CP-SAT objective {model_objective} ({status}) but planner.score says {result.total}"
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
        status="infeasible",
        explanation=reasons,
        solver=f"cp-sat ({workers} workers)",
        seconds=time.monotonic() - started,
    )
