"""Every write to Training for Trainers records. Keyword-only, atomic, audited.

A write that is refused for any of its rows saves nothing (attendance for someone not
enrolled, a delivery dated before the trainer's own TFT, hours out of range).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from attune.lib.audit import acting_as
from attune.lib.audit import save_audited as _save
from attune.programs.models import Jurisdiction
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
) -> TftEvent:
    if not sessions:
        raise TrainingError(_("Give the date and times of at least one session."))
    for planned in sessions:
        if planned.ends_at <= planned.starts_at:
            raise TrainingError(
                _("%(session)s ends before it starts.") % {"session": planned.session}
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
    wanted = {enrollments[p.pk].pk for p in people}
    with acting_as(actor):
        for attendance in event_session.attendance.exclude(enrollment_id__in=wanted):
            attendance.delete()
        have = set(event_session.attendance.values_list("enrollment_id", flat=True))
        for enrollment_id in sorted(wanted - have):
            Attendance.objects.create(event_session=event_session, enrollment_id=enrollment_id)
    return len(wanted)


def completed_on(person: Person) -> date | None:
    """The day the person finished their own TFT: the last session they attended."""
    last = (
        EventSession.objects.filter(attendance__enrollment__person=person)
        .order_by("-starts_at")
        .first()
    )
    return last.starts_at.date() if last else None


@transaction.atomic
def record_commitment(
    *, actor: User | None, enrollment: Enrollment, plan: str, audience: str = "",
    due: date | None = None,
) -> Commitment:  # fmt: skip
    due = due or enrollment.event.commitment_due()
    if due is None:
        raise TrainingError(_("The event has no sessions yet, so no window to deliver in."))
    commitment = Commitment.objects.filter(enrollment=enrollment).first() or Commitment(
        enrollment=enrollment
    )
    commitment.plan, commitment.audience, commitment.due = plan, audience, due
    _save(commitment, actor)
    return commitment


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
    """A community delivery with its sessions and attendees, all or nothing."""
    if not sessions:
        raise TrainingError(_("List the sessions delivered."))
    finished = completed_on(trainer)
    if finished is None:
        raise TrainingError(
            _("%(trainer)s has no Training for Trainers attendance recorded; a delivery comes "
              "after the trainer's own training.") % {"trainer": trainer}
        )  # fmt: skip
    numbers = [s.session.number for s in sessions]
    if len(set(numbers)) != len(numbers):
        raise TrainingError(_("Each session is listed once."))
    for s in sessions:
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
    missing_ids = [f"{a.first_name} {a.last_name}" for a in attendees if not a.registry_id]
    if missing_ids:
        raise TrainingError(
            _("Every attendee needs a registry ID: missing for %(names)s.")
            % {"names": ", ".join(missing_ids)}
        )
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
        unknown = [n for n in attended if n not in by_number]
        if unknown:
            raise TrainingError(
                _("%(person)s attended session %(n)s, which this delivery does not list.")
                % {"person": person, "n": unknown[0]}
            )
        with acting_as(actor):
            attendee.sessions.set([by_number[n] for n in attended])
    return delivery


# -- reminders -------------------------------------------------------------------------------

REMIND_DAYS_BEFORE = 30
REMIND_EVERY_DAYS = 7


@transaction.atomic
def send_commitment_reminders(*, today: date) -> int:
    """Email each trainer whose commitment is due within 30 days or overdue, not yet delivered,
    at most once a week, in their language. Returns how many were sent."""
    from datetime import timedelta

    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    sent = 0
    due = Commitment.objects.filter(
        due__lte=today + timedelta(days=REMIND_DAYS_BEFORE), deliveries__isnull=True
    ).select_related("enrollment__person__user", "enrollment__event")
    for commitment in due:
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
