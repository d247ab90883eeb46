"""The cold-start and scale benchmark (issue 18): the planner on generated programs with and
without a current arrangement, beside a feasibility-only CP-SAT model and HiGHS.

Each instance runs in a fresh child process (spawned), so its peak memory (ru_maxrss) is that
instance's own. Per instance:

- **planner**: `PlannerModel` + `cpsat.run` as `planner.solve` runs them (warm start from the
  current arrangement, or from the greedy plan when there is none), with the row's time limit;
  time to the first plan, time to the end (a proven optimum stops early), objective, proven
  bound and gap; the plan is checked by the independent validator (a rejected plan counts as
  no plan and is reported);
- **feasibility-only**: the same rules as a plain CP-SAT model (no objective, no hints, no
  symmetry breaking), stopped at its first plan: its time, and the ratio to the planner's;
- **HiGHS** (`--highs`): the same model as a MIP (planner_lab.mip), from the same start: the
  time until its incumbent is as good as the planner's final objective.

    python -m planner_lab scale --quick                  # 60 children, 1 seed, both starts
    python -m planner_lab scale --sizes 60,80,120,240,480 --seeds 5 --highs --chart out.svg

It also runs against an older planner (the same generator and measures): put that
planner's `src` first on PYTHONPATH, e.g. `PYTHONPATH=/tmp/before/src:src`.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import platform
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

RULES = ("cfoc-center", "ehs-center", "pitc", "naeyc-2008")
SIZES = (60, 80, 120, 240, 480)
MAX_CHILDREN = 600  # planner.limits.MAX_CHILDREN
# the row's goal (issue 18): time limit of the run, and what it must reach
GOALS: dict[int, tuple[float, str]] = {
    60: (2.0, "proven optimal <= 2 s"),
    80: (10.0, "first plan <= 1 s"),
    120: (10.0, "feasible <= 3 s; within 1% <= 10 s"),
    240: (10.0, "within 1% <= 10 s; <= 500 MB"),
    480: (30.0, "within 3% <= 30 s; <= 1 GB"),
}


@dataclass
class Run:
    rules: str
    children: int
    seed: int
    start: str  # "cold" (no current arrangement) or "warm"
    caregivers: int = 0
    status: str = ""
    first: float | None = None  # seconds to the first plan (building included)
    seconds: float = 0.0  # seconds to the end of the run
    objective: int | None = None
    bound: int | None = None
    gap: float | None = None
    valid: bool = False
    peak_mb: float = 0.0
    feasibility_first: float | None = None  # the plain feasibility model's first plan
    highs_to_objective: float | None = None
    highs_status: str = ""


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def planner_run(rules: str, children: int, seed: int, start: str, limit: float) -> Run:
    """One instance, as planner.solve runs it (in this process)."""
    from planner import cpsat
    from planner.validate import validate
    from planner_lab.generate import generate

    problem = generate(children=children, seed=seed, rules=rules, with_current=start == "warm")
    run = Run(rules, children, seed, start, caregivers=len(problem.caregivers))
    started = time.monotonic()
    seen: list[float] = []

    class Watch(cpsat._Watch):  # the search's first plan, also on planners before issue 18
        def on_solution_callback(self) -> None:
            super().on_solution_callback()
            if not seen:
                seen.append(time.monotonic() - started)

    cpsat._Watch = Watch  # type: ignore[misc]  # this process measures this one instance
    model = cpsat.PlannerModel(problem)
    built = time.monotonic() - started
    outcome = cpsat.run(model, time_limit=max(0.5, limit - built), workers=2)
    run.seconds = time.monotonic() - started
    run.status = outcome.status
    if outcome.status in ("optimal", "feasible"):
        plan = model.plan(outcome.value, outcome.status)
        run.valid = not validate(problem, plan)
        if run.valid:
            warm = getattr(outcome, "first", None)  # the completed start, when there is one
            firsts = [*seen, *([built + warm] if warm is not None else [])]
            run.first = min(firsts) if firsts else None
            run.objective = outcome.objective
            run.bound = outcome.bound
            if run.objective is not None and run.bound is not None:
                run.gap = (run.objective - run.bound) / max(1, abs(run.objective))
        else:
            run.status = "rejected by the validator"
    run.peak_mb = _peak_mb()
    return run


def feasibility_run(rules: str, children: int, seed: int, start: str, limit: float) -> float | None:
    """Seconds (building included) for a plain feasibility-only CP-SAT model of the same
    rules to find its first plan; None when it finds none within `limit`."""
    from ortools.sat.python import cp_model

    from planner import cpsat
    from planner_lab.generate import generate

    problem = generate(children=children, seed=seed, rules=rules, with_current=start == "warm")
    started = time.monotonic()
    model = cpsat.PlannerModel(problem, objective=False)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    solver.parameters.stop_after_first_solution = True
    code = solver.solve(model.m)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return time.monotonic() - started
    return None


def highs_run(
    rules: str, children: int, seed: int, start: str, limit: float, target: int
) -> tuple[str, float | None]:
    """HiGHS's status and seconds until its incumbent costs at most `target`."""
    from planner_lab.generate import generate
    from planner_lab.mip import solve_mip

    problem = generate(children=children, seed=seed, rules=rules, with_current=start == "warm")
    reached: list[float] = []

    def seen(seconds: float, objective: int) -> None:
        if objective <= target and not reached:
            reached.append(seconds)

    plan = solve_mip(problem, time_limit=limit, threads=2, on_solution=seen)
    return plan.status, reached[0] if reached else None


def _planner_worker(args: tuple[str, int, int, str, float]) -> dict[str, Any]:
    return asdict(planner_run(*args))


def _feasibility_worker(args: tuple[str, int, int, str, float]) -> float | None:
    return feasibility_run(*args)


def _highs_worker(args: tuple[str, int, int, str, float, int]) -> tuple[str, float | None]:
    return highs_run(*args)


def measure(
    rules: str,
    children: int,
    seed: int,
    start: str,
    *,
    limit: float,
    feasibility_limit: float,
    highs: bool,
) -> Run:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:  # a fresh process: its peak memory is this instance's
        run = Run(**pool.apply(_planner_worker, ((rules, children, seed, start, limit),)))
    with ctx.Pool(1) as pool:
        run.feasibility_first = pool.apply(
            _feasibility_worker, ((rules, children, seed, start, feasibility_limit),)
        )
    if highs and run.objective is not None:
        with ctx.Pool(1) as pool:
            run.highs_status, run.highs_to_objective = pool.apply(
                _highs_worker, ((rules, children, seed, start, limit * 3, run.objective),)
            )
    return run


def _spread(values: Sequence[float | None], digits: int = 2, suffix: str = "") -> str:
    """min / median / max of the values found, and how many were not found."""
    found = sorted(v for v in values if v is not None)
    missing = len(values) - len(found)
    if not found:
        return "—"
    text = (
        "/".join(f"{v:.{digits}f}" for v in (found[0], statistics.median(found), found[-1]))
        + suffix
    )
    return text + (f" ({missing} none)" if missing else "")


def _pct(values: Sequence[float | None]) -> str:
    found = sorted(v for v in values if v is not None)
    missing = len(values) - len(found)
    if not found:
        return "—"
    text = "/".join(f"{100 * v:.1f}%" for v in (found[0], statistics.median(found), found[-1]))
    return text + (f" ({missing} none)" if missing else "")


def _ratio(num: Sequence[float | None], den: Sequence[float | None]) -> str:
    pairs = [a / b for a, b in zip(num, den, strict=True) if a is not None and b]
    if not pairs:
        return "—"
    return f"{statistics.median(pairs):.1f}x"


def table(runs: Sequence[Run]) -> str:
    head = (
        "| rules | children | start | seeds | goal | status | first plan s (min/med/max) "
        "| end s | gap to proven bound | valid | peak MB | feasibility-only first s "
        "| feasibility-only / planner | HiGHS to same objective s | HiGHS / planner |"
    )
    lines = [head, "|" + "---|" * 15]
    keys: dict[tuple[str, int, str], list[Run]] = {}
    for r in runs:
        keys.setdefault((r.rules, r.children, r.start), []).append(r)
    for (rules, children, start), rows in keys.items():
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(_count(r.status for r in rows).items()))
        goal = GOALS.get(children, (0.0, ""))[1]
        lines.append(
            f"| {rules} | {children} | {start} | {len(rows)} | {goal} | {statuses} "
            f"| {_spread([r.first for r in rows])} | {_spread([r.seconds for r in rows])} "
            f"| {_pct([r.gap for r in rows])} "
            f"| {sum(r.valid for r in rows)}/{len(rows)} "
            f"| {_spread([r.peak_mb for r in rows], 0)} "
            f"| {_spread([r.feasibility_first for r in rows])} "
            f"| {_ratio([r.feasibility_first for r in rows], [r.first for r in rows])} "
            f"| {_spread([r.highs_to_objective for r in rows])} "
            f"| {_ratio([r.highs_to_objective for r in rows], [r.seconds for r in rows])} |"
        )
    return "\n".join(lines)


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


def chart(runs: Sequence[Run], *, label: str = "") -> str:
    """An SVG of the median time to the end and the median peak memory against the number
    of children, one line per start (cold, warm), on one chart (seconds and 100 MB)."""
    from planner.chart import line_chart

    series: dict[str, list[tuple[str, float | None]]] = {}
    for start in ("cold", "warm"):
        by_size: dict[int, list[Run]] = {}
        for r in runs:
            if r.start == start:
                by_size.setdefault(r.children, []).append(r)
        if not by_size:
            continue
        sizes = sorted(by_size)
        series[f"{start}: median seconds"] = [
            (str(n), statistics.median(r.seconds for r in by_size[n])) for n in sizes
        ]
        series[f"{start}: median peak memory (100 MB)"] = [
            (str(n), statistics.median(r.peak_mb for r in by_size[n]) / 100) for n in sizes
        ]
    return line_chart(
        series,
        title=f"Planner time and memory against children{f' ({label})' if label else ''}",
        y_label="seconds; memory in 100 MB",
        x_label="children",
    )


def _time_limit_error(value: float) -> str | None:
    if not math.isfinite(value) or not 0 < value <= 3_600:
        return f"a time limit is a number of seconds above 0, at most 3600, not {value!r}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    # (no planner.limits here: the benchmark also runs against planners that predate it)
    parser = argparse.ArgumentParser(prog="python -m planner_lab scale")
    parser.add_argument("--rules", action="append", choices=RULES)
    parser.add_argument("--sizes", help="comma-separated, e.g. 60,120 (default 60..480)")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..N (default 5)")
    parser.add_argument("--start", action="append", choices=("cold", "warm"))
    parser.add_argument("--time-limit", type=float, help="instead of each row's own")
    parser.add_argument("--feasibility-limit", type=float, default=60.0)
    parser.add_argument("--highs", action="store_true", help="also HiGHS (slow)")
    parser.add_argument("--chart", metavar="FILE.svg", help="write the time/memory chart")
    parser.add_argument("--label", default="", help="added to the chart's title")
    parser.add_argument("--quick", action="store_true", help="cfoc-center, 60, one seed")
    args = parser.parse_args(list(argv or []))
    rules = args.rules or (["cfoc-center"] if args.quick else list(RULES))
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([60] if args.quick else list(SIZES))
    )
    seeds = 1 if args.quick else args.seeds
    if not 1 <= seeds <= 100 or any(not 1 <= n <= MAX_CHILDREN for n in sizes):
        parser.error(f"--seeds from 1 to 100; --sizes from 1 to {MAX_CHILDREN}")
    for value in (args.time_limit, args.feasibility_limit):
        if value is not None and (wrong := _time_limit_error(value)):
            parser.error(wrong)
    starts = args.start or ["cold", "warm"]
    print(
        f"Scale benchmark; {platform.python_implementation()} {platform.python_version()}, "
        f"{multiprocessing.cpu_count()} CPUs, {platform.machine()}",
        file=sys.stderr,
    )
    runs: list[Run] = []
    began = time.monotonic()
    for rule in rules:
        for n in sizes:
            limit = args.time_limit or GOALS.get(n, (10.0, ""))[0]
            for start in starts:
                for seed in range(1, seeds + 1):
                    run = measure(
                        rule, n, seed, start, limit=limit,
                        feasibility_limit=args.feasibility_limit, highs=args.highs,
                    )  # fmt: skip
                    runs.append(run)
                    print(
                        f"  {rule} {n} {start} seed {seed}: {run.status}, first "
                        f"{_spread([run.first])} s, gap {_pct([run.gap])}, "
                        f"{run.peak_mb:.0f} MB ({time.monotonic() - began:.0f} s so far)",
                        file=sys.stderr,
                        flush=True,
                    )
    print(table(runs))
    if args.chart:
        with open(args.chart, "w", encoding="utf-8") as out:
            out.write(chart(runs, label=args.label))
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0 if all(r.valid or r.status == "unknown" for r in runs) else 1
