"""The true optimum of a tiny problem, by trying everything: the oracle the solvers are
checked against (property tests).

`best(problem)` handles at most 6 children, 3 caregivers and 2 rooms of at most 2 groups
each. It enumerates:

1. **Caregivers to group slots.** A slot is (room, k) for k < the room's `max_groups`; every
   caregiver goes to one slot or to none. Slots of the same room are interchangeable, so
   assignments that differ only by swapping them are tried once.
2. **Children to slots** that hold a caregiver (a child's primary must be a caregiver of the
   child's group), or to none when the problem allows unassigned children, one child at a
   time, cheapest slot first. A branch is cut as soon as a room's children present exceed its
   capacity at some moment, or a group has more children than its caregivers can be primary
   for, or (when the rule set is monotone, `RuleSet.monotone`) a group breaks the ratio rules;
   the ratio rules of every group are checked on every complete assignment. A branch is also
   cut when a lower bound of its cost (each placed child's cheapest primary in its group, each
   child to come at its cheapest anywhere, sibling pairs already apart) reaches the cost of
   the best plan found so far: only a strictly cheaper plan replaces it.
3. **Primaries within each group**: every choice of a caregiver of the group for each of its
   children within `min(primary_cap, max_primary)`; the cheapest is kept (a primary's costs
   depend only on the child and the caregiver, balance only on each caregiver's count).
4. **Group ids**: each current group id names at most one plan group; the matching of plan
   groups to current ids that keeps the most children in their current group id is found by
   trying every matching; the other groups get fresh ids "g1", "g2", … not used by any
   current group.

Hard rules are checked at every moment a schedule or shift starts or ends (exact minutes),
with `planner_lab.generate.staff_needed` (the reading of ratios, mixed ages and limits in
docs/planner.md). The objective is computed from docs/planner.md's table (tenths of weight
points), read as `planner.score` documents it: primary presence is
`round(10 * w * (1 - overlap / attended))` in floating point; balance counts primaries above
ceil(children / caregivers) of the whole problem; a child left out costs `unassigned` and
nothing else; a sibling pair costs only when both are placed, in different groups.

Every plan found cheaper than the best so far must also pass `planner.validate.validate` (else
it is dropped); the answer's `planner.score.score(...).total` must equal the cost computed here
(an AssertionError says where the two readings of the objective differ). Returns
(objective, plan), or (None, None) when no plan meets the hard rules.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator

from planner.model import (
    DAYS,
    Group,
    Plan,
    Problem,
    Schedule,
    Violation,
    overlap_minutes,
    schedule_minutes,
)
from planner_lab.generate import staff_needed

MAX_CHILDREN = 6
MAX_CAREGIVERS = 3
MAX_ROOMS = 2
MAX_GROUPS = 2

Slot = tuple[int, int]  # (room index, group index within the room)
Kids = dict[Slot, tuple[int, ...]]  # children (indexes) by slot, or caregivers by slot


class _Search:
    def __init__(
        self,
        problem: Problem,
        validate: Callable[[Problem, Plan], list[Violation]],
        score: Callable[[Problem, Plan], int],
    ) -> None:
        self.problem = problem
        self.validate = validate
        self.score = score
        self.rules = problem.program.rules
        self.monotone = self.rules.monotone  # a property that computes
        children, caregivers = problem.children, problem.caregivers
        self.slots: list[Slot] = [
            (r, k) for r, room in enumerate(problem.rooms) for k in range(room.max_groups)
        ]
        # Every moment something changes, as (day, minute); bit masks of who is there then.
        self.moments = sorted(
            {
                (DAYS.index(day), minute)
                for schedule in [*(c.schedule for c in children), *(s.shifts for s in caregivers)]
                for day, spans in schedule.items()
                for span in spans
                for minute in (span.start, span.end)
            }
        )
        self.child_mask = [self._mask(c.schedule) for c in children]
        self.caregiver_mask = [self._mask(s.shifts) for s in caregivers]
        self.months = [problem.age_months(c) for c in children]
        self.limit = [problem.primary_limit(s) for s in caregivers]
        self.need_memo: dict[tuple[int, ...], int | None] = {}
        self.group_memo: dict[tuple[tuple[int, ...], tuple[int, ...]], bool] = {}
        self.room_memo: dict[tuple[int, tuple[int, ...]], bool] = {}
        self.primary_memo: dict[
            tuple[tuple[int, ...], tuple[int, ...]], tuple[int, tuple[int, ...]] | None
        ] = {}
        w = problem.weights
        self.costs = self._primary_costs()
        self.out_cost = 10 * w.unassigned
        self.balance_above = (
            math.ceil(len(children) / len(caregivers)) if caregivers else len(children)
        )
        ids = {c.id: i for i, c in enumerate(children)}
        pairs = {
            (min(i, ids[s]), max(i, ids[s]))
            for i, c in enumerate(children)
            for s in c.siblings
            if s in ids and ids[s] != i
        }
        self.sibling_pairs = sorted(pairs)
        self.current_group = [c.current.group if c.current else None for c in children]
        self.taken_ids = {g for g in self.current_group if g}
        # the room each child's current group is in, when the problem says (room goal)
        self.current_room = [
            problem.current_rooms.get(g) if g is not None else None for g in self.current_group
        ]
        self.best_cost: int | None = None
        self.best_plan: Plan | None = None

    def _mask(self, schedule: Schedule) -> int:
        bits = 0
        for i, (day, minute) in enumerate(self.moments):
            if any(span.covers(minute) for span in schedule.get(DAYS[day], ())):
                bits |= 1 << i
        return bits

    # -- hard rules ---------------------------------------------------------------------------

    def group_ok(self, kids: tuple[int, ...], staff: tuple[int, ...]) -> bool:
        """The group's caregivers on shift meet the rules for its children present, always."""
        key = (kids, staff)
        if key not in self.group_memo:
            ok = True
            busy = 0
            for c in kids:
                busy |= self.child_mask[c]
            for i in range(len(self.moments)):
                if not busy >> i & 1:
                    continue
                months = tuple(sorted(self.months[c] for c in kids if self.child_mask[c] >> i & 1))
                if months not in self.need_memo:
                    self.need_memo[months] = staff_needed(self.rules, months)
                need = self.need_memo[months]
                if need is None or sum(1 for s in staff if self.caregiver_mask[s] >> i & 1) < need:
                    ok = False
                    break
            self.group_memo[key] = ok
        return self.group_memo[key]

    def room_ok(self, room: int, kids: tuple[int, ...]) -> bool:
        """The room's children present stay within its capacity, always."""
        key = (room, kids)
        if key not in self.room_memo:
            capacity = self.problem.rooms[room].capacity
            self.room_memo[key] = all(
                sum(1 for c in kids if self.child_mask[c] >> i & 1) <= capacity
                for i in range(len(self.moments))
            )
        return self.room_memo[key]

    def fits(self, slot: Slot, staff: Kids, kids: Kids) -> bool:
        """What can be checked before the assignment is complete: room for the primaries,
        room capacity, and the ratio rules when more children never need fewer staff."""
        group = kids[slot]
        if len(group) > sum(self.limit[s] for s in staff[slot]):
            return False
        room = tuple(sorted(c for (r, _), g in kids.items() if r == slot[0] for c in g))
        if not self.room_ok(slot[0], room):
            return False
        return not self.monotone or self.group_ok(group, staff[slot])

    # -- objective ----------------------------------------------------------------------------

    def _primary_costs(self) -> list[list[int]]:
        """cost[child][caregiver] of that caregiver being the child's primary."""
        w = self.problem.weights
        table = []
        for c in self.problem.children:
            row = []
            attended = schedule_minutes(c.schedule)
            for s in self.problem.caregivers:
                cost = 0
                if c.current is not None and c.current.primary and c.current.primary != s.id:
                    cost += 10 * w.continuity
                if attended:
                    overlap = overlap_minutes(c.schedule, s.shifts)
                    cost += round(10 * w.primary_presence * (1 - overlap / attended))
                if c.languages and not set(c.languages) & set(s.languages):
                    cost += 10 * w.language
                if c.ifsp and not s.ifsp_trained:
                    cost += 10 * w.ifsp
                if c.family_requests and s.id not in c.family_requests:
                    cost += 10 * w.family_requests
                row.append(cost)
            table.append(row)
        return table

    def room_cost(self, child: int, slot: Slot) -> int:
        """What placing the child in this slot costs for the room goal."""
        was = self.current_room[child]
        if was is None or self.problem.rooms[slot[0]].id == was:
            return 0
        return 10 * self.problem.weights.room

    def primaries(
        self, kids: tuple[int, ...], staff: tuple[int, ...]
    ) -> tuple[int, tuple[int, ...]] | None:
        """The cheapest primaries for a group: (cost with balance, caregiver per child)."""
        key = (kids, staff)
        if key not in self.primary_memo:
            found: tuple[int, tuple[int, ...]] | None = None
            balance = 10 * self.problem.weights.balance
            if sum(self.limit[s] for s in staff) >= len(kids):
                for choice in itertools.product(staff, repeat=len(kids)):
                    counts = [choice.count(s) for s in staff]
                    if any(n > self.limit[s] for n, s in zip(counts, staff, strict=True)):
                        continue
                    cost = sum(self.costs[c][s] for c, s in zip(kids, choice, strict=True))
                    cost += balance * sum(max(0, n - self.balance_above) for n in counts)
                    if found is None or cost < found[0]:
                        found = (cost, choice)
            self.primary_memo[key] = found
        return self.primary_memo[key]

    def labels(self, groups: list[tuple[int, ...]]) -> tuple[int, list[str]]:
        """Group ids keeping the most children in their current group id: (cost of the
        children who change group id, ids)."""
        wanted = sorted({g for kids in groups for c in kids if (g := self.current_group[c])})
        options: list[str | None] = [*wanted, None]
        best_kept = -1
        best_choice: list[str | None] = [None] * len(groups)
        for choice in itertools.product(options, repeat=len(groups)):
            named = [x for x in choice if x is not None]
            if len(named) != len(set(named)):
                continue
            kept = sum(
                1
                for label, kids in zip(choice, groups, strict=True)
                if label is not None
                for c in kids
                if self.current_group[c] == label
            )
            if kept > best_kept:
                best_kept, best_choice = kept, list(choice)
        having = sum(1 for kids in groups for c in kids if self.current_group[c])
        fresh = (f"g{i}" for i in itertools.count(1) if f"g{i}" not in self.taken_ids)
        ids = [label if label is not None else next(fresh) for label in best_choice]
        return 5 * self.problem.weights.continuity * (having - best_kept), ids

    # -- search -------------------------------------------------------------------------------

    def caregiver_assignments(self) -> Iterator[Kids]:
        """Caregivers by slot (open slots only), once per way up to swapping a room's slots."""
        seen: set[tuple[tuple[tuple[int, ...], ...], ...]] = set()
        for choice in itertools.product(
            range(-1, len(self.slots)), repeat=len(self.problem.caregivers)
        ):
            staff: Kids = {}
            for s, index in enumerate(choice):
                if index >= 0:
                    slot = self.slots[index]
                    staff[slot] = (*staff.get(slot, ()), s)
            key = tuple(
                tuple(sorted(group for (room, _), group in staff.items() if room == r))
                for r in range(len(self.problem.rooms))
            )
            if key not in seen:
                seen.add(key)
                yield staff

    def run(self) -> None:
        for staff in self.caregiver_assignments():
            open_slots = sorted(staff)
            # each child's cheapest primary in each open slot, and anywhere (or left out)
            cheapest = [
                {
                    slot: min(self.costs[c][s] for s in staff[slot]) + self.room_cost(c, slot)
                    for slot in open_slots
                }
                for c in range(len(self.problem.children))
            ]
            anywhere = [
                min([*row.values(), *([self.out_cost] if self.problem.allow_unassigned else [])])
                if row or self.problem.allow_unassigned
                else None
                for row in cheapest
            ]
            if any(x is None for x in anywhere):
                continue  # some child can go nowhere
            to_come = [0] * (len(anywhere) + 1)
            for c in range(len(anywhere) - 1, -1, -1):
                to_come[c] = to_come[c + 1] + (anywhere[c] or 0)
            self._place(0, 0, (), staff, {slot: () for slot in open_slots}, cheapest, to_come)

    def _place(
        self,
        child: int,
        spent: int,
        out: tuple[int, ...],
        staff: Kids,
        kids: Kids,
        cheapest: list[dict[Slot, int]],
        to_come: list[int],
    ) -> None:
        """Children `child`.. to the open slots (cheapest first) or out; `spent` is a lower
        bound of the cost of the children placed so far."""
        if self.best_cost is not None and spent + to_come[child] >= self.best_cost:
            return
        if child == len(self.problem.children):
            self._complete(staff, kids, out)
            return
        slot_of = {c: slot for slot, group in kids.items() for c in group}
        moves: list[tuple[int, Slot | None]] = sorted(
            ((cost, slot) for slot, cost in cheapest[child].items()), key=lambda move: move[0]
        )
        if self.problem.allow_unassigned:
            moves.append((self.out_cost, None))
        for cost, slot in moves:
            apart = 0
            if slot is not None:
                apart = sum(
                    1
                    for a, b in self.sibling_pairs
                    if (a == child and b in slot_of and slot_of[b] != slot)
                    or (b == child and a in slot_of and slot_of[a] != slot)
                )
            bound = spent + cost + 10 * self.problem.weights.siblings * apart
            if slot is None:
                self._place(child + 1, bound, (*out, child), staff, kids, cheapest, to_come)
                continue
            kids[slot] = (*kids[slot], child)
            if self.fits(slot, staff, kids):
                self._place(child + 1, bound, out, staff, kids, cheapest, to_come)
            kids[slot] = kids[slot][:-1]

    def _complete(self, staff: Kids, kids: Kids, out: tuple[int, ...]) -> None:
        """A complete assignment: its exact cost, and the plan when it is the best so far."""
        open_slots = sorted(staff)
        if not all(self.group_ok(kids[slot], staff[slot]) for slot in open_slots):
            return
        w = self.problem.weights
        cost = self.out_cost * len(out)
        chosen: Kids = {}
        for slot in open_slots:
            primaries = self.primaries(kids[slot], staff[slot])
            if primaries is None:
                return
            cost += primaries[0]
            chosen[slot] = primaries[1]
        slot_of = {c: slot for slot in open_slots for c in kids[slot]}
        cost += (
            10
            * w.siblings
            * sum(
                1
                for a, b in self.sibling_pairs
                if a in slot_of and b in slot_of and slot_of[a] != slot_of[b]
            )
        )
        moved, ids = self.labels([kids[slot] for slot in open_slots])
        cost += moved
        cost += sum(self.room_cost(c, slot) for slot in open_slots for c in kids[slot])
        if self.best_cost is not None and cost >= self.best_cost:
            return
        plan = self._plan(open_slots, staff, kids, chosen, ids, out)
        if self.validate(self.problem, plan):
            return  # the validator reads the hard rules more strictly than this search
        total = self.score(self.problem, plan)
        assert total == cost, (
            f"planner.score gives {total}, the exhaustive search's reading {cost}, for groups "
            f"{[(g.id, g.room, g.caregivers, g.children) for g in plan.groups]} "
            f"primaries {plan.primary} unassigned {plan.unassigned_children}"
        )
        self.best_cost, self.best_plan = cost, plan

    def _plan(
        self,
        open_slots: list[Slot],
        staff: Kids,
        kids: Kids,
        chosen: Kids,
        ids: list[str],
        out: tuple[int, ...],
    ) -> Plan:
        children, caregivers = self.problem.children, self.problem.caregivers
        return Plan(
            status="optimal",
            groups=[
                Group(
                    id=group_id,
                    room=self.problem.rooms[slot[0]].id,
                    caregivers=[caregivers[s].id for s in staff[slot]],
                    children=[children[c].id for c in kids[slot]],
                )
                for slot, group_id in zip(open_slots, ids, strict=True)
            ],
            primary={
                children[c].id: caregivers[s].id
                for slot in open_slots
                for c, s in zip(kids[slot], chosen[slot], strict=True)
            },
            unassigned_children=[children[c].id for c in out],
            solver="exhaustive",
        )


def best(problem: Problem) -> tuple[int | None, Plan | None]:
    """The least objective over every plan meeting the hard rules, and one such plan (its
    `objective` and `bound` set); (None, None) when there is none. See the module's
    docstring for what is enumerated."""
    from planner.score import score
    from planner.validate import validate

    if (
        len(problem.children) > MAX_CHILDREN
        or len(problem.caregivers) > MAX_CAREGIVERS
        or len(problem.rooms) > MAX_ROOMS
        or any(room.max_groups > MAX_GROUPS for room in problem.rooms)
    ):
        raise ValueError(
            f"exhaustive search handles at most {MAX_CHILDREN} children, {MAX_CAREGIVERS} "
            f"caregivers and {MAX_ROOMS} rooms of at most {MAX_GROUPS} groups"
        )
    search = _Search(problem, validate, lambda p, plan: score(p, plan).total)
    search.run()
    if search.best_plan is None or search.best_cost is None:
        return None, None
    search.best_plan.objective = search.best_plan.bound = search.best_cost
    return search.best_cost, search.best_plan
