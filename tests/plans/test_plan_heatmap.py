"""The plan board's heatmap: staff needed per group and moment, as docs/planner.md judges a
group, and in agreement with the independent validator on every generated plan."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from attune.plans import heatmap
from attune.plans.heatmap import GROUP_SIZE, LIMIT, Need, staff_needed
from planner import io, rules
from planner.model import Group, Plan
from planner.validate import validate
from planner_lab.generate import generate_with_plan

CFOC = rules.load("cfoc-center")
FCC = rules.load("cfoc-fcc-small")
EHS = rules.load("ehs-center")
PITC = rules.load("pitc")
NAEYC = rules.load("naeyc-2008")

TIME_RULES = {"ratio", "group-size", "limit"}


def test_youngest_child_sets_the_ratio_and_group_size() -> None:
    assert staff_needed(CFOC, []) == Need(0)
    assert staff_needed(CFOC, [20]) == Need(1)
    assert staff_needed(CFOC, [20] * 8) == Need(2)
    assert staff_needed(CFOC, [20] * 7 + [5]) == Need(3, GROUP_SIZE)  # 8 with an infant: > 6
    assert staff_needed(CFOC, [5] * 4) == Need(2)
    assert staff_needed(CFOC, [12] * 6) == Need(2)  # 12 completed months is still an infant
    assert staff_needed(CFOC, [13] * 6) == Need(2)


def test_tiers_majority_and_fixed_staff() -> None:
    assert staff_needed(EHS, [10]) == Need(2)  # two teachers whenever a child is present
    assert staff_needed(EHS, [10] * 9) == Need(3)
    assert staff_needed(EHS, [10] * 10).over == GROUP_SIZE
    # majority: 3 three-year-olds and 2 toddlers are judged as three-year-olds
    assert staff_needed(EHS, [40, 40, 40, 20, 20]) == Need(2)
    assert staff_needed(NAEYC, [10] * 6) == Need(2)  # 1:3 up to 6
    assert staff_needed(NAEYC, [10] * 8) == Need(2)  # 1:4 up to 8
    assert staff_needed(NAEYC, [10] * 9).over == GROUP_SIZE


def test_mixed_group_rule_replaces_the_bands() -> None:
    assert staff_needed(PITC, [4, 20]) == Need(1)  # mixed: 1:4
    assert staff_needed(PITC, [4, 20, 20, 20, 20]) == Need(2)
    assert staff_needed(PITC, [4] + [20] * 8).over == GROUP_SIZE  # mixed groups: at most 8
    assert staff_needed(PITC, [20] * 12) == Need(3)  # toddlers alone: 1:4, at most 12


def test_limits_per_caregiver() -> None:
    # one caregiver: at most 6 children, at most 2 under 24 months
    assert staff_needed(FCC, [30, 30, 10, 10]) == Need(1)
    assert staff_needed(FCC, [30, 10, 10, 10]) == Need(2)
    per_group = rules.parse_rule_set(
        {**FCC.to_json(), "limits": [{"under_months": 24, "max": 2, "per": "group"}]}
    )
    assert staff_needed(per_group, [10, 10, 10]) == Need(1, LIMIT)


def test_weighted_adds_up_each_childs_share() -> None:
    weighted = rules.parse_rule_set({**CFOC.to_json(), "id": "weighted", "mixed_age": "weighted"})
    # 3 infants at 1:3 and 4 toddlers at 1:4: 1 + 1 = 2 caregivers; 3/6 + 4/8 = a full group
    assert staff_needed(weighted, [5, 5, 5, 20, 20, 20, 20]) == Need(2)
    assert staff_needed(weighted, [5, 5, 5, 5, 20, 20, 20]).over == GROUP_SIZE


def _problem(children: list[dict[str, Any]], caregivers: list[dict[str, Any]]) -> Any:
    return io.parse_problem(
        {
            "as_of": "2026-12-01",
            "program": {"name": "Test", "rules": "cfoc-center"},
            "rooms": [{"id": "r1", "capacity": 12}],
            "children": children,
            "caregivers": caregivers,
        }
    )


def test_a_slot_shows_its_worst_moment() -> None:
    toddler = date(2025, 1, 1).isoformat()  # 23 months on 2026-12-01
    children = [
        {"id": f"c{i}", "birth_date": toddler, "schedule": {"mon": [["08:00", "12:00"]]}}
        for i in range(5)
    ]
    caregivers = [
        {"id": "s1", "shifts": {"mon": [["08:00", "12:00"]]}},
        {"id": "s2", "shifts": {"mon": [["08:00", "09:10"]]}},  # leaves 20 minutes into a slot
    ]
    problem = _problem(children, caregivers)
    plan = Plan("feasible", [Group("g", "r1", ["s1", "s2"], [c["id"] for c in children])])
    (heat,) = heatmap.heatmap(problem, plan, days=["mon"], start=8 * 60, end=12 * 60, step=30)
    cells = heat.rows[0].cells
    assert [c.state for c in cells[:2]] == ["even", "even"]  # 08:00, 08:30: 2 needed, 2 on
    assert cells[2].state == "short"  # 09:00-09:30: from 09:10 one caregiver for 5 toddlers
    assert (cells[2].children, cells[2].staff, cells[2].needed) == (5, 1, 2)
    assert heat.breaks_rules
    assert [v.rule for v in validate(problem, plan) if v.rule in TIME_RULES] == ["ratio"]


def test_slots_widen_to_every_childs_hours() -> None:
    toddler = date(2025, 1, 1).isoformat()
    problem = _problem(
        [{"id": "c1", "birth_date": toddler, "schedule": {"mon": [["06:45", "18:10"]]}}],
        [{"id": "s1", "shifts": {"mon": [["06:30", "18:30"]]}}],
    )
    bounds = heatmap.slot_bounds(problem, ["mon"], 7 * 60, 18 * 60, 30)
    assert bounds[0] == 6 * 60 + 30 and bounds[-1] == 18 * 60


@pytest.mark.parametrize(
    "rule_set", ["cfoc-center", "ehs-center", "pitc", "naeyc-2008", "cfoc-fcc-small"]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_heatmap_agrees_with_the_validator(rule_set: str, seed: int) -> None:
    """A group shows a broken rule in the heatmap exactly when the validator finds a ratio,
    group-size or limit violation in it: on generated plans, and on the same plans with a
    child moved into each other group."""
    problem, plan = generate_with_plan(children=18, seed=seed, rules=rule_set)
    assert validate(problem, plan) == []
    days = ["mon", "tue", "wed", "thu", "fri"]
    heat = heatmap.heatmap(problem, plan, days=days, start=7 * 60, end=18 * 60)
    assert not any(h.breaks_rules for h in heat)
    for source in plan.groups:
        for target in plan.groups:
            if target is source or not source.children:
                continue
            edited = copy.deepcopy(plan)
            moved = source.children[-1]
            for group in edited.groups:
                if group.id == source.id:
                    group.children.remove(moved)
                if group.id == target.id:
                    group.children.append(moved)
            found = {v.group for v in validate(problem, edited) if v.rule in TIME_RULES}
            shown = {
                h.group
                for h in heatmap.heatmap(problem, edited, days=days, start=7 * 60, end=18 * 60)
                if h.breaks_rules
            }
            assert shown == found, (source.id, target.id, moved)
