"""The greedy baseline: a plan for every problem, checked for its structure only (it may break
ratio rules; the benchmark reports what the validator finds)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from planner import io
from planner.baselines import greedy
from planner.model import Caregiver, Child, Plan, Problem, ProgramInfo, Room, Schedule, Span
from planner.rules import BUILT_IN, load
from planner_lab.generate import generate


def _check_structure(problem: Problem, plan: Plan) -> None:
    children = [c.id for c in problem.children]
    placed = [c for g in plan.groups for c in g.children]
    assert sorted(placed) == sorted(children)  # every child in exactly one group
    staff = [s for g in plan.groups for s in g.caregivers]
    assert len(staff) == len(set(staff)) and set(staff) <= {s.id for s in problem.caregivers}
    assert len({g.id for g in plan.groups}) == len(plan.groups)
    rooms = [g.room for g in plan.groups]
    assert set(rooms) <= {r.id for r in problem.rooms} and len(rooms) == len(set(rooms))
    assert plan.status == "feasible" and plan.objective is None and plan.bound is None
    assert plan.unassigned_children == []


@pytest.mark.parametrize("rules", BUILT_IN)
@pytest.mark.parametrize("children", [8, 24, 60, 120])
def test_every_child_in_one_group_with_a_primary_of_that_group(rules: str, children: int) -> None:
    problem = generate(children=children, seed=children + 1, rules=rules)
    plan = greedy(problem)
    _check_structure(problem, plan)
    for group in plan.groups:
        assert group.id == f"g-{group.room}"
        load = [plan.primary[c] for c in group.children]
        assert set(load) <= set(group.caregivers)
        for s in group.caregivers:
            limit = problem.primary_limit(problem.caregiver(s))
            assert load.count(s) <= limit
    assert set(plan.primary) == {c.id for c in problem.children}


def test_the_greedy_is_deterministic() -> None:
    problem = generate(children=60, seed=3, rules="pitc")
    first, second = greedy(problem), greedy(problem)
    assert first.groups == second.groups and first.primary == second.primary
    out = io.plan_to_json(first)
    assert out["solver"] == "greedy" and out["objective"] is None


def test_youngest_children_fill_the_smallest_rooms_first() -> None:
    problem = generate(children=40, seed=5, rules="cfoc-center")
    plan = greedy(problem)
    by_capacity = sorted(problem.rooms, key=lambda r: r.capacity)
    assert plan.groups[0].room == by_capacity[0].id
    youngest = max(problem.children, key=lambda c: (c.birth_date, c.id))
    assert youngest.id == plan.groups[0].children[0]


def test_short_of_rooms_and_caregivers_it_still_places_everyone() -> None:
    """Too many children for the room and no caregivers: everyone is placed, no primary."""
    full: Schedule = {"mon": (Span(8 * 60, 16 * 60),)}
    kids = tuple(
        Child(id=f"c{i}", birth_date=date(2025, 1, 1 + i), schedule=full) for i in range(5)
    )
    problem = Problem(
        as_of=date(2026, 12, 1),
        program=ProgramInfo(name="tiny", kind="center", rules=load("cfoc-center")),
        rooms=(Room(id="r1", capacity=3),),
        children=kids,
        caregivers=(),
    )
    plan = greedy(problem)
    _check_structure(problem, plan)
    assert plan.primary == {}
    staffed = replace(problem, caregivers=(Caregiver(id="s1", shifts=full),))
    plan = greedy(staffed)
    _check_structure(staffed, plan)
    assert set(plan.primary.values()) == {"s1"}  # over the cap: the validator will say so
