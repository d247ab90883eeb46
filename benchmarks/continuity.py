"""The continuity benchmark (issue #5): python benchmarks/continuity.py [options].

1. The 36-month simulation of a 48-child program under the three policies, seeds 1–5: each
   seed's table, then mean ± standard deviation over seeds, and the targets: the continuity
   policy gives at least 2x the median months with the same primary caregiver of age-rooms,
   with at most 5% more caregiver hours, and no rule violations; its 36 months in <= 120 s.
2. A 12-month plan of a 60-child program (planner.horizon) in <= 30 s, with its gap.
3. The what-if for one waitlisted child on the demo programs in <= 3 s: run by
   `manage.py bench_whatif` (it needs the Django app), when --whatif is given.

Every instance runs in a fresh process (one policy × seed at a time), two cores.
Results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from planner_lab import simulate as sim


def _policy_run(args: tuple[int, str, int, int]) -> dict[str, Any]:
    seed, policy, months, children = args
    config = sim.Config(months=months, children=children, seed=seed)
    world = sim.build_world(config)
    result = sim.run_policy(world, policy)
    return asdict(sim.summarize(result))


def _fresh(function: Any, args: Any) -> Any:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, (args,))


def _horizon_run(args: tuple[int, int, int, float]) -> dict[str, Any]:
    from planner.horizon import solve_horizon
    from planner_lab.generate import generate

    children, months, seed, limit = args
    problem = generate(children=children, seed=seed)
    from dataclasses import replace

    problem = replace(problem, horizon_months=months)
    started = time.monotonic()
    result = solve_horizon(problem, time_limit=limit, workers=2)
    return {
        "seed": seed,
        "status": result.status,
        "seconds": time.monotonic() - started,
        "primary_changes": result.primary_changes,
        "group_changes": result.group_changes,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "violations": sum(len(plan.violations) for _, plan in result.months),
    }


def simulation(seeds: list[int], months: int, children: int) -> bool:
    print(f"\n## {months}-month simulation, {children} children, seeds {seeds}\n")
    rows: dict[str, list[dict[str, Any]]] = {p: [] for p in sim.POLICIES}
    for seed in seeds:
        summaries = []
        for policy in sim.POLICIES:
            started = time.monotonic()
            row = _fresh(_policy_run, (seed, policy, months, children))
            print(
                f"seed {seed} {policy}: {time.monotonic() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            rows[policy].append(row)
            summaries.append(sim.Summary(**row))
        print(f"Seed {seed}:\n")
        print(sim.table(summaries))
        print()
    measures = [
        ("primary changes per child", "changes_per_child", 1),
        ("median months with the same primary", "median_months_same_primary", 1),
        ("primary on shift (share)", "presence", 1),
        ("group stability", "group_stability", 1),
        ("longest stretch with one primary, share of its bound", "bound_share", 1),
        ("rule violations", "violations", 1),
        ("caregiver hours", "caregiver_hours", 1),
        ("substitute hours", "substitute_hours", 1),
        ("seconds", "seconds", 1),
    ]
    print("Mean ± standard deviation over seeds:\n")
    print("| measure | " + " | ".join(sim.POLICIES) + " |")
    print("|---|" + "---:|" * len(sim.POLICIES))
    for name, key, _ in measures:
        print(
            f"| {name} | "
            + " | ".join(sim.spread([r[key] for r in rows[p]]) for p in sim.POLICIES)
            + " |"
        )
    ratios = [
        c["median_months_same_primary"] / max(1e-9, a["median_months_same_primary"])
        for c, a in zip(rows["continuity"], rows["age-rooms"], strict=True)
    ]
    hours = [
        c["caregiver_hours"] / a["caregiver_hours"] - 1
        for c, a in zip(rows["continuity"], rows["age-rooms"], strict=True)
    ]
    violations = sum(r["violations"] for p in sim.POLICIES for r in rows[p])
    slowest = max(r["seconds"] for r in rows["continuity"])
    print()
    print(
        "continuity ÷ age-rooms, median months with the same primary, per seed: "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f" (mean {statistics.fmean(ratios):.2f})"
    )
    print(
        "continuity caregiver hours vs age-rooms, per seed: "
        + ", ".join(f"{100 * h:+.1f}%" for h in hours)
    )
    met = {
        ">= 2x median months with the same primary (every seed)": min(ratios) >= 2,
        "<= 5% more caregiver hours (every seed)": max(hours) <= 0.05,
        "0 rule violations (every policy, every seed)": violations == 0,
        f"continuity's {months} months in <= 120 s (slowest {slowest:.0f} s)": slowest <= 120,
        ">= 80% of the continuity bound at no more caregiver hours than age-rooms "
        "(every seed)": min(r["bound_share"] or 0 for r in rows["continuity"]) >= 0.8
        and max(hours) <= 0,
    }
    for target, ok in met.items():
        print(f"- {target}: {'MET' if ok else 'MISSED'}")
    return all(met.values())


def horizon(seeds: list[int], children: int, months: int, limit: float) -> bool:
    print(f"\n## {months}-month plan of a {children}-child program (limit {limit:g} s)\n")
    print(
        "| seed | status | seconds | primary changes | group changes | soft cost | bound | gap | violations |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    ok = True
    for seed in seeds:
        row = _fresh(_horizon_run, (children, months, seed, limit))
        gap = "—" if row["gap"] is None else f"{100 * row['gap']:.1f}%"
        print(
            f"| {seed} | {row['status']} | {row['seconds']:.1f} | {row['primary_changes']} "
            f"| {row['group_changes']} | {row['objective']} | {row['bound']} | {gap} "
            f"| {row['violations']} |"
        )
        ok = ok and row["status"] in ("optimal", "feasible") and row["seconds"] <= 30
        ok = ok and row["violations"] == 0
    print(f"\n- solved in <= 30 s with 0 violations: {'MET' if ok else 'MISSED'}")
    return ok


def whatif() -> bool:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "ATTUNE_ENV": os.environ.get("ATTUNE_ENV", "test")}
    done = subprocess.run(  # noqa: S603 (this interpreter, this repository's manage.py)
        [sys.executable, str(root / "manage.py"), "bench_whatif"], env=env, check=False
    )
    return done.returncode == 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3,4,5", help="comma-separated (default 1–5)")
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--children", type=int, default=48)
    parser.add_argument("--skip-simulation", action="store_true")
    parser.add_argument("--skip-horizon", action="store_true")
    parser.add_argument("--whatif", action="store_true", help="also time the demo what-ifs")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    print(
        f"# Continuity benchmark — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    results = []
    if not args.skip_simulation:
        results.append(simulation(seeds, args.months, args.children))
    if not args.skip_horizon:
        results.append(horizon(seeds[:3], 60, 12, 30.0))
    if args.whatif:
        results.append(whatif())
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
