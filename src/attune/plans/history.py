"""The history continuity of care is measured on: one snapshot per child and month.

`record_month` writes a month's snapshots from the records (run monthly by the
`record_continuity` command, and by `services.accept` for the accepted plan's month);
`measures_for` reads them back as `planner.continuity` records and measures them, for a
program, an organization or a state (docs/continuity.md).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from attune.plans.models import MonthlySnapshot, PlanRun
from attune.programs.models import Caregiver, Child, Jurisdiction, Organization, Program
from planner import rules
from planner.continuity import (
    Aggregate,
    ChildMeasures,
    MonthRecord,
    aggregate,
    child_measures,
)
from planner.model import Schedule, Span, months_between, overlap_minutes, schedule_minutes

Reason = MonthlySnapshot.Reason
SNAPSHOT_FIELDS = (
    "primary", "primary_name", "care_group", "group_label", "attended_minutes",
    "overlap_minutes", "reason",
)  # fmt: skip
MIN_CHILDREN = 5  # no figure over fewer children is shown to a state administrator


# -- months ----------------------------------------------------------------------------------


def first_of(day: date) -> date:
    return day.replace(day=1)


def last_of(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def shift(month: date, n: int) -> date:
    """The first day of the month `n` months after `month` (before, when n < 0)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def parse_month(text: str) -> date:
    """A "YYYY-MM" month as its first day; ValueError when it is not one."""
    year, _, month = text.partition("-")
    if len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
        raise ValueError(f"{text!r} is not a month YYYY-MM")
    return date(int(year), int(month), 1)


# -- the records of one month ----------------------------------------------------------------


def to_schedule(value: Any) -> Schedule:
    """A stored weekly schedule ({"mon": [["08:00", "16:30"]]}) as the planner's Schedule."""

    def minutes(text: str) -> int:
        hours, mins = text.split(":")
        return int(hours) * 60 + int(mins)

    out: Schedule = {}
    for day, spans in (value or {}).items():
        parsed = tuple(sorted(Span(minutes(a), minutes(b)) for a, b in spans))
        if parsed:
            out[day] = parsed
    return out


def day_of(child: Child, month: date) -> date:
    """The day the child's record for the month is taken: its first enrolled day that month."""
    return max(month, child.enrollment_start)


def band_of(rule_set: rules.RuleSet | None, child: Child, day: date) -> int | None:
    if rule_set is None:
        return None
    return rule_set.band_index(months_between(child.birth_date, day))


def rule_set_of(program: Program, on: date | None = None) -> rules.RuleSet | None:
    """The program's first rule set (its state's, else its built-in one) on `on`."""
    from attune.programs import rulesets

    bound = rulesets.bound(program, on or date.today())
    if not bound:
        return None
    try:
        return rules.load(bound[0].spec)
    except rules.RuleSetError:
        return None


def _plan_accepted_in(program: Program, month: date) -> bool:
    """A plan was put in effect for the program in `month`: planned for a day of the month,
    or accepted during it (program time)."""
    start = datetime.combine(month, time.min, tzinfo=program.tz)
    end = datetime.combine(shift(month, 1), time.min, tzinfo=program.tz)
    return (
        PlanRun.objects.filter(program=program, accepted_at__isnull=False)
        .filter(
            Q(as_of__gte=month, as_of__lte=last_of(month))
            | Q(accepted_at__gte=start, accepted_at__lt=end)
        )
        .exists()
    )


def _primary_key(snapshot: MonthlySnapshot) -> str | None:
    if snapshot.primary_id is not None:
        return f"s{snapshot.primary_id}"
    return f"name:{snapshot.primary_name}" if snapshot.primary_name else None


def _group_key(snapshot: MonthlySnapshot) -> str | None:
    """The group by its name within the program: a room without small groups that becomes a
    small group of the same name (a plan accepted that keeps everyone where they are) is the
    same group for the child, the family and the continuity measures."""
    if snapshot.group_label:
        return f"p{snapshot.program_id}:{snapshot.group_label}"
    return f"g{snapshot.care_group_id}" if snapshot.care_group_id is not None else None


def same_group(before: MonthlySnapshot, after: MonthlySnapshot) -> bool:
    return _group_key(before) == _group_key(after)


def _caregiver_left(before: MonthlySnapshot, month: date) -> bool:
    """The earlier month's primary caregiver no longer works in the program in `month`."""
    if before.primary_id is None:
        return bool(before.primary_name)  # the caregiver's record was deleted
    caregiver = before.primary
    assert caregiver is not None
    return caregiver.end_date is not None and caregiver.end_date < month


def reason_for(
    before: MonthlySnapshot | None,
    after: MonthlySnapshot,
    *,
    anchor: MonthlySnapshot | None = None,
    aged: bool = False,
    plan: bool = False,
) -> str:
    """Why `after` differs from the child's previous month `before` ("" when it does not).

    In order: the primary caregiver left (the primary differs from `anchor`'s, the child's
    last month with a primary caregiver, default `before`, and that caregiver no longer
    works in the program), the child moved into another age band of the rule set (`aged`),
    a plan was put in effect (`plan`), a schedule changed (the child's weekly minutes, or the
    shifts of a primary caregiver who stays), else the director changed it.
    """
    if before is None:
        return Reason.NONE
    anchor = anchor if anchor is not None else before
    same_primary = _primary_key(before) == _primary_key(after)
    arrangement = not same_primary or _group_key(before) != _group_key(after)
    # the child's hours, or the shifts of a primary caregiver who stays (a new primary
    # caregiver's other hours are a consequence of the change, not its reason)
    minutes = before.attended_minutes != after.attended_minutes or (
        same_primary and before.overlap_minutes != after.overlap_minutes
    )
    if not arrangement and not minutes:
        return Reason.NONE
    if (
        _primary_key(anchor) is not None
        and _primary_key(anchor) != _primary_key(after)
        and _caregiver_left(anchor, after.month)
    ):
        return Reason.CAREGIVER_LEFT
    if arrangement and aged:
        return Reason.AGED
    if arrangement and plan:
        return Reason.PLAN
    if minutes:
        return Reason.SCHEDULE
    return Reason.DIRECTOR


def _anchor(before: MonthlySnapshot) -> MonthlySnapshot | None:
    """The child's last month with a primary caregiver in the stretch of consecutive months
    ending with `before` (None when there is none)."""
    if before.primary_id is not None or before.primary_name:
        return before
    expected = before.month
    for earlier in (
        MonthlySnapshot.objects.filter(child_id=before.child_id, month__lt=before.month)
        .select_related("primary")
        .order_by("-month")
    ):
        expected = shift(expected, -1)
        if earlier.month != expected:
            return None
        if _primary_key(earlier) is not None:
            return earlier
    return None


def _primary_on(child: Child, day: date) -> Caregiver | None:
    """The child's primary caregiver on `day`; none when that caregiver does not work then."""
    caregiver = child.primary_caregiver
    if caregiver is None or not caregiver.is_active(day):
        return None
    return caregiver


def minutes_of(schedule: Any, shifts: Any | None) -> tuple[int, int]:
    """Weekly minutes a child attends (stored schedule), and of them those in which the
    primary caregiver is on shift (stored shifts; None without a primary)."""
    attended = to_schedule(schedule)
    overlap = overlap_minutes(attended, to_schedule(shifts)) if shifts is not None else 0
    return schedule_minutes(attended), overlap


def snapshot_of(child: Child, month: date) -> MonthlySnapshot:
    """The child's arrangement in the records, as the snapshot of `month` (not saved).

    The group is the child's small group (when not retired), else its room."""
    day = day_of(child, month)
    primary = _primary_on(child, day)
    care_group = child.care_group
    if care_group is not None and care_group.retired_on is not None:
        care_group = None
    group_label = care_group.label if care_group else (child.room.name if child.room else "")
    attended, overlap = minutes_of(child.schedule, primary.shifts if primary else None)
    return MonthlySnapshot(
        program_id=child.program_id,
        month=month,
        child=child,
        primary=primary,
        primary_name=str(primary) if primary else "",
        care_group=care_group,
        group_label=group_label,
        attended_minutes=attended,
        overlap_minutes=overlap,
    )


@transaction.atomic
def record_month(*, program: Program, month: date) -> int:
    """Snapshot every child enrolled in the program on a day of `month`, from the records
    as they are now; returns how many. Re-recording a month updates its snapshots (and
    removes those of children no longer enrolled in it).

    A reason the records cannot tell (`family_request`) is kept while the change it
    explains is still there.
    """
    month = first_of(month)
    end = last_of(month)
    children = list(
        Child.objects.filter(program=program, enrollment_start__lte=end)
        .filter(Q(enrollment_end__isnull=True) | Q(enrollment_end__gte=month))
        .select_related("primary_caregiver", "care_group", "room")
        .order_by("pk")
    )
    previous = {
        s.child_id: s
        for s in MonthlySnapshot.objects.filter(program=program, month=shift(month, -1))
        .select_related("primary")
        .order_by()
    }
    existing = {s.child_id: s for s in MonthlySnapshot.objects.filter(program=program, month=month)}
    rule_set = rule_set_of(program)
    plan = _plan_accepted_in(program, month)
    for child in children:
        after = snapshot_of(child, month)
        before = previous.get(child.pk)
        band = band_of(rule_set, child, day_of(child, month))
        aged = before is not None and band != band_of(rule_set, child, day_of(child, before.month))
        anchor = _anchor(before) if before is not None else None
        after.reason = reason_for(before, after, anchor=anchor, aged=aged, plan=plan)
        kept = existing.get(child.pk)
        if kept is not None:
            if kept.reason == Reason.FAMILY_REQUEST and after.reason != Reason.NONE:
                after.reason = Reason.FAMILY_REQUEST
            for name in SNAPSHOT_FIELDS:
                setattr(kept, name, getattr(after, name))
            after = kept
        after.full_clean()
        after.save()
    MonthlySnapshot.objects.filter(program=program, month=month).exclude(
        child_id__in=[c.pk for c in children]
    ).delete()
    return len(children)


# -- measures --------------------------------------------------------------------------------


def to_record(snapshot: MonthlySnapshot) -> MonthRecord:
    return MonthRecord(
        month=label(snapshot.month),
        child=str(snapshot.child_id),
        primary=_primary_key(snapshot),
        group=_group_key(snapshot),
        attended_minutes=snapshot.attended_minutes,
        overlap_minutes=min(snapshot.overlap_minutes, snapshot.attended_minutes),
        reason=snapshot.reason or None,
    )


@dataclass(frozen=True)
class ChildRow:
    """One child's measures, with its program and its latest group in the window."""

    child_id: int
    program_id: int
    group_key: str | None
    group_label: str
    measures: ChildMeasures


@dataclass(frozen=True)
class GroupRow:
    key: str | None
    label: str
    aggregate: Aggregate


@dataclass(frozen=True)
class Report:
    """Continuity over the months `first` … `last` (first days) of some programs."""

    first: date
    last: date
    overall: Aggregate
    children: list[ChildRow] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    programs: dict[int, Aggregate] = field(default_factory=dict)

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1


def programs_of(
    *,
    program: Program | None = None,
    organization: Organization | None = None,
    jurisdiction: Jurisdiction | None = None,
) -> list[Program]:
    if [program, organization, jurisdiction].count(None) != 2:
        raise TypeError("pass exactly one of program, organization, jurisdiction")
    if program is not None:
        return [program]
    if organization is not None:
        return list(organization.programs.order_by("name", "pk"))
    return list(Program.objects.filter(jurisdiction=jurisdiction).order_by("name", "pk"))


def _last_month(programs: Sequence[Program], until: date | None) -> date:
    """`until`'s month; by default this month (at the program, when there is one)."""
    if until is not None:
        return first_of(until)
    return first_of(programs[0].today() if len(programs) == 1 else timezone.localdate())


def _snapshots(programs: Sequence[Program], first: date, last: date) -> list[MonthlySnapshot]:
    return list(
        MonthlySnapshot.objects.filter(
            program__in=[p.pk for p in programs], month__gte=first, month__lte=last
        ).order_by("child_id", "month")
    )


def _report(snapshots: Iterable[MonthlySnapshot], first: date, last: date) -> Report:
    chosen = [s for s in snapshots if first <= s.month <= last]
    measures = child_measures(to_record(s) for s in chosen)
    latest: dict[int, MonthlySnapshot] = {}
    for s in chosen:  # in month order: the last with a group wins
        if _group_key(s) is not None or s.child_id not in latest:
            latest[s.child_id] = s
    rows = [
        ChildRow(
            child_id=child_id,
            program_id=s.program_id,
            group_key=_group_key(s),
            group_label=s.group_label,
            measures=measures[str(child_id)],
        )
        for child_id, s in sorted(latest.items())
    ]
    by_group: dict[str | None, list[ChildRow]] = {}
    by_program: dict[int, list[ChildRow]] = {}
    for row in rows:
        by_group.setdefault(row.group_key, []).append(row)
        by_program.setdefault(row.program_id, []).append(row)
    groups = [
        GroupRow(key, members[0].group_label, aggregate(r.measures for r in members))
        for key, members in by_group.items()
    ]
    groups.sort(key=lambda g: (g.key is None, g.label.lower(), g.key or ""))
    return Report(
        first=first,
        last=last,
        overall=aggregate(r.measures for r in rows),
        children=rows,
        groups=groups,
        programs={pk: aggregate(r.measures for r in members) for pk, members in by_program.items()},
    )


def measures_for(
    *,
    program: Program | None = None,
    organization: Organization | None = None,
    jurisdiction: Jurisdiction | None = None,
    months: int = 12,
    until: date | None = None,
) -> Report:
    """Continuity over the `months` months up to `until`'s month (default: this month), per
    child, per group (a child's group is its latest group in the window), per program and
    overall."""
    programs = programs_of(program=program, organization=organization, jurisdiction=jurisdiction)
    last = _last_month(programs, until)
    first = shift(last, -(months - 1))
    return _report(_snapshots(programs, first, last), first, last)


def monthly_reports(
    *,
    program: Program | None = None,
    organization: Organization | None = None,
    jurisdiction: Jurisdiction | None = None,
    months: int = 12,
    until: date | None = None,
) -> list[Report]:
    """For each of the `months` months up to `until`'s month, the measures as they stood at
    its end: over the `months` months up to it (fewer while the history is shorter)."""
    programs = programs_of(program=program, organization=organization, jurisdiction=jurisdiction)
    last = _last_month(programs, until)
    start = shift(last, -(2 * months - 2))
    snapshots = _snapshots(programs, start, last)
    out = []
    for n in range(months - 1, -1, -1):
        end = shift(last, -n)
        out.append(_report(snapshots, shift(end, -(months - 1)), end))
    return out


def child_measures_of(snapshots: Sequence[MonthlySnapshot]) -> ChildMeasures | None:
    """One child's measures over its own snapshots (group stability needs the other children
    of its groups: see measures_for)."""
    if not snapshots:
        return None
    return next(iter(child_measures(to_record(s) for s in snapshots).values()))


def history_of(child: Child) -> list[MonthlySnapshot]:
    """The child's snapshots, oldest first, with the caregivers' records."""
    return list(
        MonthlySnapshot.objects.filter(child=child).select_related("primary").order_by("month")
    )
