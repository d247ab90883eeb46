"""Benchmark: import 10,000 children from CSV (preview + commit) on a fresh SQLite database.

The target (issue: CSV import) is under 10 s for preview + commit of 10,000 children rows on
the 2-core machine. Each run starts from a new, migrated SQLite file in a temporary
ATTUNE_DATA_DIR, creates a program with six rooms, imports the families the children need
(timed separately), then the children. "preview" is what the upload page does (decode, check
every row, store the batch); "commit" is what the Import button does (check again, then bulk
insert children, enrollment events and audit entries in one transaction).

    ATTUNE_ENV=test .venv/bin/python benchmarks/bench_import.py [--rows 10000] [--runs 3]

Exits 1 when any children import takes longer than the limit (10 s).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LIMIT_SECONDS = 10.0
ROOMS = ("Robins", "Wrens", "Finches", "Sparrows", "Herons", "Owls")
SCHEDULES = (
    "mon-fri 08:00-16:30",
    "mon-fri 07:30-17:30",
    "mon,wed,fri 08:00-12:30",
    "tue,thu 08:30-15:00",
    "mon-thu 08:00-14:00; fri 08:00-12:00",
)
LANGUAGES = ("en", "es; en", "vi; en", "so", "zh; en", "ar", "hmn; en", "Spanish")
FIRST = (
    "Ana", "Luis", "Minh", "Sofía", "Mateo", "Amina", "Noah", "Liam", "Emma", "Olivia", "Yusuf",
    "Hodan", "Bao", "Lan", "Iris", "José", "Camila", "Diego", "Zoe", "Kai", "Maya", "Leo", "Aria",
    "Nia", "Omar", "Ines", "Theo", "Lucía", "Hana", "Sami",
)  # fmt: skip
LAST = (
    "Lopez", "Nguyen", "Garcia", "Ali", "Smith", "Tran", "Muñoz", "Okafor", "Park", "Kim",
    "Reyes", "Castillo", "Johnson", "Hassan", "Le", "Chen", "Diaz", "Rossi", "Yilmaz", "Haddad",
)  # fmt: skip


def setup_django(data_dir: str) -> None:
    os.environ["ATTUNE_ENV"] = "test"
    os.environ["ATTUNE_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)  # always SQLite: the figure is for SQLite
    os.environ["DJANGO_SETTINGS_MODULE"] = "attune.settings"
    import django

    django.setup()


def fresh_database() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    name = Path(settings.DATABASES["default"]["NAME"])
    for suffix in ("", "-wal", "-shm"):
        Path(f"{name}{suffix}").unlink(missing_ok=True)
    name.parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def generate(n_children: int, seed: int, today: date) -> tuple[bytes, bytes, int, int]:
    """(families.csv, children.csv, families, guardians): siblings share about 1 in 3 families."""
    from attune.programs import imports

    rng = random.Random(seed)
    n_families = max(1, round(n_children / 1.5))
    family_rows: list[list[str]] = [imports.header("families")]
    guardians = 0
    for f in range(n_families):
        code = f"F-{f:05d}"
        last = rng.choice(LAST)
        language = rng.choice(("en", "es", "vi", "so"))
        for g in range(rng.choice((1, 2, 2))):
            guardians += 1
            family_rows.append(
                [
                    code, f"{last} family {f}", language,
                    f"{100 + f} Main St, Portland, OR", FIRST[(f + 7 * g) % len(FIRST)], last,
                    ("mother", "father", "grandparent")[g % 3], f"503-555-{f % 10000:04d}",
                    f"guardian{f}.{g}@example.org", "yes" if g == 0 else "no",
                ]
            )  # fmt: skip
    child_rows: list[list[str]] = [imports.header("children")]
    for i in range(n_children):
        birth = today - timedelta(days=rng.randint(60, 3 * 365))
        start = birth + timedelta(days=rng.randint(42, 200))
        start = min(start, today)
        has_ifsp = rng.random() < 0.1
        child_rows.append(
            [
                f"{rng.choice(FIRST)}{i}", rng.choice(LAST), birth.isoformat(),
                f"F-{i % n_families:05d}", start.isoformat(), "", rng.choice(ROOMS),
                rng.choice(SCHEDULES), rng.choice(LANGUAGES), "", "Family sings at nap time",
                "yes" if has_ifsp else "no", "Dana Cole" if has_ifsp else "",
                "503-555-0190" if has_ifsp else "", "dana.cole@example.org" if has_ifsp else "",
                "peanuts" if rng.random() < 0.05 else "", "",
            ]
        )  # fmt: skip
    return csv_bytes(family_rows), csv_bytes(child_rows), n_families, guardians


def timed_import(program: Any, actor: Any, kind: str, data: bytes) -> tuple[int, float, float]:
    from attune.programs import imports
    from attune.programs.models import ImportBatch

    t0 = time.perf_counter()
    report = imports.preview(program=program, kind=kind, data=data, filename=f"{kind}.csv")
    if report.errors:
        raise SystemExit(f"{kind}: unexpected errors, first: {report.errors[:3]}")
    batch = ImportBatch.objects.create(
        program=program,
        kind=kind,
        filename=f"{kind}.csv",
        encoding=report.encoding,
        content=report.text,
        row_count=report.rows,
        uploaded_by=actor,
    )
    t1 = time.perf_counter()
    result = imports.commit(actor=actor, batch=batch)
    t2 = time.perf_counter()
    if result.errors:
        raise SystemExit(f"{kind}: errors at commit: {result.errors[:3]}")
    return report.rows, t1 - t0, t2 - t1


def one_run(run: int, n_children: int) -> list[tuple[int, str, int, float, float]]:
    from datetime import time as clock

    from auditlog.models import LogEntry

    from attune.accounts.models import User
    from attune.programs import services
    from attune.programs.models import Child, EnrollmentEvent, Family, Guardian

    fresh_database()
    jurisdiction = services.get_or_create_jurisdiction(actor=None, code="OR", name="Oregon")
    organization = services.create_organization(actor=None, name="Benchmark Org")
    program = services.create_program(
        actor=None,
        organization=organization,
        jurisdiction=jurisdiction,
        data={"name": "Benchmark Center", "opens_at": clock(7, 0), "closes_at": clock(18, 0)},
    )
    for name in ROOMS:
        services.create_room(actor=None, program=program, name=name, capacity=200)
    director = User.objects.create_user(username="director")  # no password: never signs in
    services.grant_membership(actor=None, user=director, role="director", program=program)

    families_csv, children_csv, n_families, n_guardians = generate(
        n_children, seed=run, today=program.today()
    )
    results = []
    rows, p, c = timed_import(program, director, "families", families_csv)
    results.append((run, "families", rows, p, c))
    logs_before = LogEntry.objects.count()
    rows, p, c = timed_import(program, director, "children", children_csv)
    results.append((run, "children", rows, p, c))

    assert Family.objects.count() == n_families, "families missing"
    assert Guardian.objects.count() == n_guardians, "guardians missing"
    assert Child.objects.filter(program=program).count() == n_children, "children missing"
    assert EnrollmentEvent.objects.count() == n_children, "enrollment events missing"
    assert LogEntry.objects.count() - logs_before == n_children, "audit entries missing"
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="attune-bench-") as data_dir:
        setup_django(data_dir)
        print(
            f"CSV import benchmark: {args.rows} children rows, {args.runs} runs; "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"{os.cpu_count()} CPUs, {platform.machine()}"
        )
        results: list[tuple[int, str, int, float, float]] = []
        for run in range(1, args.runs + 1):
            results.extend(one_run(run, args.rows))
        from django.db import connections

        connections.close_all()

    print()
    print(f"{'run':>3}  {'file':<9} {'rows':>6}  {'preview s':>9}  {'commit s':>8}  "
          f"{'total s':>7}  {'rows/s':>7}")  # fmt: skip
    for run, kind, rows, p, c in results:
        total = p + c
        print(f"{run:>3}  {kind:<9} {rows:>6}  {p:>9.2f}  {c:>8.2f}  {total:>7.2f}  "
              f"{rows / total:>7.0f}")  # fmt: skip
    worst = max(p + c for _run, kind, _rows, p, c in results if kind == "children")
    print()
    print(f"Slowest children import: {worst:.2f} s (limit {LIMIT_SECONDS:.0f} s)")
    if worst > LIMIT_SECONDS:
        print("FAIL: over the limit")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
