"""Why a problem has no plan, in sentences a director can act on.

Two steps. `prechecks` tests necessary conditions moment by moment (staff on shift against
the fewest staff any grouping could need, room capacity, primary places); a failure names
the day, the time span, the children and caregivers, and the smallest fix. When those pass
and CP-SAT still proves the problem infeasible, `explain_infeasible` solves a relaxed model
(the rules may be broken, by as few staff-minutes and places as possible) and describes what
the least-bad arrangement breaks, again with the fix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from planner import cpsat, timeline
from planner.model import DAY_NAMES, Child, Problem, Violation, hhmm
from planner.rules import Age, Member, RuleSet, child_class, largest_group, least_shares


def _names(ids: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _plural(n: int, one: str, many: str | None = None) -> str:
    """'1 child', '2 children'; `one`/`many` may carry the verb: 'child is'/'children are'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


_Members = Sequence[Member] | Sequence[int] | Sequence[Age]


def _as_members(members: _Members) -> list[Member]:
    out: list[Member] = []
    for i, m in enumerate(members):
        if isinstance(m, Member):
            out.append(m)
        else:
            assert isinstance(m, int | Age)
            out.append(Member(f"c{i}", m if isinstance(m, Age) else Age.from_months(m)))
    return out


def fewest_staff(
    rule_sets: RuleSet | Sequence[RuleSet],
    members: _Members,
    *,
    periods: frozenset[str] = frozenset(),
) -> int:
    """Staff that every way of grouping these children needs at least (0 for nobody), under
    every rule set at once (planner.rules.staff_needed decides what a group needs)."""
    sets = (rule_sets,) if isinstance(rule_sets, RuleSet) else tuple(rule_sets)
    people = _as_members(members)
    if not people:
        return 0
    biggest = min(largest_group(rs) for rs in sets)
    need = math.ceil(len(people) / biggest)  # groups needed, each with a caregiver
    reps: dict[tuple[Any, ...], Member] = {}
    counts: dict[tuple[Any, ...], int] = {}
    for m in people:
        c = child_class(sets, m)
        reps.setdefault(c, m)
        counts[c] = counts.get(c, 0) + 1
    weights = least_shares(sets, reps, periods)
    if weights is not None:
        share = sum((weights[c] * n for c, n in counts.items()), Fraction(0))
        need = max(need, math.ceil(share))
    elif all(rs.monotone and not rs.reliefs for rs in sets):
        # each child takes at least 1/ratio of a caregiver, at the band's most lenient tier
        share = Fraction(0)
        for m in people:
            most = Fraction(0)
            for rs in sets:
                band = rs.band_for(m.age)
                if band is not None:
                    lenient = max(t.children_per_staff for t in band.tiers)
                    most = max(most, 1 / lenient)
            share += most
        need = max(need, math.ceil(share))
    return need


@dataclass
class _Shortfall:
    day: str
    start: int
    end: int
    children: list[str]
    caregivers: list[str]
    need: int


def _band_counts(problem: Problem, children: Sequence[Child]) -> str:
    counts: dict[str, int] = {}
    for child in children:
        band = problem.program.rules.band_for(problem.age(child))
        assert band is not None
        counts[band.label] = counts.get(band.label, 0) + 1
    return ", ".join(f"{n} {label}" for label, n in counts.items())


def _set_names(rule_sets: Sequence[RuleSet]) -> str:
    names = [rs.id for rs in rule_sets]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _is_child(problem: Problem, child_id: str) -> bool:
    return any(c.id == child_id for c in problem.children)


def _staff_fix(problem: Problem, day: str, start: int, end: int, missing: int, on: set[str]) -> str:
    """The smallest shift changes that put `missing` more caregivers on [start, end)."""
    options: list[tuple[int, str]] = []
    for caregiver in problem.caregivers:
        if caregiver.id in on:
            continue
        best: tuple[int, str] | None = None
        for span in caregiver.shifts.get(day, ()):
            changes = []
            if span.start > start:
                changes.append(f"start at {hhmm(start)} (now {hhmm(span.start)})")
            if span.end < end:
                changes.append(f"stay until {hhmm(end)} (now {hhmm(span.end)})")
            cost = max(0, span.start - start) + max(0, end - span.end)
            if changes and (best is None or cost < best[0]):
                best = (cost, f"{caregiver.id} to " + " and ".join(changes))
        if best is not None:
            options.append(best)
    options.sort()
    people = "one more caregiver" if missing == 1 else f"{missing} more caregivers"
    when = f"{DAY_NAMES[day]} {hhmm(start)}–{hhmm(end)}"
    if not options:
        return f"Add {people} on {when}."
    shown = "; or ".join(text for _, text in options[: max(missing, 2)])
    return f"Fix: {people} on shift then, e.g. extend the shift of {shown}."


def _arrival_fix(
    problem: Problem, day: str, start: int, end: int, children: list[Child], staff: int
) -> str:
    """The fewest children whose arrival (or departure) moving out of the span fixes it."""
    rules = problem.program.rule_sets
    periods = problem.program.periods_at(day, start)
    arriving = [c for c in children if any(s.start == start for s in c.schedule.get(day, ()))]
    leaving = [c for c in children if any(s.end == end for s in c.schedule.get(day, ()))]
    for movable, verb in (
        (arriving, f"arrive at {hhmm(end)}"),
        (leaving, f"leave at {hhmm(start)}"),
    ):
        rest = list(children)
        moved: list[str] = []
        # youngest first: they need the most staff
        for child in sorted(movable, key=problem.age_months):
            if fewest_staff(rules, [problem.member(c) for c in rest], periods=periods) <= staff:
                break
            rest.remove(child)
            moved.append(child.id)
        if (
            moved
            and fewest_staff(rules, [problem.member(c) for c in rest], periods=periods) <= staff
        ):
            return f"Or have {_plural(len(moved), 'child', 'children')} ({_names(moved)}) {verb} instead."
    return ""


def prechecks(problem: Problem) -> list[str]:
    """Necessary conditions, checked exactly; each failure is one sentence with its fix."""
    reasons: list[str] = []
    rules = problem.program.rule_sets
    # the caregivers' own children are left out: their caregiver may be in no group (and a
    # bound over fewer children stays a bound)
    members = [problem.member(c) for c in problem.children]
    if not problem.allow_unassigned:
        places = sum(problem.primary_limit(s) for s in problem.caregivers)
        n = len(problem.children)
        if n > places:
            cap = problem.program.primary_cap
            missing = math.ceil((n - places) / cap)
            reasons.append(
                f"{_plural(n, 'child needs', 'children need')} a primary caregiver, and the "
                f"{_plural(len(problem.caregivers), 'caregiver')} can be primary for at most "
                f"{places} (at most {cap} each, fewer where a caregiver's own maximum is lower). "
                f"Add {_plural(missing, 'caregiver')} or raise a caregiver's maximum."
            )
        groups = sum(room.max_groups for room in problem.rooms)
        if groups == 0 and problem.children:
            reasons.append("There are children to place and no room to place them in.")
    shortfalls: list[_Shortfall] = []
    crowding: list[tuple[str, int, int, int, int]] = []
    capacity = sum(room.capacity for room in problem.rooms)
    # when children may be left out, nobody has to be present: nothing below is necessary
    moments = [] if problem.allow_unassigned else timeline.pieces(problem)
    for piece, child_mask, staff_mask in moments:
        present = [c for i, c in enumerate(problem.children) if child_mask >> i & 1]
        on = [s.id for j, s in enumerate(problem.caregivers) if staff_mask >> j & 1]
        need = fewest_staff(
            rules,
            [m for i, m in enumerate(members) if child_mask >> i & 1],
            periods=piece.periods,
        )
        if len(on) < need:
            ids = sorted(c.id for c in present)
            last = shortfalls[-1] if shortfalls else None
            if (
                last
                and last.day == piece.day
                and last.end == piece.start
                and last.need - len(last.caregivers) == need - len(on)
            ):
                last.end = piece.end
                last.children = sorted(set(last.children) | set(ids))
            else:
                shortfalls.append(_Shortfall(piece.day, piece.start, piece.end, ids, on, need))
        if not problem.allow_unassigned and len(present) > capacity:
            crowding.append((piece.day, piece.start, piece.end, len(present), capacity))
    for gap in shortfalls:
        present = [problem.child(i) for i in gap.children]
        staff = len(gap.caregivers)
        on_text = (
            f"only {_plural(staff, 'caregiver')} ({_names(gap.caregivers)})"
            if staff
            else "no caregiver"
        )
        sentence = (
            f"{DAY_NAMES[gap.day]} {hhmm(gap.start)}–{hhmm(gap.end)}: "
            f"{_plural(len(present), 'child is', 'children are')} present ({_band_counts(problem, present)}: "
            f"{_names(gap.children)}) and {on_text} on shift; {_set_names(rules)} "
            f"{'needs' if len(rules) == 1 else 'need'} at least {gap.need}. "
            + _staff_fix(
                problem, gap.day, gap.start, gap.end, gap.need - staff, set(gap.caregivers)
            )
        )
        more = _arrival_fix(problem, gap.day, gap.start, gap.end, present, staff)
        reasons.append(sentence + (" " + more if more else ""))
    for day, start, end, n, cap in crowding:
        reasons.append(
            f"{DAY_NAMES[day]} {hhmm(start)}–{hhmm(end)}: {n} children are present and the rooms "
            f"hold {cap} in all. Move {n - cap} children's times or add room capacity."
        )
    return reasons


def describe(problem: Problem, violation: Violation) -> str:
    """A violation of the least-bad arrangement, with what would fix it."""
    text = violation.message
    if (
        violation.rule in ("ratio", "limit")
        and violation.day
        and violation.start is not None
        and violation.end is not None
    ):
        present = [problem.child(i) for i in violation.children if _is_child(problem, i)]
        rules = problem.program.rule_sets
        need = fewest_staff(
            rules,
            [problem.member(c) for c in present],
            periods=problem.program.periods_at(violation.day, violation.start),
        )
        missing = max(1, need - len(violation.caregivers))
        text += " " + _staff_fix(
            problem,
            violation.day,
            violation.start,
            violation.end,
            missing,
            set(violation.caregivers),
        )
        more = _arrival_fix(
            problem,
            violation.day,
            violation.start,
            violation.end,
            present,
            len(violation.caregivers),
        )
        if more:
            text += " " + more
    elif violation.rule == "group-size":
        text += " Split the group (another room or small group) or move some children's hours."
    elif violation.rule == "room-capacity":
        text += " Use a bigger room, or move some children's arrival or departure."
    elif violation.rule == "primary-load":
        text += (
            " Add a caregiver to the group, or raise the caregiver's maximum if the rules allow."
        )
    elif violation.rule in ("no-primary", "child-not-placed"):
        text += " The group needs another caregiver who can be this child's primary."
    return text


def explain_infeasible(
    problem: Problem, *, time_limit: float = 10.0, workers: int = 2
) -> list[str]:
    """Sentences for a problem CP-SAT proved infeasible (prechecks passed)."""
    from planner.validate import validate

    reasons = prechecks(problem)
    if reasons:
        return reasons
    model = cpsat.PlannerModel(problem, relax=True)
    model.minimize_slack()
    outcome = cpsat.run(model, time_limit=time_limit, workers=workers)
    if outcome.status not in ("optimal", "feasible"):
        return [
            "No plan meets every rule, and no explanation was found within the time limit; "
            "try again with a longer time limit."
        ]
    plan = model.plan(outcome.value, outcome.status)
    violations = validate(problem, plan)
    if not violations:
        return [
            "No plan meets every rule (proved by CP-SAT), but the closest arrangement found breaks none: please report this."
        ]
    return [describe(problem, v) for v in violations]
