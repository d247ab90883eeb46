"""python -m planner: solve, validate, explain, rules (research: python -m planner_lab).

Exit codes: 0 ok; 1 infeasible (solve, explain) or a plan that breaks the rules (validate);
2 invalid input, with a message on stderr naming the field and the record.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from planner import io, limits, rules
from planner.model import Problem

OK, INFEASIBLE, INVALID = 0, 1, 2
LAB_COMMANDS = ("generate", "simulate", "bench")  # python -m planner_lab


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(INVALID, f"{self.prog}: invalid input: {message}\n")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _read(path: str) -> str:
    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise io.InvalidInput("", f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise io.InvalidInput("", f"{path} is not UTF-8 text") from None


def _problem(path: str) -> Problem:
    return io.loads_problem(_read(path))


def _solve(args: argparse.Namespace) -> int:
    from planner.solve import solve

    problem = _problem(args.problem)
    started = time.monotonic()
    if problem.horizon_months > 1:
        from planner.horizon import solve_horizon

        result = solve_horizon(
            problem, time_limit=args.time_limit, workers=args.workers, progress=_say
        )
        sys.stdout.write(io.dumps(io.horizon_plan_to_json(result)))
        for line in result.notes:
            _say(line)
        if result.status in ("infeasible", "unknown"):
            for line in result.explanation:
                _say(line)
            return INFEASIBLE
        _say(
            f"{result.status} in {time.monotonic() - started:.1f} s: "
            f"{result.primary_changes} primary and {result.group_changes} group changes"
        )
        return OK
    plan = solve(problem, time_limit=args.time_limit, workers=args.workers, progress=_say)
    elapsed = time.monotonic() - started
    sys.stdout.write(io.dumps(io.plan_to_json(plan)))
    if elapsed > 1:
        _say(f"{plan.status} in {elapsed:.1f} s")
    if plan.status in ("infeasible", "unknown"):
        for line in plan.explanation:
            _say(line)
        return INFEASIBLE
    return OK


def _validate(args: argparse.Namespace) -> int:
    from planner.score import score
    from planner.validate import validate

    problem = _problem(args.problem)
    plan = io.loads_plan(_read(args.plan))
    violations = validate(problem, plan)
    result = score(problem, plan)
    plan.violations = violations
    plan.soft = result.notes
    plan.objective = result.total
    sys.stdout.write(io.dumps(io.plan_to_json(plan)))
    for v in violations:
        _say(v.message)
    if violations:
        _say(f"{len(violations)} rule(s) broken")
        return INFEASIBLE
    _say(f"valid; objective {result.total}")
    return OK


def _explain(args: argparse.Namespace) -> int:
    from planner.solve import solve

    problem = _problem(args.problem)
    plan = solve(problem, time_limit=args.time_limit, workers=args.workers, progress=_say)
    if plan.status in ("infeasible", "unknown"):
        for line in plan.explanation:
            print(line)
        return INFEASIBLE
    print(f"A plan exists ({plan.status}, cost {plan.objective}).")
    for note in plan.soft:
        print(f"- {note.message}")
    return OK


def _rule_sets(specs: Sequence[str]) -> list[rules.RuleSet]:
    out = []
    for spec in specs:
        if spec in rules.BUILT_IN:
            out.append(rules.load_built_in(spec))
            continue
        try:
            out.append(rules.loads(_read(spec)))
        except rules.RuleSetError as exc:
            raise io.InvalidInput(
                f"{spec}: {exc.where}" if exc.where else spec, exc.message
            ) from None
    return out


def _rules_check(args: argparse.Namespace) -> int:
    for rule_set in _rule_sets(args.files):
        print(
            f"{rule_set.id} ({rule_set.format}): {rule_set.name}; effective "
            f"{rule_set.effective}; {len(rule_set.bands)} age band(s), ages "
            f"{rule_set.covers_text()}; mixed ages: {rule_set.mixed_age}"
        )
    return OK


def _age(text: str) -> rules.Age:
    """ "10" (completed months) or "8w" (completed weeks)."""
    try:
        if text.endswith("w"):
            weeks = int(text[:-1])
            if not 0 <= weeks <= rules.MAX_WEEKS:
                raise ValueError
            return rules.Age(int(weeks * 7 / 30.4375), weeks * 7)
        months = int(text)
        if not 0 <= months <= rules.MAX_MONTHS:
            raise ValueError
        return rules.Age.from_months(months)
    except ValueError:
        raise io.InvalidInput(
            "--ages", f"{text!r} is not an age: give completed months (10) or weeks (8w)"
        ) from None


def _rules_bench(args: argparse.Namespace) -> int:
    """What the rule sets require of one group, and whether the staff given meet it."""
    from collections import Counter

    from planner import wording

    sets = _rule_sets(args.files)
    ages = [_age(a.strip()) for a in args.ages.split(",") if a.strip()]
    if not ages or len(ages) > rules.MAX_CHILDREN:
        raise io.InvalidInput("--ages", "give 1 to 1000 ages, e.g. 4,10,20 or 8w,20")
    attributes = set(args.attribute or [])
    members = [
        rules.Member(f"child {i + 1}", age, frozenset(attributes)) for i, age in enumerate(ages)
    ]
    qualified = Counter(args.qualified or [])
    periods = frozenset(args.period or [])
    broken = 0
    for rule_set in sets:
        parts = rules.assess(rule_set, members, periods=periods)
        unmet = rules.unmet(parts, args.staff, qualified)
        for part in parts:
            mark = "BREAKS" if part in unmet else "ok"
            print(f"[{mark}] {wording.requirement(part)}")
        broken += len(unmet)
    need = rules.staff_needed(sets, members, periods=periods)
    if need.over is not None:
        print(f"No number of caregivers is enough: {wording.requirement(need.over)}")
    else:
        print(f"Caregivers needed: {need.staff}; on shift: {args.staff}.")
    return INFEASIBLE if broken else OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m planner", description="Attune's care-organization planner.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    solve = commands.add_parser("solve", help="solve PROBLEM.json; the plan goes to stdout")
    solve.add_argument("problem", help="problem JSON file, or - for stdin")
    solve.add_argument("--time-limit", type=float, default=10.0, metavar="S")
    solve.add_argument("--workers", type=int, default=2, metavar="N")
    solve.set_defaults(run=_solve)

    validate = commands.add_parser("validate", help="check PLAN.json against PROBLEM.json")
    validate.add_argument("problem")
    validate.add_argument("plan")
    validate.set_defaults(run=_validate)

    explain = commands.add_parser(
        "explain", help="say why PROBLEM.json has no plan, or that it has one"
    )
    explain.add_argument("problem")
    explain.add_argument("--time-limit", type=float, default=10.0, metavar="S")
    explain.add_argument("--workers", type=int, default=2, metavar="N")
    explain.set_defaults(run=_explain)

    rules_cmd = commands.add_parser(
        "rules", help="check rule-set files; see what rules require of a group"
    )
    rules_sub = rules_cmd.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    check = rules_sub.add_parser(
        "check", help="read rule-set files (or built-in names); exit 2 naming the bad field"
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(run=_rules_check)
    bench = rules_sub.add_parser(
        "bench", help="what the rule sets require of one group of children, and why"
    )
    bench.add_argument("files", nargs="+", metavar="FILE", help="rule-set files or built-in names")
    bench.add_argument("--ages", required=True, help="completed months or weeks: 4,10,20 or 8w,20")
    bench.add_argument("--staff", type=int, default=1, metavar="N", help="caregivers on shift")
    bench.add_argument("--qualified", action="append", metavar="QUALIFICATION",
                       help="one caregiver on shift with it (repeat for more)")  # fmt: skip
    bench.add_argument("--attribute", action="append", metavar="ATTRIBUTE",
                       help="every child has it, e.g. walking")  # fmt: skip
    bench.add_argument("--period", action="append", metavar="NAME", help="e.g. nap")
    bench.set_defaults(run=_rules_bench)

    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] and arguments[0] in LAB_COMMANDS:
        _say(
            f"python -m planner {arguments[0]}: research commands moved to the lab: "
            f"python -m planner_lab {arguments[0]} (installed with the dev dependencies)"
        )
        return INVALID
    args = parser.parse_args(arguments)
    if (wrong := limits.time_limit_error(getattr(args, "time_limit", 1.0))) is not None:
        parser.error(wrong)
    if not 1 <= getattr(args, "workers", 1) <= limits.MAX_WORKERS:
        parser.error(f"--workers must be between 1 and {limits.MAX_WORKERS}")
    if not 0 <= getattr(args, "staff", 0) <= rules.MAX_STAFF:
        parser.error(f"--staff must be between 0 and {rules.MAX_STAFF}")
    try:
        return int(args.run(args))
    except io.InvalidInput as exc:
        _say(f"invalid input: {exc}")
        return INVALID
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
