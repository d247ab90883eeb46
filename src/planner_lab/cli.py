"""python -m planner_lab: the research around the planner (generate, simulate, bench).

Exit codes as python -m planner: 0 ok; 1 a plan broke a rule (simulate); 2 invalid input,
with a message on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from planner import io, limits, rules
from planner.cli import INFEASIBLE, INVALID, OK, _Parser, _say

MAX_SIM_MONTHS = 120


def _generate(args: argparse.Namespace) -> int:
    from planner_lab.generate import generate

    problem = generate(
        children=args.children, seed=args.seed, rules=args.rules, with_current=not args.cold
    )
    sys.stdout.write(io.dumps(io.problem_to_json(problem)))
    return OK


def _simulate(args: argparse.Namespace) -> int:
    from planner_lab import simulate as sim

    config = sim.Config(
        months=args.months,
        children=args.children,
        seed=args.seed,
        rules=args.rules,
        turnover=args.turnover,
        hiring_delay=args.hiring_delay,
        horizon=args.horizon,
        time_limit=args.time_limit,
        workers=args.workers,
        caregivers=args.caregivers,
        extra_rules=tuple(args.also_rules or ()),
    )
    policies = tuple(dict.fromkeys(args.policy or sim.POLICIES))
    try:
        sim.check(config, policies)
        if args.chart:
            try:
                Path(args.chart).write_text("", encoding="utf-8")
            except OSError as exc:
                raise sim.SimulationError(
                    f"--chart: cannot write {args.chart}: {exc.strerror}"
                ) from None
        results, summaries = sim.simulate(config, policies, progress=_say)
    except sim.SimulationError as exc:
        _say(f"invalid input: {exc}")
        return INVALID
    print(
        f"{config.months} months, {config.children} children, seed {config.seed}, "
        f"{config.rules}, turnover {config.turnover:.0%} a year, hiring delay "
        f"{config.hiring_delay} month(s)"
    )
    print(sim.table(summaries))
    if args.chart:
        Path(args.chart).write_text(sim.chart(results), encoding="utf-8")
        _say(f"chart written to {args.chart}")
    return INFEASIBLE if any(s.violations for s in summaries) else OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m planner_lab", description="Research around the planner.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    generate = commands.add_parser("generate", help="a realistic seeded problem to stdout")
    generate.add_argument("--children", type=int, required=True, metavar="N")
    generate.add_argument("--seed", type=int, default=1, metavar="K")
    generate.add_argument(
        "--cold", action="store_true", help="no current arrangement (a new program, an intake)"
    )
    generate.add_argument("--rules", default="cfoc-center", choices=rules.BUILT_IN)
    generate.set_defaults(run=_generate)

    simulate = commands.add_parser(
        "simulate",
        help="months of a program under the continuity, age-rooms and greedy policies",
        description="Simulate a program month by month (children arrive, grow, leave; "
        "caregivers resign and are replaced) under each policy; a table of continuity "
        "measures on stdout, progress on stderr. Exit 1 if any plan broke a rule.",
    )
    simulate.add_argument("--months", type=int, default=36, metavar="N")
    simulate.add_argument("--children", type=int, default=48, metavar="N")
    simulate.add_argument(
        "--caregivers", type=int, default=None, metavar="N", help="default: as generated"
    )
    simulate.add_argument("--seed", type=int, default=1, metavar="K")
    simulate.add_argument(
        "--policy",
        action="append",
        choices=("continuity", "age-rooms", "greedy"),
        help="repeat for several; default: all three",
    )
    simulate.add_argument("--rules", default="cfoc-center")
    simulate.add_argument(
        "--also-rules",
        action="append",
        metavar="RULES",
        help="another built-in rule set binding the program at the same time (repeat)",
    )
    simulate.add_argument(
        "--turnover",
        type=float,
        default=0.30,
        metavar="SHARE",
        help="caregivers leaving a year (default 0.30; 26–40%% commonly reported)",
    )
    simulate.add_argument("--hiring-delay", type=int, default=1, metavar="MONTHS")
    simulate.add_argument("--horizon", type=int, default=3, metavar="MONTHS")
    simulate.add_argument(
        "--time-limit", type=float, default=4.0, metavar="S", help="per monthly plan"
    )
    simulate.add_argument("--workers", type=int, default=2, metavar="N")
    simulate.add_argument("--chart", metavar="FILE.svg", help="write an SVG chart")
    simulate.set_defaults(run=_simulate)

    commands.add_parser("bench", help="the planner benchmark (see docs/benchmarks.md)")
    commands.add_parser("scale", help="the cold-start and scale benchmark (issue 18)")

    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["bench"]:  # its own options: python -m planner_lab bench --help
        from planner_lab.bench import main as bench_main

        return bench_main(arguments[1:])
    if arguments[:1] == ["scale"]:
        from planner_lab.scale import main as scale_main

        return scale_main(arguments[1:])
    args = parser.parse_args(arguments)
    if (wrong := limits.time_limit_error(getattr(args, "time_limit", 1.0))) is not None:
        parser.error(wrong)
    if not 1 <= getattr(args, "workers", 1) <= limits.MAX_WORKERS:
        parser.error(f"--workers must be between 1 and {limits.MAX_WORKERS}")
    if not 1 <= args.children <= limits.MAX_CHILDREN:
        parser.error(f"--children must be between 1 and {limits.MAX_CHILDREN}")
    if not 1 <= getattr(args, "months", 1) <= MAX_SIM_MONTHS:
        parser.error(f"--months must be between 1 and {MAX_SIM_MONTHS}")
    caregivers = getattr(args, "caregivers", None)
    if caregivers is not None and caregivers > limits.MAX_CAREGIVERS:
        parser.error(f"--caregivers must be at most {limits.MAX_CAREGIVERS}")
    if not 1 <= getattr(args, "horizon", 1) <= limits.MAX_MONTHS:
        parser.error(f"--horizon must be between 1 and {limits.MAX_MONTHS} months")
    turnover = getattr(args, "turnover", 0.0)
    if not 0 <= turnover < 1:  # also refuses nan
        parser.error("--turnover is a share of caregivers a year: from 0 to below 1")
    try:
        return int(args.run(args))
    except io.InvalidInput as exc:
        _say(f"invalid input: {exc}")
        return INVALID
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
