"""Every write to workforce records (keyword-only, atomic, audited), and the engine's view of a
profile (its evidence)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from attune.lib.audit import acting_as
from attune.lib.audit import save_audited as _save
from attune.workforce import engine
from attune.workforce.models import (
    ApplicationDocument,
    Education,
    Experience,
    Profile,
    ReflectiveGroup,
    RscSession,
    StateRequirement,
    TrainingRecord,
)

if TYPE_CHECKING:
    from attune.accounts.models import User


class WorkforceError(ValidationError):
    """A refused write, with the message the person sees."""


@transaction.atomic
def save_profile(*, actor: User | None, user: User, data: Mapping[str, Any]) -> Profile:
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    for name, value in data.items():
        setattr(profile, name, value)
    _save(profile, actor)
    return profile


@transaction.atomic
def add_education(*, actor: User | None, profile: Profile, data: Mapping[str, Any]) -> Education:
    row = Education(profile=profile, **data)
    _save(row, actor)
    return row


@transaction.atomic
def add_experience(*, actor: User | None, profile: Profile, data: Mapping[str, Any]) -> Experience:
    row = Experience(profile=profile, **data)
    _save(row, actor)
    return row


@transaction.atomic
def add_training(
    *, actor: User | None, profile: Profile, data: Mapping[str, Any]
) -> TrainingRecord:
    row = TrainingRecord(profile=profile, **data)
    _save(row, actor)
    return row


@transaction.atomic
def import_attune_training(*, actor: User | None, profile: Profile) -> int:
    """The person's Training for Trainers sessions and community trainings attended, as
    training records (once each), for them to tag with competency areas."""
    from attune.training.models import Attendance, DeliveryAttendee

    person = getattr(profile.user, "training_person", None)
    if person is None:
        return 0
    have = set(profile.training.filter(from_attune=True).values_list("title", "day"))
    added = 0
    for a in Attendance.objects.filter(enrollment__person=person).select_related(
        "event_session__session", "event_session__event"
    ):
        es = a.event_session
        key = (f"{es.event.title}: {es.session}", es.starts_at.date())
        if key not in have:
            add_training(actor=actor, profile=profile, data={
                "title": key[0], "day": key[1], "hours": es.session.clock_hours,
                "from_attune": True,
            })  # fmt: skip
            have.add(key)
            added += 1
    for attendee in DeliveryAttendee.objects.filter(person=person).prefetch_related(
        "sessions__session", "delivery"
    ):
        for ds in attendee.sessions.all():
            key = (f"{attendee.delivery.title}: {ds.session}", ds.day)
            if key not in have:
                add_training(actor=actor, profile=profile, data={
                    "title": key[0], "day": ds.day, "hours": ds.hours, "from_attune": True,
                })  # fmt: skip
                have.add(key)
                added += 1
    return added


@transaction.atomic
def log_rsc(*, actor: User | None, profile: Profile, data: Mapping[str, Any]) -> RscSession:
    """One RS/C session. Refused when the facilitator holds no endorsement that allows them
    to provide RS/C (Level III or IV Clinical), or when it is the person themself."""
    facilitator = data.get("facilitator")
    if facilitator is not None and facilitator.pk == profile.pk:
        raise WorkforceError({"facilitator": _("You cannot facilitate your own RS/C.")})
    session = RscSession(profile=profile, **data)
    _save(session, actor)
    return session


@transaction.atomic
def log_group_meeting(
    *, actor: User | None, group: ReflectiveGroup, day: date, minutes: int,
    present: Sequence[Profile],
) -> list[RscSession]:  # fmt: skip
    """A reflective group's meeting: an RS/C group session for each member present."""
    members = set(group.members.values_list("pk", flat=True))
    strangers = [p for p in present if p.pk not in members]
    if strangers:
        raise WorkforceError(
            _("Not members of this group: %(names)s.")
            % {"names": ", ".join(str(p) for p in strangers)}
        )
    return [
        log_rsc(
            actor=actor,
            profile=p,
            data={
                "day": day,
                "minutes": minutes,
                "format": RscSession.Format.GROUP,
                "facilitator": group.facilitator,
                "group": group,
            },
        )
        for p in present
    ]


@transaction.atomic
def create_group(
    *, actor: User | None, name: str, facilitator: Profile, members: Sequence[Profile],
    starts: date,
) -> ReflectiveGroup:  # fmt: skip
    if not 3 <= len(members) <= 6:
        raise WorkforceError(_("A reflective group has 3 to 6 members."))
    if facilitator.endorsed_level not in ("III", "IV-clinical"):
        raise WorkforceError(
            _("%(name)s holds no endorsement at Level III or Level IV (Clinical) to lead a "
              "reflective group.") % {"name": facilitator}
        )  # fmt: skip
    group = ReflectiveGroup(name=name, facilitator=facilitator, starts=starts)
    _save(group, actor)
    with acting_as(actor):
        group.members.set(members)
    return group


# -- the engine's view of a profile ----------------------------------------------------------


def evidence(profile: Profile) -> engine.Evidence:
    return engine.Evidence(
        degrees=[engine.Degree(e.kind, e.completed, e.field) for e in profile.education.all()],
        work=[
            engine.Work(
                w.start,
                w.end,
                w.focus,
                paid=w.paid,
                supervised=w.supervised,
                label=f"{w.role}, {w.start.isoformat()}–{w.end.isoformat() if w.end else 'now'}",
            )
            for w in profile.experience.all()
        ],
        rsc=[engine.Rsc(s.day, s.minutes) for s in profile.rsc.all()],
        training_hours=float(sum((t.hours for t in profile.training.all()), Decimal("0"))),
        references=ApplicationDocument.objects.filter(
            application__profile=profile, kind=ApplicationDocument.Kind.REFERENCE
        ).count(),
    )


def state_extras(jurisdiction_id: int, today: date) -> dict[str, list[dict[str, Any]]]:
    """The state association's own requirements in effect today, per level, as engine
    criteria (the latest in effect for each level and kind)."""
    latest: dict[tuple[str, str], StateRequirement] = {}
    for item in StateRequirement.objects.filter(
        jurisdiction_id=jurisdiction_id, effective_from__lte=today
    ).order_by("effective_from", "pk"):
        latest[(item.level, item.kind)] = item
    extras: dict[str, list[dict[str, Any]]] = {}
    for (level, kind), item in sorted(latest.items()):
        if kind == StateRequirement.Kind.TRAINING_HOURS:
            extras.setdefault(level, []).append({"kind": "training_hours", "hours": item.amount})
        elif kind == StateRequirement.Kind.REFERENCES:
            extras.setdefault(level, []).append({"kind": "references", "count": item.amount})
    return extras


def readiness(profile: Profile, today: date) -> list[engine.LevelResult]:
    return engine.assess(
        evidence(profile), today=today, extra=state_extras(profile.jurisdiction_id, today)
    )


def renewal_status(profile: Profile, today: date) -> tuple[int, Decimal] | None:
    """(hours the state asks each year to renew, training hours of the last 12 months) for an
    endorsed person whose state sets renewal hours for their level; else None."""
    from datetime import timedelta

    if not profile.endorsed_level:
        return None
    item = (
        StateRequirement.objects.filter(
            jurisdiction_id=profile.jurisdiction_id,
            level=profile.endorsed_level,
            kind=StateRequirement.Kind.RENEWAL_HOURS,
            effective_from__lte=today,
        )
        .order_by("-effective_from", "-pk")
        .first()
    )
    if item is None:
        return None
    since = today - timedelta(days=365)
    hours = sum((t.hours for t in profile.training.filter(day__gt=since)), Decimal("0"))
    return item.amount, hours


@transaction.atomic
def add_state_requirement(
    *, actor: User | None, jurisdiction: Any, data: Mapping[str, Any]
) -> StateRequirement:
    item = StateRequirement(jurisdiction=jurisdiction, **data)
    _save(item, actor)
    return item


def hours_by_area(profile: Profile) -> list[tuple[str, str, Decimal]]:
    """(area key, label, hours) for the eight competency areas; a training tagged with
    several areas counts toward each."""
    from attune.workforce.models import AREAS

    totals = {k: Decimal("0") for k, _label in AREAS}
    for t in profile.training.all():
        for area in t.areas or []:
            if area in totals:
                totals[area] += t.hours
    return [(k, str(label), totals[k]) for k, label in AREAS]


# -- applications and renewals ---------------------------------------------------------------


@transaction.atomic
def start_application(*, actor: User | None, profile: Profile, level: str) -> Any:
    from attune.workforce.models import Application

    if profile.applications.filter(level=level).exclude(steps__has_key="award").exists():
        raise WorkforceError(_("An application for this level is already under way."))
    application = Application(profile=profile, level=level)
    _save(application, actor)
    return application


@transaction.atomic
def mark_step(*, actor: User | None, application: Any, step: str, day: date | None) -> None:
    """Record (or, with no date, clear) the date a step was done. Steps go in order; the exam
    is only for Levels III and IV; the award is recorded on the profile."""
    from django.utils import timezone

    from attune.workforce.models import Application

    keys = [k for k, _label in Application.STEPS]
    if step not in keys:
        raise WorkforceError(_("Unknown step."))
    if step == "exam" and application.level in ("I", "II"):
        raise WorkforceError(_("Levels I and II have no exam."))
    if day is not None and day > timezone.localdate():
        raise WorkforceError(_("A step cannot be done in the future."))
    steps = dict(application.steps)
    if day is None:
        steps.pop(step, None)
    else:
        needed = [k for k in keys[: keys.index(step)]
                  if not (k == "exam" and application.level in ("I", "II"))]  # fmt: skip
        missing = [k for k in needed if k not in steps]
        if missing:
            label = dict(Application.STEPS)[missing[0]]
            raise WorkforceError(_("Record the earlier step first: %(step)s.") % {"step": label})
        steps[step] = day.isoformat()
    application.steps = steps
    _save(application, actor)
    if step == "award" and day is not None:
        profile = application.profile
        profile.endorsed_level, profile.endorsed_on = application.level, day
        profile.renewal_due = date(day.year + 1, day.month, min(day.day, 28))
        _save(profile, actor)


RENEWAL_NOTICE_DAYS = 60
RENEWAL_EVERY_DAYS = 30


@transaction.atomic
def send_renewal_reminders(*, today: date) -> int:
    """Email each endorsed person whose yearly renewal is due within 60 days (or overdue),
    at most once a month, in their language. Returns how many were sent."""
    from datetime import timedelta

    from django.core.mail import send_mail
    from django.utils import translation

    sent = 0
    due = (
        Profile.objects.filter(
            renewal_due__isnull=False, renewal_due__lte=today + timedelta(days=RENEWAL_NOTICE_DAYS)
        )
        .exclude(endorsed_level="")
        .select_related("user")
    )
    for profile in due:
        reminded = profile.renewal_reminded_on
        if reminded and (today - reminded).days < RENEWAL_EVERY_DAYS:
            continue
        if not profile.user.email:
            continue
        assert profile.renewal_due is not None
        with translation.override(profile.user.preferred_language):
            subject = _("Your endorsement renewal is due on %(due)s") % {
                "due": profile.renewal_due.isoformat()
            }
            body = _(
                "Your infant mental health endorsement (%(level)s) is renewed yearly with "
                "continuing training and, where your association requires it, reflective "
                "supervision/consultation hours. Your renewal is due on %(due)s; your profile in "
                "Attune shows your hours."
            ) % {"level": profile.get_endorsed_level_display(), "due": profile.renewal_due}
        # the queued email and the reminder's date commit together (see training's reminders);
        # the save is audited like every write to a person's record
        with transaction.atomic(), acting_as(None):
            send_mail(subject, body, None, [profile.user.email])
            profile.renewal_reminded_on = today
            profile.save(update_fields=["renewal_reminded_on"])
        sent += 1
    return sent


@transaction.atomic
def add_document(*, actor: User | None, application: Any, data: Mapping[str, Any]) -> Any:
    from attune.workforce.models import ApplicationDocument

    document = ApplicationDocument(application=application, **data)
    _save(document, actor)
    return document
