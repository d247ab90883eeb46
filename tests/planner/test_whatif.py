"""planner.whatif on small hand-built programs (the reasoning for each is in the comments).

Real CP-SAT, no mocks. Every plan an answer carries passes the independent validator, and a
fix is checked independently too: the month planned with extra caregivers working exactly
the fix's times (planner.solve) has a plan that meets every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from planner.horizon import Change
from planner.model import (
    DAYS,
    Caregiver,
    Child,
    Current,
    Plan,
    Problem,
    ProgramInfo,
    Room,
    Schedule,
    Span,
    months_between,
)
from planner.rules import load
from planner.solve import solve
from planner.validate import validate
from planner.whatif import (
    Enrollment,
    Fix,
    Shortfall,
    Staffing,
    WhatIfError,
    _ample,
    _beyond_staff,
    by_fit,
    enroll,
    find_fix,
    rank,
    staffing,
)
from planner_lab.generate import generate

AS_OF = date(2026, 12, 1)  # the problem's date
JAN = date(2027, 1, 1)  # the month most what-ifs ask about
WEEK = ("mon", "tue", "wed", "thu", "fri")
PROGRAM = ProgramInfo(name="Test", kind="center", rules=load("cfoc-center"))
LIMIT = 4.0  # seconds per answer (each takes well under one on these programs)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def week(span: str = "08:00-16:00", days: tuple[str, ...] = WEEK) -> Schedule:
    start, end = span.split("-")
    return {d: (Span(hm(start), hm(end)),) for d in days}


FULL = week("08:00-16:00")
SHIFT = week("07:30-16:30")


def born(months: int, on: date = JAN) -> date:
    """A birth date making the child `months` completed months old on `on` (and on the 1st
    of the month before, one month younger: still in the same band for these ages)."""
    index = on.year * 12 + on.month - 1 - months
    birth = date(index // 12, index % 12 + 1, 1) - timedelta(days=10)
    assert months_between(birth, on) == months
    return birth


def kid(
    cid: str,
    months: int,
    group: str | None = None,
    primary: str | None = None,
    schedule: Schedule = FULL,
    languages: tuple[str, ...] = (),
) -> Child:
    current = Current(group, primary) if group or primary else None
    return Child(
        id=cid, birth_date=born(months), schedule=schedule, current=current, languages=languages
    )


def carer(
    sid: str, group: str | None = None, shifts: Schedule = SHIFT, languages: tuple[str, ...] = ()
) -> Caregiver:
    return Caregiver(id=sid, shifts=shifts, current_group=group, languages=languages)


def program(
    rooms: list[tuple[str, int]],
    children: list[Child],
    caregivers: list[Caregiver],
    groups: dict[str, str],
) -> Problem:
    return Problem(
        as_of=AS_OF,
        program=PROGRAM,
        rooms=tuple(Room(rid, capacity) for rid, capacity in rooms),
        children=tuple(children),
        caregivers=tuple(caregivers),
        current_rooms=groups,
    )


# -- the programs --------------------------------------------------------------------------


def spare() -> Problem:
    """Two rooms of 8 with four toddlers each and two caregivers each (primary for two
    children each): room, ratio and primary places to spare everywhere."""
    children = [kid(f"a{i}", 20, "ga", "sa1" if i < 2 else "sa2") for i in range(4)]
    children += [kid(f"b{i}", 22, "gb", "sb1" if i < 2 else "sb2") for i in range(4)]
    caregivers = [carer("sa1", "ga"), carer("sa2", "ga"), carer("sb1", "gb"), carer("sb2", "gb")]
    return program([("r1", 8), ("r2", 8)], children, caregivers, {"ga": "r1", "gb": "r2"})


def three_each() -> Problem:
    """Two rooms of 8, four toddlers and three caregivers in each: sa1 is primary for a0
    and a1, sa2 for a2 and a3, sa3 for nobody (likewise in gb). a0's family speaks Spanish,
    as only sb3 does."""
    children = [
        kid(f"a{i}", 20, "ga", "sa1" if i < 2 else "sa2", languages=("es",) if i == 0 else ())
        for i in range(4)
    ]
    children += [kid(f"b{i}", 22, "gb", "sb1" if i < 2 else "sb2") for i in range(4)]
    caregivers = [carer(f"sa{i}", "ga", languages=("en",)) for i in (1, 2, 3)]
    caregivers += [carer("sb1", "gb"), carer("sb2", "gb"), carer("sb3", "gb", languages=("es",))]
    return program([("r1", 8), ("r2", 8)], children, caregivers, {"ga": "r1", "gb": "r2"})


def crowded() -> Problem:
    """Room r1 (4 places) is full: a0..a3, toddlers, with sa1 (primary of a0, a1) and sa2
    (a2, a3). Room r2 (4 places) has b0..b2, toddlers, with sb1 (primary of all three)."""
    children = [kid(f"a{i}", 20, "ga", "sa1" if i < 2 else "sa2") for i in range(4)]
    children += [kid(f"b{i}", 22, "gb", "sb1") for i in range(3)]
    caregivers = [carer("sa1", "ga"), carer("sa2", "ga"), carer("sb1", "gb")]
    return program([("r1", 4), ("r2", 4)], children, caregivers, {"ga": "r1", "gb": "r2"})


def one_caregiver() -> Problem:
    """One room of 8, four toddlers and one caregiver, primary for all four (her limit)."""
    children = [kid(f"a{i}", 20, "ga", "sa1") for i in range(4)]
    return program([("r1", 8)], children, [carer("sa1", "ga")], {"ga": "r1"})


def two_full_groups() -> Problem:
    """Two rooms of 8, eight toddlers each with two caregivers (primary for four each):
    every caregiver is needed, for the ratio (1:4) and for the primary places (4 each)."""
    children = [kid(f"a{i}", 20, "ga", "sa1" if i < 4 else "sa2") for i in range(8)]
    children += [kid(f"b{i}", 22, "gb", "sb1" if i < 4 else "sb2") for i in range(8)]
    caregivers = [carer("sa1", "ga"), carer("sa2", "ga"), carer("sb1", "gb"), carer("sb2", "gb")]
    return program([("r1", 8), ("r2", 8)], children, caregivers, {"ga": "r1", "gb": "r2"})


# -- checking answers independently --------------------------------------------------------


def assert_valid(problem: Problem | None, plan: Plan | None) -> None:
    assert problem is not None and plan is not None
    assert plan.violations == []
    assert validate(problem, plan) == [], "every plan passes the independent validator"


def hired(fix: Fix) -> list[Caregiver]:
    """Caregivers working exactly the fix's times, as few as can: each shortfall's span goes
    to `caregivers` different people, each to the first who is free then that day."""
    people: list[dict[str, list[Span]]] = []
    for s in sorted(fix.shortfalls, key=lambda s: (DAYS.index(s.day), s.start)):
        taken: set[int] = set()
        for _ in range(s.caregivers):
            for n, shifts in enumerate(people):
                spans = shifts.get(s.day, [])
                if n not in taken and (not spans or spans[-1].end <= s.start):
                    break
            else:
                n = len(people)
                people.append({})
            taken.add(n)
            spans = people[n].setdefault(s.day, [])
            if spans and spans[-1].end == s.start:
                spans[-1] = Span(spans[-1].start, s.end)
            else:
                spans.append(Span(s.start, s.end))
    return [
        Caregiver(id=f"hired-{n}", shifts={d: tuple(v) for d, v in shifts.items()})
        for n, shifts in enumerate(people, 1)
    ]


def assert_fix_works(problem: Problem | None, fix: Fix | None) -> None:
    """The key property of a fix: the month with caregivers hired for exactly its times
    (and `primary` more on no hours) has a plan meeting every rule (solved and validated
    independently of planner.whatif), and the fix is no smaller than its lower bound."""
    assert problem is not None and fix is not None
    assert fix.shortfalls or fix.primary
    assert fix.other == []
    assert 0 <= fix.least_minutes <= fix.staff_minutes
    assert fix.proven == (fix.staff_minutes == fix.least_minutes)
    assert fix.staff_minutes == sum((s.end - s.start) * s.caregivers for s in fix.shortfalls)
    for s in fix.shortfalls:
        assert s.day in DAYS and s.start < s.end and s.caregivers >= 1
    before = solve(problem, time_limit=3, workers=2)
    assert before.status == "infeasible", "the fix is needed: without it there is no plan"
    primary_only = [Caregiver(id=f"primary-{n}", shifts={}) for n in range(fix.primary)]
    extended = replace(problem, caregivers=(*problem.caregivers, *hired(fix), *primary_only))
    plan = solve(extended, time_limit=5, workers=2)
    assert plan.status in ("optimal", "feasible"), plan.explanation
    assert_valid(extended, plan)


def kinds(changes: list[Change]) -> set[tuple[str, str]]:
    return {(c.child, c.kind) for c in changes}


# -- enroll: yes ---------------------------------------------------------------------------


def test_a_child_who_fits_is_placed_and_nobody_else_moves() -> None:
    answer = enroll(spare(), kid("new", 18), start=JAN, time_limit=LIMIT)
    assert answer.status == "yes"
    assert answer.reasons == [] and answer.fix is None
    assert_valid(answer.problem, answer.plan)
    assert answer.plan is not None and answer.problem is not None
    assert "new" in {c.id for c in answer.problem.children}
    group = answer.plan.group_of()["new"]
    assert answer.group == group.id and answer.group in ("ga", "gb")
    assert answer.room == group.room == {"ga": "r1", "gb": "r2"}[group.id]
    assert answer.primary == answer.plan.primary["new"]
    assert answer.primary in group.caregivers
    assert set(answer.group_children) == set(group.children) - {"new"}
    assert len(answer.group_children) == 4
    assert answer.effects == [] and answer.anyway == []
    assert answer.fit[:2] == (0, 0)
    # everyone else keeps their group and primary caregiver
    for child in spare().children:
        assert child.current is not None
        assert answer.plan.primary[child.id] == child.current.primary
        assert answer.plan.group_of()[child.id].id == child.current.group


def test_changes_that_happen_anyway_are_reported_apart() -> None:
    # sa1 leaves at the end of December: a0 and a1 get a new primary in January with or
    # without the new child, so those changes are "anyway", not effects of enrolling.
    base = three_each()
    leaving = replace(base.caregiver("sa1"), employed_until=date(2026, 12, 31))
    problem = replace(
        base, caregivers=tuple(leaving if s.id == "sa1" else s for s in base.caregivers)
    )
    answer = enroll(problem, kid("new", 18), start=JAN, time_limit=LIMIT)
    assert answer.status == "yes"
    assert_valid(answer.problem, answer.plan)
    assert answer.effects == []
    assert kinds(answer.anyway) == {("a0", "primary"), ("a1", "primary")}
    assert {c.reason for c in answer.anyway} == {"caregiver_left"}
    assert {c.before for c in answer.anyway} == {"sa1"}
    assert answer.plan is not None
    assert "sa1" not in answer.plan.caregiver_group()
    # the month planned holds the caregivers who work all of it
    assert answer.problem is not None
    assert "sa1" not in {s.id for s in answer.problem.caregivers}


def test_an_enrollment_that_forces_another_childs_change_reports_it() -> None:
    # An infant joins. In gb (3 toddlers + the infant: the infant's ratio, 1:3) sb1 would
    # need a second caregiver, and either caregiver of ga brings two primary changes. The
    # cheapest: the infant takes the place of one toddler of ga, who moves to gb and to
    # sb1 (one primary change, one group change); ga keeps 2 caregivers for 4 children
    # with an infant among them.
    answer = enroll(crowded(), kid("baby", 7), start=JAN, time_limit=LIMIT)
    assert answer.status == "yes"
    assert_valid(answer.problem, answer.plan)
    assert (answer.group, answer.room) == ("ga", "r1")
    assert answer.primary in ("sa1", "sa2")
    assert answer.anyway == []
    moved = {c.child for c in answer.effects}
    assert len(moved) == 1 and moved <= {"a0", "a1", "a2", "a3"}
    (child,) = moved
    assert kinds(answer.effects) == {(child, "primary"), (child, "group")}
    by_kind = {c.kind: c for c in answer.effects}
    assert (by_kind["group"].before, by_kind["group"].after) == ("ga", "gb")
    assert by_kind["primary"].after == "sb1"
    assert all(c.month == "2027-01" and c.message for c in answer.effects)
    assert answer.fit[:2] == (0, 2)


# -- enroll: no ----------------------------------------------------------------------------


def test_no_capacity_gives_reasons_and_the_smallest_fix() -> None:
    # sa1 is primary for four (her limit) and alone with four toddlers (1:4). A fifth child
    # on Monday, Wednesday and Friday 9-15 needs one more caregiver then, and that is enough
    # (the extra caregiver is the new child's primary): 18 hours, equal to the lower bound.
    problem = one_caregiver()
    mwf = week("09:00-15:00", ("mon", "wed", "fri"))
    answer = enroll(problem, kid("new", 18, schedule=mwf), start=JAN, time_limit=LIMIT)
    assert answer.status == "no"
    assert answer.plan is None and answer.group is None and answer.primary is None
    assert answer.reasons
    assert answer.fix is not None and answer.fix.other == []
    assert answer.fix.shortfalls == [
        Shortfall(day, hm("09:00"), hm("15:00"), 1) for day in ("mon", "wed", "fri")
    ]
    assert answer.fix.staff_minutes == answer.fix.least_minutes == 18 * 60
    assert answer.fix.proven
    assert_fix_works(answer.problem, answer.fix)
    sentence = answer.fix.sentence()
    assert "18 more caregiver hours" in sentence
    assert "Monday, Wednesday and Friday" in sentence
    assert "09:00–15:00" in sentence
    assert "at least" not in sentence  # proven: no bound to add
    assert sentence.endswith(".")
    assert answer.fit == (1, 18 * 60, 0)


def test_a_fix_above_the_lower_bound_is_not_proven_and_still_works() -> None:
    # Already impossible without the new child: a4 (Monday and Tuesday) needs a second
    # caregiver in ga, b4 (Tuesday) one in gb, and neither fits in the other's room (5
    # places each) on Tuesday; the floater f works both days but is in one group all week.
    # Counted over the whole program there is staff enough on Monday and Tuesday, so the
    # lower bound only sees Wednesday, when the new child makes 9 toddlers for 2
    # caregivers. The fix found also needs a caregiver on Tuesday.
    children = [kid(f"a{i}", 20, "ga", "sa1") for i in range(4)]
    children.append(kid("a4", 20, "ga", "f", schedule=week("08:00-16:00", ("mon", "tue"))))
    children += [kid(f"b{i}", 22, "gb", "sb1") for i in range(4)]
    children.append(kid("b4", 22, "gb", None, schedule=week("08:00-16:00", ("tue",))))
    caregivers = [
        carer("sa1", "ga"),
        carer("sb1", "gb"),
        carer("f", "ga", shifts=week("07:30-16:30", ("mon", "tue"))),
    ]
    problem = program([("r1", 5), ("r2", 5)], children, caregivers, {"ga": "r1", "gb": "r2"})
    wednesday = week("08:00-16:00", ("wed",))
    answer = enroll(problem, kid("new", 18, schedule=wednesday), start=JAN, time_limit=LIMIT)
    assert answer.status == "no"
    assert answer.reasons[0].startswith("The program cannot meet the rules in that month")
    assert answer.fix is not None
    assert answer.fix.least_minutes == 8 * 60
    assert Shortfall("wed", hm("08:00"), hm("16:00"), 1) in answer.fix.shortfalls
    assert answer.fix.staff_minutes > answer.fix.least_minutes
    assert not answer.fix.proven
    assert_fix_works(answer.problem, answer.fix)
    sentence = answer.fix.sentence()
    assert sentence == (
        "needs 16 more caregiver hours a week: Tuesday and Wednesday during the day "
        "(08:00–16:00) (any fix needs at least 8 hours)."
    )


def test_when_only_primary_places_are_short_the_fix_says_so() -> None:
    # sa1 is primary for four (her limit), Monday to Wednesday. The new child comes on
    # Thursday and Friday, when nobody else is there: sa1 could look after her, but cannot
    # be her primary caregiver too. No extra time is needed, one more primary caregiver is.
    mon_wed = week("08:00-16:00", ("mon", "tue", "wed"))
    children = [kid(f"a{i}", 20, "ga", "sa1", schedule=mon_wed) for i in range(4)]
    problem = program([("r1", 8)], children, [carer("sa1", "ga")], {"ga": "r1"})
    thu_fri = week("08:00-16:00", ("thu", "fri"))
    answer = enroll(problem, kid("new", 18, schedule=thu_fri), start=JAN, time_limit=LIMIT)
    assert answer.status == "no"
    assert any("primary caregiver" in r for r in answer.reasons)
    assert answer.fix is not None
    assert answer.fix.shortfalls == [] and answer.fix.other == []
    assert answer.fix.primary == 1 and answer.fix.least_minutes == 0
    assert answer.fix.proven  # no time at all, and one caregiver: nothing smaller works
    assert 0 < answer.fix.size < 8 * 60
    assert_fix_works(answer.problem, answer.fix)
    assert answer.fix.sentence() == (
        "needs 1 more caregiver who can be primary caregiver for the children, on any hours "
        "(or a higher maximum of primary children for a caregiver now)."
    )


def test_two_caregivers_at_once_are_asked_for_where_two_are_short() -> None:
    # Already short without the new child: sa1 alone with eight toddlers (two needed).
    # The new toddler, 10:00-12:00 on Mondays, makes nine: three needed then. The lower
    # bound (one caregiver 08:00-16:00 every day, a second 10:00-12:00 on Monday) is enough.
    children = [kid(f"a{i}", 20, "ga", "sa1" if i < 4 else None) for i in range(8)]
    problem = program([("r1", 8), ("r2", 8)], children, [carer("sa1", "ga")], {"ga": "r1"})
    monday = week("10:00-12:00", ("mon",))
    answer = enroll(problem, kid("new", 18, schedule=monday), start=JAN, time_limit=LIMIT)
    assert answer.status == "no"
    assert answer.fix is not None and answer.fix.proven
    assert answer.fix.least_minutes == answer.fix.staff_minutes == 40 * 60 + 2 * 60
    assert_fix_works(answer.problem, answer.fix)
    assert len(hired(answer.fix)) == 2


def test_what_staff_cannot_fix_is_said_instead() -> None:
    # Room r1 holds 4 and is the only room: no number of caregivers makes room for a fifth.
    base = one_caregiver()
    problem = replace(base, caregivers=(*base.caregivers, carer("sa2", "ga")))
    problem = replace(problem, rooms=(Room("r1", 4),))
    answer = enroll(problem, kid("new", 18), start=JAN, time_limit=LIMIT)
    assert answer.status == "no"
    assert answer.reasons
    assert answer.fix is not None
    assert answer.fix.shortfalls == [] and not answer.fix.proven
    assert answer.fix.other
    assert any("room" in text for text in answer.fix.other)
    assert answer.fix.size >= 5 * 24 * 60
    assert "room" in answer.fix.sentence()


def test_when_no_staff_makes_room_the_fix_says_so_and_offers_no_staffing() -> None:
    # Each room holds one group (max_groups 1) and 10 children. ga: six infants (the most an
    # infant group may hold) with sa1 and sa2; gb: eight toddlers (the most for toddlers)
    # with sb1 and sb2. A seventh infant is one child too many for either group, and there
    # is no room for a third group. The first reason is about staff (15 children need 5
    # caregivers, 4 work), but no number of caregivers helps: the fix must say what staff
    # cannot fix (the group size, every room holding its group), not repeat the shortfall.
    children = [kid(f"a{i}", 7, "ga", "sa1" if i < 3 else "sa2") for i in range(6)]
    children += [kid(f"b{i}", 22, "gb", "sb1" if i < 4 else "sb2") for i in range(8)]
    caregivers = [carer("sa1", "ga"), carer("sa2", "ga"), carer("sb1", "gb"), carer("sb2", "gb")]
    problem = program([("r1", 10), ("r2", 10)], children, caregivers, {"ga": "r1", "gb": "r2"})
    assert all(room.max_groups == 1 for room in problem.rooms)
    answer = enroll(problem, kid("baby", 7), start=JAN, time_limit=LIMIT, fix_time=0)
    assert answer.status == "no"
    assert "only 4 caregivers" in answer.reasons[0] and "needs at least 5" in answer.reasons[0]
    assert answer.fix is None and answer.fix_pending  # the answer first, the fix after
    fix = find_fix(answer)
    assert fix is answer.fix and fix is not None and not answer.fix_pending
    # no staffing fix is offered, and the shortfall is not repeated as if it were one
    assert fix.shortfalls == [] and fix.primary == 0 and not fix.proven
    assert fix.other and fix.size >= 5 * 24 * 60
    summary = fix.other[0]
    assert summary.startswith(
        "Even with 4 more caregivers, working whenever children are there, no plan meets every "
        "rule: "
    )
    assert "every room already holds its group" in summary
    assert "no room for another group of the birth-12 months band" in summary
    assert "would have 7 children where at most 6 are allowed" in summary
    sentence = fix.sentence()
    assert "needs at least 5" not in sentence and "caregiver hour" not in sentence
    assert "caregivers on shift" not in sentence  # the extra caregivers are not named
    assert "extra-" not in sentence
    # independently: even three more full-time caregivers leave no plan possible
    assert answer.problem is not None
    extra = [Caregiver(id=f"hired-{n}", shifts=SHIFT) for n in range(3)]
    hired_three = replace(answer.problem, caregivers=(*answer.problem.caregivers, *extra))
    assert solve(hired_three, time_limit=5, workers=2).status == "infeasible"
    # had the ample staff been neither proved too little nor enough in time, nothing is
    # claimed: only what the closest arrangement found with it still breaks
    unproven = _beyond_staff(
        answer.problem, _ample(answer.problem), proven=False, time_limit=LIMIT, workers=2
    )
    assert unproven[0].startswith("No fix was found in the time given: with 4 more caregivers")
    assert "none was proven impossible" in unproven[0]
    assert not any("every room already holds" in text for text in unproven)
    assert any("allows at most 6 children in the group" in text for text in unproven[1:])
    # the same answer with the fix looked for at once
    at_once = enroll(problem, kid("baby", 7), start=JAN, time_limit=LIMIT)
    assert at_once.fix is not None and not at_once.fix_pending
    assert at_once.fix.shortfalls == [] and at_once.fix.other[0] == summary


def test_a_fix_of_several_caregivers_is_found_and_checked() -> None:
    # Three rooms of 5, each holding one group of five toddlers with one caregiver: every
    # group needs a second caregiver (1:4), and no child can move (every room is full). The
    # lower bound sees the program as a whole (15 toddlers, 4 caregivers needed, 3 work):
    # one more caregiver. But a caregiver is in one group, so three are needed, one per
    # room: neither the lower bound's caregiver nor one more besides is enough, and the fix
    # is three caregivers working the children's hours (checked, not proven smallest).
    children, caregivers = [], []
    for g in ("a", "b", "c"):
        children += [kid(f"{g}{i}", 20, f"g{g}", f"s{g}" if i < 4 else None) for i in range(5)]
        caregivers.append(carer(f"s{g}", f"g{g}"))
    rooms = [("ra", 5), ("rb", 5), ("rc", 5)]
    problem = program(rooms, children, caregivers, {"ga": "ra", "gb": "rb", "gc": "rc"})
    answer = staffing(problem, "sa", start=JAN, shifts=SHIFT, time_limit=LIMIT, fix_time=0)
    assert answer.status == "no"  # the same shifts: the program as it stands
    fix = find_fix(answer, time_limit=20)
    assert fix is not None and fix.other == [] and fix.primary == 0
    assert fix.least_minutes == 40 * 60
    assert fix.shortfalls == [Shortfall(day, hm("08:00"), hm("16:00"), 3) for day in WEEK]
    assert not fix.proven
    assert_fix_works(answer.problem, fix)
    assert len(hired(fix)) == 3
    # two would not do
    assert answer.problem is not None
    two = [Caregiver(id=f"hired-{n}", shifts=FULL) for n in range(2)]
    with_two = replace(answer.problem, caregivers=(*answer.problem.caregivers, *two))
    assert solve(with_two, time_limit=5, workers=2).status == "infeasible"


def test_the_fix_can_be_looked_for_after_the_answer() -> None:
    # one_caregiver's no (see test_no_capacity_gives_reasons_and_the_smallest_fix), answered
    # without its fix, then with it: the same fix as when it is looked for at once
    mwf = week("09:00-15:00", ("mon", "wed", "fri"))
    answer = enroll(one_caregiver(), kid("new", 18, schedule=mwf), start=JAN, fix_time=0)
    assert answer.status == "no" and answer.reasons
    assert answer.fix is None and answer.fix_pending and answer.fix_seconds == 0
    assert answer.fit == (1, 10**9, 0)  # sorted with what is known: no fix yet
    fix = find_fix(answer, time_limit=LIMIT)
    assert fix is not None and fix.proven and fix.staff_minutes == 18 * 60
    assert answer.fix is fix and not answer.fix_pending and answer.fix_seconds > 0
    assert answer.fit == (1, 18 * 60, 0)
    assert find_fix(answer) is fix  # nothing more to look for
    assert_fix_works(answer.problem, fix)
    # a yes has no fix to look for
    yes = enroll(spare(), kid("new", 18), start=JAN, time_limit=LIMIT, fix_time=0)
    assert yes.status == "yes" and not yes.fix_pending and find_fix(yes) is None
    # a caregiver leaving, likewise
    leaving = staffing(two_full_groups(), "sa1", start=JAN, time_limit=LIMIT, fix_time=0)
    assert leaving.status == "no" and leaving.fix is None and leaving.fix_pending
    found = find_fix(leaving, time_limit=LIMIT)
    assert found is not None and found.proven and found.staff_minutes == 40 * 60
    # ranking without fixes: every answer, sorted by what is known; the fixes after
    entries = [(kid("saturday", 18, schedule=week("08:00-16:00", ("sat",))), JAN)]
    entries += [(kid("toddler", 18), JAN)]
    ranked = rank(crowded(), entries, time_limit=LIMIT, fix_time=0)
    assert [(a.child, a.fix_pending) for a in ranked] == [("toddler", False), ("saturday", True)]
    find_fix(ranked[1], time_limit=LIMIT)
    assert [a.child for a in by_fit(ranked)] == ["toddler", "saturday"]
    assert ranked[1].fix is not None and ranked[1].fix.staff_minutes == 8 * 60


@pytest.mark.parametrize(
    ("birth", "words"),
    [
        (date(2027, 3, 1), "not born yet"),
        (date(2020, 1, 1), "84 months old; cfoc-center covers children of 0 to 71 months"),
    ],
)
def test_a_child_outside_the_rule_sets_ages_cannot_be_enrolled(birth: date, words: str) -> None:
    child = Child(id="x", birth_date=birth, schedule=FULL)
    answer = enroll(spare(), child, start=JAN, time_limit=LIMIT)
    assert answer.status == "no"
    assert answer.plan is None and answer.fix is None
    assert len(answer.reasons) == 1 and words in answer.reasons[0]
    assert answer.fit == (1, 10**9, 0)


@pytest.mark.parametrize("seed", [1, 3])
def test_a_generated_program_answers_consistently(seed: int) -> None:
    # Whatever the answer for an infant joining a generated program (staffed to its need),
    # a yes is a valid plan with the infant in it, a no comes with a fix that works (seed
    # 1: no, 1.5 hours on two mornings; seed 3: yes).
    problem = generate(children=10, seed=seed, as_of=AS_OF)
    answer = enroll(problem, kid("baby", 5), start=JAN, time_limit=LIMIT)
    if answer.status == "yes":
        assert_valid(answer.problem, answer.plan)
        assert answer.plan is not None and "baby" in answer.plan.group_of()
    else:
        assert answer.status == "no" and answer.reasons
        assert answer.fix is not None
        if answer.fix.shortfalls:
            assert_fix_works(answer.problem, answer.fix)


# -- rank ----------------------------------------------------------------------------------


def test_rank_puts_yes_before_no_and_fewer_effects_first() -> None:
    # On `crowded`: a toddler fits in gb with nothing moving; the infant fits by moving a
    # toddler (two changes); a Saturday child needs a caregiver on Saturday (a fix of 8
    # hours); a child too old for the rules has no fix at all.
    problem = crowded()
    saturday = week("08:00-16:00", ("sat",))
    entries = [
        (Child(id="old", birth_date=date(2020, 1, 1), schedule=FULL), JAN),
        (kid("saturday", 18, schedule=saturday), JAN),
        (kid("baby", 7), JAN),
        (kid("toddler", 18), JAN),
    ]
    seen: list[str] = []
    answers = rank(problem, entries, progress=seen.append, time_limit=LIMIT)
    assert [a.child for a in answers] == ["toddler", "baby", "saturday", "old"]
    assert [a.status for a in answers] == ["yes", "yes", "no", "no"]
    assert [len(a.effects) for a in answers[:2]] == [0, 2]
    # every child is answered first, then the fixes are looked for
    assert seen == [
        "1 of 4 waitlisted children answered",
        "2 of 4 waitlisted children answered",
        "3 of 4 waitlisted children answered",
        "4 of 4 waitlisted children answered",
        "smallest fix looked for: 1 of 1 children who cannot start",
    ]
    assert not any(a.fix_pending for a in answers)
    for answer in answers[:2]:
        assert_valid(answer.problem, answer.plan)
    saturday_fix = answers[2].fix
    assert saturday_fix is not None
    assert saturday_fix.shortfalls == [Shortfall("sat", hm("08:00"), hm("16:00"), 1)]
    assert "Saturday" in saturday_fix.sentence()
    assert_fix_works(answers[2].problem, saturday_fix)
    assert answers[3].fix is None
    assert [a.fit for a in answers] == sorted(a.fit for a in answers)


# -- staffing ------------------------------------------------------------------------------


def primaries_changed(answer: Staffing, problem: Problem) -> set[str]:
    assert answer.plan is not None
    return {
        c.id
        for c in problem.children
        if c.current is not None and answer.plan.primary.get(c.id) != c.current.primary
    }


def groups_changed(answer: Staffing, problem: Problem) -> set[str]:
    assert answer.plan is not None
    where = answer.plan.group_of()
    return {
        c.id
        for c in problem.children
        if c.current is not None and where[c.id].id != c.current.group
    }


def test_a_caregiver_leaving_changes_only_their_primary_children() -> None:
    # sa1 leaves: sa2 and sa3 stay in ga with room for a0 and a1. Only those two change
    # primary caregiver; no child changes group (not even a0, whose Spanish-speaking
    # match is in gb: a caregiver may come to ga instead, children stay).
    problem = three_each()
    answer = staffing(problem, "sa1", start=JAN, time_limit=LIMIT)
    assert (answer.status, answer.change) == ("yes", "leaves")
    assert_valid(answer.problem, answer.plan)
    assert answer.problem is not None and "sa1" not in {s.id for s in answer.problem.caregivers}
    assert answer.plan is not None and "sa1" not in answer.plan.caregiver_group()
    assert primaries_changed(answer, problem) == {"a0", "a1"}
    assert groups_changed(answer, problem) == set()
    assert kinds(answer.affected) == {("a0", "primary"), ("a1", "primary")}
    assert {(c.before, c.reason) for c in answer.affected} == {("sa1", "caregiver_left")}
    assert answer.anyway == [] and answer.reasons == [] and answer.fix is None
    for c in answer.affected:
        assert c.after in answer.plan.group_of()[c.child].caregivers


def test_going_part_time_changes_nothing_when_the_group_is_still_covered() -> None:
    # sa1 works mornings only: sa2 and sa3 cover ga's afternoons, and a primary caregiver
    # need not be on shift, so a0 and a1 keep sa1.
    problem = three_each()
    mornings = week("07:30-12:30")
    answer = staffing(problem, "sa1", start=JAN, shifts=mornings, time_limit=LIMIT)
    assert (answer.status, answer.change) == ("yes", "part-time")
    assert_valid(answer.problem, answer.plan)
    assert answer.affected == []
    assert answer.plan is not None and answer.plan.primary["a0"] == "sa1"
    assert answer.problem is not None and answer.problem.caregiver("sa1").shifts == mornings


def test_going_part_time_reports_the_caregivers_children_with_reason_schedule() -> None:
    # ga: six infants (1:3, at most 6) with sa1 (primary of a0..a2) and sa2 (a3..a5); its
    # room holds 6. gb: toddlers b0..b3 all day and b4..b7 afternoons, with sb1 (b0..b3)
    # and sb2 (b4..b7); its room holds 8. sa1 now works afternoons only: ga is short in the
    # mornings. No child can change room (full, or infants among 8 toddlers), so a
    # caregiver of gb must swap with sa1, whose infants take a new primary caregiver (the
    # schedule change is why) and so do the swapped caregiver's toddlers (to meet the
    # rules).
    children = [kid(f"a{i}", 7, "ga", "sa1" if i < 3 else "sa2") for i in range(6)]
    children += [kid(f"b{i}", 22, "gb", "sb1") for i in range(4)]
    afternoons = week("12:00-16:00")
    children += [kid(f"b{i}", 22, "gb", "sb2", schedule=afternoons) for i in range(4, 8)]
    caregivers = [carer("sa1", "ga"), carer("sa2", "ga"), carer("sb1", "gb"), carer("sb2", "gb")]
    problem = program([("r1", 6), ("r2", 8)], children, caregivers, {"ga": "r1", "gb": "r2"})
    answer = staffing(problem, "sa1", start=JAN, shifts=week("12:00-16:30"), time_limit=LIMIT)
    assert (answer.status, answer.change) == ("yes", "part-time")
    assert_valid(answer.problem, answer.plan)
    assert answer.plan is not None
    assert set(answer.plan.caregiver_group()["sa1"].children) & {f"b{i}" for i in range(8)}
    schedule = {c.child for c in answer.affected if c.reason == "schedule"}
    assert schedule == {"a0", "a1", "a2"}
    assert all(c.reason == "schedule" for c in answer.affected if c.before == "sa1")
    others = {c.child for c in answer.affected if c.reason != "schedule"}
    assert others and others <= {f"b{i}" for i in range(8)}
    assert {c.reason for c in answer.affected} == {"schedule", "plan"}
    assert primaries_changed(answer, problem) == {c.child for c in answer.affected}
    assert groups_changed(answer, problem) == set()


def test_a_caregiver_leaving_when_the_others_cannot_cover_gives_the_fix() -> None:
    # Every caregiver of two_full_groups is needed: without sa1, 16 toddlers have 3
    # caregivers (4 needed) and 12 primary places. One caregiver 08:00-16:00 on weekdays
    # (the children's hours) fixes both, and no less can.
    problem = two_full_groups()
    answer = staffing(problem, "sa1", start=JAN, time_limit=LIMIT)
    assert answer.status == "no"
    assert answer.plan is None and answer.affected == []
    assert answer.reasons
    assert answer.fix is not None
    assert answer.fix.shortfalls == [Shortfall(day, hm("08:00"), hm("16:00"), 1) for day in WEEK]
    assert answer.fix.proven and answer.fix.staff_minutes == 40 * 60
    assert_fix_works(answer.problem, answer.fix)
    sentence = answer.fix.sentence()
    assert sentence.startswith("needs 40 more caregiver hours a week: ")
    assert "Monday, Tuesday, Wednesday, Thursday and Friday" in sentence
    assert "08:00–16:00" in sentence


# -- bad input -----------------------------------------------------------------------------


def _enroll(
    problem: Problem,
    child: Child,
    start: date = JAN,
    hours: tuple[int, int] | None = None,
) -> Enrollment:
    return enroll(problem, child, start=start, hours=hours, time_limit=LIMIT)


def _staffing(
    problem: Problem,
    caregiver: str,
    start: date = JAN,
    shifts: Schedule | None = None,
    hours: tuple[int, int] | None = None,
) -> Staffing:
    return staffing(problem, caregiver, start=start, shifts=shifts, hours=hours, time_limit=LIMIT)


HOURS = (hm("07:00"), hm("18:00"))


@pytest.mark.parametrize(
    ("ask", "field", "words"),
    [
        (lambda p: _enroll(p, kid("new", 18), start=date(2026, 11, 30)), "start", "before"),
        (lambda p: _staffing(p, "sa1", start=date(2026, 11, 1)), "start", "before"),
        (lambda p: _enroll(p, kid("a0", 18)), "child", "already enrolled"),
        (
            lambda p: _enroll(p, kid("new", 18, schedule=week("06:00-10:00")), hours=HOURS),
            "schedule",
            "outside the program's hours (07:00–18:00)",
        ),
        (
            lambda p: _enroll(p, kid("new", 18, schedule={"mon": (Span(600, 540),)})),
            "schedule",
            "ends before it starts",
        ),
        (
            lambda p: _enroll(p, kid("new", 18, schedule={"monday": (Span(540, 600),)})),
            "schedule",
            "is not a day",
        ),
        (lambda p: _enroll(p, kid("new", 18, schedule={})), "schedule", "attends no day"),
        (lambda p: _enroll(p, kid("new", 18, schedule={"mon": ()})), "schedule", "no day"),
        (lambda p: _staffing(p, "nobody"), "caregiver", "'nobody' is not a caregiver"),
        (
            lambda p: _staffing(p, "sa1", shifts=week("12:00-19:00"), hours=HOURS),
            "shifts",
            "outside the program's hours",
        ),
        (
            lambda p: _staffing(p, "sa1", shifts={"tue": (Span(900, 800),)}),
            "shifts",
            "ends before it starts",
        ),
    ],
)
def test_bad_input_names_the_field(
    ask: Callable[[Problem], object], field: str, words: str
) -> None:
    with pytest.raises(WhatIfError) as caught:
        ask(spare())
    assert caught.value.field == field
    assert words in caught.value.message
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


def test_a_schedule_inside_the_hours_is_accepted() -> None:
    # the opening hours' ends are inside (the caregivers work 07:30-16:30)
    inside = week("07:30-16:30", ("mon",))
    hours = (hm("07:30"), hm("16:30"))
    answer = enroll(
        spare(), kid("new", 18, schedule=inside), start=AS_OF, hours=hours, time_limit=LIMIT
    )
    assert answer.status == "yes"
    assert_valid(answer.problem, answer.plan)


# -- the fix in words ----------------------------------------------------------------------


def test_the_fix_reads_as_a_sentence() -> None:
    fix = Fix(
        shortfalls=[
            Shortfall("mon", hm("07:00"), hm("11:00")),
            Shortfall("tue", hm("07:00"), hm("11:00")),
            Shortfall("wed", hm("13:00"), hm("17:30"), caregivers=2),
        ],
        least_minutes=8 * 60,
    )
    assert fix.staff_minutes == 17 * 60
    assert not fix.proven
    assert fix.sentence() == (
        "needs 17 more caregiver hours a week: Monday and Tuesday morning (07:00–11:00); "
        "Wednesday afternoon (13:00–17:30, 2 caregivers at once) "
        "(any fix needs at least 8 hours)."
    )
    assert Fix(shortfalls=[Shortfall("fri", 600, 630)], least_minutes=30).sentence() == (
        "needs 0.5 more caregiver hours a week: Friday morning (10:00–10:30)."
    )
    one = Fix(shortfalls=[Shortfall("fri", hm("10:00"), hm("11:00"))], least_minutes=30)
    assert one.sentence() == (
        "needs 1 more caregiver hour a week: Friday morning (10:00–11:00) "
        "(any fix needs at least 0.5 hours)."
    )
    assert Fix().sentence() == ""
    assert Fix(other=["The rooms hold 4 in all."]).sentence() == "The rooms hold 4 in all."
    both = Fix(shortfalls=[Shortfall("thu", hm("09:00"), hm("15:00"))], other=["Too big."])
    assert both.sentence() == (
        "needs 6 more caregiver hours a week: Thursday during the day (09:00–15:00); Too big."
    )
