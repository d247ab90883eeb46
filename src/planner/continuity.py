"""Continuity-of-care measures over a history of monthly records (docs/continuity.md).

Pure Python: the web app (`attune.plans.history`) builds `MonthRecord`s from its monthly
snapshots, the simulation from its simulated months; both measure them here, the same way.

A child's history is its records, one per calendar month in which it is enrolled. A *gap*
month (no primary caregiver or no group) counts as enrolled and breaks every run. Two months
are *consecutive* when they are calendar-consecutive and the child is enrolled in both.

Decisions the definitions leave open, documented in docs/continuity.md:

- A primary change is counted at a month whose primary differs from the child's last known
  primary in the same stretch of consecutive months; gap months without a primary are
  skipped over (X, none, Y is one change; X, none, X is none). A child's first month, and
  the first month after a break in enrollment, are never changes.
- Presence counts every month: a month without a primary adds its minutes and no overlap.
  A child with no attended minutes at all has no presence (None).
- A child with no run at all (every month a gap) has 0 months with the same primary.
- In a consecutive pair whose later month is a gap in the group (no group), the child kept
  none of its group-mates.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

REASONS: tuple[str, ...] = (
    "aged",
    "caregiver_left",
    "schedule",
    "family_request",
    "plan",
    "director",
)
CAREGIVER_LEFT = "caregiver_left"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_index(month: str) -> int:
    """Months since year 0 of a "YYYY-MM" month, so that consecutive months differ by 1."""
    match = _MONTH.match(month)
    if match is None:
        raise ValueError(f"month {month!r} is not a month YYYY-MM")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_name(index: int) -> str:
    """The "YYYY-MM" month of a month_index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(month: str, n: int) -> str:
    return month_name(month_index(month) + n)


@dataclass(frozen=True)
class MonthRecord:
    """One child in one month: the arrangement on the first day the child is enrolled."""

    month: str  # "YYYY-MM"
    child: str
    primary: str | None
    group: str | None
    attended_minutes: int  # the child's weekly minutes that month
    overlap_minutes: int  # weekly minutes the primary is on shift while the child attends
    reason: str | None = None  # of a change since the child's previous month; see REASONS

    def __post_init__(self) -> None:
        month_index(self.month)
        if self.reason is not None and self.reason not in REASONS:
            raise ValueError(f"reason {self.reason!r} is not one of {', '.join(REASONS)}")
        if self.attended_minutes < 0 or self.overlap_minutes < 0:
            raise ValueError(f"{self.child} {self.month}: minutes cannot be negative")

    @property
    def gap(self) -> bool:
        return self.primary is None or self.group is None


@dataclass(frozen=True)
class ChildMeasures:
    child: str
    months: int  # months enrolled (records)
    primary_changes: int
    changes_caregiver_left: int  # of primary_changes, those whose reason is caregiver_left
    changes_per_child_year: float
    runs: list[int] = field(default_factory=list)  # lengths of the runs, in month order
    months_same_primary: float = 0.0  # mean run length; 0 without any run
    presence: float | None = None  # share of attended minutes with the primary on shift
    group_stability: float | None = None  # mean share of group-mates kept; None: no pair

    @property
    def child_years(self) -> float:
        return self.months / 12


@dataclass(frozen=True)
class Aggregate:
    """Measures over a set of children (a group, a program, an organization, a state)."""

    children: int
    child_months: int
    median_months_same_primary: float | None
    changes_per_child_year: float | None  # total changes / total child-years
    changes_caregiver_left: int  # total count of changes whose caregiver left
    presence: float | None  # mean over children
    group_stability: float | None  # mean over children with a value
    primary_changes: int = 0  # total count of primary changes

    @property
    def child_years(self) -> float:
        return self.child_months / 12

    @property
    def caregiver_left_per_child_year(self) -> float | None:
        """The changes whose caregiver left, per child-year (a part of changes_per_child_year)."""
        if not self.child_months:
            return None
        return self.changes_caregiver_left / self.child_years


def _by_child(records: Iterable[MonthRecord]) -> dict[str, list[MonthRecord]]:
    out: dict[str, list[MonthRecord]] = {}
    seen: set[tuple[str, int]] = set()
    for record in records:
        key = (record.child, month_index(record.month))
        if key in seen:
            raise ValueError(f"two records for {record.child} in {record.month}")
        seen.add(key)
        out.setdefault(record.child, []).append(record)
    for history in out.values():
        history.sort(key=lambda r: month_index(r.month))
    return out


def _consecutive(a: MonthRecord, b: MonthRecord) -> bool:
    return month_index(b.month) == month_index(a.month) + 1


def _changes(history: Sequence[MonthRecord]) -> tuple[int, int]:
    """Primary changes, and those of them whose reason is caregiver_left."""
    changes = left = 0
    last: str | None = None  # the last known primary in the current stretch
    for i, record in enumerate(history):
        if i > 0 and not _consecutive(history[i - 1], record):
            last = None  # a break in enrollment: the next month starts afresh
        if record.primary is None:
            continue
        if last is not None and record.primary != last:
            changes += 1
            left += record.reason == CAREGIVER_LEFT
        last = record.primary
    return changes, left


def _runs(history: Sequence[MonthRecord]) -> list[int]:
    runs: list[int] = []
    current = 0
    for i, record in enumerate(history):
        if record.gap:
            if current:
                runs.append(current)
            current = 0
            continue
        same = (
            current > 0
            and _consecutive(history[i - 1], record)
            and history[i - 1].primary == record.primary
        )
        if current and not same:
            runs.append(current)
            current = 0
        current += 1
    if current:
        runs.append(current)
    return runs


def _presence(history: Sequence[MonthRecord]) -> float | None:
    attended = sum(r.attended_minutes for r in history)
    if attended == 0:
        return None
    overlap = sum(min(r.overlap_minutes, r.attended_minutes) for r in history if r.primary)
    return overlap / attended


def _stability(
    history: Sequence[MonthRecord], groups: dict[int, dict[str, str | None]]
) -> float | None:
    """Mean over consecutive pairs of the share of group-mates kept (pairs without mates skipped).

    `groups[month][child]` is every child's group that month (None for no group)."""
    shares: list[float] = []
    for before, after in itertools.pairwise(history):
        if not _consecutive(before, after) or before.group is None:
            continue
        earlier, later = groups[month_index(before.month)], groups[month_index(after.month)]
        mates = [
            other
            for other, group in earlier.items()
            if other != before.child and group == before.group and other in later
        ]
        if not mates:
            continue
        kept = sum(1 for other in mates if after.group is not None and later[other] == after.group)
        shares.append(kept / len(mates))
    return statistics.fmean(shares) if shares else None


def child_measures(records: Iterable[MonthRecord]) -> dict[str, ChildMeasures]:
    """Each child's measures. Group-mates come from all the records of the same month, so
    pass every child of the groups concerned (a whole program), not one child alone."""
    histories = _by_child(records)
    groups: dict[int, dict[str, str | None]] = {}
    for history in histories.values():
        for record in history:
            groups.setdefault(month_index(record.month), {})[record.child] = record.group
    out: dict[str, ChildMeasures] = {}
    for child, history in histories.items():
        changes, left = _changes(history)
        runs = _runs(history)
        out[child] = ChildMeasures(
            child=child,
            months=len(history),
            primary_changes=changes,
            changes_caregiver_left=left,
            changes_per_child_year=changes / (len(history) / 12),
            runs=runs,
            months_same_primary=statistics.fmean(runs) if runs else 0.0,
            presence=_presence(history),
            group_stability=_stability(history, groups),
        )
    return out


def aggregate(measures: Iterable[ChildMeasures]) -> Aggregate:
    """Median months with the same primary; changes per child-year as total changes over total
    child-years; means over children of presence and group stability (children without a
    value left out)."""
    items = list(measures)
    months = sum(m.months for m in items)
    changes = sum(m.primary_changes for m in items)
    presence = [m.presence for m in items if m.presence is not None]
    stability = [m.group_stability for m in items if m.group_stability is not None]
    return Aggregate(
        children=len(items),
        child_months=months,
        median_months_same_primary=(
            float(statistics.median(m.months_same_primary for m in items)) if items else None
        ),
        changes_per_child_year=changes / (months / 12) if months else None,
        changes_caregiver_left=sum(m.changes_caregiver_left for m in items),
        presence=statistics.fmean(presence) if presence else None,
        group_stability=statistics.fmean(stability) if stability else None,
        primary_changes=changes,
    )
