"""Planning several months together, so today's plan does not force changes later.

A problem with `horizon_months = N` is cut into N month problems: month 0 from `as_of`, each
later month from its first day, with the children enrolled that month (ages advancing, their
schedule that day), and every caregiver (those not employed for the whole month cannot be
placed). One CP-SAT model holds all the months. Groups carry *labels* that persist from month
to month (a group may move room and keep its label); a child changes group when its group's
label changes, and changes primary caregiver when the index of its primary changes.

The objective is lexicographic, with weights large enough to be exact: first the fewest
primary-caregiver changes (counting month 0 against the current arrangement), then the fewest
group changes, then the other soft goals of every month (docs/planner.md). The search starts
from the current arrangement carried month to month (completed by CP-SAT each month), so a
re-plan after an event changes as little as the rules need.
"""

from __future__ import annotations

import calendar
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ortools.sat.python import cp_model

from planner import cpsat
from planner.model import (
    Caregiver,
    Child,
    Current,
    Group,
    Plan,
    Problem,
    Violation,
)
from planner.rules import Age
from planner.score import score
from planner.validate import validate

REASONS = ("aged", "caregiver_left", "schedule", "family_request", "plan")


def month_start(day: date, offset: int) -> date:
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_label(first: date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


@dataclass
class Month:
    label: str  # "2026-12"
    start: date  # the day the month's rules are checked (as_of for month 0)
    problem: Problem
    employed: set[str]
    left_out: list[tuple[str, str]]  # (child id, why) children not planned this month


@dataclass
class Cost:
    """Σ coef × var + constant, kept as terms so it can be evaluated at a start."""

    terms: list[tuple[int, cp_model.IntVar]]
    constant: int

    def expr(self) -> cp_model.LinearExpr:
        return (
            cp_model.LinearExpr.weighted_sum([v for _, v in self.terms], [c for c, _ in self.terms])
            + self.constant
        )

    def at(self, values: list[int]) -> int:
        return self.constant + sum(c * values[v.index] for c, v in self.terms)


@dataclass
class Change:
    month: str
    child: str
    kind: str  # "primary" or "group"
    before: str | None
    after: str | None
    reason: str
    message: str


@dataclass
class HorizonPlan:
    status: str
    months: list[tuple[str, Plan]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    primary_changes: int | None = None
    group_changes: int | None = None
    soft: int | None = None
    objective: int | None = None
    bound: int | None = None
    explanation: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float | None = None

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(1, abs(self.objective))

    @property
    def first(self) -> Plan | None:
        return self.months[0][1] if self.months else None


def employed_all_month(caregiver: Caregiver, start: date, end: date) -> bool:
    if caregiver.employed_from is not None and caregiver.employed_from > start:
        return False
    return caregiver.employed_until is None or caregiver.employed_until >= end


def enrolled_in(child: Child, start: date, end: date) -> bool:
    if child.enrolled_from is not None and child.enrolled_from > end:
        return False
    return child.enrolled_until is None or child.enrolled_until >= start


def months_of(problem: Problem) -> list[Month]:
    """The month problems of the horizon."""
    months = []
    for i in range(problem.horizon_months):
        first = month_start(problem.as_of, i)
        day = problem.as_of if i == 0 else first
        last = month_end(first)
        children = []
        left_out = []
        for child in problem.children:
            if not enrolled_in(child, day, last):
                continue
            months_old = (
                (day.year - child.birth_date.year) * 12 + day.month - child.birth_date.month
            )
            months_old -= 1 if day.day < child.birth_date.day else 0
            if months_old < 0:
                continue  # not born yet: a future enrollment on the waitlist
            age = Age.of(child.birth_date, day)
            outside = next(
                (rs for rs in problem.program.rule_sets if rs.band_for(age) is None), None
            )
            if outside is not None:
                left_out.append(
                    (child.id, f"{child.id} is {months_old} months old, past {outside.id}'s ages")
                )
                continue
            children.append(
                replace(
                    child,
                    schedule=child.schedule_on(day),
                    current=child.current if i == 0 else None,
                    siblings=(),  # set below, among the children of the month
                )
            )
        present = {c.id for c in children}
        children = [
            replace(c, siblings=tuple(s for s in problem.child(c.id).siblings if s in present))
            for c in children
        ]
        caregivers = tuple(
            replace(s, shifts=s.shifts_on(day), current_group=s.current_group if i == 0 else None)
            for s in problem.caregivers
        )
        employed = {s.id for s in problem.caregivers if employed_all_month(s, day, last)}
        month_problem = replace(
            problem,
            as_of=day,
            children=tuple(children),
            caregivers=caregivers,
            current_rooms=problem.current_rooms if i == 0 else {},
            horizon_months=1,
        )
        months.append(Month(month_label(first), day, month_problem, employed, left_out))
    return months


class HorizonModel:
    def __init__(self, problem: Problem, months: list[Month]) -> None:
        self.problem = problem
        self.start: list[int] = []
        self.months = months
        self.m = cp_model.CpModel()
        self.layers = [cpsat.PlannerModel(mo.problem, model=self.m) for mo in months]
        for mo, layer in zip(months, self.layers, strict=True):
            for s, caregiver in enumerate(problem.caregivers):
                if caregiver.id not in mo.employed:
                    for var in layer.y[s]:
                        self.m.add(var == 0)
        # Changes. Month 0 against the current arrangement: the layer's own "keeps its
        # primary" (p of the current primary) and "keeps its group" (the slot carrying the
        # current group's id). Month to month: the same primary is Σ_s min(p before, p after)
        # and the same group is the same slot, Σ_k min(x before, x after) — linear, so the
        # LP sees them. Groups are named afterwards (relabel), which can only show fewer
        # group changes than slots: a group that moves room together keeps its name.
        ids = {s.id: j for j, s in enumerate(problem.caregivers)}
        self.primary_same: list[tuple[int, str, cp_model.IntVar]] = []
        self.group_same: list[tuple[int, str, cp_model.IntVar]] = []
        first = self.layers[0] if self.layers else None
        if first is not None:
            for c, child in enumerate(first.children):
                cur = child.current
                if cur and cur.primary:
                    self.primary_same.append((0, child.id, first.p[c][ids[cur.primary]]))
                if c in first.kept_group:
                    self.group_same.append((0, child.id, first.kept_group[c]))
        for i in range(1, len(self.layers)):
            before, after = self.layers[i - 1], self.layers[i]
            index_before = {c.id: c_i for c_i, c in enumerate(before.children)}
            for c, child in enumerate(after.children):
                if child.id not in index_before:
                    continue
                b = index_before[child.id]
                self.primary_same.append(
                    (i, child.id, self._both(before.p[b], after.p[c], f"sp{i}_{c}"))
                )
                self.group_same.append(
                    (i, child.id, self._both(before.x[b], after.x[c], f"sg{i}_{c}"))
                )
        # The lexicographic objective, one stage at a time (planner.horizon.solve_horizon):
        # primary changes, then group changes, then the other soft goals. Within a count,
        # later changes are preferred (a change made before its cause is needless
        # disruption): a change entering month i costs `base + (months - 1 - i)`, with
        # `base` above any sum of those extras, so the count still comes first.
        last = len(self.layers) - 1
        soft = Cost([], 0)
        for layer in self.layers:
            soft.terms.extend(layer.costs)
            soft.constant += layer.constant

        def changes(same: list[tuple[int, str, cp_model.IntVar]], unit: int) -> Cost:
            """unit × (base + last − i) per change entering month i."""
            base = len(same) * (last + 1) + 1
            costs = [unit * (base + last - i) for i, _, _ in same]
            return Cost([(-c, v) for c, (_, _, v) in zip(costs, same, strict=True)], sum(costs))

        group_changes = changes(self.group_same, 1)
        primary_changes = changes(self.primary_same, group_changes.constant + 1)
        self.stages: list[tuple[str, Cost]] = [
            (
                "changes of primary caregiver, then of group",
                Cost(
                    primary_changes.terms + group_changes.terms,
                    primary_changes.constant + group_changes.constant,
                ),
            ),
            ("soft goals", soft),
        ]

    def _both(
        self, before: list[cp_model.IntVar], after: list[cp_model.IntVar], name: str
    ) -> cp_model.IntVar:
        """A literal true exactly when the one-hot rows agree (Σ_j min(before_j, after_j))."""
        both = []
        for j, (a, b) in enumerate(zip(before, after, strict=True)):
            w = self.m.new_bool_var(f"{name}_{j}")
            self.m.add_implication(w, a)
            self.m.add_implication(w, b)
            self.m.add_bool_or([w, a.Not(), b.Not()])
            both.append(w)
        same = self.m.new_bool_var(name)
        self.m.add(same == sum(both))
        # and directly: when they agree, each position agrees (presolve merges the rows)
        for a, b in zip(before, after, strict=True):
            self.m.add(a == b).only_enforce_if(same)
        return same

    # -- starting point ------------------------------------------------------------------------

    def warm_start(self, *, time_limit: float, workers: int, first: Plan | None = None) -> bool:
        """Carry the current arrangement month to month and hint all of it.

        Month by month, the previous month's plan is each child's and caregiver's current
        arrangement; a single-month model completes it (CP-SAT, with those placements fixed)
        or, when the rules no longer allow it (a child aged into a stricter band), solves
        that month briefly from it. The months found are fixed in a copy of the horizon
        model, whose solution then hints every variable. `first`, a plan of month 0 known to
        meet the rules (e.g. found by the caller), is taken as month 0. When a later month
        cannot be found in time, the months found are fixed and CP-SAT completes the rest.
        """
        deadline = time.monotonic() + time_limit
        if self._keep_everything(time_limit=min(time_limit / 4, 2.0), workers=workers):
            return True
        if first is None and self._keep_primaries(
            time_limit=min(time_limit / 8, 1.0), workers=workers
        ):
            return True
        plans: list[Plan] = [first] if first is not None else []
        previous: Plan | None = first
        for mo in self.months[len(plans) :]:
            month_problem = mo.problem
            if previous is not None:
                month_problem = _carry(month_problem, previous, mo.employed)
            left = deadline - time.monotonic()
            if left <= 0.2:
                break
            layer = cpsat.PlannerModel(month_problem)
            for s, caregiver in enumerate(month_problem.caregivers):
                if caregiver.id not in mo.employed:
                    for var in layer.y[s]:
                        layer.m.add(var == 0)
            # month 0 carries today's disruption (newcomers, leavers); later months mostly
            # keep what the month before them found
            share = 0.8 * left * (0.7 if not plans else 1 / (len(self.months) - len(plans)))
            quick = min(share / 4, 0.5)
            began = time.monotonic()
            if layer.warm_start(time_limit=quick, workers=workers) and layer.start is not None:
                # last month's arrangement still meets the rules: keep it as it is
                previous = layer.plan(_reader(layer.start), "feasible")
            else:
                # it does not (newcomers, a child aged into a stricter band…): the fewest
                # changes of primary caregiver, then of group
                found = fewest_changes(
                    layer, time_limit=share - (time.monotonic() - began), workers=workers
                )
                if found is None:
                    break
                previous = found
            plans.append(previous)
        if not plans:
            return False
        copy = self.m.clone()
        for n, (layer, plan) in enumerate(zip(self.layers, plans, strict=False)):
            where = plan.group_of()
            staff_at = plan.caregiver_group()
            slot_index: dict[str, list[int]] = {}
            for k, slot in enumerate(layer.slots):
                slot_index.setdefault(slot.room.id, []).append(k)
            used: dict[str, int] = {}
            group_slot: dict[str, int] = {}
            for group in plan.groups:
                options = slot_index.get(group.room or "", [])
                count = used.get(group.room or "", 0)
                if count < len(options):
                    group_slot[group.id] = options[count]
                    used[group.room or ""] = count + 1
            for c, child in enumerate(layer.children):
                k_now = group_slot.get(where[child.id].id) if child.id in where else None
                for k in range(len(layer.slots)):
                    copy.add(
                        copy.get_bool_var_from_proto_index(layer.x[c][k].index) == int(k == k_now)
                    )
                primary = plan.primary.get(child.id)
                for s, caregiver in enumerate(layer.caregivers):
                    copy.add(
                        copy.get_bool_var_from_proto_index(layer.p[c][s].index)
                        == int(caregiver.id == primary)
                    )
            for s, caregiver in enumerate(layer.caregivers):
                k_now = (
                    group_slot.get(staff_at[caregiver.id].id) if caregiver.id in staff_at else None
                )
                for k in range(len(layer.slots)):
                    copy.add(
                        copy.get_bool_var_from_proto_index(layer.y[s][k].index) == int(k == k_now)
                    )
            if n == 0:
                # month 0 names its groups after the current ones it continues
                for g, label in enumerate(layer.labels):
                    for k in range(len(layer.slots)):
                        copy.add(
                            copy.get_bool_var_from_proto_index(layer.z[k][g].index)
                            == int(group_slot.get(label) == k)
                        )
        return self._complete(copy, time_limit=deadline - time.monotonic(), workers=workers)

    def _complete(self, copy: cp_model.CpModel, *, time_limit: float, workers: int) -> bool:
        """Solve `copy` (the model with placements fixed) and hint its solution in full."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.5, time_limit)
        solver.parameters.num_workers = workers
        solver.parameters.stop_after_first_solution = True
        cpsat._tune(solver)
        if solver.solve(copy) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        self.m.clear_hints()  # type: ignore[no-untyped-call]
        self.start = [
            solver.value(copy.get_int_var_from_proto_index(i))
            for i in range(len(self.m.Proto().variables))
        ]
        for i, value in enumerate(self.start):
            self.m.add_hint(self.m.get_int_var_from_proto_index(i), value)
        return True

    def _keep_everything(self, *, time_limit: float, workers: int) -> bool:
        """The cheapest start: no child changes primary caregiver or group in any month
        (month 0 as today, where today is known). CP-SAT completes the rest (newcomers,
        caregivers, every other variable); False when the rules do not allow it."""
        if not self.layers:
            return False
        copy = self.m.clone()
        for var, value in self.layers[0]._current().items():
            copy.add(copy.get_int_var_from_proto_index(var.index) == value)
        for _i, _child, same in self.primary_same + self.group_same:
            copy.add(copy.get_bool_var_from_proto_index(same.index) == 1)
        return self._complete(copy, time_limit=time_limit, workers=workers)

    def _keep_primaries(self, *, time_limit: float, workers: int) -> bool:
        """The next cheapest start: every child keeps its primary caregiver (month 0 as
        today) until that caregiver leaves; groups regroup around the caregivers (a
        caregiver and their primary children move together, to take newcomers or meet a
        stricter band). False when the rules do not allow it."""
        if not self.layers:
            return False
        copy = self.m.clone()
        first = self.layers[0]
        ids = {s.id: j for j, s in enumerate(first.caregivers)}
        gone: dict[str, int] = {}  # child -> the first month its current primary is away
        for c, child in enumerate(first.children):
            cur = child.current
            if cur is None or cur.primary not in ids:
                continue
            away = next(
                (i for i, mo in enumerate(self.months) if cur.primary not in mo.employed), None
            )
            if away is not None:
                gone[child.id] = away
            if away != 0:
                var = first.p[c][ids[cur.primary]]
                copy.add(copy.get_bool_var_from_proto_index(var.index) == 1)
        for i, child_id, same in self.primary_same:
            if i > 0 and (child_id not in gone or i < gone[child_id]):
                copy.add(copy.get_bool_var_from_proto_index(same.index) == 1)
        return self._complete(copy, time_limit=time_limit, workers=workers)

    # -- reading the answer --------------------------------------------------------------------

    def plans(self, value: Callable[[cp_model.IntVar], int], status: str) -> list[tuple[str, Plan]]:
        out = []
        for mo, layer in zip(self.months, self.layers, strict=True):
            plan = layer.plan(value, status)
            renamed = []
            for k, slot in enumerate(layer.slots):
                caregivers = [
                    cg.id for s, cg in enumerate(layer.caregivers) if value(layer.y[s][k])
                ]
                children = [ch.id for c, ch in enumerate(layer.children) if value(layer.x[c][k])]
                if caregivers or children:
                    renamed.append(Group(f"slot{k}", slot.room.id, caregivers, children))
            plan.groups = renamed
            out.append((mo.label, plan))
        relabel(self.problem, out)
        return out


def fewest_changes(layer: cpsat.PlannerModel, *, time_limit: float, workers: int) -> Plan | None:
    """The month's plan with the fewest changes of primary caregiver, then of group, from the
    current arrangement (the layer's own soft goals are set aside: this is a starting point
    for the horizon's stages, which weigh them). None when none is found in time. The
    layer's objective and hints are replaced: use a layer of its own.

    Most of a program can usually stay as it is: the search first re-plans one current group
    at a time (with the newcomers and the children and caregivers without a group), everyone
    else fixed where they are. When none works, the whole month is solved briefly for a
    start. Then, from the best plan so far, every two and every three groups are re-planned
    with the rest fixed as in it (a large-neighbourhood search that can only improve),
    until a pass improves nothing or the time is up. These small models solve in hundredths
    of a second where the whole month takes CP-SAT many seconds to get as far.
    """
    deadline = time.monotonic() + time_limit
    ids = {s.id: j for j, s in enumerate(layer.caregivers)}
    kept_primary = [
        layer.p[c][ids[child.current.primary]]
        for c, child in enumerate(layer.children)
        if child.current and child.current.primary in ids
    ]
    kept_group = list(layer.kept_group.values())
    weight = len(kept_group) + 1
    objective = weight * (len(kept_primary) - sum(kept_primary)) + len(kept_group) - sum(kept_group)
    layer.m.minimize(objective)
    layer.m.clear_hints()  # type: ignore[no-untyped-call]
    current = layer._current()
    # who belongs to which current group: children, caregivers, and the group's label
    owner: dict[int, str] = {}
    for c, child in enumerate(layer.children):
        label = child.current.group if child.current else None
        for var in (*layer.x[c], *layer.p[c]):
            if label:
                owner[var.index] = label
        if label and (u := layer.unassigned[c]) is not None:
            owner[u.index] = label
    for s, caregiver in enumerate(layer.caregivers):
        label = caregiver.current_group
        for var in layer.y[s]:
            if label:
                owner[var.index] = label
    for g, label in enumerate(getattr(layer, "labels", [])):
        for k in range(len(layer.slots)):
            owner[layer.z[k][g].index] = label
    size: dict[str, int] = {}
    for child in layer.children:
        if child.current and child.current.group:
            size[child.current.group] = size.get(child.current.group, 0) + 1
    labels = sorted(size, key=lambda g: (-size[g], g))
    every = range(len(layer.m.Proto().variables))
    best: list[int] | None = None
    best_cost: int | None = None

    def attempt(free: Sequence[str], fixed: dict[cp_model.IntVar, int], limit: float) -> None:
        """Solve with every placement outside the groups `free` fixed as in `fixed`; keep the
        result if it is the best so far (hinted with the best, so it can only improve)."""
        nonlocal best, best_cost
        copy = layer.m.clone()
        for var, value in fixed.items():
            if var.index in owner and owner[var.index] not in free:
                copy.add(copy.get_int_var_from_proto_index(var.index) == value)
        if best is not None:
            copy.clear_hints()  # type: ignore[no-untyped-call]
            for i in every:
                copy.add_hint(copy.get_int_var_from_proto_index(i), best[i])
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = limit
        solver.parameters.num_workers = workers
        cpsat._tune(solver)
        try:
            code = solver.solve(copy, _StopAtZero())
        except IndexError:
            # OR-Tools 9.15 presolve can fail on a hint ("absl::btree_map::at",
            # google/or-tools#5288): the same search without the hint
            copy.clear_hints()  # type: ignore[no-untyped-call]
            code = solver.solve(copy, _StopAtZero())
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            cost = round(solver.objective_value)
            if best_cost is None or cost < best_cost:
                best_cost = cost
                best = [solver.value(copy.get_int_var_from_proto_index(i)) for i in every]

    # 1. one current group re-planned at a time, the rest as it is
    for label in labels:
        left = deadline - time.monotonic()
        if left <= 0.05 or best_cost == 0:
            break
        attempt((label,), current, min(left, 0.3))
    # 2. none works: the whole month, from the current arrangement where it holds, for a start
    if best is None and deadline - time.monotonic() > 0.1:
        layer.hint_current()
        attempt(labels, {}, max(0.1, min(deadline - time.monotonic(), 0.4 * time_limit)))
        layer.m.clear_hints()  # type: ignore[no-untyped-call]
    # 3. then two, then three groups at a time re-planned from the best plan so far, the rest
    # fixed as in it (large-neighbourhood search), until nothing improves or time is up
    improved = True
    while improved and best is not None and best_cost != 0:
        improved = False
        for n in (2, 3):
            for free in itertools.combinations(labels, n):
                left = deadline - time.monotonic()
                if left <= 0.05 or best_cost == 0:
                    break
                before = best_cost
                attempt(free, {var: best[var.index] for var in current}, min(left, 0.3))
                improved = improved or best_cost != before
        if deadline - time.monotonic() <= 0.05:
            break
    if best is None:
        return None
    return layer.plan(_reader(best), "feasible")


def _reader(values: list[int]) -> Callable[[cp_model.IntVar], int]:
    def value(var: cp_model.IntVar) -> int:
        return values[var.index]

    return value


class _StopAtZero(cp_model.CpSolverSolutionCallback):
    def on_solution_callback(self) -> None:
        if self.objective_value <= 0:
            self.stop_search()


def relabel(problem: Problem, plans: list[tuple[str, Plan]]) -> None:
    """Name each month's groups after the groups they continue, where that keeps more
    children in their group than the model's own labels (names are free: renaming never
    breaks a rule, and can only save group changes).

    Greedy matching by the number of shared children, largest first: month 0 against the
    current groups, then each month against the one before. Groups that continue none get
    fresh names g1, g2, … never used before in the horizon.
    """
    used = {c.current.group for c in problem.children if c.current and c.current.group}
    counter = 0

    def fresh() -> str:
        nonlocal counter
        while True:
            counter += 1
            name = f"g{counter}"
            if name not in used:
                used.add(name)
                return name

    before: dict[str, str] = {
        c.id: c.current.group for c in problem.children if c.current and c.current.group
    }
    for _label, plan in plans:
        pairs: list[tuple[int, str, int]] = []
        for group in plan.groups:
            shared: dict[str, int] = {}
            for child in group.children:
                if child in before:
                    shared[before[child]] = shared.get(before[child], 0) + 1
            pairs.extend((n, name, id(group)) for name, n in shared.items())
        names: dict[int, str] = {}
        taken: set[str] = set()
        for _n, name, group_key in sorted(pairs, key=lambda t: (-t[0], t[1])):
            if group_key not in names and name not in taken:
                names[group_key] = name
                taken.add(name)
        for group in plan.groups:
            group.id = names.get(id(group)) or fresh()
            used.add(group.id)
        before = {child: g.id for g in plan.groups for child in g.children}


def _carry(problem: Problem, previous: Plan, employed: set[str]) -> Problem:
    """The month problem with last month's plan as the current arrangement (minus the
    caregivers who no longer work this month)."""
    where = previous.group_of()
    staff_at = previous.caregiver_group()
    children = tuple(
        replace(
            c,
            current=Current(
                group=where[c.id].id if c.id in where else None,
                primary=p if (p := previous.primary.get(c.id)) in employed else None,
            ),
        )
        for c in problem.children
    )
    caregivers = tuple(
        replace(
            s,
            current_group=staff_at[s.id].id if s.id in staff_at and s.id in employed else None,
        )
        for s in problem.caregivers
    )
    rooms = {g.id: g.room for g in previous.groups if g.room}
    return replace(problem, children=children, caregivers=caregivers, current_rooms=rooms)


def _reason(
    problem: Problem, months: list[Month], i: int, child_id: str, kind: str, before: str | None
) -> str:
    """Why a child's primary caregiver or group changed entering month i."""
    rules = problem.program.rules
    mo = months[i]
    if kind == "primary" and before is not None and before not in mo.employed:
        return "caregiver_left"
    prev_day = problem.as_of if i == 0 else months[i - 1].start
    child = problem.child(child_id)
    if i > 0:

        def band(day: date) -> object:
            age = (day.year - child.birth_date.year) * 12 + day.month - child.birth_date.month
            age -= 1 if day.day < child.birth_date.day else 0
            return rules.band_for(age)

        if band(prev_day) != band(mo.start):
            return "aged"
        if child.schedule_on(prev_day) != child.schedule_on(mo.start):
            return "schedule"
        if before is not None and kind == "primary":
            caregiver = problem.caregiver(before)
            if caregiver.shifts_on(prev_day) != caregiver.shifts_on(mo.start):
                return "schedule"
    return "plan"


_WORDS = {
    "aged": "moved into another age band",
    "caregiver_left": "the primary caregiver is no longer working that month",
    "schedule": "a schedule changed",
    "family_request": "the family asked",
    "plan": "to meet the rules and goals for all children",
}


def change(
    label: str, child: str, kind: str, before: str | None, after: str | None, why: str
) -> Change:
    """A change with its sentence."""
    if kind == "primary":
        text = f"{label}: {child}'s primary caregiver {before} → {after} ({_WORDS[why]})"
    else:
        text = f"{label}: {child} moves from group {before} to {after} ({_WORDS[why]})"
    return Change(label, child, kind, before, after, why, text)


def changes_of(
    problem: Problem, months: list[Month], plans: list[tuple[str, Plan]]
) -> list[Change]:
    out = []
    for i, (label, plan) in enumerate(plans):
        groups = plan.group_of()
        for child_id in sorted(groups):
            if i == 0:
                cur = problem.child(child_id).current
                before_p = cur.primary if cur else None
                before_g = cur.group if cur else None
            else:
                prev = plans[i - 1][1]
                if child_id not in prev.group_of():
                    continue
                before_p = prev.primary.get(child_id)
                before_g = prev.group_of()[child_id].id
            after_p = plan.primary.get(child_id)
            after_g = groups[child_id].id
            if before_p is not None and before_p != after_p:
                why = _reason(problem, months, i, child_id, "primary", before_p)
                out.append(change(label, child_id, "primary", before_p, after_p, why))
            if before_g is not None and before_g != after_g:
                why = _reason(problem, months, i, child_id, "group", before_p)
                out.append(change(label, child_id, "group", before_g, after_g, why))
    return out


def solve_horizon(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    progress: cpsat.Progress | None = None,
    first: Plan | None = None,
) -> HorizonPlan:
    """Plan problem.horizon_months months; every month's plan is validated. `first`: a plan
    of the first month that meets the rules, to start the search from (optional)."""
    started = time.monotonic()
    months = months_of(problem)
    notes = [why for mo in months for _, why in mo.left_out]
    notes = list(dict.fromkeys(notes))
    for mo in months:
        from planner.explain import prechecks

        reasons = prechecks(employed_only(mo))
        if reasons:
            return HorizonPlan(
                status="infeasible",
                explanation=[f"{mo.label}: {r}" for r in reasons],
                notes=notes,
                seconds=time.monotonic() - started,
            )
    model = HorizonModel(problem, months)
    left = max(1.0, time_limit - (time.monotonic() - started))
    warm = model.warm_start(time_limit=min(0.6 * left, 20.0), workers=workers, first=first)
    if progress is not None:
        progress(
            f"planning {len(months)} months: "
            + ("started from the current arrangement" if warm else "no starting plan found")
        )
    deadline = started + time_limit
    best: list[int] | None = model.start if warm else None
    proven = True
    bound: int | None = None
    code = cp_model.UNKNOWN
    for n, (name, cost) in enumerate(model.stages):
        objective = cost.expr()
        # the first stages get a share of the time; the last gets what is left
        left = deadline - time.monotonic()
        share = left * (0.5, 1.0)[n]
        if share < 0.3 and best is not None:
            proven = False
            break
        if best is not None and cost.at(best) == 0:
            # the start already costs nothing at this stage: nothing to search
            model.m.add(objective <= 0)
            bound = 0
            if progress is not None:
                progress(f"{name}: 0 after {time.monotonic() - started:.1f} s")
            continue
        model.m.minimize(objective)
        if best is not None:
            model.m.clear_hints()  # type: ignore[no-untyped-call]
            for i, hint in enumerate(best):
                model.m.add_hint(model.m.get_int_var_from_proto_index(i), hint)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.5, share)
        solver.parameters.num_workers = workers
        cpsat._tune(solver)
        # every stage's objective is a cost >= 0: a plan at 0 cannot be beaten
        code = solver.solve(model.m, _StopAtZero())
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = [
                solver.value(model.m.get_int_var_from_proto_index(i))
                for i in range(len(model.m.Proto().variables))
            ]
            found = round(solver.objective_value)
            done_here = code == cp_model.OPTIMAL or found == 0
            bound = found if done_here else max(0, round(solver.best_objective_bound))
            proven = proven and done_here
            if progress is not None:
                progress(
                    f"{name}: {found}"
                    + ("" if done_here else f" (bound {bound})")
                    + f" after {time.monotonic() - started:.1f} s"
                )
            # later stages keep this stage's result
            model.m.add(objective <= found)
        elif code == cp_model.INFEASIBLE:
            best = None
            break
        else:
            # out of time: a plan found earlier stands (unproven); with none, nothing is known
            proven = False
            bound = None
            break
    value: Callable[[cp_model.IntVar], int]
    if best is not None:
        status = "optimal" if proven else "feasible"
        chosen = best

        def value(var: cp_model.IntVar) -> int:
            return chosen[var.index]

    elif code != cp_model.INFEASIBLE:
        return HorizonPlan(
            status="unknown",
            explanation=[
                f"No plan was found within the time limit ({time_limit:g} s). This does not "
                "prove that none exists: try a longer time limit."
            ],
            notes=notes,
            seconds=time.monotonic() - started,
        )
    else:
        from planner.explain import explain_infeasible

        reasons = []
        for mo in months:
            month_reasons = explain_infeasible(
                employed_only(mo), time_limit=max(1.0, left / len(months)), workers=workers
            )
            reasons += [f"{mo.label}: {r}" for r in month_reasons if "breaks none" not in r]
        return HorizonPlan(
            status="infeasible",
            explanation=reasons or ["No plan meets every rule in every month of the horizon."],
            notes=notes,
            seconds=time.monotonic() - started,
        )
    plans = model.plans(value, status)
    result = HorizonPlan(status=status, months=plans, notes=notes, bound=bound)
    soft_total = 0
    for (_label, plan), mo in zip(plans, months, strict=True):
        plan.violations = validate(mo.problem, plan) + [
            Violation(
                "caregiver-not-employed",
                f"{s} does not work for the whole of {mo.label} and cannot be placed.",
                group=g.id,
                caregivers=[s],
            )
            for g in plan.groups
            for s in g.caregivers
            if s not in mo.employed
        ]
        graded = score(mo.problem, plan)
        # continuity is counted as changes (the first two tiers), not as soft cost
        plan.soft = [n for n in graded.notes if n.goal != "continuity"]
        plan.objective = sum(n.cost for n in plan.soft)
        soft_total += plan.objective
    broken = [v for _label, plan in plans for v in plan.violations]
    if broken:
        # never report plans the validator rejects (planner.solve.refused does the same)
        return HorizonPlan(
            status="unknown",
            explanation=[
                "The planner's model found plans for the horizon, but the independent "
                f"validator says they break {len(broken)} rule(s); they are not reported. This "
                "is a bug in the planner: please report it with this problem.",
                *[f"{label}: {v.message}" for label, plan in plans for v in plan.violations][:10],
            ],
            notes=notes,
            seconds=time.monotonic() - started,
        )
    result.changes = changes_of(problem, months, plans)
    result.primary_changes = sum(1 for c in result.changes if c.kind == "primary")
    result.group_changes = sum(1 for c in result.changes if c.kind == "group")
    result.soft = soft_total
    result.objective = soft_total  # the last stage's objective; bound is that stage's bound
    result.seconds = time.monotonic() - started
    return result


def employed_only(mo: Month) -> Problem:
    """The month problem with only the caregivers employed the whole month."""
    return replace(
        mo.problem, caregivers=tuple(s for s in mo.problem.caregivers if s.id in mo.employed)
    )
