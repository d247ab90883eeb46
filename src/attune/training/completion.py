"""The series' completion rule ("trained"): every session of the Training for Trainers series
(the catalog's nine) attended, each at a session that has already begun."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.utils import timezone

from attune.training.models import Attendance, Person, TrainingSession


def series_attended(
    person_ids: Iterable[int], *, now: datetime | None = None
) -> dict[int, dict[int, date]]:
    """For each person, the series' sessions they attended (session number -> the first day
    they attended it), counting only sessions that have begun."""
    now = now or timezone.now()
    attended: dict[int, dict[int, date]] = {}
    for person_id, number, starts_at in Attendance.objects.filter(
        enrollment__person_id__in=list(person_ids), event_session__starts_at__lte=now
    ).values_list(
        "enrollment__person_id", "event_session__session__number", "event_session__starts_at"
    ):
        day = timezone.localtime(starts_at).date()
        mine = attended.setdefault(person_id, {})
        mine[number] = min(mine.get(number, day), day)
    return attended


def series_numbers() -> frozenset[int]:
    """The completion rule: every session of the series (the catalog's nine), attended."""
    return frozenset(TrainingSession.objects.values_list("number", flat=True))


def completion_day(attended: Mapping[int, date], required: frozenset[int]) -> date | None:
    """The day the series was completed: when the last required session was first attended."""
    if not required or not required <= set(attended):
        return None
    return max(attended[n] for n in required)


def completed_on(person: Person, *, now: datetime | None = None) -> date | None:
    """The day the person completed the Training for Trainers series (every session
    attended, each already held), or None."""
    attended = series_attended([person.pk], now=now).get(person.pk, {})
    return completion_day(attended, series_numbers())
