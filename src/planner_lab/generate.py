"""Realistic, seeded planning problems that are feasible by construction.

`generate(children=N, seed=K)` builds an infant-toddler program the way one usually looks:

- **Children**: ages from 6 weeks to 35 completed months (just under 3 years; every built-in
  rule set has a band for each), spread evenly (one random age per equal slice of the range).
  About 70% attend full time (Monday to Friday); about 30% part time: half of them 2 or 3
  days a week, half of them mornings (five mornings, leaving between 12:00 and 13:00).
  Arrivals are staggered between 07:00 and 09:30, departures between 15:00 and 18:00, on a
  15-minute grid (the program is open 07:00-18:00, Monday to Friday). Home languages are
  mostly English, about 30% Spanish, some Vietnamese, Somali and Arabic, a few bilingual;
  5-10% of the children have an IFSP; about 10% are in sibling pairs (same family and
  languages, usually the same schedule, now and then twins); about 5% of the families ask
  for a caregiver.
- **Rooms** the traditional way: children sorted by age fill rooms in turn, youngest first.
  A room's capacity is the group size its youngest child's band handles best (the size up
  to the band's largest group with the most children per staff member: 6 infants or 8
  toddlers under cfoc-center, 8 under ehs-center). A child joins the room being filled
  while the children present stay within its capacity and the rule set can staff them at
  every 15-minute block (part-time children may share a place on different days); a last
  room left less than half full is rebalanced with the one before it. One group per room
  (`max_groups` 1). Under cfoc-fcc-small (one caregiver, at most 6 children, at most 2 of
  them under 2 years) the program is a set of homes of capacity 6, one per 6 children, each
  with children of all ages (dealt out by age in turn), as family child care homes are.
- **Staff**, room by room: for every 15-minute block of every day, the staff the room's
  children present need under the rule set (`staff_needed`: its mixed-age method, mixed
  group rule and limits, e.g. two teachers whenever any child is present under ehs-center).
  Caregivers with 8-hour shifts starting between 07:00 and 10:00 (on the half hour) are
  added from the morning on, each starting at the first block still short (or at 10:00 for
  the afternoon), until every block of the busiest day is covered: the fewest 8-hour shifts
  that do. Some then work 4 days when a day needs them not, and half of the caregivers
  needed for only a few hours work part time (4 hours). More caregivers join until the
  room's caregivers can be primary for all its children (4 each). Caregivers speak the
  languages of the room's families more often than not (about 30% speak Spanish); about 30%
  are IFSP-trained. At the busiest moment there are 3 to 4 children per caregiver on shift;
  by head count about 2 (an 11-hour day needs opening and closing caregivers in every room).
- **Current arrangement** (`with_current`): each child is in group "g-<room>" with a primary
  caregiver of that room who has room for one more (most often one who speaks the family's
  language and is on shift when the child is there). About 10% differ: new enrollees with no
  current arrangement, and children whose primary caregiver left (group only).
  `generate_with_plan` also returns that arrangement, for every child, as a plan: it meets
  every hard rule.

Everything random comes from `random.Random(seed)`: the same arguments give the same problem.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from planner import io
from planner.model import (
    Caregiver,
    Child,
    Current,
    Group,
    Plan,
    Problem,
    ProgramInfo,
    Room,
    Schedule,
    Span,
    Weights,
    months_between,
    overlap_minutes,
)
from planner.rules import Member, RuleSet
from planner.rules import load as load_rules
from planner.rules import staff_needed as rules_staff_needed

OPEN = 7 * 60
CLOSE = 18 * 60
BLOCK = 15
BLOCKS = tuple(range(OPEN, CLOSE, BLOCK))  # 44 blocks of 15 minutes
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
SHIFT = 8 * 60
PART_SHIFT = 4 * 60
LATEST_START = CLOSE - SHIFT  # 10:00
PRIMARY_CAP = 4
MIN_AGE_DAYS = 42  # 6 weeks
MAX_MONTHS = 35

# Arrival 07:00-09:30 and departure 15:00-18:00 on the quarter hour, most around 08:00 and 17:00.
_ARRIVALS = tuple(range(7 * 60, 9 * 60 + 31, 15))
_ARRIVAL_WEIGHTS = (3, 4, 5, 6, 6, 5, 4, 3, 2, 2, 1)
_DEPARTURES = tuple(range(15 * 60, 18 * 60 + 1, 15))
_DEPARTURE_WEIGHTS = (1, 1, 2, 2, 3, 4, 5, 5, 6, 5, 4, 3, 2)
_MORNING_DEPARTURES = tuple(range(12 * 60, 13 * 60 + 1, 15))
_PART_DAYS = (
    ("mon", "wed", "fri"),
    ("tue", "thu"),
    ("mon", "tue", "wed"),
    ("wed", "thu", "fri"),
    ("mon", "wed"),
    ("tue", "thu", "fri"),
)
# Home languages: (languages, weight); Spanish in about 30% of families.
_FAMILY_LANGUAGES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("en",), 55),
    (("es",), 24),
    (("es", "en"), 6),
    (("vi",), 5),
    (("so",), 4),
    (("ar",), 3),
    (("vi", "en"), 1),
    (("ar", "en"), 1),
    (("so", "en"), 1),
)


# -- reading the rule set ------------------------------------------------------------------


def staff_needed(
    rule_set: RuleSet | Sequence[RuleSet], months: Sequence[int] | Sequence[Member]
) -> int | None:
    """Staff the rule set(s) need for a group whose present children are `months` old
    (completed months) or these members, or None when no number of staff will do (group too
    big, a per-group limit, a composition no staff allows). planner.rules.staff_needed decides;
    conditions on qualifications count as staff only."""
    for m in months:
        for rs in (rule_set,) if isinstance(rule_set, RuleSet) else rule_set:
            age = m.age if isinstance(m, Member) else m
            if rs.band_index(age) is None:
                raise ValueError(f"no band of rule set {rs.id} for a child of {age} months")
    need = rules_staff_needed(rule_set, months)
    if need.over is not None:
        return None
    return need.staff


def room_capacity(rule_set: RuleSet, months: int) -> int:
    """The group size a room for children of this age handles best: up to the band's largest
    group, the size with the most children per staff member (ties: the larger)."""
    band = rule_set.band_for(months)
    assert band is not None
    best, best_ratio = 1, Fraction(0)
    for n in range(1, band.max_group + 1):
        staff = band.staff_for(n)
        assert staff is not None
        if Fraction(n, max(staff, 1)) >= best_ratio:
            best, best_ratio = n, Fraction(n, max(staff, 1))
    return best


# -- helpers -----------------------------------------------------------------------------


def _floor30(minutes: int) -> int:
    return minutes - (minutes - OPEN) % 30


def _blocks(span: Span) -> range:
    """Indexes into BLOCKS of the blocks the span covers (spans are on the 15-minute grid)."""
    return range((span.start - OPEN) // BLOCK, (span.end - OPEN) // BLOCK)


def _presence(schedule: Schedule) -> dict[str, list[int]]:
    return {day: [b for span in schedule.get(day, ()) for b in _blocks(span)] for day in WEEKDAYS}


def _pick(rng: random.Random, values: Sequence[int], weights: Sequence[int]) -> int:
    return rng.choices(values, weights=weights)[0]


class _Room:
    """A room being filled: children present per block of every weekday, as their ages."""

    def __init__(
        self, rule_set: RuleSet, capacity: int, cache: dict[tuple[int, ...], int | None]
    ) -> None:
        self.rule_set = rule_set
        self.capacity = capacity
        self.children: list[int] = []
        self.present: dict[str, list[list[int]]] = {d: [[] for _ in BLOCKS] for d in WEEKDAYS}
        self.cache = cache

    def need(self, months: list[int]) -> int | None:
        key = tuple(sorted(months))
        if key not in self.cache:
            self.cache[key] = staff_needed(self.rule_set, key)
        return self.cache[key]

    def fits(self, presence: dict[str, list[int]], months: int) -> bool:
        for day, blocks in presence.items():
            for b in blocks:
                here = self.present[day][b]
                if len(here) + 1 > self.capacity or self.need([*here, months]) is None:
                    return False
        return True

    def add(self, index: int, presence: dict[str, list[int]], months: int) -> None:
        self.children.append(index)
        for day, blocks in presence.items():
            for b in blocks:
                self.present[day][b].append(months)

    def demand(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for day in WEEKDAYS:
            row = []
            for here in self.present[day]:
                need = self.need(here)
                assert need is not None
                row.append(need)
            out[day] = row
        return out


# -- the generator ---------------------------------------------------------------------------


def _earliest_birth(as_of: date) -> date:
    """The earliest birth date of a child of at most MAX_MONTHS completed months on as_of."""
    year = as_of.year - 3
    day = as_of.day
    while True:
        try:
            earliest = date(year, as_of.month, day)
            break
        except ValueError:
            day -= 1
    while months_between(earliest, as_of) > MAX_MONTHS:
        earliest += timedelta(days=1)
    return earliest


def _schedule(rng: random.Random, kind: str) -> Schedule:
    arrive = _pick(rng, _ARRIVALS, _ARRIVAL_WEIGHTS)
    if kind == "mornings":
        arrive = min(arrive, 9 * 60)
        leave = rng.choice(_MORNING_DEPARTURES)
        days: tuple[str, ...] = WEEKDAYS
    else:
        leave = _pick(rng, _DEPARTURES, _DEPARTURE_WEIGHTS)
        days = WEEKDAYS if kind == "full" else rng.choice(_PART_DAYS)
    return {day: (Span(arrive, leave),) for day in days}


def _cover(demand: dict[str, list[int]]) -> list[int]:
    """Start times of 8-hour shifts covering the busiest day's need at every block: from the
    morning on, at the first block short, as late as still covers it (optimal for shifts of
    equal length)."""
    need = [max(demand[day][b] for day in WEEKDAYS) for b in range(len(BLOCKS))]
    have = [0] * len(BLOCKS)
    starts: list[int] = []
    for b, minute in enumerate(BLOCKS):
        while have[b] < need[b]:
            start = min(_floor30(minute), LATEST_START)
            starts.append(start)
            for covered in _blocks(Span(start, start + SHIFT)):
                have[covered] += 1
    return starts


def _staff_room(rng: random.Random, demand: dict[str, list[int]], enrolled: int) -> list[Schedule]:
    """Shifts for one room's caregivers: every block of every day covered, and enough
    caregivers to be primary for all its children."""
    shifts: list[Schedule] = [
        {day: (Span(start, start + SHIFT),) for day in WEEKDAYS} for start in _cover(demand)
    ]

    def have(day: str) -> list[int]:
        row = [0] * len(BLOCKS)
        for shift in shifts:
            for span in shift.get(day, ()):
                for b in _blocks(span):
                    row[b] += 1
        return row

    def needed_blocks(shift: Schedule, day: str, row: list[int]) -> list[int]:
        """Blocks of this shift on this day that nobody else covers."""
        return [
            b for span in shift.get(day, ()) for b in _blocks(span) if row[b] - 1 < demand[day][b]
        ]

    # Some caregivers work 4 days: one day off when that day's children need them not.
    for shift in rng.sample(shifts, len(shifts)):
        if rng.random() < 0.4:
            for day in rng.sample(WEEKDAYS, len(WEEKDAYS)):
                if not needed_blocks(shift, day, have(day)):
                    del shift[day]
                    break
    # A caregiver needed for only a few hours works part time half the time (or, needed
    # never, not at all).
    for shift in list(reversed(shifts)):
        rows = {day: have(day) for day in WEEKDAYS}
        blocks = sorted({b for day in shift for b in needed_blocks(shift, day, rows[day])})
        if not blocks:
            shifts.remove(shift)
            continue
        first, last = BLOCKS[blocks[0]], BLOCKS[blocks[-1]] + BLOCK
        start = min(_floor30(first), CLOSE - PART_SHIFT)
        if start + PART_SHIFT >= last and rng.random() < 0.5:
            for day in list(shift):
                shift[day] = (Span(start, start + PART_SHIFT),)
    # Enough caregivers to be primary for every child of the room.
    while len(shifts) * PRIMARY_CAP < enrolled:
        start = rng.choice((8 * 60, 8 * 60 + 30, 9 * 60))
        shifts.append({day: (Span(start, start + SHIFT),) for day in WEEKDAYS})
    return shifts


def _caregiver_languages(
    rng: random.Random, families: list[tuple[str, ...]], count: int
) -> list[list[str]]:
    """Languages of a room's `count` caregivers, leaning to its families' languages."""
    spanish = sum(1 for langs in families if "es" in langs) / max(1, len(families))
    out: list[list[str]] = []
    for _ in range(count):
        if rng.random() < min(0.9, 0.1 + 0.65 * spanish):
            out.append(["es"] if rng.random() < 0.1 else ["es", "en"])
        else:
            out.append(["en"])
    return out


def generate(
    *,
    children: int,
    seed: int,
    rules: str | RuleSet = "cfoc-center",
    as_of: date = date(2026, 12, 1),
    with_current: bool = True,
) -> Problem:
    """A realistic problem of `children` children under the built-in rule set `rules`,
    feasible by construction (see the module's docstring). Same arguments, same problem."""
    problem, _ = generate_with_plan(
        children=children, seed=seed, rules=rules, as_of=as_of, with_current=with_current
    )
    return problem


def generate_with_plan(
    *,
    children: int,
    seed: int,
    rules: str | RuleSet = "cfoc-center",
    as_of: date = date(2026, 12, 1),
    with_current: bool = True,
) -> tuple[Problem, Plan]:
    """`generate(...)` and the traditional arrangement it was built around (one group
    "g-<room>" per room, every child with a primary caregiver of the room): a plan that
    meets every hard rule (status "feasible", no objective), whatever `with_current`."""
    if children < 1:
        raise ValueError("children must be at least 1")
    rule_set = rules if isinstance(rules, RuleSet) else load_rules(rules)
    rng = random.Random(seed)  # noqa: S311 (reproducible instances, not secrets)
    n = children

    # Ages: one per equal slice of 6 weeks .. 35 months, in random order.
    oldest = (as_of - _earliest_birth(as_of)).days
    span = oldest - MIN_AGE_DAYS
    ages = [MIN_AGE_DAYS + min(span, int((i + rng.random()) * (span + 1) / n)) for i in range(n)]
    rng.shuffle(ages)
    births = [as_of - timedelta(days=days) for days in ages]

    # Schedules: about 30% part time, half of them some days, half of them mornings.
    part_time = round(n * rng.uniform(0.25, 0.35))
    kinds = ["full"] * n
    for i, index in enumerate(rng.sample(range(n), part_time)):
        kinds[index] = "days" if i % 2 == 0 else "mornings"
    schedules = [_schedule(rng, kind) for kind in kinds]
    languages = [
        rng.choices([lang for lang, _ in _FAMILY_LANGUAGES], [w for _, w in _FAMILY_LANGUAGES])[0]
        for _ in range(n)
    ]
    ifsp = set(rng.sample(range(n), round(n * rng.uniform(0.05, 0.10))))

    # Sibling pairs (about 10% of the children): a family's languages, usually its schedule,
    # at least a year apart or (now and then) twins.
    siblings: dict[int, int] = {}
    order = rng.sample(range(n), n)
    for a in order:
        if len(siblings) >= 2 * round(n * 0.05):
            break
        if a in siblings:
            continue
        twins = rng.random() < 0.15
        for b in order:
            if b == a or b in siblings:
                continue
            if twins or abs(ages[a] - ages[b]) >= 365:
                siblings[a], siblings[b] = b, a
                if twins:
                    births[b] = births[a]
                    ages[b] = ages[a]
                languages[b] = languages[a]
                if rng.random() < 0.8:
                    schedules[b] = dict(schedules[a])
                    kinds[b] = kinds[a]
                break
    months = [months_between(birth, as_of) for birth in births]
    for m in months:
        if rule_set.band_for(m) is None:
            raise ValueError(f"rule set {rule_set.id} has no band for a child of {m} months")
    presence = [_presence(schedule) for schedule in schedules]

    # Rooms, the traditional way.
    by_age = sorted(range(n), key=lambda i: (births[i], i), reverse=True)  # youngest first
    cache: dict[tuple[int, ...], int | None] = {}
    home = rule_set.id == "cfoc-fcc-small"
    rooms: list[_Room] = []
    if home:
        rooms = [_Room(rule_set, 6, cache) for _ in range(math.ceil(n / 6))]
        for k, i in enumerate(by_age):  # dealt out by age: every home has all ages
            room = rooms[k % len(rooms)]
            if not room.fits(presence[i], months[i]):
                room = next((r for r in rooms if r.fits(presence[i], months[i])), room)
                if not room.fits(presence[i], months[i]):
                    room = _Room(rule_set, 6, cache)
                    rooms.append(room)
            room.add(i, presence[i], months[i])
    else:
        for i in by_age:
            if not rooms or not rooms[-1].fits(presence[i], months[i]):
                rooms.append(_Room(rule_set, room_capacity(rule_set, months[i]), cache))
            rooms[-1].add(i, presence[i], months[i])
        if len(rooms) >= 2 and 2 * len(rooms[-1].children) < rooms[-1].capacity:
            rooms[-2:] = _rebalance(rule_set, rooms[-2], rooms[-1], presence, months, cache)

    # Staff, room by room.
    child_ids = [f"c{i + 1}" for i in range(n)]
    room_ids = [f"r{k + 1}" for k in range(len(rooms))]
    caregivers: list[Caregiver] = []
    room_caregivers: list[list[Caregiver]] = []
    for room in rooms:
        shifts = _staff_room(rng, room.demand(), len(room.children))
        langs = _caregiver_languages(rng, [languages[i] for i in room.children], len(shifts))
        for other in ("vi", "so", "ar"):
            if any(other in languages[i] for i in room.children) and rng.random() < 0.6:
                langs[rng.randrange(len(langs))].append(other)
        staff = [
            Caregiver(
                id=f"s{len(caregivers) + j + 1}",
                shifts=shift,
                languages=tuple(langs[j]),
                ifsp_trained=rng.random() < 0.3,
                max_primary=PRIMARY_CAP,
                current_group=f"g-{room_ids[len(room_caregivers)]}" if with_current else None,
            )
            for j, shift in enumerate(shifts)
        ]
        caregivers.extend(staff)
        room_caregivers.append(staff)

    # The traditional arrangement: one group per room, primaries with room for one more
    # (speaking the family's language and on shift when the child is there, most often).
    primary: dict[int, str] = {}
    for k, room in enumerate(rooms):
        load = {s.id: 0 for s in room_caregivers[k]}
        for i in sorted(room.children, key=lambda i: (languages[i] == ("en",), i)):
            free = [s for s in room_caregivers[k] if load[s.id] < PRIMARY_CAP]
            best = max(
                free,
                key=lambda s: (
                    bool(set(s.languages) & set(languages[i])),
                    overlap_minutes(schedules[i], s.shifts),
                ),
            )
            chosen = best if rng.random() < 0.85 else rng.choice(free)
            load[chosen.id] += 1
            primary[i] = chosen.id
    current = {
        i: Current(group=f"g-{room_ids[k]}", primary=primary[i])
        for k, room in enumerate(rooms)
        for i in room.children
    }
    for i in rng.sample(range(n), round(n * 0.1)):
        if rng.random() < 0.5:
            del current[i]  # new this month
        else:
            current[i] = Current(group=current[i].group)  # their primary caregiver left
    if not with_current:
        current = {}

    # Family requests (about 5%): mostly a caregiver of the child's room.
    requests: dict[int, tuple[str, ...]] = {}
    room_of = {i: k for k, room in enumerate(rooms) for i in room.children}
    for i in rng.sample(range(n), round(n * 0.05)):
        pool = room_caregivers[room_of[i]] if rng.random() < 0.7 else caregivers
        requests[i] = (rng.choice(pool).id,)

    people = tuple(
        Child(
            id=child_ids[i],
            birth_date=births[i],
            schedule=schedules[i],
            languages=languages[i],
            ifsp=i in ifsp,
            siblings=(child_ids[siblings[i]],) if i in siblings else (),
            family_requests=requests.get(i, ()),
            current=current.get(i),
        )
        for i in range(n)
    )
    problem = Problem(
        as_of=as_of,
        program=ProgramInfo(
            name=f"Generated {children} ({rule_set.id}, seed {seed})",
            kind="fcc_home" if home else "center",
            rules=rule_set,
            rules_inline=isinstance(rules, RuleSet),
            block_minutes=BLOCK,
            primary_cap=PRIMARY_CAP,
        ),
        rooms=tuple(Room(id=room_ids[k], capacity=room.capacity) for k, room in enumerate(rooms)),
        children=people,
        caregivers=tuple(caregivers),
        weights=Weights(),
        current_rooms={f"g-{room_id}": room_id for room_id in room_ids} if with_current else {},
    )
    plan = Plan(
        status="feasible",
        groups=[
            Group(
                id=f"g-{room_ids[k]}",
                room=room_ids[k],
                caregivers=[s.id for s in room_caregivers[k]],
                children=[child_ids[i] for i in sorted(room.children)],
            )
            for k, room in enumerate(rooms)
        ],
        primary={child_ids[i]: primary[i] for i in range(n)},
        solver="generate",
    )
    return problem, plan


def _rebalance(
    rule_set: RuleSet,
    first: _Room,
    last: _Room,
    presence: list[dict[str, list[int]]],
    months: list[int],
    cache: dict[tuple[int, ...], int | None],
) -> list[_Room]:
    """The children of the last two rooms split as evenly as the rules allow (by age)."""
    everyone = first.children + last.children
    half = len(everyone) // 2
    for cut in sorted(range(len(first.children), 0, -1), key=lambda c: abs(c - half)):
        if cut > len(first.children):
            continue
        younger = _Room(rule_set, first.capacity, cache)
        older = _Room(rule_set, room_capacity(rule_set, months[everyone[cut]]), cache)
        ok = True
        for room, part in ((younger, everyone[:cut]), (older, everyone[cut:])):
            for i in part:
                if not room.fits(presence[i], months[i]):
                    ok = False
                    break
                room.add(i, presence[i], months[i])
            if not ok:
                break
        if ok:
            return [younger, older]
    return [first, last]


def generate_problem_json(
    *,
    children: int,
    seed: int,
    rules: str = "cfoc-center",
    as_of: date = date(2026, 12, 1),
    with_current: bool = True,
) -> dict[str, Any]:
    """`generate(...)` as the interchange JSON (attune.problem/1)."""
    return io.problem_to_json(
        generate(children=children, seed=seed, rules=rules, as_of=as_of, with_current=with_current)
    )
