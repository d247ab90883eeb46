"""What the plan board shows for one plan: group cards, heatmaps, findings and changes.

Built from the planner's problem and plan and the names of their ids; nothing here reads
or writes records beyond what adapter.Names already holds.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attune.lib import languages
from attune.plans import heatmap, wording
from attune.plans.adapter import Names
from attune.programs import rulesets
from attune.programs.models import Program
from planner import rules as planner_rules
from planner.model import DAYS, Plan, Problem, hhmm, overlap_minutes, schedule_minutes
from planner.score import score
from planner.validate import validate

STEP_MINUTES = 30


@dataclass(frozen=True)
class ChildCard:
    id: str
    pk: int | None
    name: str
    months: int
    languages: str
    ifsp: bool
    primary: str
    primary_changed: bool
    primary_id: str | None = None


@dataclass(frozen=True)
class CaregiverCard:
    id: str
    name: str
    languages: str
    ifsp_trained: bool
    primaries: int
    limit: int


@dataclass(frozen=True)
class HeatCell:
    state: str  # empty, spare, even, short, over
    text: str  # what the cell shows: +1, 0, −1, !
    label: str  # the same in words, for screen readers and the tooltip


@dataclass(frozen=True)
class HeatRow:
    day: str
    cells: list[HeatCell]


@dataclass
class GroupCard:
    id: str
    name: str
    room: str
    caregivers: list[CaregiverCard]
    children: list[ChildCard]
    heat: list[HeatRow] = field(default_factory=list)
    breaks_rules: bool = False
    worst: HeatCell | None = None  # the group's tightest moment of the week, in words

    @property
    def by_primary(self) -> list[tuple[CaregiverCard | None, list[ChildCard]]]:
        """The group's caregivers, each with their primary children; then the children whose
        primary caregiver is not in the group (or who have none)."""
        here = {s.id for s in self.caregivers}
        out: list[tuple[CaregiverCard | None, list[ChildCard]]] = [
            (s, [c for c in self.children if c.primary_id == s.id]) for s in self.caregivers
        ]
        rest = [c for c in self.children if c.primary_id not in here]
        if rest:
            out.append((None, rest))
        return out

    @property
    def worst_day(self) -> str:
        for row in self.heat:
            if self.worst in row.cells:
                return row.day
        return ""


@dataclass(frozen=True)
class Effect:
    """What a plan amounts to, in the numbers a move changes: the rules it breaks (ratio and
    group size), continuity (children keeping their primary caregiver and group), and hours
    (the share of the children's hours their primary caregiver is on shift)."""

    rules_broken: int
    keep_primary: int  # children who keep the primary caregiver they have now
    with_primary_now: int  # children who have one now
    group_changes: int
    presence: int  # percent of the children's weekly hours with their primary on shift
    spare: int | None  # caregivers to spare at the tightest moment of any group
    goal_cost: int  # the planner's objective: lower is better


@dataclass(frozen=True)
class EffectRow:
    label: str
    before: str
    after: str
    better: bool | None  # None: unchanged


@dataclass(frozen=True)
class Ahead:
    """A rule-set version that takes effect later, and what it breaks in this plan."""

    day: date
    rule_sets: str  # the versions taking effect, e.g. "or-ccc v2"
    groups: list[str]  # the groups that break, by name
    violations: list[wording.Said]


@dataclass
class Board:
    problem: Problem
    plan: Plan
    names: Names
    groups: list[GroupCard]
    unplaced: list[tuple[str, str]]  # children in no group: (id, name)
    violations: list[wording.Said]
    notes: list[str]
    changes: list[wording.Change]
    slots: list[str]
    objective: int
    plan_json: str  # the plan as an edit posts it back
    ahead: list[Ahead] = field(default_factory=list)  # rule-set versions taking effect
    goals: list[str] = field(default_factory=list)  # goals not met, costliest first
    effect: Effect | None = None

    TOP_GOALS = 5

    @property
    def top_goals(self) -> list[str]:
        return self.goals[: self.TOP_GOALS]

    @property
    def more_goals(self) -> list[str]:
        return self.goals[self.TOP_GOALS :]

    @property
    def children_count(self) -> int:
        return sum(len(g.children) for g in self.groups) + len(self.unplaced)

    @property
    def valid(self) -> bool:
        return not self.violations

    @property
    def primary_changes(self) -> int:
        return sum(1 for c in self.changes if c.primary_changes)

    @property
    def free_caregivers(self) -> list[str]:
        placed = {s.id for g in self.groups for s in g.caregivers}
        return [self.names.caregiver(s.id) for s in self.problem.caregivers if s.id not in placed]

    def child_choices(self) -> list[tuple[str, str]]:
        placed = [(c.id, f"{c.name} ({g.name})") for g in self.groups for c in g.children]
        return placed + self.unplaced

    def caregiver_choices(self) -> list[tuple[str, str]]:
        placed = {s.id for g in self.groups for s in g.caregivers}
        out = [(s.id, f"{s.name} ({g.name})") for g in self.groups for s in g.caregivers]
        out += [
            (s.id, self.names.caregiver(s.id))
            for s in self.problem.caregivers
            if s.id not in placed
        ]
        return out

    def group_choices(self) -> list[tuple[str, str]]:
        return [(g.id, f"{g.name} ({g.room})" if g.room != g.name else g.name) for g in self.groups]


def _cell(cell: heatmap.Cell) -> HeatCell:
    when = f"{hhmm(cell.start)}–{hhmm(cell.end)}"
    if cell.empty:
        return HeatCell("empty", "", _("%(when)s: no children") % {"when": when})
    facts = _(
        "%(when)s: children present %(children)s, caregivers on shift %(staff)s, needed %(needed)s"
    ) % {"when": when, "children": cell.children, "staff": cell.staff, "needed": cell.needed}
    state = cell.state
    if state == "over":
        return HeatCell(
            state, "!", f"{facts}. " + _("More children than the rules allow in one group.")
        )
    if state == "short":
        return HeatCell(
            state,
            f"−{-cell.spare}",
            f"{facts}. "
            + ngettext("Short of %(n)d caregiver.", "Short of %(n)d caregivers.", -cell.spare)
            % {"n": -cell.spare},
        )
    if state == "even":
        return HeatCell(state, "0", f"{facts}. " + _("No caregiver to spare."))
    return HeatCell(
        state,
        f"+{cell.spare}",
        f"{facts}. "
        + ngettext("%(n)d caregiver to spare.", "%(n)d caregivers to spare.", cell.spare)
        % {"n": cell.spare},
    )


def days_of(program: Program) -> list[str]:
    open_days = set(program.open_days or DAYS[:5])
    return [d for d in DAYS if d in open_days]


def build(program: Program, problem: Problem, plan: Plan, names: Names) -> Board:
    """The board for `plan` (solved, edited by hand, or the records' own arrangement)."""
    names = names.with_plan(plan, problem)
    found = validate(problem, plan)
    result = score(problem, plan)
    children = {c.id: c for c in problem.children}
    caregivers = {s.id: s for s in problem.caregivers}
    load = Counter(plan.primary.values())
    changes = wording.changes(problem, plan, names)
    changed = {c.child_id for c in changes if c.primary_changes}
    days = days_of(program)
    start = program.opens_at.hour * 60 + program.opens_at.minute
    end = program.closes_at.hour * 60 + program.closes_at.minute
    heat = {
        h.group: h
        for h in heatmap.heatmap(problem, plan, days=days, start=start, end=end, step=STEP_MINUTES)
    }
    slots = [hhmm(m) for m in heatmap.slot_bounds(problem, days, start, end, STEP_MINUTES)]
    cards = []
    for group in plan.groups:
        child_cards = []
        for child_id in group.children:
            child = children.get(child_id)
            if child is None:
                continue
            record = names.children.get(child_id)
            child_cards.append(
                ChildCard(
                    id=child_id,
                    pk=record.pk if record is not None else None,
                    name=names.child(child_id),
                    months=problem.age_months(child),
                    languages=languages.names(child.languages) if child.languages else "—",
                    ifsp=child.ifsp,
                    primary=names.caregiver(plan.primary.get(child_id)),
                    primary_changed=child_id in changed,
                    primary_id=plan.primary.get(child_id),
                )
            )
        child_cards.sort(key=lambda c: (c.months, c.name))
        caregiver_cards = [
            CaregiverCard(
                id=s,
                name=names.caregiver(s),
                languages=languages.names(caregivers[s].languages) or "—",
                ifsp_trained=caregivers[s].ifsp_trained,
                primaries=load[s],
                limit=problem.primary_limit(caregivers[s]),
            )
            for s in group.caregivers
            if s in caregivers
        ]
        group_heat = heat.get(group.id)
        rows = [
            HeatRow(wording.day_name(row.day), [_cell(c) for c in row.cells])
            for row in (group_heat.rows if group_heat else ())
        ]
        worst = _worst(group_heat)
        cards.append(
            GroupCard(
                id=group.id,
                name=names.group(group.id),
                room=names.room(group.room),
                caregivers=caregiver_cards,
                children=child_cards,
                heat=rows,
                breaks_rules=any(v.group == group.id for v in found)
                or bool(group_heat and group_heat.breaks_rules),
                worst=_cell(worst) if worst is not None else None,
            )
        )
    cards.sort(key=lambda card: (card.room, card.name))
    placed = {c for g in plan.groups for c in g.children}
    return Board(
        problem=problem,
        plan=plan,
        names=names,
        groups=cards,
        unplaced=[(c.id, names.child(c.id)) for c in problem.children if c.id not in placed],
        violations=wording.violations(found, names),
        notes=wording.soft_notes(problem, plan, result.notes, names),
        changes=changes,
        slots=slots,
        objective=result.total,
        plan_json=json.dumps(_compact(plan), separators=(",", ":")),
        ahead=ahead(program, problem, plan, names),
        goals=[text for _cost, text in wording.ranked_notes(problem, plan, result.notes, names)],
        effect=_effect(problem, plan, len(found), result.total, heat.values()),
    )


STATE_ORDER = {"over": 0, "short": 1, "even": 2, "spare": 3}


def _worst(group_heat: heatmap.GroupHeat | None) -> heatmap.Cell | None:
    cells = [c for row in (group_heat.rows if group_heat else ()) for c in row.cells]
    cells = [c for c in cells if not c.empty]
    if not cells:
        return None
    return min(cells, key=lambda c: (STATE_ORDER.get(c.state, 4), c.spare))


def _effect(problem: Problem, plan: Plan, broken: int, cost: int, heat: Any) -> Effect:
    group_of = {c: g.id for g in plan.groups for c in g.children}
    caregivers = {s.id: s for s in problem.caregivers}
    now = {c.id: c.current.primary for c in problem.children if c.current and c.current.primary}
    keep = sum(1 for child_id, primary in now.items() if plan.primary.get(child_id) == primary)
    moved = sum(
        1
        for c in problem.children
        if c.current and c.current.group and group_of.get(c.id) != c.current.group
    )
    attended = overlap = 0
    for child in problem.children:
        minutes = schedule_minutes(child.schedule)
        attended += minutes
        primary = caregivers.get(plan.primary.get(child.id) or "")
        if primary is not None:
            overlap += min(minutes, overlap_minutes(child.schedule, primary.shifts))
    spares = [c.spare for h in heat for row in h.rows for c in row.cells if not c.empty]
    return Effect(
        rules_broken=broken,
        keep_primary=keep,
        with_primary_now=len(now),
        group_changes=moved,
        presence=round(100 * overlap / attended) if attended else 100,
        spare=min(spares) if spares else None,
        goal_cost=cost,
    )


def effect_of(program: Program, problem: Problem, plan: Plan) -> Effect:
    """The effect numbers of `plan` alone (what a move is compared against)."""
    days = days_of(program)
    start = program.opens_at.hour * 60 + program.opens_at.minute
    end = program.closes_at.hour * 60 + program.closes_at.minute
    heat = heatmap.heatmap(problem, plan, days=days, start=start, end=end, step=STEP_MINUTES)
    return _effect(problem, plan, len(validate(problem, plan)), score(problem, plan).total, heat)


def compare(before: Effect, after: Effect) -> list[EffectRow]:
    """The effect of the moves on an unsaved plan, against the plan they started from."""

    def n(value: int | None) -> str:
        return "—" if value is None else number_format(value, force_grouping=True)

    def row(label: str, b: int | None, a: int | None, *, higher_is_better: bool) -> EffectRow:
        if b == a or b is None or a is None:
            return EffectRow(label, n(b), n(a), None)
        return EffectRow(label, n(b), n(a), (a > b) == higher_is_better)

    pct = _("%(n)s%%")
    rows = [
        row(_("Rules broken"), before.rules_broken, after.rules_broken, higher_is_better=False),
        row(
            _("Caregivers to spare at the tightest moment"),
            before.spare,
            after.spare,
            higher_is_better=True,
        ),
        row(
            _("Children keeping their primary caregiver"),
            before.keep_primary,
            after.keep_primary,
            higher_is_better=True,
        ),
        row(
            _("Children changing group"),
            before.group_changes,
            after.group_changes,
            higher_is_better=False,
        ),
    ]
    presence = row(
        _("Children's hours with their primary caregiver on shift"),
        before.presence,
        after.presence,
        higher_is_better=True,
    )
    rows.append(
        replace(
            presence,
            before=pct % {"n": presence.before},
            after=pct % {"n": presence.after},
        )
    )
    rows.append(
        row(
            _("Cost of the goals not met (lower is better)"),
            before.goal_cost,
            after.goal_cost,
            higher_is_better=False,
        )
    )
    return rows


AHEAD_DAYS = 366
TIME_RULES = frozenset({"ratio", "group-size", "limit", "composition", "condition", "no-band"})


def ahead(program: Program, problem: Problem, plan: Plan, names: Names) -> list[Ahead]:
    """Re-check the plan on each day within a year when a published rule set of the program
    takes effect: which groups break, and from when (children's ages on that day)."""
    out: list[Ahead] = []
    for day in rulesets.upcoming(program, problem.as_of, problem.as_of + timedelta(AHEAD_DAYS)):
        bound = rulesets.bound(program, day)
        if not bound:
            continue
        try:
            sets = [planner_rules.load(b.spec) for b in bound]
        except planner_rules.RuleSetError:
            continue
        then = replace(
            problem,
            as_of=day,
            program=replace(
                problem.program,
                rules=sets[0],
                rules_inline=True,
                extra_rules=tuple(sets[1:]),
                extra_inline=tuple(True for _ in sets[1:]),
            ),
        )
        found = [v for v in validate(then, plan) if v.rule in TIME_RULES]
        changed = ", ".join(
            b.label for b in bound if b.version is not None and b.version.effective == day
        )
        groups = sorted({names.group(v.group) for v in found if v.group is not None})
        out.append(Ahead(day, changed, groups, wording.violations(found, names)))
    return out


def _compact(plan: Plan) -> dict[str, Any]:
    return {
        "groups": [
            {"id": g.id, "room": g.room, "caregivers": g.caregivers, "children": g.children}
            for g in plan.groups
        ],
        "primary": plan.primary,
        "unassigned_children": plan.unassigned_children,
    }
