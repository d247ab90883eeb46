"""Dates that make sense (issue 20, finding 1): nothing is credited, counted or exported before
it happens; due dates in calendar months; impossible dates refused with a message; hours come
from recorded attendance; "delivered" needs attendance and "trained" the series' completion
rule. Today is always the server's local date (timezone.localdate())."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attune.training import reports, services
from attune.training.forms import parse_attendees
from attune.training.models import (
    Attendance,
    Delivery,
    DeliverySession,
    Person,
    TftEvent,
    TrainingSession,
)
from attune.workforce import services as workforce_services
from tests.conftest import World
from tests.training.helpers import caregivers, tft


def event_on(
    w: World, first_day: date, *, numbers: range | list[int] = range(9), title: str = "TFT"
) -> TftEvent:
    """An event whose sessions (those numbered) fall on first_day and the day after."""
    tz = w.program.tz
    planned = [
        services.PlannedSession(
            s,
            datetime.combine(first_day + timedelta(days=s.number // 5), time(9 + s.number % 5), tzinfo=tz),
            datetime.combine(first_day + timedelta(days=s.number // 5), time(9 + s.number % 5, 50), tzinfo=tz),
        )
        for s in TrainingSession.objects.filter(number__in=list(numbers))
    ]  # fmt: skip
    return services.schedule_event(
        actor=None, jurisdiction=w.jurisdiction, sessions=planned,
        data={"title": title, "format": "virtual", "link": "https://meet.example.org/x",
              "capacity": 10},
    )  # fmt: skip


def person(w: World, first: str, registry_id: str = "") -> Person:
    return Person.objects.create(
        jurisdiction=w.jurisdiction, first_name=first, last_name="Tester", registry_id=registry_id
    )


def test_attendance_at_a_session_that_has_not_happened_is_refused(world: World) -> None:
    event = event_on(world, timezone.localdate() + timedelta(days=200), title="Next cohort")
    trainer = Person.objects.get(user=world.users["trainer"])
    services.enroll(actor=None, event=event, person=trainer)
    with pytest.raises(ValidationError, match="has not happened yet"):
        services.record_attendance(
            actor=None, event_session=event.sessions.first(), people=[trainer]
        )
    assert not Attendance.objects.exists()


def test_future_training_is_neither_counted_nor_exported(world: World) -> None:
    """As found: sessions dated next year and a delivery dated years ahead (recorded before
    the services refused them) counted as hours today and went out in the registry file."""
    today = timezone.localdate()
    t = tft(world)
    future = event_on(world, today + timedelta(days=300), title="Next year's cohort")
    fay = person(world, "Fay", "OR-T-9")
    enrollment = services.enroll(actor=None, event=future, person=fay)
    for es in future.sessions.all():
        Attendance.objects.create(event_session=es, enrollment=enrollment)
    later = DeliverySession.objects.create(
        delivery=t.delivery, session=TrainingSession.objects.get(number=4),
        day=today + relativedelta(years=4), hours=Decimal("2"),
    )  # fmt: skip
    for attendee in t.delivery.attendees.all():
        attendee.sessions.add(later)

    rows = reports.registry_rows([world.jurisdiction.pk])
    assert max(r["date"] for r in rows) <= today.isoformat()
    assert "OR-T-9" not in {r["registry_id"] for r in rows}
    assert len(rows) == 9 + 2 * 2  # the trainer's nine TFT sessions, two caregivers × two
    last = reports.reach(world.jurisdiction.pk, today)[-1]
    assert (last.trainers, last.deliveries, last.caregivers) == (1, 1, 2)
    assert services.completed_on(fay) is None

    profile = workforce_services.save_profile(
        actor=None, user=world.users["trainer"],
        data={"jurisdiction": world.jurisdiction, "role": "caregiver"},
    )  # fmt: skip
    workforce_services.import_attune_training(actor=None, profile=profile)
    assert max(t.day for t in profile.training.all()) <= today


def test_a_delivery_dated_in_the_future_is_refused(world: World) -> None:
    t = tft(world)
    before = Delivery.objects.count()
    with pytest.raises(ValidationError, match="in the future"):
        services.record_delivery(
            actor=None, trainer=t.trainer, data={"title": "Planned for 2030"},
            sessions=[services.DeliveredSession(TrainingSession.objects.get(number=5),
                                                timezone.localdate() + relativedelta(years=4),
                                                Decimal("1.5"))],
            attendees=caregivers(2, "OR-F-"),
        )  # fmt: skip
    assert Delivery.objects.count() == before


def test_commitment_due_dates_are_calendar_months(world: World) -> None:
    today = timezone.localdate()
    event = event_on(world, date(today.year - 1, 8, 31), numbers=[0])
    february = date(today.year, 2, 29 if calendar.isleap(today.year) else 28)
    event.commitment_months = 6
    assert event.commitment_due() == february  # 183 days (30.44 × 6) would be 2 or 3 March
    event.commitment_months = 1
    assert event.commitment_due() == date(today.year - 1, 9, 30)
    event.commitment_months = 12
    assert event.commitment_due() == date(today.year, 8, 31)


def test_impossible_commitment_dates_are_refused(world: World) -> None:
    t = tft(world)
    last_day = t.event.last_day()
    assert last_day is not None
    for due, reason in (
        (date(1999, 6, 30), "before the training ends"),
        (last_day - timedelta(days=1), "before the training ends"),
        (last_day + relativedelta(months=37), "more than 36 months"),
    ):
        with pytest.raises(ValidationError, match=reason):
            services.record_commitment(actor=None, enrollment=t.enrollment, plan="x", due=due)
    t.commitment.refresh_from_db()
    assert t.commitment.due == t.event.commitment_due()
    response = world.client("trainer").post(
        reverse("training_commitment", args=[t.enrollment.pk]),
        {"plan": "Someday", "due": "1999-06-30", "version": t.commitment.version},
    )
    assert response.status_code == 400 and "before the training ends" in response.content.decode()


def test_impossible_session_dates_are_refused(world: World) -> None:
    tz = world.program.tz
    intro = TrainingSession.objects.get(number=0)
    today = timezone.localdate()
    for day, reason in (
        (date(1999, 3, 1), "more than 5 years ago"),
        (today + relativedelta(years=3), "more than 2 years ahead"),
    ):
        with pytest.raises(ValidationError, match=reason):
            services.schedule_event(
                actor=None, jurisdiction=world.jurisdiction,
                sessions=[services.PlannedSession(intro, datetime.combine(day, time(9), tzinfo=tz),
                                                  datetime.combine(day, time(10), tzinfo=tz))],
                data={"title": "Typo", "format": "virtual", "link": "https://x.example.org",
                      "capacity": 5},
            )  # fmt: skip
    start = datetime.combine(today, time(6), tzinfo=tz)
    with pytest.raises(ValidationError, match="longer than 12 hours"):
        services.schedule_event(
            actor=None, jurisdiction=world.jurisdiction,
            sessions=[services.PlannedSession(intro, start, start + timedelta(hours=13))],
            data={"title": "Marathon", "format": "virtual", "link": "https://x.example.org",
                  "capacity": 5},
        )  # fmt: skip
    assert not TftEvent.objects.exists()


def test_a_delivery_needs_recorded_attendance(world: World) -> None:
    t = tft(world)
    sessions = [
        services.DeliveredSession(s, timezone.localdate() - timedelta(days=2), Decimal("1.5"))
        for s in TrainingSession.objects.filter(number__in=[5, 6])
    ]
    with pytest.raises(ValidationError, match="List who attended"):
        services.record_delivery(actor=None, trainer=t.trainer, data={"title": "Nobody"},
                                 sessions=sessions, attendees=[])  # fmt: skip
    only_five = [services.Attendee("Ana", "Lopez", "OR-A-1", sessions=(5,))]
    with pytest.raises(ValidationError, match=r"Session 6 .* no one attended"):
        services.record_delivery(actor=None, trainer=t.trainer, data={"title": "Half"},
                                 sessions=sessions, attendees=only_five)  # fmt: skip
    assert Delivery.objects.count() == 1


def test_trained_means_the_whole_series(world: World) -> None:
    event = event_on(world, timezone.localdate() - timedelta(days=40), title="Spring")
    pat = person(world, "Pat", "OR-T-5")
    enrollment = services.enroll(actor=None, event=event, person=pat)
    sessions = list(event.sessions.order_by("session__number"))
    for es in sessions[:8]:
        services.record_attendance(actor=None, event_session=es, people=[pat])
    assert services.completed_on(pat) is None  # 8 of the 9 sessions
    delivery = {
        "actor": None, "trainer": pat, "data": {"title": "Pat's delivery"},
        "sessions": [services.DeliveredSession(TrainingSession.objects.get(number=2),
                                               timezone.localdate(), Decimal("1.5"))],
        "attendees": caregivers(2, "OR-P-"),
    }  # fmt: skip
    with pytest.raises(ValidationError, match="8 of the 9 sessions"):
        services.record_delivery(**delivery)  # type: ignore[arg-type]
    services.record_attendance(actor=None, event_session=sessions[8], people=[pat])
    assert services.completed_on(pat) == timezone.localtime(sessions[8].starts_at).date()
    assert enrollment.attendance.count() == 9
    services.record_delivery(**delivery)  # type: ignore[arg-type]


def test_hours_come_from_the_sessions_each_attendee_attended(world: World) -> None:
    assert parse_attendees("Ana,Lopez,OR-1,Casa,2")[0].sessions == (2,)
    assert parse_attendees("Ana,Lopez,OR-1,Casa,2;3")[0].sessions == (2, 3)
    assert parse_attendees("Ana,Lopez,OR-1,Casa")[0].sessions is None
    with pytest.raises(ValidationError, match="Line 1: session “x”"):
        parse_attendees("Ana,Lopez,OR-1,Casa,x")
    t = tft(world)
    day = timezone.localdate() - timedelta(days=1)
    services.record_delivery(
        actor=None, trainer=t.trainer, data={"title": "Evening sessions"},
        sessions=[services.DeliveredSession(s, day, Decimal("2"))
                  for s in TrainingSession.objects.filter(number__in=[6, 7])],
        attendees=[services.Attendee("Ana", "Lopez", "OR-A-1", sessions=(6,)),
                   services.Attendee("Bo", "Li", "OR-A-2")],
    )  # fmt: skip
    rows = [r for r in reports.registry_rows([world.jurisdiction.pk])
            if r["training_title"] == "Evening sessions"]  # fmt: skip
    assert sorted((r["registry_id"], r["session_number"], r["clock_hours"]) for r in rows) == [
        ("OR-A-1", "6", "2.00"), ("OR-A-2", "6", "2.00"), ("OR-A-2", "7", "2.00"),
    ]  # fmt: skip


def test_delivered_means_a_past_session_with_attendance(world: World) -> None:
    """A delivery whose sessions are all still ahead (recorded before the services refused
    them) does not make the commitment delivered: the trainer is still reminded."""
    t = tft(world)
    today = timezone.localdate()
    t.delivery.sessions.update(day=today + relativedelta(years=4))
    page = world.client("state_admin").get(reverse("training_home")).content.decode()
    assert ">delivered<" not in page
    due = t.commitment.due
    assert services.send_commitment_reminders(today=due - timedelta(days=20)) == 1
    assert "due by" in mail.outbox[0].subject


def test_a_commitment_saved_from_a_stale_page_is_refused(world: World) -> None:
    """The trainer and the specialist both edit a commitment: the second save made on a page
    opened before the first is refused, and the first stands."""
    t = tft(world)
    url = reverse("training_commitment", args=[t.enrollment.pk])
    seen = t.commitment.version
    due = t.commitment.due.isoformat()
    trainer = world.client("trainer").post(url, {"plan": "Three Saturdays", "due": due,
                                                "version": seen})  # fmt: skip
    assert trainer.status_code == 302
    specialist = world.client("specialist").post(url, {"plan": "Two evenings", "due": due,
                                                       "version": seen})  # fmt: skip
    assert specialist.status_code == 400
    assert "Someone else saved this record after you opened it" in specialist.content.decode()
    t.commitment.refresh_from_db()
    assert t.commitment.plan == "Three Saturdays" and t.commitment.version == seen + 1
