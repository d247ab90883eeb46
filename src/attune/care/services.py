"""Every write to daily-care records. Keyword-only, atomic, audited (auditlog + acting_as).

Nothing is overwritten: care-plan changes are new versions, entries are corrected by new
entries, nap checks are appended, and ending a nap is a conditional update that refuses to
end a nap someone else already ended. Forms validate first; services re-check the model's
rules with full_clean, so no path stores what a form would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attune.care import notices
from attune.care.day import OPEN_NAP_LOOKBACK, day_bounds
from attune.care.models import CareEntry, CarePlan, FamilyNote, Ifsp, NapCheck
from attune.lib import audit
from attune.lib.audit import acting_as, log_updated, save_audited
from attune.lib.concurrency import Change, StaleEdit, check_version, save_versioned
from attune.programs.models import Child

if TYPE_CHECKING:
    from attune.accounts.models import User

PLAN_FIELDS = (
    "feeding_kinds", "feeding_pattern", "feeding_interval_minutes", "bottle_ml", "feeding_notes",
    "foods_to_avoid", "sleep_times", "sleep_position", "sleep_medical_note", "falling_asleep",
    "comfort_objects", "diapering", "comforting", "home_routines", "home_words",
    "cultural_practices", "interests", "accommodations", "text_language", "second_language",
    "second_text",
)  # fmt: skip
ENTRY_FIELDS = (
    "at", "until", "amount_ml", "milk", "portion", "food", "wet", "bm", "mood", "provider",
    "note",
)  # fmt: skip
IFSP_FIELDS = ("outcomes", "services", "provider", "visit_schedule", "review_date")
FUTURE_SLACK = timedelta(minutes=2)  # clocks of tablets differ a little


class CareError(ValidationError):
    """A refused write, with the message the person sees."""


def _only(data: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"not a field here: {sorted(unknown)}")
    return dict(data)


def current_plan(child: Child) -> CarePlan | None:
    return child.care_plans.filter(status=CarePlan.Status.CURRENT).first()


def _next_version(child: Child) -> int:
    # Lock the child's row so two writers cannot take the same version number.
    list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
    top = child.care_plans.aggregate(top=Max("version"))["top"]
    return (top or 0) + 1


def _make_current(plan: CarePlan, actor: User | None) -> None:
    for old in plan.child.care_plans.filter(status=CarePlan.Status.CURRENT).exclude(pk=plan.pk):
        old.status = CarePlan.Status.SUPERSEDED
        with acting_as(actor):
            old.save(update_fields=["status"])
    plan.status = CarePlan.Status.CURRENT
    plan.decided_by = actor
    plan.decided_at = timezone.now()


def _refuse_stale_plan(child: Child, based_on: CarePlan | None, seen: int | None) -> None:
    """Refuse a version written from `seen` when another version came into effect since."""
    if seen is None or (based_on.version if based_on else 0) == seen:
        return
    changes: list[Change] = []
    if based_on is not None:
        base = child.care_plans.filter(version=seen).first()
        changes.append(
            Change(
                who=str(based_on.decided_by or based_on.proposed_by or "—"),
                when=based_on.decided_at or based_on.proposed_at,
                what=[
                    audit.field_change(
                        CarePlan, name, getattr(base, name, None), getattr(based_on, name)
                    )
                    for name in changed_fields(based_on, base)
                ],
            )
        )
    raise StaleEdit(current_version=based_on.version if based_on else 0, changes=changes)


@transaction.atomic
def save_care_plan(
    *, actor: User | None, child: Child, data: Mapping[str, Any], seen_version: int | None = None
) -> CarePlan:
    """Staff write a new version, in effect at once; the previous one is kept as superseded.

    With `seen_version` (the version in effect when the form was opened), refuse a stale edit:
    a version that came into effect since is never silently replaced."""
    version = _next_version(child)  # locks the child's row first
    based_on = current_plan(child)
    _refuse_stale_plan(child, based_on, seen_version)
    plan = CarePlan(
        child=child,
        version=version,
        status=CarePlan.Status.CURRENT,
        based_on=based_on,
        proposed_by=actor,
        **_only(data, PLAN_FIELDS),
    )
    plan.full_clean(exclude=["status"])
    _make_current(plan, actor)
    with acting_as(actor):
        plan.save()
    return plan


@transaction.atomic
def propose_care_plan(*, actor: User | None, child: Child, data: Mapping[str, Any]) -> CarePlan:
    """The family proposes a change; it takes effect when the caregiver or director accepts."""
    plan = CarePlan(
        child=child,
        version=_next_version(child),
        status=CarePlan.Status.PROPOSED,
        based_on=current_plan(child),
        proposed_by=actor,
        **_only(data, PLAN_FIELDS),
    )
    save_audited(plan, actor)
    notices.proposal_made(plan)
    return plan


def changed_fields(plan: CarePlan, base: CarePlan | None) -> list[str]:
    """The fields a version changes from `base` (all the filled ones when there is no base)."""
    if base is None:
        empty = CarePlan()
        return [f for f in PLAN_FIELDS if getattr(plan, f) != getattr(empty, f)]
    return [f for f in PLAN_FIELDS if getattr(plan, f) != getattr(base, f)]


@transaction.atomic
def decide_care_plan(
    *, actor: User | None, plan: CarePlan, accept: bool, note: str = ""
) -> CarePlan:
    """Accept or decline a family's proposal.

    Accepting applies what the family changed onto the version now in effect (a plan edited by
    staff since the family started writing keeps those edits where the family changed nothing),
    as a new current version; the proposal itself is kept as it was written.
    """
    plan = (
        CarePlan.objects.select_for_update(of=("self",))
        .select_related("child__program")
        .get(pk=plan.pk)
    )
    if plan.status != CarePlan.Status.PROPOSED:
        raise CareError(_("This proposal was already decided."))
    plan.decided_by = actor
    plan.decided_at = timezone.now()
    plan.decision_note = note[:300]
    if not accept:
        plan.status = CarePlan.Status.DECLINED
        with acting_as(actor):
            plan.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        notices.proposal_decided(plan, accepted=False)
        return plan
    notices.proposal_decided(plan, accepted=True)
    current = current_plan(plan.child)
    if current is None or current.pk == plan.based_on_id:
        # Nothing changed since the family started: the proposal itself comes into effect.
        plan.full_clean(exclude=["status"])
        _make_current(plan, actor)
        with acting_as(actor):
            plan.save()
        return plan
    merged = {f: getattr(current, f) for f in PLAN_FIELDS}
    for name in changed_fields(plan, plan.based_on):
        merged[name] = getattr(plan, name)
    accepted = save_care_plan(actor=actor, child=plan.child, data=merged)
    plan.status = CarePlan.Status.SUPERSEDED
    with acting_as(actor):
        plan.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return accepted


# -- the daily record ------------------------------------------------------------------------


def _check_time(child: Child, at: datetime, until: datetime | None = None) -> None:
    now = timezone.now()
    if at > now + FUTURE_SLACK:
        raise CareError({"at": _("That time is in the future; log what has happened.")})
    if until is not None:
        if until < at:
            raise CareError({"until": _("The end is before the start.")})
        if until > now + FUTURE_SLACK:
            raise CareError({"until": _("That time is in the future; log what has happened.")})
    local_day = at.astimezone(child.program.tz).date()
    if not child.is_enrolled(local_day):
        raise CareError({"at": _("The child is not enrolled on that day.")})


def _checked_entry(entry: CareEntry) -> None:
    _check_time(entry.child, entry.at, entry.until)
    kind = entry.kind
    if kind == CareEntry.Kind.BOTTLE and entry.amount_ml is None:
        raise CareError({"amount_ml": _("Say how much the child drank.")})
    if kind == CareEntry.Kind.MEAL and not entry.portion:
        raise CareError({"portion": _("Say how much the child ate.")})
    if kind == CareEntry.Kind.DIAPER and not (entry.wet or entry.bm) and not entry.note:
        raise CareError({"wet": _("Mark wet, bowel movement, or add a note (e.g. dry).")})
    if kind == CareEntry.Kind.MOOD and not entry.mood:
        raise CareError({"mood": _("Choose a mood.")})
    if kind == CareEntry.Kind.NOTE and not entry.note.strip():
        raise CareError({"note": _("Write the note.")})
    if kind == CareEntry.Kind.EI_VISIT and not entry.provider.strip():
        raise CareError({"provider": _("Name the early-intervention provider.")})
    entry.full_clean(exclude=["corrects"])


DUPLICATE_WINDOW = timedelta(seconds=5)  # the same tap again this soon is the same entry
UNDO_WINDOW = timedelta(seconds=10)  # a tap can be undone this long (the button shows it)
UNDO_GRACE = timedelta(seconds=5)  # a press at 9.9 s still arrives after 10 s


def _duplicate_of(entry: CareEntry) -> CareEntry | None:
    """The same entry by the same person for the same child in the last few seconds (a
    double tap, a retry on a slow network), still standing; else None."""
    since = timezone.now() - DUPLICATE_WINDOW
    recent = CareEntry.objects.filter(
        child=entry.child, kind=entry.kind, author=entry.author, corrects__isnull=True,
        withdrawn=False, created_at__gte=since,
    ).filter(corrections__isnull=True)  # fmt: skip
    for earlier in recent.order_by("-created_at"):
        same = all(
            getattr(earlier, f) == getattr(entry, f) for f in ENTRY_FIELDS if f not in ("at",)
        )
        if same and abs(earlier.at - entry.at) <= timedelta(minutes=1):
            return earlier
    return None


@transaction.atomic
def log_entry(*, actor: User | None, child: Child, kind: str, data: Mapping[str, Any]) -> CareEntry:
    """A new entry in the child's day. Several caregivers logging at once each add their own;
    the same person's same tap again within a few seconds is not logged twice (the entry
    logged first is returned, with `duplicate` set)."""
    entry = CareEntry(child=child, kind=kind, author=actor, **_only(data, ENTRY_FIELDS))
    # Lock the child's row: two taps arriving together are decided one after the other.
    list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
    if actor is not None:
        earlier = _duplicate_of(entry)
        if earlier is not None:
            earlier.duplicate = True  # type: ignore[attr-defined]
            return earlier
    if kind == CareEntry.Kind.NAP and entry.until is None and sleeping_nap(child) is not None:
        raise CareError({"at": _("%(child)s is already asleep.") % {"child": child}})
    _checked_entry(entry)
    with acting_as(actor):
        entry.save()
    return entry


def undoable(actor: User | None, child_ids: list[int]) -> dict[int, CareEntry]:
    """Per child, the person's latest entry logged in the last UNDO_WINDOW and still
    standing: the undo button the record page shows (with or without JavaScript)."""
    if actor is None or not child_ids:
        return {}
    since = timezone.now() - UNDO_WINDOW
    out: dict[int, CareEntry] = {}
    for entry in CareEntry.objects.filter(
        child_id__in=child_ids, author=actor, corrects__isnull=True, withdrawn=False,
        created_at__gte=since, corrections__isnull=True,
    ).order_by("created_at"):  # fmt: skip
        out[entry.child_id] = entry
    return out


@transaction.atomic
def undo_entry(*, actor: User | None, entry: CareEntry) -> CareEntry:
    """Take back a tap just made: the entry is withdrawn (a correction that stays in the
    record). Only the person who logged it, and only in the seconds the undo button shows."""
    list(Child.objects.select_for_update().filter(pk=entry.child_id).values_list("pk", flat=True))
    entry = CareEntry.objects.select_related("child__program").get(pk=entry.pk)
    if actor is None or entry.author_id != actor.pk or entry.corrects_id is not None:
        raise CareError(_("Only the person who logged it can undo it; correct it instead."))
    if entry.withdrawn or entry.corrections.exists():
        raise CareError(_("This entry was already changed; see today's entries."))
    if timezone.now() - entry.created_at > UNDO_WINDOW + UNDO_GRACE:
        raise CareError(_("Too late to undo; correct the entry from today's entries instead."))
    return correct_entry(actor=actor, entry=entry, withdraw=True)


def sleeping_nap(child: Child) -> CareEntry | None:
    """The child's open nap, if they are asleep now. An open nap is never corrected (it is
    ended first), only withdrawn, so it is an original entry with no corrections. A nap left
    open since before the day's look-back (a forgotten "woke up") is not a nap now."""
    program = child.program
    since = day_bounds(program, program.today())[0] - OPEN_NAP_LOOKBACK  # as the day shows it
    return (
        child.care_entries.filter(
            kind=CareEntry.Kind.NAP,
            until__isnull=True,
            corrects__isnull=True,
            withdrawn=False,
            at__gte=since,
        )
        .filter(corrections__isnull=True)
        .order_by("-at")
        .first()
    )


@transaction.atomic
def end_nap(*, actor: User | None, nap: CareEntry, at: datetime) -> CareEntry:
    """Wake the child. Refused, not overwritten, when another caregiver already ended it."""
    if nap.kind != CareEntry.Kind.NAP or nap.corrects_id is not None or nap.withdrawn:
        raise CareError(_("Only a nap in the record can be ended."))
    _check_time(nap.child, nap.at, at)
    with acting_as(actor):
        updated = CareEntry.objects.filter(pk=nap.pk, until__isnull=True).update(
            until=at, ended_by=actor
        )
    if not updated:
        nap.refresh_from_db()
        raise CareError(
            _("This nap was already ended at %(time)s.")
            % {"time": timezone.localtime(nap.until, nap.child.program.tz).strftime("%H:%M")}
        )
    nap.refresh_from_db()
    # QuerySet.update sends no signal: write the audit entry the way a save would.
    assert nap.until is not None
    log_updated(actor=actor, instance=nap, changes={"until": [None, nap.until.isoformat()]})
    return nap


@transaction.atomic
def check_nap(*, actor: User | None, nap: CareEntry, at: datetime, note: str = "") -> NapCheck:
    if sleeping_nap(nap.child) != nap:
        raise CareError(_("The child is awake; there is no nap to check."))
    if at < nap.at:
        raise CareError({"at": _("A check cannot be before the nap started.")})
    _check_time(nap.child, at)
    check = NapCheck(nap=nap, at=at, by=actor, note=note)
    save_audited(check, actor)
    return check


@transaction.atomic
def correct_entry(
    *,
    actor: User | None,
    entry: CareEntry,
    data: Mapping[str, Any] | None = None,
    withdraw: bool = False,
    seen_version: int | None = None,
) -> CareEntry:
    """A correction: a new entry pointing at the original, which stays as it was.

    `seen_version` is the length of the entry's history (the original and its corrections)
    when the person opened it: a correction written over one they did not see is refused."""
    root = entry.corrects or entry
    if not withdraw and root.kind == CareEntry.Kind.NAP and sleeping_nap(root.child) == root:
        raise CareError(_("End the nap first, then correct it."))
    list(Child.objects.select_for_update().filter(pk=root.child_id).values_list("pk", flat=True))
    chain = [root, *root.corrections.order_by("created_at", "pk").select_related("author")]
    if seen_version is not None and seen_version != len(chain):
        raise StaleEdit(
            current_version=len(chain),
            changes=[
                Change(
                    who=str(later.author or "—"),
                    when=later.created_at,
                    what=[
                        audit.field_change(CareEntry, name, getattr(earlier, name), value)
                        for name in (*ENTRY_FIELDS, "withdrawn")
                        if (value := getattr(later, name)) != getattr(earlier, name)
                    ],
                )
                for earlier, later in pairwise(chain[seen_version - 1 :])
            ],
        )
    latest = chain[-1]
    values = {f: getattr(latest, f) for f in ENTRY_FIELDS}
    values.update(_only(data or {}, ENTRY_FIELDS))
    correction = CareEntry(
        child=root.child, kind=root.kind, author=actor, corrects=root, withdrawn=withdraw,
        **values,
    )  # fmt: skip
    if not withdraw:
        _checked_entry(correction)
    with acting_as(actor):
        correction.save()
    return correction


@transaction.atomic
def add_family_note(*, actor: User | None, child: Child, text: str) -> FamilyNote:
    text = text.strip()
    if not text:
        raise CareError({"text": _("Write the note.")})
    note = FamilyNote(child=child, day=child.program.today(), text=text, author=actor)
    save_audited(note, actor)
    return note


@transaction.atomic
def save_ifsp(
    *, actor: User | None, child: Child, data: Mapping[str, Any], seen_version: int | None = None
) -> Ifsp:
    """Write the IFSP summary. With `seen_version`, refuse a stale edit (nothing saved)."""
    ifsp = Ifsp.objects.filter(child=child).first()
    if ifsp is None:
        if seen_version:  # the form was opened on a summary that is gone
            raise StaleEdit(current_version=0, changes=[])
        ifsp = Ifsp(child=child)
    else:
        check_version(ifsp, seen_version)
    for name, value in _only(data, IFSP_FIELDS).items():
        setattr(ifsp, name, value)
    save_versioned(ifsp, actor)
    if not child.has_ifsp:
        child.has_ifsp = True
        save_versioned(child, actor, update_fields=["has_ifsp"])
    return ifsp
