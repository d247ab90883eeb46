"""What the training records produce: the registry export (CSV, ../shared/domain.md §7), the
state's reach over time, certificates (PDF) and iCalendar feeds (RFC 5545)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from attune.lib import csvout
from attune.lib.pdf import line, new_pdf
from attune.training.models import (
    Attendance,
    CoreKnowledgeMapping,
    Delivery,
    DeliveryAttendee,
    EventSession,
    TftEvent,
)

SERIES_TITLE = "Relationship-Based Care for Infants and Toddlers"
TFT_SPONSOR = "Infant/Toddler Specialist Network (Child Care State Capacity Building Center)"

# The registry export's columns, in order (docs/training.md documents each).
REGISTRY_COLUMNS = (
    "registry_id", "first_name", "last_name", "training_title", "session_number",
    "session_title", "sponsor", "trainer", "date", "clock_hours", "core_knowledge_area",
    "training_kind", "state",
)  # fmt: skip


def _areas(jurisdiction_ids: Iterable[int]) -> dict[tuple[int, int], str]:
    return {
        (m.jurisdiction_id, m.session_id): m.areas
        for m in CoreKnowledgeMapping.objects.filter(jurisdiction_id__in=list(jurisdiction_ids))
    }


def registry_rows(
    jurisdiction_ids: Iterable[int], start: date | None = None, end: date | None = None
) -> list[dict[str, str]]:
    """One row per person per session completed: community deliveries' attendees and the
    trainers' own TFT sessions, in the states given, dated within [start, end]."""
    ids = list(jurisdiction_ids)
    areas = _areas(ids)
    rows: list[dict[str, str]] = []
    attendees = DeliveryAttendee.objects.filter(
        delivery__trainer__jurisdiction_id__in=ids
    ).select_related("person", "delivery__trainer__jurisdiction")
    for attendee in attendees.prefetch_related("sessions__session"):
        delivery = attendee.delivery
        for ds in attendee.sessions.all():
            if (start and ds.day < start) or (end and ds.day > end):
                continue
            person = attendee.person
            rows.append({
                "registry_id": person.registry_id, "first_name": person.first_name,
                "last_name": person.last_name, "training_title": delivery.title,
                "session_number": str(ds.session.number), "session_title": ds.session.title,
                "sponsor": delivery.sponsor, "trainer": str(delivery.trainer),
                "date": ds.day.isoformat(), "clock_hours": f"{ds.hours:.2f}",
                "core_knowledge_area": areas.get(
                    (delivery.trainer.jurisdiction_id, ds.session_id), ""),
                "training_kind": "community delivery",
                "state": delivery.trainer.jurisdiction.code,
            })  # fmt: skip
    tft = Attendance.objects.filter(enrollment__event__jurisdiction_id__in=ids).select_related(
        "enrollment__person", "event_session__session", "event_session__event__jurisdiction"
    )
    for attendance in tft:
        es = attendance.event_session
        day = timezone.localtime(es.starts_at).date()
        if (start and day < start) or (end and day > end):
            continue
        person = attendance.enrollment.person
        rows.append({
            "registry_id": person.registry_id, "first_name": person.first_name,
            "last_name": person.last_name,
            "training_title": f"{SERIES_TITLE}: A Training for Trainers",
            "session_number": str(es.session.number), "session_title": es.session.title,
            "sponsor": TFT_SPONSOR, "trainer": "Infant/Toddler Specialist",
            "date": day.isoformat(), "clock_hours": f"{es.session.clock_hours:.2f}",
            "core_knowledge_area": areas.get((es.event.jurisdiction_id, es.session_id), ""),
            "training_kind": "training for trainers", "state": es.event.jurisdiction.code,
        })  # fmt: skip
    rows.sort(key=lambda r: (r["date"], r["last_name"], r["first_name"], r["session_number"]))
    return rows


def registry_csv(rows: list[dict[str, str]]) -> str:
    """The registry's upload format (no BOM); formula-like cells neutralized (lib.csvout)."""
    table = [[row.get(column, "") for column in REGISTRY_COLUMNS] for row in rows]
    return csvout.write([REGISTRY_COLUMNS, *table])


# -- reach -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachPoint:
    quarter: str  # "2026 Q3"
    trainers: int  # people who completed the TFT by the quarter's end (cumulative)
    deliveries: int
    caregivers: int
    programs: int


def _quarter(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _quarter_end(label: str) -> date:
    year, q = int(label[:4]), int(label[-1])
    month = q * 3
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def reach(jurisdiction_id: int, today: date) -> list[ReachPoint]:
    """Trainers trained → deliveries → caregivers reached → programs reached, cumulative by
    quarter, from the first quarter with any activity to today's."""
    trained: dict[int, date] = {}
    for person_id, starts_at in Attendance.objects.filter(
        enrollment__event__jurisdiction_id=jurisdiction_id
    ).values_list("enrollment__person_id", "event_session__starts_at"):
        day = timezone.localtime(starts_at).date()
        trained[person_id] = max(trained.get(person_id, day), day)
    deliveries: dict[int, date] = {}
    reached: dict[int, date] = {}
    programs: dict[str, date] = {}
    for delivery in Delivery.objects.filter(
        trainer__jurisdiction_id=jurisdiction_id
    ).prefetch_related("sessions", "attendees__person", "attendees__sessions"):
        days = [s.day for s in delivery.sessions.all()]
        if not days:
            continue
        deliveries[delivery.pk] = min(days)
        for attendee in delivery.attendees.all():
            first = min((s.day for s in attendee.sessions.all()), default=None)
            if first is None:
                continue
            pid = attendee.person_id
            reached[pid] = min(reached.get(pid, first), first)
            if attendee.person.organization:
                org = attendee.person.organization.strip().lower()
                programs[org] = min(programs.get(org, first), first)
    firsts = [*trained.values(), *deliveries.values()]
    if not firsts:
        return []
    quarters: list[str] = []
    day = min(firsts).replace(day=1)
    while day <= today:
        label = _quarter(day)
        if label not in quarters:
            quarters.append(label)
        day = (day + timedelta(days=32)).replace(day=1)
    points = []
    for label in quarters:
        end = _quarter_end(label)
        points.append(
            ReachPoint(
                quarter=label,
                trainers=sum(1 for d in trained.values() if d <= end),
                deliveries=sum(1 for d in deliveries.values() if d <= end),
                caregivers=sum(1 for d in reached.values() if d <= end),
                programs=sum(1 for d in programs.values() if d <= end),
            )
        )
    return points


# -- certificates ----------------------------------------------------------------------------


def certificate_pdf(attendee: DeliveryAttendee) -> bytes:
    """A one-page certificate: the person, registry ID, the sessions with dates and clock
    hours, the total, the trainer and sponsor."""
    delivery = attendee.delivery
    sessions = sorted(attendee.sessions.select_related("session"), key=lambda s: s.day)
    total = sum((s.hours for s in sessions), Decimal("0"))
    pdf = new_pdf(title=f"Certificate - {attendee.person}", landscape=True)
    line(pdf, "Certificate of Completion", size=26, height=18, align="C")
    line(pdf, SERIES_TITLE, size=14, height=10, align="C")
    pdf.ln(4)
    line(pdf, str(attendee.person), size=22, height=14, align="C")
    line(pdf, f"Registry ID: {attendee.person.registry_id}", align="C", height=8)
    pdf.ln(4)
    line(pdf, delivery.title, align="C", height=8)
    pdf.ln(2)
    for s in sessions:
        line(
            pdf, f"{s.day.isoformat()}   Session {s.session.number}. {s.session.title}   "
            f"{s.hours:.2f} clock hours", align="C",
        )  # fmt: skip
    pdf.ln(3)
    line(pdf, f"Total: {total:.2f} clock hours", size=14, height=9, align="C")
    sponsor = f"   Sponsor: {delivery.sponsor}" if delivery.sponsor else ""
    line(pdf, f"Trainer: {delivery.trainer}{sponsor}", align="C", height=8)
    return bytes(pdf.output())


# -- calendars -------------------------------------------------------------------------------


def calendar(events: Iterable[EventSession], name: str, now: datetime | None = None) -> bytes:
    """An iCalendar feed of event sessions (RFC 5545)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Attune//Training for Trainers//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = now or timezone.now()
    for es in events:
        event: TftEvent = es.event
        item = Event()
        item.add("uid", f"attune-event-session-{es.pk}@attune")
        item.add("dtstamp", stamp)
        item.add("dtstart", es.starts_at)
        item.add("dtend", es.ends_at)
        item.add("summary", f"{event.title}: {es.session}")
        where = ", ".join(x for x in (event.place, event.link) if x)
        if where:
            item.add("location", where)
        if event.link:
            item.add("url", event.link)
        item.add("description", f"{SERIES_TITLE} ({event.get_format_display()})")
        cal.add_component(item)
    return bytes(cal.to_ical())


def upcoming(sessions: Any, now: datetime | None = None) -> Any:
    """Sessions from a week ago on (feeds keep the recent past for context)."""
    since = (now or timezone.now()) - timedelta(days=7)
    return sessions.filter(ends_at__gte=since).select_related("event", "session")
