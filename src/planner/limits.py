"""The largest problem the planner accepts (docs/planner.md, "Limits").

Beyond these, `planner.io.parse_problem` refuses the problem with `InvalidInput` (the CLI
exits 2 with the message; the web says it on the plan page), before anything large is
allocated: every list is measured before its records are read. The figures leave room above
the largest benchmarked case (480 children solved together, docs/benchmarks.md) and keep a
solve's memory bounded (about 1 GB at the limits).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.model import Problem

MAX_CHILDREN = 600  # enrolled children in one problem (a multi-site organization solved at once)
MAX_CAREGIVERS = 400
MAX_ROOMS = 200
MAX_GROUPS = 200  # small groups at once, all rooms together (the sum of rooms' max_groups)
MAX_STAFF_CHILDREN = 100
MAX_SPANS_PER_DAY = 12  # intervals in one day of a schedule or of shifts
MAX_CHANGES = 36  # dated schedule or shift changes per person
MAX_PERIODS = 20  # named periods of the week (nap, arrival, …)
MAX_MONTHS = 36  # horizon_months (a plan for 3 years); the simulation's --months too
MAX_BLOCKS = 3_000  # distinct stretches of the week (pieces of constant presence)
MAX_SIZE = 5_000_000  # groups x (children present, summed over distinct stretches): rule terms
MAX_TIME_LIMIT = 3_600.0  # seconds, for --time-limit
MAX_WORKERS = 64
MAX_TEXT_BYTES = 50_000_000  # a problem's JSON text


def time_limit_error(value: float) -> str | None:
    """Why `value` is not a time limit (None: it is one)."""
    if not math.isfinite(value) or value <= 0:
        return f"--time-limit must be a number of seconds above 0, not {value!r}"
    if value > MAX_TIME_LIMIT:
        return f"--time-limit must be at most {MAX_TIME_LIMIT:g} s, not {value:g}"
    return None


def size_error(problem: Problem) -> str | None:
    """Why the problem is too large to plan at once (None: it is not): the distinct
    stretches of its week, and the model's rule terms (each child present in a stretch is a
    term of every group's rules there)."""
    from planner import timeline

    pieces = timeline.pieces(problem)
    blocks = {(children, staff) for _, children, staff in pieces}
    if len(blocks) > MAX_BLOCKS:
        return (
            f"the week has {len(blocks)} distinct stretches of presence (arrivals, departures "
            f"and shift changes); the planner takes at most {MAX_BLOCKS}: round schedules to "
            "the quarter hour"
        )
    groups = sum(room.max_groups for room in problem.rooms)
    terms = groups * sum(children.bit_count() for children, _ in blocks)
    if terms > MAX_SIZE:
        return (
            f"{len(problem.children)} children in {groups} possible groups over "
            f"{len(blocks)} stretches of the week is too large to plan at once (size "
            f"{terms:,}, at most {MAX_SIZE:,}): plan each site or age range separately, or "
            "lower the rooms' numbers of groups"
        )
    return None
