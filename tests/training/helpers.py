"""A Training for Trainers in the shared world's state (Oregon): requested by the state
administrator, scheduled by the specialist, the trainer persona enrolled and present."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from attune.training import services
from attune.training.models import (
    Commitment,
    Delivery,
    Enrollment,
    Person,
    TftEvent,
    TftRequest,
    TrainingSession,
)
from tests.conftest import World


@dataclass
class Tft:
    request: TftRequest
    event: TftEvent
    trainer: Person
    enrollment: Enrollment
    commitment: Commitment
    delivery: Delivery
    first_day: date


def caregivers(n: int, prefix: str = "OR-C-") -> list[services.Attendee]:
    return [services.Attendee(f"Care{i}", f"Giver{i}", f"{prefix}{i:03d}", f"Program {i % 3}")
            for i in range(1, n + 1)]  # fmt: skip


def tft(w: World, *, days_ago: int = 60, attendees: int = 2) -> Tft:
    state = w.jurisdiction
    request = services.request_tft(
        actor=w.users["state_admin"], jurisdiction=state,
        data={"preferred_format": "hybrid", "preferred_dates": "autumn", "expected_participants": 3},
    )  # fmt: skip
    first = timezone.localdate() - timedelta(days=days_ago)
    tz = w.program.tz
    planned = [
        services.PlannedSession(
            s,
            datetime.combine(first + timedelta(days=s.number // 5), time(9 + s.number % 5), tzinfo=tz),
            datetime.combine(first + timedelta(days=s.number // 5), time(10 + s.number % 5), tzinfo=tz),
        )
        for s in TrainingSession.objects.all()
    ]  # fmt: skip
    event = services.schedule_event(
        actor=w.users["specialist"], jurisdiction=state, request=request, sessions=planned,
        data={"title": "TFT Oregon", "format": "hybrid", "place": "Salem", "capacity": 5,
              "link": "https://meet.example.org/tft"},
    )  # fmt: skip
    trainer = Person.objects.get(user=w.users["trainer"])
    enrollment = services.enroll(actor=None, event=event, person=trainer)
    for es in event.sessions.all():
        services.record_attendance(actor=None, event_session=es, people=[trainer])
    commitment = services.record_commitment(
        actor=w.users["trainer"], enrollment=enrollment, plan="Two Saturdays at the library"
    )
    last = first + timedelta(days=1)
    delivery = services.record_delivery(
        actor=w.users["trainer"], trainer=trainer, commitment=commitment,
        data={"title": "RBC for family child care", "place": "Eugene library", "sponsor": "CCR&R"},
        sessions=[services.DeliveredSession(s, min(last + timedelta(days=7), timezone.localdate()), Decimal("1.5"))
                  for s in TrainingSession.objects.filter(number__in=[2, 3])],
        attendees=caregivers(attendees),
    )  # fmt: skip
    return Tft(request, event, trainer, enrollment, commitment, delivery, first)
