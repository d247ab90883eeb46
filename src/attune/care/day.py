"""A child's day as people read it: the entries with corrections applied, the nap in progress
and its next visual check, a feeding that is due, the family's notes, and the day's totals.

`days_for` reads a whole group's day in a fixed number of queries (the record page shows up to
60 children and is polled), `day_for` one child's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from attune.care.models import CareEntry, CarePlan, FamilyNote, NapCheck
from attune.programs.models import Child, Program

FEEDS = (CareEntry.Kind.BOTTLE, CareEntry.Kind.MEAL)
OPEN_NAP_LOOKBACK = timedelta(hours=12)  # naps begun the evening before still count


@dataclass
class Nap:
    entry: CareEntry
    checks: list[NapCheck]
    next_check: datetime

    @property
    def last_check(self) -> datetime | None:
        return self.checks[-1].at if self.checks else None


@dataclass
class ChildDay:
    child: Child
    day: date
    now: datetime
    plan: CarePlan | None
    entries: list[CareEntry] = field(default_factory=list)  # as corrected, in time order
    corrected_ids: set[int] = field(default_factory=set)  # originals that were corrected
    notes: list[FamilyNote] = field(default_factory=list)
    nap: Nap | None = None
    feeding_due_since: datetime | None = None

    @property
    def check_overdue(self) -> bool:
        return self.nap is not None and self.nap.next_check <= self.now

    @property
    def last_feed(self) -> CareEntry | None:
        feeds = [e for e in self.entries if e.kind in FEEDS]
        return feeds[-1] if feeds else None

    @property
    def bottles_ml(self) -> int:
        return sum(e.amount_ml or 0 for e in self.entries if e.kind == CareEntry.Kind.BOTTLE)

    @property
    def bottle_count(self) -> int:
        return sum(1 for e in self.entries if e.kind == CareEntry.Kind.BOTTLE)

    @property
    def meals(self) -> list[CareEntry]:
        return [e for e in self.entries if e.kind == CareEntry.Kind.MEAL]

    @property
    def sleep_minutes(self) -> int:
        total = 0
        for e in self.entries:
            if e.kind == CareEntry.Kind.NAP:
                end = e.until or self.now
                total += max(0, int((end - e.at).total_seconds() // 60))
        return total

    @property
    def naps(self) -> list[CareEntry]:
        return [e for e in self.entries if e.kind == CareEntry.Kind.NAP]

    @property
    def diapers_wet(self) -> int:
        return sum(1 for e in self.entries if e.kind == CareEntry.Kind.DIAPER and e.wet)

    @property
    def diapers_bm(self) -> int:
        return sum(1 for e in self.entries if e.kind == CareEntry.Kind.DIAPER and e.bm)

    @property
    def diaper_count(self) -> int:
        return sum(1 for e in self.entries if e.kind == CareEntry.Kind.DIAPER)

    @property
    def moods(self) -> list[CareEntry]:
        return [e for e in self.entries if e.kind == CareEntry.Kind.MOOD]

    @property
    def home_words(self) -> list[dict[str, str]]:
        return list(self.plan.home_words) if self.plan else []

    @property
    def alert(self) -> bool:
        return self.check_overdue or self.feeding_due_since is not None


def day_bounds(program: Program, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=program.tz)
    return start, start + timedelta(days=1)


def _corrected(
    roots: Iterable[CareEntry], corrections: Iterable[CareEntry]
) -> tuple[list[CareEntry], set[int]]:
    latest: dict[int, CareEntry] = {}
    for c in sorted(corrections, key=lambda e: (e.created_at, e.pk)):
        assert c.corrects_id is not None
        latest[c.corrects_id] = c
    shown = []
    for root in roots:
        entry = latest.get(root.pk, root)
        if not entry.withdrawn:
            shown.append(entry)
    shown.sort(key=lambda e: (e.at, e.root_id))
    return shown, set(latest)


def days_for(children: Sequence[Child], day: date, now: datetime | None = None) -> list[ChildDay]:
    """Each child's day (children of one program), in the order given."""
    if not children:
        return []
    program = children[0].program
    now = now or timezone.now()
    start, end = day_bounds(program, day)
    ids = [c.pk for c in children]
    plans = {
        p.child_id: p
        for p in CarePlan.objects.filter(child_id__in=ids, status=CarePlan.Status.CURRENT)
    }
    roots: dict[int, list[CareEntry]] = defaultdict(list)
    open_naps: dict[int, CareEntry] = {}
    # The day's entries, and naps begun the evening before still open.
    entries = list(
        CareEntry.objects.filter(child_id__in=ids, corrects__isnull=True, at__lt=end)
        .filter(at__gte=start - OPEN_NAP_LOOKBACK)
        .select_related("author")
    )
    for e in entries:
        if e.at >= start or (
            e.kind == CareEntry.Kind.NAP and (e.until is None or e.until >= start)
        ):
            roots[e.child_id].append(e)
    corrections: dict[int, list[CareEntry]] = defaultdict(list)
    root_ids = [e.pk for es in roots.values() for e in es]
    for c in CareEntry.objects.filter(corrects_id__in=root_ids).select_related("author"):
        corrections[c.child_id].append(c)
    notes: dict[int, list[FamilyNote]] = defaultdict(list)
    for n in FamilyNote.objects.filter(child_id__in=ids, day=day).select_related("author"):
        notes[n.child_id].append(n)
    out: list[ChildDay] = []
    for child in children:
        shown, corrected = _corrected(roots[child.pk], corrections[child.pk])
        cd = ChildDay(
            child=child, day=day, now=now, plan=plans.get(child.pk), entries=shown,
            corrected_ids=corrected, notes=notes[child.pk],
        )  # fmt: skip
        for e in reversed(shown):
            if e.kind == CareEntry.Kind.NAP and e.until is None:
                open_naps[child.pk] = e
                break
        out.append(cd)
    checks: dict[int, list[NapCheck]] = defaultdict(list)
    nap_roots = {e.root_id: child_id for child_id, e in open_naps.items()}
    for check in NapCheck.objects.filter(nap_id__in=list(nap_roots)).select_related("by"):
        checks[check.nap_id].append(check)
    interval = timedelta(minutes=program.nap_check_minutes)
    for cd in out:
        nap = open_naps.get(cd.child.pk)
        if nap is not None and day == now.astimezone(program.tz).date():
            cs = checks[nap.root_id]
            cd.nap = Nap(nap, cs, (cs[-1].at if cs else nap.at) + interval)
        cd.feeding_due_since = _feeding_due(cd)
    return out


def day_for(child: Child, day: date, now: datetime | None = None) -> ChildDay:
    return days_for([child], day, now)[0]


def _feeding_due(cd: ChildDay) -> datetime | None:
    """When a feeding became due per the care plan and none was logged: only today, while the
    child is at the program (some entry today) and awake."""
    plan = cd.plan
    if plan is None or not plan.feeding_interval_minutes or not cd.entries or cd.nap is not None:
        return None
    program = cd.child.program
    if cd.day != cd.now.astimezone(program.tz).date():
        return None
    last = cd.last_feed
    since = last.at if last is not None else cd.entries[0].at
    due = since + timedelta(minutes=plan.feeding_interval_minutes)
    return due if due <= cd.now else None
