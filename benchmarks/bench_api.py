"""Benchmark: API v1's list endpoints for a program of 1,000 children (issue 21).

Target: p95 server time <= 150 ms for every list endpoint, on SQLite.

Builds a fresh SQLite database in a temporary ATTUNE_DATA_DIR: one program, 20 rooms, a
lead caregiver per room (primary to its children), --children children (1,000), each room's
children in one family per 4 children. Then, through Django's test client (the whole request:
middleware, token sign-in, rate limit, access, serialization), each endpoint is called
--repeat times with a director's token (who sees every child) and with a caregiver's token (a
room's children, the access module's narrower query): the children's first page (50), a page
of 200, a page further on (by cursor), filtered by program and day; programs, rooms,
caregivers, rule sets, plans. Server times are wall-clock per request, in process.

    ATTUNE_ENV=test .venv/bin/python benchmarks/bench_api.py [--children 1000] [--repeat 40]

Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

P95_LIMIT_MS = 150.0
ROOMS = 20


def setup_django(data_dir: str) -> None:
    os.environ["ATTUNE_ENV"] = "test"
    os.environ["ATTUNE_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)  # the figure is for SQLite
    os.environ["DJANGO_SETTINGS_MODULE"] = "attune.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ATTUNE_API_RATE = 10**9  # measure the endpoints, not the limiter's refusals
    Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)


def build(n_children: int, today: date) -> tuple[Any, Any, Any]:
    """The program, a director and a caregiver (users); n_children children."""
    from attune.accounts.models import User
    from attune.lib import schedules
    from attune.programs import services
    from attune.programs.models import Child, Family, Jurisdiction, Organization, Program

    org = Organization.objects.create(name="Bench")
    state = Jurisdiction.objects.create(code="OR", name="Oregon")
    program = Program.objects.create(organization=org, jurisdiction=state, name="Bench Center")
    director = User.objects.create_user("director", password="x")  # noqa: S106
    services.grant_membership(actor=None, user=director, role="director", program=program)
    caregiver_user = User.objects.create_user("caregiver", password="x")  # noqa: S106
    families = Family.objects.bulk_create(
        Family(organization=org, code=f"F{i}", name=f"Family {i}")
        for i in range(n_children // 4 + 1)
    )
    schedule = schedules.parse_text("mon-fri 08:00-16:00")
    children: list[Child] = []
    for r in range(ROOMS):
        room = services.create_room(actor=None, program=program, name=f"Room {r}", capacity=60)
        caregiver = services.create_caregiver(
            actor=None, program=program,
            data={"first_name": f"Lead{r}", "last_name": "Bench", "room": room,
                  "languages": ["en"], "shifts": schedules.parse_text("mon-fri 07:00-18:00"),
                  "hire_date": date(2020, 1, 1)},
        )  # fmt: skip
        if r == 0:
            services.link_caregiver_user(actor=None, caregiver=caregiver, user=caregiver_user)
        for i in range(r, n_children, ROOMS):
            children.append(
                Child(
                    program=program,
                    family=families[i // 4],
                    first_name=f"C{i}",
                    last_name="Bench",
                    birth_date=today - timedelta(days=120 + (i % 700)),
                    enrollment_start=today - timedelta(days=90),
                    room=room,
                    primary_caregiver=caregiver,
                    schedule=schedule,
                    home_languages=["en"],
                )
            )
    Child.objects.bulk_create(children, batch_size=500)
    return program, director, caregiver_user


def measure(client: Any, url: str, headers: dict[str, str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.test import Client

        from attune.api import tokens

        today = date.today()
        program, director, caregiver = build(args.children, today)
        client = Client()
        base = "/api/v1"
        rows = []
        for who, user in (("director", director), ("caregiver", caregiver)):
            _token, raw = tokens.issue(user=user, name="bench", scope="read", days=1)
            headers = {"Authorization": f"Bearer {raw}"}
            first = client.get(f"{base}/children?size=200", headers=headers).json()
            cursor = first["next_cursor"]
            urls = [
                ("children, first page (50)", f"{base}/children"),
                ("children, page of 200", f"{base}/children?size=200"),
                ("children, next page by cursor", f"{base}/children?size=200&cursor={cursor}"
                 if cursor else f"{base}/children?size=200"),
                ("children of a program on a day", f"{base}/children?program={program.pk}"
                 f"&enrolled_on={today.isoformat()}"),
                ("programs", f"{base}/programs"),
                ("rooms", f"{base}/programs/{program.pk}/rooms"),
                ("caregivers", f"{base}/programs/{program.pk}/caregivers"),
                ("rule sets", f"{base}/rule-sets"),
            ]  # fmt: skip
            if who == "director":
                urls.append(("plans", f"{base}/programs/{program.pk}/plans"))
            for label, url in urls:
                measure(client, url, headers, 2)  # warm
                times = sorted(measure(client, url, headers, args.repeat))
                p95 = times[max(0, round(0.95 * len(times)) - 1)]
                rows.append((who, label, statistics.median(times), p95))
        print(f"API v1 list endpoints, {args.children} children, {args.repeat} requests each")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, SQLite")  # fmt: skip
        print(f"{'token':<10} {'endpoint':<34} {'p50 ms':>8} {'p95 ms':>8}")
        missed = 0
        for who, label, p50, p95 in rows:
            flag = "" if p95 <= P95_LIMIT_MS else "  MISSED"
            missed += bool(flag)
            print(f"{who:<10} {label:<34} {p50:8.1f} {p95:8.1f}{flag}")
        print(
            f"target: p95 <= {P95_LIMIT_MS:.0f} ms; {'all met' if not missed else f'{missed} missed'}"
        )
        return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
