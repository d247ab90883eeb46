"""Issue #15, section 1: the planner never claims a plan that is not valid.

- weighted mixed ages with a mixed-group rule (the model used to return before applying it);
- group-size dependent ratios under `weighted` (each band's ratio at the group's size);
- solve() checks its own answer with the validator and refuses what it rejects;
- small infeasible instances are proven infeasible (not `unknown` after the time limit).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from importlib import resources
from typing import Any

import pytest

from planner import cpsat, io, rules
from planner.model import Caregiver, Child, Plan, Problem, ProgramInfo, Room, Span
from planner.solve import solve
from planner.validate import validate
from planner_lab.generate import generate

AS_OF = date(2026, 12, 1)


def built_in(name: str) -> dict[str, Any]:
    text = resources.files("planner.rulesets").joinpath(f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_weighted_with_a_mixed_group_rule_fuzz() -> None:
    """The issue's fuzz: PITC bands, weighted, a mixed group of at most 6 at 1:3; twelve
    generated programs. Every plan claimed is valid (the old model claimed invalid ones)."""
    src = built_in("pitc")
    src["mixed_age"] = "weighted"
    src["mixed_group"] = {"ratio": 3, "max_group": 6}
    claimed = 0
    for seed in range(1, 13):
        base = generate(children=6 + seed, seed=seed, rules="pitc")
        data = io.problem_to_json(base)
        data["program"]["rules"] = src
        problem = io.parse_problem(data)
        plan = solve(problem, time_limit=3, workers=2)
        assert plan.status != "unknown" or not plan.groups
        if plan.status in ("optimal", "feasible"):
            claimed += 1
            assert validate(problem, plan) == []
    assert claimed >= 3  # the fuzz still finds plans: the check is not vacuous


def one_group_problem(rule_set: rules.RuleSet, months: list[int], staff: int) -> Problem:
    children = tuple(
        Child(f"c{i}", _born(m), {"mon": (Span(480, 960),)}) for i, m in enumerate(months)
    )
    caregivers = tuple(
        Caregiver(f"s{j}", {"mon": (Span(420, 1020),)}, max_primary=6) for j in range(staff)
    )
    return Problem(
        as_of=AS_OF,
        program=ProgramInfo("p", "center", rule_set, rules_inline=True, primary_cap=6),
        rooms=(Room("r1", 20),),
        children=children,
        caregivers=caregivers,
    )


def _born(months: int) -> date:
    year, month = divmod(AS_OF.month - 1 - months, 12)
    return date(AS_OF.year + year, month + 1, 1)


def test_weighted_uses_each_bands_ratio_at_the_groups_size() -> None:
    """NAEYC twos are 1:4 up to 8 children: six twos need two caregivers, not one (the old
    weighted reading used 1:6, the ratio at the band's largest group)."""
    src = built_in("naeyc-2008")
    src["mixed_age"] = "weighted"
    rule_set = rules.parse_rule_set(src)
    need = rules.staff_needed(rule_set, [30] * 6)
    assert need.staff == 2
    assert rules.staff_needed(rule_set, [30] * 12).staff == 2  # 1:6 at 12
    # the validator and the CP-SAT model agree
    assert solve(one_group_problem(rule_set, [30] * 6, 1), time_limit=5).status == "infeasible"
    plan = solve(one_group_problem(rule_set, [30] * 6, 2), time_limit=5)
    assert plan.status == "optimal"
    assert validate(one_group_problem(rule_set, [30] * 6, 2), plan) == []


def test_solve_refuses_a_plan_its_validator_rejects(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the model's group rules switched off (a stand-in for a model bug), solve() finds an
    arrangement the validator rejects: it answers `unknown` with the violations, no groups."""
    monkeypatch.setattr(cpsat.PlannerModel, "_group_rules", lambda *args, **kwargs: None)
    monkeypatch.setattr(cpsat, "PROVE_FIRST_CHILDREN", -1)
    monkeypatch.setattr("planner.explain.prechecks", lambda problem: [])
    problem = one_group_problem(rules.load("cfoc-center"), [5, 5, 5, 5], 1)
    plan = solve(problem, time_limit=5)
    assert plan.status == "unknown"
    assert plan.groups == []
    assert {v.rule for v in plan.violations} == {"ratio"}
    assert plan.violations[0].rule_set == "cfoc-center"
    assert "independent validator" in plan.explanation[0]
    out = io.plan_to_json(plan)
    assert out["status"] == "unknown" and out["violations"]


@pytest.mark.parametrize(("rules_name", "seed"), [("ehs-center", 1), ("ehs-center", 3)])
def test_small_infeasible_programs_are_proven_infeasible(rules_name: str, seed: int) -> None:
    """24 children, one caregiver too few: proven infeasible (the time is measured in
    benchmarks/bench_infeasible.py, not asserted here)."""
    base = generate(children=24, seed=seed, rules=rules_name)
    problem = dataclasses.replace(base, caregivers=base.caregivers[:-1])
    plan = solve(problem, time_limit=20)
    assert plan.status == "infeasible"
    assert plan.explanation


def test_the_feasibility_proof_agrees_with_the_full_model() -> None:
    base = generate(children=12, seed=2, rules="pitc")
    assert cpsat.feasible(base, time_limit=5, workers=1) is True
    fewer = dataclasses.replace(base, caregivers=base.caregivers[:1])
    assert cpsat.feasible(fewer, time_limit=5, workers=1) is False


def test_plan_json_names_the_rule_set_and_section() -> None:
    problem = one_group_problem(rules.load("cfoc-center"), [5, 5, 5, 5], 1)
    plan = Plan(status="feasible")
    plan.groups = [
        io.parse_plan({"groups": [{"id": "g1", "room": "r1", "caregivers": ["s0"],
                                    "children": ["c0", "c1", "c2", "c3"]}]}).groups[0]
    ]  # fmt: skip
    plan.primary = {f"c{i}": "s0" for i in range(4)}
    [found] = validate(problem, plan)
    item = io.plan_to_json(dataclasses.replace(plan, violations=[found]))["violations"][0]
    assert item["rule"] == "ratio"
    assert item["rule_set"] == "cfoc-center"
    assert item["section"] == "Standard 1.1.1.2"
    assert item["facts"]["need"] == 2 and item["facts"]["staff"] == 1


def test_pitc_mixed_group_is_never_looser_than_every_band_in_it() -> None:
    """Young (1:3) and mobile (1:3) infants together: PITC's mixed-age 1:4 would let 4
    infants have one caregiver; both bands say 1:3, so they need two."""
    pitc = rules.load("pitc")
    assert rules.staff_needed(pitc, [4, 4, 10, 10]).staff == 2
    assert rules.staff_needed(pitc, [4, 20, 20, 20]).staff == 1  # toddlers' 1:4 is looser
    problem = one_group_problem(pitc, [4, 4, 10, 10], 1)
    assert solve(problem, time_limit=5).status == "infeasible"
    group = Plan(status="feasible")
    group.groups = io.parse_plan(
        {"groups": [{"id": "g1", "room": "r1", "caregivers": ["s0"],
                     "children": ["c0", "c1", "c2", "c3"]}]}
    ).groups  # fmt: skip
    group.primary = {f"c{i}": "s0" for i in range(4)}
    [found] = validate(problem, group)
    assert found.rule == "ratio" and found.section == "mixed-age groups"
    assert "never looser than the most lenient band present" in found.message
