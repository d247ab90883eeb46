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


# What the person declares about the endorsement they hold: changing any of it makes it a
# declaration again, to be verified by the association's coordinator.
DECLARED = ("endorsed_level", "endorsed_on", "renewal_due", "endorsement_number",
            "endorsement_evidence")  # fmt: skip


def _claim_version(profile: Profile | Any, seen: int | None) -> None:
    """A record the person and the coordinator both write: the save goes ahead only when it is
    still at the version the writer saw (`seen`); None (a system write) just moves it on."""
    from attune.training.services import claim_version

    try:
        claim_version(profile, seen)
    except ValidationError as error:
        raise WorkforceError(error.messages) from None


def _as_declared(profile: Profile) -> None:
    from attune.workforce.models import EndorsementStatus

    profile.endorsement_status = EndorsementStatus.DECLARED if profile.endorsed_level else ""
    profile.verified_by, profile.verified_on, profile.verification_note = None, None, ""


@transaction.atomic
def save_profile(
    *, actor: User | None, user: User, data: Mapping[str, Any], version: int | None = None
) -> Profile:
    """The person's profile. An endorsement they enter (or change) is a declaration: it
    awaits the association's verification and gives no rights until then."""
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    before = {name: getattr(profile, name) for name in DECLARED}
    _claim_version(profile, version)
    for name, value in data.items():
        setattr(profile, name, value)
    if any(getattr(profile, name) != before[name] for name in DECLARED if name in data):
        _as_declared(profile)
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
    from django.utils import timezone

    from attune.training.models import Attendance, DeliveryAttendee

    person = getattr(profile.user, "training_person", None)
    if person is None:
        return 0
    today = timezone.localdate()
    have = set(profile.training.filter(from_attune=True).values_list("title", "day"))
    added = 0
    for a in Attendance.objects.filter(
        enrollment__person=person, event_session__starts_at__lte=timezone.now()
    ).select_related("event_session__session", "event_session__event"):
        es = a.event_session
        key = (f"{es.event.title}: {es.session}", timezone.localtime(es.starts_at).date())
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
            if ds.day > today:
                continue
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
    from django.utils import timezone

    if not facilitator.may_facilitate_rsc(timezone.localdate()):
        raise WorkforceError(
            _("%(name)s holds no verified endorsement at Level III or Level IV (Clinical) in "
              "effect to lead a reflective group.") % {"name": facilitator}
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
        training=[engine.Training(t.day, float(t.hours)) for t in profile.training.all()],
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


def renewal_extras(jurisdiction_id: int, level: str, today: date) -> dict[str, int]:
    """The state association's own yearly renewal figures for a level, in effect today
    (replacing the rules' defaults)."""
    kinds = {
        StateRequirement.Kind.RENEWAL_HOURS: "training_hours",
        StateRequirement.Kind.RENEWAL_RSC_HOURS: "rsc_hours",
    }
    found: dict[str, int] = {}
    for item in StateRequirement.objects.filter(
        jurisdiction_id=jurisdiction_id, level=level, kind__in=list(kinds),
        effective_from__lte=today,
    ).order_by("effective_from", "pk"):  # fmt: skip
        found[kinds[StateRequirement.Kind(item.kind)]] = item.amount
    return found


def renewal_status(profile: Profile, today: date) -> engine.RenewalResult | None:
    """The yearly renewal of the endorsement the person holds or declared: the training and
    RS/C hours of the renewal year against what their state association asks."""
    if not profile.endorsed_level or profile.renewal_due is None:
        return None
    return engine.renewal(
        evidence(profile), level=profile.endorsed_level, due=profile.renewal_due, today=today,
        extra=renewal_extras(profile.jurisdiction_id, profile.endorsed_level, today),
    )  # fmt: skip


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
        # recorded by the person, the award is a declaration for the association to verify
        from dateutil.relativedelta import relativedelta

        profile = application.profile
        _claim_version(profile, None)
        profile.endorsed_level, profile.endorsed_on = application.level, day
        profile.renewal_due = day + relativedelta(years=1)
        _as_declared(profile)
        _save(profile, actor)


RENEWAL_NOTICE_DAYS = 60
RENEWAL_EVERY_DAYS = 30


@transaction.atomic
def send_renewal_reminders(*, today: date) -> int:
    """Email each endorsed person (verified or declared) whose yearly renewal is due within 60
    days or overdue, at most once a month, in their language, with the hours their renewal
    year still asks for. Returns how many were sent. (The management command calls it; the
    task queue's schedule can.)"""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils.formats import date_format

    from attune.accounts import notify
    from attune.workforce.models import EndorsementStatus
    from attune.workforce.standing import renewal_line

    sent = 0
    due = (
        Profile.objects.filter(
            renewal_due__isnull=False, renewal_due__lte=today + timedelta(days=RENEWAL_NOTICE_DAYS)
        )
        .exclude(endorsed_level="")
        .exclude(endorsement_status=EndorsementStatus.REFUSED)
        .select_related("user")
    )
    for profile in due:
        reminded = profile.renewal_reminded_on
        if reminded and (today - reminded).days < RENEWAL_EVERY_DAYS:
            continue
        assert profile.renewal_due is not None
        status = renewal_status(profile, today)

        def subject(due: date = profile.renewal_due) -> str:
            return _("Your endorsement renewal is due on %(due)s") % {
                "due": date_format(due, "DATE_FORMAT")
            }

        def body(profile: Profile = profile, status: Any = status) -> str:
            text = _(
                "Your infant mental health endorsement (%(level)s) is renewed yearly with "
                "continuing training and, where your association requires it, reflective "
                "supervision/consultation hours. Your renewal is due on %(due)s; your profile in "
                "Attune shows your hours."
            ) % {"level": profile.get_endorsed_level_display(), "due": profile.renewal_due}
            if status is not None:
                text += "\n\n" + renewal_line(status)
            return text

        # the notification (and its queued email, by the person's choice) and the reminder's
        # date commit together; the save is audited like every write to a person's record
        with transaction.atomic(), acting_as(None):
            notify.notify(
                users=[profile.user], kind=notify.Kind.CREDENTIAL, title=subject, body=body,
                url=reverse("workforce_me"),
                key=f"renewal:{profile.pk}:{today.isoformat()}",
            )  # fmt: skip
            profile.renewal_reminded_on = today
            profile.save(update_fields=["renewal_reminded_on"])
        sent += 1
    return sent


# -- the association's endorsement coordinator -----------------------------------------------


def submitted(profile: Profile) -> bool:
    """Whether the person brought their endorsement to the association: one declared (or
    verified), or an application started."""
    return bool(profile.endorsed_level) or profile.applications.exists()


@transaction.atomic
def verify_endorsement(
    *, actor: User | None, profile: Profile, level: str, number: str, awarded: date,
    renewal_due: date, note: str = "", version: int | None, today: date,
) -> Profile:  # fmt: skip
    """The coordinator checked the declared endorsement against the association's records (the
    number and dates, the evidence uploaded) and verifies it, as corrected: from now it gives
    the rights of its level while in effect."""
    from dateutil.relativedelta import relativedelta

    from attune.workforce.models import LEVELS, EndorsementStatus

    if level not in dict(LEVELS):
        raise WorkforceError({"level": _("Choose the level.")})
    if not number.strip():
        raise WorkforceError(
            {"number": _("Enter the endorsement number from the association's records.")}
        )
    if awarded > today:
        raise WorkforceError(
            {"awarded": _("An endorsement awarded in the future cannot be verified.")}
        )
    if renewal_due <= awarded:
        raise WorkforceError({"renewal_due": _("The renewal date comes after the award.")})
    if renewal_due > max(today, awarded) + relativedelta(years=1):
        raise WorkforceError(
            {"renewal_due": _("The renewal date is more than a year ahead; endorsements renew "
                              "yearly.")}
        )  # fmt: skip
    _claim_version(profile, version)
    profile.endorsed_level, profile.endorsement_number = level, number.strip()
    profile.endorsed_on, profile.renewal_due = awarded, renewal_due
    profile.endorsement_status = EndorsementStatus.VERIFIED
    profile.verified_by, profile.verified_on, profile.verification_note = actor, today, note
    _save(profile, actor)
    return profile


@transaction.atomic
def refuse_endorsement(
    *, actor: User | None, profile: Profile, note: str, version: int | None, today: date
) -> Profile:
    """The declared endorsement does not match the association's records: it stays without
    rights, with the reason the person sees."""
    from attune.workforce.models import EndorsementStatus

    if not note.strip():
        raise WorkforceError({"note": _("Say why, for the person to see.")})
    if not profile.endorsed_level:
        raise WorkforceError(_("No endorsement is declared."))
    _claim_version(profile, version)
    profile.endorsement_status = EndorsementStatus.REFUSED
    profile.verified_by, profile.verified_on, profile.verification_note = actor, today, note
    _save(profile, actor)
    return profile


@transaction.atomic
def record_renewal(
    *, actor: User | None, profile: Profile, version: int | None, today: date
) -> Profile:
    """The coordinator renews a verified endorsement for a year (from its renewal date, in
    calendar months) once its renewal year's hours are met; from 60 days before the date."""
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    from attune.workforce.models import EndorsementStatus

    if profile.endorsement_status != EndorsementStatus.VERIFIED or profile.renewal_due is None:
        raise WorkforceError(_("Only a verified endorsement with a renewal date is renewed."))
    if profile.renewal_due - today > timedelta(days=RENEWAL_NOTICE_DAYS):
        raise WorkforceError(
            _("The renewal is recorded from %(n)d days before it is due.")
            % {"n": RENEWAL_NOTICE_DAYS}
        )
    status = renewal_status(profile, today)
    if status is not None and not status.met:
        raise WorkforceError(
            _("The renewal year's hours are not met yet: %(missing)s.")
            % {"missing": "; ".join(line.shown for line in status.missing)}
        )
    _claim_version(profile, version)
    profile.renewal_due = profile.renewal_due + relativedelta(years=1)
    profile.renewal_reminded_on = None
    _save(profile, actor)
    return profile


@transaction.atomic
def add_document(*, actor: User | None, application: Any, data: Mapping[str, Any]) -> Any:
    from attune.workforce.models import ApplicationDocument

    document = ApplicationDocument(application=application, **data)
    _save(document, actor)
    return document


# -- the state's directory of T/TA specialists and trainers ----------------------------------


@transaction.atomic
def save_directory_entry(
    *, actor: User | None, user: User, data: Mapping[str, Any], version: int | None = None
) -> Any:
    """The person's own directory entry (created or updated)."""
    from attune.workforce.models import DirectoryEntry

    entry = DirectoryEntry.objects.filter(user=user).first() or DirectoryEntry(user=user)
    _claim_version(entry, version)
    for name, value in data.items():
        setattr(entry, name, value)
    _save(entry, actor)
    return entry


@transaction.atomic
def request_support(
    *, actor: User | None, entry: Any, program: Any, practices: Sequence[str], message: str
) -> Any:
    """A program asks a specialist or trainer of its state's directory for support."""
    from django.db import IntegrityError

    from attune.accounts.models import Membership
    from attune.workforce.models import SupportRequest

    if program.jurisdiction_id != entry.jurisdiction_id:
        raise WorkforceError(_("This specialist works in another state."))
    if Membership.objects.filter(user_id=entry.user_id, program=program).exists():
        raise WorkforceError(
            _("%(name)s already supports %(program)s.") % {"name": entry, "program": program}
        )
    if entry.open_capacity() <= 0:
        raise WorkforceError(
            _("%(name)s has no open capacity now; ask someone else or try later.") % {"name": entry}
        )
    request = SupportRequest(
        entry=entry, program=program, requested_by=actor, practices=list(practices),
        message=message,
    )  # fmt: skip
    try:
        with transaction.atomic():
            _save(request, actor)
    except (IntegrityError, ValidationError):
        if SupportRequest.objects.filter(
            entry=entry, program=program, status=SupportRequest.Status.REQUESTED
        ).exists():
            raise WorkforceError(
                _("A request from %(program)s to %(name)s is already waiting for an answer.")
                % {"program": program, "name": entry}
            ) from None
        raise
    return request


@transaction.atomic
def answer_support_request(
    *, actor: User | None, request: Any, accept: bool, reply: str = "", version: int | None
) -> Any:
    """The specialist or trainer asked accepts (the request becomes a support relationship: a
    support membership for the program, within their capacity) or declines (with a reply)."""
    from django.utils import timezone

    from attune.programs import services as program_services
    from attune.workforce.models import DirectoryEntry, SupportRequest

    if request.status != SupportRequest.Status.REQUESTED:
        raise WorkforceError(
            _("This request was already answered or withdrawn (%(status)s).")
            % {"status": request.get_status_display()}
        )
    entry = DirectoryEntry.objects.select_for_update().get(pk=request.entry_id)
    if accept and entry.open_capacity() <= 0:
        raise WorkforceError(
            _("You have no open capacity; raise it in your directory entry first.")
        )
    if not accept and not reply.strip():
        raise WorkforceError({"reply": _("Say why, for the program to see.")})
    _claim_version(request, version)
    request.status = SupportRequest.Status.ACCEPTED if accept else SupportRequest.Status.DECLINED
    request.reply, request.decided_at = reply, timezone.now()
    _save(request, actor)
    if accept:
        program_services.grant_membership(
            actor=actor, user=entry.user, role=entry.kind, program=request.program
        )
    return request


@transaction.atomic
def withdraw_support_request(*, actor: User | None, request: Any, version: int | None) -> Any:
    from django.utils import timezone

    from attune.workforce.models import SupportRequest

    if request.status != SupportRequest.Status.REQUESTED:
        raise WorkforceError(
            _("This request was already answered or withdrawn (%(status)s).")
            % {"status": request.get_status_display()}
        )
    _claim_version(request, version)
    request.status, request.decided_at = SupportRequest.Status.WITHDRAWN, timezone.now()
    _save(request, actor)
    return request
