"""What-ifs a director asks before deciding: enroll this child? what if this caregiver leaves?

``enroll(problem, child, start=...)``: can the program take `child` from `start` with its
schedule? The month of `start` is planned (planner.horizon, one month: fewest primary
caregiver changes, then fewest group changes, then the soft goals) from the arrangement in
`problem` (its children's and caregivers' current groups), once without the child and once
with it. Yes: the child's group and primary caregiver, and the changes the enrollment forces
on other children (changes that happen in that month anyway, e.g. a caregiver who leaves,
are reported apart). No: why (planner.explain), and the smallest fix found: the least
caregiver time (by day and time of day) that a plan breaking the rules as little as possible
is short of, plus primary places and the rules no staff can fix (group size, room capacity).
When one more caregiver is not enough, ample extra staff is tried (enough caregivers, working
whenever children are there, to staff every group the rooms can hold on their own): a plan
with it gives the fewest of them that work; none (proved) gives what staff cannot fix instead
(rooms holding all their groups, groups too big), from planner.explain's relaxed model on the
month with that staff. A staffing fix is only ever given when a plan with it was found. A
month for which no plan is found in time (nothing proven either way) is a no with the
planner's explanation and no fix.

Two phases: the answer (yes, or no with its reasons) comes within `time_limit`; the fix
search comes after, for up to `fix_time`. With ``fix_time=0`` a no is returned without its
fix (``answer.fix_pending``) and ``find_fix(answer)`` looks for it later.

``rank(problem, entries)``: each waitlisted child's answer, best fit first: those who can be
enrolled (fewest changes for others, then the fewest unmet goals of their own: language,
primary on shift, IFSP-trained primary), then those who cannot (smallest fix first). Each
answer is independent of the others (enrolling one changes the answer for the next). Every
child is answered first, then the fixes are looked for; ``by_fit`` sorts answers by what is
known (a no whose fix is pending sorts with the nos that have none).

``staffing(problem, caregiver, start=..., shifts=None)``: the caregiver leaves on `start`
(`shifts` None) or works `shifts` from then on (part-time): the children affected (their
primary caregiver or group changes) with the reason, and the best re-plan of that month.

Bad input raises ``WhatIfError`` naming the field: a start before the plan's date, a child
already enrolled, a schedule or shift outside the program's opening hours (when given),
spans that end before they start, an unknown caregiver.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ortools.sat.python import cp_model

from planner import cpsat, timeline
from planner.explain import fewest_staff, prechecks
from planner.horizon import (
    Change,
    HorizonPlan,
    change,
    employed_only,
    months_of,
    solve_horizon,
)
from planner.model import (
    DAY_NAMES,
    DAYS,
    Caregiver,
    Child,
    Plan,
    Problem,
    Schedule,
    SoftNote,
    Span,
    Violation,
    hhmm,
    months_between,
)
from planner.rules import Age
from planner.validate import validate

Progress = Callable[[str], None]
OPEN_DEFAULT = (7 * 60, 18 * 60)  # the day tried for an extra caregiver when hours are unknown
PRIMARY_GOALS = ("primary_presence", "language", "ifsp", "family_requests", "siblings")
FIX_TIME = 10.0  # seconds for the fix search by default
# kept from the month's planning for what comes after it within `time_limit` (building the
# model, explaining a no: planner.horizon's explanation runs a little over its share)
MARGIN = 0.3
# the rules extra caregivers do not help with (see planner.validate)
BEYOND_STAFF = ("group-size", "room-capacity", "room-too-many-groups", "limit")


class WhatIfError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")


@dataclass(frozen=True)
class Shortfall:
    """More caregivers needed on `day` from `start` to `end` (minutes after midnight)."""

    day: str
    start: int
    end: int
    caregivers: int = 1

    @property
    def minutes(self) -> int:
        return (self.end - self.start) * self.caregivers


@dataclass
class Fix:
    """The smallest fix found: extra caregiver time that makes a plan possible.

    `shortfalls` is the time of the extra caregivers (checked: with them, a plan meets every
    rule). `primary` counts the caregivers needed besides that time, on any hours, only to
    be primary caregivers (primary places; a higher maximum for a caregiver does as well).
    `least_minutes` is a lower bound on the caregiver time any fix needs (the moments
    when too few caregivers work for the children present, whatever the grouping): when
    `staff_minutes` equals it, the fix is the smallest possible. `other` says what extra
    caregivers cannot fix (rooms too small); then `shortfalls` is empty."""

    shortfalls: list[Shortfall] = field(default_factory=list)
    least_minutes: int = 0
    other: list[str] = field(default_factory=list)
    primary: int = 0

    @property
    def staff_minutes(self) -> int:
        return sum(s.minutes for s in self.shortfalls)

    @property
    def proven(self) -> bool:
        return bool(self.shortfalls or self.primary) and self.staff_minutes == self.least_minutes

    @property
    def size(self) -> int:
        """For ranking: caregiver-minutes; a caregiver needed only as a primary caregiver
        counts as an hour; what staff cannot fix counts as a week."""
        return self.staff_minutes + 60 * self.primary + (5 * 24 * 60 if self.other else 0)

    def sentence(self) -> str:
        parts = []
        if self.shortfalls:
            spans: dict[tuple[int, int, int], list[str]] = {}
            for s in self.shortfalls:
                spans.setdefault((s.start, s.end, s.caregivers), []).append(s.day)
            when = "; ".join(
                f"{_days(days)} {_part(start, end)} ({hhmm(start)}–{hhmm(end)}"
                + (f", {n} caregivers at once" if n > 1 else "")
                + ")"
                for (start, end, n), days in sorted(
                    spans.items(), key=lambda item: (DAYS.index(item[1][0]), item[0])
                )
            )
            parts.append(
                f"needs {_hours(self.staff_minutes, 'more caregiver hour')} a week: {when}"
                + (
                    ""
                    if self.proven or not self.least_minutes
                    else f" (any fix needs at least {_hours(self.least_minutes, 'hour')})"
                )
            )
        if self.primary:
            parts.append(
                f"needs {self.primary} more caregiver{'s' if self.primary > 1 else ''} who can "
                "be primary caregiver for the children, on any hours (or a higher maximum of "
                "primary children for a caregiver now)"
            )
        parts.extend(self.other)
        return "; ".join(p.rstrip(".") for p in parts) + "." if parts else ""


def _hours(minutes: int, unit: str) -> str:
    """'1 hour', '1.5 hours', '8 more caregiver hours' (`unit` in the singular)."""
    hours = minutes / 60
    number = f"{hours:.0f}" if hours == int(hours) else f"{hours:.1f}"
    return f"{number} {unit}" + ("" if minutes == 60 else "s")


def _days(days: Sequence[str]) -> str:
    names = [DAY_NAMES[d] for d in sorted(set(days), key=DAYS.index)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _part(start: int, end: int) -> str:
    if end <= 12 * 60:
        return "morning"
    if start >= 12 * 60:
        return "afternoon"
    return "midday" if end - start <= 4 * 60 else "during the day"


@dataclass(frozen=True)
class FixSearch:
    """What the fix search for a no needs, kept on an answer asked with ``fix_time=0``."""

    problem: Problem  # the month (caregivers who work all of it) with the change
    hint: Schedule  # hours tried first for one extra caregiver
    hours: tuple[int, int] | None  # the program's opening hours, when known


@dataclass
class Enrollment:
    child: str
    start: date
    status: str  # "yes" or "no"
    group: str | None = None
    primary: str | None = None
    room: str | None = None
    group_children: list[str] = field(default_factory=list)
    effects: list[Change] = field(default_factory=list)  # forced on others by enrolling
    anyway: list[Change] = field(default_factory=list)  # that month's changes without it
    unmet: list[SoftNote] = field(default_factory=list)  # the child's own goals not met
    reasons: list[str] = field(default_factory=list)
    fix: Fix | None = None
    plan: Plan | None = None
    problem: Problem | None = None  # the month planned, with the child
    seconds: float = 0.0  # to the answer (yes or no, with the reasons)
    fix_search: FixSearch | None = None  # a no's fix not looked for yet: see find_fix
    fix_seconds: float = 0.0  # the fix search, after the answer

    @property
    def fix_pending(self) -> bool:
        return self.fix_search is not None

    @property
    def fit(self) -> tuple[int, int, int]:
        """Smaller is better: yes before no; fewest changes for others; least unmet."""
        if self.status == "yes":
            return (0, len(self.effects), sum(n.cost for n in self.unmet))
        return (1, self.fix.size if self.fix else 10**9, 0)


@dataclass
class Staffing:
    caregiver: str
    start: date
    change: str  # "leaves" or "part-time"
    status: str  # "yes" (the rules can still be met) or "no"
    affected: list[Change] = field(default_factory=list)
    anyway: list[Change] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    fix: Fix | None = None
    plan: Plan | None = None
    problem: Problem | None = None
    seconds: float = 0.0  # to the answer
    fix_search: FixSearch | None = None  # a no's fix not looked for yet: see find_fix
    fix_seconds: float = 0.0  # the fix search, after the answer

    @property
    def fix_pending(self) -> bool:
        return self.fix_search is not None


# -- checking the input -------------------------------------------------------------------------


def check_schedule(schedule: Schedule, where: str, hours: tuple[int, int] | None) -> None:
    """Spans in order, inside the opening hours when known."""
    for day, spans in schedule.items():
        if day not in DAYS:
            raise WhatIfError(where, f"{day!r} is not a day (mon … sun)")
        for span in spans:
            if span.end <= span.start:
                raise WhatIfError(
                    where,
                    f"{DAY_NAMES[day]}: {hhmm(span.start)}–{hhmm(span.end)} ends before it starts",
                )
            if hours is not None and (span.start < hours[0] or span.end > hours[1]):
                raise WhatIfError(
                    where,
                    f"{DAY_NAMES[day]} {hhmm(span.start)}–{hhmm(span.end)} is outside the "
                    f"program's hours ({hhmm(hours[0])}–{hhmm(hours[1])})",
                )


def _check_start(problem: Problem, start: date) -> None:
    if start < problem.as_of:
        raise WhatIfError(
            "start", f"{start.isoformat()} is before the plan's date {problem.as_of.isoformat()}"
        )


# -- planning one month -------------------------------------------------------------------------


def month(problem: Problem, start: date) -> Problem:
    """The program on `start`: one month planned from the current arrangement."""
    return replace(problem, as_of=start, horizon_months=1)


def _lower_bound(problem: Problem) -> list[Shortfall]:
    """Moments when fewer caregivers work than the children present need, however they are
    grouped (planner.explain.fewest_staff): any fix needs at least this much more time."""
    rules = problem.program.rule_sets
    members = [problem.member(c) for c in problem.children]  # a bound: own children left out
    out: list[Shortfall] = []
    for piece, child_mask, staff_mask in timeline.pieces(problem):
        present = [m for i, m in enumerate(members) if child_mask >> i & 1]
        missing = fewest_staff(rules, present, periods=piece.periods) - staff_mask.bit_count()
        if missing <= 0:
            continue
        last = out[-1] if out else None
        if (
            last
            and last.day == piece.day
            and last.end == piece.start
            and last.caregivers == missing
        ):
            out[-1] = replace(last, end=piece.end)
        else:
            out.append(Shortfall(piece.day, piece.start, piece.end, missing))
    return out


def _extras(shortfalls: Sequence[Shortfall]) -> list[Caregiver]:
    """Extra caregivers working exactly the shortfalls (the k-th where k or more are short)."""
    most = max((s.caregivers for s in shortfalls), default=0)
    extras = []
    for k in range(1, most + 1):
        shifts: dict[str, list[Span]] = {}
        for s in shortfalls:
            if s.caregivers >= k:
                spans = shifts.setdefault(s.day, [])
                if spans and spans[-1].end == s.start:
                    spans[-1] = Span(spans[-1].start, s.end)
                else:
                    spans.append(Span(s.start, s.end))
        extras.append(Caregiver(id=f"extra-{k}", shifts={d: tuple(v) for d, v in shifts.items()}))
    return extras


def _shortfalls(extras: Sequence[Caregiver]) -> list[Shortfall]:
    counts: Counter[tuple[str, int, int]] = Counter(
        (day, span.start, span.end)
        for e in extras
        for day, spans in e.shifts.items()
        for span in spans
    )
    return sorted(
        (Shortfall(day, start, end, n) for (day, start, end), n in counts.items()),
        key=lambda s: (DAYS.index(s.day), s.start),
    )


def _verdict(
    problem: Problem, extras: Sequence[Caregiver], *, time_limit: float, workers: int
) -> str:
    """ "feasible" (a plan meets every rule with these extra caregivers: the first solution
    found), "infeasible" (proved) or "unknown" (neither, in the time given)."""
    trial = replace(problem, caregivers=(*problem.caregivers, *extras))
    if prechecks(trial):
        return "infeasible"
    model = cpsat.PlannerModel(trial)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.2, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.stop_after_first_solution = True
    cpsat._tune(solver)
    code = solver.solve(model.m)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "feasible"
    return "infeasible" if code == cp_model.INFEASIBLE else "unknown"


def _feasible(
    problem: Problem, extras: Sequence[Caregiver], *, time_limit: float, workers: int
) -> bool:
    """Some plan meets every rule with these extra caregivers (first solution found)."""
    return _verdict(problem, extras, time_limit=time_limit, workers=workers) == "feasible"


def _ample(problem: Problem) -> list[Caregiver]:
    """Extra caregivers enough for staff never to be what keeps a plan from the rules: as
    many as it takes to staff every group the rooms can hold on their own (the band needing
    the most staff for a full group), each working whenever a child is there (each day from
    the first arrival to the last departure)."""
    full = [1]
    for rules in problem.program.rule_sets:
        full += [b.staff_for(b.max_group) or 1 for b in rules.bands]
        if rules.mixed_group is not None:
            full.append(rules.mixed_group.staff_for(rules.mixed_group.max_group) or 1)
        full += [c.staff for c in rules.compositions]
        full += [c.at_least for c in rules.conditions if c.staff_with]
    qualifications = tuple(
        sorted(
            {
                c.staff_with
                for rs in problem.program.rule_sets
                for c in rs.conditions
                if c.staff_with
            }
        )
    )
    slots = sum(room.max_groups for room in problem.rooms)
    shifts: Schedule = {}
    for day in DAYS:
        spans = [span for child in problem.children for span in child.schedule.get(day, ())]
        if spans:
            shifts[day] = (Span(min(s.start for s in spans), max(s.end for s in spans)),)
    return [
        replace(_extra(k, shifts), qualifications=qualifications)
        for k in range(1, max(1, slots * max(full)) + 1)
    ]


def _trim(
    fixed: Sequence[Caregiver],
    chosen: Schedule,
    n: int,
    check: Callable[[Sequence[Caregiver]], bool],
    deadline: float,
) -> Schedule:
    """The extra caregiver `n`'s shifts `chosen` (a plan is possible with `fixed` and them),
    trimmed as long as a plan stays possible: whole days first, then half hours from either
    end of each span."""
    for day in list(chosen):
        trial = {d: v for d, v in chosen.items() if d != day}
        if check([*fixed, _extra(n, trial)]):
            chosen = trial
    for day in list(chosen):
        for i in range(len(chosen[day])):
            for side in ("start", "end"):
                while time.monotonic() < deadline:
                    span = chosen[day][i]
                    if span.end - span.start <= 30:
                        break
                    smaller = (
                        Span(span.start + 30, span.end)
                        if side == "start"
                        else Span(span.start, span.end - 30)
                    )
                    trial = {**chosen, day: (*chosen[day][:i], smaller, *chosen[day][i + 1 :])}
                    if not check([*fixed, _extra(n, trial)]):
                        break
                    chosen = trial
    return chosen


def _fix(
    target: Problem,
    hint: Schedule,
    *,
    hours: tuple[int, int] | None,
    time_limit: float,
    workers: int,
) -> Fix:
    """The least extra caregiver time found that makes a plan of the month `target` (its
    caregivers working all of it) possible.

    First the lower bound's moments alone (then the fix is proven smallest); else one more
    caregiver on `hint` (the new child's hours, or the leaving caregiver's shifts) besides
    them, then the program's whole day; the first that works is trimmed (whole days, then
    half hours at either end) as long as a plan stays possible. When one more caregiver is
    not enough, ample extra staff (`_ample`) is tried: if a plan is possible with it, the
    fewest of those caregivers that make it possible (each trimmed, last first);
    if none is (proved), what staff cannot fix, from the least-bad arrangement with that
    staff. Every staffing fix returned was checked: with it a plan meets every rule."""
    deadline = time.monotonic() + time_limit
    lower = _lower_bound(target)
    fix = Fix(least_minutes=sum(s.minutes for s in lower))
    base = _extras(lower)

    def check(extras: Sequence[Caregiver]) -> bool:
        left = deadline - time.monotonic()
        return left > 0.1 and _feasible(target, extras, time_limit=min(2.0, left), workers=workers)

    if base and check(base):
        fix.shortfalls = _shortfalls(base)
        return fix
    opening = hours or OPEN_DEFAULT
    whole_day: Schedule = {d: (Span(*opening),) for d in DAYS[:5]}
    chosen: Schedule | None = None
    for option in (hint, whole_day):
        if option and check([*base, _extra(len(base) + 1, option)]):
            chosen = dict(option)
            break
    if chosen is None:
        return _more_than_one(target, fix, deadline=deadline, workers=workers)
    n = len(base) + 1
    chosen = _trim(base, chosen, n, check, deadline)
    if any(chosen.values()):
        fix.shortfalls = _shortfalls([*base, _extra(n, chosen)])
    else:
        # no time at all: the extra caregiver is needed as a primary caregiver only
        fix.shortfalls = _shortfalls(base)
        fix.primary = 1
    return fix


def _more_than_one(target: Problem, fix: Fix, *, deadline: float, workers: int) -> Fix:
    """`_fix` when the lower bound's time and one more caregiver are not enough."""
    ample = _ample(target)

    def left() -> float:
        return deadline - time.monotonic()

    def check(trial: Sequence[Caregiver]) -> bool:
        return left() > 0.1 and _feasible(
            target, trial, time_limit=min(2.0, left()), workers=workers
        )

    verdict = (
        _verdict(target, ample, time_limit=min(3.0, left()), workers=workers)
        if left() > 0.1
        else "unknown"
    )
    if verdict != "feasible":
        # proved: what staff cannot fix; not proved either way: no claim, only what the
        # closest arrangement with that staff still breaks (when there is time to look)
        proven = verdict == "infeasible"
        if proven or left() > 1.0:
            fix.other = _beyond_staff(
                target, ample, proven=proven, time_limit=max(1.0, min(3.0, left())), workers=workers
            )
        else:
            fix.other = [_not_found(len(ample))]
        return fix
    # the fewest of the ample caregivers that make a plan possible (all of them do), then
    # each trimmed, the last first; every step is checked
    extras = list(ample)
    for k in range(1, len(ample)):
        if left() <= 0.1:
            break
        if check(ample[:k]):
            extras = list(ample[:k])
            break
    for i in reversed(range(len(extras))):
        if left() <= 0.1:
            break
        others = [*extras[:i], *extras[i + 1 :]]
        extras[i] = _extra(i + 1, _trim(others, dict(extras[i].shifts), i + 1, check, deadline))
    kept = [e for e in extras if any(e.shifts.values())]
    fix.shortfalls = _shortfalls(kept)
    fix.primary = len(extras) - len(kept)
    return fix


def _not_found(n: int) -> str:
    return (
        f"No fix was found in the time given: with {n} more caregiver{'s' if n != 1 else ''}, "
        "working whenever children are there, no plan was found, and none was proven impossible"
    )


_AT_MOST = re.compile(r"allows at most (\d+) children")
_PRESENT = re.compile(r"has (\d+) children present")
_ON_SHIFT = re.compile(r" \((?:caregivers? on shift: [^)]*|no caregiver on shift)\)")


def _beyond_staff(
    target: Problem,
    extras: Sequence[Caregiver],
    *,
    proven: bool,
    time_limit: float,
    workers: int,
) -> list[str]:
    """What no number of caregivers fixes, `extras` (ample staff) proved not to be enough:
    the rooms' places (planner.explain's checks), else the least-bad arrangement with that
    staff (planner.explain's relaxed model) and the rules it still breaks. Not `proven`
    (no plan found with that staff in time, none proved impossible): said so, with what
    the closest arrangement found still breaks."""
    trial = replace(target, caregivers=(*target.caregivers, *extras))
    n = len(extras)
    staff = (
        f"Even with {n} more caregiver{'s' if n != 1 else ''}, working whenever children are "
        "there, no plan meets every rule"
        if proven
        else _not_found(n)
    )
    reasons = [r for r in prechecks(trial) if "room" in r]
    if reasons:
        return ["No number of caregivers fixes this: the rooms are too small.", *reasons]
    model = cpsat.PlannerModel(trial, relax=True)
    model.minimize_slack()
    outcome = cpsat.run(model, time_limit=time_limit, workers=workers)
    if outcome.status not in ("optimal", "feasible"):
        return [f"{staff}; no explanation was found in the time given."]
    plan = model.plan(outcome.value, outcome.status)
    found = [v for v in validate(trial, plan) if v.rule in BEYOND_STAFF]
    if not found:
        return [f"{staff}."]
    rules = target.program.rules
    slots = sum(room.max_groups for room in target.rooms)
    out: list[str] = []
    sizes = [v for v in found if v.rule == "group-size"]
    if sizes and len(plan.groups) >= slots and proven:
        worst = sizes[0]
        ages = [target.age_months(target.child(c)) for c in worst.children if _is_child(target, c)]
        band = rules.band_for(min(ages)) if ages else None
        of = f" of the {band.label} band" if band is not None else ""
        holds = (
            "its group"
            if all(room.max_groups == 1 for room in target.rooms)
            else "as many groups as it can"
        )
        sentence = (
            f"{staff}: every room already holds {holds}, so there is no room for another group{of}"
        )
        present, most = _PRESENT.search(worst.message), _AT_MOST.search(worst.message)
        if present and most:
            where = f" in room {worst.room}" if worst.room else ""
            sentence += (
                f"; the group{where} would have {present.group(1)} children where at most "
                f"{most.group(1)} are allowed"
            )
        out.append(sentence + ".")
    else:
        out.append(f"{staff}: the closest arrangement found still breaks these rules.")
    for v in found[:2]:
        out.append(_without_staff(v))
    if len(found) > 2:
        rest = len(found) - 2
        out.append(f"… and {rest} more time{'s' if rest > 1 else ''} the rules are broken.")
    return out


def _is_child(problem: Problem, child_id: str) -> bool:
    return any(c.id == child_id for c in problem.children)


def _without_staff(violation: Violation) -> str:
    """The violation's sentence, without the caregivers on shift (extra ones among them)."""
    text = _ON_SHIFT.sub("", violation.message)
    if violation.group and violation.room:
        text = text.replace(f"group {violation.group} ", f"the group in room {violation.room} ", 1)
    return text


def _extra(n: int, shifts: Schedule) -> Caregiver:
    return Caregiver(id=f"extra-{n}", shifts=dict(shifts))


def _first(explanation: Sequence[str], most: int = 3) -> list[str]:
    """The first reasons (without the month label), and how many more there are."""
    reasons = [r.split(": ", 1)[-1] if r[:4].isdigit() else r for r in explanation]
    if len(reasons) > most:
        rest = len(reasons) - most
        reasons = [*reasons[:most], f"… and {rest} more reason{'s' if rest > 1 else ''}."]
    return reasons


def _keys(changes: Sequence[Change]) -> set[tuple[str, str]]:
    return {(c.child, c.kind) for c in changes}


def baseline(
    problem: Problem, start: date, *, time_limit: float = 3.0, workers: int = 2
) -> HorizonPlan:
    """The month of `start` planned as things stand (shared by every answer about it)."""
    _check_start(problem, start)
    return solve_horizon(month(problem, start), time_limit=time_limit, workers=workers)


def find_fix(
    answer: Enrollment | Staffing, *, time_limit: float = FIX_TIME, workers: int = 2
) -> Fix | None:
    """Look for the smallest fix of a no answered with ``fix_time=0`` (for up to
    `time_limit` seconds): stored on the answer (`fix`, `fix_seconds`) and returned. An
    answer with no fix to look for (a yes, a no without proof, one already looked for)
    keeps its fix, which is returned."""
    search = answer.fix_search
    if search is None:
        return answer.fix
    started = time.monotonic()
    answer.fix = _fix(
        search.problem, search.hint, hours=search.hours, time_limit=time_limit, workers=workers
    )
    answer.fix_search = None
    answer.fix_seconds = time.monotonic() - started
    return answer.fix


def _no(
    answer: Enrollment | Staffing,
    hint: Schedule,
    hours: tuple[int, int] | None,
    fix_time: float,
    workers: int,
) -> None:
    """A proven no: its fix is looked for now (`fix_time` > 0) or left for find_fix."""
    assert answer.problem is not None
    answer.fix_search = FixSearch(answer.problem, dict(hint), hours)
    if fix_time > 0:
        find_fix(answer, time_limit=fix_time, workers=workers)


def enroll(
    problem: Problem,
    child: Child,
    *,
    start: date,
    hours: tuple[int, int] | None = None,
    time_limit: float = 3.0,
    workers: int = 2,
    before: HorizonPlan | None = None,
    fix_time: float = FIX_TIME,
) -> Enrollment:
    """Can `child` be enrolled from `start` with its schedule? (See the module docstring.)

    The answer comes within about `time_limit` seconds (`MARGIN` of it kept for explaining a
    no). A no's fix is looked for for up to `fix_time` seconds after the answer; with 0 it is
    not, and `find_fix(answer)` looks for it later (`answer.fix_pending`)."""
    started = time.monotonic()
    _check_start(problem, start)
    if any(c.id == child.id for c in problem.children):
        raise WhatIfError("child", f"{child.id} is already enrolled")
    check_schedule(child.schedule, "schedule", hours)
    if not any(child.schedule.values()):
        raise WhatIfError("schedule", "the child attends no day: give at least one day's hours")
    answer = Enrollment(child=child.id, start=start, status="no")
    age = months_between(child.birth_date, start)
    exact = Age.of(child.birth_date, start) if child.birth_date <= start else None
    outside = [
        rs for rs in problem.program.rule_sets if exact is None or rs.band_for(exact) is None
    ]
    if child.birth_date > start or outside:
        rules = outside[0] if outside else problem.program.rules
        answer.reasons = [
            f"On {start.isoformat()} {child.id} is "
            + ("not born yet" if child.birth_date > start else f"{age} months old")
            + f"; {rules.id} covers children of {rules.covers_text()}."
        ]
        answer.seconds = time.monotonic() - started
        return answer
    if before is None:
        before = baseline(problem, start, time_limit=time_limit / 2, workers=workers)
    left = max(1.0, time_limit - (time.monotonic() - started) - MARGIN)
    newcomer = replace(child, current=None, enrolled_from=None, enrolled_until=None)
    with_child = replace(month(problem, start), children=(*problem.children, newcomer))
    answer.problem = employed_only(months_of(with_child)[0])
    if before.status == "unknown":
        # no plan found in time, and none proven impossible: no reason, no fix to claim
        answer.reasons = list(before.explanation)
        answer.seconds = time.monotonic() - started
        return answer
    if before.status not in ("optimal", "feasible"):
        answer.reasons = [
            "The program cannot meet the rules in that month even without this child.",
            *_first(before.explanation),
        ]
        answer.seconds = time.monotonic() - started
        _no(answer, child.schedule, hours, fix_time, workers)
        return answer
    after = solve_horizon(with_child, time_limit=left, workers=workers)
    if after.status not in ("optimal", "feasible") or after.first is None:
        answer.reasons = _first(after.explanation)
        answer.seconds = time.monotonic() - started
        if after.status != "unknown":
            _no(answer, child.schedule, hours, fix_time, workers)
        return answer
    plan = after.first
    group = plan.group_of().get(child.id)
    answer.status = "yes"
    answer.plan = plan
    answer.group = group.id if group else None
    answer.room = group.room if group else None
    answer.group_children = [c for c in group.children if c != child.id] if group else []
    answer.primary = plan.primary.get(child.id)
    anyway = _keys(before.changes)
    answer.effects = [c for c in after.changes if (c.child, c.kind) not in anyway]
    answer.anyway = [c for c in after.changes if (c.child, c.kind) in anyway]
    answer.unmet = [n for n in plan.soft if n.child == child.id and n.goal in PRIMARY_GOALS]
    answer.seconds = time.monotonic() - started
    return answer


def by_fit(answers: Sequence[Enrollment]) -> list[Enrollment]:
    """Best fit first, by what is known (a no whose fix is pending sorts as one without a
    fix); ties keep the given order."""
    order = {id(a): i for i, a in enumerate(answers)}
    return sorted(answers, key=lambda a: (a.fit, order[id(a)]))


def rank(
    problem: Problem,
    entries: Sequence[tuple[Child, date]],
    *,
    hours: tuple[int, int] | None = None,
    time_limit: float = 3.0,
    workers: int = 2,
    progress: Progress | None = None,
    fix_time: float = FIX_TIME,
) -> list[Enrollment]:
    """Every waitlisted child's answer, best fit first (ties keep the waitlist's order).

    Every child is answered first; then the fixes of the nos are looked for, each for up to
    `fix_time` seconds (with 0 they are left pending: find_fix, then by_fit)."""
    answers = []
    baselines: dict[date, HorizonPlan] = {}
    for n, (child, start) in enumerate(entries, 1):
        if start not in baselines:
            baselines[start] = baseline(problem, start, time_limit=time_limit, workers=workers)
        answers.append(
            enroll(
                problem,
                child,
                start=start,
                hours=hours,
                time_limit=time_limit,
                workers=workers,
                before=baselines[start],
                fix_time=0,
            )
        )
        if progress is not None:
            progress(f"{n} of {len(entries)} waitlisted children answered")
    if fix_time > 0:
        pending = [a for a in answers if a.fix_pending]
        for n, answer in enumerate(pending, 1):
            find_fix(answer, time_limit=fix_time, workers=workers)
            if progress is not None:
                progress(
                    f"smallest fix looked for: {n} of {len(pending)} children who cannot start"
                )
    return by_fit(answers)


def staffing(
    problem: Problem,
    caregiver: str,
    *,
    start: date,
    shifts: Schedule | None = None,
    hours: tuple[int, int] | None = None,
    time_limit: float = 3.0,
    workers: int = 2,
    fix_time: float = FIX_TIME,
) -> Staffing:
    """The caregiver leaves on `start` (`shifts` None) or works `shifts` from then on.

    A no's fix as for `enroll` (`fix_time` 0: left for find_fix)."""
    started = time.monotonic()
    _check_start(problem, start)
    if not any(s.id == caregiver for s in problem.caregivers):
        raise WhatIfError("caregiver", f"{caregiver!r} is not a caregiver of this program")
    if shifts is not None:
        check_schedule(shifts, "shifts", hours)
    before = baseline(problem, start, time_limit=time_limit / 2, workers=workers)
    person = problem.caregiver(caregiver)
    if shifts is None:
        changed: Caregiver = replace(person, employed_until=date.fromordinal(start.toordinal() - 1))
    else:
        changed = replace(person, shift_changes=(*person.shift_changes, (start, shifts)))
    after_problem = replace(
        month(problem, start),
        caregivers=tuple(changed if s.id == caregiver else s for s in problem.caregivers),
    )
    answer = Staffing(
        caregiver=caregiver,
        start=start,
        change="leaves" if shifts is None else "part-time",
        status="no",
        problem=employed_only(months_of(after_problem)[0]),
    )
    left = max(1.0, time_limit - (time.monotonic() - started) - MARGIN)
    after = solve_horizon(after_problem, time_limit=left, workers=workers)
    if after.status not in ("optimal", "feasible") or after.first is None:
        answer.reasons = _first(after.explanation)
        answer.seconds = time.monotonic() - started
        if after.status != "unknown":  # no plan found in time is no proof: no fix to claim
            _no(answer, person.shifts_on(start), hours, fix_time, workers)
        return answer
    answer.status = "yes"
    answer.plan = after.first
    anyway = _keys(before.changes) if before.status in ("optimal", "feasible") else set()
    for c in after.changes:
        if (c.child, c.kind) in anyway:
            answer.anyway.append(c)
        else:
            if c.before == caregiver and c.kind == "primary" and c.reason == "plan":
                # the caregiver still works, on other hours
                c = change(c.month, c.child, c.kind, c.before, c.after, "schedule")
            answer.affected.append(c)
    answer.seconds = time.monotonic() - started
    return answer
