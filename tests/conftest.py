"""Shared test world: two programs, their people, and one persona per role.

Built through the services, as real use would build it, so every fixture write is audited.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils.translation.reloader import translation_file_changed

from attune.accounts.models import Membership, User
from attune.lib import schedules
from attune.programs import services
from attune.programs.models import (
    Caregiver,
    Child,
    Family,
    Guardian,
    Jurisdiction,
    Organization,
    Program,
    Room,
)
from attune.training.models import Person

PASSWORD = "correct-horse-battery"
FULL_TIME = schedules.parse_text("mon-fri 08:00-16:30")
PART_TIME = schedules.parse_text("mon,wed,fri 08:00-12:30")
SHIFT = schedules.parse_text("mon-fri 07:30-16:00")

# The personas of the permission matrix. "anonymous" has no user.
PERSONAS = (
    "director",
    "org_admin",
    "caregiver",
    "other_director",
    "family",
    "other_family",
    "specialist",
    "trainer",
    "state_admin",
    "coordinator",
    "outsider",
    "anonymous",
)


@dataclass
class World:
    jurisdiction: Jurisdiction
    organization: Organization
    program: Program
    other_program: Program
    room: Room
    other_room: Room
    caregiver: Caregiver  # the caregiver persona's record: lead of `room`, primary of `child`
    colleague: Caregiver  # another lead in `room`, primary of `group_child`
    family: Family
    other_family: Family
    guardian: Guardian
    child: Child  # the family persona's child; primary caregiver = caregiver persona
    group_child: Child  # same room, other primary, other family
    other_room_child: Child  # room the caregiver persona does not work in
    other_program_child: Child
    users: dict[str, User] = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


def make_user(username: str, **extra: Any) -> User:
    return User.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


def child_data(family: Family, room: Room | None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": "Ana",
        "last_name": "Lopez",
        "birth_date": date(2025, 3, 14),
        "enrollment_start": date(2025, 9, 1),
        "family": family,
        "room": room,
        "schedule": FULL_TIME,
        "home_languages": ["es", "en"],
    }
    data.update(overrides)
    return data


def caregiver_data(room: Room | None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": "Maria",
        "last_name": "Garcia",
        "role": Caregiver.Role.LEAD,
        "room": room,
        "languages": ["es", "en"],
        "shifts": SHIFT,
        "hire_date": date(2020, 8, 1),
        "ifsp_trained": True,
    }
    data.update(overrides)
    return data


def build_world() -> World:
    oregon = Jurisdiction.objects.create(code="OR", name="Oregon")
    washington = Jurisdiction.objects.create(code="WA", name="Washington")
    org = Organization.objects.create(name="Harbor Early Learning")
    other_org = Organization.objects.create(name="Cascade Kids")
    program = Program.objects.create(
        organization=org, jurisdiction=oregon, name="Maple Street", opens_at=time(7, 0),
        closes_at=time(18, 0),
    )  # fmt: skip
    other_program = Program.objects.create(
        organization=other_org, jurisdiction=washington, name="Cascade Center"
    )
    room = services.create_room(actor=None, program=program, name="Robins", capacity=8)
    other_room = services.create_room(actor=None, program=program, name="Finches", capacity=12)
    b_room = services.create_room(actor=None, program=other_program, name="Otters", capacity=8)

    caregiver = services.create_caregiver(actor=None, program=program, data=caregiver_data(room))
    colleague = services.create_caregiver(
        actor=None,
        program=program,
        data=caregiver_data(room, first_name="Linh", last_name="Tran", languages=["vi", "en"]),
    )
    services.create_caregiver(
        actor=None,
        program=program,
        data=caregiver_data(other_room, first_name="Hodan", last_name="Ali", languages=["so"]),
    )

    family = services.create_family(
        actor=None,
        program=program,
        data={"code": "F-1", "name": "Lopez", "preferred_language": "es"},
        guardians=[
            {"first_name": "Rosa", "last_name": "Lopez", "relationship": "mother",
             "phone": "555-0101", "email": "rosa@example.org", "is_primary_contact": True},
        ],
    )  # fmt: skip
    other_family = services.create_family(
        actor=None,
        program=program,
        data={"code": "F-2", "name": "Nguyen", "preferred_language": "vi"},
        guardians=[
            {"first_name": "Bao", "last_name": "Nguyen", "relationship": "father",
             "phone": "555-0102"},
        ],
    )  # fmt: skip
    b_family = services.create_family(
        actor=None,
        program=other_program,
        data={"code": "F-1", "name": "Smith", "preferred_language": "en"},
    )
    child = services.create_child(
        actor=None,
        program=program,
        data=child_data(
            family, room, primary_caregiver=caregiver, allergies="peanuts",
            medical_notes="Asthma inhaler in the office", has_ifsp=True,
            ifsp_coordinator_name="Dana Cole",
        ),
    )  # fmt: skip
    group_child = services.create_child(
        actor=None,
        program=program,
        data=child_data(
            other_family, room, first_name="Minh", last_name="Nguyen",
            primary_caregiver=colleague, home_languages=["vi"], schedule=PART_TIME,
        ),
    )  # fmt: skip
    other_room_child = services.create_child(
        actor=None,
        program=program,
        data=child_data(
            other_family, other_room, first_name="Lan", last_name="Nguyen",
            birth_date=date(2024, 2, 1), enrollment_start=date(2024, 9, 1),
        ),
    )  # fmt: skip
    other_program_child = services.create_child(
        actor=None,
        program=other_program,
        data=child_data(b_family, b_room, first_name="Sam", last_name="Smith"),
    )

    world = World(
        jurisdiction=oregon, organization=org, program=program, other_program=other_program,
        room=room, other_room=other_room, caregiver=caregiver, colleague=colleague,
        family=family, other_family=other_family, guardian=family.guardians.get(),
        child=child, group_child=group_child, other_room_child=other_room_child,
        other_program_child=other_program_child,
    )  # fmt: skip
    users = world.users
    for name in PERSONAS[:-1]:
        users[name] = make_user(name)
    services.grant_membership(actor=None, user=users["director"], role="director", program=program)
    services.grant_membership(
        actor=None, user=users["org_admin"], role="org_admin", organization_id=org.pk
    )
    services.grant_membership(
        actor=None, user=users["other_director"], role="director", program=other_program
    )
    services.grant_membership(
        actor=None, user=users["specialist"], role="specialist", program=program
    )
    services.grant_membership(actor=None, user=users["trainer"], role="trainer", program=program)
    # The specialist is also Oregon's Infant/Toddler Specialist for the Training for Trainers;
    # the trainer is a person of Oregon's training workforce (attune.training).
    services.grant_membership(
        actor=None, user=users["specialist"], role="specialist", jurisdiction_id=oregon.pk
    )
    Person.objects.create(
        jurisdiction=oregon, first_name="Terry", last_name="Trainer", registry_id="OR-T-1",
        email="trainer@example.org", user=users["trainer"],
    )  # fmt: skip
    services.grant_membership(
        actor=None, user=users["state_admin"], role="state_admin", jurisdiction_id=oregon.pk
    )
    # Oregon's infant mental health association's endorsement coordinator (attune.workforce)
    services.grant_membership(
        actor=None, user=users["coordinator"], role="coordinator", jurisdiction_id=oregon.pk
    )
    services.link_caregiver_user(actor=None, caregiver=caregiver, user=users["caregiver"])
    services.link_guardian_user(actor=None, guardian=world.guardian, user=users["family"])
    services.link_guardian_user(
        actor=None, guardian=other_family.guardians.get(), user=users["other_family"]
    )
    assert Membership.objects.count() == 8
    return world


LOCALE = Path(__file__).resolve().parent.parent / "src" / "attune" / "locale"


@pytest.fixture(scope="session", autouse=True)
def compiled() -> None:
    """Current .mo catalogs, as `make setup` (compilemessages) leaves them.

    Compiles each catalog (git ignores *.mo) when missing or older than its .po, then drops
    Django's cached catalogs so the new one is read, so a bare `pytest` on a fresh checkout
    tests the same pages as `make test`.
    """
    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            result = subprocess.run(
                ["msgfmt", "--check-format", "-o", str(mo), str(po)],
                capture_output=True,
                text=True,
                check=False,
            )
            assert result.returncode == 0, result.stderr
            translation_file_changed(sender=None, file_path=mo)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> None:
    """Uploads (training materials) go to the test's own directory, never to ./var."""
    settings.MEDIA_ROOT = tmp_path / "media"


# -- real task workers (attune.jobs) -------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The test database's URL, for worker processes (they must see what the test wrote)."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    from urllib.parse import quote

    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s.get("PASSWORD") else "")
    host = s["HOST"] or "localhost"
    if host.startswith("/"):
        return f"postgres://{auth}@/{s['NAME']}?host={quote(host)}&port={s['PORT'] or 5432}"
    return f"postgres://{auth}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        ATTUNE_ENV="test", ATTUNE_TASKS_IMMEDIATE="0", DATABASE_URL=database_url(),
        ATTUNE_WORKER_BEAT="0.5", ATTUNE_WORKER_LEASE="4", PYTHONPATH=str(ROOT),
    )  # fmt: skip
    env.update(extra)
    return env


@pytest.fixture
def task_worker(settings: Any, transactional_db: None, tmp_path: Path) -> Any:
    """Start real `manage.py run_worker` processes on the test database; the test's own
    process queues tasks in the database for them (no immediate run). Call it to start one
    (`schedules=True`: it also queues the declared schedules); they are stopped (SIGTERM,
    then SIGKILL) when the test ends. Their logs are in the test's tmp_path (worker-N.log)."""
    import signal
    import sys

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, schedules: bool = False, **env: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(started) + 1}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "run_worker", "--interval", "0.1",
             *([] if schedules else ["--no-schedules"]), *args],
            cwd=ROOT, env=worker_env(**env), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()  # the worker has its own copy
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
