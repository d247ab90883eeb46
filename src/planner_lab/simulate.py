"""Three years of a program, month by month, under three ways of organizing care.

    python -m planner_lab simulate --months 36 --children 48 --seed 1 [--policy continuity]

The *world* (children arriving and leaving, schedules changing, caregivers resigning and being
replaced) is drawn once from the seed, the same for every policy:

- the program starts as planner_lab.generate builds it (rooms by age, staffed to the rules);
- children leave at 36 months (to preschool), or earlier now and then (1% a month: a move);
  each place freed is taken the next month by an infant of 6 weeks to 12 months;
- 2% of the children a month change schedule;
- each caregiver resigns with an annual probability `turnover` (default 30%: child-care
  teacher turnover is commonly reported at 26–40% a year, domain.md §3), effective at a
  month's start; a replacement with the same shift starts `hiring_delay` months later.

*Policies* decide, each month, the groups and primary caregivers:

- ``continuity``: the multi-month planner (planner.horizon) over the next `horizon` months,
  knowing who ages out and who is hired, from last month's arrangement, re-planned monthly;
- ``greedy``: the single-month planner (planner.solve) from last month's arrangement: no
  look-ahead;
- ``age-rooms``: the traditional model: infant (under 12 months), toddler (12–23) and twos
  (24–35) rooms; a child moves up at those ages; caregivers stay with their rooms; a primary
  caregiver is kept while the child stays in the room and the caregiver works there.

No policy may break a rule: when the month's staff cannot meet the rules, a substitute
caregiver is added for that month (8-hour shift placed on the shortfall) and counted in the
caregiver hours; every month's plan is checked by the validator (violations are reported and
must be 0). Measures (docs/continuity.md) come from planner.continuity.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from planner import cpsat
from planner.chart import line_chart
from planner.continuity import MonthRecord, aggregate, child_measures
from planner.horizon import fewest_changes, month_start, solve_horizon
from planner.model import (
    DAYS,
    Caregiver,
    Child,
    Current,
    Group,
    Plan,
    Problem,
    Schedule,
    Span,
    Violation,
    months_between,
    overlap_minutes,
    schedule_minutes,
)
from planner.solve import solve
from planner.validate import validate
from planner_lab.generate import generate_with_plan

MAX_SUBSTITUTES = 20  # a month; beyond that the program cannot open
POLICIES = ("continuity", "age-rooms", "greedy")
TURNOVER = 0.30  # a year; domain.md §3: 26–40% commonly reported
AGE_OUT = 36  # months: children move on to preschool
ROOM_TYPES = ((0, 11, "infants"), (12, 23, "toddlers"), (24, 35, "twos"))
ROOM_ORDER = {"infants": 0, "toddlers": 1, "twos": 2}
WEEKS_PER_MONTH = 52 / 12
OPEN, CLOSE = 7 * 60, 18 * 60

Progress = Callable[[str], None]


class SimulationError(ValueError):
    """Bad settings, or a program that cannot be run at all: the message says which."""


@dataclass
class Config:
    months: int = 36
    children: int = 48
    seed: int = 1
    rules: str = "cfoc-center"
    turnover: float = TURNOVER
    hiring_delay: int = 1
    horizon: int = 3
    time_limit: float = 4.0  # per monthly solve (the continuity policy's horizon: twice that)
    caregivers: int | None = None  # None: as many as the generated program has
    workers: int = 2
    start: date = date(2026, 12, 1)
    extra_rules: tuple[str, ...] = ()  # more built-in rule sets binding the program at once


@dataclass
class Kid:
    child: Child
    arrives: date
    leaves: date | None  # first day no longer enrolled


@dataclass
class Staff:
    caregiver: Caregiver
    starts: date
    leaves: date | None  # first day no longer employed
    room: str | None  # the room the caregiver works in under age-rooms


@dataclass
class World:
    config: Config
    problem: Problem  # the program at the start
    room_type: dict[str, str]  # room id -> infants / toddlers / twos
    kids: list[Kid]
    staff: list[Staff]
    start_plan: Plan

    def month(self, m: int) -> date:
        return month_start(self.config.start, m)

    def enrolled(self, m: int) -> list[Kid]:
        day = self.month(m)
        return [k for k in self.kids if k.arrives <= day and (k.leaves is None or k.leaves > day)]

    def employed(self, m: int) -> list[Staff]:
        day = self.month(m)
        return [s for s in self.staff if s.starts <= day and (s.leaves is None or s.leaves > day)]


def _schedule(rng: random.Random) -> Schedule:
    arrive = rng.choice(range(7 * 60, 9 * 60 + 31, 15))
    if rng.random() < 0.7:
        leave = min(CLOSE, arrive + rng.choice(range(7 * 60, 10 * 60 + 1, 30)))
        days: Sequence[str] = DAYS[:5]
    elif rng.random() < 0.5:
        leave = min(CLOSE, arrive + 8 * 60)
        days = rng.sample(DAYS[:5], rng.choice((2, 3)))
    else:
        leave = min(CLOSE, max(arrive + 4 * 60, 12 * 60 + 30))
        days = DAYS[:5]
    return {d: (Span(arrive, leave),) for d in DAYS if d in days}


def _restaff(problem: Problem, plan: Plan, n: int) -> tuple[Problem, Plan]:
    """The generated program with `n` caregivers: its first n, or more on the same shifts
    (cycling through them), in the same rooms."""
    base = problem.caregivers
    room_of = {s: g for g in plan.groups for s in g.caregivers}
    staff = [
        base[i] if i < len(base) else replace(base[i % len(base)], id=f"s-extra{i + 1}")
        for i in range(n)
    ]
    groups = [
        replace(
            g,
            caregivers=[
                s.id for i, s in enumerate(staff) if room_of.get(base[i % len(base)].id) is g
            ],
        )
        for g in plan.groups
    ]
    kept = {s.id for s in staff}
    primary = {c: s for c, s in plan.primary.items() if s in kept}
    return replace(problem, caregivers=tuple(staff)), replace(plan, groups=groups, primary=primary)


def build_world(config: Config) -> World:
    """The program and every event of the simulation, drawn from the seed."""
    problem, plan = generate_with_plan(
        children=config.children, seed=config.seed, rules=config.rules, as_of=config.start
    )
    if config.extra_rules:
        from planner.rules import load

        extra = tuple(load(name) for name in config.extra_rules)
        program = replace(problem.program, extra_rules=extra, extra_inline=(False,) * len(extra))
        problem = replace(problem, program=program)
    if config.caregivers is not None:
        problem, plan = _restaff(problem, plan, config.caregivers)
    rng = random.Random(config.seed * 7919 + 17)  # noqa: S311 (reproducible, not secret)
    start = config.start
    kids = [
        Kid(replace(c, current=None), start - timedelta(days=90), None) for c in problem.children
    ]
    room_of = {s: g.room for g in plan.groups for s in g.caregivers}
    staff = [
        Staff(replace(s, current_group=None), start - timedelta(days=400), None, room_of.get(s.id))
        for s in problem.caregivers
    ]
    # room types for age-rooms, from the children each room holds at the start
    room_type: dict[str, str] = {}
    for group in plan.groups:
        ages = sorted(months_between(problem.child(c).birth_date, start) for c in group.children)
        median = ages[len(ages) // 2] if ages else 0
        room_type[group.room or ""] = (
            next(name for low, high, name in ROOM_TYPES if low <= median <= high)
            if median <= 35
            else "twos"
        )
    monthly_quit = 1 - (1 - config.turnover) ** (1 / 12)
    counter = {"child": len(kids), "staff": len(staff)}
    for m in range(1, config.months):
        day = month_start(start, m)
        # children leaving: aging out, or a move now and then
        for kid in kids:
            if kid.leaves is not None or kid.arrives > day:
                continue
            if months_between(kid.child.birth_date, day) >= AGE_OUT or rng.random() < 0.01:
                kid.leaves = day
        # schedule changes
        for kid in kids:
            if kid.leaves is None and kid.arrives < day and rng.random() < 0.02:
                changes = (*kid.child.schedule_changes, (day, _schedule(rng)))
                kid.child = replace(kid.child, schedule_changes=changes)
        # newcomers fill the places freed this month (they come the next month)
        enrolled = [k for k in kids if k.arrives <= day and (k.leaves is None or k.leaves > day)]
        for _ in range(config.children - len(enrolled)):
            counter["child"] += 1
            arrives = month_start(start, m + 1) if m + 1 < config.months else day
            age = timedelta(days=rng.randint(42, 365))
            child = Child(
                id=f"c{counter['child']}",
                birth_date=arrives - age,
                schedule=_schedule(rng),
                languages=tuple(
                    rng.choices(
                        [("en",), ("es",), ("es", "en"), ("vi",), ("so",)], [55, 20, 12, 8, 5]
                    )[0]
                ),
                ifsp=rng.random() < 0.07,
            )
            kids.append(Kid(child, arrives, None))
        # caregivers resigning, replaced after the hiring delay
        for person in list(staff):
            if person.leaves is None and person.starts < day and rng.random() < monthly_quit:
                person.leaves = day
                counter["staff"] += 1
                staff.append(
                    Staff(
                        replace(person.caregiver, id=f"s{counter['staff']}", current_group=None),
                        month_start(start, m + config.hiring_delay),
                        None,
                        person.room,
                    )
                )
    return World(config, problem, room_type, kids, staff, plan)


# -- one month's problem ------------------------------------------------------------------------


@dataclass
class State:
    """The arrangement in force: each child's group and primary, each caregiver's group, each
    group's room."""

    group: dict[str, str] = field(default_factory=dict)
    primary: dict[str, str] = field(default_factory=dict)
    staff_group: dict[str, str] = field(default_factory=dict)
    room: dict[str, str] = field(default_factory=dict)


def month_problem(world: World, m: int, state: State, extra: Sequence[Caregiver] = ()) -> Problem:
    day = world.month(m)
    employed = {s.caregiver.id for s in world.employed(m)} | {s.id for s in extra}
    enrolled = world.enrolled(m)
    present = {k.child.id for k in enrolled}
    children = tuple(
        replace(
            k.child,
            schedule=k.child.schedule_on(day),
            schedule_changes=(),
            siblings=tuple(s for s in k.child.siblings if s in present),
            family_requests=tuple(s for s in k.child.family_requests if s in employed),
            current=Current(
                group=state.group.get(k.child.id),
                primary=p if (p := state.primary.get(k.child.id)) in employed else None,
            )
            if k.child.id in state.group
            else None,
        )
        for k in enrolled
    )
    caregivers = tuple(
        replace(s.caregiver, current_group=state.staff_group.get(s.caregiver.id))
        for s in world.employed(m)
    ) + tuple(extra)
    used = {g for g in state.group.values()}
    return replace(
        world.problem,
        as_of=day,
        children=children,
        caregivers=caregivers,
        current_rooms={g: r for g, r in state.room.items() if g in used},
        horizon_months=1,
    )


def _substitute(sub_id: str, violations: Sequence[Violation], room: str | None = None) -> Caregiver:
    """A substitute for a month: 8 hours from the first shortfall, on the days it falls."""
    first = min(
        (v for v in violations if v.start is not None), key=lambda v: v.start or 0, default=None
    )
    begin = first.start if first is not None and first.start is not None else 9 * 60
    begin = max(OPEN, min(begin, CLOSE - 8 * 60))
    days = {v.day for v in violations if v.day and v.start is not None and v.start < begin + 8 * 60}
    shift: Schedule = {
        d: (Span(begin, begin + 8 * 60),) for d in DAYS if d in days or (not days and d in DAYS[:5])
    }
    return Caregiver(id=sub_id, shifts=shift, languages=("en",), current_group=room)


def _shortfall(problem: Problem) -> list[Violation]:
    """Where the month's staff fall short: the violations of the plan that breaks fewest rules."""
    model = cpsat.PlannerModel(problem, relax=True)
    model.minimize_slack()
    outcome = cpsat.run(model, time_limit=3.0, workers=2)
    if outcome.status not in ("optimal", "feasible"):
        return []
    return validate(problem, model.plan(outcome.value, outcome.status))


def _state_from(plan: Plan) -> State:
    return State(
        group={c: g.id for g in plan.groups for c in g.children},
        primary=dict(plan.primary),
        staff_group={s: g.id for g in plan.groups for s in g.caregivers},
        room={g.id: g.room for g in plan.groups if g.room},
    )


# -- policies ----------------------------------------------------------------------------------


def _plan_greedy(
    world: World, m: int, state: State, extra: list[Caregiver], floaters: list[Caregiver]
) -> Plan | None:
    result = solve(
        month_problem(world, m, state, extra),
        time_limit=world.config.time_limit,
        workers=world.config.workers,
    )
    return result if result.status in ("optimal", "feasible") else None


FLOAT_SHIFTS = ((9 * 60, 17 * 60), (7 * 60, 15 * 60), (10 * 60, 18 * 60))
MAX_FLOATERS = 3  # a month


def _floater(n: int, start: int, end: int) -> Caregiver:
    """A float caregiver for a month: 8 hours on weekdays, in any group, primary to nobody."""
    return Caregiver(
        id=f"float{n}",
        shifts={d: (Span(start, end),) for d in DAYS[:5]},
        languages=("en",),
        max_primary=0,
    )


def _kept_short(problem: Problem, time_limit: float, workers: int) -> tuple[int, Plan | None]:
    """How many children lose a primary caregiver who still works here, in the month's plan
    with the fewest changes found (planner.horizon.fewest_changes), and that plan."""
    plan = fewest_changes(cpsat.PlannerModel(problem), time_limit=time_limit, workers=workers)
    if plan is None:
        return len(problem.children) + 1, None
    return sum(
        1
        for c in problem.children
        if c.current and c.current.primary and plan.primary.get(c.id) != c.current.primary
    ), plan


def _floaters(problem: Problem, cfg: Config) -> tuple[list[Caregiver], Plan | None]:
    """The continuity policy staffs for continuity: when this month's staff cannot keep every
    child with a primary caregiver who still works here, float caregivers (up to
    MAX_FLOATERS, each tried on three shifts) are added for the month if they save changes.
    Their hours are counted. Returns them and the month's plan with the fewest changes."""
    limit = min(1.5, cfg.time_limit / 2)
    floaters: list[Caregiver] = []
    needed, plan = _kept_short(problem, limit, cfg.workers)
    while needed > 0 and len(floaters) < MAX_FLOATERS:
        options = []
        for start, end in FLOAT_SHIFTS:
            trial = [*floaters, _floater(len(floaters) + 1, start, end)]
            n, found = _kept_short(
                replace(problem, caregivers=problem.caregivers + tuple(trial)), limit, cfg.workers
            )
            options.append((n, trial, found))
            if n == 0:
                break
        n, trial, found = min(options, key=lambda option: option[0])
        if n >= needed:
            break
        floaters, needed, plan = trial, n, found
    return floaters, plan


def _plan_continuity(
    world: World, m: int, state: State, extra: list[Caregiver], floaters: list[Caregiver]
) -> Plan | None:
    cfg = world.config
    base = month_problem(world, m, state, extra)
    added, first = _floaters(base, cfg)
    floaters[:] = added
    base = replace(base, caregivers=base.caregivers + tuple(floaters))
    day = world.month(m)
    horizon = min(cfg.horizon, cfg.months - m)
    # what is known ahead: who ages out (enrolled until), who is hired (employed from)
    leaves = {k.child.id: k.leaves for k in world.kids}

    def until(child: Child) -> date | None:
        """Known ahead: the last day before the child moves on to preschool."""
        day = leaves.get(child.id)
        if day is None or months_between(child.birth_date, day) < AGE_OUT:
            return None  # a move the program does not know of yet
        return day - timedelta(days=1)

    children = tuple(replace(c, enrolled_until=until(c)) for c in base.children)
    later = tuple(
        replace(s.caregiver, employed_from=s.starts)
        for s in world.staff
        if day < s.starts < month_start(day, horizon)
    )
    caregivers = (
        tuple(
            replace(s, employed_until=month_start(day, 1) - timedelta(days=1))
            if s.id.startswith(("sub", "float"))
            else s
            for s in base.caregivers
        )
        + later
    )
    problem = replace(base, children=children, caregivers=caregivers, horizon_months=horizon)
    result = solve_horizon(problem, time_limit=cfg.time_limit, workers=cfg.workers, first=first)
    if result.status in ("optimal", "feasible") and result.first is not None:
        plan = result.first
    elif result.status == "unknown" and first is not None:
        # Out of time over the months ahead (a busy machine): this month's own fewest-changes
        # plan meets the rules; only the look-ahead is lost for this month.
        plan = first
    else:
        return None
    # the caregivers hired later are not there this month
    present = {s.id for s in base.caregivers}
    plan.groups = [
        replace(g, caregivers=[s for s in g.caregivers if s in present]) for g in plan.groups
    ]
    return plan


def _room_type(months: int) -> str:
    return next((name for low, high, name in ROOM_TYPES if low <= months <= high), "twos")


def _blocks(schedule: Schedule) -> list[tuple[str, int]]:
    """The quarter hours a schedule touches, as (day, quarter) pairs."""
    return [
        (day, q)
        for day, spans in schedule.items()
        for span in spans
        for q in range(span.start // 15, (span.end + 14) // 15)
    ]


class _Need(Exception):
    """Age-rooms cannot staff a room this month: a substitute is needed there."""

    def __init__(self, room: str) -> None:
        super().__init__(room)
        self.room = room


def _plan_age_rooms(
    world: World, m: int, state: State, extra: list[Caregiver], floaters: list[Caregiver]
) -> Plan | None:
    """Children by age into the rooms of their age (the youngest room with space when theirs is
    full, counting the children present at once); caregivers stay with their rooms; a primary
    caregiver is kept while the child stays in the room and the caregiver works there."""
    day = world.month(m)
    problem = month_problem(world, m, state, extra)
    rooms = sorted(problem.rooms, key=lambda r: ROOM_ORDER[world.room_type.get(r.id, "twos")])
    staff_room = {s.caregiver.id: s.room for s in world.staff}
    for sub in extra:  # substitutes work in the room they were added for
        staff_room[sub.id] = sub.current_group
    groups = {r.id: Group(f"room-{r.id}", r.id, [], []) for r in rooms}
    for caregiver in problem.caregivers:
        room = staff_room.get(caregiver.id)
        if room in groups:
            groups[room].caregivers.append(caregiver.id)
    load: dict[str, dict[tuple[str, int], int]] = {r.id: {} for r in rooms}
    capacity = {r.id: r.capacity for r in rooms}
    rules = problem.program.rules

    def size_limit(room: str, age: int) -> int:
        # children are placed youngest first: the first in a room sets its group size
        band = rules.band_for(age)
        if groups[room].children or band is None:
            return capacity[room]
        return min(capacity[room], band.max_group)

    def fits(room: str, quarters: list[tuple[str, int]], age: int) -> bool:
        return all(load[room].get(q, 0) < size_limit(room, age) for q in quarters)

    for child in sorted(problem.children, key=lambda c: c.birth_date, reverse=True):
        kind = _room_type(months_between(child.birth_date, day))
        quarters = _blocks(child.schedule)
        now = state.group.get(child.id, "").removeprefix("room-")
        mine = [r.id for r in rooms if world.room_type.get(r.id) == kind]
        older = [
            r.id for r in rooms if ROOM_ORDER[world.room_type.get(r.id, "twos")] > ROOM_ORDER[kind]
        ]
        younger = [r.id for r in reversed(rooms) if r.id not in mine and r.id not in older]
        age = months_between(child.birth_date, day)
        if now in mine and fits(now, quarters, age):
            room = now
        else:
            room = next((r for r in (*mine, *older, *younger) if fits(r, quarters, age)), "")
            if not room:
                raise SimulationError(
                    f"age-rooms: in {day:%B %Y} no room has space for {child.id}; "
                    "the program has more children than its rooms hold"
                )
        capacity[room] = size_limit(room, age)
        groups[room].children.append(child.id)
        for q in quarters:
            load[room][q] = load[room].get(q, 0) + 1
    primary: dict[str, str] = {}
    limit = {c.id: problem.primary_limit(c) for c in problem.caregivers}
    for group in groups.values():
        count = {s: 0 for s in group.caregivers}
        for child_id in group.children:
            keep = state.primary.get(child_id)
            if keep in count and count[keep] < limit[keep]:
                primary[child_id] = keep
                count[keep] += 1
        for child_id in group.children:
            if child_id in primary:
                continue
            free = [s for s in group.caregivers if count[s] < limit[s]]
            if not free:
                raise _Need(group.room or "")
            chosen = min(free, key=lambda s: (s.startswith("sub"), count[s], s))
            primary[child_id] = chosen
            count[chosen] += 1
    return Plan(
        status="feasible",
        groups=[g for g in groups.values() if g.children or g.caregivers],
        primary=primary,
    )


Planner = Callable[[World, int, State, list[Caregiver], list[Caregiver]], Plan | None]
PLANNERS: dict[str, Planner] = {
    "continuity": _plan_continuity,
    "greedy": _plan_greedy,
    "age-rooms": _plan_age_rooms,
}


# -- running ------------------------------------------------------------------------------------


@dataclass
class Result:
    policy: str
    records: list[MonthRecord]
    violations: int
    regular_hours: float
    substitute_hours: float
    seconds: float
    cumulative_changes: list[tuple[str, float]]  # month -> primary changes per child so far
    floater_hours: float = 0.0  # the continuity policy's float caregivers
    # child -> the most months it could have kept one primary caregiver (continuity_bound)
    bounds: dict[str, int] = field(default_factory=dict)

    @property
    def caregiver_hours(self) -> float:
        return self.regular_hours + self.substitute_hours + self.floater_hours


def run_policy(world: World, policy: str, progress: Progress | None = None) -> Result:
    cfg = world.config
    started = time.monotonic()
    state = _state_from(world.start_plan)
    records: list[MonthRecord] = []
    violations = 0
    regular = substitutes = floating = 0.0
    cumulative: list[tuple[str, float]] = []
    changes = 0
    seen: set[str] = set()
    planner = PLANNERS[policy]
    for m in range(cfg.months):
        day = world.month(m)
        extra: list[Caregiver] = []
        plan: Plan | None = None
        while plan is None:
            if len(extra) >= MAX_SUBSTITUTES:
                raise SimulationError(
                    f"{policy}: {day:%B %Y} cannot meet the rules even with {len(extra)} "
                    "substitute caregivers; give the program more caregivers (--caregivers)"
                )
            sub_id = f"sub{m + 1}-{len(extra) + 1}"
            floaters: list[Caregiver] = []  # the continuity policy's, when it adds any
            try:
                plan = planner(world, m, state, extra, floaters)
            except _Need as need:  # age-rooms: a room without a free primary caregiver
                extra.append(_substitute(sub_id, [], need.room))
                continue
            problem = month_problem(world, m, state, [*extra, *floaters])
            if plan is None:  # the planners: no plan meets the rules with this staff
                extra.append(_substitute(sub_id, _shortfall(problem)))
                continue
            found = validate(problem, plan)
            if found:  # age-rooms: a room breaks a rule; its substitute comes in
                first = next((v for v in found if v.room or v.group), found[0])
                room = first.room or next(
                    (g.room for g in plan.groups if g.id == first.group), None
                )
                extra.append(
                    _substitute(sub_id, [v for v in found if v.group == first.group], room)
                )
                plan = None
        violations += len(validate(problem, plan))
        regular += (
            sum(schedule_minutes(s.caregiver.shifts_on(day)) for s in world.employed(m))
            / 60
            * WEEKS_PER_MONTH
        )
        substitutes += sum(schedule_minutes(s.shifts) for s in extra) / 60 * WEEKS_PER_MONTH
        floating += sum(schedule_minutes(s.shifts) for s in floaters) / 60 * WEEKS_PER_MONTH
        by_id = {c.id: c for c in problem.caregivers}
        group_of = plan.group_of()
        label = f"{day.year:04d}-{day.month:02d}"
        for child in problem.children:
            primary = plan.primary.get(child.id)
            before = state.primary.get(child.id)
            reason = None
            # month 0 is each policy's own starting arrangement: changes count from month 1
            if m > 0 and child.id in state.group and before is not None and primary != before:
                changes += 1
                reason = "caregiver_left" if before not in by_id else "plan"
            seen.add(child.id)
            records.append(
                MonthRecord(
                    month=label,
                    child=child.id,
                    primary=primary,
                    group=group_of[child.id].id if child.id in group_of else None,
                    attended_minutes=schedule_minutes(child.schedule),
                    overlap_minutes=overlap_minutes(child.schedule, by_id[primary].shifts)
                    if primary in by_id
                    else 0,
                    reason=reason,
                )
            )
        cumulative.append((label, changes / max(1, len(seen))))
        state = _state_from(plan)
        if progress is not None:
            progress(
                f"{policy}: month {m + 1}/{cfg.months} planned ({time.monotonic() - started:.0f} s)"
            )
    return Result(
        policy,
        records,
        violations,
        regular,
        substitutes,
        time.monotonic() - started,
        cumulative,
        floating,
        continuity_bound(world),
    )


def continuity_bound(world: World) -> dict[str, int]:
    """Per child, the most months it could have kept one primary caregiver: the longest
    stretch of its enrollment during which one caregiver of the program (not a substitute
    or a floater) stayed employed. Enrollment and employment are each one interval of
    months, so this is the largest overlap of the child's months with one caregiver's; no
    policy can keep a child with one primary longer, whatever the rules allow."""
    months: dict[str, set[int]] = {}
    employed: dict[str, set[int]] = {}
    for m in range(world.config.months):
        for kid in world.enrolled(m):
            months.setdefault(kid.child.id, set()).add(m)
        for staff in world.employed(m):
            employed.setdefault(staff.caregiver.id, set()).add(m)
    return {
        child: max((len(mine & theirs) for theirs in employed.values()), default=0)
        for child, mine in months.items()
    }


@dataclass
class Summary:
    policy: str
    changes_per_child_year: float
    changes_per_child: float  # over the whole simulation, per child enrolled at some point
    median_months_same_primary: float
    presence: float
    group_stability: float
    violations: int
    caregiver_hours: float
    substitute_hours: float
    seconds: float
    floater_hours: float = 0.0
    # the longest stretch with one primary, summed over children, as a share of the sum of
    # their bounds (continuity_bound); each child's stretch counted up to its bound
    bound_share: float | None = None


def summarize(result: Result) -> Summary:
    measures = child_measures(result.records)
    total = aggregate(measures.values())
    children = max(1, len(measures))
    bound = sum(result.bounds.get(c, 0) for c in measures)
    kept = sum(min(max(m.runs, default=0), result.bounds.get(c, 0)) for c, m in measures.items())
    return Summary(
        policy=result.policy,
        changes_per_child_year=total.changes_per_child_year or 0.0,
        changes_per_child=total.primary_changes / children,
        median_months_same_primary=total.median_months_same_primary or 0.0,
        presence=total.presence or 0.0,
        group_stability=total.group_stability or 0.0,
        violations=result.violations,
        caregiver_hours=result.caregiver_hours,
        substitute_hours=result.substitute_hours,
        seconds=result.seconds,
        floater_hours=result.floater_hours,
        bound_share=kept / bound if bound else None,
    )


def table(summaries: Sequence[Summary]) -> str:
    lines = [
        "| policy | primary changes per child | per child-year | median months with the same primary | primary on shift | group stability | rule violations | caregiver hours | of which substitutes | of which floaters | longest stretch with one primary, share of its bound | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summaries:
        lines.append(
            f"| {s.policy} | {s.changes_per_child:.2f} | {s.changes_per_child_year:.2f} "
            f"| {s.median_months_same_primary:.1f} | {100 * s.presence:.0f}% "
            f"| {100 * s.group_stability:.0f}% | {s.violations} | {s.caregiver_hours:,.0f} "
            f"| {s.substitute_hours:,.0f} | {s.floater_hours:,.0f} "
            f"| {'—' if s.bound_share is None else f'{100 * s.bound_share:.0f}%'} "
            f"| {s.seconds:.0f} |"
        )
    return "\n".join(lines)


def chart(results: Sequence[Result]) -> str:
    return line_chart(
        {r.policy: [(m, v) for m, v in r.cumulative_changes] for r in results},
        title="Primary caregiver changes per child, cumulative",
        y_label="changes per child",
    )


def check(config: Config, policies: Sequence[str]) -> None:
    """SimulationError naming the setting, for settings no simulation can run with."""
    from planner.rules import BUILT_IN

    if config.months < 1:
        raise SimulationError("--months must be at least 1")
    if config.children < 1:
        raise SimulationError("--children must be at least 1: a program needs children")
    if config.caregivers is not None and config.caregivers < 1:
        raise SimulationError(
            "--caregivers must be at least 1: a program with no caregivers cannot care for "
            "any child"
        )
    if not 0 <= config.turnover < 1:
        raise SimulationError("--turnover is a share of caregivers a year: from 0 to below 1")
    if config.hiring_delay < 0:
        raise SimulationError("--hiring-delay is a number of months: 0 or more")
    if config.horizon < 1:
        raise SimulationError("--horizon must be at least 1 month")
    if config.time_limit <= 0:
        raise SimulationError("--time-limit must be more than 0")
    if config.rules not in BUILT_IN:
        raise SimulationError(
            f"--rules: unknown rule set {config.rules!r}; one of {', '.join(BUILT_IN)}"
        )
    for name in config.extra_rules:
        if name not in BUILT_IN:
            raise SimulationError(
                f"--also-rules: unknown rule set {name!r}; one of {', '.join(BUILT_IN)}"
            )
    unknown = [p for p in policies if p not in POLICIES]
    if unknown or not policies:
        raise SimulationError(
            f"--policy: unknown {', '.join(map(repr, unknown))}; one of {', '.join(POLICIES)}"
            if unknown
            else "--policy: at least one policy"
        )


def simulate(
    config: Config, policies: Sequence[str] = POLICIES, progress: Progress | None = None
) -> tuple[list[Result], list[Summary]]:
    check(config, policies)
    world = build_world(config)
    results = [run_policy(world, policy, progress) for policy in policies]
    return results, [summarize(r) for r in results]


def spread(values: Sequence[float]) -> str:
    """mean ± standard deviation (population) of a measure over seeds."""
    if not values:
        return "—"
    mean = statistics.fmean(values)
    sd = statistics.pstdev(values) if len(values) > 1 else 0.0
    return f"{mean:.2f} ± {sd:.2f}"
