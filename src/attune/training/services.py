"""Every write to Training for Trainers records. Keyword-only, atomic, audited.

A write that is refused for any of its rows saves nothing (attendance for someone not
enrolled, a delivery dated before the trainer's own TFT, hours out of range).

Dates make sense: nothing is credited before it happens (attendance is recorded once a
session has begun, a delivery once it was given), sessions are scheduled within a plausible
window (PAST_YEARS back, FUTURE_YEARS ahead), a commitment falls after the training and within
MAX_COMMITMENT_MONTHS of it. "Trained" means the whole series attended (completed_on).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attune.lib.audit import acting_as
from attune.lib.audit import save_audited as _save
from attune.programs.models import Jurisdiction
from attune.training import registries, reports
from attune.training.completion import (
    completed_on,
    series_attended,
    series_numbers,
)
from attune.training.models import EVALUATION_QUESTIONS as QUESTIONS
from attune.training.models import (
    MAX_SESSION_HOURS,
    Attendance,
    Commitment,
    Delivery,
    DeliveryAttendee,
    DeliverySession,
    Enrollment,
    EventSession,
    Person,
    TftEvent,
    TftRequest,
    TrainingSession,
)

if TYPE_CHECKING:
    from attune.accounts.models import User


class TrainingError(ValidationError):
    """A refused write, with the message the person sees."""


EVALUATION_QUESTIONS = tuple(key for key, _label in QUESTIONS)


PAST_YEARS = 5  # a session dated further back is taken for a typo
FUTURE_YEARS = 2  # scheduling further ahead is taken for a typo
MAX_COMMITMENT_MONTHS = 36


def _stale() -> str:
    return _(
        "Someone else saved this record after you opened it; reload the page to see their "
        "changes. Nothing was saved."
    )


def claim_version(instance: Model, seen: int | None) -> None:
    """Optimistic concurrency for a record edited by more than one person: the save goes ahead
    only when the record is still at the version the person saw (`seen`); else it is refused.
    Without `seen` (a system write) the version simply moves on."""
    current: int = getattr(instance, "version", 0)
    if instance.pk is None:
        return
    if seen is None:
        setattr(instance, "version", current + 1)  # noqa: B010
        return
    moved = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=seen)
        .update(version=F("version") + 1)
    )
    if not moved:
        raise TrainingError(_stale())
    setattr(instance, "version", seen + 1)  # noqa: B010


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


@transaction.atomic
def request_tft(
    *, actor: User | None, jurisdiction: Jurisdiction, data: Mapping[str, Any]
) -> TftRequest:
    request = TftRequest(jurisdiction=jurisdiction, requested_by=actor, **data)
    _save(request, actor)
    return request


@dataclass(frozen=True)
class PlannedSession:
    session: TrainingSession
    starts_at: datetime
    ends_at: datetime


@transaction.atomic
def schedule_event(
    *,
    actor: User | None,
    jurisdiction: Jurisdiction,
    data: Mapping[str, Any],
    sessions: Sequence[PlannedSession],
    request: TftRequest | None = None,
    facilitator: User | None = None,
) -> TftEvent:
    """The event and its dated sessions, led by `facilitator` (default: who schedules it)."""
    if not sessions:
        raise TrainingError(_("Give the date and times of at least one session."))
    today = timezone.localdate()
    for planned in sessions:
        if planned.ends_at <= planned.starts_at:
            raise TrainingError(
                _("%(session)s ends before it starts.") % {"session": planned.session}
            )
        if planned.ends_at - planned.starts_at > timedelta(hours=12):
            raise TrainingError(
                _("%(session)s is longer than 12 hours; check its times.")
                % {"session": planned.session}
            )
        day = timezone.localtime(planned.starts_at).date()
        if day < today - relativedelta(years=PAST_YEARS):
            raise TrainingError(
                _("%(session)s is dated %(day)s, more than %(n)d years ago; check the year.")
                % {"session": planned.session, "day": _day(day), "n": PAST_YEARS}
            )
        if day > today + relativedelta(years=FUTURE_YEARS):
            raise TrainingError(
                _("%(session)s is dated %(day)s, more than %(n)d years ahead; check the year.")
                % {"session": planned.session, "day": _day(day), "n": FUTURE_YEARS}
            )
    event = TftEvent(request=request, jurisdiction=jurisdiction, scheduled_by=actor, **data)
    _save(event, actor)
    for planned in sessions:
        _save(
            EventSession(
                event=event,
                session=planned.session,
                starts_at=planned.starts_at,
                ends_at=planned.ends_at,
                facilitator=facilitator or actor,
            ),
            actor,
        )
    if request is not None:
        request.status = TftRequest.Status.SCHEDULED
        _save(request, actor)
    return event


@transaction.atomic
def find_or_add_person(
    *, actor: User | None, jurisdiction: Jurisdiction, data: Mapping[str, Any]
) -> Person:
    """The person with this registry ID in the state, or a new record."""
    registry_id = str(data.get("registry_id") or "").strip()
    if registry_id:
        found = Person.objects.filter(jurisdiction=jurisdiction, registry_id=registry_id).first()
        if found is not None:
            return found
    person = Person(jurisdiction=jurisdiction, **{**data, "registry_id": registry_id})
    _save(person, actor)
    return person


@transaction.atomic
def link_person_user(*, actor: User | None, person: Person, user: User | None) -> None:
    """Give a person in the training records their sign-in (their own events and deliveries)."""
    person.user = user
    _save(person, actor)


@transaction.atomic
def enroll(*, actor: User | None, event: TftEvent, person: Person) -> Enrollment:
    if Enrollment.objects.filter(event=event, person=person).exists():
        raise TrainingError(_("%(person)s is already enrolled.") % {"person": person})
    if event.enrollments.count() >= event.capacity:
        raise TrainingError(_("The event is full (%(n)d places).") % {"n": event.capacity})
    enrollment = Enrollment(event=event, person=person)
    _save(enrollment, actor)
    return enrollment


@transaction.atomic
def record_attendance(
    *, actor: User | None, event_session: EventSession, people: Sequence[Person]
) -> int:
    """Set who attended the session: everyone named must be enrolled, or nothing changes."""
    enrollments = {
        e.person_id: e for e in Enrollment.objects.filter(event_id=event_session.event_id)
    }
    strangers = [p for p in people if p.pk not in enrollments]
    if strangers:
        raise TrainingError(
            _("Not enrolled in this event: %(names)s. Enroll them first; nothing was saved.")
            % {"names": ", ".join(str(p) for p in strangers)}
        )
    if people and event_session.starts_at > timezone.now():
        raise TrainingError(
            _("%(session)s has not happened yet (it starts %(when)s); attendance is recorded "
              "once a session has begun. Nothing was saved.")
            % {"session": event_session.session,
               "when": date_format(timezone.localtime(event_session.starts_at),
                                   "DATETIME_FORMAT")}
        )  # fmt: skip
    wanted = {enrollments[p.pk].pk for p in people}
    with acting_as(actor):
        for attendance in event_session.attendance.exclude(enrollment_id__in=wanted):
            attendance.delete()
        have = set(event_session.attendance.values_list("enrollment_id", flat=True))
        for enrollment_id in sorted(wanted - have):
            Attendance.objects.create(event_session=event_session, enrollment_id=enrollment_id)
    for person in people:
        issue_series_certificate(actor=actor, person=person)
    return len(wanted)


# -- certificates ----------------------------------------------------------------------------


def _number(certificate: Any, prefix: str) -> None:
    certificate.number = f"{prefix}-{certificate.issued_on.year}-{certificate.pk:05d}"
    with acting_as(None):
        certificate.save(update_fields=["number"])


@transaction.atomic
def issue_series_certificate(*, actor: User | None, person: Person) -> Any:
    """The person's certificate for the whole series, issued once when the last session of it
    is attended (completion.completed_on); None while the series is not complete."""
    from attune.training.models import Certificate

    existing = Certificate.objects.filter(person=person, kind=Certificate.Kind.SERIES).first()
    if existing is not None:
        return existing
    required = series_numbers()
    first: dict[int, Attendance] = {}
    for attendance in (
        Attendance.objects.filter(
            enrollment__person=person, event_session__starts_at__lte=timezone.now()
        )
        .select_related("event_session__session", "event_session__event__jurisdiction",
                        "event_session__facilitator", "event_session__event__scheduled_by")
        .order_by("event_session__starts_at")
    ):  # fmt: skip
        first.setdefault(attendance.event_session.session.number, attendance)
    if not required or not required <= set(first):
        return None
    chosen = sorted((first[n].event_session for n in required), key=lambda es: es.session.number)
    last = max(chosen, key=lambda es: es.starts_at)
    signer = last.facilitator or last.event.scheduled_by
    certificate = Certificate(
        kind=Certificate.Kind.SERIES, person=person, event=last.event,
        issued_on=timezone.localdate(),
        completed_on=timezone.localtime(last.starts_at).date(),
        name=str(person), title=f"{reports.SERIES_TITLE}: A Training for Trainers",
        hours=sum((es.session.clock_hours for es in chosen), Decimal("0")),
        sessions=[{"number": es.session.number, "title": es.session.title,
                   "date": timezone.localtime(es.starts_at).date().isoformat(),
                   "hours": f"{es.session.clock_hours:.2f}"} for es in chosen],
        issuer=f"{reports.TFT_SPONSOR}, {last.event.jurisdiction.name}",
        signed_by=(f"{signer.get_full_name() or signer}, Infant/Toddler Specialist"
                   if signer else "Infant/Toddler Specialist"),
    )  # fmt: skip
    _save(certificate, actor)
    _number(certificate, "TFT")
    return certificate


@transaction.atomic
def issue_delivery_certificate(*, actor: User | None, attendee: DeliveryAttendee) -> Any:
    """An attendee's clock-hour certificate for a community delivery (the sessions they
    attended), issued once; None when they attended no session already given."""
    from attune.training.models import Certificate

    existing = Certificate.objects.filter(attendee=attendee).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    delivery = attendee.delivery
    sessions = sorted(
        (s for s in attendee.sessions.select_related("session") if s.day <= today),
        key=lambda s: (s.day, s.session.number),
    )
    if not sessions:
        return None
    certificate = Certificate(
        kind=Certificate.Kind.DELIVERY, person=attendee.person, attendee=attendee,
        issued_on=today, completed_on=sessions[-1].day, name=str(attendee.person),
        title=delivery.title, hours=sum((s.hours for s in sessions), Decimal("0")),
        sessions=[{"number": s.session.number, "title": s.session.title,
                   "date": s.day.isoformat(), "hours": f"{s.hours:.2f}"} for s in sessions],
        issuer=delivery.sponsor or str(delivery.trainer),
        signed_by=f"{delivery.trainer}, trainer",
    )  # fmt: skip
    _save(certificate, actor)
    _number(certificate, "CH")
    return certificate


# -- evaluations -----------------------------------------------------------------------------


@transaction.atomic
def submit_evaluation(
    *, actor: User | None, event_session: EventSession, enrollment: Enrollment,
    answers: Mapping[str, Any],
) -> tuple[Any, bool]:  # fmt: skip
    """A participant's evaluation of a session they attended, once it has begun. Sent twice,
    it is kept once: returns (the evaluation, whether this call recorded it)."""
    from django.db import IntegrityError

    from attune.training.models import Evaluation

    if enrollment.event_id != event_session.event_id:
        raise TrainingError(_("This session is not part of your event."))
    if event_session.starts_at > timezone.now():
        raise TrainingError(_("This session has not happened yet."))
    if not Attendance.objects.filter(event_session=event_session, enrollment=enrollment).exists():
        raise TrainingError(_("You can evaluate only the sessions you attended."))
    existing = Evaluation.objects.filter(event_session=event_session, enrollment=enrollment).first()
    if existing is not None:
        return existing, False
    evaluation = Evaluation(
        event_session=event_session, enrollment=enrollment,
        **{key: answers.get(key) for key in EVALUATION_QUESTIONS},
        comment=str(answers.get("comment") or "").strip(),
    )  # fmt: skip
    try:
        with transaction.atomic():
            _save(evaluation, actor)
    except IntegrityError:  # the same form sent twice at once
        found = Evaluation.objects.get(event_session=event_session, enrollment=enrollment)
        return found, False
    return evaluation, True


@transaction.atomic
def record_commitment(
    *, actor: User | None, enrollment: Enrollment, plan: str, audience: str = "",
    due: date | None = None, version: int | None = None,
) -> Commitment:  # fmt: skip
    """The participant's plan and the date they will deliver by (default: the event's last day
    plus its window in calendar months). The date falls after the training and within
    MAX_COMMITMENT_MONTHS of its last day."""
    last_day = enrollment.event.last_day()
    if last_day is None:
        raise TrainingError(_("The event has no sessions yet, so no window to deliver in."))
    due = due or enrollment.event.commitment_due()
    assert due is not None
    if due < last_day:
        raise TrainingError(
            {"due": _("%(due)s is before the training ends (%(last)s); a community delivery "
                      "comes after it.") % {"due": _day(due), "last": _day(last_day)}}
        )  # fmt: skip
    if due > last_day + relativedelta(months=MAX_COMMITMENT_MONTHS):
        raise TrainingError(
            {"due": _("%(due)s is more than %(n)d months after the training ends (%(last)s); "
                      "check the year.")
             % {"due": _day(due), "n": MAX_COMMITMENT_MONTHS, "last": _day(last_day)}}
        )  # fmt: skip
    commitment = Commitment.objects.filter(enrollment=enrollment).first() or Commitment(
        enrollment=enrollment
    )
    claim_version(commitment, version)
    commitment.plan, commitment.audience, commitment.due = plan, audience, due
    _save(commitment, actor)
    return commitment


def is_delivered(commitment: Commitment, today: date | None = None) -> bool:
    """Delivered: a delivery for the commitment has a session already given, with attendance."""
    today = today or timezone.localdate()
    return DeliverySession.objects.filter(
        delivery__commitment=commitment, day__lte=today, attendees__isnull=False
    ).exists()


def commitment_status(commitment: Commitment, today: date) -> str:
    """delivered, overdue, due_soon (within 30 days) or on_track."""
    if is_delivered(commitment, today):
        return "delivered"
    if commitment.due < today:
        return "overdue"
    if (commitment.due - today).days <= REMIND_DAYS_BEFORE:
        return "due_soon"
    return "on_track"


@dataclass(frozen=True)
class DeliveredSession:
    session: TrainingSession
    day: date
    hours: Decimal


@dataclass(frozen=True)
class Attendee:
    first_name: str
    last_name: str
    registry_id: str
    organization: str = ""
    sessions: tuple[int, ...] | None = None  # session numbers attended; None: all


@transaction.atomic
def record_delivery(
    *,
    actor: User | None,
    trainer: Person,
    data: Mapping[str, Any],
    sessions: Sequence[DeliveredSession],
    attendees: Sequence[Attendee],
    commitment: Commitment | None = None,
) -> Delivery:
    """A community delivery with its sessions and attendees, all or nothing. It is recorded
    once given: no session in the future, every session attended by someone, the trainer's
    own series completed first. An attendee without a registry ID is kept (the registry export
    lists them for follow-up)."""
    if not sessions:
        raise TrainingError(_("List the sessions delivered."))
    finished = completed_on(trainer)
    if finished is None:
        required = series_numbers()
        done = series_attended([trainer.pk]).get(trainer.pk, {})
        if not done:
            raise TrainingError(
                _("%(trainer)s has no Training for Trainers attendance recorded; a delivery "
                  "comes after the trainer's own training.") % {"trainer": trainer}
            )  # fmt: skip
        raise TrainingError(
            _("%(trainer)s has attended %(n)d of the %(total)d sessions of the Training for "
              "Trainers series; a delivery comes after the whole series.")
            % {"trainer": trainer, "n": len(set(done) & required), "total": len(required)}
        )  # fmt: skip
    if not attendees:
        raise TrainingError(_("List who attended; a delivery is recorded with its attendance."))
    today = timezone.localdate()
    numbers = [s.session.number for s in sessions]
    if len(set(numbers)) != len(numbers):
        raise TrainingError(_("Each session is listed once."))
    for s in sessions:
        if s.day > today:
            raise TrainingError(
                _("%(session)s is dated %(day)s, in the future; record a delivery once it is "
                  "given.") % {"session": s.session, "day": _day(s.day)}
            )  # fmt: skip
        if s.day < finished:
            raise TrainingError(
                _("%(session)s is dated %(day)s, before %(trainer)s's own training ended on "
                  "%(finished)s.")
                % {"session": s.session, "day": s.day, "trainer": trainer, "finished": finished}
            )  # fmt: skip
        if not (Decimal("0.25") <= s.hours <= MAX_SESSION_HOURS):
            raise TrainingError(
                _("%(session)s: clock hours must be from 0.25 to %(max)s.")
                % {"session": s.session, "max": MAX_SESSION_HOURS}
            )
    seen: set[tuple[str, str, str]] = set()
    for a in attendees:
        who = (a.first_name.strip().lower(), a.last_name.strip().lower(), a.registry_id.strip())
        if who in seen:
            raise TrainingError(
                _("%(person)s is listed twice.") % {"person": f"{a.first_name} {a.last_name}"}
            )
        seen.add(who)
    by_session = {n: 0 for n in numbers}
    for a in attendees:
        for n in numbers if a.sessions is None else a.sessions:
            if n not in by_session:
                raise TrainingError(
                    _("%(person)s attended session %(n)s, which this delivery does not list.")
                    % {"person": f"{a.first_name} {a.last_name}", "n": n}
                )
            by_session[n] += 1
    empty = [n for n, count in by_session.items() if not count]
    if empty:
        raise TrainingError(
            _("Session %(n)d is listed but no one attended it; list its attendees or leave it "
              "out.") % {"n": empty[0]}
        )  # fmt: skip
    delivery = Delivery(trainer=trainer, commitment=commitment, **data)
    _save(delivery, actor)
    by_number: dict[int, DeliverySession] = {}
    for s in sessions:
        row = DeliverySession(delivery=delivery, session=s.session, day=s.day, hours=s.hours)
        _save(row, actor)
        by_number[s.session.number] = row
    for a in attendees:
        person = find_or_add_person(
            actor=actor,
            jurisdiction=trainer.jurisdiction,
            data={"first_name": a.first_name, "last_name": a.last_name,
                  "registry_id": a.registry_id, "organization": a.organization},
        )  # fmt: skip
        if DeliveryAttendee.objects.filter(delivery=delivery, person=person).exists():
            raise TrainingError(
                _("%(person)s (%(id)s) is listed twice.") % {"person": person, "id": a.registry_id}
            )
        attendee = DeliveryAttendee(delivery=delivery, person=person)
        _save(attendee, actor)
        attended = list(by_number) if a.sessions is None else list(a.sessions)
        with acting_as(actor):
            attendee.sessions.set([by_number[n] for n in attended])
        issue_delivery_certificate(actor=actor, attendee=attendee)
    return delivery


# -- reminders -------------------------------------------------------------------------------

REMIND_DAYS_BEFORE = 30
REMIND_EVERY_DAYS = 7


@transaction.atomic
def send_commitment_reminders(*, today: date) -> int:
    """Email each trainer whose commitment is due within 30 days or overdue, not yet delivered,
    at most once a week, in their language. Returns how many were sent."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    sent = 0
    due = Commitment.objects.filter(
        due__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
    ).select_related("enrollment__person__user", "enrollment__event")
    for commitment in due:
        if is_delivered(commitment, today):
            continue
        if commitment.reminded_on and (today - commitment.reminded_on).days < REMIND_EVERY_DAYS:
            continue
        person = commitment.enrollment.person
        address = person.email or (person.user.email if person.user else "")
        if not address:
            continue
        language = person.user.preferred_language if person.user else "en"
        with translation.override(language):
            context = {"commitment": commitment, "person": person, "today": today,
                       "overdue": commitment.due < today}  # fmt: skip
            subject = (
                _("Your community training was due on %(due)s")
                if commitment.due < today
                else _("Your community training is due by %(due)s")
            ) % {"due": commitment.due.isoformat()}
            body = render_to_string("training/reminder.txt", context)
        # the queued email and the reminder's date commit together: a run cut short and
        # tried again (attune.jobs) neither loses a reminder nor sends one twice
        with transaction.atomic(), acting_as(None):
            send_mail(subject, body, None, [address])
            commitment.reminded_on = today
            commitment.save(update_fields=["reminded_on"])
        sent += 1
    return sent


# -- a registry's person list ----------------------------------------------------------------


@dataclass(frozen=True)
class RegistryRow:
    line: int
    registry_id: str
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True)
class RegistryMatch:
    row: RegistryRow
    person: Person
    already: bool  # the person already had this registry ID


def match_registry(
    *, jurisdiction: Jurisdiction, rows: Sequence[RegistryRow]
) -> list[RegistryMatch]:
    """Each row matched to a person of the state: by registry ID, else by email, else by name
    among people with no registry ID. Any row that matches no one (or two people) is refused,
    with every such row named."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    matches: list[RegistryMatch] = []
    people = list(Person.objects.filter(jurisdiction=jurisdiction))
    for row in rows:
        if row.registry_id in seen:
            problems.append(
                _("Line %(n)d: registry ID %(id)s is also on line %(m)d.")
                % {"n": row.line, "id": row.registry_id, "m": seen[row.registry_id]}
            )
            continue
        seen[row.registry_id] = row.line
        by_id = [p for p in people if p.registry_id == row.registry_id]
        if by_id:
            matches.append(RegistryMatch(row, by_id[0], already=True))
            continue
        free = [p for p in people if not p.registry_id]
        candidates = [p for p in free if row.email and p.email.lower() == row.email.lower()] or [
            p for p in free
            if (p.first_name.lower(), p.last_name.lower())
            == (row.first_name.lower(), row.last_name.lower())
        ]  # fmt: skip
        if len(candidates) == 1:
            matches.append(RegistryMatch(row, candidates[0], already=False))
        elif not candidates:
            problems.append(
                _("Line %(n)d: registry ID %(id)s (%(name)s) matches no one in the %(state)s "
                  "training records.")
                % {"n": row.line, "id": row.registry_id,
                   "name": f"{row.first_name} {row.last_name}", "state": jurisdiction.name}
            )  # fmt: skip
        else:
            problems.append(
                _("Line %(n)d: %(name)s matches %(k)d people; add their email to tell them apart.")
                % {"n": row.line, "name": f"{row.first_name} {row.last_name}", "k": len(candidates)}
            )
    taken = [m for m in matches if not m.already]
    persons = [m.person.pk for m in taken]
    if len(set(persons)) != len(persons):
        problems.append(_("Two lines match the same person; check the names and emails."))
    if problems:
        raise TrainingError(problems)
    return matches


@transaction.atomic
def import_registry_ids(
    *, actor: User | None, jurisdiction: Jurisdiction, rows: Sequence[RegistryRow]
) -> int:
    """Give matched people their registry IDs: all rows, or nothing when any row is refused."""
    matches = match_registry(jurisdiction=jurisdiction, rows=rows)
    changed = 0
    for m in matches:
        if not m.already:
            m.person.registry_id = m.row.registry_id
            _save(m.person, actor)
            changed += 1
    return changed


# -- the registry export ----------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """Someone whose completed sessions cannot go to the registry yet: no registry ID."""

    person: Person
    sessions: int
    hours: Decimal
    trainings: tuple[str, ...]


@dataclass(frozen=True)
class RegistryPreview:
    layout: registries.Layout
    new: list[reports.RegistryRecord]  # to send: people with a registry ID, not sent before
    already_sent: int
    follow_up: list[FollowUp]


def sent_keys(*, layout: str, keys: Sequence[str]) -> set[str]:
    """The records among `keys` already sent to the registry of `layout`."""
    from attune.training.models import RegistryExportRow

    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found |= set(
            RegistryExportRow.objects.filter(layout=layout, key__in=keys[i : i + 500]).values_list(
                "key", flat=True
            )
        )
    return found


def registry_preview(
    *, jurisdiction: Jurisdiction, layout: str, start: date | None = None,
    end: date | None = None,
) -> RegistryPreview:  # fmt: skip
    """What an export would send now: the sessions completed (up to today) by people with a
    registry ID and not sent to this registry before; who is left out for want of an ID."""
    records = reports.registry_records([jurisdiction.pk], start, end)
    with_id = [r for r in records if r.person.registry_id]
    sent = sent_keys(layout=layout, keys=[r.key for r in with_id])
    missing: dict[int, list[reports.RegistryRecord]] = {}
    for r in records:
        if not r.person.registry_id:
            missing.setdefault(r.person.pk, []).append(r)
    follow_up = [
        FollowUp(
            person=rows[0].person,
            sessions=len(rows),
            hours=sum((r.hours for r in rows), Decimal("0")),
            trainings=tuple(dict.fromkeys(r.values["training_title"] for r in rows)),
        )
        for rows in missing.values()
    ]
    follow_up.sort(key=lambda f: (f.person.last_name, f.person.first_name, f.person.pk))
    return RegistryPreview(
        layout=registries.layout(layout),
        new=[r for r in with_id if r.key not in sent],
        already_sent=len(sent),
        follow_up=follow_up,
    )


@transaction.atomic
def export_registry(
    *, actor: User | None, jurisdiction: Jurisdiction, layout: str, start: date | None = None,
    end: date | None = None,
) -> Any:  # fmt: skip
    """Send the new rows (registry_preview) as one file, and keep the file and its rows: a
    later export leaves them out. Refused when there is nothing new, or when another export
    sent the same rows meanwhile (nothing is sent twice)."""
    from django.db import IntegrityError

    from attune.training.models import RegistryExport, RegistryExportRow

    preview = registry_preview(jurisdiction=jurisdiction, layout=layout, start=start, end=end)
    if not preview.new:
        raise TrainingError(
            ngettext(
                "Nothing new to export: %(n)d row in this range was already sent to %(registry)s.",
                "Nothing new to export: %(n)d rows in this range were already sent to "
                "%(registry)s.",
                preview.already_sent,
            )
            % {"n": preview.already_sent, "registry": preview.layout.name}
        )
    export = RegistryExport(
        jurisdiction=jurisdiction, layout=layout, start=start, end=end, by=actor,
        row_count=len(preview.new), content=preview.layout.render(r.values for r in preview.new),
    )  # fmt: skip
    _save(export, actor)
    try:
        with transaction.atomic():
            RegistryExportRow.objects.bulk_create(
                RegistryExportRow(export=export, layout=layout, key=r.key, person=r.person,
                                  day=r.day, hours=r.hours)
                for r in preview.new
            )  # fmt: skip
    except IntegrityError:
        raise TrainingError(
            _(
                "Another export sent some of these rows a moment ago; nothing was exported twice. "
                "Look at the past exports, or export again for what is still new."
            )
        ) from None
    return export


@transaction.atomic
def save_core_knowledge(
    *, actor: User | None, jurisdiction: Jurisdiction, areas: Mapping[TrainingSession, str]
) -> None:
    from attune.training.models import CoreKnowledgeMapping

    for session, text in areas.items():
        text = text.strip()
        mapping = CoreKnowledgeMapping.objects.filter(
            jurisdiction=jurisdiction, session=session
        ).first()
        if not text:
            if mapping is not None:
                with acting_as(actor):
                    mapping.delete()
            continue
        mapping = mapping or CoreKnowledgeMapping(jurisdiction=jurisdiction, session=session)
        mapping.areas = text
        _save(mapping, actor)


# -- materials, support, reflections, fidelity, self-assessment ----------------------------


@transaction.atomic
def add_material(*, actor: User | None, session: TrainingSession, data: Mapping[str, Any]) -> Any:
    """A new version of a session's material (same kind and title), or its first."""
    from django.db.models import Max

    from attune.training.models import SessionMaterial

    top = SessionMaterial.objects.filter(
        session=session, kind=data["kind"], title=data["title"]
    ).aggregate(top=Max("version"))["top"]
    material = SessionMaterial(session=session, version=(top or 0) + 1, added_by=actor, **data)
    _save(material, actor)
    return material


@transaction.atomic
def log_support(
    *, actor: User | None, jurisdiction: Jurisdiction, data: Mapping[str, Any],
    people: Sequence[Person],
) -> Any:  # fmt: skip
    from attune.training.models import SupportActivity

    if not people:
        raise TrainingError({"people": _("Choose who took part.")})
    strangers = [p for p in people if p.jurisdiction_id != jurisdiction.pk]
    if strangers:
        raise TrainingError({"people": _("Only people of this state can take part here.")})
    activity = SupportActivity(jurisdiction=jurisdiction, by=actor, **data)
    _save(activity, actor)
    with acting_as(actor):
        activity.people.set(people)
    return activity


@transaction.atomic
def record_reflection(
    *, actor: User | None, person: Person, day: date, shared_goals: str,
    principles: Mapping[str, str],
) -> Any:  # fmt: skip
    from attune.training.models import PRINCIPLES, Reflection

    known = {k for k, _label in PRINCIPLES}
    notes = {k: v.strip() for k, v in principles.items() if k in known and v.strip()}
    reflection = Reflection(
        person=person, day=day, shared_goals=shared_goals, principles=notes, by=actor
    )
    _save(reflection, actor)
    return reflection


@transaction.atomic
def set_fidelity_items(
    *, actor: User | None, session: TrainingSession, lines: Sequence[str]
) -> None:
    """The session's checklist: items kept by their text; items no longer listed are retired
    (scores already given keep them)."""
    from attune.training.models import FidelityItem

    wanted = [line.strip() for line in lines if line.strip()]
    if len(set(wanted)) != len(wanted):
        raise TrainingError(_("An item is listed twice."))
    current = {i.text: i for i in FidelityItem.objects.filter(session=session)}
    with acting_as(actor):
        for order, text in enumerate(wanted):
            item = current.get(text) or FidelityItem(session=session, text=text)
            item.order, item.retired = order, False
            item.full_clean()
            item.save()
        for text, item in current.items():
            if text not in wanted and not item.retired:
                item.retired = True
                item.save(update_fields=["retired"])


@transaction.atomic
def score_fidelity(
    *, actor: User | None, delivery_session: DeliverySession, met_ids: Sequence[int],
    adaptations_reviewed: bool, adaptations_keep_fidelity: bool, note: str, self_assessed: bool,
) -> Any:  # fmt: skip
    from attune.training.models import FidelityItem, FidelityScore

    items = list(FidelityItem.objects.filter(session=delivery_session.session, retired=False))
    if not items:
        raise TrainingError(_("This session has no fidelity checklist yet."))
    ids = {i.pk for i in items}
    unknown = [i for i in met_ids if i not in ids]
    if unknown:
        raise TrainingError(_("An item is not on this session's checklist."))
    score = FidelityScore(
        delivery_session=delivery_session, adaptations_reviewed=adaptations_reviewed,
        adaptations_keep_fidelity=adaptations_keep_fidelity, note=note, by=actor,
        self_assessed=self_assessed,
    )  # fmt: skip
    _save(score, actor)
    with acting_as(actor):
        score.items.set(items)
        score.met.set([i for i in items if i.pk in set(met_ids)])
    return score


@transaction.atomic
def record_self_assessment(
    *, actor: User | None, program: Any, day: date, levels: Mapping[str, int], notes: str
) -> Any:
    from attune.training.models import SelfAssessment

    assessment = SelfAssessment(
        program=program, day=day, levels=dict(levels), notes=notes, by=actor
    )
    _save(assessment, actor)
    return assessment
