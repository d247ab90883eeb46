"""The MIP baseline (planner_lab.mip): HiGHS on the CP-SAT model, translated exactly.

On small problems of every built-in rule set the MIP's optimum equals CP-SAT's, and its plan
is valid and scored as the MIP says. On small random CP-SAT models that use every encoding
(several-interval domains, enforcement with negated literals, general max, element over
variables, objective domain, maximising, floating-point objectives) both solvers agree on
the status and the optimum, and the MIP's solution satisfies the CP-SAT model.
"""

from __future__ import annotations

import random
import subprocess
import sys
from typing import Any

import highspy
import pytest
from google.protobuf import text_format
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from planner import cpsat, io
from planner.cpsat import PlannerModel
from planner.model import Problem
from planner.score import score
from planner.validate import validate
from planner_lab import mip
from planner_lab.generate import generate

WEEK = ("mon", "tue", "wed", "thu", "fri")


def _week(start: str, end: str, days: tuple[str, ...] = WEEK) -> dict[str, list[list[str]]]:
    return {day: [[start, end]] for day in days}


def _child(
    cid: str, born: str, start: str = "08:00", end: str = "16:00", **extra: Any
) -> dict[str, Any]:
    return {"id": cid, "birth_date": born, "schedule": _week(start, end), **extra}


def _staff(sid: str, start: str = "07:30", end: str = "16:30", **extra: Any) -> dict[str, Any]:
    return {"id": sid, "shifts": _week(start, end), **extra}


def _problem(
    rules: str,
    children: list[dict[str, Any]],
    caregivers: list[dict[str, Any]],
    rooms: list[dict[str, Any]],
    **extra: Any,
) -> Problem:
    return io.parse_problem(
        {
            "as_of": "2026-03-02",
            "program": {"rules": rules},
            "rooms": rooms,
            "caregivers": caregivers,
            "children": children,
            **extra,
        }
    )


# Ages on 2026-03-02: 2025-09-15 5 months, 2025-06-01 9, 2025-01-20 13, 2024-09-01 18,
# 2024-06-01 21, 2024-01-10 25, 2023-08-01 31, 2023-01-05 37, 2022-05-01 46.
CASES: dict[str, Problem] = {
    # youngest child's band; continuity, language, IFSP, family requests, siblings
    "cfoc-center": _problem(
        "cfoc-center",
        [
            _child("c1", "2025-06-01", current={"group": "A", "primary": "s0"}),
            _child("c2", "2025-09-15", "08:30", "12:30", languages=["es"], current={"group": "A"}),
            _child("c3", "2024-06-01", ifsp=True, siblings=["c4"]),
            _child("c4", "2024-01-10", family_requests=["s1"]),
            _child("c5", "2024-09-01", "07:30", "15:00", current={"group": "B", "primary": "s1"}),
            _child("c6", "2023-08-01", languages=["vi"]),
        ],
        [
            _staff("s0"),
            _staff("s1", "08:00", "17:00", languages=["vi"]),
            _staff("s2", "07:00", "15:00", languages=["es"], ifsp_trained=True),
        ],
        [{"id": "r1", "capacity": 6}, {"id": "r2", "capacity": 8}],
    ),
    # group-size tiers: element constraints
    "naeyc-2008": _problem(
        "naeyc-2008",
        [
            _child("c1", "2025-06-01", family_requests=["s0"]),
            _child("c2", "2025-09-15", "09:00", "15:00", family_requests=["s0"]),
            _child("c3", "2024-09-01", current={"group": "T", "primary": "s1"}),
            _child("c4", "2024-06-01", current={"group": "T"}),
            _child("c5", "2024-01-10", "08:00", "12:00"),
            _child("c6", "2023-08-01"),
            _child("c7", "2025-01-20", languages=["so"], family_requests=["s0"]),
        ],
        [
            _staff("s0", max_primary=2),
            _staff("s1", "07:45", "16:45"),
            _staff("s2", "08:00", "16:00", languages=["so"]),
            _staff("s3", "07:30", "12:30", languages=["so"]),
        ],
        [{"id": "r1", "capacity": 8, "max_groups": 2}],
    ),
    # majority band (lin_max, chosen band), two staff whenever an under-3 group is open
    "ehs-center": _problem(
        "ehs-center",
        [
            _child("c1", "2024-06-01"),
            _child("c2", "2023-08-01", current={"group": "E", "primary": "s0"}),
            _child("c3", "2023-01-05"),
            _child("c4", "2022-05-01", "08:30", "15:30", languages=["ar"]),
            _child("c5", "2024-01-10", ifsp=True, siblings=["c1"]),
        ],
        [
            _staff("s0"),
            _staff("s1", "07:45", "16:45", ifsp_trained=True, max_primary=1),
            _staff("s2", "08:00", "16:30"),
            _staff("s3", "12:00", "17:00", languages=["ar"], ifsp_trained=True),
        ],
        [{"id": "r1", "capacity": 8}, {"id": "r2", "capacity": 10}],
    ),
    # mixed-age group rule (1:4, at most 8) when bands share a group
    "pitc": _problem(
        "pitc",
        [
            _child("c1", "2025-09-15", languages=["es"]),
            _child("c2", "2025-06-01", "08:30", "14:00"),
            _child("c3", "2024-06-01", current={"group": "P", "primary": "s1"}),
            _child("c4", "2023-08-01"),
            _child("c5", "2024-01-10", "08:00", "12:00"),
        ],
        [
            _staff("s0", max_primary=2),
            _staff("s1", "07:45", "16:45", max_primary=2),
            _staff("s2", "07:30", "11:30", languages=["es"]),
        ],
        [{"id": "r1", "capacity": 9, "max_groups": 2}],
    ),
    # limits per caregiver: at most 2 children under 24 months each
    "cfoc-fcc-small": _problem(
        "cfoc-fcc-small",
        [
            _child("c1", "2025-06-01"),
            _child("c2", "2024-06-01"),
            _child("c3", "2024-09-01", "08:00", "12:00"),
            _child("c4", "2023-01-05", languages=["es"]),
            _child("c5", "2022-05-01", current={"group": "H", "primary": "s0"}),
        ],
        [
            _staff("s0"),
            _staff("s1", "07:45", "16:45", max_primary=2),
            _staff("s2", "08:00", "14:00", languages=["es"]),
        ],
        [{"id": "h1", "capacity": 6}, {"id": "h2", "capacity": 6}],
    ),
    # children may be left out: one caregiver, five infants (1:3)
    "unassigned": _problem(
        "cfoc-center",
        [_child(f"c{i}", born) for i, born in enumerate(["2025-06-01", "2025-09-15"] * 2, 1)]
        + [_child("c5", "2025-06-01", "08:00", "12:00")],
        [_staff("s0")],
        [{"id": "r1", "capacity": 6}],
        allow_unassigned=True,
    ),
}

# four infants all day, one caregiver (1:3): no plan
INFEASIBLE = _problem(
    "cfoc-center",
    [_child(f"c{i}", "2025-06-01") for i in range(4)],
    [_staff("s0")],
    [{"id": "r1", "capacity": 6}],
)


def _cpsat_optimum(problem: Problem) -> tuple[str, int | None]:
    model = PlannerModel(problem)
    outcome = cpsat.run(model, time_limit=10, workers=2)
    return outcome.status, outcome.objective


def _fixed_solution_status(
    model: cp_model.CpModel, values: list[int]
) -> tuple[cp_model.CpSolverStatus, float]:
    """CP-SAT's verdict on the model with every variable fixed to `values`."""
    fixed = model.clone()
    fixed.clear_hints()
    for i, value in enumerate(values):
        fixed.add(fixed.get_int_var_from_proto_index(i) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(fixed)
    return status, solver.objective_value


def _run(h: highspy.Highs) -> highspy.HighsModelStatus:
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("time_limit", 30.0)
    highspy.Highs.resetThreadScheduler(True)
    h.run()
    return h.getModelStatus()


# -- PlannerModel problems ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_mip_optimum_equals_cpsat_optimum(name: str) -> None:
    problem = CASES[name]
    status, objective = _cpsat_optimum(problem)
    assert status == "optimal"
    plan = mip.solve_mip(problem, time_limit=30)
    assert plan.status == "optimal"
    assert plan.objective == objective
    assert plan.bound == plan.objective and plan.gap == 0
    assert plan.solver == "highs" and plan.seconds is not None
    assert validate(problem, plan) == [] and plan.violations == []
    assert score(problem, plan).total == plan.objective


@pytest.mark.parametrize("name", sorted(CASES))
def test_mip_solution_satisfies_the_cpsat_model(name: str) -> None:
    model = PlannerModel(CASES[name])
    h, translation = mip.to_highs(model.m.Proto())
    assert _run(h) == highspy.HighsModelStatus.kOptimal
    columns = h.getSolution().col_value
    values = [round(columns[i]) for i in range(translation.columns)]
    status, objective = _fixed_solution_status(model.m, values)
    assert status == cp_model.OPTIMAL
    assert objective == pytest.approx(translation.scale * h.getInfo().objective_function_value)


def test_the_cases_use_max_and_element() -> None:
    kinds: set[str] = set()
    for problem in CASES.values():
        _, translation = mip.to_highs(PlannerModel(problem).m.Proto())
        kinds |= set(translation.kinds)
    # today: linear, bool_and, bool_or, lin_max, element
    assert {"linear", "lin_max", "element"} <= kinds


def test_infeasible_for_both() -> None:
    assert _cpsat_optimum(INFEASIBLE)[0] == "infeasible"
    plan = mip.solve_mip(INFEASIBLE)
    assert plan.status == "infeasible"
    assert plan.explanation and plan.objective is None and plan.groups == []


def test_out_of_time_without_a_plan_says_so() -> None:
    problem = generate(children=24, seed=1, rules="ehs-center")
    plan = mip.solve_mip(problem, time_limit=0.001, hint=False)
    if plan.status == "infeasible":  # the usual case: HiGHS is still presolving
        assert "time limit" in plan.explanation[0] and plan.objective is None
    else:
        assert plan.status == "feasible" and plan.violations == []


def test_improving_solutions_are_reported_with_their_time() -> None:
    seen: list[tuple[float, int]] = []
    plan = mip.solve_mip(CASES["ehs-center"], on_solution=lambda t, obj: seen.append((t, obj)))
    assert seen
    times = [t for t, _ in seen]
    assert times == sorted(times) and plan.seconds is not None and times[-1] <= plan.seconds
    assert min(obj for _, obj in seen) == plan.objective


def test_the_thread_count_may_change_between_solves() -> None:
    problem = CASES["pitc"]
    one = mip.solve_mip(problem, threads=1)
    two = mip.solve_mip(problem, threads=2)
    assert one.status == two.status == "optimal" and one.objective == two.objective


def test_without_the_hint_the_same_optimum() -> None:
    problem = CASES["cfoc-center"]
    assert mip.solve_mip(problem, hint=False).objective == mip.solve_mip(problem).objective


def test_highs_banner_stays_off_stdout() -> None:
    code = (
        "from planner_lab import mip\n"
        "from planner_lab.generate import generate\n"
        "plan = mip.solve_mip(generate(children=4, seed=1), time_limit=10)\n"
        "import sys; sys.stderr.write(plan.status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout == ""
    assert result.stderr == "optimal"


# -- general CP-SAT models: every encoding --------------------------------------------------


def _random_domain(rng: random.Random, low: int, high: int) -> Domain:
    cuts = sorted(rng.sample(range(low, high + 1), rng.choice([2, 4, 6])))
    return Domain.from_flat_intervals(cuts)


def _random_model(seed: int) -> cp_model.CpModel:
    rng = random.Random(seed)
    m = cp_model.CpModel()
    ints = [m.new_int_var_from_domain(_random_domain(rng, -6, 8), f"x{i}") for i in range(3)]
    bools = [m.new_bool_var(f"b{i}") for i in range(4)]

    def literal() -> cp_model.LiteralT:
        b = rng.choice(bools)
        return b.Not() if rng.random() < 0.4 else b

    def enforce(ct: cp_model.Constraint) -> None:
        if rng.random() < 0.5:
            ct.only_enforce_if([literal() for _ in range(rng.randint(1, 2))])

    def affine() -> cp_model.LinearExprT:
        return rng.randint(-2, 2) * rng.choice(ints) + rng.randint(-3, 3) + rng.choice(bools)

    for _ in range(rng.randint(1, 3)):
        terms = rng.sample([*ints, *bools], 3)
        expr = sum(rng.choice([-3, -1, 1, 2]) * v for v in terms)
        enforce(m.add_linear_expression_in_domain(expr, _random_domain(rng, -12, 12)))
    enforce(m.add_bool_or([literal() for _ in range(2)]))
    enforce(m.add_bool_and([literal() for _ in range(2)]))
    enforce(m.add_at_most_one([literal() for _ in range(3)]))
    if rng.random() < 0.5:
        enforce(m.add_exactly_one([literal() for _ in range(3)]))
    target = m.new_int_var(-20, 20, "max")
    enforce(m.add_max_equality(target, [affine() for _ in range(rng.randint(1, 3))]))
    flag = m.new_bool_var("any")
    enforce(m.add_max_equality(flag, [literal() for _ in range(3)]))
    index, picked = m.new_int_var(-1, 4, "index"), m.new_int_var(-20, 20, "picked")
    m.add(index == rng.choice(ints) + rng.randint(-2, 2))
    table: list[cp_model.LinearExprT] = [
        rng.choice([rng.randint(-5, 5), rng.choice(ints), affine()]) for _ in range(4)
    ]
    enforce(m.add_element(index, table, picked))
    objective = sum(rng.randint(-3, 3) * v for v in [*ints, *bools, target, picked])
    kind = rng.choice(["min", "max", "float", "domain"])
    if kind == "min":
        m.minimize(objective + rng.randint(-5, 5))
    elif kind == "max":
        m.maximize(objective + rng.randint(-5, 5))
    elif kind == "float":
        m.minimize(0.5 * rng.choice(ints) + objective + 0.25)
    else:
        m.minimize(objective)
        m.Proto().objective.domain.extend([-10, -2, 1, 30])
    assert m.validate() == ""
    return m


@pytest.mark.parametrize("seed", range(60))
def test_random_models_agree_with_cpsat(seed: int) -> None:
    m = _random_model(seed)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    expected = solver.solve(m)
    assert expected in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    h, translation = mip.to_highs(m.Proto())
    status = _run(h)
    if expected == cp_model.INFEASIBLE:
        assert status == highspy.HighsModelStatus.kInfeasible
        return
    assert status == highspy.HighsModelStatus.kOptimal
    value = translation.scale * h.getInfo().objective_function_value
    assert value == pytest.approx(solver.objective_value, abs=1e-6)
    columns = h.getSolution().col_value
    values = [round(columns[i]) for i in range(translation.columns)]
    fixed, objective = _fixed_solution_status(m, values)
    assert fixed == cp_model.OPTIMAL
    assert objective == pytest.approx(value, abs=1e-6)


def test_the_random_models_use_every_encoding() -> None:
    kinds: set[str] = set()
    for seed in range(60):
        _, translation = mip.to_highs(_random_model(seed).Proto())
        kinds |= set(translation.kinds)
    assert kinds == {
        "linear",
        "bool_or",
        "bool_and",
        "at_most_one",
        "exactly_one",
        "lin_max",
        "element",
    }


def _from_text(text: str) -> cp_model.CpModel:
    m = cp_model.CpModel()
    assert m.Proto().parse_text_format(text)
    assert m.validate() == ""
    return m


def test_negated_literals_and_the_legacy_element_fields() -> None:
    # b or c; not b or not c; i = 1 unless c (enforcement by a negated literal);
    # t = [4, x, 9][i] with the legacy index/target/vars fields; minimise t - 2·x
    m = _from_text(
        """
        variables { name: "x" domain: [0, 9] }
        variables { name: "b" domain: [0, 1] }
        variables { name: "c" domain: [0, 1] }
        variables { name: "i" domain: [0, 2] }
        variables { name: "t" domain: [0, 20] }
        variables { name: "four" domain: [4, 4] }
        variables { name: "nine" domain: [9, 9] }
        constraints { linear { vars: [0] coeffs: [1] domain: [3, 7] } }
        constraints { bool_or { literals: [1, 2] } }
        constraints { bool_or { literals: [-2, -3] } }
        constraints { enforcement_literal: [-3] linear { vars: [3] coeffs: [1] domain: [1, 1] } }
        constraints { element { index: 3 target: 4 vars: [5, 0, 6] } }
        objective { vars: [4, 0] coeffs: [1, -2] }
        """
    )
    solver = cp_model.CpSolver()
    assert solver.solve(m) == cp_model.OPTIMAL
    h, translation = mip.to_highs(m.Proto())
    assert translation.kinds == {"linear": 2, "bool_or": 2, "element": 1}
    assert _run(h) == highspy.HighsModelStatus.kOptimal
    assert h.getInfo().objective_function_value == pytest.approx(solver.objective_value)


def test_a_protobuf_message_translates_the_same() -> None:
    model = PlannerModel(CASES["naeyc-2008"])
    message = text_format.Parse(str(model.m.Proto()), cp_model_pb2.CpModelProto())
    h1, t1 = mip.to_highs(model.m.Proto())
    h2, t2 = mip.to_highs(message)
    assert (t1.kinds, t1.rows, t1.auxiliary) == (t2.kinds, t2.rows, t2.auxiliary)
    assert _run(h1) == _run(h2) == highspy.HighsModelStatus.kOptimal
    assert h1.getInfo().objective_function_value == h2.getInfo().objective_function_value


def test_unsupported_kinds_are_named() -> None:
    m = cp_model.CpModel()
    x = m.new_int_var(0, 3, "x")
    m.add_multiplication_equality(x, [x, x])
    with pytest.raises(NotImplementedError, match="int_prod"):
        mip.to_highs(m.Proto())
