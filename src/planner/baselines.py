"""Baselines for the benchmark: what a director does by hand, to compare the planner against.

`greedy(problem)` proves nothing and may break rules (the benchmark reports what the validator
finds in its plans). It reads only the problem: no validator, no objective.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from planner.model import DAYS, Caregiver, Child, Group, Plan, Problem, Room, Schedule
from planner.rules import Member, child_class, staff_needed


def _moments(problem: Problem) -> dict[str, list[int]]:
    """The starts of the program's blocks (`block_minutes`, 15 by default) on every day someone
    attends, from the earliest arrival or shift to the latest end."""
    step = problem.program.block_minutes
    out: dict[str, list[int]] = {}
    for day in DAYS:
        spans = [span for c in problem.children for span in c.schedule.get(day, ())]
        spans += [span for s in problem.caregivers for span in s.shifts.get(day, ())]
        if spans:
            first = min(span.start for span in spans)
            last = max(span.end for span in spans)
            out[day] = list(range(first - first % step, last, step))
    return out


def _presence(schedule: Schedule, moments: dict[str, list[int]]) -> dict[str, list[int]]:
    """day -> indexes of the blocks whose first minute the schedule covers"""
    out: dict[str, list[int]] = {}
    for day, spans in schedule.items():
        minutes = moments.get(day, [])
        blocks = [b for b, m in enumerate(minutes) if any(span.covers(m) for span in spans)]
        if blocks:
            out[day] = blocks
    return out


class _Room:
    """One room's group as the greedy fills it: who is present at every block."""

    def __init__(
        self,
        problem: Problem,
        room: Room,
        moments: dict[str, list[int]],
        needs: dict[tuple[object, ...], int],
    ) -> None:
        self.problem = problem
        self.needs = needs  # (bands of the children present, periods) -> staff, shared
        self.room = room
        self.children: list[Child] = []
        self.caregivers: list[Caregiver] = []
        self.count = {day: [0] * len(ms) for day, ms in moments.items()}
        self.present: dict[str, list[tuple[Member, ...]]] = {
            day: [() for _ in ms] for day, ms in moments.items()
        }
        self.periods = {
            day: [problem.program.periods_at(day, m) for m in ms] for day, ms in moments.items()
        }
        self.classes: dict[str, tuple[object, ...]] = {}
        self.staff = {day: [0] * len(ms) for day, ms in moments.items()}
        self.shortfall = 0  # staff-blocks missing under the simplest reading

    def overflow(self, presence: dict[str, list[int]]) -> int:
        """How far above the room's capacity a child present then would bring it, at worst."""
        return max(
            (
                self.count[day][b] + 1 - self.room.capacity
                for day, bs in presence.items()
                for b in bs
            ),
            default=0,
        )

    def fits(self, presence: dict[str, list[int]]) -> bool:
        cap = self.room.capacity
        return all(self.count[day][b] < cap for day, bs in presence.items() for b in bs)

    def add_child(self, child: Child, presence: dict[str, list[int]]) -> None:
        member = self.problem.member(child)
        self.children.append(child)
        for day, blocks in presence.items():
            for b in blocks:
                before = self.missing(day, b)
                self.count[day][b] += 1
                self.present[day][b] = tuple(
                    sorted((*self.present[day][b], member), key=lambda m: m.id)
                )
                self.shortfall += self.missing(day, b) - before

    def add_caregiver(self, caregiver: Caregiver, presence: dict[str, list[int]]) -> None:
        self.caregivers.append(caregiver)
        for day, blocks in presence.items():
            for b in blocks:
                before = self.missing(day, b)
                self.staff[day][b] += 1
                self.shortfall += self.missing(day, b) - before

    def need(self, day: str, b: int) -> int:
        """What the rules need for the children present (planner.rules.staff_needed, every
        rule set of the program); a group no staffing allows counts its need all the same."""
        present = self.present[day][b]
        if not present:
            return 0
        periods = self.periods[day][b]
        sets = self.problem.program.rule_sets
        classes = []
        for m in present:
            if m.id not in self.classes:
                self.classes[m.id] = child_class(sets, m)
            classes.append(self.classes[m.id])
        key = (tuple(sorted(classes)), periods)
        if key not in self.needs:
            need = staff_needed(self.problem.program.rule_sets, present, periods=periods)
            self.needs[key] = need.staff
        return self.needs[key]

    def missing(self, day: str, b: int) -> int:
        return max(0, self.need(day, b) - self.staff[day][b])

    def helps(self, presence: dict[str, list[int]]) -> bool:
        return any(self.missing(day, b) > 0 for day, bs in presence.items() for b in bs)

    def primary_shortfall(self) -> int:
        room = sum(self.problem.primary_limit(s) for s in self.caregivers)
        return max(0, len(self.children) - room)


def _primaries_needed(problem: Problem, rooms: Sequence[_Room]) -> int:
    """Caregivers to keep for these rooms so that every child can have a primary."""
    cap = max(1, problem.program.primary_cap)
    return sum(math.ceil(len(r.children) / cap) for r in rooms if r.children)


def greedy(problem: Problem) -> Plan:
    """A plan made the way a director makes one by hand:

    1. Children, youngest first (then by id), each go into the first room (rooms by capacity,
       smallest first, ties in the order given) whose children present stay within its
       capacity at every block of the child's week; when none has room, into the room they
       overfill least. Each room with children holds one group, id "g-<room id>" (which is the
       current group's id in problems from `planner_lab.generate`).
    2. Caregivers, rooms in the same order: each room takes the first free caregivers (in the
       order given) whose shifts cover a block still short, until every block is covered by
       the rules (planner.rules.staff_needed for the children present, under every rule set
       of the program) and the room's caregivers can be
       primary for all its children, or until only the caregivers later rooms need for their
       children's primaries (one per `primary_cap` children) are left. The remaining caregivers
       go, one by one, to the room with the biggest shortfall (staff-blocks, then primaries,
       then children per caregiver).
    3. Each child's primary: the first caregiver of the group with spare capacity
       (`min(primary_cap, max_primary)`); when none has any, the least loaded one (a broken
       rule the validator will report).

    Status "feasible" (nothing is proved), no objective or bound.
    """
    started = time.perf_counter()
    moments = _moments(problem)
    needs: dict[tuple[object, ...], int] = {}
    by_size = sorted(problem.rooms, key=lambda r: r.capacity)
    rooms = [_Room(problem, room, moments, needs) for room in by_size]
    if not rooms:
        return Plan(status="feasible", solver="greedy")

    for child in sorted(problem.children, key=lambda c: (-c.birth_date.toordinal(), c.id)):
        presence = _presence(child.schedule, moments)
        fits = next((r for r in rooms if r.fits(presence)), None)
        if fits is None:
            fits = min(rooms, key=lambda r: (r.overflow(presence), rooms.index(r)))
        fits.add_child(child, presence)

    staffed = [r for r in rooms if r.children]
    shifts = {s.id: _presence(s.shifts, moments) for s in problem.caregivers}
    free = list(problem.caregivers)
    for k, room in enumerate(staffed):
        keep = _primaries_needed(problem, staffed[k + 1 :])
        for caregiver in list(free):
            if len(free) <= keep:
                break
            if room.shortfall == 0 and room.primary_shortfall() == 0:
                break
            useful = room.helps(shifts[caregiver.id]) or (
                room.shortfall == 0 and problem.primary_limit(caregiver) > 0
            )
            if useful:
                room.add_caregiver(caregiver, shifts[caregiver.id])
                free.remove(caregiver)
    for caregiver in free:
        if not staffed:
            break
        neediest = max(
            staffed,
            key=lambda r: (
                r.shortfall,
                r.primary_shortfall(),
                len(r.children) / max(1, len(r.caregivers)),
                -staffed.index(r),
            ),
        )
        neediest.add_caregiver(caregiver, shifts[caregiver.id])

    groups: list[Group] = []
    primary: dict[str, str] = {}
    for room in staffed:
        group = Group(
            id=f"g-{room.room.id}",
            room=room.room.id,
            caregivers=[s.id for s in room.caregivers],
            children=[c.id for c in room.children],
        )
        groups.append(group)
        load = {s.id: 0 for s in room.caregivers}
        for child in room.children:
            if not room.caregivers:
                continue
            spare = [s for s in room.caregivers if load[s.id] < problem.primary_limit(s)]
            chosen = (
                spare[0]
                if spare
                else min(room.caregivers, key=lambda s: load[s.id] - problem.primary_limit(s))
            )
            load[chosen.id] += 1
            primary[child.id] = chosen.id
    return Plan(
        status="feasible",
        groups=groups,
        primary=primary,
        solver="greedy",
        seconds=time.perf_counter() - started,
    )
