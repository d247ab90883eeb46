"""The planner's problem and plan, as plain dataclasses (the JSON of docs/planner-json.md).

Times are minutes since midnight, local wall-clock time of the program. A weekly schedule
maps a day ("mon" … "sun") to sorted, non-overlapping spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.rules import Age, Member, RuleSet

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


@dataclass(frozen=True, order=True)
class Span:
    start: int  # minutes since midnight
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def overlap(self, other: Span) -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def covers(self, minute: int) -> bool:
        return self.start <= minute < self.end


Schedule = dict[str, tuple[Span, ...]]


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def schedule_minutes(schedule: Schedule) -> int:
    return sum(span.minutes for spans in schedule.values() for span in spans)


def overlap_minutes(a: Schedule, b: Schedule) -> int:
    """Minutes a week when both schedules are on."""
    total = 0
    for day, spans in a.items():
        for other in b.get(day, ()):
            total += sum(span.overlap(other) for span in spans)
    return total


def months_between(birth: date, on: date) -> int:
    """Completed months of age on `on`: a month counts once its day of the month is reached."""
    months = (on.year - birth.year) * 12 + on.month - birth.month
    if on.day < birth.day:
        months -= 1
    return months


@dataclass(frozen=True)
class ProgramInfo:
    name: str
    kind: str
    rules: RuleSet
    rules_inline: bool = False  # given as an object in the problem, not by built-in name
    block_minutes: int = 15
    primary_cap: int = 4
    # more rule sets that bind the program at the same time (a funder's, a curriculum's):
    # every group must meet each of them at every moment (Attune extension)
    extra_rules: tuple[RuleSet, ...] = ()
    extra_inline: tuple[bool, ...] = ()
    # named periods of the week (nap, arrival, …) that rule sets may relax or tighten
    periods: dict[str, Schedule] = field(default_factory=dict)

    @property
    def rule_sets(self) -> tuple[RuleSet, ...]:
        return (self.rules, *self.extra_rules)

    def periods_at(self, day: str, minute: int) -> frozenset[str]:
        return frozenset(
            name
            for name, schedule in self.periods.items()
            if any(span.covers(minute) for span in schedule.get(day, ()))
        )


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int
    max_groups: int = 1  # small groups the room can hold at once (Attune extension)


@dataclass(frozen=True)
class Current:
    group: str | None = None
    primary: str | None = None


@dataclass(frozen=True)
class Child:
    id: str
    birth_date: date
    schedule: Schedule
    languages: tuple[str, ...] = ()
    ifsp: bool = False
    siblings: tuple[str, ...] = ()
    family_requests: tuple[str, ...] = ()
    current: Current | None = None
    # Over a horizon of months (Attune extension): enrolled from/until (inclusive; None =
    # open), and schedules that take effect on a date.
    enrolled_from: date | None = None
    enrolled_until: date | None = None
    schedule_changes: tuple[tuple[date, Schedule], ...] = ()
    attributes: tuple[str, ...] = ()  # facts rules may ask about, e.g. "walking"

    def schedule_on(self, day: date) -> Schedule:
        schedule = self.schedule
        for when, changed in self.schedule_changes:
            if when <= day:
                schedule = changed
        return schedule


@dataclass(frozen=True)
class Caregiver:
    id: str
    shifts: Schedule
    languages: tuple[str, ...] = ()
    ifsp_trained: bool = False
    max_primary: int = 4
    current_group: str | None = None  # the group they work in now (Attune extension)
    employed_from: date | None = None
    employed_until: date | None = None
    shift_changes: tuple[tuple[date, Schedule], ...] = ()
    qualifications: tuple[str, ...] = ()  # e.g. "infant_cpr", for rule-set conditions

    def shifts_on(self, day: date) -> Schedule:
        shifts = self.shifts
        for when, changed in self.shift_changes:
            if when <= day:
                shifts = changed
        return shifts


@dataclass(frozen=True)
class StaffChild:
    """A child who is with a caregiver without being enrolled (a family child care provider's
    own child): counts in the group of caregiver `with_` while present, as the rule set says;
    never placed, never given a primary (Attune extension)."""

    id: str
    birth_date: date
    schedule: Schedule
    with_: str
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Weights:
    """How much each soft goal is worth, per child (balance: per primary child above the
    even share). Continuity counts for a kept primary caregiver (full weight) and a kept
    group (half weight)."""

    continuity: int = 100
    primary_presence: int = 20
    language: int = 10
    ifsp: int = 10
    siblings: int = 5
    family_requests: int = 10
    balance: int = 2
    room: int = 5  # a child whose group moves to another room than its current one
    unassigned: int = 1000  # only used when the problem allows leaving children out


@dataclass(frozen=True)
class Problem:
    as_of: date
    program: ProgramInfo
    rooms: tuple[Room, ...]
    children: tuple[Child, ...]
    caregivers: tuple[Caregiver, ...]
    weights: Weights = field(default_factory=Weights)
    allow_unassigned: bool = False
    current_rooms: dict[str, str] = field(default_factory=dict)  # current group id -> room id
    horizon_months: int = 1  # plan this many months from as_of (planner.horizon)
    staff_children: tuple[StaffChild, ...] = ()

    def child(self, child_id: str) -> Child:
        return next(c for c in self.children if c.id == child_id)

    def caregiver(self, caregiver_id: str) -> Caregiver:
        return next(s for s in self.caregivers if s.id == caregiver_id)

    def age_months(self, child: Child | StaffChild) -> int:
        return months_between(child.birth_date, self.as_of)

    def age(self, child: Child | StaffChild) -> Age:
        from planner.rules import Age

        return Age.of(child.birth_date, self.as_of)

    def member(self, child: Child | StaffChild) -> Member:
        """The child as the rules see them."""
        from planner.rules import Age, Member

        return Member(
            child.id,
            Age.of(child.birth_date, self.as_of),
            frozenset(child.attributes),
            child.with_ if isinstance(child, StaffChild) else None,
        )

    def primary_limit(self, caregiver: Caregiver) -> int:
        caps = [rs.primary_cap for rs in self.program.rule_sets if rs.primary_cap is not None]
        return min(self.program.primary_cap, caregiver.max_primary, *caps)


@dataclass
class Group:
    id: str
    room: str | None
    caregivers: list[str]
    children: list[str]


@dataclass
class SoftNote:
    goal: str
    message: str
    child: str | None = None
    caregiver: str | None = None
    group: str | None = None
    cost: int = 0  # what the shortfall costs in the objective


@dataclass
class Violation:
    rule: str
    message: str
    day: str | None = None
    start: int | None = None
    end: int | None = None
    group: str | None = None
    room: str | None = None
    children: list[str] = field(default_factory=list)
    caregivers: list[str] = field(default_factory=list)
    # ratio violations: the most caregivers missing at once, and caregiver-minutes missing
    # over the span (the sum over its moments of caregivers missing × minutes)
    missing: int = 0
    staff_minutes: int = 0
    # rule-set findings (ratio, group-size, limit, composition, condition): which rule set
    # and which section of its source, and the numbers of the worst moment
    rule_set: str | None = None
    section: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


# "unknown": no plan found within the time limit, and none proven impossible either
STATUSES = ("optimal", "feasible", "infeasible", "unknown", "invalid_input")


@dataclass
class Plan:
    status: str
    groups: list[Group] = field(default_factory=list)
    primary: dict[str, str] = field(default_factory=dict)
    unassigned_children: list[str] = field(default_factory=list)
    objective: int | None = None
    bound: int | None = None
    soft: list[SoftNote] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    solver: str = ""
    seconds: float | None = None

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.objective == self.bound:
            return 0.0
        return abs(self.objective - self.bound) / max(1, abs(self.objective))

    def group_of(self) -> dict[str, Group]:
        """child id -> its group"""
        return {child: g for g in self.groups for child in g.children}

    def caregiver_group(self) -> dict[str, Group]:
        return {s: g for g in self.groups for s in g.caregivers}
