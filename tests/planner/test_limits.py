"""Input beyond the planner's limits (planner.limits, docs/planner.md "Limits") is refused with
exit 2 and a message, never a traceback, and refusing it stays small: each command runs in a
child process that reports its own peak memory (ru_maxrss), which must stay below 1 GB."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner import io, limits

GB_KB = 1024 * 1024  # ru_maxrss is in KiB on Linux

WEEK = {day: [["08:00", "16:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
GOOD: dict[str, Any] = {
    "format": "attune.problem/1",
    "as_of": "2026-12-01",
    "program": {"name": "Sunflower", "kind": "center", "rules": "cfoc-center"},
    "rooms": [{"id": "r1", "capacity": 8}],
    "children": [{"id": "c1", "birth_date": "2026-05-10", "schedule": WEEK}],
    "caregivers": [{"id": "s1", "shifts": WEEK}],
}

# runs a CLI's main() and appends its peak memory to stderr
WRAPPER = (
    "import importlib, resource, sys\n"
    "main = importlib.import_module(sys.argv[1]).main\n"
    "try:\n"
    "    code = main(sys.argv[2:])\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "sys.stderr.write(f'\\nPEAK_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
    "sys.exit(code)\n"
)


def run(module: str, *args: str) -> tuple[int, str, int]:
    """Exit code, stderr (without the memory line) and peak memory in KiB of the command."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, module, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    head, _, peak = done.stderr.rpartition("PEAK_KB ")
    return done.returncode, head, int(peak)


def refused(module: str, *args: str) -> str:
    code, err, peak = run(module, *args)
    assert code == 2, err
    assert "Traceback" not in err
    assert peak < GB_KB, f"peak {peak / 1024:.0f} MB"
    return err


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def problem_with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    data.update(changes)
    return data


def test_a_billion_groups_in_a_room_is_refused(tmp_path: Path) -> None:
    data = problem_with(rooms=[{"id": "r1", "capacity": 8, "max_groups": 10**9}])
    err = refused("planner.cli", "solve", write(tmp_path, data))
    assert "max_groups" in err
    assert str(limits.MAX_GROUPS) in err


def test_rooms_holding_too_many_groups_together_are_refused(tmp_path: Path) -> None:
    rooms = [{"id": f"r{i}", "capacity": 8, "max_groups": 150} for i in range(2)]
    err = refused("planner.cli", "solve", write(tmp_path, problem_with(rooms=rooms)))
    assert "300 groups" in err


def test_six_thousand_children_are_refused(tmp_path: Path) -> None:
    children = [{"id": f"c{i}", "birth_date": "2026-01-10", "schedule": WEEK} for i in range(6000)]
    err = refused("planner.cli", "solve", write(tmp_path, problem_with(children=children)))
    assert "6,000 children" in err
    assert f"at most {limits.MAX_CHILDREN}" in err


@pytest.mark.parametrize(
    ("field", "record", "most"),
    [
        ("caregivers", {"id": "s", "shifts": WEEK}, limits.MAX_CAREGIVERS),
        ("rooms", {"id": "r", "capacity": 8}, limits.MAX_ROOMS),
    ],
)
def test_too_many_records_are_refused(field: str, record: dict[str, Any], most: int) -> None:
    data = problem_with(**{field: [{**record, "id": f"x{i}"} for i in range(most + 1)]})
    with pytest.raises(io.InvalidInput, match=f"at most {most}"):
        io.parse_problem(data)


def test_a_day_cut_into_too_many_intervals_is_refused() -> None:
    spans = [[f"{8 + i // 2:02d}:{30 * (i % 2):02d}", f"{8 + i // 2:02d}:{30 * (i % 2) + 15:02d}"]
             for i in range(limits.MAX_SPANS_PER_DAY + 1)]  # fmt: skip
    data = problem_with(
        children=[{"id": "c1", "birth_date": "2026-05-10", "schedule": {"mon": spans}}]
    )
    with pytest.raises(io.InvalidInput, match="intervals; at most"):
        io.parse_problem(data)


def test_a_week_with_too_many_distinct_stretches_is_refused() -> None:
    # 400 children, each arriving and leaving at their own minute, a different one each day
    def at(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    children = [
        {
            "id": f"c{i}",
            "birth_date": "2025-06-10",
            "schedule": {
                day: [[at(420 + (i + d) % 400), at(900 + (i + d) % 400)]]
                for d, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
            },
        }
        for i in range(400)
    ]
    data = problem_with(children=children, rooms=[{"id": "r1", "capacity": 400}])
    with pytest.raises(io.InvalidInput, match="distinct stretches"):
        io.parse_problem(data)


def test_a_problem_too_large_to_model_is_refused() -> None:
    # within each count's limit, but 600 children arriving and leaving over an hour, in 200
    # possible groups, is too big to model at once
    def day(i: int) -> list[list[str]]:
        return [[f"07:{i % 60:02d}", f"16:{i % 60:02d}"]]

    children = [
        {"id": f"c{i}", "birth_date": "2025-06-10", "schedule": {"mon": day(i)}} for i in range(600)
    ]
    rooms = [{"id": f"r{i}", "capacity": 20, "max_groups": 2} for i in range(100)]
    with pytest.raises(io.InvalidInput, match="too large to plan at once"):
        io.parse_problem(problem_with(children=children, rooms=rooms))


def test_a_horizon_beyond_three_years_is_refused() -> None:
    with pytest.raises(io.InvalidInput, match="horizon_months"):
        io.parse_problem(problem_with(horizon_months=limits.MAX_MONTHS + 1))


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e9"])
def test_time_limits_that_are_not_a_number_of_seconds_are_refused(
    tmp_path: Path, value: str
) -> None:
    err = refused("planner.cli", "solve", write(tmp_path, GOOD), "--time-limit", value)
    assert "--time-limit" in err


def test_the_limits_leave_the_largest_benchmarked_case_alone() -> None:
    from planner_lab.generate import generate

    problem = generate(children=480, seed=1, rules="cfoc-center", with_current=False)
    assert limits.size_error(problem) is None


def test_generate_with_an_unknown_rule_set_is_refused() -> None:
    err = refused("planner_lab.cli", "generate", "--children", "10", "--rules", "nowhere")
    assert "nowhere" in err


def test_generate_beyond_the_limits_is_refused() -> None:
    err = refused("planner_lab.cli", "generate", "--children", "6000")
    assert str(limits.MAX_CHILDREN) in err


@pytest.mark.parametrize(
    "args",
    [
        ("--children", "6000"),
        ("--months", "100000"),
        ("--time-limit", "nan"),
        ("--turnover", "nan"),
        ("--rules", "nowhere"),
    ],
)
def test_simulate_beyond_the_limits_is_refused(args: tuple[str, ...]) -> None:
    refused("planner_lab.cli", "simulate", *args)
