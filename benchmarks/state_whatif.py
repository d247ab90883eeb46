"""Benchmark: the state-wide policy what-if (issue 17) over generated programs, with 1, 2 and
4 task worker processes on PostgreSQL.

    scripts/with-postgres .venv/bin/python benchmarks/state_whatif.py \\
        --programs 1000 --workers 1,2,4 --plot docs/state_whatif.svg

1. Migrates the database DATABASE_URL names (it must be PostgreSQL and may be filled:
   scripts/with-postgres gives a throwaway cluster) and loads one state of `--programs`
   generated programs (attune.plans.generated: planner_lab.generate's realistic programs of 20 to
   80 children each, cfoc-center, seeded), timed apart.
2. For each worker count W: starts W `manage.py run_worker` processes (no schedules), waits
   until all of them beat, then asks the question the issue gives as an example ("what if
   the toddler ratio moved from 1:4 to 1:5 and the toddler group size to 10, from
   September?"; `--ratio`, `--group` change it) through attune.plans.policy.start, the path
   the state administrator's form takes: one task per program, spread over the workers. The
   clock runs from the question to its job's end. Each worker's peak resident memory is read
   from /proc/<pid>/status (VmHWM, Linux) before it is stopped.
3. Prints a table: wall time, throughput (programs per minute), scaling against one worker,
   worker utilisation (the programs' own planning seconds over W × wall time), peak memory
   per worker (largest and mean), and the answer's aggregate (to show every run gave the
   same answer). `--json` keeps the figures; `--plot` writes an SVG chart (planner.chart) of
   throughput by worker count against linear scaling.

Each program is planned twice (current and proposed rule set), each solve with one CP-SAT
worker and `ATTUNE_POLICY_TIME_LIMIT` seconds at most (5 by default), plus the smallest
staffing fix where the staff cannot meet the proposed rules (`ATTUNE_POLICY_FIX_TIME`, 5).
The goal: 2 workers give at least 1.8× the throughput of one on the 2-core machine; 4
workers on 2 cores show what oversubscription does.

`--allow-sqlite` runs against a temporary SQLite file instead, to check the script at a small
scale only (SQLite takes one writer at a time: its figures are not the benchmark's).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ON = date(2027, 9, 1)  # "from September"
GOAL = 1.8  # 2 workers ≥ 1.8 × one


def setup(allow_sqlite: bool) -> None:
    os.environ["ATTUNE_ENV"] = "development"
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ["ATTUNE_TASKS_IMMEDIATE"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "attune.settings"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        if not allow_sqlite:
            sys.exit(
                "DATABASE_URL must name a PostgreSQL database this benchmark may fill; run it "
                "under scripts/with-postgres (or pass --allow-sqlite to check the script)."
            )
        os.environ.pop("DATABASE_URL", None)
        os.environ["ATTUNE_DATA_DIR"] = tempfile.mkdtemp(prefix="attune-bench-")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def peak_kib(pid: int) -> int:
    """The process's peak resident memory (VmHWM) in KiB, 0 when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def start_workers(n: int, label: str, log_dir: Path) -> list[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    processes = []
    for i in range(n):
        log = (log_dir / f"worker-{label}-{i + 1}.log").open("wb")
        command = [
            sys.executable, "manage.py", "run_worker", "--no-schedules", "--interval", "0.2",
            "--worker-id", f"bench-{label}-{i + 1}",
        ]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - our own manage.py
        processes.append(process)
        log.close()
    return processes


def stop_workers(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_beating(n: int, prefix: str, timeout: float = 180) -> None:
    from attune.jobs.models import WorkerBeat

    deadline = time.monotonic() + timeout
    while WorkerBeat.objects.filter(worker_id__startswith=prefix).count() < n:
        if time.monotonic() > deadline:
            sys.exit(f"the {n} workers did not start within {timeout:.0f} s")
        time.sleep(0.5)


def run(jurisdiction: Any, workers: int, edits: dict[str, Any], log_dir: Path) -> dict[str, Any]:
    from attune.jobs.models import Job
    from attune.plans import policy
    from attune.plans.models import PolicyResult

    label = f"{workers}w-{int(time.time())}"
    processes = start_workers(workers, label, log_dir)
    try:
        wait_beating(workers, f"bench-{label}-")
        started = time.monotonic()
        question = policy.start(
            actor=None, jurisdiction=jurisdiction, starts=ON, edits=edits,
            title=f"Benchmark with {workers} worker(s)",
        )  # fmt: skip
        assert question.job_id is not None
        last = -1
        while True:
            job = Job.objects.get(pk=question.job_id)
            if job.finished:
                break
            if any(p.poll() is not None for p in processes):
                sys.exit("a worker stopped during the run; see its log in " + str(log_dir))
            done = PolicyResult.objects.filter(policy=question).count()
            if done // 50 != last // 50:
                print(f"  {workers} worker(s): {done} of {question.program_count} "
                      f"after {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)  # fmt: skip
                last = done
            time.sleep(1.0)
        wall = time.monotonic() - started
        peaks = [peak_kib(p.pid) for p in processes]
    finally:
        stop_workers(processes)
    if job.status != Job.Status.DONE:
        sys.exit(f"the question's job ended {job.status}: {job.error}")
    results = list(PolicyResult.objects.filter(policy=question))
    _rows, summary = policy.report(question, may_name=lambda program: True)
    busy = sum(r.seconds for r in results)
    return {
        "workers": workers,
        "programs": len(results),
        "seconds": round(wall, 1),
        "per_minute": round(60 * len(results) / wall, 1),
        "utilisation": round(busy / (workers * wall), 3),
        "program_seconds_mean": round(statistics.fmean(r.seconds for r in results), 2),
        "program_seconds_max": round(max(r.seconds for r in results), 2),
        "errors": sum(1 for r in results if r.error),
        "peak_mib_max": round(max(peaks) / 1024, 1),
        "peak_mib_mean": round(statistics.fmean(peaks) / 1024, 1),
        "becoming_infeasible": summary.becoming_infeasible,
        "infeasible_now": summary.current.infeasible,
        "infeasible_proposed": summary.proposed.infeasible,
        "required_hours_now": summary.current.required_hours,
        "required_hours_proposed": summary.proposed.required_hours,
        "extra_hours_proposed": summary.proposed.extra_hours,
    }


def table(rows: list[dict[str, Any]]) -> str:
    one = next((r for r in rows if r["workers"] == 1), None)
    lines = [
        "| workers | programs | wall s | programs/min | × one worker | utilisation | "
        "s per program (mean / max) | peak MiB per worker (max / mean) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        scaling = f"{r['per_minute'] / one['per_minute']:.2f}" if one else "—"
        lines.append(
            f"| {r['workers']} | {r['programs']:,} | {r['seconds']:,.0f} | {r['per_minute']:,.1f} "
            f"| {scaling} | {100 * r['utilisation']:.0f}% | {r['program_seconds_mean']:.2f} / "
            f"{r['program_seconds_max']:.2f} | {r['peak_mib_max']:.0f} / {r['peak_mib_mean']:.0f} |"
        )
    lines += [
        "",
        "| workers | become infeasible | infeasible now / proposed | hours the ratios require "
        "now / proposed | extra hours proposed | errors |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['workers']} | {r['becoming_infeasible']} | {r['infeasible_now']} / "
            f"{r['infeasible_proposed']} | {r['required_hours_now']:,.0f} / "
            f"{r['required_hours_proposed']:,.0f} | {r['extra_hours_proposed']:,.1f} | "
            f"{r['errors']} |"
        )
    return "\n".join(lines)


def plot(rows: list[dict[str, Any]], path: Path, programs: int) -> None:
    from planner.chart import line_chart

    one = next((r for r in rows if r["workers"] == 1), None)
    series: dict[str, list[tuple[str, float | None]]] = {
        "Measured": [(str(r["workers"]), r["per_minute"]) for r in rows]
    }
    if one:
        series["Linear from one worker"] = [
            (str(r["workers"]), one["per_minute"] * r["workers"]) for r in rows
        ]
    svg = line_chart(
        series, title=f"State-wide policy what-if, {programs:,} programs: throughput",
        y_label="Programs per minute", x_label="Worker processes (2 cores)", decimals=1,
    )  # fmt: skip
    path.write_text(svg + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--workers", default="1,2,4", help="worker counts, e.g. 1,2,4")
    parser.add_argument("--smallest", type=int, default=20, help="fewest children a program")
    parser.add_argument("--largest", type=int, default=80, help="most children a program")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ratio", default="5", help="proposed toddler children per caregiver")
    parser.add_argument("--group", type=int, default=10, help="proposed largest toddler group")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--plot", type=Path, help="write the SVG chart here")
    parser.add_argument("--allow-sqlite", action="store_true", help="check the script only")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    setup(args.allow_sqlite)

    from django.core.management import call_command
    from django.db import connection

    from attune.plans import generated
    from attune.programs.models import Caregiver, Child, Jurisdiction

    call_command("migrate", verbosity=0)
    code = f"B{int(time.time()) % 100_000}"
    jurisdiction = Jurisdiction.objects.create(code=code, name=f"Benchmark state {code}")
    started = time.monotonic()
    generated.load_state(
        jurisdiction=jurisdiction, programs=args.programs, on=ON, smallest=args.smallest,
        largest=args.largest, seed=args.seed,
    )  # fmt: skip
    loaded = time.monotonic() - started
    children = Child.objects.filter(program__jurisdiction=jurisdiction).count()
    caregivers = Caregiver.objects.filter(program__jurisdiction=jurisdiction).count()
    ratio = float(args.ratio)
    edits = {
        "cfoc-center:toddler": {
            "ratio": int(ratio) if ratio.is_integer() else ratio, "max_group": args.group,
        }
    }  # fmt: skip
    if connection.vendor == "postgresql":
        version = connection.pg_version  # type: ignore[attr-defined]
        database = f"PostgreSQL {version // 10000}.{version % 10000}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} (a check of the script only)"
    print(
        f"# State-wide policy what-if: {args.programs:,} programs ({children:,} children, "
        f"{caregivers:,} caregivers; {args.smallest}–{args.largest} children each), loaded in "
        f"{loaded:.0f} s\n\n"
        f"Machine: {os.cpu_count()} cores ({platform.machine()}), Python "
        f"{platform.python_version()}, {database}. Question: toddlers (cfoc-center) 1:{args.ratio}, "
        f"groups of {args.group}, from {ON.isoformat()}. Plan limit "
        f"{os.environ.get('ATTUNE_POLICY_TIME_LIMIT', '5')} s, fix "
        f"{os.environ.get('ATTUNE_POLICY_FIX_TIME', '5')} s.\n",
        flush=True,
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="attune-bench-logs-") as logs:
        for n in counts:
            rows.append(run(jurisdiction, n, edits, Path(logs)))
    print(table(rows))
    one = next((r for r in rows if r["workers"] == 1), None)
    two = next((r for r in rows if r["workers"] == 2), None)
    met = True
    if one and two:
        ratio_two = two["per_minute"] / one["per_minute"]
        met = ratio_two >= GOAL
        print(f"\n2 workers ÷ 1: {ratio_two:.2f} (goal ≥ {GOAL}): {'MET' if met else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "children": children}, indent=2) + "\n")
    if args.plot:
        plot(rows, args.plot, args.programs)
        print(f"Chart: {args.plot}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
