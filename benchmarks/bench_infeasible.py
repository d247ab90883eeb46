"""Small infeasible programs (issue #15): how long the planner takes to prove there is no plan.

    python benchmarks/bench_infeasible.py             # every built-in rule set, 8/16/24
    python benchmarks/bench_infeasible.py --seeds 3    # seeds 1..3 (default 3)

Each instance is planner_lab.generate's program (feasible by construction) with its last one or
two caregivers removed; an instance that still has a plan is skipped. For the rest the time
to the proof (prechecks, or CP-SAT's "infeasible") is printed, without the explanation the
planner then writes (a relaxed solve bounded by the time left). Target: at most 1 s each.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time

from planner import cpsat, explain
from planner.rules import BUILT_IN
from planner_lab.generate import generate


def prove(problem: object) -> tuple[str, float]:
    started = time.perf_counter()
    if explain.prechecks(problem):  # type: ignore[arg-type]
        return "prechecks", time.perf_counter() - started
    model = cpsat.PlannerModel(problem)  # type: ignore[arg-type]
    outcome = cpsat.run(model, time_limit=10, workers=2)
    return outcome.status, time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_infeasible")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    print("| rules | children | proved by | instances | median s | worst s |")
    print("| --- | --- | --- | --- | --- | --- |")
    worst_all = 0.0
    for rules in BUILT_IN:
        for n in (8, 16, 24):
            found: dict[str, list[float]] = {}
            for seed in range(1, args.seeds + 1):
                base = generate(children=n, seed=seed, rules=rules)
                for drop in (1, 2):
                    problem = dataclasses.replace(base, caregivers=base.caregivers[:-drop])
                    status, seconds = prove(problem)
                    if status in ("prechecks", "infeasible"):
                        found.setdefault(status, []).append(seconds)
                        worst_all = max(worst_all, seconds)
                    elif status == "unknown":
                        found.setdefault("unknown (not proved)", []).append(seconds)
            for status, times in sorted(found.items()):
                print(
                    f"| {rules} | {n} | {status} | {len(times)} | "
                    f"{statistics.median(times):.2f} | {max(times):.2f} |"
                )
    print(f"\nWorst proof: {worst_all:.2f} s (target: at most 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
