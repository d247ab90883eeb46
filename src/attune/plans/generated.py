"""Generated programs as records: planner_lab.generate's realistic programs (rooms, caregivers
with shifts, children with schedules, languages, IFSPs and siblings, each child in a room
with a primary caregiver of that room) written into the database.

For measuring and testing at a real size, never for real programs: the state-wide policy
what-if's benchmark (benchmarks/state_whatif.py) loads a state of them, and tests that need
a plan solve taking seconds load one. The same arguments give the same program. Records are
written in bulk, without audit entries: nothing here is a person.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.db import transaction

from attune.programs.models import (
    Caregiver,
    Child,
    Family,
    FamilyShare,
    Jurisdiction,
    Organization,
    Program,
    Room,
)
from planner import model as planner_model
from planner.model import hhmm
from planner_lab.generate import generate


def stored_schedule(schedule: planner_model.Schedule) -> dict[str, list[list[str]]]:
    """A planner schedule as Attune stores it (attune.lib.schedules)."""
    return {
        day: [[hhmm(span.start), hhmm(span.end)] for span in spans]
        for day, spans in schedule.items()
        if spans
    }


@transaction.atomic
def load_program(
    *,
    jurisdiction: Jurisdiction,
    organization: Organization,
    name: str,
    children: int,
    seed: int,
    on: date,
    rules: str = "cfoc-center",
) -> Program:
    """A generated program of `children` children, planned for `on` (the children's ages are
    right for it; everyone is enrolled or employed then)."""
    problem = generate(children=children, seed=seed, rules=rules, as_of=on)
    program = Program.objects.create(
        organization=organization, jurisdiction=jurisdiction, name=name, rule_set=rules,
        opens_at=time(7, 0), closes_at=time(18, 0),
    )  # fmt: skip
    rooms = {
        r.id: Room(program=program, name=f"Room {n}", capacity=r.capacity, max_groups=r.max_groups)
        for n, r in enumerate(problem.rooms, 1)
    }
    Room.objects.bulk_create(rooms.values())

    def room_of(group: str | None) -> Room | None:
        room_id = problem.current_rooms.get(group or "")
        return rooms.get(room_id) if room_id else None

    caregivers = {
        s.id: Caregiver(
            program=program,
            first_name=f"Caregiver {n}",
            last_name=name[:100],
            room=room_of(s.current_group),
            languages=list(s.languages) or ["en"],
            shifts=stored_schedule(s.shifts),
            hire_date=on - timedelta(days=400),
            ifsp_trained=s.ifsp_trained,
            max_primary=s.max_primary,
        )
        for n, s in enumerate(problem.caregivers, 1)
    }
    Caregiver.objects.bulk_create(caregivers.values())
    family_of: dict[str, str] = {}
    for child in problem.children:
        family_of[child.id] = min((child.id, *child.siblings))
    families = {
        key: Family(organization=organization, code=f"{name[:40]}-{key}", name=f"Family {key}")
        for key in sorted(set(family_of.values()))
    }
    Family.objects.bulk_create(families.values())
    FamilyShare.objects.bulk_create(
        FamilyShare(family=f, program=program, status=FamilyShare.Status.APPROVED)
        for f in families.values()
    )
    records: list[Any] = []
    for n, child in enumerate(problem.children, 1):
        current = child.current
        primary = caregivers.get(current.primary) if current and current.primary else None
        records.append(
            Child(
                program=program,
                family=families[family_of[child.id]],
                first_name=f"Child {n}",
                last_name=name[:100],
                birth_date=child.birth_date,
                enrollment_start=max(child.birth_date, on - timedelta(days=90)),
                room=room_of(current.group if current else None),
                primary_caregiver=primary,
                schedule=stored_schedule(child.schedule),
                home_languages=list(child.languages) or ["en"],
                has_ifsp=child.ifsp,
            )
        )
    Child.objects.bulk_create(records)
    return program


def load_state(
    *,
    jurisdiction: Jurisdiction,
    programs: int,
    on: date,
    smallest: int = 20,
    largest: int = 80,
    seed: int = 1,
) -> list[Program]:
    """`programs` generated programs in the state, each of `smallest` to `largest` children
    (spread evenly, in a seeded order), one organization each."""
    import random

    rng = random.Random(seed)  # noqa: S311 (reproducible instances, not secrets)
    out = []
    for n in range(1, programs + 1):
        organization = Organization.objects.create(name=f"Generated {jurisdiction.code} {n}")
        out.append(
            load_program(
                jurisdiction=jurisdiction,
                organization=organization,
                name=f"Generated program {n}",
                children=rng.randint(smallest, largest),
                seed=seed * 100_000 + n,
                on=on,
            )
        )
    return out
