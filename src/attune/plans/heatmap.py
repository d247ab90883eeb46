"""Spare staff per group, weekday and time slot: the plan board's ratio heatmap.

Pure Python on the planner's public data (``planner.model``, ``planner.rules``); no Django.
How many caregivers a group needs follows docs/planner.md ("How a group is judged"): the
mixed-group rule, then the rule set's method (youngest, majority, weighted), then its limits.
A slot shows its worst moment: the fewest spare caregivers (or a rule no staffing can meet).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from planner.model import Plan, Problem, Span
from planner.rules import RuleSet

GROUP_SIZE = "group-size"  # more children present than the group may hold
LIMIT = "limit"  # too many of the youngest children, whatever the staff


@dataclass(frozen=True)
class Need:
    staff: int  # caregivers the children present need
    over: str | None = None  # GROUP_SIZE or LIMIT: no number of caregivers is enough


def _band(rules: RuleSet, months: int) -> int:
    index = rules.band_index(months)
    if index is not None:
        return index
    return 0 if months < rules.bands[0].min_months else len(rules.bands) - 1


def staff_needed(rules: RuleSet, ages: Sequence[int]) -> Need:
    """Caregivers needed for children of these ages (completed months) present together."""
    n = len(ages)
    if n == 0:
        return Need(0)
    bands = rules.bands
    per_band = Counter(_band(rules, months) for months in ages)
    need = 1  # every group with a child present needs a caregiver
    over: str | None = None
    mixed = rules.mixed_group
    if mixed is not None and len(per_band) >= 2:
        if n > mixed.max_group:
            over = GROUP_SIZE
        need = max(need, math.ceil(Fraction(n) / mixed.ratio))
    elif rules.mixed_age == "weighted":
        share = sum((Fraction(c) / bands[i].ratio for i, c in per_band.items()), Fraction(0))
        need = max(need, math.ceil(share))
        if sum((Fraction(c, bands[i].max_group) for i, c in per_band.items()), Fraction(0)) > 1:
            over = GROUP_SIZE
    else:
        if rules.mixed_age == "majority":
            most = max(per_band.values())
            chosen = min(i for i, c in per_band.items() if c == most)  # ties: the younger band
        else:
            chosen = _band(rules, min(ages))
        band = bands[chosen]
        staff = band.staff_for(n)
        if staff is None:
            over = GROUP_SIZE
            staff = math.ceil(Fraction(n) / band.ratio)
        need = max(need, staff)
    for limit in rules.limits:
        young = sum(1 for months in ages if months < limit.under_months)
        if not young:
            continue
        if limit.per == "caregiver":
            if limit.max == 0:
                over = over or LIMIT
            else:
                need = max(need, math.ceil(young / limit.max))
        elif young > limit.max:
            over = over or LIMIT
    return Need(need, over)


@dataclass(frozen=True)
class Cell:
    """One slot of one day for one group, at its worst moment."""

    start: int  # minutes since midnight
    end: int
    children: int = 0  # children present then
    staff: int = 0  # the group's caregivers on shift then
    needed: int = 0
    over: str | None = None

    @property
    def empty(self) -> bool:
        return self.children == 0

    @property
    def spare(self) -> int:
        return self.staff - self.needed

    @property
    def state(self) -> str:
        """empty, over (no staffing meets the rules), short, even (no one to spare), spare."""
        if self.empty:
            return "empty"
        if self.over is not None:
            return "over"
        if self.spare < 0:
            return "short"
        return "even" if self.spare == 0 else "spare"

    @property
    def breaks_rules(self) -> bool:
        return self.state in ("over", "short")


@dataclass(frozen=True)
class Row:
    day: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class GroupHeat:
    group: str
    rows: tuple[Row, ...]

    @property
    def breaks_rules(self) -> bool:
        return any(cell.breaks_rules for row in self.rows for cell in row.cells)


def _on(spans: Sequence[Span], minute: int) -> bool:
    return any(span.covers(minute) for span in spans)


def _worst(cells: Sequence[Cell]) -> Cell | None:
    """The cell that is worst off: a rule no staffing meets, then the fewest spare staff."""
    present = [c for c in cells if not c.empty]
    if not present:
        return None
    return min(present, key=lambda c: (c.over is None, c.spare, -c.children))


def slot_bounds(problem: Problem, days: Sequence[str], start: int, end: int, step: int) -> range:
    """Slot starts covering [start, end) and every child's hours on `days`, on `step` minutes."""
    first, last = start, end
    for child in problem.children:
        for day in days:
            for span in child.schedule.get(day, ()):
                first, last = min(first, span.start), max(last, span.end)
    first -= first % step
    return range(first, last, step)


def heatmap(
    problem: Problem,
    plan: Plan,
    *,
    days: Sequence[str],
    start: int,
    end: int,
    step: int = 30,
) -> list[GroupHeat]:
    """For each group of the plan: per day, one cell per `step` minutes from `start` to `end`
    (widened to every child's hours)."""
    rules = problem.program.rules
    children = {c.id: c for c in problem.children}
    caregivers = {s.id: s for s in problem.caregivers}
    slots = slot_bounds(problem, days, start, end, step)
    out = []
    for group in plan.groups:
        kids = [children[c] for c in dict.fromkeys(group.children) if c in children]
        staff = [caregivers[s] for s in dict.fromkeys(group.caregivers) if s in caregivers]
        ages = {c.id: problem.age_months(c) for c in kids}
        rows = []
        for day in days:
            kid_spans = {c.id: c.schedule.get(day, ()) for c in kids}
            staff_spans = [s.shifts.get(day, ()) for s in staff]
            changes = sorted(
                {
                    x
                    for spans in kid_spans.values()
                    for span in spans
                    for x in (span.start, span.end)
                }
                | {x for spans in staff_spans for span in spans for x in (span.start, span.end)}
            )
            cells = []
            for slot_start in slots:
                slot_end = slot_start + step
                moments = [slot_start, *(t for t in changes if slot_start < t < slot_end)]
                judged = []
                for minute in moments:
                    present = [ages[c] for c, spans in kid_spans.items() if _on(spans, minute)]
                    if not present:
                        continue
                    on_shift = sum(1 for spans in staff_spans if _on(spans, minute))
                    need = staff_needed(rules, present)
                    judged.append(
                        Cell(slot_start, slot_end, len(present), on_shift, need.staff, need.over)
                    )
                cells.append(_worst(judged) or Cell(slot_start, slot_end))
            rows.append(Row(day, tuple(cells)))
        out.append(GroupHeat(group.id, tuple(rows)))
    return out
