"""The CP-SAT model: groups, primary caregivers, and the licensing rules at every moment.

Groups are *slots*: each room offers `max_groups` slots; a plan's group is a used slot.
Variables: x[c][k] child c in slot k, y[s][k] caregiver s in slot k, p[c][s] s is c's
primary, z[k][g] slot k continues current group g. Time is compressed (planner.timeline)
into blocks: one constraint set per (slot, distinct situation of the week). The objective is
the cost of docs/planner.md; planner.score recomputes it independently.

With `relax=True` the hard rules get slack (extra staff, extra places) whose minutes are
minimised: the plan it returns breaks the rules as little as possible, and the validator's
list of what it breaks is the explanation of an infeasible problem.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ortools.sat.python import cp_model

from planner import timeline
from planner.model import (
    Caregiver,
    Child,
    Group,
    Plan,
    Problem,
    Room,
    overlap_minutes,
    schedule_minutes,
)
from planner.rules import Band

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Slot:
    room: Room
    index: int


def _ratio_parts(ratio: Fraction) -> tuple[int, int]:
    return ratio.numerator, ratio.denominator


def _lcm(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out = out * v // math.gcd(out, v)
    return out


class PlannerModel:
    def __init__(self, problem: Problem, *, relax: bool = False) -> None:
        self.problem = problem
        self.relax = relax
        self.m = cp_model.CpModel()
        self.rules = problem.program.rules
        self.children: tuple[Child, ...] = problem.children
        self.caregivers: tuple[Caregiver, ...] = problem.caregivers
        self.slots = [Slot(room, j) for room in problem.rooms for j in range(room.max_groups)]
        self.ages = [problem.age_months(c) for c in self.children]
        bands = [self.rules.band_index(a) for a in self.ages]
        if any(b is None for b in bands):
            raise ValueError("a child is outside every band (io.parse_problem checks this)")
        self.band_of: list[int] = [b for b in bands if b is not None]
        self.costs: list[tuple[int, cp_model.IntVar]] = []
        self.constant = 0
        self.slack: list[tuple[int, cp_model.IntVar]] = []
        self._build()

    # -- variables ---------------------------------------------------------------------------

    def _build(self) -> None:
        m, C, S, K = self.m, len(self.children), len(self.caregivers), len(self.slots)
        self.x = [[m.new_bool_var(f"x{c}_{k}") for k in range(K)] for c in range(C)]
        self.y = [[m.new_bool_var(f"y{s}_{k}") for k in range(K)] for s in range(S)]
        self.p = [[m.new_bool_var(f"p{c}_{s}") for s in range(S)] for c in range(C)]
        self.unassigned = [
            m.new_bool_var(f"u{c}") if self.problem.allow_unassigned else None for c in range(C)
        ]
        self.no_primary = [m.new_bool_var(f"np{c}") if self.relax else None for c in range(C)]
        for c in range(C):
            u = self.unassigned[c]
            m.add(sum(self.x[c]) + (u if u is not None else 0) == 1)
            np_ = self.no_primary[c]
            m.add(
                sum(self.p[c]) + (np_ if np_ is not None else 0) == 1 - (u if u is not None else 0)
            )
            if np_ is not None:
                self.slack.append((10_000, np_))
        for s in range(S):
            m.add(sum(self.y[s]) <= 1)
        # group index, 1-based (0: not placed); a primary shares the child's group
        self.gidx_child = [sum((k + 1) * self.x[c][k] for k in range(K)) for c in range(C)]
        self.gidx_staff = [sum((k + 1) * self.y[s][k] for k in range(K)) for s in range(S)]
        placed = [m.new_bool_var(f"placed{s}") for s in range(S)]
        for s in range(S):
            m.add(sum(self.y[s]) == placed[s])
        for c in range(C):
            for s in range(S):
                m.add(self.gidx_child[c] == self.gidx_staff[s]).only_enforce_if(self.p[c][s])
                m.add_implication(self.p[c][s], placed[s])
        self.load = []
        for s, caregiver in enumerate(self.caregivers):
            load = sum(self.p[c][s] for c in range(C))
            limit = self.problem.primary_limit(caregiver)
            if self.relax:
                extra = m.new_int_var(0, C, f"cap{s}")
                m.add(load <= limit + extra)
                self.slack.append((1_000, extra))
            else:
                m.add(load <= limit)
            self.load.append(load)
        # every child of a slot needs a primary from that slot (implied; helps the search)
        if not self.relax:
            for k in range(K):
                m.add(
                    sum(self.x[c][k] for c in range(C))
                    <= sum(
                        self.problem.primary_limit(cg) * self.y[s][k]
                        for s, cg in enumerate(self.caregivers)
                    )
                )
        for block in timeline.blocks(self.problem):
            self._block(block)
        self._symmetry()
        if not self.relax:
            self._objective()
            self._hints()

    # -- the rules at one block ---------------------------------------------------------------

    def _block(self, block: timeline.Block) -> None:
        present = block.child_indices()
        staff_on = block.caregiver_indices()
        minutes = max(1, block.minutes)
        by_room: dict[str, list[cp_model.LinearExprT]] = {}
        for k, slot in enumerate(self.slots):
            n = cp_model.LinearExpr.sum([self.x[c][k] for c in present])
            staff = cp_model.LinearExpr.sum([self.y[s][k] for s in staff_on])
            if self.relax:
                staff = staff + self._over(minutes)
            self._group_rules(k, present, n, staff, minutes)
            by_room.setdefault(slot.room.id, []).append(n)
        for room in self.problem.rooms:
            self._at_most(sum(by_room[room.id]), room.capacity, minutes, [])

    def _at_most(
        self,
        expr: cp_model.LinearExprT,
        limit: int,
        minutes: int,
        enforce: Sequence[cp_model.LiteralT],
    ) -> None:
        """expr <= limit, under the enforcement literals (with slack when relaxing)."""
        if self.relax:
            self.m.add(expr <= limit + self._over(minutes)).only_enforce_if(enforce)
        else:
            self.m.add(expr <= limit).only_enforce_if(enforce)

    def _band_rule(
        self,
        band: Band,
        n: cp_model.LinearExprT,
        n_max: int,
        staff: cp_model.LinearExprT,
        minutes: int,
        enforce: Sequence[cp_model.LiteralT],
    ) -> None:
        """The band's group size and staffing for n children; `enforce` implies n >= 1."""
        if band.max_group < n_max:
            self._at_most(n, band.max_group, minutes, enforce)
        if len(band.tiers) == 1:
            tier = band.tiers[0]
            if tier.staff is not None:
                self.m.add(staff >= tier.staff).only_enforce_if(enforce)
            else:
                assert tier.ratio is not None
                num, den = _ratio_parts(tier.ratio)
                self.m.add(num * staff >= den * n).only_enforce_if(enforce)
            return
        top = min(n_max, band.max_group)
        table = [band.staff_for(i) or 0 for i in range(top + 1)]
        table += [table[-1]] * (n_max - top)
        count = self.m.new_int_var(0, n_max, "n")
        self.m.add(count == n)
        need = self.m.new_int_var(0, max(table), "need")
        self.m.add_element(count, table, need)
        self.m.add(staff >= need).only_enforce_if(enforce)

    def _has(self, k: int, members: list[int]) -> cp_model.IntVar:
        has = self.m.new_bool_var("has")
        self.m.add_max_equality(has, [self.x[c][k] for c in members])
        return has

    def _group_rules(
        self,
        k: int,
        present: list[int],
        n: cp_model.LinearExprT,
        staff: cp_model.LinearExprT,
        minutes: int,
    ) -> None:
        rules = self.rules
        n_max = len(present)
        by_band: dict[int, list[int]] = {}
        for c in present:
            by_band.setdefault(self.band_of[c], []).append(c)
        bands = sorted(by_band)
        for limit in rules.limits:
            young = [c for c in present if self.ages[c] < limit.under_months]
            if len(young) > limit.max:
                count = sum(self.x[c][k] for c in young)
                if limit.per == "caregiver":
                    self.m.add(count <= limit.max * staff)  # staff carries the slack
                else:
                    self._at_most(count, limit.max, minutes, [])
        if rules.mixed_age == "weighted":
            ratios = [rules.bands[b].ratio for b in bands]
            scale = _lcm([r.numerator for r in ratios])
            self.m.add(
                sum(
                    (scale * r.denominator // r.numerator) * self.x[c][k]
                    for b, r in zip(bands, ratios, strict=True)
                    for c in by_band[b]
                )
                <= scale * staff
            )
            sizes = [rules.bands[b].max_group for b in bands]
            room = _lcm(sizes)
            if (
                sum(len(by_band[b]) * room // size for b, size in zip(bands, sizes, strict=True))
                > room
            ):
                occupancy = sum(
                    (room // size) * self.x[c][k]
                    for b, size in zip(bands, sizes, strict=True)
                    for c in by_band[b]
                )
                self._at_most(occupancy, room, minutes, [])
            return
        has = {b: self._has(k, by_band[b]) for b in bands}
        mixed: cp_model.IntVar | None = None
        if rules.mixed_group is not None and len(bands) >= 2:
            mixed = self.m.new_bool_var("mixed")
            total = sum(has.values())
            self.m.add(total >= 2 * mixed)
            self.m.add(total <= 1 + (len(bands) - 1) * mixed)
            rule = rules.mixed_group
            if rule.max_group < n_max:
                self._at_most(n, rule.max_group, minutes, [mixed])
            num, den = _ratio_parts(rule.ratio)
            self.m.add(num * staff >= den * n).only_enforce_if(mixed)
        pure = [mixed.Not()] if mixed is not None else []
        if len(bands) == 1:
            b = bands[0]
            self._band_rule(rules.bands[b], n, n_max, staff, minutes, [has[b], *pure])
            return
        if rules.mixed_age == "youngest":
            for i, b in enumerate(bands):
                if i == 0:
                    lit = has[b]
                else:
                    lit = self.m.new_bool_var("youngest")
                    younger = [has[a] for a in bands[:i]]
                    self.m.add_implication(lit, has[b])
                    for h in younger:
                        self.m.add_implication(lit, h.Not())
                    self.m.add_bool_or([lit, has[b].Not(), *younger])
                self._band_rule(rules.bands[b], n, n_max, staff, minutes, [lit, *pure])
            return
        # majority: the band with most children present; ties go to the younger band
        counts = {b: sum(self.x[c][k] for c in by_band[b]) for b in bands}
        anyone = self.m.new_bool_var("anyone")
        self.m.add_max_equality(anyone, list(has.values()))
        chosen = {b: self.m.new_bool_var("majority") for b in bands}
        self.m.add(sum(chosen.values()) == anyone)
        for b in bands:
            self.m.add_implication(chosen[b], has[b])
            for a in bands:
                if a < b:
                    self.m.add(counts[b] >= counts[a] + 1).only_enforce_if(chosen[b])
                elif a > b:
                    self.m.add(counts[b] >= counts[a]).only_enforce_if(chosen[b])
            self._band_rule(rules.bands[b], n, n_max, staff, minutes, [chosen[b], *pure])

    def _over(self, minutes: int) -> cp_model.IntVar:
        over = self.m.new_int_var(0, 10_000, "over")
        self.slack.append((100 * minutes, over))
        return over

    # -- symmetry ------------------------------------------------------------------------------

    def _symmetry(self) -> None:
        """Order interchangeable slots, caregivers and children (valid together: permuting
        one kind keeps the others' orderings satisfiable)."""
        K = len(self.slots)
        referenced = {
            s
            for child in self.children
            for s in ((child.current.primary,) if child.current and child.current.primary else ())
            + child.family_requests
        }

        def staff_count(k: int) -> cp_model.LinearExprT:
            return sum(self.y[s][k] for s in range(len(self.caregivers)))

        for k in range(K - 1):
            here, there = self.slots[k].room, self.slots[k + 1].room
            if (here.capacity, here.max_groups) == (there.capacity, there.max_groups):
                self.m.add(staff_count(k) >= staff_count(k + 1))
        signature: dict[object, list[int]] = {}
        for s, cg in enumerate(self.caregivers):
            if cg.id in referenced:
                continue
            staff_key: object = (
                tuple(sorted((d, spans) for d, spans in cg.shifts.items())),
                frozenset(cg.languages),
                cg.ifsp_trained,
                self.problem.primary_limit(cg),
            )
            signature.setdefault(staff_key, []).append(s)
        for group in signature.values():
            for a, b in itertools.pairwise(group):
                self.m.add(self.gidx_staff[a] >= self.gidx_staff[b])
        siblings = {sib for child in self.children for sib in child.siblings} | {
            child.id for child in self.children if child.siblings
        }
        kinds: dict[object, list[int]] = {}
        for c, child in enumerate(self.children):
            if child.current or child.family_requests or child.id in siblings:
                continue
            child_key: object = (
                tuple(sorted((d, spans) for d, spans in child.schedule.items())),
                self.band_of[c],
                tuple(self.ages[c] < limit.under_months for limit in self.rules.limits),
                frozenset(child.languages),
                child.ifsp,
            )
            kinds.setdefault(child_key, []).append(c)
        for group in kinds.values():
            for a, b in itertools.pairwise(group):
                self.m.add(self.gidx_child[a] <= self.gidx_child[b])

    # -- objective -----------------------------------------------------------------------------

    def _cost(self, coefficient: int, var: cp_model.IntVar) -> None:
        if coefficient:
            self.costs.append((coefficient, var))

    def _unmet(self, weight: int, met: cp_model.LinearExprT) -> None:
        """weight × (1 − met) where met is 0/1."""
        if weight:
            self.constant += weight
            indicator = self.m.new_bool_var("met")
            self.m.add(indicator == met)
            self.costs.append((-weight, indicator))

    def _objective(self) -> None:
        w = self.problem.weights
        m, C, S, K = self.m, len(self.children), len(self.caregivers), len(self.slots)
        labels = sorted({c.current.group for c in self.children if c.current and c.current.group})
        self.labels = labels
        self.z = [[m.new_bool_var(f"z{k}_{g}") for g in range(len(labels))] for k in range(K)]
        for k in range(K):
            m.add(sum(self.z[k]) <= 1)
        for g in range(len(labels)):
            m.add(sum(self.z[k][g] for k in range(K)) <= 1)
        ids = {c.id: i for i, c in enumerate(self.caregivers)}
        for c, child in enumerate(self.children):
            # a child left out costs `unassigned` only: its other goals count as met
            out = self.unassigned[c]
            left_out: list[cp_model.IntVar] = [out] if out is not None else []
            attended = schedule_minutes(child.schedule)
            for s, cg in enumerate(self.caregivers):
                if attended:
                    share = overlap_minutes(child.schedule, cg.shifts) / attended
                    self._cost(round(10 * w.primary_presence * (1 - share)), self.p[c][s])
            current = child.current
            if current and current.primary:
                self._unmet(10 * w.continuity, self.p[c][ids[current.primary]] + sum(left_out))
            if current and current.group:
                g = labels.index(current.group)
                kept = []
                for k in range(K):
                    both = m.new_bool_var("kept")
                    m.add_implication(both, self.x[c][k])
                    m.add_implication(both, self.z[k][g])
                    kept.append(both)
                self._unmet(5 * w.continuity, sum(kept) + sum(left_out))
            if child.languages:
                speakers = [
                    s
                    for s, cg in enumerate(self.caregivers)
                    if set(cg.languages) & set(child.languages)
                ]
                self._unmet(10 * w.language, sum(self.p[c][s] for s in speakers) + sum(left_out))
            if child.ifsp:
                trained = [s for s, cg in enumerate(self.caregivers) if cg.ifsp_trained]
                self._unmet(10 * w.ifsp, sum(self.p[c][s] for s in trained) + sum(left_out))
            if child.family_requests:
                asked = [ids[r] for r in child.family_requests]
                self._unmet(
                    10 * w.family_requests, sum(self.p[c][s] for s in asked) + sum(left_out)
                )
            if out is not None:
                self._cost(10 * w.unassigned, out)
        index = {c.id: i for i, c in enumerate(self.children)}
        pairs = sorted(
            {
                tuple(sorted((index[child.id], index[sib])))
                for child in self.children
                for sib in child.siblings
            }
        )
        for a, b in pairs:
            apart = m.new_bool_var(f"apart{a}_{b}")
            # a pair with a child left out is not "apart" (only `unassigned` counts then)
            out = [u for u in (self.unassigned[a], self.unassigned[b]) if u is not None]
            for k in range(K):
                m.add(apart >= self.x[a][k] - self.x[b][k] - sum(out))
                m.add(apart >= self.x[b][k] - self.x[a][k] - sum(out))
            self._cost(10 * w.siblings, apart)
        if S and w.balance:
            target = math.ceil(C / S)
            for s in range(S):
                over = m.new_int_var(0, C, f"over{s}")
                m.add(over >= self.load[s] - target)
                self._cost(10 * w.balance, over)
        m.minimize(sum(coef * var for coef, var in self.costs) + self.constant)

    def minimize_slack(self) -> None:
        self.m.minimize(sum(coef * var for coef, var in self.slack))

    # -- hints ---------------------------------------------------------------------------------

    def _hints(self) -> None:
        """The current arrangement: current groups in slots, current primaries."""
        K = len(self.slots)
        if not K:
            return
        ids = {c.id: i for i, c in enumerate(self.caregivers)}
        members: dict[str, list[int]] = {}
        for c, child in enumerate(self.children):
            if child.current and child.current.group:
                members.setdefault(child.current.group, []).append(c)
        slot_of: dict[str, int] = {}
        free = list(range(K))
        for label in sorted(members, key=lambda g: -len(members[g])):
            fits = [k for k in free if self.slots[k].room.capacity >= len(members[label])]
            if fits:
                slot_of[label] = fits[0]
                free.remove(fits[0])
        staff_slot: dict[int, int] = {}
        for c, child in enumerate(self.children):
            cur = child.current
            if cur and cur.group in slot_of:
                k = slot_of[cur.group]
                self.m.add_hint(self.x[c][k], 1)
                if cur.primary:
                    s = ids[cur.primary]
                    staff_slot.setdefault(s, k)
            if cur and cur.primary:
                self.m.add_hint(self.p[c][ids[cur.primary]], 1)
        for s, k in staff_slot.items():
            self.m.add_hint(self.y[s][k], 1)
        for label, k in slot_of.items():
            self.m.add_hint(self.z[k][self.labels.index(label)], 1)

    # -- reading the answer --------------------------------------------------------------------

    def plan(self, value: Callable[[cp_model.IntVar], int], status: str) -> Plan:
        """The plan from a solution; `value` reads a variable (CP-SAT's or the MIP's)."""
        labels = getattr(self, "labels", [])
        used = set(labels)
        fresh = (f"g{i}" for i in range(1, 10_000) if f"g{i}" not in used)
        groups = []
        for k, slot in enumerate(self.slots):
            caregivers = [cg.id for s, cg in enumerate(self.caregivers) if value(self.y[s][k])]
            children = [ch.id for c, ch in enumerate(self.children) if value(self.x[c][k])]
            if not caregivers and not children:
                continue
            label = None
            if hasattr(self, "z"):
                label = next((labels[g] for g in range(len(labels)) if value(self.z[k][g])), None)
            groups.append(Group(label or next(fresh), slot.room.id, caregivers, children))
        primary = {
            ch.id: self.caregivers[s].id
            for c, ch in enumerate(self.children)
            for s in range(len(self.caregivers))
            if value(self.p[c][s])
        }
        unassigned = [
            ch.id
            for c, ch in enumerate(self.children)
            if (u := self.unassigned[c]) is not None and value(u)
        ]
        return Plan(status=status, groups=groups, primary=primary, unassigned_children=unassigned)


class _Watch(cp_model.CpSolverSolutionCallback):
    def __init__(self) -> None:
        super().__init__()
        self.objective: float | None = None
        self.bound: float | None = None
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.objective = self.objective_value
        self.bound = self.best_objective_bound


def run(
    model: PlannerModel,
    *,
    time_limit: float,
    workers: int,
    progress: Progress | None = None,
) -> tuple[cp_model.CpSolver, str]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    watch = _Watch()
    done = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not done.wait(1.0):
            if progress is None:
                return
            elapsed = time.monotonic() - started
            if watch.objective is None:
                progress(f"solving: {elapsed:.0f} s, no plan yet (limit {time_limit:.0f} s)")
            else:
                progress(
                    f"solving: {elapsed:.0f} s, best cost {watch.objective:.0f}, "
                    f"bound {watch.bound:.0f} (limit {time_limit:.0f} s)"
                )

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        code = solver.solve(model.m, watch)
    finally:
        done.set()
        ticker.join()
    status = {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
        cp_model.UNKNOWN: "unknown",
        cp_model.MODEL_INVALID: "model_invalid",
    }[code]
    return solver, status
