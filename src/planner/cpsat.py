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
from planner.rules import Member, RuleSet, Tier, child_class, least_shares

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Slot:
    room: Room
    index: int


def _staff_for(tiers: Sequence[Tier], n: int) -> int | None:
    for tier in tiers:
        if n <= tier.max_group:
            return tier.staff_for(n)
    return None


def _table(tiers: Sequence[Tier], top: int, n_max: int) -> list[int]:
    """Staff needed for 0..n_max children (the largest allowed group's need beyond `top`)."""
    table = [_staff_for(tiers, i) or 0 for i in range(top + 1)]
    return table + [table[-1]] * (n_max - top)


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
        objective: bool = True,
    ) -> None:
        self.problem = problem
        self.with_objective = objective
        self.relax = relax
        self.standalone = model is None
        self.m = model if model is not None else cp_model.CpModel()
        self.rules = problem.program.rules
        self.children: tuple[Child, ...] = problem.children
        self.caregivers: tuple[Caregiver, ...] = problem.caregivers
        self.slots = [Slot(room, j) for room in problem.rooms for j in range(room.max_groups)]
        self.rule_sets = problem.program.rule_sets
        # members: the enrolled children, then the caregivers' own children (who count where
        # their caregiver works: their variable in slot k is the caregiver's y[s][k])
        self.members: list[Member] = [problem.member(c) for c in self.children] + [
            problem.member(sc) for sc in problem.staff_children
        ]
        ids = {cg.id: i for i, cg in enumerate(self.caregivers)}
        self.member_staff = [ids[sc.with_] for sc in problem.staff_children]
        self.ages = [problem.age_months(c) for c in self.children]
        # per rule set: each member's band (None: not counted by that rule set)
        self.band_of_set: list[list[int | None]] = []
        for rs in self.rule_sets:
            row: list[int | None] = []
            for mem in self.members:
                if mem.staff_child_of is not None and not rs.staff_children.counts(mem.age):
                    row.append(None)
                    continue
                b = rs.band_index(mem.age)
                if b is None:
                    raise ValueError("a child is outside every band (io.parse_problem checks this)")
                row.append(b)
            self.band_of_set.append(row)
        self.band_of: list[int] = [b if b is not None else 0 for b in self.band_of_set[0]]
        self.monotone = all(rs.monotone for rs in self.rule_sets)
        self.classes = [child_class(self.rule_sets, m) for m in self.members]
        self._shares: dict[frozenset[str], dict[tuple[object, ...], Fraction] | None] = {}
        self._tables: dict[tuple[int, int], list[int]] = {}
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
        self.columns = self._columns()
        for block in timeline.blocks(self.problem, prune=not self.relax):
            self._block(block)
        if symmetry:
            self._symmetry()
        if not self.relax and self.with_objective:
            self._objective()
            if self.standalone:
                self._hints()

    # -- the rules at one block ---------------------------------------------------------------

    def xv(self, c: int, k: int) -> cp_model.IntVar:
        """Member c in slot k: a child's x, or for a caregiver's own child the caregiver's y."""
        return self.columns[k][c]

    def _columns(self) -> list[list[cp_model.IntVar]]:
        """Per slot, every member's variable (xv), listed once: the block constraints read
        them millions of times on large programs."""
        n = len(self.children)
        return [
            [self.x[c][k] for c in range(n)] + [self.y[s][k] for s in self.member_staff]
            for k in range(len(self.slots))
        ]

    def _block(self, block: timeline.Block) -> None:
        present = block.child_indices()
        staff_on = block.caregiver_indices()
        minutes = max(1, block.minutes)
        by_room: dict[str, list[cp_model.LinearExprT]] = {}
        shares = self._share_terms(present, block.periods)
        for k, slot in enumerate(self.slots):
            column = self.columns[k]
            n = cp_model.LinearExpr.sum([column[c] for c in present])
            staff = cp_model.LinearExpr.sum([self.y[s][k] for s in staff_on])
            if self.relax:
                staff = staff + self._over(minutes)
            for r, rule_set in enumerate(self.rule_sets):
                self._group_rules(k, r, rule_set, present, staff, staff_on, minutes, block.periods)
            if shares is not None:
                self._share_bound(k, shares, staff_on)
            by_room.setdefault(slot.room.id, []).append(n)
        for room in self.problem.rooms:
            self._at_most(cp_model.LinearExpr.sum(by_room[room.id]), room.capacity, minutes, [])

    def _share_terms(
        self, present: list[int], periods: frozenset[str]
    ) -> tuple[list[int], list[int], int] | None:
        """The children present with a least share, their shares as whole numbers, and the
        scale (see _share_bound); the same for every slot of a block, so computed once."""
        if self.relax or self.monotone:
            return None
        shares = self.shares(periods)
        if shares is None:
            return None
        terms = [(shares[self.classes[c]], c) for c in present if c < len(self.children)]
        terms = [(w, c) for w, c in terms if w > 0]
        if not terms:
            return None
        scale = _lcm(sorted({w.denominator for w, _ in terms}))
        return [c for _, c in terms], [int(w * scale) for w, _ in terms], scale

    def _share_bound(
        self, k: int, terms: tuple[list[int], list[int], int], staff_on: list[int]
    ) -> None:
        """Implied: a group's caregivers on shift are at least the sum of its children's least
        shares (planner.rules.least_shares: no group the rules allow needs less). Only where
        the rules are not monotone (mixed-group rules, majority, group-size dependent
        weighted ratios), where their own constraints hide this from CP-SAT's propagation;
        it is what lets small infeasible programs be proven quickly."""
        children, weights, scale = terms
        self.m.add(
            cp_model.LinearExpr.weighted_sum([self.x[c][k] for c in children], weights)
            <= cp_model.LinearExpr.weighted_sum(
                [self.y[s][k] for s in staff_on], [scale] * len(staff_on)
            )
        )

    def shares(self, periods: frozenset[str]) -> dict[tuple[object, ...], Fraction] | None:
        if periods not in self._shares:
            reps: dict[tuple[object, ...], Member] = {}
            for c in range(len(self.children)):
                reps.setdefault(self.classes[c], self.members[c])
            self._shares[periods] = least_shares(self.rule_sets, reps, periods)
        return self._shares[periods]

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

    def _at_least(
        self,
        expr: cp_model.LinearExprT,
        need: int,
        minutes: int,
        enforce: Sequence[cp_model.LiteralT],
    ) -> None:
        """expr >= need, under the enforcement literals (with slack when relaxing)."""
        total = cp_model.LinearExpr.sum([expr, self._over(minutes)]) if self.relax else expr
        self.m.add(total >= need).only_enforce_if(enforce)

    def _tiers_rule(
        self,
        tiers: Sequence[Tier],
        n: cp_model.LinearExprT,
        n_max: int,
        staff: cp_model.LinearExprT,
        minutes: int,
        enforce: Sequence[cp_model.LiteralT],
    ) -> None:
        """Group size and staffing of a table of tiers for n children; `enforce` implies
        n >= 1."""
        biggest = tiers[-1].max_group
        if biggest < n_max:
            self._at_most(n, biggest, minutes, enforce)
        if len(tiers) == 1:
            tier = tiers[0]
            if tier.staff is not None:
                self.m.add(staff >= tier.staff).only_enforce_if(enforce)
            else:
                assert tier.ratio is not None
                num, den = _ratio_parts(tier.ratio)
                self.m.add(num * staff >= den * n).only_enforce_if(enforce)
            return
        # the same tables recur at every slot and block: kept by the tiers' identity (the
        # rule sets live as long as the model)
        key = (id(tiers), n_max)
        if key not in self._tables:
            self._tables[key] = _table(tiers, min(n_max, biggest), n_max)
        table = self._tables[key]
        count = self.m.new_int_var(0, n_max, "n")
        self.m.add(count == n)
        need = self.m.new_int_var(0, max(table), "need")
        self.m.add_element(count, table, need)
        self.m.add(staff >= need).only_enforce_if(enforce)

    def _has(self, k: int, members: list[int]) -> cp_model.IntVar:
        has = self.m.new_bool_var("has")
        column = self.columns[k]
        self.m.add_max_equality(has, [column[c] for c in members])
        return has

    def _group_rules(
        self,
        k: int,
        r: int,
        rule_set: RuleSet,
        present_all: list[int],
        staff_expr: cp_model.LinearExprT,
        staff_on: list[int],
        minutes: int,
        periods: frozenset[str],
    ) -> None:
        """One rule set's rules for slot k at one block (planner.rules.assess, as constraints)."""
        band_of = self.band_of_set[r]
        present = [c for c in present_all if band_of[c] is not None]
        if not present:
            return
        rules = rule_set.at(periods)
        relief, _ = rule_set.staff_relief(periods)
        n_max = len(present)
        column = self.columns[k]
        n = cp_model.LinearExpr.sum([column[c] for c in present])
        staff: cp_model.LinearExprT = staff_expr
        anyone: cp_model.IntVar | None = None

        def any_present() -> cp_model.IntVar:
            nonlocal anyone
            if anyone is None:
                anyone = self._has(k, present)
            return anyone

        if relief:
            # never fewer than one caregiver while a child is present
            self.m.add(staff_expr >= 1).only_enforce_if(any_present())
            staff = staff_expr + relief
        by_band: dict[int, list[int]] = {}
        for c in present:
            b = band_of[c]
            assert b is not None
            by_band.setdefault(b, []).append(c)
        bands = sorted(by_band)
        for limit in rules.limits:
            young = [c for c in present if limit.counts(self.members[c].age)]
            if len(young) > limit.max:
                count = cp_model.LinearExpr.sum([column[c] for c in young])
                if limit.per == "caregiver":
                    self.m.add(count <= limit.max * staff)  # staff carries the slack
                else:
                    self._at_most(count, limit.max, minutes, [])
        if rules.compositions:
            self._compositions(k, rules, present, staff, staff_expr, minutes, any_present)
        has: dict[int, cp_model.IntVar] = {}

        def has_band(b: int) -> cp_model.IntVar:
            if b not in has:
                has[b] = self._has(k, by_band[b])
            return has[b]

        mixed: cp_model.IntVar | None = None
        if rules.mixed_group is not None and len(bands) >= 2:
            mixed = self.m.new_bool_var("mixed")
            total = sum(has_band(b) for b in bands)
            self.m.add(total >= 2 * mixed)
            self.m.add(total <= 1 + (len(bands) - 1) * mixed)
            rule = rules.mixed_group
            self._tiers_rule(rule.tiers, n, n_max, staff, minutes, [mixed])
            if rule.floor:
                self._floor(rules, bands, has_band, n, n_max, staff, minutes, mixed)
        pure: list[cp_model.LiteralT] = [mixed.Not()] if mixed is not None else []
        self._conditions(k, rule_set, rules, present, by_band, has_band, staff_on, minutes,
                         periods, any_present)  # fmt: skip
        if rules.mixed_age == "weighted":
            self._weighted(k, rules, bands, by_band, n, n_max, staff, minutes, pure)
            return
        if len(bands) == 1:
            b = bands[0]
            self._tiers_rule(rules.bands[b].tiers, n, n_max, staff, minutes, [has_band(b), *pure])
            return
        if rules.mixed_age == "youngest":
            for i, b in enumerate(bands):
                if i == 0:
                    lit = has_band(b)
                else:
                    lit = self.m.new_bool_var("youngest")
                    younger = [has_band(a) for a in bands[:i]]
                    self.m.add_implication(lit, has_band(b))
                    for h in younger:
                        self.m.add_implication(lit, h.Not())
                    self.m.add_bool_or([lit, has_band(b).Not(), *younger])
                self._tiers_rule(rules.bands[b].tiers, n, n_max, staff, minutes, [lit, *pure])
            return
        # majority: the band with most children present; ties go to the younger band
        counts = {b: cp_model.LinearExpr.sum([column[c] for c in by_band[b]]) for b in bands}
        chosen = {b: self.m.new_bool_var("majority") for b in bands}
        self.m.add(sum(chosen.values()) == any_present())
        for b in bands:
            self.m.add_implication(chosen[b], has_band(b))
            for a in bands:
                if a < b:
                    self.m.add(counts[b] >= counts[a] + 1).only_enforce_if(chosen[b])
                elif a > b:
                    self.m.add(counts[b] >= counts[a]).only_enforce_if(chosen[b])
            self._tiers_rule(rules.bands[b].tiers, n, n_max, staff, minutes, [chosen[b], *pure])

    def _weighted(
        self,
        k: int,
        rules: RuleSet,
        bands: list[int],
        by_band: dict[int, list[int]],
        n: cp_model.LinearExprT,
        n_max: int,
        staff: cp_model.LinearExprT,
        minutes: int,
        pure: Sequence[cp_model.LiteralT],
    ) -> None:
        """Staff >= the sum over children of 1/ratio of their band, the ratio of the tier the
        whole group's size falls in; occupancy (sum of 1/max_group) at most one group."""
        cuts = sorted(
            {t.max_group for b in bands for t in rules.bands[b].tiers[:-1] if t.max_group < n_max}
        )
        intervals = []
        low = 0
        for cut in cuts:
            intervals.append((low, cut))
            low = cut + 1
        intervals.append((low, n_max))
        literals: list[cp_model.IntVar | None] = [None]
        if len(intervals) > 1:
            literals = [self.m.new_bool_var("size") for _ in intervals]
            self.m.add_exactly_one(literals)  # type: ignore[arg-type]
            for lit, (lo, hi) in zip(literals, intervals, strict=True):
                assert lit is not None
                self.m.add(n >= lo).only_enforce_if(lit)
                self.m.add(n <= hi).only_enforce_if(lit)
        for lit, (_, hi) in zip(literals, intervals, strict=True):
            size = max(1, hi)
            ratios = [rules.bands[b].ratio_at(size) for b in bands]
            scale = _lcm([q.numerator for q in ratios])
            enforce: list[cp_model.LiteralT] = [*pure, *([lit] if lit is not None else [])]
            self.m.add(
                sum(
                    (scale * q.denominator // q.numerator) * self.xv(c, k)
                    for b, q in zip(bands, ratios, strict=True)
                    for c in by_band[b]
                )
                <= scale * staff
            ).only_enforce_if(enforce)
        sizes = [rules.bands[b].max_group for b in bands]
        room = _lcm(sizes)
        if sum(len(by_band[b]) * room // size for b, size in zip(bands, sizes, strict=True)) > room:
            occupancy = sum(
                (room // size) * self.xv(c, k)
                for b, size in zip(bands, sizes, strict=True)
                for c in by_band[b]
            )
            self._at_most(occupancy, room, minutes, pure)

    def _floor(
        self,
        rules: RuleSet,
        bands: list[int],
        has_band: Callable[[int], cp_model.IntVar],
        n: cp_model.LinearExprT,
        n_max: int,
        staff: cp_model.LinearExprT,
        minutes: int,
        mixed: cp_model.IntVar,
    ) -> None:
        """A mixed group is never looser than every band in it (MixedGroup.floor): at most the
        largest group of a band present, and at least the staff the most lenient band present
        needs for the whole group.

        When the bands present can be ordered from the most lenient to the strictest at every
        group size (PITC: toddlers, mobile infants, young infants), the most lenient band
        present is found like the youngest one: one literal per band, and its table applies
        (its largest group is then the largest of the bands present). A band whose table never
        asks more than the mixed-group rule is left out, and so is the strictest band (a mixed
        group always holds a stricter band than the most lenient one present). Otherwise a
        general encoding: the minimum over the bands present, by element constraints."""
        mixed_rule = rules.mixed_group
        assert mixed_rule is not None
        top = min(n_max, mixed_rule.max_group)
        big = len(self.caregivers) + 1

        def need(b: int, size: int) -> int:
            x = rules.bands[b].staff_for(size)
            return big if x is None else x

        sizes = range(2, top + 1)

        def lenient(a: int, b: int) -> bool:  # a asks at most what b asks, at every size
            return all(need(a, size) <= need(b, size) for size in sizes)

        order = sorted(bands, key=lambda b: [need(b, size) for size in sizes])
        if all(lenient(a, b) for a, b in itertools.pairwise(order)):
            for i, b in enumerate(order[:-1]):
                binds = any(need(b, size) > (mixed_rule.staff_for(size) or 0) for size in sizes)
                if not binds:
                    continue
                lit = self.m.new_bool_var("lenient")
                looser = [has_band(a) for a in order[:i]]
                self.m.add_implication(lit, has_band(b))
                for h in looser:
                    self.m.add_implication(lit, h.Not())
                self.m.add_bool_or([lit, has_band(b).Not(), *looser])
                self._tiers_rule(rules.bands[b].tiers, n, n_max, staff, minutes, [lit, mixed])
            return
        if any(rules.bands[b].max_group < top for b in bands):
            biggest = self.m.new_int_var(0, max(rules.bands[b].max_group for b in bands), "big")
            self.m.add_max_equality(
                biggest, [rules.bands[b].max_group * has_band(b) for b in bands]
            )
            if self.relax:
                self.m.add(n <= biggest + self._over(minutes)).only_enforce_if(mixed)
            else:
                self.m.add(n <= biggest).only_enforce_if(mixed)
        binds = any(
            (mixed_rule.staff_for(size) or 0) < min(need(a, size), need(b, size))
            for a, b in itertools.combinations(bands, 2)
            for size in sizes
        )
        if not binds:
            return
        count = self.m.new_int_var(0, n_max, "n")
        self.m.add(count == n)
        choices = []
        for b in bands:
            table = [need(b, size) for size in range(n_max + 1)]
            value = self.m.new_int_var(0, big, "lenient")
            self.m.add_element(count, table, value)
            choose = self.m.new_bool_var("lenient")
            self.m.add_implication(choose, has_band(b))
            self.m.add(staff >= value).only_enforce_if(choose)
            choices.append(choose)
        self.m.add_bool_or(choices).only_enforce_if(mixed)

    def _compositions(
        self,
        k: int,
        rules: RuleSet,
        present: list[int],
        staff: cp_model.LinearExprT,
        staff_expr: cp_model.LinearExprT,
        minutes: int,
        any_present: Callable[[], cp_model.IntVar],
    ) -> None:
        """The children present fit one option of a composition whose staff are on shift:
        each child is counted in a category the option names, and each named category holds
        at most its number (planner.rules._fits)."""
        inside = {
            c: {cat.id for cat in rules.categories if cat.ages.contains(self.members[c].age)}
            for c in present
        }
        counts = {}
        for cat in rules.categories:
            members = [c for c in present if cat.id in inside[c]]
            if members:
                counts[cat.id] = (len(members), sum(self.xv(c, k) for c in members))
        choices = []
        for comp in rules.compositions:
            for option in comp.options:
                allowed = dict(option)
                lit = self.m.new_bool_var("option")
                for cid, (most, expr) in counts.items():
                    if cid in allowed and most > allowed[cid]:
                        self._at_most(expr, allowed[cid], minutes, [lit])
                outside = [c for c in present if not inside[c] & allowed.keys()]
                if outside:
                    self._at_most(sum(self.xv(c, k) for c in outside), 0, minutes, [lit])
                self.m.add(staff >= comp.staff).only_enforce_if(lit)
                choices.append(lit)
        if not choices:
            return
        if self.relax:
            # no option fits: the relaxed model pays for the whole group's minutes
            miss = self.m.new_bool_var("nofit")
            self.slack.append((100 * minutes, miss))
            choices.append(miss)
        self.m.add_bool_or(choices).only_enforce_if(any_present())

    def _conditions(
        self,
        k: int,
        rule_set: RuleSet,
        rules: RuleSet,
        present: list[int],
        by_band: dict[int, list[int]],
        has_band: Callable[[int], cp_model.IntVar],
        staff_on: list[int],
        minutes: int,
        periods: frozenset[str],
        any_present: Callable[[], cp_model.IntVar],
    ) -> None:
        for cond in rules.conditions:
            if cond.during and not set(cond.during) & periods:
                continue
            if set(cond.except_during) & periods:
                continue
            enforce: list[cp_model.IntVar] = []
            if cond.if_present:
                trigger = [
                    c
                    for c in present
                    if any(rule_set.in_group(g, self.members[c].age) for g in cond.if_present)
                ]
                if not trigger:
                    continue
                enforce.append(self._has(k, trigger))
            else:
                enforce.append(any_present())
            if cond.if_mixed:
                if len(by_band) < 2:
                    continue
                mixed = self.m.new_bool_var("mixed")
                total = sum(has_band(b) for b in by_band)
                self.m.add(total >= 2).only_enforce_if(mixed)
                self.m.add(total <= 1).only_enforce_if(mixed.Not())
                enforce.append(mixed)
            if cond.staff_with is not None:
                qualified = [
                    s for s in staff_on if cond.staff_with in self.caregivers[s].qualifications
                ]
                expr = cp_model.LinearExpr.sum([self.y[s][k] for s in qualified])
            else:
                attr = cond.children_with
                with_attr = [c for c in present if attr in self.members[c].attributes]
                expr = cp_model.LinearExpr.sum([self.xv(c, k) for c in with_attr])
            self._at_least(expr, cond.at_least, minutes, enforce)

    def _over(self, minutes: int) -> cp_model.IntVar:
        over = self.m.new_int_var(0, 10_000, "over")
        self.slack.append((100 * minutes, over))
        return over

    # -- symmetry ------------------------------------------------------------------------------

    def _symmetry(self) -> None:
        """Order interchangeable slots, caregivers and children (valid together: permuting
        one kind keeps the others' orderings satisfiable)."""
        K = len(self.slots)
        # without an objective only the hard rules tell people apart
        soft = self.with_objective
        referenced = {
            s
            for child in self.children
            for s in ((child.current.primary,) if child.current and child.current.primary else ())
            + child.family_requests
            if soft
        }

        def staff_count(k: int) -> cp_model.LinearExprT:
            return sum(self.y[s][k] for s in range(len(self.caregivers)))

        # a room's slots are interchangeable: most staff first; rooms alike (same capacity
        # and number of groups) are interchangeable as a whole: ordered by their first slot
        # (comparing the last slot of one room with the first of the next would not be
        # valid: rooms [3, 1] and [2, 2] satisfy it in neither order)
        first: dict[str, int] = {}
        for k, slot in enumerate(self.slots):
            first.setdefault(slot.room.id, k)
            if k + 1 < K and self.slots[k + 1].room.id == slot.room.id:
                self.m.add(staff_count(k) >= staff_count(k + 1))
        rooms = [self.slots[k].room for k in first.values()]
        for here, there in itertools.pairwise(rooms):
            if (here.capacity, here.max_groups) == (there.capacity, there.max_groups):
                self.m.add(staff_count(first[here.id]) >= staff_count(first[there.id]))
        referenced |= {sc.with_ for sc in self.problem.staff_children}
        signature: dict[object, list[int]] = {}
        for s, cg in enumerate(self.caregivers):
            if cg.id in referenced:
                continue
            staff_key: object = (
                tuple(sorted((d, spans) for d, spans in cg.shifts.items())),
                frozenset(cg.languages) if soft else None,
                cg.ifsp_trained if soft else None,
                self.problem.primary_limit(cg),
                frozenset(cg.qualifications),
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
            if soft and (child.current or child.family_requests or child.id in siblings):
                continue
            child_key: object = (
                tuple(sorted((d, spans) for d, spans in child.schedule.items())),
                child_class(self.rule_sets, self.members[c]),
                frozenset(child.languages) if soft else None,
                child.ifsp if soft else None,
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

    def _greedy(self) -> dict[cp_model.IntVar, int]:
        """The greedy plan (planner.baselines.greedy, a director's hand arrangement) as values
        of the decision variables: the start of a cold search (no current arrangement)."""
        from planner.baselines import greedy
        from planner.validate import validate

        plan = greedy(self.problem)
        # groups where the greedy plan breaks a rule (it runs out of caregivers for the last
        # rooms) are left open: their children and caregivers, and the caregivers no group
        # took, are for the model to place; the other groups are kept
        broken = {v.group for v in validate(self.problem, plan)}
        if None in broken:
            return {}
        plan.groups = [g for g in plan.groups if g.id not in broken]
        kept = {child for g in plan.groups for child in g.children}
        plan.primary = {c: s for c, s in plan.primary.items() if c in kept}
        ids = {cg.id: s for s, cg in enumerate(self.caregivers)}
        index = {ch.id: c for c, ch in enumerate(self.children)}
        free = list(range(len(self.slots)))
        values: dict[cp_model.IntVar, int] = {}
        for group in plan.groups:
            k = next((k for k in free if self.slots[k].room.id == group.room), None)
            if k is None:
                continue
            free.remove(k)
            for child_id in group.children:
                c = index[child_id]
                for j in range(len(self.slots)):
                    values[self.x[c][j]] = int(j == k)
                if (u := self.unassigned[c]) is not None:
                    values[u] = 0
            for caregiver_id in group.caregivers:
                s = ids[caregiver_id]
                for j in range(len(self.slots)):
                    values[self.y[s][j]] = int(j == k)
        for child_id, caregiver_id in plan.primary.items():
            c, s_ = index[child_id], ids[caregiver_id]
            for s in range(len(self.caregivers)):
                values[self.p[c][s]] = int(s == s_)
        return values

    def warm_start(self, *, time_limit: float, workers: int, cold: bool = False) -> bool:
        """Complete the current arrangement (`cold`: the greedy plan) into a full solution
        and hint all of it.

        A copy of the model with the known placements fixed is small after presolve, so
        CP-SAT completes it quickly (who else works where, the other primaries, …). When it
        does, every variable is hinted with that solution, so the search starts from a
        plan that meets every rule. False when the current arrangement cannot be completed.
        """
        fixed = self._greedy() if cold else self._current()
        if not fixed:
            return False
        deadline = time.monotonic() + time_limit
        # everything as it is; else only the primary caregivers (current arrangement: groups regroup around them,
        # a caregiver and their primary children move together, e.g. to take a newcomer) or
        # only the children's groups (greedy plan: the model staffs them)
        keep = self.x if cold else self.p
        partial = {
            var: value
            for c in range(len(self.children))
            for var in keep[c]
            if (value := fixed.get(var)) is not None
        }
        for share, attempt in ((0.5, fixed), (1.0, partial)):
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
        self.first: float | None = None  # time.monotonic() of the first solution

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.first is None:
            self.first = time.monotonic()
        self.objective = self.objective_value
        self.bound = self.best_objective_bound


@dataclass
class Outcome:
    """What a search found: its status, how to read the solution, objective and bound."""

    status: str  # optimal, feasible, infeasible, unknown, model_invalid
    value: Callable[[cp_model.IntVar], int]
    objective: int | None
    bound: int | None
    first: float | None = None  # seconds from the start of `run` to the first plan


PROVE_FIRST_CHILDREN = 24


def feasible(problem: Problem, *, time_limit: float, workers: int) -> bool | None:
    """Whether any plan meets the hard rules: True, False (proven), None (not known in time)."""
    model = PlannerModel(problem, symmetry=True, objective=False)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    # one worker: on these small models the portfolio's second worker costs more than it
    # finds (measured on 24-child infeasible instances, docs/benchmarks.md)
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True
    _tune(solver)
    code = solver.solve(model.m)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if code == cp_model.INFEASIBLE:
        return False
    return None


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
    warmed = False
    small = len(model.children) <= PROVE_FIRST_CHILDREN
    if warm and not model.relax:
        # a small problem's current arrangement completes in milliseconds when it can
        warm_limit = min(0.25 if small else 6.0, 0.6 * time_limit)
        warmed = model.warm_start(time_limit=warm_limit, workers=workers)
        left = warm_limit - (time.monotonic() - started)
        if not warmed and model.standalone and left > 0.1:
            # no current arrangement (a new program, an intake), or one that cannot be
            # completed: start from the greedy plan, within what is left of the same budget
            warmed = model.warm_start(time_limit=left, workers=workers, cold=True)
    first = time.monotonic() - started if warmed else None
    if not warmed and not model.relax and model.standalone and small:
        # A small problem whose current arrangement cannot be completed may have no plan at
        # all: a model without objective, with symmetry breaking, proves that in well under a
        # second where the full model can spend its whole time limit.
        if feasible(model.problem, time_limit=min(1.0, time_limit), workers=workers) is False:
            return Outcome("infeasible", lambda var: 0, None, None)
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
    if first is None and watch.first is not None:
        first = watch.first - started
    if status in ("optimal", "feasible"):
        return Outcome(
            status,
            solver.value,
            round(solver.objective_value),
            round(solver.best_objective_bound),
            first,
        )
    if status == "unknown" and model.start is not None:
        start = model.start
        return Outcome("feasible", lambda var: start[var.index], model.start_objective, None, first)
    return Outcome(status, solver.value, None, None)
