"""Weekly schedules (children's attendance, caregivers' shifts) in the planner's JSON shape.

Stored as ``{"mon": [["08:00", "16:30"]], "wed": [["08:00", "12:00"]]}``: local wall-clock
times in the program's time zone, spans sorted and non-overlapping, days without spans omitted.
People type them as text: ``mon-fri 08:00-16:30; sat 09:00-12:00`` or
``mon,wed 07:30-12:00 13:00-17:30``; :func:`to_text` writes that form back.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from datetime import time
from typing import Any

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    **{d: d for d in DAYS},
    "monday": "mon", "tuesday": "tue", "tues": "tue", "wednesday": "wed",
    "thursday": "thu", "thur": "thu", "thurs": "thu", "friday": "fri",
    "saturday": "sat", "sunday": "sun",
    # Spanish, for forms filled in Spanish
    "lun": "mon", "mar": "tue", "mié": "wed", "mie": "wed", "jue": "thu", "vie": "fri",
    "sáb": "sat", "sab": "sat", "dom": "sun",
}  # fmt: skip
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_SPAN = re.compile(r"^(\S+)\s*-\s*(\S+)$")

Schedule = dict[str, list[list[str]]]


class ScheduleError(ValueError):
    """A schedule that cannot be stored; the message is plain language for the person typing it."""


def _minutes(value: str) -> int:
    match = _TIME.match(value.strip())
    if not match:
        raise ScheduleError(
            _("“%(value)s” is not a time; write it as HH:MM on a 24-hour clock, e.g. 07:30")
            % {"value": value}
        )
    return int(match.group(1)) * 60 + int(match.group(2))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_code(day: str) -> str:
    """The reader's short code for a day, as people type it: "mon" in English, "lun" in Spanish."""
    codes = {
        "mon": pgettext("weekday code", "mon"),
        "tue": pgettext("weekday code", "tue"),
        "wed": pgettext("weekday code", "wed"),
        "thu": pgettext("weekday code", "thu"),
        "fri": pgettext("weekday code", "fri"),
        "sat": pgettext("weekday code", "sat"),
        "sun": pgettext("weekday code", "sun"),
    }
    return codes[day]


def _day(value: str) -> str:
    key = value.strip().lower().rstrip(".")
    if key not in _DAY_ALIASES:
        # the codes of the interface language, whatever it is
        localized = {day_code(day).lower(): day for day in DAYS}
        if key in localized:
            return localized[key]
        raise ScheduleError(
            _("“%(value)s” is not a day; use mon, tue, wed, thu, fri, sat or sun")
            % {"value": value}
        )
    return _DAY_ALIASES[key]


def _days(token: str) -> list[str]:
    days: list[str] = []
    for part in token.split(","):
        if not part.strip():
            continue
        if "-" in part:
            first, last = (_day(p) for p in part.split("-", 1))
            i, j = DAYS.index(first), DAYS.index(last)
            if j < i:
                raise ScheduleError(
                    _("day range “%(value)s” runs backwards") % {"value": part.strip()}
                )
            days.extend(DAYS[i : j + 1])
        else:
            days.append(_day(part))
    return days


def _normal_spans(day: str, spans: list[tuple[int, int]]) -> list[list[str]]:
    spans = sorted(spans)
    for start, end in spans:
        if end <= start:
            raise ScheduleError(
                _("on %(day)s the end %(end)s is not after the start %(start)s")
                % {"day": day_name(day), "start": _hhmm(start), "end": _hhmm(end)}
            )
    for (s1, e1), (s2, e2) in itertools.pairwise(spans):
        if s2 < e1:
            raise ScheduleError(
                _("on %(day)s the times %(a)s and %(b)s overlap")
                % {
                    "day": day_name(day),
                    "a": f"{_hhmm(s1)}-{_hhmm(e1)}",
                    "b": f"{_hhmm(s2)}-{_hhmm(e2)}",
                }
            )
    return [[_hhmm(s), _hhmm(e)] for s, e in spans]


def parse_text(text: str) -> Schedule:
    """'mon-fri 08:00-16:30; sat 09:00-12:00' -> schedule dict. Empty text -> {}."""
    collected: dict[str, list[tuple[int, int]]] = {}
    for clause in re.split(r"[;\n]+", text):
        clause = clause.strip()
        if not clause:
            continue
        head, _sep, rest = clause.partition(" ")
        if not rest.strip():
            raise ScheduleError(
                _("“%(value)s” needs days and times, e.g. mon-fri 08:00-16:30") % {"value": clause}
            )
        days = _days(head)
        spans: list[tuple[int, int]] = []
        for token in rest.split():
            match = _SPAN.match(token)
            if not match:
                raise ScheduleError(
                    _("“%(value)s” is not a time span; write it as 08:00-16:30") % {"value": token}
                )
            spans.append((_minutes(match.group(1)), _minutes(match.group(2))))
        for day in days:
            collected.setdefault(day, []).extend(spans)
    return {day: _normal_spans(day, collected[day]) for day in DAYS if day in collected}


def validate(value: Any) -> Schedule:
    """Check a schedule in JSON form (from the API or a stored field) and return it normalised."""
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise ScheduleError(_("a schedule must map days to lists of [start, end] times"))
    out: Schedule = {}
    for key, spans in value.items():
        day = _day(str(key))
        if not isinstance(spans, list) or not all(
            isinstance(s, list | tuple) and len(s) == 2 for s in spans
        ):
            raise ScheduleError(
                _("on %(day)s the times must be a list of [start, end] pairs")
                % {"day": day_name(day)}
            )
        parsed = [(_minutes(str(s)), _minutes(str(e))) for s, e in spans]
        if parsed:
            out[day] = _normal_spans(day, parsed)
    return {day: out[day] for day in DAYS if day in out}


def display(schedule: Mapping[str, list[list[str]]]) -> str:
    """to_text in the reader's day codes ("lun-vie 08:00-16:30"); parse_text reads it back."""
    return to_text(schedule, code=day_code)


def to_text(schedule: Mapping[str, list[list[str]]], *, code: Callable[[str], str] = str) -> str:
    """The inverse of parse_text, with runs of days that share times joined: 'mon-fri 08:00-16:30'.

    Files (CSV export) use the English codes; pages use `display`.
    """
    clauses: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            days = code(run[0]) if len(run) == 1 else f"{code(run[0])}-{code(run[-1])}"
            spans = " ".join(f"{s}-{e}" for s, e in schedule[run[0]])
            clauses.append(f"{days} {spans}")

    for day in DAYS:
        spans = schedule.get(day)
        if (
            spans
            and run
            and schedule[run[-1]] == spans
            and DAYS.index(run[-1]) + 1 == DAYS.index(day)
        ):
            run.append(day)
            continue
        flush()
        run = [day] if spans else []
    flush()
    return "; ".join(clauses)


def day_name(day: str) -> str:
    return str(WEEKDAYS_ABBR[DAYS.index(day)])


def spans_on(schedule: Mapping[str, list[list[str]]], day: str) -> list[tuple[time, time]]:
    return [(time.fromisoformat(s), time.fromisoformat(e)) for s, e in schedule.get(day, [])]


def is_present(schedule: Mapping[str, list[list[str]]], day: str, at: time) -> bool:
    return any(start <= at < end for start, end in spans_on(schedule, day))


def minutes_per_week(schedule: Mapping[str, list[list[str]]]) -> int:
    return sum(_minutes(e) - _minutes(s) for spans in schedule.values() for s, e in spans)


def outside_hours(
    schedule: Mapping[str, list[list[str]]], *, opens: time, closes: time, open_days: list[str]
) -> str | None:
    """A plain-language reason when the schedule falls outside the program's hours, else None."""
    for day, spans in schedule.items():
        if day not in open_days:
            return _("the program is closed on %(day)s") % {"day": day_name(day)}
        for start, end in spans:
            if time.fromisoformat(start) < opens or time.fromisoformat(end) > closes:
                return _(
                    "%(span)s on %(day)s is outside the program's hours %(opens)s-%(closes)s"
                ) % {
                    "span": f"{start}-{end}",
                    "day": day_name(day),
                    "opens": opens.strftime("%H:%M"),
                    "closes": closes.strftime("%H:%M"),
                }
    return None
