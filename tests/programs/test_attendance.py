"""Attendance (issue #19): sign-in and out with the family's authorized adults, clocking,
absences said ahead, the room's ratio now under the program's rule sets, and the alert that
reaches the director and the room's caregivers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from tests.conftest import World, child_data

from attune.accounts.models import Notification
from attune.programs import attendance, services, stats
from attune.programs.models import Absence, Guardian, RatioAlert, Stay
from planner import rules

pytestmark = pytest.mark.django_db


def test_sign_in_and_out_with_an_authorized_adult(world: World) -> None:
    actor = world.users["caregiver"]
    stay = attendance.sign_in(actor=actor, child=world.child, dropped_off_by=world.guardian)
    assert stay.room == world.room and stay.dropped_off_by == world.guardian
    with pytest.raises(attendance.AttendanceError, match="already signed in"):
        attendance.sign_in(actor=actor, child=world.child, dropped_off_by=world.guardian)
    stranger = world.other_family.guardians.get()
    with pytest.raises(attendance.AttendanceError, match="authorized"):
        attendance.sign_out(actor=actor, child=world.child, picked_up_by=stranger)
    with pytest.raises(attendance.AttendanceError, match="picked"):
        attendance.sign_out(actor=actor, child=world.child, picked_up_by=None)
    out = attendance.sign_out(actor=actor, child=world.child, picked_up_by=world.guardian)
    assert out.out_at is not None and out.picked_up_by == world.guardian
    with pytest.raises(attendance.AttendanceError, match="not signed in"):
        attendance.sign_out(actor=actor, child=world.child, picked_up_by=world.guardian)
    assert Stay.objects.filter(child=world.child).count() == 1


def test_the_dashboard_counts_who_signed_in_not_the_schedule(world: World) -> None:
    now = world.program.local_now()
    rooms = {r.room: r for r in stats.attendance_by_room(world.program, now, [world.child])}
    assert rooms[world.room].here_now == []
    attendance.sign_in(actor=None, child=world.child, dropped_off_by=world.guardian)
    attendance.clock_in(actor=None, caregiver=world.caregiver, room=None)
    rooms = {r.room: r for r in stats.attendance_by_room(world.program, now, [world.child])}
    assert rooms[world.room].here_now == [world.child]
    assert rooms[world.room].caregivers_now == [world.caregiver]
    page = world.client("director").get(reverse("program_dashboard", args=[world.program.pk]))
    assert reverse("room_today", args=[world.room.pk]) in page.content.decode()


def _toddlers(world: World, n: int) -> None:
    for i in range(n):
        child = services.create_child(
            actor=None, program=world.program,
            data=child_data(world.other_family, world.room, first_name=f"Kid{i}"),
        )  # fmt: skip
        attendance.sign_in(
            actor=None, child=child, dropped_off_by=world.other_family.guardians.get()
        )


def test_out_of_ratio_alerts_the_director_and_the_rooms_caregivers_once(world: World) -> None:
    attendance.clock_in(actor=None, caregiver=world.caregiver, room=world.room)
    attendance.sign_in(actor=None, child=world.child, dropped_off_by=world.guardian)
    assert not RatioAlert.objects.exists()
    # the rules decide how many caregivers six toddlers need (planner.rules)
    rule_sets, _bad = attendance.bound_rule_sets(world.program, world.program.today())
    age = rules.Age.of(world.child.birth_date, world.program.today())
    needed = rules.staff_needed(rule_sets, [age] * 6).staff
    assert needed == 2
    mail.outbox.clear()
    _toddlers(world, 5)
    now = attendance.room_now(world.room)
    assert len(now.children) == 6 and len(now.staff) == 1
    assert now.needed == needed and now.out_of_ratio
    alert = RatioAlert.objects.get()
    assert alert.ended_at is None and alert.children >= 2
    told = Notification.objects.filter(kind="ratio")
    assert {n.user.username for n in told} == {"director", "caregiver"}
    assert all(n.urgent and n.url == reverse("room_today", args=[world.room.pk]) for n in told)
    assert {m.to[0] for m in mail.outbox} >= {"director@example.org", "caregiver@example.org"}
    attendance.check_ratio(world.room)  # checked again: still one alert, told once
    assert RatioAlert.objects.count() == 1 and told.count() == 2
    # a second caregiver clocks in to the room: the alert closes
    attendance.clock_in(actor=None, caregiver=world.colleague, room=world.room)
    assert RatioAlert.objects.get().ended_at is not None
    page = world.client("director").get(reverse("accounts:notifications_live"))
    assert "Out of ratio in Robins" in page.content.decode()


def test_absences_said_ahead_show_on_the_room_and_are_not_expected(world: World) -> None:
    today = world.program.today()
    family = world.client("family")
    url = reverse("attendance_absences", args=[world.child.pk])
    response = family.post(url, {"day": today.isoformat(), "kind": "absent", "note": "fever"})
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.reported_by == world.users["family"]
    # too far back or ahead: refused, nothing changed
    bad = family.post(url, {"day": (today - timedelta(days=1)).isoformat(), "kind": "absent"})
    assert bad.status_code == 400 and Absence.objects.count() == 1
    late = family.post(url, {"day": (today + timedelta(days=1)).isoformat(), "kind": "late"})
    assert late.status_code == 400
    now = attendance.room_now(world.room)
    assert (world.child, absence) in now.absent and world.child not in now.expected
    page = world.client("caregiver").get(reverse("room_today", args=[world.room.pk]))
    assert "fever" in page.content.decode()


def test_the_room_page_is_for_the_rooms_staff_and_managers(world: World) -> None:
    url = reverse("room_today", args=[world.room.pk])
    assert world.client("caregiver").get(url).status_code == 200
    assert world.client("director").get(url).status_code == 200
    other = reverse("room_today", args=[world.other_room.pk])
    assert world.client("caregiver").get(other).status_code == 403
    assert world.client("family").get(url).status_code == 404
    assert world.client("other_director").get(url).status_code == 404
    live = world.client("caregiver").get(url + "?part=live", HTTP_HX_REQUEST="true")
    assert live.status_code == 200 and b"<html" not in live.content


def test_sign_in_through_the_room_page(world: World) -> None:
    client = world.client("caregiver")
    url = reverse("attendance_sign_in", args=[world.child.pk])
    response = client.post(url, {"guardian": world.guardian.pk})
    assert response.status_code == 302 and Stay.objects.filter(out_at__isnull=True).count() == 1
    other = world.other_family.guardians.get()
    response = client.post(
        reverse("attendance_sign_out", args=[world.child.pk]), {"guardian": other.pk}
    )
    assert Stay.objects.get().out_at is None  # not on the family's list: refused
    # the family cannot sign in from the room's buttons (door sign-in is its own page)
    assert world.client("family").post(url, {"guardian": world.guardian.pk}).status_code == 403


def test_door_sign_in_needs_the_programs_code(world: World) -> None:
    family = world.client("family")
    url = reverse("attendance_door", args=[world.child.pk])
    assert family.get(url).status_code == 404  # the program has no door code
    world.program.door_code = "4821"
    world.program.save(update_fields=["door_code"])
    wrong = family.post(url, {"code": "0000", "guardian": world.guardian.pk})
    assert wrong.status_code == 400 and not Stay.objects.exists()
    right = family.post(url, {"code": "4821", "guardian": world.guardian.pk})
    assert right.status_code == 302 and Stay.objects.get().signed_in_by == world.users["family"]
    again = family.post(url, {"code": "4821", "guardian": world.guardian.pk})
    assert again.status_code == 302 and Stay.objects.get().out_at is not None


def test_planned_against_actual(world: World) -> None:
    program = world.program
    today = program.today()
    start = timezone.now() - timedelta(minutes=90)
    Stay.objects.create(child=world.child, room=world.room, day=today, in_at=start,
                        out_at=start + timedelta(minutes=60))  # fmt: skip
    rows = attendance.planned_vs_actual(program, [today], [world.child])
    assert rows[0].actual[today] == 60
    planned = 8 * 60 + 30 if today.weekday() < 5 else 0
    assert rows[0].planned[today] == planned
    page = world.client("director").get(reverse("attendance_report", args=[program.pk]))
    assert page.status_code == 200
    assert (
        world.client("caregiver").get(reverse("attendance_report", args=[program.pk])).status_code
        == 403
    )


def test_guardian_of_the_family_is_the_list(world: World) -> None:
    assert list(Guardian.objects.filter(family=world.family)) == [world.guardian]


def test_the_director_sets_the_door_code(world: World) -> None:
    from django.urls import reverse as url

    client = world.client("director")
    page = url("door_code", args=[world.program.pk])
    assert client.post(page, {"door_code": "ab"}).status_code == 400
    assert client.post(page, {"door_code": "4821"}).status_code == 302
    world.program.refresh_from_db()
    assert world.program.door_code == "4821"
    assert (
        world.client("family").get(url("attendance_door", args=[world.child.pk])).status_code == 200
    )
    assert world.client("caregiver").post(page, {"door_code": ""}).status_code == 403
