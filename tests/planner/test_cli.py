"""`python -m planner`: the round trip, exit codes, progress, and bad input named precisely."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner import io

GOOD: dict[str, Any] = {
    "format": "attune.problem/1",
    "as_of": "2026-12-01",
    "program": {"name": "Sunflower", "kind": "center", "rules": "cfoc-center"},
    "rooms": [{"id": "r1", "capacity": 8}],
    "children": [
        {
            "id": "c1",
            "birth_date": "2026-05-10",
            "schedule": {"mon": [["08:00", "15:00"]]},
            "languages": ["es"],
            "current": {"group": "g1", "primary": "s2"},
        }
    ],
    "caregivers": [
        {"id": "s2", "languages": ["es", "en"], "shifts": {"mon": [["07:00", "15:30"]]}}
    ],
}


def run(
    *args: str, stdin: str | None = None, package: str = "planner"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", package, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_generate_solve_validate_round_trip(tmp_path: Path) -> None:
    generated = run("generate", "--children", "24", "--seed", "3", package="planner_lab")
    assert generated.returncode == 0, generated.stderr
    problem_path = write(tmp_path, "problem.json", generated.stdout)
    solved = run("solve", problem_path, "--time-limit", "10")
    assert solved.returncode == 0, solved.stderr
    plan = json.loads(solved.stdout)
    assert plan["format"] == "attune.plan/1"
    assert plan["status"] in ("optimal", "feasible")
    assert plan["violations"] == []
    children = {c for g in plan["groups"] for c in g["children"]}
    assert len(children) == 24
    plan_path = write(tmp_path, "plan.json", solved.stdout)
    checked = run("validate", problem_path, plan_path)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["objective"] == plan["objective"]
    # a broken plan: one child moved out of every group
    broken = dict(plan)
    broken["groups"] = [dict(g) for g in plan["groups"]]
    broken["groups"][0]["children"] = broken["groups"][0]["children"][1:]
    bad = run("validate", problem_path, write(tmp_path, "bad.json", broken))
    assert bad.returncode == 1
    assert "is in no group" in bad.stderr


def test_solve_writes_progress_when_it_takes_over_a_second(tmp_path: Path) -> None:
    generated = run("generate", "--children", "120", "--seed", "1", package="planner_lab")
    problem_path = write(tmp_path, "problem.json", generated.stdout)
    solved = run("solve", problem_path, "--time-limit", "10")
    assert solved.returncode == 0, solved.stderr
    assert "solving:" in solved.stderr
    assert json.loads(solved.stdout)["violations"] == []


def test_infeasible_exits_1_with_the_explanation(tmp_path: Path) -> None:
    data = json.loads(json.dumps(GOOD))
    data["children"][0]["schedule"]["mon"] = [["08:00", "16:30"]]
    result = run("solve", write(tmp_path, "p.json", data))
    assert result.returncode == 1
    assert json.loads(result.stdout)["status"] == "infeasible"
    assert "Monday 15:30–16:30" in result.stderr
    explained = run("explain", write(tmp_path, "p.json", data))
    assert explained.returncode == 1
    assert "extend the shift of s2 to stay until 16:30" in explained.stdout


def _mutate(path: str, value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(GOOD))
    target = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "{not json",
            "not valid JSON: Expecting property name enclosed in double quotes at line 1",
        ),
        (_mutate("program.rules", "oregon-2030"), "program.rules: unknown rule set 'oregon-2030'"),
        (
            _mutate("children.0.birth_date", "2027-01-01"),
            "children[0] (c1): birth_date: 2027-01-01 is after as_of (2026-12-01)",
        ),
        (
            _mutate("caregivers.0.shifts", {"mon": [["15:30", "07:00"]]}),
            "caregivers[0] (s2): shifts.mon[0]: ends (07:00) before it starts (15:30)",
        ),
        (
            _mutate("children.0.schedule", {"mon": [["08:00", "12:00"], ["11:00", "15:00"]]}),
            "children[0] (c1): schedule.mon: intervals 08:00-12:00 and 11:00-15:00 overlap",
        ),
        (
            _mutate("children.0.current", {"group": "g1", "primary": "s9"}),
            "children[0] (c1): current.primary: 's9' is not a caregiver of this problem",
        ),
        (_mutate("rooms.0.capacity", 0), "rooms[0] (r1): capacity: must be at least 1, not 0"),
        (_mutate("as_of", KeyError), "as_of: is missing"),
        (
            _mutate("children.0.schedule", {"monday": [["08:00", "15:00"]]}),
            "children[0] (c1): schedule.monday: is not a day",
        ),
        (
            _mutate(
                "program.rules",
                {
                    "id": "x",
                    "name": "x",
                    "citation": "x",
                    "effective": "2026-01-01",
                    "mixed_age": "eldest",
                    "bands": [],
                },
            ),
            "program.rules.mixed_age: must be one of youngest, majority, weighted, not 'eldest'",
        ),
    ],
)
def test_bad_input_exits_2_naming_the_field_and_record(
    tmp_path: Path, data: Any, expected: str
) -> None:
    result = run("solve", write(tmp_path, "p.json", data))
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_bad_arguments_exit_2() -> None:
    for args in (("solve",), ("solve", "x.json", "--time-limit", "-1"), ("frobnicate",)):
        result = run(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
    missing = run("solve", "/nonexistent/problem.json")
    assert missing.returncode == 2
    assert "cannot read /nonexistent/problem.json" in missing.stderr


def test_problem_json_round_trips() -> None:
    problem = io.parse_problem(GOOD)
    again = io.parse_problem(io.problem_to_json(problem))
    assert again == problem


@pytest.mark.parametrize("command", ["generate", "simulate", "bench"])
def test_research_commands_point_to_the_lab(command: str) -> None:
    done = run(command)
    assert done.returncode == 2
    assert f"python -m planner_lab {command}" in done.stderr
    assert "Traceback" not in done.stderr
