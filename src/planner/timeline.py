"""Time compressed into the moments that matter for the CP-SAT model.

A week is cut at every minute where a child arrives or leaves or a shift starts or ends;
between two cuts presence is constant, so one constraint set per piece is exact. Pieces with
the same children and staff (on any day) are checked once. When the rule set is monotone
(fewer children never need more staff, see RuleSet.monotone), a piece whose children are a
subset of another's and whose staff a superset is implied by that other piece and dropped.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from planner.model import DAYS, Problem


@dataclass(frozen=True)
class Piece:
    day: str
    start: int
    end: int
    periods: frozenset[str] = frozenset()  # the program's declared periods running then


@dataclass
class Block:
    """One set of constraints: these children present with these caregivers on shift."""

    children: int  # bitmask over members: problem.children, then problem.staff_children
    caregivers: int  # bitmask over problem.caregivers indices
    periods: frozenset[str] = frozenset()
    pieces: list[Piece] = field(default_factory=list)
    implied: list[Piece] = field(default_factory=list)  # pieces this block's check covers

    @property
    def minutes(self) -> int:
        return sum(p.end - p.start for p in self.pieces)

    def child_indices(self) -> list[int]:
        return _bits(self.children)

    def caregiver_indices(self) -> list[int]:
        return _bits(self.caregivers)


def _bits(mask: int) -> list[int]:
    out = []
    i = 0
    while mask:
        if mask & 1:
            out.append(i)
        mask >>= 1
        i += 1
    return out


def pieces(problem: Problem) -> list[tuple[Piece, int, int]]:
    """(piece, children mask, caregivers mask) for every stretch with a child present. The
    children mask covers the members: bit i < len(problem.children) is that
    child, the bits after it the caregivers' own children (problem.staff_children), present
    whatever group their caregiver is in. A piece also ends where a declared period of the
    program starts or ends, when a rule set reads periods."""
    out: list[tuple[Piece, int, int]] = []
    uses_periods = any(rs.periods for rs in problem.program.rule_sets)
    program = problem.program
    for day in DAYS:
        cuts: set[int] = set()
        child_spans = []
        for i, child in enumerate(problem.children):
            for span in child.schedule.get(day, ()):
                cuts.update((span.start, span.end))
                child_spans.append((i, span))
        for i, own in enumerate(problem.staff_children, start=len(problem.children)):
            for span in own.schedule.get(day, ()):
                cuts.update((span.start, span.end))
                child_spans.append((i, span))
        if not child_spans:
            continue
        if uses_periods:
            for schedule in program.periods.values():
                for span in schedule.get(day, ()):
                    cuts.update((span.start, span.end))
        staff_spans = []
        for j, caregiver in enumerate(problem.caregivers):
            for span in caregiver.shifts.get(day, ()):
                cuts.update((span.start, span.end))
                staff_spans.append((j, span))
        points = sorted(cuts)
        previous: tuple[int, int] | None = None
        for start, end in itertools.pairwise(points):
            children = 0
            for i, span in child_spans:
                if span.start <= start and end <= span.end:
                    children |= 1 << i
            if not children:
                previous = None
                continue
            caregivers = 0
            for j, span in staff_spans:
                if span.start <= start and end <= span.end:
                    caregivers |= 1 << j
            periods = program.periods_at(day, start) if uses_periods else frozenset()
            if (
                previous == (children, caregivers)
                and out
                and out[-1][0].end == start
                and (out[-1][0].periods == periods)
            ):
                last, c, s = out[-1]
                out[-1] = (Piece(day, last.start, end, periods), c, s)
            else:
                out.append((Piece(day, start, end, periods), children, caregivers))
            previous = (children, caregivers)
    return out


def blocks(problem: Problem, *, prune: bool = True) -> list[Block]:
    """The distinct (children, staff) situations of the week, minus the implied ones (unless
    `prune` is False: a relaxed model counts what each situation is short of)."""
    by_key: dict[tuple[int, int, frozenset[str]], Block] = {}
    for piece, children, caregivers in pieces(problem):
        block = by_key.setdefault(
            (children, caregivers, piece.periods), Block(children, caregivers, piece.periods)
        )
        block.pieces.append(piece)
    found = list(by_key.values())
    if not prune or not all(rs.monotone for rs in problem.program.rule_sets):
        return found
    # Most children and fewest staff first: they imply the others.
    found.sort(key=lambda b: (-b.children.bit_count(), b.caregivers.bit_count()))
    kept: list[Block] = []
    for block in found:
        dominated = next(
            (
                k
                for k in kept
                if block.children & ~k.children == 0
                and k.caregivers & ~block.caregivers == 0
                and k.periods == block.periods
            ),
            None,
        )
        if dominated is None:
            kept.append(block)
        else:
            dominated.implied.extend(block.pieces)
    return kept
