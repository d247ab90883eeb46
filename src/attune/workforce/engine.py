"""Endorsement readiness: which infant mental health endorsement level a person qualifies for,
what is met with the evidence behind it, what is missing, and the earliest date they could meet
it at their current pace. Pure Python (no Django); the requirements are data (rules/*.json).

Counting rules, stated once:
- Experience is counted in days over the union of the entries' date ranges (inclusive), so
  overlapping entries are never counted twice; an entry still going counts up to today. "Two
  years" is 2 × 365 = 730 days (so two calendar years, 1 Jan to 31 Dec of the next year, count).
- "Post-degree" experience counts only the days after the degree's completion date: work
  before the degree is not post-degree.
- An entry's focus implies the broader ones (IMH services are work promoting infant mental
  health, which is infant/early-childhood work; see FOCUS_IMPLIES).
- RS/C hours and training hours are summed over what is dated up to today (nothing dated
  later counts yet); the RS/C pace is the hours of the last 365 days.
- The exam is a step of the application (Levels III and IV), not a condition of readiness:
  "ready" means ready to apply; LevelResult.exam says the application includes the exam.
- Renewal (yearly): the training and RS/C hours of the renewal year, the year that ends on the
  renewal date (from the day after the date one year before it), counted up to today.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

DEGREES = ("cda", "associate", "bachelor", "master", "doctorate")
DEGREE_NAMES = {
    "cda": "Child Development Associate credential (CDA)",
    "associate": "associate degree",
    "bachelor": "bachelor's degree",
    "master": "master's degree",
    "doctorate": "doctorate",
}
FOCUS_IMPLIES: dict[str, frozenset[str]] = {
    "infant_ec": frozenset({"infant_ec"}),
    "imh": frozenset({"imh", "infant_ec"}),
    "imh_services": frozenset({"imh_services", "imh", "infant_ec"}),
    "rsc_provision": frozenset({"rsc_provision", "imh_services", "imh", "infant_ec"}),
    "policy": frozenset({"policy", "infant_ec"}),
    "research_faculty": frozenset({"research_faculty", "infant_ec"}),
    "other": frozenset(),
}
FOCUS_NAMES = {
    "infant_ec": "infant and early childhood-related work",
    "imh": "work promoting infant mental health",
    "imh_services": "infant mental health services",
    "rsc_provision": "providing reflective supervision/consultation and leadership",
    "policy": "policy or program leadership in the infant/family field",
    "research_faculty": "university teaching or published research in the infant/family field",
}
DAYS_PER_YEAR = 365
RULES_DIR = Path(__file__).resolve().parent / "rules"


@dataclass(frozen=True)
class Degree:
    kind: str  # one of DEGREES
    completed: date
    field: str = ""


@dataclass(frozen=True)
class Work:
    start: date
    end: date | None  # None: still going
    focus: str  # a key of FOCUS_IMPLIES
    paid: bool = True
    supervised: bool = False
    label: str = ""


@dataclass(frozen=True)
class Rsc:
    day: date
    minutes: int


@dataclass(frozen=True)
class Training:
    day: date
    hours: float


@dataclass(frozen=True)
class Evidence:
    degrees: Sequence[Degree] = ()
    work: Sequence[Work] = ()
    rsc: Sequence[Rsc] = ()
    training: Sequence[Training] = ()
    references: int = 0


@dataclass
class Line:
    """One requirement: met (with the evidence) or missing (with what is there so far)."""

    text: str
    met: bool
    evidence: str = ""
    earliest: date | None = None  # when missing: the earliest date at the current pace
    waits_for_degree: bool = False  # post-degree work, and the degree is missing
    have: float | None = None  # hours counted, for lines that count hours
    need: float | None = None

    @property
    def shown(self) -> str:
        """How a missing requirement reads in a summary: "24 RS/C hours (6 logged)"."""
        return f"{self.text} ({self.evidence})" if self.evidence and not self.met else self.text


@dataclass
class LevelResult:
    key: str
    title: str
    ready: bool
    lines: list[Line] = field(default_factory=list)
    earliest: date | None = None  # the earliest date every missing line could be met
    exam: bool = False  # the application includes the exam (a step, not a condition)

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if not line.met]

    @property
    def met(self) -> list[Line]:
        return [line for line in self.lines if line.met]

    def summary(self) -> str:
        """ "Level I: ready" or "Level II: missing — bachelor's degree; 24 RS/C hours (6
        logged)". Post-degree work that waits for a missing degree follows it as "then …"."""
        if self.ready:
            return f"Level {self.key}: ready"
        return f"Level {self.key}: missing — " + self.missing_text()

    def missing_text(self) -> str:
        """What is missing, in order: "bachelor's degree; 24 RS/C hours (6 logged); then 2
        years of …"."""
        now = [line.shown for line in self.missing if not line.waits_for_degree]
        then = [line.text for line in self.missing if line.waits_for_degree]
        text = "; ".join(now)
        if then:
            text += ("; then " if now else "then ") + "; ".join(then)
        return text


@dataclass(frozen=True)
class Rules:
    name: str
    source: str
    levels: tuple[dict[str, Any], ...]


@cache
def load_rules(name: str = "endorsement") -> Rules:
    data = json.loads((RULES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return Rules(data["name"], data["source"], tuple(data["levels"]))


def rules_from(data: dict[str, Any]) -> Rules:
    """Rules from a mapping (a state association's own, stored as data)."""
    return Rules(data["name"], data["source"], tuple(data["levels"]))


# -- counting --------------------------------------------------------------------------------


def degree_date(degrees: Iterable[Degree], at_least: str) -> date | None:
    """When the person first held a degree at least `at_least` (CDA < associate < ...)."""
    rank = DEGREES.index(at_least)
    dates = [d.completed for d in degrees if DEGREES.index(d.kind) >= rank]
    return min(dates) if dates else None


def _union_days(ranges: Iterable[tuple[date, date]]) -> int:
    total = 0
    current: tuple[date, date] | None = None
    for start, end in sorted(ranges):
        if end < start:
            continue
        if current is None or start > current[1] + timedelta(days=1):
            if current is not None:
                total += (current[1] - current[0]).days + 1
            current = (start, end)
        elif end > current[1]:
            current = (current[0], end)
    if current is not None:
        total += (current[1] - current[0]).days + 1
    return total


def experience_days(
    work: Iterable[Work], *, today: date, focus: str, paid: bool = False,
    supervised: bool = False, after: date | None = None,
) -> tuple[int, list[Work], bool]:  # fmt: skip
    """(days counted, the entries that count, whether one of them is still going)."""
    ranges = []
    used = []
    ongoing = False
    for w in work:
        if focus not in FOCUS_IMPLIES.get(w.focus, frozenset()):
            continue
        if (paid and not w.paid) or (supervised and not w.supervised):
            continue
        start = w.start if after is None else max(w.start, after + timedelta(days=1))
        end = min(w.end or today, today)
        if end < start:
            continue
        ranges.append((start, end))
        used.append(w)
        ongoing = ongoing or w.end is None or w.end >= today
    return _union_days(ranges), used, ongoing


def training_hours(
    training: Iterable[Training], *, start: date | None = None, end: date | None = None
) -> float:
    """Training hours within [start, end] (either open)."""
    return sum(
        t.hours
        for t in training
        if (start is None or t.day >= start) and (end is None or t.day <= end)
    )


def rsc_hours(rsc: Iterable[Rsc], *, start: date | None = None, end: date | None = None) -> float:
    """RS/C hours within [start, end] (either open)."""
    minutes = sum(
        s.minutes
        for s in rsc
        if (start is None or s.day >= start) and (end is None or s.day <= end)
    )
    return minutes / 60


# -- requirements ----------------------------------------------------------------------------


def _years(days: int) -> str:
    months = days * 12 // DAYS_PER_YEAR
    return f"{months // 12} years {months % 12} months" if months >= 12 else f"{months} months"


def _check(criterion: dict[str, Any], ev: Evidence, today: date) -> Line:
    kind = criterion["kind"]
    if kind == "degree":
        need = criterion["at_least"]
        when = degree_date(ev.degrees, need)
        text = DEGREE_NAMES[need] if need != "cda" else DEGREE_NAMES["cda"]
        if when is not None and when <= today:
            held = next(d for d in ev.degrees if d.completed == when and
                        DEGREES.index(d.kind) >= DEGREES.index(need))  # fmt: skip
            return Line(text, True, f"{DEGREE_NAMES[held.kind]}, {when.isoformat()}")
        return Line(text, False)
    if kind == "experience":
        years = criterion["years"]
        need_days = years * DAYS_PER_YEAR
        focus = criterion["focus"]
        after_kind = criterion.get("after")
        words = [f"{years} years of"]
        if criterion.get("paid"):
            words.append("paid")
        if after_kind:
            words.append("post-" + ("bachelor's" if after_kind == "bachelor" else "graduate"))
        if criterion.get("supervised"):
            words.append("supervised")
        text = " ".join(words) + f" {FOCUS_NAMES[focus]}"
        after = degree_date(ev.degrees, after_kind) if after_kind else None
        if after_kind and after is None:
            return Line(text, False, f"counted after the {DEGREE_NAMES[after_kind]}",
                        waits_for_degree=True)  # fmt: skip
        days, used, ongoing = experience_days(
            ev.work, today=today, focus=focus, paid=bool(criterion.get("paid")),
            supervised=bool(criterion.get("supervised")), after=after,
        )  # fmt: skip
        shown = f"{_years(days)} counted" + (
            " (" + "; ".join(w.label or f"{w.start}–{w.end or 'now'}" for w in used) + ")"
            if used else ""
        )  # fmt: skip
        if days >= need_days:
            return Line(text, True, shown)
        earliest = today + timedelta(days=need_days - days) if ongoing else None
        return Line(text, False, shown, earliest)
    if kind == "rsc_hours":
        need = float(criterion["hours"])
        have = rsc_hours(ev.rsc, end=today)
        text = f"{criterion['hours']} RS/C hours"
        shown = f"{have:g} logged"
        if have >= need:
            return Line(text, True, shown)
        pace = rsc_hours(ev.rsc, start=today - timedelta(days=DAYS_PER_YEAR - 1), end=today)
        earliest = None
        if pace > 0:
            earliest = today + timedelta(days=int((need - have) / pace * DAYS_PER_YEAR + 0.999))
        return Line(text, False, shown, earliest)
    if kind == "references":
        need_n = int(criterion["count"])
        text = f"{need_n} reference letters"
        shown = f"{ev.references} received"
        return Line(text, ev.references >= need_n, shown)
    if kind == "training_hours":
        need = float(criterion["hours"])
        have = training_hours(ev.training, end=today)
        text = f"{criterion['hours']} training hours"
        return Line(text, have >= need, f"{have:g} hours")
    raise ValueError(f"unknown requirement kind {kind!r}")


def assess(
    ev: Evidence,
    *,
    today: date,
    rules: Rules | None = None,
    extra: dict[str, list[dict[str, Any]]] | None = None,
) -> list[LevelResult]:
    """Every level: ready or not, each requirement met or missing. For a level with several
    ways to qualify, the way with the fewest missing requirements is shown. `extra`: a state
    association's own requirements per level key, added to every way of qualifying; its
    training hours replace the default's."""
    rules = rules or load_rules()
    extra = extra or {}
    results = []
    for level in rules.levels:
        added = extra.get(level["key"], [])
        replaced = {c["kind"] for c in added} & REPLACEABLE
        options = [
            [_check(c, ev, today)
             for c in [*(c for c in option if c["kind"] not in replaced), *added]]
            for option in level["any_of"]
        ]  # fmt: skip
        best = min(options, key=lambda lines: sum(not line.met for line in lines))
        missing = [line for line in best if not line.met]
        earliest = None
        if missing and all(line.earliest for line in missing):
            earliest = max(line.earliest for line in missing if line.earliest)
        results.append(
            LevelResult(
                level["key"], level["title"], not missing, best, earliest,
                exam=bool(level.get("exam")),
            )
        )  # fmt: skip
    return results


REPLACEABLE = frozenset({"training_hours"})  # a state's figure replaces the default's


@dataclass
class RenewalResult:
    level: str
    due: date
    year_start: date  # the renewal year runs from this day to `due`, inclusive
    lines: list[Line]

    @property
    def met(self) -> bool:
        return all(line.met for line in self.lines)

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if not line.met]


def renewal(
    ev: Evidence, *, level: str, due: date, today: date, rules: Rules | None = None,
    extra: dict[str, int] | None = None,
) -> RenewalResult:  # fmt: skip
    """The yearly renewal of an endorsement at `level` due on `due`: the training and RS/C
    hours the renewal year asks for (the rules' defaults, or the state's `extra`), against
    those of the renewal year dated up to today."""
    rules = rules or load_rules()
    wanted = dict(next(x for x in rules.levels if x["key"] == level).get("renewal", {}))
    wanted.update(extra or {})
    start = due - relativedelta(years=1) + timedelta(days=1)
    end = min(due, today)
    lines = []
    for kind, have in (
        ("training_hours", training_hours(ev.training, start=start, end=end)),
        ("rsc_hours", rsc_hours(ev.rsc, start=start, end=end)),
    ):
        need = wanted.get(kind, 0)
        if not need:
            continue
        name = "training hours" if kind == "training_hours" else "RS/C hours"
        lines.append(
            Line(f"{need} {name} this renewal year", have >= need, f"{have:g} so far",
                 have=have, need=float(need))
        )  # fmt: skip
    return RenewalResult(level, due, start, lines)


def qualifies_for(results: Sequence[LevelResult]) -> LevelResult | None:
    """The highest level that is ready (levels are listed from I up)."""
    ready = [r for r in results if r.ready]
    return ready[-1] if ready else None
