"""attune.rules/2, feature by feature (issue #15, section 3): each rule set is the worked
example of docs/rules.md (read from the doc, so the doc and the code cannot drift), judged by
the validator, planned by CP-SAT, and explained when no plan exists."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from planner import io, rules
from planner.model import Plan, Problem
from planner.solve import solve
from planner.validate import validate

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
AS_OF = date(2026, 12, 1)
DAY = ["08:00", "16:00"]


def doc_rules(rule_id: str) -> dict[str, Any]:
    for block in re.findall(r"```json\n(.*?)```", DOC.read_text("utf-8"), re.S):
        data: dict[str, Any] = json.loads(block)
        if data.get("id") == rule_id:
            return data
    raise AssertionError(f"docs/rules.md has no rule set {rule_id}")


def test_every_rule_set_of_the_doc_is_read() -> None:
    found = 0
    for block in re.findall(r"```json\n(.*?)```", DOC.read_text("utf-8"), re.S):
        data = json.loads(block)
        if str(data.get("format", "")).startswith("attune.rules"):
            rules.parse_rule_set(data)
            found += 1
    assert found >= 7


def born(months: int = 0, *, weeks: int | None = None) -> str:
    if weeks is not None:
        return (AS_OF - timedelta(weeks=weeks, days=2)).isoformat()
    year, month = divmod(AS_OF.month - 1 - months, 12)
    return date(AS_OF.year + year, month + 1, 1).isoformat()


def problem(
    rule_set: dict[str, Any] | str,
    kids: list[dict[str, Any]],
    staff: list[dict[str, Any]],
    *,
    rooms: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Problem:
    program: dict[str, Any] = {"rules": rule_set, "primary_cap": 12}
    program.update(extra.pop("program", {}))
    data = {
        "as_of": AS_OF.isoformat(),
        "program": program,
        "rooms": rooms or [{"id": "r1", "capacity": 20}],
        "children": kids,
        "caregivers": [{"max_primary": 12, **s} for s in staff],
        **extra,
    }
    return io.parse_problem(data)


def kid(cid: str, months: int = 0, hours: list[str] = DAY, **kw: Any) -> dict[str, Any]:
    weeks = kw.pop("weeks", None)
    return {"id": cid, "birth_date": born(months, weeks=weeks), "schedule": {"mon": [hours]}, **kw}


def carer(sid: str, hours: list[str] | None = None, *spans: list[str], **kw: Any) -> dict[str, Any]:
    return {"id": sid, "shifts": {"mon": [hours or ["07:00", "17:00"], *spans]}, **kw}


def together(p: Problem) -> list[Any]:
    """Everyone in one group g1 of room r1, the first caregiver primary for all."""
    plan = Plan(status="feasible")
    plan.groups = io.parse_plan(
        {"groups": [{"id": "g1", "room": "r1", "caregivers": [s.id for s in p.caregivers],
                     "children": [c.id for c in p.children]}]}
    ).groups  # fmt: skip
    plan.primary = {c.id: p.caregivers[0].id for c in p.children}
    return [v for v in validate(p, plan) if v.rule != "primary-load"]


def planned(p: Problem) -> Plan:
    plan = solve(p, time_limit=10, workers=2)
    if plan.status in ("optimal", "feasible"):
        assert validate(p, plan) == []
    return plan


def explained(p: Problem) -> str:
    plan = planned(p)
    assert plan.status == "infeasible"
    return " ".join(plan.explanation)


# -- 1. staff required by group size ---------------------------------------------------------


class TestStaffTable:
    rules = doc_rules("example-staff-table")

    def test_validator(self) -> None:
        assert (
            together(problem(self.rules, [kid(f"c{i}", 5) for i in range(3)], [carer("s1")])) == []
        )
        [v] = together(problem(self.rules, [kid(f"c{i}", 5) for i in range(4)], [carer("s1")]))
        assert (v.rule, v.rule_set, v.section) == ("ratio", "example-staff-table", "123-45-0410(1)")
        assert "(1 caregiver up to 3 children, 2 caregivers up to 7)" in v.message
        assert v.facts["need"] == 2 and v.facts["staff"] == 1
        [v] = together(
            problem(self.rules, [kid(f"c{i}", 5) for i in range(8)], [carer("s1"), carer("s2")])
        )
        assert v.rule == "group-size" and "at most 7 children" in v.message
        # mixed groups: their own table (1 up to 3, 2 up to 8)
        mixed = [kid("c1", 5), kid("c2", 5), kid("c3", 20), kid("c4", 20)]
        [v] = together(problem(self.rules, mixed, [carer("s1")]))
        assert (v.rule, v.section) == ("ratio", "123-45-0410(3)")

    def test_cpsat(self) -> None:
        four = [kid(f"c{i}", 5) for i in range(4)]
        assert planned(problem(self.rules, four, [carer("s1")])).status == "infeasible"
        assert planned(problem(self.rules, four, [carer("s1"), carer("s2")])).status == "optimal"

    def test_explanation(self) -> None:
        text = explained(problem(self.rules, [kid(f"c{i}", 5) for i in range(4)], [carer("s1")]))
        assert "example-staff-table needs at least 2" in text


# -- 2. mixes of ages by staff ----------------------------------------------------------------


class TestCompositions:
    rules = doc_rules("example-fcc")

    def mix(self, under2: int, two_to_five: int, over5: int) -> list[dict[str, Any]]:
        return (
            [kid(f"a{i}", 10) for i in range(under2)]
            + [kid(f"b{i}", 40) for i in range(two_to_five)]
            + [kid(f"c{i}", 80) for i in range(over5)]
        )

    def test_validator(self) -> None:
        one, two = [carer("p1")], [carer("p1"), carer("p2")]
        assert together(problem(self.rules, self.mix(3, 3, 2), one)) == []
        assert together(problem(self.rules, self.mix(0, 8, 2), one)) == []
        [v] = together(problem(self.rules, self.mix(4, 0, 0), one))
        assert (v.rule, v.rule_set, v.section) == ("composition", "example-fcc", "123-50-0100(1)")
        assert v.facts["need"] == 2
        assert "allows that mix only with 2 caregivers" in v.message
        assert together(problem(self.rules, self.mix(4, 0, 0), two)) == []
        # one under 2 with eight aged 2-5: no option for one provider, none for two (6 over 2)
        [v] = together(problem(self.rules, self.mix(1, 8, 0), two))
        assert v.rule == "composition" and v.facts["need"] is None
        assert "with no number of caregivers" in v.message

    def test_cpsat(self) -> None:
        room = [{"id": "r1", "capacity": 12}]
        kids = self.mix(4, 2, 0)
        assert planned(problem(self.rules, kids, [carer("p1")], rooms=room)).status == "infeasible"
        plan = planned(problem(self.rules, kids, [carer("p1"), carer("p2")], rooms=room))
        assert plan.status == "optimal"
        assert sorted(plan.groups[0].caregivers) == ["p1", "p2"]

    def test_explanation(self) -> None:
        room = [{"id": "r1", "capacity": 12}]
        text = explained(problem(self.rules, self.mix(4, 0, 0), [carer("p1")], rooms=room))
        assert "example-fcc" in text


# -- 3. ages in weeks -------------------------------------------------------------------------


class TestWeeks:
    rules = doc_rules("example-weeks")

    def test_minimum_enrollment_age(self) -> None:
        with pytest.raises(io.InvalidInput) as refused:
            problem(self.rules, [kid("c1", weeks=4)], [carer("s1")])
        assert "birth_date" in str(refused.value) and "6 weeks" in str(refused.value)
        assert problem(self.rules, [kid("c1", weeks=6)], [carer("s1")]).children

    def test_validator(self) -> None:
        young = [kid(f"c{i}", weeks=20) for i in range(3)]
        [v] = together(problem(self.rules, young, [carer("s1")]))
        assert v.rule == "limit" and "under 26 weeks" in v.message
        assert together(problem(self.rules, young, [carer("s1"), carer("s2")])) == []
        # 26 weeks is the next band (1:4) and not under the limit
        assert (
            together(problem(self.rules, [kid(f"c{i}", weeks=27) for i in range(4)], [carer("s1")]))
            == []
        )

    def test_cpsat(self) -> None:
        young = [kid(f"c{i}", weeks=20) for i in range(3)]
        assert planned(problem(self.rules, young, [carer("s1")])).status == "infeasible"
        assert planned(problem(self.rules, young, [carer("s1"), carer("s2")])).status == "optimal"

    def test_explanation(self) -> None:
        young = [kid(f"c{i}", weeks=20) for i in range(3)]
        text = explained(problem(self.rules, young, [carer("s1")]))
        assert "example-weeks" in text


# -- 4. children who count without being enrolled --------------------------------------------


class TestStaffChildren:
    rules = doc_rules("example-own-children")

    def own(self, months: int) -> list[dict[str, Any]]:
        return [{"id": "own-1", "birth_date": born(months), "with": "p1",
                 "schedule": {"mon": [["07:00", "17:00"]]}}]  # fmt: skip

    def test_validator(self) -> None:
        kids = [kid(f"c{i}", 40) for i in range(6)]
        [v] = together(problem(self.rules, kids, [carer("p1")], staff_children=self.own(24)))
        assert v.rule == "group-size" and "own-1" in v.message
        assert v.rule_set == "example-own-children"
        # a 7-year-old of the provider does not count (under 72 months only)
        assert together(problem(self.rules, kids, [carer("p1")], staff_children=self.own(84))) == []
        assert together(problem(self.rules, kids, [carer("p1")])) == []

    def test_cpsat(self) -> None:
        kids = [kid(f"c{i}", 40) for i in range(6)]
        alone = problem(self.rules, kids, [carer("p1")], staff_children=self.own(24))
        assert planned(alone).status == "infeasible"
        rooms = [{"id": "r1", "capacity": 12, "max_groups": 2}]
        helped = problem(
            self.rules, kids, [carer("p1"), carer("q1")], rooms=rooms, staff_children=self.own(24)
        )
        plan = planned(helped)
        assert plan.status == "optimal"
        provider = next(g for g in plan.groups if "p1" in g.caregivers)
        assert len(provider.children) <= 5  # room for own-1

    def test_explanation(self) -> None:
        kids = [kid(f"c{i}", 40) for i in range(6)]
        text = explained(problem(self.rules, kids, [carer("p1")], staff_children=self.own(24)))
        assert "own-1" in text


# -- 5. conditions on who is in the group -----------------------------------------------------


class TestConditions:
    rules = doc_rules("example-conditions")

    def test_validator(self) -> None:
        [v] = together(problem(self.rules, [kid("c1", 5)], [carer("s2")]))
        assert (v.rule, v.section) == ("condition", "123-45-0500(1)")
        assert "at least 1 caregiver with infant_cpr on shift, but none is" in v.message
        cpr = carer("s1", qualifications=["infant_cpr"])
        assert together(problem(self.rules, [kid("c1", 5)], [cpr])) == []
        # a mixed group needs a walking toddler
        mixed = [kid("c1", 5), kid("c2", 14)]
        [v] = together(problem(self.rules, mixed, [cpr]))
        assert (v.rule, v.section) == ("condition", "123-45-0500(2)")
        assert "walking" in v.message
        mixed[1]["attributes"] = ["walking"]
        assert together(problem(self.rules, mixed, [cpr])) == []

    def test_cpsat(self) -> None:
        rooms = [{"id": "r1", "capacity": 8}, {"id": "r2", "capacity": 8}]
        kids = [kid("c1", 5), kid("c2", 20), kid("c3", 20)]
        staff = [carer("s1"), carer("s2", qualifications=["infant_cpr"])]
        plan = planned(problem(self.rules, kids, staff, rooms=rooms))
        assert plan.status == "optimal"
        infant_group = next(g for g in plan.groups if "c1" in g.children)
        assert "s2" in infant_group.caregivers
        nobody = [carer("s1"), carer("s2")]
        assert planned(problem(self.rules, kids, nobody, rooms=rooms)).status == "infeasible"

    def test_explanation(self) -> None:
        text = explained(problem(self.rules, [kid("c1", 5)], [carer("s1")]))
        assert "infant CPR" in text and "example-conditions" in text


# -- 6. rules that apply only at some times ---------------------------------------------------


class TestPeriods:
    rules = doc_rules("example-times")
    nap = {"periods": {"nap": {"mon": [["12:30", "14:30"]]}}}
    arrival = {"periods": {"arrival": {"mon": [["07:00", "08:00"]]}}}

    def napping(self, **extra: Any) -> Problem:
        kids = [kid(f"c{i}", 5) for i in range(5)]  # 1:4, so 2 caregivers
        staff = [carer("s1"), carer("s2", ["07:00", "12:30"], ["14:30", "17:00"])]
        return problem(self.rules, kids, staff, **extra)

    def arriving(self, **extra: Any) -> Problem:
        kids = [kid(f"c{i}", 20, ["07:00", "16:00"]) for i in range(6)]  # 1:5, 1:6 at arrival
        staff = [carer("s1"), carer("s2", ["08:00", "17:00"])]
        return problem(self.rules, kids, staff, **extra)

    def test_validator(self) -> None:
        assert together(self.napping(program=self.nap)) == []
        [v] = together(self.napping())
        assert v.rule == "ratio" and (v.start, v.end) == (750, 870)
        assert together(self.arriving(program=self.arrival)) == []
        [v] = together(self.arriving())
        assert v.rule == "ratio" and (v.start, v.end) == (420, 480)

    def test_cpsat(self) -> None:
        assert planned(self.napping(program=self.nap)).status == "optimal"
        assert planned(self.napping()).status == "infeasible"
        assert planned(self.arriving(program=self.arrival)).status == "optimal"
        assert planned(self.arriving()).status == "infeasible"

    def test_relief_is_named_and_never_below_one(self) -> None:
        # nobody on shift at nap: relief never goes below one caregiver
        alone = problem(
            self.rules, [kid("c1", 5)], [carer("s1", ["07:00", "12:30"])], program=self.nap
        )
        [v] = together(alone)  # from 12:30 to the child's 16:00, nap time included
        assert v.rule == "ratio" and (v.start, v.end) == (750, 960)
        assert "with 1 caregiver fewer during this period" in v.message

    def test_explanation(self) -> None:
        text = explained(self.napping())
        assert "example-times" in text and "12:30" in text


# -- several rule sets at once, strictest wins --------------------------------------------------


STATE = doc_rules("example-centers-2026")


def bound_by_three(kids: list[dict[str, Any]], staff: list[dict[str, Any]], **kw: Any) -> Problem:
    return problem(STATE, kids, staff, program={"extra_rules": ["ehs-center", "pitc"]}, **kw)


def test_a_program_under_three_rule_sets_meets_each_at_every_block() -> None:
    kids = [kid(f"i{i}", 5, ["07:30", "16:30"]) for i in range(5)] + [
        kid(f"t{i}", 20, ["08:00", "15:00"]) for i in range(7)
    ]
    staff = [carer(f"s{j}", ["07:00", "17:00"], qualifications=[]) for j in range(6)]
    rooms = [{"id": "r1", "capacity": 9}, {"id": "r2", "capacity": 9}]
    p = bound_by_three(kids, staff, rooms=rooms)
    plan = planned(p)
    assert plan.status == "optimal"
    # each rule set alone, at every 15-minute block, for every group
    members = {c.id: p.member(c) for c in p.children}
    for rule_set in p.program.rule_sets:
        for group in plan.groups:
            for minute in range(7 * 60, 17 * 60, 15):
                present = [
                    members[c]
                    for c in group.children
                    if any(s.covers(minute) for s in p.child(c).schedule.get("mon", ()))
                ]
                on = [
                    s
                    for s in group.caregivers
                    if any(x.covers(minute) for x in p.caregiver(s).shifts.get("mon", ()))
                ]
                parts = rules.assess(rule_set, present)
                assert rules.unmet(parts, len(on), {}) == [], (rule_set.id, group.id, minute)
    # the strictest primary cap of the three applies (Early Head Start: 4)
    assert max(list(plan.primary.values()).count(s.id) for s in p.caregivers) <= 4


def test_a_plan_meeting_one_rule_set_and_not_another_is_refused_naming_it() -> None:
    # 3 toddlers with one caregiver: the state (1:3 up to 6) and PITC (1:4) allow it,
    # Early Head Start (two teachers whenever a child is present) does not
    p = bound_by_three([kid(f"t{i}", 20) for i in range(3)], [carer("s1")])
    found = together(p)
    assert {v.rule_set for v in found} == {"ehs-center"}
    assert "ehs-center (45 CFR 1302.21(b)(2)) needs 2 caregivers" in found[0].message
    alone = problem(STATE, [kid(f"t{i}", 20) for i in range(3)], [carer("s1")])
    assert together(alone) == []
    assert planned(p).status == "infeasible"


def test_cli_validate_names_the_rule_set_broken(tmp_path: Path) -> None:
    from planner.cli import main

    p = bound_by_three([kid(f"t{i}", 20) for i in range(3)], [carer("s1")])
    problem_file = tmp_path / "problem.json"
    problem_file.write_text(io.dumps(io.problem_to_json(p)))
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(
        json.dumps({"groups": [{"id": "g1", "room": "r1", "caregivers": ["s1"],
                                "children": ["t0", "t1", "t2"]}],
                    "primary": {"t0": "s1", "t1": "s1", "t2": "s1"}})
    )  # fmt: skip
    assert main(["validate", str(problem_file), str(plan_file)]) == 1
