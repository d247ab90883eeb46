"""Load test driver: the production server on a throwaway PostgreSQL, locust against it, and
the Markdown table for docs/benchmarks.md.

    .venv/bin/python benchmarks/load/run.py                       # 50 users, 5/s, 2 minutes
    .venv/bin/python benchmarks/load/run.py --users 5 --time 20s  # a quick check of the scripts

Starts `scripts/with-postgres scripts/serve-production` on a free port (gunicorn with
ATTUNE_ENV=production, collectstatic, the demo organization), gives the demo's caregivers and
families sign-ins (prepare.py), runs `locust --headless` with locustfile.py, and prints per
endpoint class: requests, failures, p50/p95/max in ms, and the average page weight; then
each goal met or missed. Exits 1 when a goal is missed. The CSV files stay in --out.

The statistics are reset once every user has signed in (locustfile.Person._signed_in): the
table is the steady state, not the sign-ins of the ramp (each a deliberately slow password
hash).
Locust runs on the same machine as the server and takes some of its CPU.

Goals (issue 14): 0 errors; p95 <= 300 ms for taps and family pages, <= 800 ms for the
record page and the plan board; the record page <= 150 KB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV = Path(os.environ.get("UV_PROJECT_ENVIRONMENT", ROOT / ".venv"))
if not VENV.is_absolute():
    VENV = ROOT / VENV

# endpoint class -> (p95 goal in ms, page weight goal in KB); None: no goal
GOALS: dict[str, tuple[float | None, float | None]] = {
    "tap": (300, None),
    "family day (poll)": (300, None),
    "family page": (300, None),
    "record page": (800, 150),
    "plan board": (800, None),
    "alerts (poll)": (None, None),
    "dashboard": (None, None),
    "sign-in": (None, None),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def outer(args: argparse.Namespace) -> int:
    """Run this script again inside scripts/with-postgres (the cluster lives as long as it)."""
    command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, __file__, "--inner",
               *sys.argv[1:]]  # fmt: skip
    return subprocess.call(command, cwd=ROOT)  # noqa: S603 (this repository's scripts)


def inner(args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="attune-load-")
    ready = Path(data_dir) / "ready"
    secret = os.urandom(48).hex()
    env = {
        **os.environ, "ATTUNE_PORT": str(port), "ATTUNE_DATA_DIR": data_dir,
        "DJANGO_SECRET_KEY": secret, "ATTUNE_SERVE_READY_FILE": str(ready),
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }  # fmt: skip
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    log = open(out / "server.log", "w")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(  # noqa: S603 (this repository's script)
        [str(ROOT / "scripts" / "serve-production")], cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while not ready.exists():
            if server.poll() is not None or time.monotonic() > deadline:
                print((out / "server.log").read_text()[-3000:], file=sys.stderr)
                raise SystemExit("the server did not start")
            time.sleep(0.5)
        accounts = out / "accounts.json"
        prepared = subprocess.run(  # noqa: S603 (this repository's script)
            [str(VENV / "bin" / "python"), str(HERE / "prepare.py")], cwd=ROOT,
            env={**env, "ATTUNE_ENV": "production", "DJANGO_SECURE_SSL_REDIRECT": "0",
                 "DJANGO_ALLOWED_HOSTS": "127.0.0.1"},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        accounts.write_text(prepared.stdout)
        people = json.loads(prepared.stdout)
        print(
            f"Load test: {args.users} users (spawn {args.rate}/s) for {args.time} against "
            f"gunicorn on 127.0.0.1:{port}; {len(people['caregivers'])} caregiver, "
            f"{len(people['families'])} family and {len(people['directors'])} director sign-ins",
            flush=True,
        )
        prefix = out / "load"
        locust = subprocess.run(  # noqa: S603 (the locked locust)
            [str(VENV / "bin" / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(args.rate), "-t", args.time,
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
             "--stop-timeout", "10", "--loglevel", "WARNING", "--reset-stats"],
            cwd=ROOT, env={**os.environ, "ATTUNE_LOAD_ACCOUNTS": str(accounts)},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        (out / "locust.log").write_text(locust.stdout + locust.stderr)
        if not Path(f"{prefix}_stats.csv").exists():
            print(locust.stdout[-3000:], locust.stderr[-3000:], file=sys.stderr)
            raise SystemExit("locust wrote no statistics")
        return report(args, prefix)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("nan")


def report(args: argparse.Namespace, prefix: Path) -> int:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    failures = 0
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
            failure_rows = list(csv.DictReader(f))
    else:
        failure_rows = []
    missed: list[str] = []
    print()
    print(f"Machine: {os.cpu_count()} CPUs, {platform.machine()}, Python "
          f"{platform.python_version()}; {args.users} users, spawn {args.rate}/s, {args.time}")  # fmt: skip
    print()
    print(
        "| Endpoint class | Requests | Failures | p50 ms | p95 ms | max ms | Avg KB | Goal | Met |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for name, (p95_goal, kb_goal) in GOALS.items():
        row = rows.get(name)
        if row is None:
            continue
        count = int(row["Request Count"])
        failed = int(row["Failure Count"])
        if count == 0:  # every request of the class came before the statistics were reset
            goal = f"p95 ≤ {p95_goal:.0f} ms" if p95_goal is not None else "—"
            print(f"| {name} | 0 | 0 | — | — | — | — | {goal} | not measured |")
            if p95_goal is not None or kb_goal is not None:
                missed.append(f"{name}: not measured (run longer)")
            continue
        failures += failed
        p50, p95 = _number(row["50%"]), _number(row["95%"])
        worst = _number(row["Max Response Time"])
        kb = _number(row["Average Content Size"]) / 1024
        goals, met = [], True
        if p95_goal is not None:
            goals.append(f"p95 ≤ {p95_goal:.0f} ms")
            if not p95 <= p95_goal:
                met = False
                missed.append(f"{name}: p95 {p95:.0f} ms > {p95_goal:.0f} ms")
        if kb_goal is not None:
            goals.append(f"≤ {kb_goal:.0f} KB")
            if not kb <= kb_goal:
                met = False
                missed.append(f"{name}: {kb:.0f} KB > {kb_goal:.0f} KB")
        if failed:
            met = False
        shown = "yes" if met else "**no**"
        print(f"| {name} | {count} | {failed} | {p50:.0f} | {p95:.0f} | {worst:.0f} | {kb:.1f} | "
              f"{', '.join(goals) or '—'} | {shown if goals or failed else '—'} |")  # fmt: skip
    total = rows.get("Aggregated")
    if total is not None:
        print(f"| all | {total['Request Count']} | {total['Failure Count']} | {_number(total['50%']):.0f} "
              f"| {_number(total['95%']):.0f} | {_number(total['Max Response Time']):.0f} | "
              f"{_number(total['Average Content Size']) / 1024:.1f} | 0 errors | "
              f"{'yes' if int(total['Failure Count']) == 0 else '**no**'} |")  # fmt: skip
    print()
    if failures:
        missed.append(f"{failures} failed requests")
        for row in failure_rows[:10]:
            print(
                f"  failure: {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}x)"
            )
    if missed:
        print("MISSED: " + "; ".join(missed))
        return 1
    print("All goals met.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=5)
    parser.add_argument("--time", default="2m", help="locust's run time, e.g. 2m or 20s")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: 2×CPUs+1)"
    )
    parser.add_argument("--out", default=str(ROOT / "var" / "load"), help="CSV and logs")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return inner(args)
    return outer(args)


if __name__ == "__main__":
    sys.exit(main())
