"""The independent validator: every hard rule of docs/planner.md, checked on any plan.

It shares nothing with the CP-SAT model (``planner.cpsat``, ``planner.timeline``) beyond
``planner.model`` and ``planner.rules``: presence over time is swept here with its own simple
code, and what each rule set requires of a group at a moment is ``planner.rules.assess`` (the
one reading of the rules, which the CP-SAT model encodes as constraints on its own). Every
rule set of the program (``program.rule_sets``) is checked; each finding names its rule set
and section. A plan the planner produced must come back with no violations.

``validate(problem, plan)`` returns a list of ``Violation``; each carries a stable ``rule`` id,
a one-sentence ``message`` for a director, and structured fields (``day``, ``start``/``end`` in
minutes, ``group``, ``room``, ``children``, ``caregivers``). The rule ids:

Plan structure
    ``unknown-child``        the plan names a child id (in a group, among the left-out children
                             or in ``primary``) that is not a child of the problem
    ``unknown-caregiver``    a group or ``primary`` names a caregiver id not in the problem
    ``unknown-room``         a group's room is not a room of the problem
    ``duplicate-group-id``   two groups of the plan share one id
    ``no-band``              a child's age is in no band of the rule set (invalid input that
                             ``planner.io`` rejects; the child is then judged in the nearest band)

Hard rule 1: groups and rooms
    ``child-not-placed``              a child is in no group and not left out
    ``child-in-two-groups``           a child is in two groups (or listed twice in one)
    ``child-grouped-and-unassigned``  a child is in a group and also left out
    ``unassigned-not-allowed``        a child is left out but the problem does not allow it
    ``caregiver-in-two-groups``       a caregiver is in two groups (or listed twice in one)
    ``group-without-room``            a group has no room
    ``room-too-many-groups``          a room holds more groups than its ``max_groups``

Hard rule 2: primary caregivers
    ``no-primary``                   a child in a group has no primary caregiver
    ``primary-outside-group``        the primary is not a caregiver of the child's group
    ``primary-for-ungrouped-child``  ``primary`` names a caregiver for a child in no group
    ``primary-load``                 a caregiver is primary for more than
                                     ``min(program.primary_cap, caregiver.max_primary)`` children

Hard rule 3: at every moment (these carry ``day``, ``start`` and ``end``)
    ``room-capacity``  the children present in a room's groups exceed its capacity
    ``ratio``          a group's caregivers on shift are fewer than the rule set needs
    ``group-size``     a group holds more children present than the rule set allows
    ``limit``          more children under a limit's age are present than it allows
    ``composition``    the mix of age categories present fits none of the rule set's
                       compositions for the caregivers on shift
    ``condition``      a condition of the rule set is not met (a qualified caregiver on
                       shift, a child with an attribute present)

Time is swept per day: the change points are the start and end minutes of the children's
schedules and the caregivers' shifts concerned; between two change points presence is
constant, so each interval is judged once. Consecutive intervals with the same finding (same
rule and group or room; for ``limit`` the same limit) are merged into one violation: its
``children`` and ``caregivers`` are everyone present at some moment of the span, and its
message gives the numbers of the worst moment ("at worst (07:10–07:30)" when they change).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from planner import wording
from planner.model import DAY_NAMES, DAYS, Child, Plan, Problem, Room, Span, StaffChild, Violation
from planner.rules import Member, Part, RuleSet, Staff, assess, unmet

_span = wording.span
_ids = wording.ids

RULES: tuple[str, ...] = (
    "unknown-child",
    "unknown-caregiver",
    "unknown-room",
    "duplicate-group-id",
    "no-band",
    "child-not-placed",
    "child-in-two-groups",
    "child-grouped-and-unassigned",
    "unassigned-not-allowed",
    "caregiver-in-two-groups",
    "group-without-room",
    "room-too-many-groups",
    "no-primary",
    "primary-outside-group",
    "primary-for-ungrouped-child",
    "primary-load",
    "room-capacity",
    "ratio",
    "group-size",
    "limit",
    "composition",
    "condition",
)


def validate(problem: Problem, plan: Plan) -> list[Violation]:
    """Every hard rule the plan breaks (an empty list for a valid plan)."""
    return _Validator(problem, plan).run()


# -- judging one group at one moment ---------------------------------------------------------


@dataclass(frozen=True)
class _Finding:
    key: tuple[str, str, int]  # (rule, rule set, part index)
    severity: tuple[int, int]  # (shortfall, children concerned): the larger, the worse
    detail: str  # the sentence after "On Monday 07:00–07:15, group g1 "
    part: Part | None = None
    staff: int = 0


def _judge(
    rule_sets: Sequence[RuleSet],
    members: Sequence[Member],
    staff: Sequence[Staff],
    periods: frozenset[str],
) -> list[_Finding]:
    """The findings for `members` present in one group with `staff` on shift, under each
    rule set (what each requires is planner.rules.assess)."""
    if not members:
        return []
    k = len(staff)
    names = [s.id for s in staff]
    qualified: Counter[str] = Counter(q for s in staff for q in s.qualifications)
    findings: list[_Finding] = []
    for rule_set in rule_sets:
        for part in unmet(assess(rule_set, members, periods=periods), k, qualified):
            if part.qualification is not None:
                have = [s.id for s in staff if part.qualification in s.qualifications]
                shortfall = (part.staff or 0) - len(have)
            else:
                have = []
                shortfall = (
                    (part.staff - k)
                    if part.staff is not None
                    else max(1, part.count - (part.allowed or 0))
                )
            findings.append(
                _Finding(
                    (part.code, rule_set.id, part.index),
                    (shortfall, part.count),
                    wording.detail(part, names, have),
                    part,
                    k,
                )
            )
    return findings


# -- sweeping time ---------------------------------------------------------------------------


def _sweep(
    kids: dict[str, tuple[Span, ...]],
    staff: dict[str, tuple[Span, ...]],
    cuts: Iterable[int] = (),
) -> Iterator[tuple[int, int, list[str], list[str]]]:
    """(start, end, children present, caregivers on shift) for every interval of one day
    between consecutive change points (and `cuts`) with at least one child present."""
    events: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
    for minute in cuts:
        events.setdefault(minute, [])
    for is_kid, people in ((True, kids), (False, staff)):
        for person, spans in people.items():
            for span in spans:
                events[span.start].append((1, person, is_kid))
                events[span.end].append((-1, person, is_kid))
    times = sorted(events)
    count: dict[str, int] = defaultdict(int)  # "k:c1" / "s:s1": a child may share a caregiver's id
    kids_on: set[str] = set()
    staff_on: set[str] = set()
    for start, end in pairwise(times):
        for delta, person, is_kid in events[start]:
            key = ("k:" if is_kid else "s:") + person
            count[key] += delta
            on = kids_on if is_kid else staff_on
            if count[key] > 0:
                on.add(person)
            else:
                on.discard(person)
        if kids_on:
            yield start, end, sorted(kids_on), sorted(staff_on)


@dataclass
class _Run:
    """One finding over consecutive intervals."""

    start: int
    end: int
    worst: _Finding
    worst_start: int
    worst_end: int
    changes: bool = False  # the details differ between the intervals of the run
    missing: int = 0  # ratio: the most caregivers missing at once
    staff_minutes: int = 0  # ratio: caregivers missing × minutes, summed over the run
    children: set[str] = field(default_factory=set)
    caregivers: set[str] = field(default_factory=set)


class _Runs:
    """Merges the findings of consecutive intervals of one day and one group (or room)."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str, int], _Run] = {}
        self.closed: list[tuple[str, _Run]] = []

    def add(
        self, start: int, end: int, finding: _Finding, kids: Sequence[str], staff: Sequence[str]
    ) -> None:
        rule = finding.key[0]
        run = self.open.get(finding.key)
        if run is not None and run.end == start:
            run.end = end
            if finding.detail != run.worst.detail:
                run.changes = True
                if finding.severity > run.worst.severity:
                    run.worst, run.worst_start, run.worst_end = finding, start, end
            elif run.worst_end == start:
                run.worst_end = end
        else:
            if run is not None:
                self.closed.append((rule, run))
            run = _Run(start, end, finding, start, end)
            self.open[finding.key] = run
        if (
            rule in ("ratio", "composition", "limit")
            and finding.part is not None
            and (finding.part.staff is not None)
        ):
            run.missing = max(run.missing, finding.severity[0])
            run.staff_minutes += finding.severity[0] * (end - start)
        run.children.update(kids)
        run.caregivers.update(staff)

    def finish(self) -> list[tuple[str, _Run]]:
        self.closed.extend((key[0], run) for key, run in self.open.items())
        self.open = {}
        return self.closed


# -- the validator ---------------------------------------------------------------------------


class _Validator:
    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.problem = problem
        self.plan = plan
        self.rules = problem.program.rules
        self.rule_sets = problem.program.rule_sets
        self.out: list[Violation] = []
        self.staff_children: dict[str, list[StaffChild]] = defaultdict(list)
        for sc in problem.staff_children:
            self.staff_children[sc.with_].append(sc)
        self.members = {c.id: problem.member(c) for c in problem.children}
        self.members.update({sc.id: problem.member(sc) for sc in problem.staff_children})
        self.staff_of = {s.id: Staff(s.id, frozenset(s.qualifications)) for s in problem.caregivers}
        self.children = {c.id: c for c in problem.children}
        self.caregivers = {s.id: s for s in problem.caregivers}
        self.rooms = {r.id: r for r in problem.rooms}

    def add(
        self,
        rule: str,
        message: str,
        *,
        group: str | None = None,
        room: str | None = None,
        children: list[str] | None = None,
        caregivers: list[str] | None = None,
    ) -> None:
        self.out.append(
            Violation(
                rule,
                message,
                group=group,
                room=room,
                children=children or [],
                caregivers=caregivers or [],
            )
        )

    def run(self) -> list[Violation]:
        for c in self.problem.children:
            self.kid(c)
        child_groups, caregiver_groups = self.check_groups()
        self.check_placement(child_groups, caregiver_groups)
        self.check_primaries(child_groups)
        self.out.extend(self.check_time())
        return self.out

    def kid(self, child: Child) -> None:
        age = self.problem.age(child)
        for rule_set in self.rule_sets:
            if rule_set.band_index(age) is None:
                index = rule_set.nearest_band(age)
                self.add(
                    "no-band",
                    f"{child.id} is {age.months} months old on "
                    f"{self.problem.as_of.isoformat()}, outside every age band of {rule_set.id} "
                    f"(judged in the {rule_set.bands[index].label} band).",
                    children=[child.id],
                )

    def check_groups(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Unknown ids, duplicate group ids and rooms; returns who is listed in which group."""
        child_groups: dict[str, list[str]] = defaultdict(list)
        caregiver_groups: dict[str, list[str]] = defaultdict(list)
        seen: dict[str, int] = defaultdict(int)
        room_groups: dict[str, list[str]] = defaultdict(list)
        for group in self.plan.groups:
            seen[group.id] += 1
            if seen[group.id] == 2:
                count = sum(1 for g in self.plan.groups if g.id == group.id)
                self.add(
                    "duplicate-group-id",
                    f"The plan has {count} groups with the id {group.id}.",
                    group=group.id,
                )
            for child in group.children:
                if child in self.children:
                    child_groups[child].append(group.id)
                else:
                    self.add(
                        "unknown-child",
                        f"Group {group.id} lists child {child}, who is not a child of the problem.",
                        group=group.id,
                        children=[child],
                    )
            for caregiver in group.caregivers:
                if caregiver in self.caregivers:
                    caregiver_groups[caregiver].append(group.id)
                else:
                    self.add(
                        "unknown-caregiver",
                        f"Group {group.id} lists caregiver {caregiver}, who is not a caregiver "
                        "of the problem.",
                        group=group.id,
                        caregivers=[caregiver],
                    )
            if group.room is None:
                self.add("group-without-room", f"Group {group.id} has no room.", group=group.id)
            elif group.room not in self.rooms:
                self.add(
                    "unknown-room",
                    f"Group {group.id} is in room {group.room}, which is not a room of the problem.",
                    group=group.id,
                    room=group.room,
                )
            else:
                room_groups[group.room].append(group.id)
        for room in self.problem.rooms:
            held = room_groups.get(room.id, [])
            if len(held) > room.max_groups:
                self.add(
                    "room-too-many-groups",
                    f"Room {room.id} holds {len(held)} groups ({', '.join(held)}), more than the "
                    f"{room.max_groups} it has space for.",
                    room=room.id,
                )
        return child_groups, caregiver_groups

    def check_placement(
        self, child_groups: dict[str, list[str]], caregiver_groups: dict[str, list[str]]
    ) -> None:
        left_out: list[str] = []
        for child in dict.fromkeys(self.plan.unassigned_children):
            if child in self.children:
                left_out.append(child)
            else:
                self.add(
                    "unknown-child",
                    f"The plan leaves out child {child}, who is not a child of the problem.",
                    children=[child],
                )
        unassigned = set(left_out)
        for c in self.problem.children:
            groups = child_groups.get(c.id, [])
            if len(groups) > 1:
                self.add(
                    "child-in-two-groups",
                    _twice(c.id, groups, "a child belongs to exactly one group"),
                    group=groups[0],
                    children=[c.id],
                )
            if groups and c.id in unassigned:
                self.add(
                    "child-grouped-and-unassigned",
                    f"{c.id} is in group {groups[0]} and also listed as left out of the plan.",
                    group=groups[0],
                    children=[c.id],
                )
            if not groups and c.id not in unassigned:
                self.add(
                    "child-not-placed",
                    f"{c.id} is in no group and not listed as left out of the plan.",
                    children=[c.id],
                )
            if c.id in unassigned and not self.problem.allow_unassigned:
                self.add(
                    "unassigned-not-allowed",
                    f"{c.id} is left out of the plan, but this problem does not allow leaving "
                    "children out.",
                    children=[c.id],
                )
        for s in self.problem.caregivers:
            groups = caregiver_groups.get(s.id, [])
            if len(groups) > 1:
                self.add(
                    "caregiver-in-two-groups",
                    _twice(s.id, groups, "a caregiver works in at most one group"),
                    group=groups[0],
                    caregivers=[s.id],
                )

    def check_primaries(self, child_groups: dict[str, list[str]]) -> None:
        members: dict[str, set[str]] = defaultdict(set)
        for group in self.plan.groups:
            members[group.id].update(group.caregivers)
        load: dict[str, list[str]] = defaultdict(list)
        for child, caregiver in self.plan.primary.items():
            if child not in self.children:
                self.add(
                    "unknown-child",
                    f"The plan names {caregiver} primary caregiver of {child}, who is not a child "
                    "of the problem.",
                    children=[child],
                    caregivers=[caregiver],
                )
                continue
            if caregiver not in self.caregivers:
                self.add(
                    "unknown-caregiver",
                    f"The plan names {caregiver} primary caregiver of {child}, but {caregiver} is "
                    "not a caregiver of the problem.",
                    children=[child],
                    caregivers=[caregiver],
                )
                continue
            load[caregiver].append(child)
            groups = child_groups.get(child, [])
            if not groups:
                self.add(
                    "primary-for-ungrouped-child",
                    f"The plan names {caregiver} primary caregiver of {child}, who is in no group.",
                    children=[child],
                    caregivers=[caregiver],
                )
            elif not any(caregiver in members[g] for g in groups):
                where = [g for g in self.plan.groups if caregiver in g.caregivers]
                also = f" ({caregiver} is in group {where[0].id})" if where else ""
                self.add(
                    "primary-outside-group",
                    f"{child}'s primary caregiver {caregiver} is not a caregiver of the child's "
                    f"group {groups[0]}{also}.",
                    group=groups[0],
                    children=[child],
                    caregivers=[caregiver],
                )
        for c in self.problem.children:
            groups = child_groups.get(c.id, [])
            if groups and c.id not in self.plan.primary:
                self.add(
                    "no-primary",
                    f"{c.id} in group {groups[0]} has no primary caregiver.",
                    group=groups[0],
                    children=[c.id],
                )
        for s in self.problem.caregivers:
            mine = load.get(s.id, [])
            limit = self.problem.primary_limit(s)
            if len(mine) > limit:
                why = (
                    f"the program's cap is {self.problem.program.primary_cap}"
                    if limit == self.problem.program.primary_cap
                    else f"{s.id} takes at most {s.max_primary}"
                )
                self.add(
                    "primary-load",
                    f"{s.id} is primary caregiver for {len(mine)} children ({_ids(mine)}), "
                    f"more than the {limit} allowed ({why}).",
                    children=sorted(mine),
                    caregivers=[s.id],
                )

    def check_time(self) -> list[Violation]:
        found: list[tuple[tuple[int, int, int, str, str], Violation]] = []
        room_children: dict[str, dict[str, None]] = defaultdict(dict)
        room_group_ids: dict[str, list[str]] = defaultdict(list)
        for group in self.plan.groups:
            kids = [c for c in dict.fromkeys(group.children) if c in self.children]
            staff = [s for s in dict.fromkeys(group.caregivers) if s in self.caregivers]
            if group.room is not None and group.room in self.rooms:
                room_children[group.room].update(dict.fromkeys(kids))
                room_group_ids[group.room].append(group.id)
            own = [sc for s in staff for sc in self.staff_children.get(s, [])]
            for day_index, day in enumerate(DAYS):
                kid_spans = {c: self.children[c].schedule.get(day, ()) for c in kids}
                kid_spans.update({sc.id: sc.schedule.get(day, ()) for sc in own})
                if not any(kid_spans.values()):
                    continue
                staff_spans = {s: self.caregivers[s].shifts.get(day, ()) for s in staff}
                runs = _Runs()
                for start, end, present, on in _sweep(kid_spans, staff_spans, self.cuts(day)):
                    judged = [self.members[c] for c in present]
                    periods = self.problem.program.periods_at(day, start)
                    for finding in _judge(
                        self.rule_sets, judged, [self.staff_of[s] for s in on], periods
                    ):
                        runs.add(start, end, finding, present, on)
                for rule, run in runs.finish():
                    found.append(
                        (
                            (day_index, run.start, run.end, rule, group.id),
                            self.violation(
                                rule, day, run, f"group {group.id}", group.id, group.room
                            ),
                        )
                    )
        own_in_room: dict[str, list[StaffChild]] = defaultdict(list)
        for group in self.plan.groups:
            if group.room is not None:
                for s in dict.fromkeys(group.caregivers):
                    own_in_room[group.room].extend(self.staff_children.get(s, []))
        for room in self.problem.rooms:
            kids = list(room_children.get(room.id, {}))
            for day_index, day in enumerate(DAYS):
                kid_spans = {c: self.children[c].schedule.get(day, ()) for c in kids}
                kid_spans.update(
                    {sc.id: sc.schedule.get(day, ()) for sc in own_in_room.get(room.id, [])}
                )
                if not any(kid_spans.values()):
                    continue
                runs = _Runs()
                for start, end, present, _ in _sweep(kid_spans, {}):
                    over = self.capacity(room, present, room_group_ids[room.id])
                    if over is not None:
                        runs.add(start, end, over, present, ())
                for rule, run in runs.finish():
                    found.append(
                        (
                            (day_index, run.start, run.end, rule, room.id),
                            self.violation(rule, day, run, f"room {room.id}", None, room.id),
                        )
                    )
        found.sort(key=lambda item: item[0])
        return [violation for _, violation in found]

    def cuts(self, day: str) -> list[int]:
        """The minutes where a declared period of the program starts or ends."""
        if not any(
            rs.periods for rs in self.rule_sets
        ):  # no rule set reads periods: nothing changes at their edges
            return []
        return [
            m
            for schedule in self.problem.program.periods.values()
            for sp in schedule.get(day, ())
            for m in (sp.start, sp.end)
        ]

    @staticmethod
    def capacity(room: Room, present: Sequence[str], groups: Sequence[str]) -> _Finding | None:
        n = len(present)
        if n <= room.capacity:
            return None
        across = f"group {groups[0]}" if len(groups) == 1 else f"groups {', '.join(groups)}"
        return _Finding(
            ("room-capacity", "", 0),
            (n - room.capacity, n),
            f"has {n} children present ({_ids(present)}) across {across}, more than its "
            f"capacity of {room.capacity}.",
        )

    @staticmethod
    def violation(
        rule: str, day: str, run: _Run, who: str, group: str | None, room: str | None
    ) -> Violation:
        at_worst = f" at worst ({_span(run.worst_start, run.worst_end)})" if run.changes else ""
        message = (
            f"On {DAY_NAMES[day]} {_span(run.start, run.end)}, {who}{at_worst} {run.worst.detail}"
        )
        part = run.worst.part
        facts: dict[str, object] = {}
        if part is not None:
            facts = {
                "need": part.staff,
                "staff": run.worst.staff,
                "allowed": part.allowed,
                "count": part.count,
                "worst_start": run.worst_start,
                "worst_end": run.worst_end,
                "index": part.index,
            }
            if part.qualification is not None:
                facts["qualification"] = part.qualification
        return Violation(
            rule=rule,
            message=message,
            day=day,
            start=run.start,
            end=run.end,
            group=group,
            room=room,
            children=sorted(run.children),
            caregivers=sorted(run.caregivers),
            missing=run.missing,
            staff_minutes=run.staff_minutes,
            rule_set=part.rule_set if part is not None else None,
            section=(part.section or None) if part is not None else None,
            facts=facts,
        )


def _twice(person: str, groups: Sequence[str], rule: str) -> str:
    distinct = list(dict.fromkeys(groups))
    if len(distinct) == 1:
        return f"{person} is listed {len(groups)} times in group {distinct[0]}; {rule}."
    return f"{person} is in {len(distinct)} groups ({', '.join(distinct)}); {rule}."
