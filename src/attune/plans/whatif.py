"""What-ifs on the web: the director asks, planner.whatif answers, in the background.

Three questions (`WhatIfRun.Kind`): can this waitlisted child start on this day with this
schedule? what if this caregiver leaves, or goes part-time, from this day? and the whole
waiting list ranked by fit. The program's records on the day asked about are turned into a
planner problem (adapter.problem_for), the engine answers, and the answer is stored on the
run as JSON with names and reason codes, never planner ids: the pages say it in the
reader's language when they show it (`say_*` below). A what-if writes nothing but its run.

Two phases: the answer (yes, or no with the reasons) is stored on the run as soon as it is
known, while the run is still running ("Looking for the smallest fix…"); a no's smallest fix
is looked for after it (planner.whatif's ``fix_time=0`` and ``find_fix``) and added when
found. The ranking answers every child first (stored, sorted by what is known), then looks
for the fixes one child at a time, with progress.

Runs are answered by a task on the queue (attune.plans.tasks.answer_whatif, through a job of
attune.jobs), so a director can leave the page and come back, and a run survives a restart:
a run whose worker was lost is taken again by another worker. A run whose job was cancelled
or gave up is shown as interrupted.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from attune.jobs import services as jobs
from attune.jobs.models import Job
from attune.lib import languages
from attune.plans import adapter
from attune.plans.models import WhatIfRun
from attune.programs.models import Caregiver, Program, WaitlistEntry
from planner import whatif as engine
from planner.horizon import Change
from planner.model import DAYS, Plan, Problem, hhmm, overlap_minutes, schedule_minutes

if TYPE_CHECKING:
    from attune.accounts.models import User

logger = logging.getLogger(__name__)

TIME_LIMIT = 2.5  # seconds for the answer (planner.whatif's time_limit): within 3 s in all
FIX_TIME = 10.0  # seconds to look for the smallest fix when the answer is no (after it)
WORKERS = 2  # CP-SAT workers per answer
RECENT = 10  # runs listed on the what-if page
OPEN = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)

Progress = Callable[..., None]  # (text, fraction=None)
Answered = Callable[[dict[str, Any]], None]  # the answer, before its fix is looked for


def open_entries(program: Program) -> QuerySet[WaitlistEntry]:
    """The children still on the program's waiting list (waiting, or offered a place)."""
    return (
        WaitlistEntry.objects.filter(program=program, status__in=OPEN)
        .select_related("sibling")
        .order_by("status", "added_on", "pk")
    )


def start_for(entry: WaitlistEntry, today: date) -> date:
    """The day a what-if starts the child by default: the desired start, or today if past."""
    return max(entry.desired_start, today)


def recent(program: Program) -> list[WhatIfRun]:
    return list(
        WhatIfRun.objects.filter(program=program).select_related("created_by", "job")[:RECENT]
    )


def interrupted(run: WhatIfRun) -> bool:
    """Not finished, and its job will not finish it (cancelled, or the queue gave up)."""
    return not run.finished and run.job is not None and run.job.finished


# -- asking ------------------------------------------------------------------------------------


def ask(
    *, actor: User | None, program: Program, kind: str, parameters: Mapping[str, Any]
) -> WhatIfRun:
    """Store the question and queue a job to answer it (attune.plans.tasks.answer_whatif).

    `parameters` come from a valid what-if form (attune.plans.forms). The answer is written
    to the run by `answer`; nothing else is written.
    """
    from attune.plans import tasks

    with transaction.atomic():
        run = _create(actor=actor, program=program, kind=kind, parameters=parameters)
        job = jobs.start(
            actor=actor,
            kind="whatif",
            title=question(run),
            task=tasks.answer_whatif,
            program=program,
            parameters={"run": run.pk},
        )
        WhatIfRun.objects.filter(pk=run.pk).update(job=job)
    run.refresh_from_db()
    return run


@transaction.atomic
def _create(
    *, actor: User | None, program: Program, kind: str, parameters: Mapping[str, Any]
) -> WhatIfRun:
    run = WhatIfRun(
        program=program,
        kind=kind,
        parameters={**parameters, "language": translation.get_language() or "en"},
        created_by=actor,
        progress=_("Waiting to start…"),
    )
    run.full_clean()
    run.save()
    return run


def answer_job(job: Job, ctx: jobs.Context) -> dict[str, Any]:
    """The job's body: answer its run, reporting progress to the job."""
    run_id = int(job.parameters["run"])
    answer(run_id=run_id, ctx=ctx)
    run = WhatIfRun.objects.get(pk=run_id)
    if run.status == WhatIfRun.Status.FAILED:
        raise jobs.JobFailed(run.error)
    return {"url": f"/programs/{run.program_id}/what-if/{run.pk}/", "label": _("See the answer")}


def _update(run_id: int, **fields: Any) -> None:
    """One statement, outside any transaction: the run's page sees it at once."""
    WhatIfRun.objects.filter(pk=run_id).update(updated_at=timezone.now(), **fields)


def answer(*, run_id: int, ctx: jobs.Context | None = None) -> None:
    """Answer a queued run and store the answer (or why there is none) on it.

    Not atomic on purpose: planning takes seconds, and each update of the run (started,
    progress, answer) is one short write that the run's page can show right away. A run
    left running by a lost worker is answered again from the start.
    """
    run = WhatIfRun.objects.select_related("program").get(pk=run_id)
    if run.finished:
        return  # answered already
    _update(
        run.pk, status=WhatIfRun.Status.RUNNING, started_at=timezone.now(), progress=_("Starting…")
    )
    if ctx is not None:
        ctx.progress(0.05, _("Starting…"))

    def progress(text: str, fraction: float | None = None) -> None:
        _update(run.pk, progress=text[:200])
        if ctx is not None:
            ctx.progress(fraction, text)

    def answered(result: dict[str, Any]) -> None:
        """The answer is known: shown at once, while its fix is looked for."""
        _update(run.pk, result=result, progress=_("Looking for the smallest fix…"))
        if ctx is not None:
            ctx.progress(0.6, _("Looking for the smallest fix…"))

    compute = {
        WhatIfRun.Kind.ENROLL: _enroll_run,
        WhatIfRun.Kind.STAFFING: _staffing_run,
        WhatIfRun.Kind.RANKING: _ranking_run,
    }[WhatIfRun.Kind(run.kind)]
    with translation.override(str(run.parameters.get("language") or settings.LANGUAGE_CODE)):
        try:
            result = compute(run, progress, answered)
        except jobs.Cancelled:
            _update(
                run.pk,
                status=WhatIfRun.Status.FAILED,
                error=_("Cancelled before it was answered."),
                progress="",
                finished_at=timezone.now(),
            )
            raise
        except adapter.CannotPlan as exc:
            error = "\n".join(exc.messages)
        except engine.WhatIfError as exc:
            error = exc.message
        except (WaitlistEntry.DoesNotExist, Caregiver.DoesNotExist):
            error = _("The child or caregiver asked about is no longer in the records.")
        except Exception:
            logger.exception("what-if %s failed", run.pk)
            error = _("Something went wrong while answering; the error was logged.")
        else:
            _update(
                run.pk,
                status=WhatIfRun.Status.DONE,
                result=result,
                progress="",
                finished_at=timezone.now(),
            )
            return
    _update(
        run.pk,
        status=WhatIfRun.Status.FAILED,
        error=error,
        progress="",
        finished_at=timezone.now(),
    )


# -- names instead of ids -----------------------------------------------------------------------


@dataclass
class Namer:
    """adapter.Names, plus the names of the waitlisted children ("w<pk>")."""

    names: adapter.Names
    extra: dict[str, str] = field(default_factory=dict)

    def with_plan(self, plan: Plan | None, problem: Problem | None) -> Namer:
        if plan is None or problem is None:
            return self
        return Namer(self.names.with_plan(plan, problem), self.extra)

    def child(self, planner_id: str) -> str:
        return self.extra.get(planner_id) or self.names.child(planner_id)

    def caregiver(self, planner_id: str | None) -> str:
        return self.names.caregiver(planner_id)

    def group(self, group_id: str | None) -> str:
        return self.names.group(group_id)

    def room(self, room_id: str | None) -> str:
        return self.names.room(room_id)

    def say(self, text: str) -> str:
        text = self.names.say(text)
        if not self.extra:
            return text
        pattern = re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(i) for i in self.extra) + r")(?![\w-])"
        )
        return pattern.sub(lambda m: self.extra[m.group(0)], text)


def _change_json(change: Change, namer: Namer) -> dict[str, Any]:
    if change.kind == "primary":
        before, after = namer.caregiver(change.before), namer.caregiver(change.after)
    else:
        before, after = namer.group(change.before), namer.group(change.after)
    return {
        "child": namer.child(change.child),
        "kind": change.kind,
        "before": before,
        "after": after,
        "reason": change.reason,
    }


def _fix_json(fix: engine.Fix | None, namer: Namer) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "shortfalls": [
            {"day": s.day, "start": s.start, "end": s.end, "caregivers": s.caregivers}
            for s in fix.shortfalls
        ],
        "staff_minutes": fix.staff_minutes,
        "least_minutes": fix.least_minutes,
        "proven": fix.proven,
        "primary": int(getattr(fix, "primary", 0)),  # caregivers needed only as primaries
        "other": [namer.say(text) for text in fix.other],
    }


def _share(problem: Problem | None, child_id: str, caregiver_id: str | None) -> int | None:
    """The share (%) of the child's hours its primary caregiver is on shift."""
    if problem is None or caregiver_id is None:
        return None
    child = next((c for c in problem.children if c.id == child_id), None)
    caregiver = next((s for s in problem.caregivers if s.id == caregiver_id), None)
    if child is None or caregiver is None or not schedule_minutes(child.schedule):
        return None
    attended = schedule_minutes(child.schedule)
    return math.floor(100 * overlap_minutes(child.schedule, caregiver.shifts) / attended)


def enrollment_json(
    found: engine.Enrollment, entry: WaitlistEntry, names: adapter.Names
) -> dict[str, Any]:
    """planner.whatif's Enrollment with names: what the pages show."""
    namer = Namer(names, {found.child: str(entry)}).with_plan(found.plan, found.problem)
    unmet = []
    for note in found.unmet:
        caregiver = note.caregiver or found.primary
        unmet.append(
            {
                "goal": note.goal,
                "caregiver": namer.caregiver(caregiver) if caregiver else None,
                "languages": list(entry.home_languages or []),
                "share": _share(found.problem, found.child, caregiver),
                "sibling": str(entry.sibling) if entry.sibling is not None else None,
                "detail": namer.say(note.message),
            }
        )
    return {
        "entry": entry.pk,
        "child": str(entry),
        "start": found.start.isoformat(),
        "status": found.status,
        "group": namer.group(found.group) if found.group else None,
        "room": namer.room(found.room) if found.room else None,
        "primary": namer.caregiver(found.primary) if found.primary else None,
        "group_children": sorted(namer.child(c) for c in found.group_children),
        "effects": [_change_json(c, namer) for c in found.effects],
        "anyway": [_change_json(c, namer) for c in found.anyway],
        "unmet": unmet,
        "reasons": [namer.say(r) for r in found.reasons],
        **_fix_fields(found, namer),
    }


def _fix_fields(found: engine.Enrollment | engine.Staffing, namer: Namer) -> dict[str, Any]:
    """The fix of an answer (or that it is still being looked for), and the times taken."""
    return {
        "fix": _fix_json(found.fix, namer),
        "fix_pending": found.fix_pending,
        "seconds": round(found.seconds, 2),
        "fix_seconds": round(found.fix_seconds, 2),
    }


def _find_fix(found: engine.Enrollment | engine.Staffing) -> bool:
    """Look for the answer's fix (planner.whatif.find_fix); False when that failed (logged:
    the answer stands without a fix)."""
    try:
        engine.find_fix(found, time_limit=FIX_TIME, workers=WORKERS)
    except Exception:
        logger.exception("what-if fix search failed")
        found.fix_search = None
        return False
    return True


# -- the three questions ------------------------------------------------------------------------


def _month(day: date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def enroll(
    program: Program,
    entry: WaitlistEntry,
    *,
    start: date,
    schedule: Mapping[str, Any],
    answered: Answered | None = None,
) -> dict[str, Any]:
    """Can `entry`'s child start on `start`, attending `schedule` (stored JSON)?

    A no is given to `answered` (with "fix_pending") before its fix is looked for; the
    answer returned has the fix."""
    problem, names = adapter.problem_for(program, on=start)
    child = adapter.waitlist_child(entry, problem, schedule=schedule)
    found = engine.enroll(
        problem,
        child,
        start=start,
        hours=adapter.opening_hours(program),
        time_limit=TIME_LIMIT,
        workers=WORKERS,
        fix_time=0,
    )
    if not found.fix_pending:
        return enrollment_json(found, entry, names)
    if answered is not None:
        answered(enrollment_json(found, entry, names))
    ok = _find_fix(found)
    return {**enrollment_json(found, entry, names), **({} if ok else {"fix_failed": True})}


def _enroll_run(run: WhatIfRun, progress: Progress, answered: Answered) -> dict[str, Any]:
    p = run.parameters
    entry = WaitlistEntry.objects.select_related("sibling").get(pk=p["entry"], program=run.program)
    start = date.fromisoformat(p["start"])
    progress(
        _("Planning %(month)s with and without %(child)s…")
        % {"month": _month(start), "child": entry},
        0.1,
    )
    return enroll(run.program, entry, start=start, schedule=p["schedule"], answered=answered)


def staffing(
    program: Program,
    caregiver: Caregiver,
    *,
    start: date,
    shifts: Mapping[str, Any] | None,
    answered: Answered | None = None,
) -> dict[str, Any]:
    """`caregiver` leaves on `start` (`shifts` None) or works `shifts` from then on.

    A no is given to `answered` before its fix is looked for, as for `enroll`."""
    problem, names = adapter.problem_for(program, on=start)
    found = engine.staffing(
        problem,
        adapter.caregiver_id(caregiver),
        start=start,
        shifts=adapter.planner_schedule(shifts) if shifts is not None else None,
        hours=adapter.opening_hours(program),
        time_limit=TIME_LIMIT,
        workers=WORKERS,
        fix_time=0,
    )
    namer = Namer(names).with_plan(found.plan, found.problem)

    def said() -> dict[str, Any]:
        return {
            "caregiver": str(caregiver),
            "change": found.change,
            "start": found.start.isoformat(),
            "status": found.status,
            "affected": [_change_json(c, namer) for c in found.affected],
            "anyway": [_change_json(c, namer) for c in found.anyway],
            "reasons": [namer.say(r) for r in found.reasons],
            **_fix_fields(found, namer),
        }

    if not found.fix_pending:
        return said()
    if answered is not None:
        answered(said())
    ok = _find_fix(found)
    return {**said(), **({} if ok else {"fix_failed": True})}


def _staffing_run(run: WhatIfRun, progress: Progress, answered: Answered) -> dict[str, Any]:
    p = run.parameters
    caregiver = Caregiver.objects.get(pk=p["caregiver"], program=run.program)
    start = date.fromisoformat(p["start"])
    progress(
        _("Planning %(month)s without the change and with it…") % {"month": _month(start)}, 0.1
    )
    shifts = p.get("shifts") if p["change"] == "part-time" else None
    return staffing(run.program, caregiver, start=start, shifts=shifts, answered=answered)


def _refused(entry: WaitlistEntry, start: date, reason: str) -> dict[str, Any]:
    """An answer without planning: the entry's own record cannot be asked about."""
    return {
        "entry": entry.pk,
        "child": str(entry),
        "start": start.isoformat(),
        "status": "no",
        "group": None,
        "room": None,
        "primary": None,
        "group_children": [],
        "effects": [],
        "anyway": [],
        "unmet": [],
        "reasons": [reason],
        "fix": None,
        "fix_pending": False,
        "seconds": 0.0,
        "fix_seconds": 0.0,
    }


def _entry_problem(program: Program, entry: WaitlistEntry) -> str | None:
    """Why the entry's desired schedule cannot be asked about as it is, or None."""
    schedule = entry.desired_schedule if isinstance(entry.desired_schedule, dict) else {}
    if not any(schedule.values()):
        return _("No desired schedule is on record: add one to the waiting list entry.")
    return program.outside_hours(schedule)


@dataclass
class _Ranked:
    """One child's answer in the ranking: refused (`found` None) or planner.whatif's."""

    order: int
    entry: WaitlistEntry
    names: adapter.Names | None = None
    found: engine.Enrollment | None = None
    refused: dict[str, Any] | None = None
    fix_failed: bool = False

    def fit(self) -> tuple[int, int, int]:
        return self.found.fit if self.found is not None else (2, 0, 0)

    def json(self) -> dict[str, Any]:
        if self.found is None or self.names is None:
            assert self.refused is not None
            return self.refused
        said = enrollment_json(self.found, self.entry, self.names)
        return {**said, "fix_failed": True} if self.fix_failed else said


def rank(
    program: Program, *, progress: Progress | None = None, answered: Answered | None = None
) -> dict[str, Any]:
    """Every child on the waiting list, best fit first (planner.whatif.rank), each from
    their desired start (today, if it is past) with their desired schedule.

    Every child is answered first: the ranking by what is then known goes to `answered`
    (with "fixes_pending") when some no's fix is still to be looked for; then the fixes,
    one child at a time, with progress; the ranking returned has them."""
    today = program.today()
    entries = list(open_entries(program))
    order = {e.pk: i for i, e in enumerate(entries)}
    ranked: list[_Ranked] = []
    done = 0

    def tick(_text: str = "") -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(
                _("%(done)d of %(total)d children on the waiting list answered")
                % {"done": done, "total": len(entries)},
                0.05 + 0.55 * done / max(1, len(entries)),
            )

    by_start: dict[date, list[WaitlistEntry]] = {}
    for entry in entries:
        start = start_for(entry, today)
        reason = _entry_problem(program, entry)
        if reason is not None:
            ranked.append(_Ranked(order[entry.pk], entry, refused=_refused(entry, start, reason)))
            tick()
            continue
        by_start.setdefault(start, []).append(entry)
    for start, group in sorted(by_start.items()):
        try:
            problem, names = adapter.problem_for(program, on=start)
        except adapter.CannotPlan as exc:
            for entry in group:
                refused = _refused(entry, start, " ".join(exc.messages))
                ranked.append(_Ranked(order[entry.pk], entry, refused=refused))
                tick()
            continue
        by_id = {adapter.waitlist_id(e): e for e in group}
        children = [(adapter.waitlist_child(e, problem), start) for e in group]
        found = engine.rank(
            problem,
            children,
            hours=adapter.opening_hours(program),
            time_limit=TIME_LIMIT,
            workers=WORKERS,
            progress=tick,
            fix_time=0,
        )
        for enrollment in found:
            entry = by_id[enrollment.child]
            ranked.append(_Ranked(order[entry.pk], entry, names, enrollment))

    def ranking() -> dict[str, Any]:
        ranked.sort(key=lambda r: (r.fit(), r.order))
        pending = any(r.found is not None and r.found.fix_pending for r in ranked)
        return {
            "answers": [r.json() for r in ranked],
            "today": today.isoformat(),
            "fixes_pending": pending,
        }

    pending = [r for r in ranked if r.found is not None and r.found.fix_pending]
    if not pending:
        return ranking()
    if answered is not None:
        answered(ranking())
    for n, r in enumerate(pending, 1):
        if progress is not None:
            progress(
                _("Looking for the smallest fix: %(done)d of %(total)d children who cannot start")
                % {"done": n, "total": len(pending)},
                0.6 + 0.4 * (n - 1) / len(pending),
            )
        assert r.found is not None
        r.fix_failed = not _find_fix(r.found)
    return ranking()


def _ranking_run(run: WhatIfRun, progress: Progress, answered: Answered) -> dict[str, Any]:
    progress(_("Answering for each child on the waiting list…"))
    return rank(run.program, progress=progress, answered=answered)


# -- saying the answer (in the reader's language, when the page is shown) -----------------------

REASONS = {
    "aged": lambda: _("moves into another age group"),
    "caregiver_left": lambda: _("the primary caregiver no longer works here that month"),
    "schedule": lambda: _("a schedule changes"),
    "family_request": lambda: _("the family asked for it"),
    "plan": lambda: _("to keep every group within the rules and goals"),
}


def say_change(change: Mapping[str, Any]) -> str:
    why = REASONS.get(str(change.get("reason")), REASONS["plan"])()
    params = {
        "child": change.get("child"),
        "before": change.get("before"),
        "after": change.get("after"),
        "why": why,
    }
    if change.get("kind") == "primary":
        return _("%(child)s: primary caregiver %(before)s → %(after)s (%(why)s).") % params
    return _("%(child)s: group %(before)s → %(after)s (%(why)s).") % params


def _day_name(day: str) -> str:
    return str(WEEKDAYS[DAYS.index(day)]) if day in DAYS else day


def _listing(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(list)s and %(last)s") % {"list": ", ".join(items[:-1]), "last": items[-1]}


def _part_of_day(start: int, end: int) -> str:
    if end <= 12 * 60:
        return pgettext("part of the day", "morning")
    if start >= 12 * 60:
        return pgettext("part of the day", "afternoon")
    if end - start <= 4 * 60:
        return pgettext("part of the day", "midday")
    return pgettext("part of the day", "day")


def _hours(minutes: int) -> str:
    hours = minutes / 60
    return str(number_format(hours, decimal_pos=0 if hours == int(hours) else 1))


def say_fix(fix: Mapping[str, Any] | None) -> list[str]:
    """The smallest fix found in extra caregiver time, in words (see `fix_other` for what
    staff cannot fix)."""
    if not fix:
        return []
    out: list[str] = []
    shortfalls = fix.get("shortfalls") or []
    if shortfalls:
        spans: dict[tuple[int, int, int], list[str]] = {}
        for s in shortfalls:
            spans.setdefault((s["start"], s["end"], s["caregivers"]), []).append(s["day"])
        parts = []
        for (start, end, n), days in sorted(
            spans.items(), key=lambda item: (DAYS.index(item[1][0]), item[0])
        ):
            params = {
                "days": _listing([_day_name(d) for d in sorted(set(days), key=DAYS.index)]),
                "part": _part_of_day(start, end),
                "start": hhmm(start),
                "end": hhmm(end),
                "n": n,
            }
            if n > 1:
                text = _("%(days)s %(part)s (%(start)s–%(end)s, %(n)d caregivers at once)")
            else:
                text = _("%(days)s %(part)s (%(start)s–%(end)s)")
            parts.append(text % params)
        sentence = _("Needs %(hours)s more caregiver hours a week: %(when)s.") % {
            "hours": _hours(int(fix.get("staff_minutes") or 0)),
            "when": "; ".join(parts),
        }
        least = int(fix.get("least_minutes") or 0)
        if fix.get("proven"):
            sentence += " " + _("No smaller fix exists.")
        elif least:
            sentence += " " + _("Any fix needs at least %(hours)s hours.") % {
                "hours": _hours(least)
            }
        out.append(sentence)
    primary = int(fix.get("primary") or 0)
    if primary:
        out.append(
            ngettext(
                "Needs %(n)d more caregiver who can be primary caregiver for the children, on "
                "any hours (or a higher maximum of primary children for a caregiver now).",
                "Needs %(n)d more caregivers who can be primary caregivers for the children, "
                "on any hours (or a higher maximum of primary children for a caregiver now).",
                primary,
            )
            % {"n": primary}
        )
    return out


def fix_other(fix: Mapping[str, Any] | None) -> list[str]:
    """What extra caregivers cannot fix (the planner's sentences, with names, in English)."""
    return [str(text) for text in (fix or {}).get("other") or []]


def say_unmet(note: Mapping[str, Any], child: str) -> str:
    """One of the new child's own goals the plan does not meet (the plan board's words)."""
    goal = note.get("goal")
    caregiver = note.get("caregiver")
    params = {"child": child, "caregiver": caregiver or "—"}
    if goal == "language":
        params["languages"] = languages.names(note.get("languages") or [])
        if caregiver:
            text = _(
                "%(caregiver)s, the primary caregiver of %(child)s, speaks none of the "
                "child's home languages (%(languages)s)."
            )
        else:
            text = _("%(child)s has no primary caregiver to speak %(languages)s.")
        return text % params
    if goal == "ifsp":
        return (
            _(
                "%(child)s has an IFSP and the primary caregiver, %(caregiver)s, is not IFSP-trained."
            )
            % params
        )
    if goal == "primary_presence" and caregiver and note.get("share") is not None:
        params["share"] = str(note["share"])
        return _("%(caregiver)s is on shift for %(share)s%% of the hours %(child)s attends.") % (
            params
        )
    if goal == "siblings" and note.get("sibling"):
        return _("Siblings %(a)s and %(b)s are not in the same group.") % {
            "a": child,
            "b": note["sibling"],
        }
    return str(note.get("detail") or "")


@dataclass
class Said:
    """An answer as the page shows it."""

    status: str
    headline: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    changes_heading: str = ""
    no_changes: str = ""  # said when `changes` is empty
    anyway: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # the planner's sentences (English)
    fix: list[str] = field(default_factory=list)  # translated
    fix_other: list[str] = field(default_factory=list)  # the planner's sentences (English)
    fix_pending: bool = False  # a no whose fix is still being looked for
    fix_failed: bool = False  # the fix search failed (logged)
    seconds: float | None = None  # to the answer
    fix_seconds: float | None = None  # the fix search, after the answer
    summary: str = ""  # one line, for the ranking
    start: str = ""  # the day asked about, for the reader


def _date(value: str) -> str:
    return date_format(date.fromisoformat(value), "DATE_FORMAT")


def say_enrollment(a: Mapping[str, Any]) -> Said:
    params = {"child": a["child"], "date": _date(a["start"])}
    fix = say_fix(a.get("fix"))
    if a["status"] == "yes":
        said = Said(
            status="yes",
            headline=_("Yes: %(child)s can start on %(date)s.") % params,
            facts=[
                (_("Group"), a.get("group") or "—"),
                (_("Room"), a.get("room") or "—"),
                (_("Primary caregiver"), a.get("primary") or "—"),
                (_("With"), ", ".join(a.get("group_children") or []) or "—"),
            ],
        )
        n = len(a.get("effects") or [])
        said.summary = ngettext(
            "%(group)s, with %(primary)s as primary caregiver; %(n)d change for other children.",
            "%(group)s, with %(primary)s as primary caregiver; %(n)d changes for other children.",
            n,
        ) % {"group": a.get("group") or "—", "primary": a.get("primary") or "—", "n": n}
    else:
        said = Said(
            status="no",
            headline=_("No: %(child)s cannot start on %(date)s with this schedule.") % params,
        )
        said.summary = fix[0] if fix else ""
    said.changes = [say_change(c) for c in a.get("effects") or []]
    said.changes_heading = _("Children whose primary caregiver or group would change")
    said.no_changes = _("No other child changes primary caregiver or group.")
    said.anyway = [say_change(c) for c in a.get("anyway") or []]
    said.unmet = [s for s in (say_unmet(n, a["child"]) for n in a.get("unmet") or []) if s]
    said.reasons = list(a.get("reasons") or [])
    said.fix = fix
    said.fix_other = fix_other(a.get("fix"))
    _timing(said, a)
    said.start = _date(a["start"])
    return said


def _timing(said: Said, a: Mapping[str, Any]) -> None:
    """Whether the fix is still being looked for (or failed), and the seconds taken."""
    said.fix_pending = bool(a.get("fix_pending"))
    said.fix_failed = bool(a.get("fix_failed"))
    said.seconds = a.get("seconds")
    # a fix found within 5 ms is stored as 0.0 s (issue #15's exact staffing bound): still said
    if a.get("fix") is not None and a.get("fix_seconds") is not None:
        said.fix_seconds = a.get("fix_seconds")


def say_staffing(a: Mapping[str, Any]) -> Said:
    params = {"caregiver": a["caregiver"], "date": _date(a["start"])}
    if a["status"] == "yes":
        headline = (
            _("Yes: every rule can still be met when %(caregiver)s leaves on %(date)s.")
            if a["change"] == "leaves"
            else _(
                "Yes: every rule can still be met when %(caregiver)s works the new shifts "
                "from %(date)s."
            )
        )
    else:
        headline = (
            _("No: no plan meets every rule when %(caregiver)s leaves on %(date)s.")
            if a["change"] == "leaves"
            else _(
                "No: no plan meets every rule when %(caregiver)s works the new shifts from "
                "%(date)s."
            )
        )
    said = Said(
        status=a["status"],
        headline=headline % params,
        changes=[say_change(c) for c in a.get("affected") or []],
        changes_heading=_("Children affected"),
        no_changes=_("No child's primary caregiver or group changes."),
        anyway=[say_change(c) for c in a.get("anyway") or []],
        reasons=list(a.get("reasons") or []),
        fix=say_fix(a.get("fix")),
        fix_other=fix_other(a.get("fix")),
    )
    _timing(said, a)
    return said


def question(run: WhatIfRun) -> str:
    """What was asked, in one line (the run's heading and its line in the list)."""
    p = run.parameters
    if run.kind == WhatIfRun.Kind.ENROLL:
        return _("Can %(child)s start on %(date)s?") % {
            "child": p.get("entry_name", "—"),
            "date": _date(p["start"]),
        }
    if run.kind == WhatIfRun.Kind.STAFFING:
        params = {"caregiver": p.get("caregiver_name", "—"), "date": _date(p["start"])}
        if p.get("change") == "leaves":
            return _("What if %(caregiver)s leaves on %(date)s?") % params
        return _("What if %(caregiver)s goes part-time from %(date)s?") % params
    return _("Which children on the waiting list fit best?")
