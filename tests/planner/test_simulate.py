"""The simulation: the world drawn from the seed, every policy's months meeting the rules,
the measures, the CLI and its bad input."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planner.continuity import child_measures
from planner.model import months_between
from planner.validate import validate
from planner_lab import simulate as sim

SMALL = sim.Config(months=5, children=12, seed=2, time_limit=2.0)


@pytest.fixture(scope="module")
def small() -> tuple[list[sim.Result], list[sim.Summary]]:
    return sim.simulate(SMALL)


def test_every_policy_meets_the_rules_every_month(
    small: tuple[list[sim.Result], list[sim.Summary]],
) -> None:
    results, summaries = small
    assert [r.policy for r in results] == list(sim.POLICIES)
    for result, summary in zip(results, summaries, strict=True):
        assert result.violations == 0, result.policy
        assert summary.violations == 0
        months = Counter(r.month for r in result.records)
        assert len(months) == SMALL.months
        # every enrolled child is planned every month, with a primary caregiver
        world = sim.build_world(SMALL)
        for m in range(SMALL.months):
            day = world.month(m)
            label = f"{day.year:04d}-{day.month:02d}"
            assert months[label] == len(world.enrolled(m)), (result.policy, label)
        assert all(r.primary for r in result.records), result.policy
        # float caregivers (the continuity policy's) are nobody's primary caregiver
        assert not any(r.primary and r.primary.startswith("float") for r in result.records)


def test_each_plan_is_checked_by_the_validator() -> None:
    """run_policy counts the validator's findings; the month plans it keeps are re-checked here
    from a world built independently with the same seed."""
    world = sim.build_world(SMALL)
    state = sim._state_from(world.start_plan)
    for m in range(3):
        plan = sim._plan_greedy(world, m, state, [], [])
        assert plan is not None
        assert validate(sim.month_problem(world, m, state), plan) == []
        state = sim._state_from(plan)


def test_measures_are_consistent(small: tuple[list[sim.Result], list[sim.Summary]]) -> None:
    results, summaries = small
    for result, summary in zip(results, summaries, strict=True):
        assert summary.caregiver_hours > 0
        assert 0 <= summary.substitute_hours <= summary.caregiver_hours
        assert summary.caregiver_hours == pytest.approx(
            result.regular_hours + result.substitute_hours + result.floater_hours
        )
        if result.policy != "continuity":
            assert result.floater_hours == 0
        assert 0 <= summary.presence <= 1
        assert 0 <= summary.group_stability <= 1
        assert 1 <= summary.median_months_same_primary <= SMALL.months
        measures = child_measures(result.records)
        changes = sum(m.primary_changes for m in measures.values())
        assert summary.changes_per_child == pytest.approx(changes / len(measures))
        # the chart's last point: the changes so far per child seen so far
        assert result.cumulative_changes[-1][1] == pytest.approx(summary.changes_per_child)
    # the same world for every policy: the same regular staff hours
    assert len({round(r.regular_hours) for r in results}) == 1


def test_the_world_is_drawn_from_the_seed() -> None:
    config = sim.Config(months=24, children=20, seed=5)
    one, two = sim.build_world(config), sim.build_world(config)
    assert [(k.child, k.arrives, k.leaves) for k in one.kids] == [
        (k.child, k.arrives, k.leaves) for k in two.kids
    ]
    assert [(s.caregiver, s.starts, s.leaves) for s in one.staff] == [
        (s.caregiver, s.starts, s.leaves) for s in two.staff
    ]
    other = sim.build_world(replace(config, seed=6))
    assert [k.child.birth_date for k in other.kids] != [k.child.birth_date for k in one.kids]


def test_arrivals_exits_and_turnover() -> None:
    config = sim.Config(months=36, children=24, seed=3, turnover=0.4, hiring_delay=2)
    world = sim.build_world(config)
    start = config.start
    newcomers = [k for k in world.kids if k.arrives > start]
    assert newcomers, "places freed are taken by new infants"
    for kid in newcomers:
        age_days = (kid.arrives - kid.child.birth_date).days
        assert 42 <= age_days <= 365, "infants arrive at 6 weeks to 12 months"
    for kid in world.kids:
        if kid.leaves is not None:
            assert months_between(kid.child.birth_date, kid.leaves) <= sim.AGE_OUT
    # the program stays full: a place freed one month is taken the next
    assert len(world.enrolled(0)) == config.children
    for m in range(1, config.months - 1):
        leaving = sum(1 for k in world.kids if k.leaves == world.month(m))
        assert len(world.enrolled(m)) == config.children - leaving
    left = [s for s in world.staff if s.leaves is not None]
    assert left, "40% a year over 3 years: caregivers leave"
    replacements = [s for s in world.staff if s.starts > start]
    assert len(replacements) == len(left)
    for person in left:
        assert person.leaves is not None
        assert any(
            months_between(person.leaves, r.starts) == 2 and r.room == person.room
            for r in replacements
        ), "a replacement on the same shifts starts after the hiring delay"
    steady = sim.build_world(replace(config, turnover=0.0))
    assert all(s.leaves is None for s in steady.staff)


def test_age_rooms_moves_children_up_at_fixed_ages() -> None:
    config = sim.Config(months=14, children=16, seed=4)
    world = sim.build_world(config)
    result = sim.run_policy(world, "age-rooms")
    assert result.violations == 0
    births = {k.child.id: k.child.birth_date for k in world.kids}
    by_child: dict[str, list[tuple[str, str | None]]] = {}
    for r in result.records:
        by_child.setdefault(r.child, []).append((r.month, r.group))
    moved_up = 0
    for child, history in by_child.items():
        for (_, group_a), (month_b, group_b) in itertools.pairwise(history):
            if group_a != group_b:
                year, mon = map(int, month_b.split("-"))
                moved_up += months_between(births[child], date(year, mon, 1)) in (12, 24)
    assert moved_up > 0, "children move to the next room when they turn 12 or 24 months"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"caregivers": 0}, "--caregivers must be at least 1"),
        ({"children": 0}, "--children must be at least 1"),
        ({"months": 0}, "--months must be at least 1"),
        ({"turnover": 1.2}, "--turnover"),
        ({"hiring_delay": -1}, "--hiring-delay"),
        ({"rules": "nowhere"}, "unknown rule set 'nowhere'"),
    ],
)
def test_bad_settings_are_named(change: dict[str, object], words: str) -> None:
    config = replace(SMALL, **change)  # type: ignore[arg-type]
    with pytest.raises(sim.SimulationError, match=words.replace("-", "\\-")):
        sim.simulate(config)


def test_unknown_policy() -> None:
    with pytest.raises(sim.SimulationError, match="--policy: unknown 'rooms'"):
        sim.simulate(SMALL, ["rooms"])


def test_too_few_caregivers_is_said_plainly() -> None:
    with pytest.raises(sim.SimulationError, match="give the program more caregivers"):
        sim.simulate(replace(SMALL, children=48, caregivers=1, months=1), ["age-rooms"])


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner_lab", "simulate", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_cli_table_chart_and_progress(tmp_path: Path) -> None:
    chart = tmp_path / "policies.svg"
    done = run(
        "--months", "3", "--children", "10", "--seed", "2", "--policy", "age-rooms",
        "--policy", "greedy", "--chart", str(chart),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("3 months, 10 children, seed 2, cfoc-center, turnover 30%")
    assert any(line.startswith("| age-rooms |") for line in lines)
    assert any(line.startswith("| greedy |") for line in lines)
    assert not any(line.startswith("| continuity |") for line in lines)
    assert "greedy: month 3/3 planned" in done.stderr
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "age-rooms" in svg and "greedy" in svg


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--caregivers", "0"], "--caregivers must be at least 1"),
        (["--months", "0"], "--months must be between 1 and 120"),
        (["--children", "0"], "--children must be between 1 and 600"),
        (["--policy", "rooms"], "invalid choice: 'rooms'"),
        (["--turnover", "lots"], "invalid float value: 'lots'"),
        (["--chart", "/no/such/dir/c.svg"], "--chart: cannot write /no/such/dir/c.svg"),
    ],
)
def test_cli_bad_input_exits_2_without_traceback(args: list[str], words: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert words in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_continuity_out_of_time_over_the_horizon_keeps_the_month_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a busy machine the months-ahead solve can run out of time with no plan ("unknown"):
    the policy then keeps the month's own fewest-changes plan (it meets the rules) instead of
    adding substitute caregivers as if the month were impossible."""
    from planner.horizon import HorizonPlan

    monkeypatch.setattr(sim, "solve_horizon", lambda *a, **k: HorizonPlan(status="unknown"))
    config = replace(SMALL, months=3)
    result = sim.run_policy(sim.build_world(config), "continuity")
    assert result.violations == 0
    assert result.substitute_hours == 0
    assert len({r.month for r in result.records}) == 3


def test_a_simulation_under_two_rule_sets_never_breaks_either() -> None:
    """Issue #15: the simulation plans under every rule set binding the program."""
    config = sim.Config(
        months=2, children=10, seed=2, time_limit=2.0, horizon=1, extra_rules=("pitc",)
    )
    sim.check(config, ("continuity",))
    world = sim.build_world(config)
    assert [rs.id for rs in world.problem.program.rule_sets] == ["cfoc-center", "pitc"]
    _results, summaries = sim.simulate(config, ("continuity",))
    assert summaries[0].violations == 0
    with pytest.raises(sim.SimulationError, match="--also-rules"):
        sim.check(sim.Config(extra_rules=("nope",)), ("continuity",))


def test_the_continuity_bound_is_each_childs_longest_stay_with_one_caregiver() -> None:
    # nobody leaves the staff: every child could keep one primary all its enrolled months
    world = sim.build_world(replace(SMALL, turnover=0.0))
    bounds = sim.continuity_bound(world)
    for kid in world.kids:
        enrolled = sum(kid in world.enrolled(m) for m in range(SMALL.months))
        assert bounds.get(kid.child.id, 0) == enrolled
    # with turnover the bound never exceeds the months enrolled
    world = sim.build_world(replace(SMALL, turnover=0.9))
    for child, bound in sim.continuity_bound(world).items():
        kid = next(k for k in world.kids if k.child.id == child)
        assert 0 < bound <= sum(kid in world.enrolled(m) for m in range(SMALL.months))


def test_policies_report_continuity_as_a_share_of_its_bound(
    small: tuple[list[sim.Result], list[sim.Summary]],
) -> None:
    results, summaries = small
    for result, summary in zip(results, summaries, strict=True):
        assert summary.bound_share is not None
        assert 0 < summary.bound_share <= 1
        longest = {c: max(m.runs) for c, m in child_measures(result.records).items()}
        kept = sum(min(longest[c], result.bounds[c]) for c in longest)
        assert summary.bound_share == kept / sum(result.bounds[c] for c in longest)
