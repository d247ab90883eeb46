"""planner_lab.scale at a small size: every run is validated, the table and chart are built
from what was measured (no timing asserted: speed lives in benchmarks/)."""

from __future__ import annotations

import pytest

from planner_lab import scale


def test_runs_are_validated_and_tabled() -> None:
    runs = [scale.planner_run("cfoc-center", 12, 1, start, 5.0) for start in ("cold", "warm")]
    for run in runs:
        assert run.status in ("optimal", "feasible")
        assert run.valid
        assert run.first is not None and run.first <= run.seconds
        assert run.bound is not None and run.objective is not None
        assert run.bound <= run.objective
        assert run.peak_mb > 0
    runs[0].feasibility_first = scale.feasibility_run("cfoc-center", 12, 1, "cold", 5.0)
    assert runs[0].feasibility_first is not None
    text = scale.table(runs)
    assert "| cfoc-center | 12 | cold | 1 |" in text
    assert "| cfoc-center | 12 | warm | 1 |" in text
    svg = scale.chart(runs, label="test")
    assert svg.startswith("<svg") and "cold: median seconds" in svg


def test_the_command_refuses_bad_options() -> None:
    for argv in (["--sizes", "6000"], ["--seeds", "0"], ["--time-limit", "nan"]):
        with pytest.raises(SystemExit) as exit_:
            scale.main(argv)
        assert exit_.value.code == 2


def test_the_benchmark_knows_the_planners_limit() -> None:
    from planner import limits

    assert scale.MAX_CHILDREN == limits.MAX_CHILDREN
