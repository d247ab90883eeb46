"""Attendance (issue #19): children signed in and out, caregivers clocked in and out, the
families' word ahead (absent, late), and what each room needs right now under the program's
rule sets.

Writes are keyword-only, atomic and audited, like every service. What a rule requires is never
computed here: `room_now` asks planner.rules (the one module that computes what a rule
requires; strictest rule set wins) for the children actually present, group by group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attune.lib import schedules
from attune.lib.audit import log_updated, save_audited
from attune.programs import rulesets
from attune.programs.models import (
    Absence,
    Caregiver,
    Child,
    Guardian,
    Program,
    RatioAlert,
    Room,
    Shift,
    Stay,
)
from planner import rules
from planner import wording as planner_wording

if TYPE_CHECKING:
    from attune.accounts.models import User

ABSENCE_AHEAD_DAYS = 60  # a family marks absences up to two months ahead


class AttendanceError(Exception):
    """A refused attendance write, with the message the person sees."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _day_of(program: Program, at: datetime) -> date:
    return at.astimezone(program.tz).date()


def _queue_check(room_id: int | None) -> None:
    """Queue a check of the room's ratio. Queued in the write's transaction: a worker sees it
    once the write is committed (and never for a write rolled back)."""
    if room_id is None:
        return
    from attune.programs.tasks import check_room_ratio

    check_room_ratio.enqueue(room_id)


# -- children ---------------------------------------------------------------------------------


def open_stay(child: Child) -> Stay | None:
    return Stay.objects.filter(child=child, out_at__isnull=True).first()


def _authorized(child: Child, guardian: Guardian | None, *, what: str) -> Guardian | None:
    authorized = list(child.family.guardians.all())
    if guardian is None:
        if authorized:
            raise AttendanceError(
                _("Choose who dropped %(child)s off.") % {"child": child.display_first_name}
                if what == "in"
                else _("Choose who picked %(child)s up.") % {"child": child.display_first_name}
            )
        return None
    if guardian.family_id != child.family_id:
        raise AttendanceError(
            _("%(person)s is not on %(child)s's family's list of authorized adults.")
            % {"person": guardian, "child": child.display_first_name}
        )
    return guardian


@transaction.atomic
def sign_in(
    *,
    actor: User | None,
    child: Child,
    dropped_off_by: Guardian | None,
    at: datetime | None = None,
) -> Stay:
    """The child arrives. Refused when already signed in or not enrolled that day."""
    program = child.program
    at = at or timezone.now()
    day = _day_of(program, at)
    if not child.is_enrolled(day):
        raise AttendanceError(
            _("%(child)s is not enrolled on %(day)s.")
            % {"child": child.display_first_name, "day": day.isoformat()}
        )
    list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
    if open_stay(child) is not None:
        raise AttendanceError(
            _("%(child)s is already signed in.") % {"child": child.display_first_name}
        )
    guardian = _authorized(child, dropped_off_by, what="in")
    stay = Stay(
        child=child, room_id=child.room_id, day=day, in_at=at, dropped_off_by=guardian,
        signed_in_by=actor,
    )  # fmt: skip
    save_audited(stay, actor)
    _queue_check(stay.room_id)
    return stay


@transaction.atomic
def sign_out(
    *,
    actor: User | None,
    child: Child,
    picked_up_by: Guardian | None,
    at: datetime | None = None,
) -> Stay:
    """The child goes home, with an adult from the family's authorized list."""
    at = at or timezone.now()
    list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
    stay = open_stay(child)
    if stay is None:
        raise AttendanceError(
            _("%(child)s is not signed in.") % {"child": child.display_first_name}
        )
    guardian = _authorized(child, picked_up_by, what="out")
    stay.out_at = max(at, stay.in_at)
    stay.picked_up_by = guardian
    stay.signed_out_by = actor
    save_audited(stay, actor, update_fields=["out_at", "picked_up_by", "signed_out_by"])
    _queue_check(stay.room_id)
    return stay


# -- caregivers -------------------------------------------------------------------------------


def open_shift(caregiver: Caregiver) -> Shift | None:
    return Shift.objects.filter(caregiver=caregiver, out_at__isnull=True).first()


@transaction.atomic
def clock_in(
    *, actor: User | None, caregiver: Caregiver, room: Room | None, at: datetime | None = None
) -> Shift:
    program = caregiver.program
    at = at or timezone.now()
    day = _day_of(program, at)
    if not caregiver.is_active(day):
        raise AttendanceError(_("%(name)s does not work here that day.") % {"name": caregiver})
    if room is not None and room.program_id != caregiver.program_id:
        raise AttendanceError(_("Choose a room of the program."))
    list(Caregiver.objects.select_for_update().filter(pk=caregiver.pk).values_list("pk", flat=True))
    if open_shift(caregiver) is not None:
        raise AttendanceError(_("%(name)s is already clocked in.") % {"name": caregiver})
    shift = Shift(
        caregiver=caregiver, room=room if room is not None else caregiver.room, day=day, in_at=at
    )
    save_audited(shift, actor)
    _queue_check(shift.room_id)
    return shift


@transaction.atomic
def clock_out(*, actor: User | None, caregiver: Caregiver, at: datetime | None = None) -> Shift:
    at = at or timezone.now()
    list(Caregiver.objects.select_for_update().filter(pk=caregiver.pk).values_list("pk", flat=True))
    shift = open_shift(caregiver)
    if shift is None:
        raise AttendanceError(_("%(name)s is not clocked in.") % {"name": caregiver})
    shift.out_at = max(at, shift.in_at)
    save_audited(shift, actor, update_fields=["out_at"])
    _queue_check(shift.room_id)
    return shift


@transaction.atomic
def set_door_code(*, actor: User | None, program: Program, code: str) -> Program:
    """Let guardians sign in at the door with `code` (empty: only staff sign children in)."""
    from attune.lib.concurrency import save_versioned

    program.door_code = code.strip()
    save_versioned(program, actor, update_fields=["door_code"])
    return program


# -- the family's word ahead -----------------------------------------------------------------


@transaction.atomic
def mark_absence(
    *,
    actor: User | None,
    child: Child,
    day: date,
    kind: str,
    arrives_at: time | None = None,
    note: str = "",
) -> Absence:
    """The family says ahead the child will not come, or will come late, that day (today up
    to ABSENCE_AHEAD_DAYS ahead). A second word for the same day replaces the first."""
    today = child.program.today()
    if day < today or day > today + timedelta(days=ABSENCE_AHEAD_DAYS):
        raise AttendanceError(
            _("Choose a day from today to %(days)d days ahead.") % {"days": ABSENCE_AHEAD_DAYS}
        )
    if not child.is_enrolled(day):
        raise AttendanceError(
            _("%(child)s is not enrolled on %(day)s.")
            % {"child": child.display_first_name, "day": day.isoformat()}
        )
    if kind == Absence.Kind.LATE and arrives_at is None:
        raise AttendanceError(_("Say when the child will arrive."))
    if kind == Absence.Kind.ABSENT:
        arrives_at = None
    absence = Absence.objects.filter(child=child, day=day).first()
    if absence is None:
        absence = Absence(child=child, day=day)
    absence.kind = kind
    absence.arrives_at = arrives_at
    absence.note = note.strip()
    absence.reported_by = actor
    absence.withdrawn_at = None
    save_audited(absence, actor)
    return absence


@transaction.atomic
def withdraw_absence(*, actor: User | None, absence: Absence) -> None:
    """The child comes after all: the word stays in the record, marked withdrawn."""
    if absence.withdrawn_at is None:
        absence.withdrawn_at = timezone.now()
        save_audited(absence, actor, update_fields=["withdrawn_at"])


def absences_on(children: Iterable[Child], day: date) -> dict[int, Absence]:
    ids = [c.pk for c in children]
    return {
        a.child_id: a
        for a in Absence.objects.filter(child_id__in=ids, day=day, withdrawn_at__isnull=True)
    }


def expected_on(child: Child, day: date, absence: Absence | None) -> bool:
    """The child's schedule brings them that day and the family has not said otherwise."""
    if not child.is_enrolled(day) or not child.schedule.get(schedules.DAYS[day.weekday()]):
        return False
    return absence is None or absence.kind != Absence.Kind.ABSENT


# -- what a room needs now ----------------------------------------------------------------------


@dataclass
class GroupNow:
    label: str
    children: list[Child]
    needed: int
    allowed: int | None  # the largest group the rules allow these children to be
    over: bool  # no number of caregivers meets the rules (e.g. a group over size)
    rule: str = ""  # the binding rule's source, for the page


@dataclass
class RoomNow:
    room: Room
    at: datetime
    children: list[Child] = field(default_factory=list)  # signed in now
    stays: dict[int, Stay] = field(default_factory=dict)  # child id -> open stay
    staff: list[Caregiver] = field(default_factory=list)  # clocked in to the room now
    groups: list[GroupNow] = field(default_factory=list)
    expected: list[Child] = field(default_factory=list)  # expected today, not here yet
    gone: list[Child] = field(default_factory=list)  # came today and went home
    absent: list[tuple[Child, Absence]] = field(default_factory=list)  # said ahead
    others: list[Child] = field(default_factory=list)  # enrolled, not expected today
    rule_sets: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # rule sets that could not be read

    @property
    def needed(self) -> int:
        return sum(g.needed for g in self.groups)

    @property
    def over_size(self) -> bool:
        return any(g.over for g in self.groups)

    @property
    def short(self) -> int:
        return max(0, self.needed - len(self.staff))

    @property
    def out_of_ratio(self) -> bool:
        return bool(self.children) and (self.short > 0 or self.over_size)


def bound_rule_sets(program: Program, on: date) -> tuple[list[rules.RuleSet], list[str]]:
    """The rule sets binding the program that day (read by planner.rules) and the labels of
    any that cannot be read."""
    loaded: list[rules.RuleSet] = []
    bad: list[str] = []
    for each in rulesets.bound(program, on):
        try:
            loaded.append(rules.load(each.spec))
        except rules.RuleSetError:
            bad.append(each.label)
    return loaded, bad


def group_need(
    rule_sets: Sequence[rules.RuleSet], children: Sequence[Child], on: date, label: str
) -> GroupNow:
    """What the rules require of these children together (planner.rules decides)."""
    members = [rules.Member(f"c{c.pk}", rules.Age.of(c.birth_date, on)) for c in children]
    need = rules.staff_needed(rule_sets, members)
    allowed: int | None = None
    rule = ""
    for rule_set in rule_sets:
        for part in rules.assess(rule_set, members):
            if part.allowed is not None and (allowed is None or part.allowed < allowed):
                allowed = part.allowed
            if part.staff is not None and part.staff == need.staff and not rule:
                rule = planner_wording.source(part.rule_set, part.section)
    if need.over is not None:
        rule = planner_wording.source(need.over.rule_set, need.over.section)
    return GroupNow(label, list(children), need.staff if members else 0, allowed,
                    need.over is not None, rule)  # fmt: skip


def rooms_now(
    program: Program, at: datetime | None = None, room_ids: Iterable[int] | None = None
) -> list[RoomNow]:
    """Each room's present children and staff and what the rules require now, with who is
    still expected today and what the families said ahead. A fixed number of queries."""
    at = at or timezone.now()
    day = _day_of(program, at)
    rooms = list(program.rooms.order_by("name"))
    if room_ids is not None:
        wanted = set(room_ids)
        rooms = [r for r in rooms if r.pk in wanted]
    out = {r.pk: RoomNow(room=r, at=at) for r in rooms}
    rule_sets, bad = bound_rule_sets(program, day)
    labels = [b.label for b in rulesets.bound(program, day)]
    stays = list(
        Stay.objects.filter(child__program=program)
        .filter(Q(out_at__isnull=True) | Q(day=day))
        .select_related("child", "child__care_group", "dropped_off_by", "picked_up_by")
    )
    here: set[int] = set()
    came: set[int] = set()
    for stay in stays:
        now_here = stay.out_at is None
        room = out.get(stay.room_id) if stay.room_id else None
        if room is None:
            continue
        if now_here:
            here.add(stay.child_id)
            room.children.append(stay.child)
            room.stays[stay.child_id] = stay
        elif stay.day == day:
            came.add(stay.child_id)
    for shift in Shift.objects.filter(
        caregiver__program=program, out_at__isnull=True, room_id__in=list(out)
    ).select_related("caregiver"):
        assert shift.room_id is not None
        out[shift.room_id].staff.append(shift.caregiver)
    enrolled = list(
        Child.objects.filter(program=program, room_id__in=list(out))
        .enrolled_on(day)
        .order_by("first_name", "last_name")
    )
    said = absences_on(enrolled, day)
    for child in enrolled:
        assert child.room_id is not None
        room = out[child.room_id]
        absence = said.get(child.pk)
        if absence is not None:
            room.absent.append((child, absence))
        if child.pk in here:
            continue
        if child.pk in came:
            room.gone.append(child)
        elif expected_on(child, day, absence):
            room.expected.append(child)
        else:
            room.others.append(child)
    for room in out.values():
        room.rule_sets = labels
        room.unreadable = bad
        room.children.sort(key=lambda c: (c.first_name, c.last_name))
        by_group: dict[int | None, list[Child]] = defaultdict(list)
        for child in room.children:
            by_group[child.care_group_id].append(child)
        for group_id, members in sorted(
            by_group.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)
        ):
            group = members[0].care_group if group_id is not None else None
            label = group.label if group is not None else room.room.name
            room.groups.append(group_need(rule_sets, members, day, label))
    return [out[r.pk] for r in rooms]


def room_now(room: Room, at: datetime | None = None) -> RoomNow:
    return rooms_now(room.program, at, [room.pk])[0]


# -- alerts -----------------------------------------------------------------------------------


@transaction.atomic
def check_ratio(room: Room, at: datetime | None = None) -> RatioAlert | None:
    """Open an alert (and tell the director and the room's caregivers) when the room has gone
    out of ratio or a group over size; close it when the rules are met again. Returns the
    alert opened now, if any."""
    at = at or timezone.now()
    list(Room.objects.select_for_update().filter(pk=room.pk).values_list("pk", flat=True))
    now = room_now(room, at)
    current = RatioAlert.objects.filter(room=room, ended_at__isnull=True).first()
    if not now.out_of_ratio:
        if current is not None:
            current.ended_at = at
            current.save(update_fields=["ended_at"])
            log_updated(actor=None, instance=current, changes={"ended_at": [None, at.isoformat()]})
        return None
    if current is not None:
        return None
    alert = RatioAlert.objects.create(
        room=room, started_at=at, children=len(now.children), staff=len(now.staff),
        needed=now.needed, over_size=now.over_size,
    )  # fmt: skip
    _notify_ratio(now, alert)
    return alert


def alert_recipients(room: Room) -> list[User]:
    """The program's directors and the room's caregivers (home room or clocked in to it)."""
    from attune.accounts.models import Membership, User

    directors = Membership.objects.filter(
        role=Membership.Role.DIRECTOR, program_id=room.program_id
    ).values("user_id")
    working_here = Shift.objects.filter(room=room, out_at__isnull=True).values("caregiver_id")
    caregivers = Caregiver.objects.filter(
        Q(room=room) | Q(pk__in=working_here), user__isnull=False
    ).values("user_id")
    return list(User.objects.filter(Q(pk__in=directors) | Q(pk__in=caregivers)).order_by("pk"))


def _notify_ratio(now: RoomNow, alert: RatioAlert) -> None:
    from django.urls import reverse

    from attune.accounts import notify

    room = now.room
    params = {
        "room": room.name, "children": len(now.children), "staff": len(now.staff),
        "needed": now.needed,
    }  # fmt: skip

    def title() -> str:
        if now.over_size:
            return _("A group is over size in %(room)s") % params
        return _("Out of ratio in %(room)s") % params

    def body() -> str:
        text = (
            _(
                "%(room)s has %(children)d children present and %(staff)d caregivers; the rules "
                "require %(needed)d caregivers now."
            )
            % params
        )
        if now.over_size:
            text += " " + _(
                "A group is larger than the rules allow: move children to another group."
            )
        return text

    notify.notify(
        users=alert_recipients(room),
        kind=notify.Kind.RATIO,
        title=title,
        body=body,
        url=reverse("room_today", args=[room.pk]),
        urgent=True,
        key=f"ratio:{alert.pk}",
    )


# -- planned vs actual ------------------------------------------------------------------------


@dataclass
class PlannedActual:
    child: Child
    planned: dict[date, int]  # minutes the schedule plans each day
    actual: dict[date, int]  # minutes signed in each day
    absent: dict[date, str]  # what the family said ahead

    @property
    def planned_total(self) -> int:
        return sum(self.planned.values())

    @property
    def actual_total(self) -> int:
        return sum(self.actual.values())


def _minutes(spans: Sequence[Sequence[str]]) -> int:
    total = 0
    for start, end in spans:
        a = time.fromisoformat(start)
        b = time.fromisoformat(end)
        total += (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)
    return max(0, total)


def planned_vs_actual(
    program: Program, days: Sequence[date], children: Sequence[Child], now: datetime | None = None
) -> list[PlannedActual]:
    """Per child and day: the minutes the schedule planned and the minutes signed in."""
    now = now or timezone.now()
    ids = [c.pk for c in children]
    rows = {
        c.pk: PlannedActual(c, {d: 0 for d in days}, {d: 0 for d in days}, {}) for c in children
    }
    first, last = min(days), max(days)
    for stay in Stay.objects.filter(child_id__in=ids, day__gte=first, day__lte=last):
        end = stay.out_at or now
        minutes = max(0, int((end - stay.in_at).total_seconds() // 60))
        if stay.day in rows[stay.child_id].actual:
            rows[stay.child_id].actual[stay.day] += minutes
    for absence in Absence.objects.filter(
        child_id__in=ids, day__gte=first, day__lte=last, withdrawn_at__isnull=True
    ):
        rows[absence.child_id].absent[absence.day] = absence.get_kind_display()
    for child in children:
        for d in days:
            if child.is_enrolled(d):
                spans = child.schedule.get(schedules.DAYS[d.weekday()]) or []
                rows[child.pk].planned[d] = _minutes(spans)
    return [rows[c.pk] for c in children]
