"""Every write to program records. Keyword-only, atomic, audited (auditlog signals + acting_as).

Views and imports validate input first (forms, attune.programs.imports); services re-check the
model's own rules with full_clean so no path can store what a form would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attune.accounts.models import Membership
from attune.lib import schedules
from attune.lib.audit import acting_as, record_view
from attune.lib.audit import save_audited as _save
from attune.lib.concurrency import save_versioned
from attune.programs.models import (
    Caregiver,
    Child,
    EnrollmentEvent,
    Family,
    FamilyShare,
    Guardian,
    Jurisdiction,
    Organization,
    Program,
    PublishedRuleSet,
    Room,
    WaitlistEntry,
)

if TYPE_CHECKING:
    from attune.accounts.models import User


class ProgramsError(ValidationError):
    """A refused write, with the message the person sees."""


CHILD_FIELDS = (
    "first_name", "last_name", "preferred_name", "birth_date", "enrollment_start",
    "enrollment_end", "room", "care_group", "primary_caregiver", "schedule", "home_languages",
    "cultural_practices", "has_ifsp", "ifsp_coordinator_name", "ifsp_coordinator_phone",
    "ifsp_coordinator_email", "allergies", "medical_notes", "family",
)  # fmt: skip
FAMILY_FIELDS = ("code", "name", "preferred_language", "address", "notes")
GUARDIAN_FIELDS = (
    "first_name", "last_name", "relationship", "phone", "email", "is_primary_contact",
)  # fmt: skip
CAREGIVER_FIELDS = (
    "first_name", "last_name", "email", "phone", "role", "room", "care_group", "languages",
    "shifts",
    "hire_date", "end_date", "credentials", "ifsp_trained", "max_primary",
)  # fmt: skip
PROGRAM_FIELDS = (
    "name", "kind", "address", "license_number", "timezone", "opens_at", "closes_at",
    "open_days", "rule_set", "nap_check_minutes",
)  # fmt: skip
WAITLIST_FIELDS = (
    "child_first_name", "child_last_name", "birth_date", "guardian_name", "phone", "email",
    "preferred_language", "home_languages", "desired_start", "desired_schedule", "has_ifsp",
    "sibling", "notes", "status", "added_on",
)  # fmt: skip


def _assign(instance: Any, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"not a field of {type(instance).__name__}: {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


# -- children --------------------------------------------------------------------------------


def _group_label(child: Child) -> str:
    """The child's group as the family and the classroom say it: its small group's name, else
    its room's (a room without small groups is one group). A room that becomes a small group of
    the same name is no change for anyone."""
    if child.care_group is not None and child.care_group.retired_on is None:
        return child.care_group.label
    return child.room.name if child.room is not None else ""


def _child_events(before: Child | None, after: Child, actor: User | None) -> list[EnrollmentEvent]:
    events: list[EnrollmentEvent] = []

    def add(kind: str, effective: date, detail: str) -> None:
        events.append(
            EnrollmentEvent(
                child=after, kind=kind, effective=effective, detail=detail, recorded_by=actor
            )
        )

    if before is None:
        room = after.room.name if after.room else _("no room yet")
        add(EnrollmentEvent.Kind.ENROLLED, after.enrollment_start, room)
        return events
    today = after.program.today()
    if before.room_id != after.room_id:
        add(
            EnrollmentEvent.Kind.ROOM_CHANGED,
            today,
            f"{before.room or '—'} → {after.room or '—'}",
        )
    if before.care_group_id != after.care_group_id and _group_label(before) != _group_label(after):
        add(
            EnrollmentEvent.Kind.GROUP_CHANGED,
            today,
            f"{before.care_group or '—'} → {after.care_group or '—'}",
        )
    if before.primary_caregiver_id != after.primary_caregiver_id:
        add(
            EnrollmentEvent.Kind.PRIMARY_CHANGED,
            today,
            f"{before.primary_caregiver or '—'} → {after.primary_caregiver or '—'}",
        )
    if before.schedule != after.schedule:
        add(
            EnrollmentEvent.Kind.SCHEDULE_CHANGED,
            today,
            f"{schedules.to_text(before.schedule) or '—'} → {schedules.to_text(after.schedule) or '—'}",
        )
    if before.enrollment_end != after.enrollment_end:
        if after.enrollment_end is not None:
            add(EnrollmentEvent.Kind.WITHDRAWN, after.enrollment_end, "")
        else:
            add(EnrollmentEvent.Kind.REENROLLED, today, "")
    return events


def _check_family_reachable(program: Program, family: Family | None, actor: User | None) -> None:
    """A child is linked only to a family shared with its program: never another program's
    family on a director's pick alone. The organization's administrator may link any family of
    the organization (their pick is the confirmation, recorded as an approved share)."""
    if family is None or family.organization_id != program.organization_id:
        if family is not None:
            raise ProgramsError({"family": _("This family belongs to another organization.")})
        return
    share = FamilyShare.objects.filter(family=family, program=program).first()
    if share is not None and share.status == FamilyShare.Status.APPROVED:
        return
    if (
        actor is not None
        and Membership.objects.filter(
            user=actor, role=Membership.Role.ORG_ADMIN, organization_id=program.organization_id
        ).exists()
    ):
        share = share or FamilyShare(family=family, program=program, requested_by=actor)
        share.status = FamilyShare.Status.APPROVED
        share.decided_by = actor
        share.decided_at = timezone.now()
        _save(share, actor)
        return
    raise ProgramsError(
        {
            "family": _(
                "This family is not shared with %(program)s. Ask for it to be shared: "
                "a guardian of the family or the organization's administrator confirms."
            )
            % {"program": program}
        }
    )


@transaction.atomic
def create_child(*, actor: User | None, program: Program, data: Mapping[str, Any]) -> Child:
    child = Child(program=program)
    _assign(child, data, CHILD_FIELDS)
    _check_family_reachable(program, child.family if child.family_id else None, actor)
    child.schedule = schedules.validate(child.schedule)
    _save(child, actor)
    EnrollmentEvent.objects.bulk_create(_child_events(None, child, actor))
    return child


@transaction.atomic
def update_child(
    *,
    actor: User | None,
    child: Child,
    data: Mapping[str, Any],
    seen_version: int | None = None,
    reason: str = "",
) -> Child:
    """Change a child's record. With `seen_version` (an edit form), refuse a stale edit.
    A new primary caregiver is told to the family and both caregivers, with `reason`."""
    before = Child.objects.select_related("primary_caregiver").get(pk=child.pk)
    _assign(child, data, CHILD_FIELDS)
    if child.family_id != before.family_id:
        _check_family_reachable(child.program, child.family, actor)
    child.schedule = schedules.validate(child.schedule)
    save_versioned(child, actor, seen_version=seen_version)
    EnrollmentEvent.objects.bulk_create(_child_events(before, child, actor))
    if before.primary_caregiver_id != child.primary_caregiver_id:
        from attune.programs import notices

        notices.primary_changed(
            child=child, before=before.primary_caregiver, after=child.primary_caregiver,
            effective=child.program.today(), reason=reason,
        )  # fmt: skip
    return child


@transaction.atomic
def delete_child(*, actor: User | None, child: Child) -> None:
    """Erase a child's record (a family's request to remove their data). The audit entry stays."""
    with acting_as(actor):
        for entry in WaitlistEntry.objects.filter(sibling=child):
            entry.sibling = None
            # audited, unlike the FK's SET NULL
            save_versioned(entry, actor, update_fields=["sibling"])
        child.delete()


def view_child_record(*, actor: User, child: Child) -> None:
    """Record that staff opened the child's full record."""
    record_view(actor=actor, instance=child)


# -- families --------------------------------------------------------------------------------


@transaction.atomic
def create_family(
    *,
    actor: User | None,
    program: Program,
    data: Mapping[str, Any],
    guardians: list[Mapping[str, Any]] | None = None,
) -> Family:
    """Record a family in `program` (which it is then shared with)."""
    family = Family(organization_id=program.organization_id)
    _assign(family, data, FAMILY_FIELDS)
    _save(family, actor)
    share = FamilyShare(
        family=family,
        program=program,
        status=FamilyShare.Status.APPROVED,
        requested_by=actor,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    _save(share, actor)
    for guardian_data in guardians or []:
        guardian = Guardian(family=family)
        _assign(guardian, guardian_data, GUARDIAN_FIELDS)
        _save(guardian, actor)
    return family


@transaction.atomic
def update_family(
    *,
    actor: User | None,
    family: Family,
    data: Mapping[str, Any],
    seen_version: int | None = None,
) -> Family:
    _assign(family, data, FAMILY_FIELDS)
    save_versioned(family, actor, seen_version=seen_version)
    return family


@transaction.atomic
def request_family_share(
    *, actor: User | None, program: Program, code: str, note: str = ""
) -> FamilyShare | None:
    """A program asks to reach a family recorded by another program of the organization.

    Nothing is shared until a guardian of the family or the organization's administrator
    confirms (decide_family_share). Returns None when no such family exists, or it is already
    shared with the program; the person asking is told the same either way, so the request
    does not reveal which codes exist."""
    family = (
        Family.objects.filter(organization_id=program.organization_id, code__iexact=code.strip())
        .exclude(shares__program=program, shares__status=FamilyShare.Status.APPROVED)
        .first()
    )
    if family is None:
        return None
    share = FamilyShare.objects.filter(family=family, program=program).first()
    if share is None:
        share = FamilyShare(family=family, program=program)
    share.status = FamilyShare.Status.PENDING
    share.note = note.strip()[:300]
    share.requested_by = actor
    share.decided_by = None
    share.decided_at = None
    _save(share, actor)
    return share


@transaction.atomic
def decide_family_share(*, actor: User | None, share: FamilyShare, approve: bool) -> FamilyShare:
    """A guardian of the family or the organization's administrator answers a request."""
    share = FamilyShare.objects.select_for_update().get(pk=share.pk)
    if share.status != FamilyShare.Status.PENDING:
        raise ProgramsError(_("This request was already answered."))
    share.status = FamilyShare.Status.APPROVED if approve else FamilyShare.Status.DECLINED
    share.decided_by = actor
    share.decided_at = timezone.now()
    _save(share, actor)
    return share


@transaction.atomic
def save_guardian(
    *,
    actor: User | None,
    family: Family,
    guardian: Guardian | None,
    data: Mapping[str, Any],
    seen_version: int | None = None,
) -> Guardian:
    guardian = guardian or Guardian(family=family)
    if guardian.family_id != family.pk:
        raise ValueError("guardian belongs to another family")
    _assign(guardian, data, GUARDIAN_FIELDS)
    guardian.full_clean()
    with acting_as(actor):
        if guardian.is_primary_contact:
            for other in family.guardians.filter(is_primary_contact=True).exclude(pk=guardian.pk):
                other.is_primary_contact = False
                save_versioned(other, actor, update_fields=["is_primary_contact"])
        save_versioned(guardian, actor, seen_version=seen_version)
    return guardian


@transaction.atomic
def delete_guardian(*, actor: User | None, guardian: Guardian) -> None:
    with acting_as(actor):
        guardian.delete()


# -- caregivers ------------------------------------------------------------------------------


@transaction.atomic
def create_caregiver(*, actor: User | None, program: Program, data: Mapping[str, Any]) -> Caregiver:
    caregiver = Caregiver(program=program)
    _assign(caregiver, data, CAREGIVER_FIELDS)
    caregiver.shifts = schedules.validate(caregiver.shifts)
    _save(caregiver, actor)
    return caregiver


@transaction.atomic
def update_caregiver(
    *,
    actor: User | None,
    caregiver: Caregiver,
    data: Mapping[str, Any],
    seen_version: int | None = None,
) -> Caregiver:
    _assign(caregiver, data, CAREGIVER_FIELDS)
    caregiver.shifts = schedules.validate(caregiver.shifts)
    save_versioned(caregiver, actor, seen_version=seen_version)
    return caregiver


# -- jurisdictions, organizations, programs --------------------------------------------------


@transaction.atomic
def get_or_create_jurisdiction(
    *, actor: User | None, code: str, name: str, kind: str = Jurisdiction.Kind.STATE
) -> Jurisdiction:
    """The jurisdiction with this code, created (with `name` and `kind`) when it is missing."""
    existing = Jurisdiction.objects.filter(code=code).first()
    if existing is not None:
        return existing
    jurisdiction = Jurisdiction(code=code, name=name, kind=kind)
    _save(jurisdiction, actor)
    return jurisdiction


@transaction.atomic
def create_organization(*, actor: User | None, name: str) -> Organization:
    organization = Organization(name=name)
    _save(organization, actor)
    return organization


@transaction.atomic
def create_program(
    *,
    actor: User | None,
    organization: Organization,
    jurisdiction: Jurisdiction,
    data: Mapping[str, Any],
) -> Program:
    program = Program(organization=organization, jurisdiction=jurisdiction)
    _assign(program, data, PROGRAM_FIELDS)
    _save(program, actor)
    return program


# -- rule sets (issue #15) -------------------------------------------------------------------


class RuleSetRefused(ValueError):
    """The rule set cannot be published or chosen; `field` and `message` say why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


@transaction.atomic
def publish_rule_set(
    *, actor: User, jurisdiction: Jurisdiction, document: Mapping[str, Any]
) -> PublishedRuleSet:
    """Publish a new version of a jurisdiction's rule set. The document is checked whole by
    the planner (planner.rules.parse_rule_set); nothing is written when it is refused. The
    version number is the next for its id; earlier versions are kept as they are."""
    from planner import rules as planner_rules

    if not isinstance(document, Mapping):
        raise RuleSetRefused("", _("A rule set is an object with its fields."))
    try:
        parsed = planner_rules.parse_rule_set(dict(document))
    except planner_rules.RuleSetError as exc:
        raise RuleSetRefused(exc.where, exc.message) from None
    if parsed.id in planner_rules.BUILT_IN:
        raise RuleSetRefused("id", _("This id is a built-in rule set's; choose another."))
    # lock the jurisdiction's row: two publishers of the same id get consecutive versions
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
    last = (
        PublishedRuleSet.objects.filter(jurisdiction=jurisdiction, rule_id=parsed.id)
        .order_by("-version")
        .first()
    )
    version = PublishedRuleSet(
        jurisdiction=jurisdiction,
        rule_id=parsed.id,
        version=(last.version + 1) if last is not None else 1,
        name=parsed.name[:200],
        citation=parsed.citation,
        effective=parsed.effective,
        document=dict(document),
        published_by=actor,
    )
    _save(version, actor)
    return version


@transaction.atomic
def set_program_rules(
    *,
    actor: User,
    program: Program,
    state_rules: str,
    rule_set: str,
    extra_rules: list[str],
) -> Program:
    """Choose the rule sets that bind a program: its state's published set (by id), a
    built-in set, and extra sets (built-in names or state:<id>)."""
    from attune.programs import rulesets
    from planner import rules as planner_rules

    known = set(rulesets.published_ids(program.jurisdiction))
    if state_rules and state_rules not in known:
        raise RuleSetRefused("state_rules", _("The state has published no rule set with this id."))
    for name in extra_rules:
        state_id = name.removeprefix(rulesets.STATE_PREFIX)
        if name.startswith(rulesets.STATE_PREFIX) and state_id not in known:
            raise RuleSetRefused("extra_rules", _("Unknown rule set: %(name)s") % {"name": name})
        if not name.startswith(rulesets.STATE_PREFIX) and name not in planner_rules.BUILT_IN:
            raise RuleSetRefused("extra_rules", _("Unknown rule set: %(name)s") % {"name": name})
    program.state_rules = state_rules
    program.rule_set = rule_set
    program.extra_rules = list(dict.fromkeys(extra_rules))
    _save(program, actor)
    return program


# -- rooms, waitlist, memberships ------------------------------------------------------------


@transaction.atomic
def create_room(
    *, actor: User | None, program: Program, name: str, capacity: int, max_groups: int = 1
) -> Room:
    room = Room(program=program, name=name, capacity=capacity, max_groups=max_groups)
    _save(room, actor)
    return room


@transaction.atomic
def save_waitlist_entry(
    *,
    actor: User | None,
    program: Program,
    entry: WaitlistEntry | None,
    data: Mapping[str, Any],
    seen_version: int | None = None,
) -> WaitlistEntry:
    entry = entry or WaitlistEntry(program=program)
    _assign(entry, data, WAITLIST_FIELDS)
    entry.desired_schedule = schedules.validate(entry.desired_schedule)
    save_versioned(entry, actor, seen_version=seen_version)
    return entry


@transaction.atomic
def grant_membership(
    *,
    actor: User | None,
    user: User,
    role: str,
    program: Program | None = None,
    organization_id: int | None = None,
    jurisdiction_id: int | None = None,
) -> Membership:
    scope: dict[str, Any] = {
        "program": program,
        "organization_id": organization_id,
        "jurisdiction_id": jurisdiction_id,
    }
    with acting_as(actor):
        membership, _created = Membership.objects.get_or_create(user=user, role=role, **scope)
    return membership


@transaction.atomic
def link_caregiver_user(*, actor: User | None, caregiver: Caregiver, user: User | None) -> None:
    """Give a caregiver their sign-in (or take it away with user=None)."""
    caregiver.user = user
    save_versioned(caregiver, actor, update_fields=["user"])


@transaction.atomic
def link_guardian_user(*, actor: User | None, guardian: Guardian, user: User | None) -> None:
    """Give a guardian their family sign-in (or take it away with user=None)."""
    guardian.user = user
    save_versioned(guardian, actor, update_fields=["user"])
