"""The MIP baseline: PlannerModel's CP-SAT model, translated exactly into a MIP for HiGHS.

`to_highs` reads the CP-SAT model (`PlannerModel(problem).m.Proto()`) and builds a MIP with
the same feasible set over the original variables and the same objective: MIP column i is
CP-SAT variable i; auxiliary binary columns follow them. Every big-M is computed from the
variables' bounds, so no bound is guessed. `solve_mip` solves a problem with it; the
benchmark compares it with CP-SAT (time to the optimum, and to the same objective through
`on_solution`).

Encodings (ref < 0 in a literal field is NOT x, so the literal is 1 - x; in a variable field
it is -x). `v` is the number of false enforcement literals, Σ (1 - l): the constraint must
hold when v = 0, and every big-M row below is slack once v >= 1.

- variable with a domain of several intervals: the column spans the hull; one binary per
  interval chooses it (Σ z = 1, x within the chosen interval);
- linear `e ∈ D`: D is first cut to [min e, max e]; one interval gives e >= lo - (lo - min e)·v
  and e <= hi + (max e - hi)·v (plain row bounds without enforcement); several intervals
  add one binary each, as for variables, with relaxation (1 - z) + v; nothing left means
  v >= 1 (or an infeasible model);
- bool_or: Σ l + v >= 1; bool_and: l + v >= 1 for each l; at_most_one: Σ l <= 1 + (n - 1)·v;
  exactly_one: both;
- lin_max `t = max(e_i)`: t >= e_i; if t and every e_i lie in [0, 1], t <= Σ e_i; otherwise
  one binary per e_i picks the maximum (Σ s = 1, t <= e_i + M·(1 - s_i));
- element `t = table[i]`: one binary per possible index value (Σ b = 1, i = Σ k·b_k), and
  t = Σ table[k]·b_k for a constant table (big-M rows otherwise);
- objective: Σ coeffs·x + offset, minimised; the CP-SAT objective is `scale` times it
  (scaling_factor, 1 when unset; -1 for a maximised floating-point objective). An objective
  domain constrains Σ coeffs·x like a linear constraint. Solution hints become a (partial)
  MIP start.

Enforcement literals relax lin_max and element rows the same way. Other constraint kinds
raise NotImplementedError naming the kind; PlannerModel produces none of them.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
from ortools.sat.python import cp_model

from planner.cpsat import PlannerModel
from planner.model import Plan, Problem
from planner.score import score
from planner.validate import validate

# CP-SAT writes "no bound" in a domain as the int64 extremes.
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1

_KINDS = (
    "bool_or",
    "bool_and",
    "at_most_one",
    "exactly_one",
    "bool_xor",
    "int_div",
    "int_mod",
    "int_prod",
    "lin_max",
    "linear",
    "all_diff",
    "element",
    "circuit",
    "routes",
    "table",
    "automaton",
    "inverse",
    "reservoir",
    "interval",
    "no_overlap",
    "no_overlap_2d",
    "cumulative",
    "dummy_constraint",
)

OnSolution = Callable[[float, int], None]


@dataclass
class Translation:
    """How the MIP relates to the CP-SAT model."""

    columns: int  # MIP column i is CP-SAT variable i, for i < columns
    scale: float  # CP-SAT objective = scale × HiGHS objective (offset included)
    kinds: Counter[str] = field(default_factory=Counter)  # constraint kinds translated
    auxiliary: int = 0  # binary columns added by the encodings
    rows: int = 0


class _Expr:
    """Σ terms[col]·x[col] + constant, integer coefficients."""

    __slots__ = ("constant", "terms")

    def __init__(self, terms: dict[int, int] | None = None, constant: int = 0) -> None:
        self.terms: dict[int, int] = terms if terms is not None else {}
        self.constant = constant

    def add(self, other: _Expr, factor: int = 1) -> _Expr:
        """self + factor·other, as a new expression."""
        terms = dict(self.terms)
        for col, coef in other.terms.items():
            total = terms.get(col, 0) + factor * coef
            if total:
                terms[col] = total
            else:
                terms.pop(col, None)
        return _Expr(terms, self.constant + factor * other.constant)


def _column(col: int, coef: int = 1) -> _Expr:
    return _Expr({col: coef} if coef else {})


def _literal(ref: int) -> _Expr:
    """A literal field: ref >= 0 is x[ref], ref < 0 is NOT x[-ref-1], i.e. 1 - x."""
    return _Expr({ref: 1}) if ref >= 0 else _Expr({-ref - 1: -1}, 1)


def _variable(ref: int, coef: int) -> _Expr:
    """coef × a variable field: ref < 0 is -x[-ref-1]."""
    return _column(ref, coef) if ref >= 0 else _column(-ref - 1, -coef)


def _not(col: int) -> _Expr:
    """1 - x[col]"""
    return _Expr({col: -1}, 1)


def _sum(parts: Iterable[_Expr]) -> _Expr:
    terms: dict[int, int] = {}
    constant = 0
    for part in parts:
        constant += part.constant
        for col, coef in part.terms.items():
            terms[col] = terms.get(col, 0) + coef
    return _Expr({col: coef for col, coef in terms.items() if coef}, constant)


def _linear(vars_: Iterable[int], coeffs: Iterable[int], offset: int = 0) -> _Expr:
    expr = _sum(_variable(int(r), int(c)) for r, c in zip(vars_, coeffs, strict=True))
    return _Expr(expr.terms, expr.constant + offset)


def _expression(proto: Any) -> _Expr:
    """A LinearExpressionProto."""
    return _linear(proto.vars, proto.coeffs, int(proto.offset))


def _bound(value: int) -> float:
    if value <= _INT64_MIN + 1:
        return -math.inf
    if value >= _INT64_MAX - 1:
        return math.inf
    return value


def _intervals(flat: Sequence[int]) -> list[tuple[float, float]]:
    values = [int(v) for v in flat]
    return [(_bound(values[i]), _bound(values[i + 1])) for i in range(0, len(values), 2)]


def _has(message: Any, name: str) -> bool:
    """Field presence on ortools' pybind protos (has_x()) and on protobuf messages."""
    has = getattr(message, f"has_{name}", None)
    if has is not None:
        return bool(has())
    return bool(message.HasField(name))


def _kind(constraint: Any) -> str:
    which = getattr(constraint, "WhichOneof", None)
    if which is not None:
        return str(which("constraint") or "empty")
    return next((k for k in _KINDS if getattr(constraint, f"has_{k}")()), "empty")


class _Mip:
    """Columns and rows of the MIP as it is built (row-wise)."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.start: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []
        self.auxiliary = 0

    def column(self, lower: float, upper: float) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.lower) - 1

    def binary(self) -> int:
        self.auxiliary += 1
        return self.column(0, 1)

    def bounds(self, expr: _Expr) -> tuple[float, float]:
        low: float = expr.constant
        high: float = expr.constant
        for col, coef in expr.terms.items():
            a, b = coef * self.lower[col], coef * self.upper[col]
            low += min(a, b)
            high += max(a, b)
        return low, high

    def row(self, expr: _Expr, lower: float, upper: float) -> None:
        """lower <= expr <= upper."""
        low, high = lower - expr.constant, upper - expr.constant
        if not expr.terms:
            if low <= 0 <= high:
                return
            low = high = 1.0  # 0 = 1: the model is infeasible, and HiGHS will say so
        self.row_lower.append(low)
        self.row_upper.append(high)
        for col, coef in sorted(expr.terms.items()):
            self.index.append(col)
            self.value.append(coef)
        self.start.append(len(self.index))

    def _big_m(self, m: float, what: str) -> int:
        if math.isinf(m):
            raise NotImplementedError(f"{what}: a big-M over an unbounded expression")
        return int(m)

    def at_least(self, expr: _Expr, lower: float, relax: _Expr | None) -> None:
        """expr >= lower when relax = 0 (relax >= 0 is an integer expression)."""
        low, _ = self.bounds(expr)
        if lower <= low:
            return
        if relax is None:
            self.row(expr, lower, math.inf)
            return
        m = self._big_m(lower - low, "at least")
        self.row(expr.add(relax, m), lower, math.inf)

    def at_most(self, expr: _Expr, upper: float, relax: _Expr | None) -> None:
        """expr <= upper when relax = 0."""
        _, high = self.bounds(expr)
        if upper >= high:
            return
        if relax is None:
            self.row(expr, -math.inf, upper)
            return
        m = self._big_m(high - upper, "at most")
        self.row(expr.add(relax, -m), -math.inf, upper)

    def within(
        self, expr: _Expr, domain: Sequence[tuple[float, float]], relax: _Expr | None
    ) -> None:
        """expr takes a value of the domain (a union of intervals) when relax = 0."""
        low, high = self.bounds(expr)
        cut = [(max(a, low), min(b, high)) for a, b in domain if max(a, low) <= min(b, high)]
        if not cut:
            if relax is None:
                self.row(_Expr(), 1, 1)  # infeasible
            else:
                self.row(relax, 1, math.inf)
            return
        if len(cut) == 1:
            a, b = cut[0]
            if relax is None:  # one row
                if a > low or b < high:
                    self.row(expr, a if a > low else -math.inf, b if b < high else math.inf)
            else:
                self.at_least(expr, a, relax)
                self.at_most(expr, b, relax)
            return
        chosen = [self.binary() for _ in cut]
        self.row(_Expr(dict.fromkeys(chosen, 1)), 1, 1)
        for z, (a, b) in zip(chosen, cut, strict=True):
            off = _not(z) if relax is None else _not(z).add(relax)
            self.at_least(expr, a, off)
            self.at_most(expr, b, off)


class _Translator:
    def __init__(self, proto: Any, hint: bool) -> None:
        self.proto = proto
        self.hint = hint
        self.mip = _Mip()
        self.kinds: Counter[str] = Counter()

    def run(self) -> tuple[highspy.Highs, Translation]:
        proto, mip = self.proto, self.mip
        variables = list(proto.variables)
        for var in variables:
            domain = _intervals(var.domain)
            mip.column(domain[0][0], domain[-1][1])
        for col, var in enumerate(variables):
            domain = _intervals(var.domain)
            if len(domain) > 1:
                mip.within(_column(col), domain, None)
        for ref in proto.assumptions:
            mip.row(_literal(int(ref)), 1, 1)
        for constraint in proto.constraints:
            self._constraint(constraint)
        costs, offset, scale = self._objective()
        h = _new_highs()
        lp = highspy.HighsLp()
        n = len(mip.lower)
        lp.num_col_ = n
        lp.num_row_ = len(mip.row_lower)
        lp.col_cost_ = np.array(costs + [0.0] * (n - len(costs)), dtype=np.float64)
        lp.col_lower_ = np.array(mip.lower, dtype=np.float64)
        lp.col_upper_ = np.array(mip.upper, dtype=np.float64)
        lp.row_lower_ = np.array(mip.row_lower, dtype=np.float64)
        lp.row_upper_ = np.array(mip.row_upper, dtype=np.float64)
        lp.offset_ = offset
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = n
        lp.a_matrix_.num_row_ = len(mip.row_lower)
        lp.a_matrix_.start_ = np.array(mip.start, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(mip.index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(mip.value, dtype=np.float64)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        _check(h.passModel(lp), "passModel")
        hint = proto.solution_hint
        if self.hint and len(hint.vars):
            cols = np.array([int(v) for v in hint.vars], dtype=np.int32)
            values = np.array([float(v) for v in hint.values], dtype=np.float64)
            _check(h.setSolution(len(cols), cols, values), "setSolution")
        return h, Translation(
            columns=len(variables),
            scale=scale,
            kinds=self.kinds,
            auxiliary=mip.auxiliary,
            rows=len(mip.row_lower),
        )

    def _objective(self) -> tuple[list[float], float, float]:
        proto = self.proto
        costs = [0.0] * len(proto.variables)
        if _has(proto, "floating_point_objective"):
            fp = proto.floating_point_objective
            sign = -1.0 if fp.maximize else 1.0
            for ref, coef in zip(fp.vars, fp.coeffs, strict=True):
                var, c = (int(ref), float(coef)) if ref >= 0 else (-int(ref) - 1, -float(coef))
                costs[var] += sign * c
            return costs, sign * float(fp.offset), sign
        if not _has(proto, "objective"):
            return costs, 0.0, 1.0
        objective = proto.objective
        expr = _linear(objective.vars, objective.coeffs)
        for col, coef in expr.terms.items():
            costs[col] += coef
        if len(objective.domain):
            self.mip.within(expr, _intervals(objective.domain), None)
        scale = float(objective.scaling_factor) or 1.0
        return costs, float(objective.offset), scale

    def _constraint(self, c: Any) -> None:
        kind = _kind(c)
        self.kinds[kind] += 1
        mip = self.mip
        enforcement = [int(r) for r in c.enforcement_literal]
        # v = number of false enforcement literals
        relax = _sum(_literal(-r - 1) for r in enforcement) if enforcement else None
        if kind == "linear":
            expr = _linear(c.linear.vars, c.linear.coeffs)
            mip.within(expr, _intervals(c.linear.domain), relax)
        elif kind in ("bool_or", "bool_and", "at_most_one", "exactly_one"):
            literals = [_literal(int(r)) for r in getattr(c, kind).literals]
            total = _sum(literals)
            if kind in ("bool_or", "exactly_one"):
                mip.at_least(total, 1, relax)
            if kind in ("at_most_one", "exactly_one"):
                mip.at_most(total, 1, relax)
            if kind == "bool_and":
                for lit in literals:
                    mip.at_least(lit, 1, relax)
        elif kind == "lin_max":
            self._lin_max(c.lin_max, relax)
        elif kind == "element":
            self._element(c.element, relax)
        elif kind != "empty":
            raise NotImplementedError(f"CP-SAT constraint kind {kind!r}")

    def _lin_max(self, arg: Any, relax: _Expr | None) -> None:
        """target = max(exprs) when relax = 0."""
        mip = self.mip
        target = _expression(arg.target)
        exprs = [_expression(e) for e in arg.exprs]
        if not exprs:
            raise NotImplementedError("lin_max of no expressions")
        for e in exprs:
            mip.at_least(target.add(e, -1), 0, relax)
        if len(exprs) == 1:
            mip.at_most(target.add(exprs[0], -1), 0, relax)
            return
        boxes = [mip.bounds(e) for e in [target, *exprs]]
        if all(low >= 0 and high <= 1 for low, high in boxes):
            mip.at_most(target.add(_sum(exprs), -1), 0, relax)  # 0/1 values: max <= sum
            return
        chosen = [mip.binary() for _ in exprs]
        mip.row(_Expr(dict.fromkeys(chosen, 1)), 1, 1)
        for s, e in zip(chosen, exprs, strict=True):
            mip.at_most(target.add(e, -1), 0, _not(s) if relax is None else _not(s).add(relax))

    def _element(self, arg: Any, relax: _Expr | None) -> None:
        """target = table[index] when relax = 0 (index in [0, len(table)))."""
        mip = self.mip
        if _has(arg, "linear_index") or len(arg.exprs):
            index = _expression(arg.linear_index)
            target = _expression(arg.linear_target)
            table = [_expression(e) for e in arg.exprs]
        else:  # legacy fields: variable references
            index = _variable(int(arg.index), 1)
            target = _variable(int(arg.target), 1)
            table = [_variable(int(r), 1) for r in arg.vars]
        low, high = mip.bounds(index)
        candidates = [k for k in range(len(table)) if low <= k <= high]
        if not candidates:
            mip.within(_Expr(), [], relax)  # cannot hold
            return
        picks = {k: mip.binary() for k in candidates}
        mip.row(_Expr(dict.fromkeys(picks.values(), 1)), 1, 1)
        zero = [(0.0, 0.0)]
        mip.within(index.add(_sum(_column(b, k) for k, b in picks.items()), -1), zero, relax)
        if all(not table[k].terms for k in candidates):
            chosen = _sum(_column(b, table[k].constant) for k, b in picks.items())
            mip.within(target.add(chosen, -1), zero, relax)
            return
        for k, b in picks.items():
            mip.within(
                target.add(table[k], -1), zero, _not(b) if relax is None else _not(b).add(relax)
            )


def _check(status: highspy.HighsStatus, what: str) -> None:
    if status == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS: {what} failed")


_banner_shown = False


@contextlib.contextmanager
def _stdout_to_devnull() -> Iterator[None]:
    """Send what C code prints to stdout (file descriptor 1) to /dev/null meanwhile."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            try:
                yield
            finally:
                with contextlib.suppress(OSError, AttributeError):  # no C library (not POSIX)
                    ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _new_highs() -> highspy.Highs:
    """A silent HiGHS. highspy prints HiGHS's banner to stdout the first time a Highs is made
    in a process, before any option can be set; keep it off stdout (plans may go there)."""
    global _banner_shown
    with _stdout_to_devnull() if not _banner_shown else contextlib.nullcontext():
        h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy leaves __init__ bare
    _banner_shown = True
    _check(h.setOptionValue("output_flag", False), "output_flag")
    return h


def to_highs(proto: Any, *, hint: bool = True) -> tuple[highspy.Highs, Translation]:
    """The MIP of a CP-SAT model proto: `CpModel.Proto()` (in ortools 9.15 a pybind
    `cp_model_helper.CpModelProto`, not a protobuf message) or a `cp_model_pb2.CpModelProto`.

    Column i of the MIP is variable i of the model. HiGHS minimises Σ coeffs·x + offset;
    the CP-SAT objective value is `translation.scale` times HiGHS's objective value. With
    `hint`, the model's solution hint is HiGHS's (partial) starting solution."""
    return _Translator(proto, hint).run()


def solve_mip(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    threads: int = 2,
    hint: bool = True,
    on_solution: OnSolution | None = None,
) -> Plan:
    """Solve the problem's CP-SAT model as a MIP with HiGHS, proving optimality where the
    time allows (mip_rel_gap 0). `on_solution(seconds, objective)` is called for each
    improving solution HiGHS finds, seconds counted from the call of solve_mip (as
    `plan.seconds`, so both include building and translating the model, about as long as
    building it for CP-SAT); the benchmark's "time to the same objective" is the first call
    with objective <= the target. Unlike planner.solve, no prechecks and no explanation of
    an infeasible problem: this is a baseline to time, the plan is validated and scored."""
    started = time.monotonic()
    model = PlannerModel(problem)
    if hint:
        # the same starting point as the CP-SAT path: the current arrangement, completed
        model.warm_start(time_limit=min(3.0, time_limit / 3), workers=threads)
    h, translation = to_highs(model.m.Proto(), hint=hint)
    _check(h.setOptionValue("time_limit", time_limit), "time_limit")
    _check(h.setOptionValue("threads", threads), "threads")
    _check(h.setOptionValue("mip_rel_gap", 0.0), "mip_rel_gap")
    scale = translation.scale
    if on_solution is not None:
        report = on_solution

        def improved(event: highspy.HighsCallbackEvent) -> None:
            objective = scale * event.data_out.objective_function_value
            report(time.monotonic() - started, round(objective))

        h.cbMipImprovingSolution.subscribe(improved)
    # HiGHS keeps one thread pool per thread, sized by the first run: reset it so that
    # `threads` counts (otherwise a different value is an error).
    highspy.Highs.resetThreadScheduler(True)
    _check(h.run(), "run")
    model_status = h.getModelStatus()
    info = h.getInfo()
    solver = "highs"
    if model_status in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kModelEmpty):
        status = "optimal"
    elif model_status in (
        highspy.HighsModelStatus.kInfeasible,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,  # every column is bounded
    ):
        return Plan(
            status="infeasible",
            explanation=["HiGHS proved that no plan meets the hard rules."],
            solver=solver,
            seconds=time.monotonic() - started,
        )
    elif info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        status = "feasible"
    else:
        return Plan(
            status="infeasible",
            explanation=[
                f"No plan was found within the time limit ({time_limit:g} s). This does not "
                "prove that none exists: try a longer time limit."
            ],
            solver=solver,
            seconds=time.monotonic() - started,
        )
    values = h.getSolution().col_value

    def value(var: cp_model.IntVar) -> int:
        return round(values[var.index])

    plan = model.plan(value, status)
    # as for CP-SAT: slack in auxiliary variables makes the model's objective an upper bound
    # of the plan's cost until proven optimal; the plan's own cost is planner.score's
    plan.objective = round(scale * info.objective_function_value)
    true_cost = score(problem, plan).total
    if true_cost <= plan.objective:
        plan.objective = true_cost
    bound = scale * info.mip_dual_bound
    if math.isfinite(bound):
        plan.bound = math.ceil(bound - 1e-6)  # the objective is an integer
    plan.solver = solver
    plan.seconds = time.monotonic() - started
    plan.violations = validate(problem, plan)
    plan.soft = score(problem, plan).notes
    return plan
