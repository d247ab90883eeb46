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
    """One month's model. Standalone it owns its CpModel, objective and hints; as a month of a
    planner.horizon model it adds its variables, rules and cost terms to a shared CpModel."""

    def __init__(
        self,
        problem: Problem,
        *,
        relax: bool = False,
        symmetry: bool = False,
        model: cp_model.CpModel | None = None,
    ) -> None:
        self.problem = problem
        self.relax = relax
        self.standalone = model is None
        self.m = model if model is not None else cp_model.CpModel()
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
        # the continuity goal's terms, kept apart (a horizon counts them as changes instead)
        self.continuity_costs: list[tuple[int, cp_model.IntVar]] = []
        self.continuity_constant = 0
        self.kept_group: dict[int, cp_model.IntVar] = {}  # child -> "keeps its current group"
        self.slack: list[tuple[int, cp_model.IntVar]] = []
        self.start: list[int] | None = None  # the completed current arrangement, by var index
        self.start_objective: int | None = None
        self._build(symmetry)

    # -- variables ---------------------------------------------------------------------------

    def _build(self, symmetry: bool) -> None:
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
        self.gidx_child = [m.new_int_var(0, K, f"gc{c}") for c in range(C)]
        self.gidx_staff = [m.new_int_var(0, K, f"gs{s}") for s in range(S)]
        for c in range(C):
            m.add(self.gidx_child[c] == sum((k + 1) * self.x[c][k] for k in range(K)))
        for s in range(S):
            m.add(self.gidx_staff[s] == sum((k + 1) * self.y[s][k] for k in range(K)))
        # The child's group is its primary's group. When every placed child must have a
        # primary, one element constraint per child says it (primary_of = the primary's
        # index); otherwise (what-ifs, relaxation) one enforced equality per pair.
        self.primary_of: list[cp_model.IntVar | None] = [None] * C
        for c in range(C):
            if not S:
                continue
            if self.unassigned[c] is None and self.no_primary[c] is None:
                index = m.new_int_var(0, S - 1, f"pi{c}")
                m.add(index == sum(s * self.p[c][s] for s in range(S)))
                m.add_element(index, self.gidx_staff, self.gidx_child[c])
                self.primary_of[c] = index
            else:
                for s in range(S):
                    m.add(self.gidx_child[c] == self.gidx_staff[s]).only_enforce_if(self.p[c][s])
                    m.add(self.gidx_staff[s] >= 1).only_enforce_if(self.p[c][s])
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
        for block in timeline.blocks(self.problem, prune=not self.relax):
            self._block(block)
        if symmetry:
            self._symmetry()
        if not self.relax:
            self._objective()
            if self.standalone:
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

    def _unmet(
        self, weight: int, met: Sequence[cp_model.IntVar], *, continuity: bool = False
    ) -> None:
        """weight × (1 − Σ met), where at most one of `met` can be true (no extra variable)."""
        if weight and continuity:
            self.continuity_constant += weight
            self.continuity_costs.extend((-weight, var) for var in met)
        elif weight:
            self.constant += weight
            self.costs.extend((-weight, var) for var in met)

    def _objective(self) -> None:
        w = self.problem.weights
        m, C, S, K = self.m, len(self.children), len(self.caregivers), len(self.slots)
        labels = sorted({c.current.group for c in self.children if c.current and c.current.group})
        self.labels = labels
        self.z = [[m.new_bool_var(f"z{k}_{g}") for g in range(len(labels))] for k in range(K)]
        for k in range(K):
            m.add(sum(self.z[k]) <= 1)
        self.label_slot = []  # 1-based slot carrying each current group id (0: none)
        for g in range(len(labels)):
            m.add(sum(self.z[k][g] for k in range(K)) <= 1)
            slot = m.new_int_var(0, K, f"ls{g}")
            m.add(slot == sum((k + 1) * self.z[k][g] for k in range(K)))
            self.label_slot.append(slot)
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
                # a current primary who is not in the problem cannot be kept
                same = [self.p[c][ids[current.primary]]] if current.primary in ids else []
                self._unmet(10 * w.continuity, [*same, *left_out], continuity=True)
            if current and current.group:
                g = labels.index(current.group)
                # kept: the child's group is the slot that carries its current group's id
                kept = m.new_bool_var(f"kept{c}")
                self.kept_group[c] = kept
                m.add(self.gidx_child[c] == self.label_slot[g]).only_enforce_if(kept)
                m.add(self.label_slot[g] >= 1).only_enforce_if(kept)
                # and back: a placed child in that slot keeps it (exact, for complete starts)
                m.add(self.gidx_child[c] != self.label_slot[g]).only_enforce_if(
                    [kept.Not(), *(u.Not() for u in left_out)]
                )
                self._unmet(5 * w.continuity, [kept, *left_out], continuity=True)
            was = (
                self.problem.current_rooms.get(current.group) if current and current.group else None
            )
            if was is not None:
                same_room = [
                    self.x[c][k] for k, slot in enumerate(self.slots) if slot.room.id == was
                ]
                self._unmet(10 * w.room, [*same_room, *left_out])
            if child.languages:
                speakers = [
                    s
                    for s, cg in enumerate(self.caregivers)
                    if set(cg.languages) & set(child.languages)
                ]
                self._unmet(10 * w.language, [*(self.p[c][s] for s in speakers), *left_out])
            if child.ifsp:
                trained = [s for s, cg in enumerate(self.caregivers) if cg.ifsp_trained]
                self._unmet(10 * w.ifsp, [*(self.p[c][s] for s in trained), *left_out])
            if child.family_requests:
                asked = [ids[r] for r in child.family_requests if r in ids]
                self._unmet(10 * w.family_requests, [*(self.p[c][s] for s in asked), *left_out])
            if out is not None:
                self._cost(10 * w.unassigned, out)
        index = {c.id: i for i, c in enumerate(self.children)}
        pairs = sorted(
            {
                tuple(sorted((index[child.id], index[sib])))
                for child in self.children
                for sib in child.siblings
                if sib in index and sib != child.id
            }
        )
        for a, b in pairs:
            apart = m.new_bool_var(f"apart{a}_{b}")
            # a pair with a child left out is not "apart" (only `unassigned` counts then)
            gone = cp_model.LinearExpr.sum(
                [u for u in (self.unassigned[a], self.unassigned[b]) if u is not None]
            )
            for k in range(K):
                m.add(apart >= self.x[a][k] - self.x[b][k] - gone)
                m.add(apart >= self.x[b][k] - self.x[a][k] - gone)
            self._cost(10 * w.siblings, apart)
        if S and w.balance:
            target = math.ceil(C / S)
            for s in range(S):
                over = m.new_int_var(0, C, f"over{s}")
                m.add(over >= self.load[s] - target)
                self._cost(10 * w.balance, over)
        if self.standalone:
            terms = [*self.costs, *self.continuity_costs]
            m.minimize(
                cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
                + self.constant
                + self.continuity_constant
            )

    def minimize_slack(self) -> None:
        self.m.minimize(sum(coef * var for coef, var in self.slack))

    # -- hints ---------------------------------------------------------------------------------

    def _current(self) -> dict[cp_model.IntVar, int]:
        """The current arrangement as values of the decision variables, where known.

        Current groups go to slots: into their current room when `current_rooms` says which,
        else largest first into the first free slot of a room that holds them. Caregivers
        follow their current group (or that of most of their current primary children);
        children their current group and primary. Unknown placements are left out.
        """
        K, S = len(self.slots), len(self.caregivers)
        ids = {c.id: i for i, c in enumerate(self.caregivers)}
        members: dict[str, list[int]] = {}
        for c, child in enumerate(self.children):
            if child.current and child.current.group:
                members.setdefault(child.current.group, []).append(c)
        votes: dict[int, dict[str, int]] = {}
        for child in self.children:
            cur = child.current
            if cur and cur.primary in ids and cur.group:
                tally = votes.setdefault(ids[cur.primary], {})
                tally[cur.group] = tally.get(cur.group, 0) + 1
        staff_group: dict[int, str] = {}
        for s, caregiver in enumerate(self.caregivers):
            if caregiver.current_group:
                staff_group[s] = caregiver.current_group
            elif s in votes:
                staff_group[s] = max(votes[s], key=lambda g: votes[s][g])
        labels = set(members) | set(staff_group.values())
        slot_of: dict[str, int] = {}
        free = list(range(K))
        for label in sorted(
            labels, key=lambda g: (g not in self.problem.current_rooms, -len(members.get(g, [])), g)
        ):
            room = self.problem.current_rooms.get(label)
            fits = [
                k
                for k in free
                if (
                    self.slots[k].room.id == room
                    if room
                    else self.slots[k].room.capacity >= len(members.get(label, []))
                )
            ]
            if fits:
                slot_of[label] = fits[0]
                free.remove(fits[0])
        values: dict[cp_model.IntVar, int] = {}
        for c, child in enumerate(self.children):
            cur = child.current
            k_now = slot_of.get(cur.group) if cur and cur.group else None
            if k_now is not None:
                for k in range(K):
                    values[self.x[c][k]] = int(k == k_now)
                if (u := self.unassigned[c]) is not None:
                    values[u] = 0
            if cur and cur.primary in ids:
                for s in range(S):
                    values[self.p[c][s]] = int(s == ids[cur.primary])
        for s in range(S):
            k_now = slot_of.get(staff_group[s]) if s in staff_group else None
            if k_now is not None:
                for k in range(K):
                    values[self.y[s][k]] = int(k == k_now)
        if hasattr(self, "z"):  # group labels exist when the objective is built
            for k in range(K):
                for g, label in enumerate(self.labels):
                    values[self.z[k][g]] = int(slot_of.get(label) == k)
        return values

    def hint_current(self) -> None:
        """Hint the current arrangement as far as it is known (no completion)."""
        for var, value in self._current().items():
            self.m.add_hint(var, value)

    def _hints(self) -> None:
        """Start the search from the current arrangement (refined by `warm_start`)."""
        self.hint_current()

    def warm_start(self, *, time_limit: float, workers: int) -> bool:
        """Complete the current arrangement into a full solution and hint all of it.

        A copy of the model with the known placements fixed is small after presolve, so
        CP-SAT completes it quickly (who else works where, the other primaries, …). When it
        does, every variable is hinted with that solution, so the search starts from a
        plan that meets every rule. False when the current arrangement cannot be completed.
        """
        fixed = self._current()
        if not fixed:
            return False
        deadline = time.monotonic() + time_limit
        # everything as it is; else only the primary caregivers (groups regroup around them:
        # a caregiver and their primary children move together, e.g. to take a newcomer)
        primaries = {
            var: value
            for c in range(len(self.children))
            for var in self.p[c]
            if (value := fixed.get(var)) is not None
        }
        for share, attempt in ((0.5, fixed), (1.0, primaries)):
            if not attempt:
                continue
            copy = self.m.clone()
            for var, value in attempt.items():
                copy.add(copy.get_bool_var_from_proto_index(var.index) == value)
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = max(0.1, share * (deadline - time.monotonic()))
            solver.parameters.num_workers = workers
            solver.parameters.stop_after_first_solution = True
            _tune(solver)
            if solver.solve(copy) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break
        else:
            return False
        self.m.clear_hints()  # type: ignore[no-untyped-call]
        values = [
            solver.value(copy.get_int_var_from_proto_index(i))
            for i in range(len(self.m.Proto().variables))
        ]
        for i, value in enumerate(values):
            self.m.add_hint(self.m.get_int_var_from_proto_index(i), value)
        self.start = values
        self.start_objective = round(solver.objective_value)
        return True

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


def _tune(solver: cp_model.CpSolver) -> None:
    """Presolve once and skip probing: on these models a second presolve pass and probing
    cost seconds and rarely pay back (measured in benchmarks/planner.py)."""
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.cp_model_probing_level = 0


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


@dataclass
class Outcome:
    """What a search found: its status, how to read the solution, objective and bound."""

    status: str  # optimal, feasible, infeasible, unknown, model_invalid
    value: Callable[[cp_model.IntVar], int]
    objective: int | None
    bound: int | None


def run(
    model: PlannerModel,
    *,
    time_limit: float,
    workers: int,
    progress: Progress | None = None,
    warm: bool = True,
) -> Outcome:
    """Search within the time limit, starting from the completed current arrangement.

    If the search finds nothing better in time (large problems spend seconds in presolve),
    the completed current arrangement itself is the answer: status "feasible", no bound.
    """
    started = time.monotonic()
    if warm and not model.relax:
        model.warm_start(time_limit=min(6.0, 0.6 * time_limit), workers=workers)
        if progress is not None and time.monotonic() - started > 1:
            progress(
                f"starting from the current arrangement after {time.monotonic() - started:.1f} s"
            )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, time_limit - (time.monotonic() - started))
    solver.parameters.num_workers = workers
    _tune(solver)
    watch = _Watch()
    done = threading.Event()

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
    if status in ("optimal", "feasible"):
        return Outcome(
            status,
            solver.value,
            round(solver.objective_value),
            round(solver.best_objective_bound),
        )
    if status == "unknown" and model.start is not None:
        start = model.start
        return Outcome("feasible", lambda var: start[var.index], model.start_objective, None)
    return Outcome(status, solver.value, None, None)
