"""Spare staff per group, weekday and time slot: the plan board's ratio heatmap.

Pure Python on the planner's public data (``planner.model``, ``planner.rules``); no Django.
How many caregivers a group needs is planner.rules.staff_needed under every rule set of the
program at once (strictest wins; the caregivers' own children count, declared periods such as
nap time apply). A slot shows its worst moment: the fewest spare caregivers (or a rule no staffing can meet).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner import rules
from planner.model import Plan, Problem, Span
from planner.rules import Member, RuleSet

GROUP_SIZE = rules.GROUP_SIZE  # more children present than the group may hold
LIMIT = rules.LIMIT  # too many of the youngest children, whatever the staff
COMPOSITION = rules.COMPOSITION  # a mix of ages no number of caregivers may care for
CONDITION = rules.CONDITION  # a condition of a rule set unmet (a qualification, a child's)


@dataclass(frozen=True)
class Need:
    staff: int  # caregivers the children present need
    over: str | None = None  # no number of caregivers is enough: which kind of rule


def staff_needed(
    rule_sets: RuleSet | Sequence[RuleSet],
    ages: Sequence[int] | Sequence[Member],
    *,
    periods: Iterable[str] = (),
) -> Need:
    """Caregivers needed for children of these ages (completed months) or these members
    present together, under every rule set (planner.rules.staff_needed decides)."""
    need = rules.staff_needed(rule_sets, ages, periods=periods)
    return Need(need.staff if ages else 0, need.over.code if need.over is not None else None)


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
    rule_sets = problem.program.rule_sets
    children = {c.id: c for c in problem.children}
    caregivers = {s.id: s for s in problem.caregivers}
    slots = slot_bounds(problem, days, start, end, step)
    out = []
    for group in plan.groups:
        kids = [children[c] for c in dict.fromkeys(group.children) if c in children]
        staff = [caregivers[s] for s in dict.fromkeys(group.caregivers) if s in caregivers]
        members = {c.id: problem.member(c) for c in kids}
        own = [sc for sc in problem.staff_children if sc.with_ in {s.id for s in staff}]
        members.update({sc.id: problem.member(sc) for sc in own})
        schedules = {c.id: c.schedule for c in kids} | {sc.id: sc.schedule for sc in own}
        rows = []
        for day in days:
            kid_spans = {cid: schedule.get(day, ()) for cid, schedule in schedules.items()}
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
                    present = [members[c] for c, spans in kid_spans.items() if _on(spans, minute)]
                    if not present:
                        continue
                    on = [
                        s for s, spans in zip(staff, staff_spans, strict=True) if _on(spans, minute)
                    ]
                    periods = problem.program.periods_at(day, minute)
                    need = rules.staff_needed(rule_sets, present, periods=periods)
                    over = need.over.code if need.over is not None else None
                    for qualification, most in need.qualified:
                        if sum(1 for s in on if qualification in s.qualifications) < most:
                            over = over or CONDITION
                    judged.append(
                        Cell(slot_start, slot_end, len(present), len(on), need.staff, over)
                    )
                cells.append(_worst(judged) or Cell(slot_start, slot_end))
            rows.append(Row(day, tuple(cells)))
        out.append(GroupHeat(group.id, tuple(rows)))
    return out
