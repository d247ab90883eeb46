"""The objective of any plan, recomputed from docs/planner.md's table of soft goals.

``score(problem, plan)`` returns the total cost (tenths of weight points; 0 is a plan that
meets every soft goal) and one ``SoftNote`` per nonzero cost, with ``sum(note.cost) ==
total``. Like the validator it shares no code with the CP-SAT model.

Plans that are not valid are scored as far as they go:

- a child in no group is left out of the plan: it costs ``weights.unassigned`` (whether or not
  it is listed in ``unassigned_children``) and nothing else — the goals about its care and its
  siblings do not apply to a child the plan does not place;
- a placed child without a primary caregiver (no entry in ``plan.primary``, or one naming a
  caregiver who is not in the problem) misses every goal that depends on the primary:
  continuity of the primary (when the child has one now), primary presence (in full, when the
  child attends), language, IFSP and family requests (when they apply);
- a child's group is the first group of the plan that lists it;
- sibling pairs are the symmetric closure of the children's ``siblings`` lists (ids that are
  not children of the problem are ignored), each unordered pair counted once;
- a caregiver's primary load counts the entries of ``plan.primary`` naming them for children
  of the problem.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from planner.model import (
    Caregiver,
    Child,
    Plan,
    Problem,
    SoftNote,
    overlap_minutes,
    schedule_minutes,
)

GOALS: tuple[str, ...] = (
    "continuity",
    "primary_presence",
    "language",
    "ifsp",
    "family_requests",
    "siblings",
    "balance",
    "room",
    "unassigned",
)


@dataclass
class Score:
    total: int
    notes: list[SoftNote]


def score(problem: Problem, plan: Plan) -> Score:
    """The plan's objective and a note for every soft goal it misses."""
    w = problem.weights
    caregivers = {s.id: s for s in problem.caregivers}
    known = {c.id for c in problem.children}
    group_of: dict[str, str] = {}
    room_of: dict[str, str | None] = {}
    for g in plan.groups:
        for child_id in g.children:
            group_of.setdefault(child_id, g.id)
            room_of.setdefault(child_id, g.room)
    notes = _Notes()
    note = notes.add

    for child in problem.children:
        group = group_of.get(child.id)
        primary_id = plan.primary.get(child.id)
        primary = caregivers.get(primary_id) if primary_id is not None else None
        if group is not None:
            _child_goals(problem, child, group, primary, notes)
            was = (
                problem.current_rooms.get(child.current.group)
                if child.current and child.current.group
                else None
            )
            if was is not None and room_of.get(child.id) != was:
                note(
                    "room",
                    10 * w.room,
                    f"{child.id} changes room: {was} → {room_of.get(child.id)}",
                    child=child.id,
                    group=group,
                )
        else:
            note(
                "unassigned",
                10 * w.unassigned,
                f"{child.id} is left out of the plan (in no group)",
                child=child.id,
            )

    order = {c.id: i for i, c in enumerate(problem.children)}
    pairs: set[tuple[str, str]] = set()
    for child in problem.children:
        for sibling in child.siblings:
            if sibling in known and sibling != child.id:
                a, b = sorted((child.id, sibling), key=order.__getitem__)
                pairs.add((a, b))
    for a, b in sorted(pairs, key=lambda pair: (order[pair[0]], order[pair[1]])):
        ga, gb = group_of.get(a), group_of.get(b)
        if ga is not None and gb is not None and ga != gb:
            note(
                "siblings",
                10 * w.siblings,
                f"siblings {a} and {b} are in different groups ({ga}, {gb})",
                child=a,
                group=ga,
            )

    if problem.caregivers:
        target = math.ceil(len(problem.children) / len(problem.caregivers))
        load: dict[str, int] = defaultdict(int)
        for child_id, caregiver_id in plan.primary.items():
            if child_id in known and caregiver_id in caregivers:
                load[caregiver_id] += 1
        for s in problem.caregivers:
            over = max(0, load[s.id] - target)
            note(
                "balance",
                10 * w.balance * over,
                f"{s.id} is primary for {load[s.id]} children, {over} above the even share of "
                f"{target}",
                caregiver=s.id,
            )

    return Score(total=sum(n.cost for n in notes.items), notes=notes.items)


class _Notes:
    def __init__(self) -> None:
        self.items: list[SoftNote] = []

    def add(
        self,
        goal: str,
        cost: int,
        message: str,
        *,
        child: str | None = None,
        caregiver: str | None = None,
        group: str | None = None,
    ) -> None:
        """A note for a goal the plan misses (nothing when it costs nothing)."""
        if cost:
            self.items.append(SoftNote(goal, message, child, caregiver, group, cost))


def _child_goals(
    problem: Problem,
    child: Child,
    group: str | None,
    primary: Caregiver | None,
    notes: _Notes,
) -> None:
    """The goals of one child that depend on its primary caregiver and its group."""
    note = notes.add
    w = problem.weights
    c = child.id
    pid = primary.id if primary is not None else None
    current = child.current
    if current is not None and current.primary is not None and current.primary != pid:
        change = (
            f"{c} changes primary caregiver: {current.primary} → {pid}"
            if pid is not None
            else f"{c} loses primary caregiver {current.primary} (no primary in the plan)"
        )
        note("continuity", 10 * w.continuity, change, child=c, caregiver=pid, group=group)
    if current is not None and current.group is not None and current.group != group:
        move = (
            f"{c} moves from group {current.group} to {group}"
            if group is not None
            else f"{c} leaves group {current.group} (in no group in the plan)"
        )
        note("continuity", 5 * w.continuity, move, child=c, group=group)

    attended = schedule_minutes(child.schedule)
    if attended:
        overlap = overlap_minutes(child.schedule, primary.shifts) if primary is not None else 0
        cost = round(10 * w.primary_presence * (1 - overlap / attended))
        if primary is not None:
            share = round(100 * overlap / attended)
            if overlap < attended:
                share = min(share, 99)  # never "100%" for a shortfall
            text = f"{pid} is on shift for {share}% of {c}'s hours"
        else:
            text = f"{c} has no primary caregiver on shift during their hours"
        note("primary_presence", cost, text, child=c, caregiver=pid, group=group)

    if child.languages:
        spoken = ", ".join(child.languages)
        if primary is None:
            note(
                "language",
                10 * w.language,
                f"{c} has no primary caregiver to speak the child's home languages ({spoken})",
                child=c,
                group=group,
            )
        elif not set(primary.languages) & set(child.languages):
            note(
                "language",
                10 * w.language,
                f"{c}'s primary caregiver {pid} speaks none of the child's home languages "
                f"({spoken})",
                child=c,
                caregiver=pid,
                group=group,
            )

    if child.ifsp and (primary is None or not primary.ifsp_trained):
        text = (
            f"{c} has an IFSP but primary caregiver {pid} is not IFSP-trained"
            if primary is not None
            else f"{c} has an IFSP but no primary caregiver"
        )
        note("ifsp", 10 * w.ifsp, text, child=c, caregiver=pid, group=group)

    if child.family_requests and pid not in child.family_requests:
        asked = " or ".join(child.family_requests)
        text = (
            f"{c}'s family asked for {asked}, but the primary caregiver is {pid}"
            if pid is not None
            else f"{c}'s family asked for {asked}, but the child has no primary caregiver"
        )
        note("family_requests", 10 * w.family_requests, text, child=c, caregiver=pid, group=group)
