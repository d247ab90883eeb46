"""Figures about programs: today's attendance by room, and aggregates without child names.

Aggregates feed the pages of people who must not see child-identifying data (state
administrators, T/TA specialists and trainers), so they return counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from attune.lib import schedules
from attune.programs.models import Caregiver, Child, Program, Room

AGE_BANDS = [
    (0, 12, _("under 12 months")),
    (12, 24, _("12–23 months")),
    (24, 36, _("24–35 months")),
    (36, 10_000, _("36 months and older")),
]


def weekday_key(day: date) -> str:
    return schedules.DAYS[day.weekday()]


@dataclass
class RoomToday:
    room: Room | None
    capacity: int | None
    enrolled: list[Child] = field(default_factory=list)
    expected_today: list[Child] = field(default_factory=list)
    here_now: list[Child] = field(default_factory=list)
    caregivers_today: list[Caregiver] = field(default_factory=list)
    caregivers_now: list[Caregiver] = field(default_factory=list)
    live: Any = None  # attune.programs.attendance.RoomNow: the room now, with the rules' need

    @property
    def children_per_caregiver_now(self) -> float | None:
        if not self.caregivers_now:
            return None
        return len(self.here_now) / len(self.caregivers_now)

    @property
    def uncovered_now(self) -> bool:
        """Children here now and no caregiver of the room clocked in."""
        return bool(self.here_now) and not self.caregivers_now


def attendance_by_room(
    program: Program, at: datetime, children: Iterable[Child]
) -> list[RoomToday]:
    """Today's attendance at `at` (program-local time), per room; children without a room last.

    Who is here now comes from attendance (children signed in, caregivers clocked in:
    attune.programs.attendance), with what the rules require now; who is expected today from
    the weekly schedules, less the children whose family said they will not come.
    """
    from attune.programs import attendance

    day = at.date()
    key = weekday_key(day)
    live = {r.room.pk: r for r in attendance.rooms_now(program, at)}
    rooms = {room.pk: RoomToday(room=room, capacity=room.capacity) for room in program.rooms.all()}
    unassigned = RoomToday(room=None, capacity=None)
    visible = [c for c in children if c.is_enrolled(day)]
    said = attendance.absences_on(visible, day)
    for child in visible:
        bucket = rooms.get(child.room_id) if child.room_id else unassigned
        bucket = bucket or unassigned
        bucket.enrolled.append(child)
        if attendance.expected_on(child, day, said.get(child.pk)):
            bucket.expected_today.append(child)
        room_now = live.get(child.room_id) if child.room_id else None
        if room_now is not None and child.pk in room_now.stays:
            bucket.here_now.append(child)
    for caregiver in Caregiver.objects.filter(program=program).select_related("room"):
        if not caregiver.is_active(day) or caregiver.room_id not in rooms:
            continue
        if caregiver.shifts.get(key):
            rooms[caregiver.room_id].caregivers_today.append(caregiver)
    for pk, bucket in rooms.items():
        now = live.get(pk)
        if now is not None:
            bucket.caregivers_now = list(now.staff)
            bucket.live = now
    result = list(rooms.values())
    if unassigned.enrolled:
        result.append(unassigned)
    return result


@dataclass
class ProgramFigures:
    """Counts only: safe for aggregate viewers."""

    program: Program
    children_enrolled: int
    by_age_band: list[tuple[str, int]]
    full_time: int
    part_time: int
    with_ifsp: int
    home_languages: list[tuple[str, int]]
    caregivers_active: int
    caregiver_languages: list[tuple[str, int]]
    ifsp_trained: int
    rooms: int
    capacity: int


FULL_TIME_MINUTES = 30 * 60  # 30 hours a week or more


def program_figures(program: Program, on: date) -> ProgramFigures:
    children = list(Child.objects.filter(program=program).enrolled_on(on))
    bands = Counter[int]()
    languages = Counter[str]()
    for child in children:
        months = child.age_in_months(on)
        for i, (low, high, _label) in enumerate(AGE_BANDS):
            if low <= months < high:
                bands[i] += 1
        languages.update(child.home_languages)
    full_time = sum(
        1 for c in children if schedules.minutes_per_week(c.schedule) >= FULL_TIME_MINUTES
    )
    caregivers = [c for c in Caregiver.objects.filter(program=program) if c.is_active(on)]
    caregiver_languages = Counter[str]()
    for caregiver in caregivers:
        caregiver_languages.update(caregiver.languages)
    rooms = list(program.rooms.all())
    return ProgramFigures(
        program=program,
        children_enrolled=len(children),
        by_age_band=[(str(label), bands[i]) for i, (_l, _h, label) in enumerate(AGE_BANDS)],
        full_time=full_time,
        part_time=len(children) - full_time,
        with_ifsp=sum(1 for c in children if c.has_ifsp),
        home_languages=languages.most_common(),
        caregivers_active=len(caregivers),
        caregiver_languages=caregiver_languages.most_common(),
        ifsp_trained=sum(1 for c in caregivers if c.ifsp_trained),
        rooms=len(rooms),
        capacity=sum(r.capacity for r in rooms),
    )
