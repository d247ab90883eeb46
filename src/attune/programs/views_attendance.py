"""Attendance pages (issue #19): a room today (who is here, the ratio now, live), signing
children in and out, clocking in and out, absences said ahead, a guardian's sign-in at the
door, and planned against actual attendance.

Every button is a plain form (works without JavaScript); with HTMX the room's live part is
polled every few seconds.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.lib import access, params, schedules
from attune.lib.views import acting_user
from attune.programs import attendance
from attune.programs.forms_attendance import (
    AbsenceForm,
    ClockForm,
    DoorCodeForm,
    DoorForm,
    GuardianForm,
)
from attune.programs.models import Absence, Caregiver, Child, Program, Room

LIVE_SECONDS = 10  # how often an open room page asks for the present state


def _viewer(request: HttpRequest) -> access.Viewer:
    return access.viewer_for(request.user)


def _back(request: HttpRequest, default: str) -> str:
    return params.local_url(request.POST, "next", host=request.get_host()) or default


def _room_context(request: HttpRequest, granted: access.Granted) -> dict[str, Any]:
    room: Room = granted.obj
    program = room.program
    now = attendance.room_now(room)
    viewer = _viewer(request)
    visible = set(access.visible_children(viewer, program).values_list("pk", flat=True))
    guardians: dict[int, list[Any]] = {}
    shown = [*now.children, *now.expected, *now.gone, *now.others]
    families = {c.family_id for c in shown}
    from attune.programs.models import Guardian

    for g in Guardian.objects.filter(family_id__in=families).order_by(
        "-is_primary_contact", "first_name"
    ):
        guardians.setdefault(g.family_id, []).append(g)
    staff = list(
        Caregiver.objects.filter(program=program, room=room).order_by("first_name", "last_name")
    )
    here_ids = {c.pk for c in now.staff}
    staff += [c for c in now.staff if c.room_id != room.pk]
    cg = viewer.caregiver
    return {
        "program": program,
        "room": room,
        "now": now,
        "local_now": timezone.localtime(now.at, program.tz),
        "visible": visible,
        "guardians": guardians,
        "staff": staff,
        "here_ids": here_ids,
        "my_caregiver_id": cg.pk if cg is not None and cg.program_id == program.pk else None,
        "is_manager": access.Rel.MANAGER in granted.relations,
        "live_seconds": LIVE_SECONDS,
        "rooms": program.rooms.order_by("name"),
    }


@login_required
@require_GET
def room_today(request: HttpRequest, room_id: int) -> HttpResponse:
    granted = access.require_room(_viewer(request), room_id, "attendance.room")
    context = _room_context(request, granted)
    template = "programs/room_today.html"
    part = params.choice(request.GET, "part", ("live",), default="")
    if request.htmx and part == "live":  # type: ignore[attr-defined]
        template += "#live"
    return render(request, template, context)


def _room_url(child: Child) -> str:
    if child.room_id is None:
        return reverse("program_dashboard", args=[child.program_id])
    return reverse("room_today", args=[child.room_id])


def _sign(request: HttpRequest, child_id: int, direction: str) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "attendance.sign")
    child: Child = granted.obj
    form = GuardianForm(request.POST, child=child)
    guardian = form.cleaned_data["guardian"] if form.is_valid() else None
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for e in form.errors.values() for m in e))
        return redirect(_back(request, _room_url(child)))
    try:
        if direction == "in":
            attendance.sign_in(actor=acting_user(request), child=child, dropped_off_by=guardian)
            messages.success(request, _("%(child)s is signed in.") % {"child": child})
        else:
            attendance.sign_out(actor=acting_user(request), child=child, picked_up_by=guardian)
            messages.success(request, _("%(child)s is signed out.") % {"child": child})
    except attendance.AttendanceError as error:
        messages.error(request, error.message)
    return redirect(_back(request, _room_url(child)) + f"#child-{child.pk}")


@login_required
@require_POST
def sign_in(request: HttpRequest, child_id: int) -> HttpResponse:
    return _sign(request, child_id, "in")


@login_required
@require_POST
def sign_out(request: HttpRequest, child_id: int) -> HttpResponse:
    return _sign(request, child_id, "out")


@login_required
@require_POST
def clock(request: HttpRequest, caregiver_id: int) -> HttpResponse:
    granted = access.require_caregiver(_viewer(request), caregiver_id, "attendance.clock")
    caregiver: Caregiver = granted.obj
    direction = params.choice(request.POST, "direction", ("in", "out"), default="in")
    form = ClockForm(request.POST, program_id=caregiver.program_id)
    room = form.cleaned_data.get("room") if form.is_valid() else None
    default = (
        reverse("room_today", args=[room.pk if room else caregiver.room_id])
        if (room or caregiver.room_id)
        else reverse("program_dashboard", args=[caregiver.program_id])
    )
    try:
        if direction == "in":
            attendance.clock_in(actor=acting_user(request), caregiver=caregiver, room=room)
            messages.success(request, _("%(name)s is clocked in.") % {"name": caregiver})
        else:
            attendance.clock_out(actor=acting_user(request), caregiver=caregiver)
            messages.success(request, _("%(name)s is clocked out.") % {"name": caregiver})
    except attendance.AttendanceError as error:
        messages.error(request, error.message)
    return redirect(_back(request, default))


# -- absences and late arrivals, said ahead ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def absences(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "attendance.absence")
    child: Child = granted.obj
    today = child.program.today()
    form = AbsenceForm(request.POST or None, initial={"day": today, "kind": "absent"})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                attendance.mark_absence(
                    actor=acting_user(request), child=child, day=data["day"], kind=data["kind"],
                    arrives_at=data["arrives_at"], note=data["note"],
                )  # fmt: skip
            except attendance.AttendanceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you: the caregivers will know."))
                return redirect("attendance_absences", child_id=child.pk)
    upcoming = child.absences.filter(day__gte=today, withdrawn_at__isnull=True).order_by("day")
    context = {
        "child": child,
        "program": child.program if access.is_staff_view(granted.relations) else None,
        "form": form,
        "upcoming": upcoming,
        "door": bool(child.program.door_code) and granted.allows("attendance.door"),
    }
    return render(request, "programs/absences.html", context, status=status)


@login_required
@require_POST
def absence_withdraw(request: HttpRequest, absence_id: int) -> HttpResponse:
    absence = get_object_or_404(Absence, pk=absence_id)
    access.require_child(_viewer(request), absence.child_id, "attendance.absence")
    attendance.withdraw_absence(actor=acting_user(request), absence=absence)
    messages.success(request, _("Withdrawn."))
    return redirect("attendance_absences", child_id=absence.child_id)


# -- a guardian at the door ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def door(request: HttpRequest, child_id: int) -> HttpResponse:
    """A guardian signs their child in or out on their phone, with the code posted at the
    door (only where the program has set one)."""
    granted = access.require_child(_viewer(request), child_id, "attendance.door")
    child: Child = granted.obj
    program: Program = child.program
    if not program.door_code:
        raise Http404
    here = attendance.open_stay(child) is not None
    form = DoorForm(request.POST or None, child=child)
    mine = child.family.guardians.filter(user=acting_user(request)).first()
    if mine is not None and not form.is_bound:
        form.initial["guardian"] = mine.pk
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if not constant_time_compare(form.cleaned_data["code"].strip(), program.door_code):
                form.add_error("code", _("That is not the code posted at the door."))
            else:
                guardian = form.cleaned_data["guardian"] or mine
                try:
                    if here:
                        attendance.sign_out(
                            actor=acting_user(request), child=child, picked_up_by=guardian
                        )
                        messages.success(request, _("%(child)s is signed out.") % {"child": child})
                    else:
                        attendance.sign_in(
                            actor=acting_user(request), child=child, dropped_off_by=guardian
                        )
                        messages.success(request, _("%(child)s is signed in.") % {"child": child})
                except attendance.AttendanceError as error:
                    form.add_error(None, error.message)
                else:
                    return redirect("family_home")
    return render(
        request,
        "programs/door.html",
        {"child": child, "form": form, "here": here},
        status=status,
    )


# -- planned against actual ---------------------------------------------------------------------


@login_required
@require_GET
def attendance_report(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "attendance.report")
    program: Program = granted.obj
    today = program.today()
    asked = params.day(
        request.GET, "week", default=today, earliest=today - timedelta(days=400), latest=today
    )
    assert asked is not None
    monday = asked - timedelta(days=asked.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    open_days = set(program.open_days or [])
    days = [d for d in days if schedules.DAYS[d.weekday()] in open_days] or days[:5]
    children = list(
        Child.objects.filter(program=program)
        .filter(enrollment_start__lte=days[-1])
        .filter(Q(enrollment_end__isnull=True) | Q(enrollment_end__gte=days[0]))
        .select_related("room")
        .order_by("room__name", "first_name", "last_name")
    )
    rows = attendance.planned_vs_actual(program, days, children)
    day_totals = [
        (d, sum(r.planned[d] for r in rows), sum(r.actual[d] for r in rows)) for d in days
    ]
    context = {
        "program": program,
        "days": days,
        "rows": rows,
        "day_totals": day_totals,
        "planned_total": sum(r.planned_total for r in rows),
        "actual_total": sum(r.actual_total for r in rows),
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7) if monday + timedelta(days=7) <= today else None,
        "monday": monday,
        "today": today,
    }
    return render(request, "programs/attendance_report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def door_code(request: HttpRequest, program_id: int) -> HttpResponse:
    """The director sets (or clears) the code families use to sign in at the door."""
    granted = access.require_program(_viewer(request), program_id, "program.manage")
    program: Program = granted.obj
    form = DoorCodeForm(
        request.POST if request.method == "POST" else None,
        initial={"door_code": program.door_code},
    )
    if request.method == "POST" and form.is_valid():
        attendance.set_door_code(
            actor=acting_user(request), program=program, code=form.cleaned_data["door_code"]
        )
        messages.success(request, _("Saved."))
        return redirect("program_dashboard", program_id=program.pk)
    return render(
        request,
        "programs/door_code.html",
        {"program": program, "form": form},
        status=400 if request.method == "POST" else 200,
    )
