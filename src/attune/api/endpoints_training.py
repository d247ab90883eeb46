"""API v1: training and workforce (Training for Trainers events, a person's attendance and
clock hours, the registry records of a state, the token owner's endorsement readiness).
Access as in the training and workforce pages (attune.lib.access.require_training)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from attune.api.core import caller, paginate
from attune.api.endpoints import Cursor, Day, Id, R, Size, _day
from attune.lib import access, audit, params
from attune.programs.models import Jurisdiction
from attune.training import completion, reports
from attune.training.models import Attendance, DeliveryAttendee, Person, TftEvent

router = Router(tags=["training"])


class EventSessionOut(Schema):
    number: int
    title: str
    starts_at: datetime
    ends_at: datetime
    clock_hours: float


class TrainingEventOut(Schema):
    id: int
    jurisdiction: str
    title: str
    format: str
    place: str
    capacity: int | None
    sessions: list[EventSessionOut]
    enrolled: int


class TrainingEventPage(Schema):
    results: list[TrainingEventOut]
    next_cursor: str | None


def _event_out(event: TftEvent) -> dict[str, Any]:
    return {
        "id": event.pk, "jurisdiction": event.jurisdiction.code, "title": event.title,
        "format": event.format, "place": event.place, "capacity": event.capacity,
        "enrolled": event.enrollments.count(),
        "sessions": [
            {"number": s.session.number, "title": s.session.title, "starts_at": s.starts_at,
             "ends_at": s.ends_at, "clock_hours": float(s.session.clock_hours)}
            for s in event.sessions.select_related("session").order_by("starts_at")
        ],
    }  # fmt: skip


@router.get("/training-events", response=R(TrainingEventPage), operation_id="list_training_events")
def list_training_events(request: HttpRequest, cursor: Cursor = None, size: Size = None) -> Any:
    """Training for Trainers events: a state's (its administrator and specialist) and those
    you are enrolled in."""
    who = caller(request)
    v = who.viewer
    condition = Q(jurisdiction_id__in=v.state_jurisdiction_ids | v.tta_jurisdiction_ids)
    if v.person_id is not None:
        condition |= Q(enrollments__person_id=v.person_id)
    qs = TftEvent.objects.filter(condition).distinct().select_related("jurisdiction")
    return paginate(qs, cursor, size, _event_out)


@router.get(
    "/training-events/{event_id}", response=R(TrainingEventOut), operation_id="get_training_event"
)
def get_training_event(request: HttpRequest, event_id: Id) -> Any:
    who = caller(request)
    event = TftEvent.objects.select_related("jurisdiction").filter(pk=event_id).first()
    if event is None:
        raise Http404
    people = frozenset(event.enrollments.values_list("person_id", flat=True))
    access.require_training(who.viewer, event.jurisdiction_id, "tft.view", people)
    return _event_out(event)


class AttendedOut(Schema):
    kind: str = Field(description="tft (a Training for Trainers session) or delivery.")
    day: date
    session_number: int
    title: str
    clock_hours: float


class PersonTrainingOut(Schema):
    person_id: int
    registry_id: str
    attended: list[AttendedOut]
    clock_hours: float
    series_completed_on: date | None


@router.get(
    "/people/{person_id}/training",
    response=R(PersonTrainingOut),
    operation_id="get_person_training",
)
def get_person_training(request: HttpRequest, person_id: Id) -> Any:
    """A person's training attendance and clock hours (the person, their state's
    administrator and specialist)."""
    who = caller(request)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    access.require_training(who.viewer, person.jurisdiction_id, "tft.view", frozenset({person.pk}))
    now = timezone.now()
    rows: list[dict[str, Any]] = []
    for a in Attendance.objects.filter(
        enrollment__person=person, event_session__starts_at__lte=now
    ).select_related("event_session__session"):
        es = a.event_session
        rows.append({
            "kind": "tft", "day": timezone.localtime(es.starts_at).date(),
            "session_number": es.session.number, "title": es.session.title,
            "clock_hours": float(es.session.clock_hours),
        })  # fmt: skip
    for attendee in DeliveryAttendee.objects.filter(person=person).prefetch_related(
        "sessions__session"
    ):
        for ds in attendee.sessions.all():
            if ds.day <= timezone.localdate():
                rows.append({
                    "kind": "delivery", "day": ds.day, "session_number": ds.session.number,
                    "title": ds.session.title, "clock_hours": float(ds.hours),
                })  # fmt: skip
    rows.sort(key=lambda r: (r["day"], r["session_number"]))
    total = sum((Decimal(str(r["clock_hours"])) for r in rows), Decimal(0))
    return {
        "person_id": person.pk, "registry_id": person.registry_id, "attended": rows,
        "clock_hours": float(total), "series_completed_on": completion.completed_on(person),
    }  # fmt: skip


class RegistryRow(Schema):
    registry_id: str
    first_name: str
    last_name: str
    training_title: str
    session_number: str
    session_title: str
    sponsor: str
    trainer: str
    date: str
    clock_hours: str
    core_knowledge_area: str
    training_kind: str
    state: str


MAX_REGISTRY_DAYS = 400


@router.get(
    "/jurisdictions/{jurisdiction_id}/registry-records",
    response=R(list[RegistryRow]),
    operation_id="list_registry_records",
)
def list_registry_records(
    request: HttpRequest,
    jurisdiction_id: Id,
    start: Day = None,
    end: Day = None,
) -> Any:
    """The sessions completed in a state between two days (at most 400 days), as its
    workforce registry takes them: the people with a registry ID (the state's administrator
    and specialist, as on the registry export page). Recorded in the audit trail."""
    who = caller(request)
    jurisdiction = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if jurisdiction is None:
        raise Http404
    access.require_training(who.viewer, jurisdiction.pk, "training.state")
    last = _day(end, "end", default=timezone.localdate())
    first = _day(start, "start", default=last - timedelta(days=30) if last else None)
    assert first is not None and last is not None
    if first > last or (last - first).days > MAX_REGISTRY_DAYS:
        raise params.BadParameter(
            "start", _("“start” must be before “end”, at most 400 days apart.")
        )
    audit.log_export(request, jurisdiction, "api: registry records")
    return reports.registry_rows([jurisdiction.pk], first, last)


class LineOut(Schema):
    text: str
    met: bool
    evidence: str
    earliest: date | None


class LevelOut(Schema):
    key: str
    title: str
    ready: bool
    lines: list[LineOut]
    earliest: date | None


@router.get(
    "/me/endorsement-readiness",
    response=R(list[LevelOut]),
    operation_id="get_my_endorsement_readiness",
)
def get_my_endorsement_readiness(request: HttpRequest) -> Any:
    """Your readiness for each infant mental health endorsement level (as on your
    professional profile page); 404 until you have a profile."""
    from attune.workforce import services as workforce_services
    from attune.workforce.models import Profile

    who = caller(request)
    profile = Profile.objects.filter(user=who.user).select_related("jurisdiction").first()
    if profile is None:
        raise Http404
    return [
        {"key": level.key, "title": str(level.title), "ready": level.ready,
         "earliest": level.earliest,
         "lines": [{"text": str(line.text), "met": line.met, "evidence": str(line.evidence),
                    "earliest": line.earliest} for line in level.lines]}
        for level in workforce_services.readiness(profile, timezone.localdate())
    ]  # fmt: skip
