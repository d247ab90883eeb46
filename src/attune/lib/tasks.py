"""Declared schedules, as data: what runs when, and which period a moment belongs to.

Pure (no app, no database): attune.jobs.worker claims each (schedule, period) once in the
database and queues the schedule's task. Settings declare the schedules (ATTUNE_SCHEDULES).

A schedule runs either every day at a local time (`at="07:00"`), or every `minutes`. Its
period is the latest start at or before now: a worker that was stopped at 07:00 runs the
day's reminders when it starts again (once), not the next day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str  # the dotted path of a django-tasks Task taking no arguments
    at: time | None = None  # every day at this local time
    minutes: int | None = None  # or every so many minutes

    def __post_init__(self) -> None:
        if (self.at is None) == (self.minutes is None):
            raise ValueError(f"schedule {self.name!r}: give either at or minutes")
        if self.minutes is not None and self.minutes <= 0:
            raise ValueError(f"schedule {self.name!r}: minutes must be positive")

    def period(self, now: datetime) -> str:
        """The period `now` (aware, local) belongs to, as a key unique per period."""
        if self.at is not None:
            day = now.date() if now.time() >= self.at else now.date() - timedelta(days=1)
            return day.isoformat()
        assert self.minutes is not None
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        minutes = int((now - midnight).total_seconds() // 60)
        start = midnight + timedelta(minutes=minutes - minutes % self.minutes)
        return start.strftime("%Y-%m-%dT%H:%M")


def schedules(declared: Iterable[Mapping[str, Any]]) -> list[Schedule]:
    """Schedules from settings: dicts with name, task, and at ("HH:MM") or minutes."""
    out = []
    for item in declared:
        at = item.get("at")
        out.append(
            Schedule(
                name=str(item["name"]),
                task=str(item["task"]),
                at=time.fromisoformat(at) if isinstance(at, str) else at,
                minutes=item.get("minutes"),
            )
        )
    return out


def backoff(tries: int, *, base: float = 2.0, cap: float = 300.0) -> float:
    """Seconds to wait before try number `tries + 1`: 2, 4, 8 … up to `cap`."""
    return float(min(cap, base ** max(1, tries)))
