"""The planner benchmark: CP-SAT against the greedy baseline and HiGHS on generated instances.

For each rule set and size (seeded instances from planner_lab.generate): CP-SAT's time to a
proven optimum, or its gap at 2 s and at 10 s; the greedy plan's validity and scores; HiGHS's
time to CP-SAT's objective (same starting point) and its gap at 10 s; peak memory. Every
instance runs in a fresh process, so peak memory (ru_maxrss) is that instance's own.

    python -m planner_lab bench                # quick: cfoc-center, 8 / 24 / 60 children
    python -m planner_lab bench --full         # every rule set, 8 / 24 / 60 / 120 / 240
    python -m planner_lab bench --rules pitc --sizes 60 --seed 3
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

SIZES = (8, 24, 60, 120, 240)
TARGETS = """Targets (issue #4): up to 60 children proven optimal in <= 2 s; 240 children within
1% of the bound in <= 10 s; peak memory <= 500 MB; CP-SAT >= 5x faster than HiGHS to the same
objective on the 60-child instances."""


@dataclass
class Row:
    rules: str
    children: int
    caregivers: int
    rooms: int
    seed: int
    cpsat_status: str = ""
    cpsat_seconds: float | None = None  # to proven optimum, else None
    cpsat_objective: int | None = None
    gap_2s: float | None = None
    gap_10s: float | None = None
    cpsat_valid: bool = False
    cpsat_scores: dict[str, int] = field(default_factory=dict)
    greedy_valid: bool = False
    greedy_violations: int = 0
    greedy_objective: int | None = None
    greedy_scores: dict[str, int] = field(default_factory=dict)
    highs_status: str = ""
    highs_to_target: float | None = None  # seconds to reach CP-SAT's objective
    highs_gap: float | None = None
    peak_mb: float = 0.0  # CP-SAT (and greedy) process
    highs_peak_mb: float | None = None


def _scores(problem: Any, plan: Any) -> dict[str, int]:
    from planner.score import score

    out: dict[str, int] = {}
    for note in score(problem, plan).notes:
        out[note.goal] = out.get(note.goal, 0) + note.cost
    return out


def _run(rules: str, children: int, seed: int) -> Row:
    from planner.baselines import greedy
    from planner.score import score
    from planner.solve import solve
    from planner.validate import validate
    from planner_lab.generate import generate

    problem = generate(children=children, seed=seed, rules=rules)
    row = Row(rules, children, len(problem.caregivers), len(problem.rooms), seed)
    first = solve(problem, time_limit=2.0, workers=2)
    row.gap_2s = first.gap
    row.cpsat_status = first.status
    best = first
    if first.status == "optimal":
        row.cpsat_seconds = first.seconds
    else:
        best = solve(problem, time_limit=10.0, workers=2)
        row.gap_10s = best.gap
        row.cpsat_status = best.status
        if best.status == "optimal":
            row.cpsat_seconds = best.seconds
    row.cpsat_objective = best.objective
    row.cpsat_valid = best.status in ("optimal", "feasible") and not validate(problem, best)
    row.cpsat_scores = _scores(problem, best) if row.cpsat_valid else {}
    plan = greedy(problem)
    violations = validate(problem, plan)
    row.greedy_valid = not violations
    row.greedy_violations = len(violations)
    row.greedy_objective = score(problem, plan).total
    row.greedy_scores = _scores(problem, plan)
    row.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def _highs(
    rules: str, children: int, seed: int, target: int
) -> tuple[str, float | None, float | None, float]:
    """HiGHS on the same instance, from the same start: status, seconds to reach `target`,
    gap at 10 s, peak MB of this process."""
    from planner_lab.generate import generate
    from planner_lab.mip import solve_mip

    problem = generate(children=children, seed=seed, rules=rules)
    reached: list[float] = []

    def seen(seconds: float, objective: int) -> None:
        if objective <= target and not reached:
            reached.append(seconds)

    mip = solve_mip(problem, time_limit=10.0, threads=2, on_solution=seen)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return mip.status, reached[0] if reached else None, mip.gap, peak


def _worker(args: tuple[str, int, int]) -> dict[str, Any]:
    return asdict(_run(*args))


def _highs_worker(args: tuple[str, int, int, int]) -> tuple[str, float | None, float | None, float]:
    return _highs(*args)


def _fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.{digits}f}{suffix}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def table(rows: Sequence[Row]) -> str:
    head = (
        "| rules | children | caregivers | CP-SAT | optimal in s | gap 2 s | gap 10 s | "
        "objective | greedy valid | greedy objective | HiGHS to same objective s | "
        "HiGHS gap 10 s | speed-up | CP-SAT peak MB | HiGHS peak MB |"
    )
    lines = [head, "|" + "---|" * 15]
    for r in rows:
        cp_time = r.cpsat_seconds if r.cpsat_seconds is not None else None
        speedup = "—"
        if r.highs_to_target is not None and r.cpsat_seconds:
            speedup = f"{r.highs_to_target / r.cpsat_seconds:.1f}x"
        elif r.highs_status and r.highs_to_target is None and r.cpsat_objective is not None:
            speedup = "HiGHS did not reach it"
        lines.append(
            f"| {r.rules} | {r.children} | {r.caregivers} | {r.cpsat_status} | {_fmt(cp_time)} "
            f"| {_pct(r.gap_2s)} | {_pct(r.gap_10s)} | {r.cpsat_objective} "
            f"| {'yes' if r.greedy_valid else f'no ({r.greedy_violations} violations)'} "
            f"| {r.greedy_objective} | {_fmt(r.highs_to_target)} | {_pct(r.highs_gap)} "
            f"| {speedup} | {r.peak_mb:.0f} | {_fmt(r.highs_peak_mb, 0)} |"
        )
    return "\n".join(lines)


def scores_table(rows: Sequence[Row]) -> str:
    goals = ("continuity", "language", "primary_presence")
    lines = [
        "| rules | children | "
        + " | ".join(f"CP-SAT {g}" for g in goals)
        + " | "
        + " | ".join(f"greedy {g}" for g in goals)
        + " |",
        "|" + "---|" * (2 + 2 * len(goals)),
    ]
    for r in rows:
        lines.append(
            f"| {r.rules} | {r.children} | "
            + " | ".join(str(r.cpsat_scores.get(g, 0)) for g in goals)
            + " | "
            + " | ".join(str(r.greedy_scores.get(g, 0)) for g in goals)
            + " |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    from planner.rules import BUILT_IN

    parser = argparse.ArgumentParser(prog="python -m planner_lab bench")
    parser.add_argument("--full", action="store_true", help="every rule set and size")
    parser.add_argument("--rules", action="append", choices=BUILT_IN)
    parser.add_argument("--sizes", help="comma-separated, e.g. 8,24,60")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-highs", action="store_true", help="skip the HiGHS baseline")
    args = parser.parse_args(list(argv or []))
    rules = args.rules or (list(BUILT_IN) if args.full else ["cfoc-center"])
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else (list(SIZES) if args.full else [8, 24, 60])
    )
    print(
        f"Planner benchmark, seed {args.seed}; {platform.python_implementation()} "
        f"{platform.python_version()}, {multiprocessing.cpu_count()} CPUs, {platform.machine()}",
        file=sys.stderr,
    )
    rows: list[Row] = []
    ctx = multiprocessing.get_context("spawn")
    started = time.monotonic()
    for rule in rules:
        for n in sizes:
            with ctx.Pool(1) as pool:  # a fresh process: its peak memory is this instance's
                row = Row(**pool.apply(_worker, ((rule, n, args.seed),)))
            if not args.no_highs and row.cpsat_objective is not None:
                with ctx.Pool(1) as pool:
                    (
                        row.highs_status,
                        row.highs_to_target,
                        row.highs_gap,
                        row.highs_peak_mb,
                    ) = pool.apply(_highs_worker, ((rule, n, args.seed, row.cpsat_objective),))
            rows.append(row)
            print(
                f"  {rule} {n} children: CP-SAT {row.cpsat_status} "
                f"{_fmt(row.cpsat_seconds, 2, ' s')}, HiGHS {row.highs_status or 'skipped'} "
                f"({time.monotonic() - started:.0f} s so far)",
                file=sys.stderr,
                flush=True,
            )
    print(table(rows))
    print()
    print(scores_table(rows))
    print()
    print(TARGETS)
    return 0
