"""What the training records produce: the registry export (CSV, ../shared/domain.md §7), the
state's reach over time, certificates (PDF) and iCalendar feeds (RFC 5545)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attune.lib import csvout
from attune.lib.pdf import line, new_pdf
from attune.training.completion import completion_day, series_attended, series_numbers
from attune.training.models import (
    Attendance,
    Certificate,
    CoreKnowledgeMapping,
    Delivery,
    DeliveryAttendee,
    EventSession,
    Person,
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


@dataclass(frozen=True)
class RegistryRecord:
    """One person's one session completed, as the registry records it (the generic fields of
    REGISTRY_COLUMNS), with a key that names it for good: "delivery:<attendee>:<session>" or
    "tft:<attendance>" (what a past export already sent)."""

    key: str
    person: Person
    day: date
    hours: Decimal
    values: dict[str, str]


def registry_records(
    jurisdiction_ids: Iterable[int], start: date | None = None, end: date | None = None,
    *, now: datetime | None = None,
) -> list[RegistryRecord]:  # fmt: skip
    """Every session completed by someone, in the states given, dated within [start, end] and
    not after today: community deliveries' attendees (the sessions each attended) and the
    trainers' own TFT sessions (attendance at sessions that have begun)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    end = min(end, today) if end else today
    ids = list(jurisdiction_ids)
    areas = _areas(ids)
    records: list[RegistryRecord] = []
    attendees = DeliveryAttendee.objects.filter(
        delivery__trainer__jurisdiction_id__in=ids
    ).select_related("person", "delivery__trainer__jurisdiction")
    for attendee in attendees.prefetch_related("sessions__session"):
        delivery = attendee.delivery
        for ds in attendee.sessions.all():
            if (start and ds.day < start) or ds.day > end:
                continue
            person = attendee.person
            records.append(RegistryRecord(
                f"delivery:{attendee.pk}:{ds.pk}", person, ds.day, ds.hours, {
                "registry_id": person.registry_id, "first_name": person.first_name,
                "last_name": person.last_name, "training_title": delivery.title,
                "session_number": str(ds.session.number), "session_title": ds.session.title,
                "sponsor": delivery.sponsor, "trainer": str(delivery.trainer),
                "date": ds.day.isoformat(), "clock_hours": f"{ds.hours:.2f}",
                "core_knowledge_area": areas.get(
                    (delivery.trainer.jurisdiction_id, ds.session_id), ""),
                "training_kind": "community delivery",
                "state": delivery.trainer.jurisdiction.code,
            }))  # fmt: skip
    tft = Attendance.objects.filter(
        enrollment__event__jurisdiction_id__in=ids, event_session__starts_at__lte=now
    ).select_related(
        "enrollment__person", "event_session__session", "event_session__event__jurisdiction"
    )
    for attendance in tft:
        es = attendance.event_session
        day = timezone.localtime(es.starts_at).date()
        if (start and day < start) or day > end:
            continue
        person = attendance.enrollment.person
        hours = es.session.clock_hours
        records.append(RegistryRecord(f"tft:{attendance.pk}", person, day, hours, {
            "registry_id": person.registry_id, "first_name": person.first_name,
            "last_name": person.last_name,
            "training_title": f"{SERIES_TITLE}: A Training for Trainers",
            "session_number": str(es.session.number), "session_title": es.session.title,
            "sponsor": TFT_SPONSOR, "trainer": "Infant/Toddler Specialist",
            "date": day.isoformat(), "clock_hours": f"{hours:.2f}",
            "core_knowledge_area": areas.get((es.event.jurisdiction_id, es.session_id), ""),
            "training_kind": "training for trainers", "state": es.event.jurisdiction.code,
        }))  # fmt: skip
    records.sort(key=lambda r: (r.values["date"], r.values["last_name"],
                                r.values["first_name"], r.values["session_number"]))  # fmt: skip
    return records


def registry_rows(
    jurisdiction_ids: Iterable[int], start: date | None = None, end: date | None = None
) -> list[dict[str, str]]:
    """The rows a registry can take (people with a registry ID), generic columns."""
    return [
        r.values for r in registry_records(jurisdiction_ids, start, end) if r.person.registry_id
    ]


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
    """Trainers trained (the series completed) → deliveries → caregivers reached → programs
    reached, cumulative by quarter, from the first quarter with any activity to today's;
    nothing dated after today counts."""
    people = Attendance.objects.filter(
        enrollment__event__jurisdiction_id=jurisdiction_id
    ).values_list("enrollment__person_id", flat=True)
    required = series_numbers()
    trained: dict[int, date] = {}
    for person_id, attended in series_attended(set(people)).items():
        done = completion_day(attended, required)
        if done is not None and done <= today:
            trained[person_id] = done
    deliveries: dict[int, date] = {}
    reached: dict[int, date] = {}
    programs: dict[str, date] = {}
    for delivery in Delivery.objects.filter(
        trainer__jurisdiction_id=jurisdiction_id
    ).prefetch_related("sessions", "attendees__person", "attendees__sessions"):
        days = [s.day for s in delivery.sessions.all() if s.day <= today]
        if not days:
            continue
        deliveries[delivery.pk] = min(days)
        for attendee in delivery.attendees.all():
            first = min((s.day for s in attendee.sessions.all() if s.day <= today), default=None)
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


def qr_png(text: str) -> bytes:
    """A QR code of `text` as PNG (segno: pure Python, no image library needed)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """One landscape page: the person (and registry ID), the training, its sessions with
    dates and clock hours, the total; the issue date, number, issuing organization, a
    signature line, and the verification link with its QR code."""
    from django.utils.translation import gettext as _

    person = certificate.person
    pdf = new_pdf(title=f"Certificate - {certificate.name}", landscape=True)
    pdf.image(io.BytesIO(qr_png(verify_url)), x=pdf.w - 48, y=10, w=36, h=36)
    line(pdf, _("Certificate of Completion"), size=26, height=16, align="C")
    if not certificate.title.startswith(SERIES_TITLE):
        line(pdf, SERIES_TITLE, size=14, height=9, align="C")
    pdf.ln(2)
    line(pdf, certificate.name, size=22, height=13, align="C")
    if person.registry_id:
        line(pdf, _("Registry ID: %(id)s") % {"id": person.registry_id}, align="C", height=7)
    line(pdf, certificate.title, align="C", height=8)
    pdf.ln(1)
    for s in certificate.sessions:
        line(
            pdf, _("%(date)s   Session %(n)s. %(title)s   %(hours)s clock hours")
            % {"date": s["date"], "n": s["number"], "title": s["title"], "hours": s["hours"]},
            size=10, height=5.5, align="C",
        )  # fmt: skip
    pdf.ln(2)
    line(pdf, _("Total: %(hours)s clock hours") % {"hours": f"{certificate.hours:.2f}"},
         size=14, height=8, align="C")  # fmt: skip
    line(pdf, _("Issued %(date)s by %(issuer)s") % {"date": certificate.issued_on.isoformat(),
         "issuer": certificate.issuer}, height=7, align="C")  # fmt: skip
    line(pdf, _("Certificate no. %(number)s") % {"number": certificate.number}, size=10,
         height=6, align="C")  # fmt: skip
    pdf.ln(6)
    line(pdf, "_" * 40, height=5, align="C")
    line(pdf, _("Signed: %(name)s") % {"name": certificate.signed_by}, size=10, height=6,
         align="C")  # fmt: skip
    line(pdf, _("Verify this certificate: %(url)s") % {"url": verify_url}, size=9, height=5,
         align="C")  # fmt: skip
    return bytes(pdf.output())


# -- evaluations ------------------------------------------------------------------------------

MIN_RESPONSES = 5  # results of fewer responses are not shown (a respondent could be recognised)


@dataclass(frozen=True)
class EvaluationResult:
    label: str
    responses: int
    means: dict[str, float] | None  # None: fewer than MIN_RESPONSES
    comments: list[str]


def evaluation_results(evaluations: Any, *, by: str) -> list[EvaluationResult]:
    """Mean answers per session ("session") or per facilitator ("facilitator").

    A session with fewer than MIN_RESPONSES responses shows only its count: no means, no
    comments. Its answers are also left out of every facilitator's figures, so that they
    cannot be worked out by difference. Comments are shown per session only."""
    from attune.training.models import EVALUATION_QUESTIONS

    keys = [k for k, _label in EVALUATION_QUESTIONS]
    rows = list(evaluations.select_related("event_session__session", "event_session__facilitator"))
    per_session: dict[int, int] = {}
    for e in rows:
        per_session[e.event_session_id] = per_session.get(e.event_session_id, 0) + 1
    groups: dict[tuple[Any, str], list[Any]] = {}
    for e in rows:
        es = e.event_session
        if by == "session":
            key: tuple[Any, str] = ((es.event_id, es.session.number), str(es.session))
        else:
            if per_session[es.pk] < MIN_RESPONSES:
                continue
            who = es.facilitator
            key = (who.pk if who else 0, (who.get_full_name() or str(who)) if who else "—")
        groups.setdefault(key, []).append(e)
    results = []
    for (_sort, label), members in sorted(groups.items(), key=lambda item: item[0]):
        enough = len(members) >= MIN_RESPONSES
        means = (
            {k: round(sum(getattr(r, k) for r in members) / len(members), 1) for k in keys}
            if enough
            else None
        )
        comments = [r.comment for r in members if r.comment] if enough and by == "session" else []
        results.append(EvaluationResult(label, len(members), means, comments))
    return results


def certificates_zip(delivery: Delivery, *, actor: Any, base_url: str) -> tuple[bytes, int]:
    """Every attendee's certificate of a delivery (issued when not yet), one PDF each, in a ZIP
    file; and how many. `base_url` is the site's address, for the verification links."""
    import zipfile
    from urllib.parse import urljoin

    from django.urls import reverse

    from attune.training import services

    out = io.BytesIO()
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for attendee in delivery.attendees.select_related("person", "delivery__trainer"):
            certificate = services.issue_delivery_certificate(actor=actor, attendee=attendee)
            if certificate is None:
                continue
            url = urljoin(base_url, reverse("certificate_verify", args=[certificate.token]))
            archive.writestr(
                f"certificate-{certificate.number}.pdf", certificate_pdf(certificate, url)
            )
            count += 1
    return out.getvalue(), count


def certificates_job(job: Any, ctx: Any) -> dict[str, Any]:
    """The job's body: a delivery's certificates as a ZIP of PDFs, kept on the job."""
    delivery = Delivery.objects.select_related("trainer").get(pk=job.parameters["delivery"])
    ctx.progress(0.2, _("Writing the certificates…"))
    content, n = certificates_zip(
        delivery, actor=job.created_by, base_url=job.parameters.get("base_url", "")
    )
    ctx.attach(f"certificates-delivery-{delivery.pk}.zip", content)
    return {
        "summary": ngettext("%(n)d certificate.", "%(n)d certificates.", n) % {"n": n},
    }


def registry_job(job: Any, ctx: Any) -> dict[str, Any]:
    """The job's body: send the new rows of a state's registry export as one file (kept as a
    RegistryExport, training.services.export_registry) and attach it to the job. Nothing new
    to send is a plain-language failure, not a file."""
    from django.core.exceptions import ValidationError

    from attune.jobs.services import JobFailed
    from attune.programs.models import Jurisdiction
    from attune.training import services

    p = job.parameters
    start = date.fromisoformat(p["start"]) if p.get("start") else None
    end = date.fromisoformat(p["end"]) if p.get("end") else None
    ctx.progress(0.2, _("Collecting the sessions…"))
    state = Jurisdiction.objects.get(pk=int(p["state"]))
    try:
        export = services.export_registry(
            actor=job.created_by, jurisdiction=state, layout=p["layout"], start=start, end=end
        )
    except ValidationError as error:  # nothing new to send: said as such, not retried
        raise JobFailed(" ".join(error.messages)) from None
    ctx.progress(0.8, _("Writing the file…"))
    name = f"registry-{state.code}-{export.layout}-{export.created_at:%Y-%m-%d}-{export.pk}.csv"
    ctx.attach(name, export.content.encode("utf-8"))
    n = export.row_count
    return {"summary": ngettext("%(n)d row.", "%(n)d rows.", n) % {"n": n}}


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
