"""Property test: the planner never claims a plan its validator rejects, and never says
"infeasible" when a plan exists (issue #15).

Hypothesis draws rule sets over every feature of attune.rules/2 (bands in months or weeks,
ratios, tiers of ratios or of staff, the three mixed-age methods, mixed-group rules with and
without the loosest-band floor, limits per caregiver or per group, age categories and
compositions by staff, conditions on qualified staff and on children's attributes, periods
with relief, the caregivers' own children), one or two rule sets at once, and tiny problems
(at most 4 children, 3 caregivers, 2 group slots). Each is solved; a plan claimed is checked
by the validator (and the solver's own check never has to refuse one: no "unknown"); every
"infeasible" is checked by trying every arrangement (each judged by the validator alone).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import io
from planner.model import Group, Plan, Problem
from planner.solve import solve
from planner.validate import validate

AS_OF = date(2026, 12, 1)
SPANS = [["08:00", "12:00"], ["09:00", "15:00"], ["12:00", "16:00"], ["08:00", "16:00"]]
SHIFTS = [["07:30", "16:30"], ["08:00", "12:00"], ["12:00", "16:30"], ["09:00", "15:00"]]


@st.composite
def staffing(draw: st.DrawFn, *, weighted: bool) -> dict[str, Any]:
    """A band's (or mixed group's) staffing: ratio and max_group, or tiers."""
    if draw(st.booleans()):
        return {"ratio": draw(st.integers(1, 4)), "max_group": draw(st.integers(2, 6))}
    first = draw(st.integers(1, 4))
    second = draw(st.integers(first + 1, 7))
    tiers = []
    for size in (first, second):
        if not weighted and draw(st.booleans()):
            tiers.append({"max_group": size, "staff": draw(st.integers(1, 2))})
        else:
            tiers.append({"max_group": size, "ratio": draw(st.integers(1, 4))})
    return {"tiers": tiers}


@st.composite
def rule_set(draw: st.DrawFn, index: int) -> dict[str, Any]:
    method = draw(st.sampled_from(["youngest", "majority", "weighted"]))
    cuts = sorted(draw(st.sets(st.sampled_from([6, 12, 18, 24, 30]), max_size=2)))
    edges = [0, *cuts, 61]
    bands = []
    for i, (low, high) in enumerate(itertools.pairwise(edges)):
        band: dict[str, Any] = {"id": f"b{i}", "label": f"band {i}"}
        if i == 0 and draw(st.booleans()):
            band["min_weeks"] = 6  # minimum enrollment age
        else:
            band["min_months"] = low
        band["max_months"] = high - 1
        band.update(draw(staffing(weighted=method == "weighted")))
        bands.append(band)
    rules: dict[str, Any] = {
        "format": "attune.rules/2",
        "id": f"set-{index}",
        "name": f"Drawn rule set {index}",
        "citation": "Hypothesis",
        "effective": "2026-01-01",
        "mixed_age": method,
        "bands": bands,
    }
    if draw(st.booleans()):
        unit = draw(st.sampled_from(["under_months", "under_weeks"]))
        rules["limits"] = [
            {
                unit: draw(st.integers(3, 30)) * (4 if unit == "under_weeks" else 1),
                "max": draw(st.integers(0, 3)),
                "per": draw(st.sampled_from(["caregiver", "group"])),
                "section": "limit section",
            }
        ]
    if len(bands) > 1 and draw(st.booleans()):
        mixed = draw(staffing(weighted=False))
        mixed["floor"] = draw(st.sampled_from(["loosest-band", "none"]))
        rules["mixed_group"] = mixed
    if draw(st.booleans()):
        rules["categories"] = [
            {"id": "young", "label": "under 18 months", "min_months": 0, "max_months": 17},
            {"id": "old", "label": "18 months and over", "min_months": 18},
        ]
        first: dict[str, int] = {"young": draw(st.integers(0, 3)), "old": draw(st.integers(0, 3))}
        if draw(st.booleans()):  # an overlapping category: every child counts in it too
            rules["categories"].append({"id": "any", "label": "any age", "min_months": 0})
            first["any"] = draw(st.integers(1, 5))
        rules["compositions"] = [
            {"staff": 1, "options": [first, {"old": draw(st.integers(1, 4))}]},
            {"staff": 2, "options": [{"young": draw(st.integers(2, 5)), "old": 6}]},
        ]
    conditions = []
    if draw(st.booleans()):
        cond: dict[str, Any] = {"label": "a CPR-trained caregiver", "staff_with": "cpr"}
        cond["at_least"] = 1
        if draw(st.booleans()):
            cond["if_present"] = ["b0"]
        if draw(st.booleans()):
            cond[draw(st.sampled_from(["during", "except_during"]))] = ["nap"]
        conditions.append(cond)
    if len(bands) > 1 and draw(st.booleans()):
        conditions.append(
            {
                "label": "a walking child",
                "children_with": "walking",
                "at_least": 1,
                "if_mixed": True,
            }
        )
    if conditions:
        rules["conditions"] = conditions
    if draw(st.booleans()):
        relief: dict[str, Any] = {"period": "nap"}
        if draw(st.booleans()):
            relief["staff_relief"] = 1
        else:
            relief["bands"] = {"b0": draw(staffing(weighted=method == "weighted"))}
        rules["during"] = [relief]
    if draw(st.booleans()):
        rules["staff_children"] = {"counted": draw(st.booleans()), "under_months": 36}
    return rules


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    sets = [draw(rule_set(0))]
    if draw(st.integers(0, 3)) == 0:
        sets.append(draw(rule_set(1)))
    n_children = draw(st.integers(1, 4))
    n_staff = draw(st.integers(1, 3))
    caregivers = [
        {
            "id": f"s{j}",
            "shifts": {"mon": [draw(st.sampled_from(SHIFTS))]},
            "qualifications": ["cpr"] if draw(st.booleans()) else [],
        }
        for j in range(n_staff)
    ]
    children = [
        {
            "id": f"c{i}",
            "birth_date": (AS_OF - timedelta(days=draw(st.integers(56, 1400)))).isoformat(),
            "schedule": {"mon": [draw(st.sampled_from(SPANS))]},
            "attributes": ["walking"] if draw(st.booleans()) else [],
        }
        for i in range(n_children)
    ]
    if draw(st.booleans()):
        rooms = [
            {"id": "r1", "capacity": draw(st.integers(2, 6)), "max_groups": draw(st.integers(1, 2))}
        ]
    else:
        rooms = [{"id": f"r{k}", "capacity": draw(st.integers(2, 6))} for k in (1, 2)]
    program: dict[str, Any] = {
        "rules": sets[0],
        "primary_cap": draw(st.integers(2, 4)),
    }
    if len(sets) > 1:
        program["extra_rules"] = sets[1:]
    if draw(st.booleans()):
        program["periods"] = {"nap": {"mon": [["12:30", "14:00"]]}}
    data: dict[str, Any] = {
        "as_of": AS_OF.isoformat(),
        "program": program,
        "rooms": rooms,
        "children": children,
        "caregivers": caregivers,
    }
    if draw(st.integers(0, 3)) == 0:
        data["staff_children"] = [
            {
                "id": "own1",
                "birth_date": (AS_OF - timedelta(days=draw(st.integers(60, 900)))).isoformat(),
                "with": "s0",
                "schedule": {"mon": [draw(st.sampled_from(SPANS))]},
            }
        ]
    return data


def any_valid_plan(problem: Problem) -> Plan | None:
    """A plan the validator accepts, found by trying every arrangement, or None."""
    slots = [(room.id, j) for room in problem.rooms for j in range(room.max_groups)]
    caregivers = problem.caregivers
    for staff_at in itertools.product(range(len(slots) + 1), repeat=len(caregivers)):
        for child_at in itertools.product(range(len(slots)), repeat=len(problem.children)):
            groups = []
            primary: dict[str, str] = {}
            possible = True
            for k, (room, _) in enumerate(slots):
                staff = [s for s, at in zip(caregivers, staff_at, strict=True) if at == k]
                kids = [c.id for c, at in zip(problem.children, child_at, strict=True) if at == k]
                if not staff and not kids:
                    continue
                places = [(s.id, problem.primary_limit(s)) for s in staff]
                if len(kids) > sum(n for _, n in places):
                    possible = False
                    break
                queue = [sid for sid, n in places for _ in range(n)]
                primary.update(zip(kids, queue, strict=False))
                groups.append(Group(f"g{k}", room, [s.id for s in staff], kids))
            if not possible:
                continue
            plan = Plan(status="feasible", groups=groups, primary=primary)
            if not validate(problem, plan):
                return plan
    return None


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problems())
def test_claimed_plans_are_valid_and_infeasible_is_true(data: dict[str, Any]) -> None:
    problem = io.parse_problem(data)
    plan = solve(problem, time_limit=5, workers=1)
    assert plan.status != "unknown", plan.explanation
    if plan.status in ("optimal", "feasible"):
        assert validate(problem, plan) == []
    else:
        assert plan.status == "infeasible"
        assert any_valid_plan(problem) is None, (plan.explanation, io.dumps(data))
