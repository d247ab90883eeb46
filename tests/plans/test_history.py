"""The continuity history: monthly snapshots from the records, their reasons, and the measures
read back from them (attune.plans.history, docs/continuity.md)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from attune.lib import schedules
from attune.plans import history, services
from attune.plans.models import MonthlySnapshot
from attune.programs import services as program_services
from attune.programs.models import Caregiver, Child
from planner.continuity import MonthRecord, aggregate, child_measures
from tests.conftest import World
from tests.plans.helpers import ON, planned

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
Reason = MonthlySnapshot.Reason


def snap(world: World, child: Child, month: date) -> MonthlySnapshot:
    return MonthlySnapshot.objects.get(child=child, month=month)


def update(child: Child, **data) -> Child:
    return program_services.update_child(
        actor=None, child=Child.objects.get(pk=child.pk), data=data
    )


# -- recording a month -------------------------------------------------------------------------


def test_a_month_records_every_child_enrolled_in_it(world: World) -> None:
    assert history.record_month(program=world.program, month=date(2026, 1, 17)) == 3
    ana = snap(world, world.child, JAN)
    assert ana.program == world.program
    assert (ana.primary, ana.primary_name) == (world.caregiver, "Maria Garcia")
    assert (ana.care_group, ana.group_label) == (None, "Robins")  # no small group: the room
    # Ana attends mon-fri 08:00-16:30 (5 x 510 = 2550 min); Maria works 07:30-16:00: 5 x 480
    assert (ana.attended_minutes, ana.overlap_minutes) == (2550, 2400)
    assert ana.reason == Reason.NONE  # nothing to compare with
    lan = snap(world, world.other_room_child, JAN)
    assert (lan.primary, lan.primary_name, lan.overlap_minutes) == (None, "", 0)
    assert lan.group_label == "Finches"
    assert not MonthlySnapshot.objects.filter(child=world.other_program_child).exists()


def test_children_who_start_or_leave_during_the_month_are_in_it(world: World) -> None:
    update(world.child, enrollment_end=date(2026, 1, 5))
    update(world.group_child, enrollment_start=date(2026, 1, 20))
    history.record_month(program=world.program, month=JAN)
    assert MonthlySnapshot.objects.filter(month=JAN).count() == 3
    history.record_month(program=world.program, month=FEB)
    assert set(MonthlySnapshot.objects.filter(month=FEB).values_list("child", flat=True)) == {
        world.group_child.pk,
        world.other_room_child.pk,
    }


def test_recording_again_updates_the_month(world: World) -> None:
    history.record_month(program=world.program, month=JAN)
    first = snap(world, world.child, JAN)
    assert history.record_month(program=world.program, month=JAN) == 3
    assert MonthlySnapshot.objects.count() == 3
    again = snap(world, world.child, JAN)
    assert again.pk == first.pk
    assert (again.primary_id, again.group_label, again.attended_minutes) == (
        first.primary_id,
        first.group_label,
        first.attended_minutes,
    )
    # the records change and the month is recorded again: updated, not duplicated
    update(world.child, primary_caregiver=world.colleague)
    update(world.other_room_child, enrollment_end=date(2025, 12, 31))
    assert history.record_month(program=world.program, month=JAN) == 2
    assert snap(world, world.child, JAN).primary == world.colleague
    assert not MonthlySnapshot.objects.filter(child=world.other_room_child).exists()


def test_a_primary_caregiver_who_no_longer_works_there_is_no_primary(world: World) -> None:
    program_services.update_caregiver(
        actor=None, caregiver=world.caregiver, data={"end_date": date(2026, 1, 31)}
    )
    history.record_month(program=world.program, month=FEB)
    ana = snap(world, world.child, FEB)
    assert (ana.primary, ana.overlap_minutes) == (None, 0)


# -- reasons -----------------------------------------------------------------------------------


def test_no_change_no_reason(world: World) -> None:
    history.record_month(program=world.program, month=JAN)
    history.record_month(program=world.program, month=FEB)
    assert set(MonthlySnapshot.objects.filter(month=FEB).values_list("reason", flat=True)) == {""}


def test_reason_schedule(world: World) -> None:
    history.record_month(program=world.program, month=JAN)
    update(world.child, schedule=schedules.parse_text("mon-thu 08:00-16:30"))
    history.record_month(program=world.program, month=FEB)
    ana = snap(world, world.child, FEB)
    assert ana.reason == Reason.SCHEDULE
    assert (ana.attended_minutes, ana.overlap_minutes) == (2040, 1920)  # 4 x 510, 4 x 480


def test_reason_director_when_the_records_say_nothing_else(world: World) -> None:
    history.record_month(program=world.program, month=JAN)
    update(world.child, primary_caregiver=world.colleague)
    history.record_month(program=world.program, month=FEB)
    assert snap(world, world.child, FEB).reason == Reason.DIRECTOR


def test_reason_caregiver_left_through_a_month_without_a_primary(world: World) -> None:
    history.record_month(program=world.program, month=JAN)
    # Maria's last day is in January: in February Ana has no primary caregiver ...
    program_services.update_caregiver(
        actor=None, caregiver=world.caregiver, data={"end_date": date(2026, 1, 30)}
    )
    history.record_month(program=world.program, month=FEB)
    assert snap(world, world.child, FEB).reason == Reason.CAREGIVER_LEFT
    # ... and in March Linh is: the change from Maria to Linh is the caregiver's leaving
    update(world.child, primary_caregiver=world.colleague)
    history.record_month(program=world.program, month=MAR)
    assert snap(world, world.child, MAR).reason == Reason.CAREGIVER_LEFT
    report = history.measures_for(program=world.program, until=MAR, months=3)
    ana = next(r.measures for r in report.children if r.child_id == world.child.pk)
    # Maria, (none), Linh: one change, the caregiver left; runs [1, 1]
    assert (ana.primary_changes, ana.changes_caregiver_left, ana.runs) == (1, 1, [1, 1])


def test_reason_caregiver_left_when_the_record_was_deleted(world: World) -> None:
    history.record_month(program=world.program, month=JAN)
    update(world.group_child, primary_caregiver=world.caregiver)
    Caregiver.objects.filter(pk=world.colleague.pk).delete()
    before = snap(world, world.group_child, JAN)
    assert (before.primary, before.primary_name) == (None, "Linh Tran")  # the name is kept
    history.record_month(program=world.program, month=FEB)
    assert snap(world, world.group_child, FEB).reason == Reason.CAREGIVER_LEFT


def test_reason_aged(world: World) -> None:
    # Ana (born 2025-03-14) is 12 months old on April 1 (an infant under CFOC), 13 on May 1
    april, may = date(2026, 4, 1), date(2026, 5, 1)
    history.record_month(program=world.program, month=april)
    update(world.child, room=world.other_room, primary_caregiver=world.colleague)
    history.record_month(program=world.program, month=may)
    assert snap(world, world.child, may).reason == Reason.AGED
    # Minh is as old as Ana and aged too, but nothing changed for him: no reason
    assert snap(world, world.group_child, may).reason == Reason.NONE


def test_reason_plan_when_a_plan_is_accepted(world: World) -> None:
    november = date(2026, 11, 1)
    history.record_month(program=world.program, month=november)
    run = planned(world)  # for ON = 2026-12-01
    services.accept(actor=world.users["director"], run=run)
    # accepting recorded December with the plan's groups and primaries
    december = MonthlySnapshot.objects.filter(month=ON)
    assert december.count() == 3
    for snapshot in december:
        assert snapshot.care_group is not None  # the plan's small groups
        assert snapshot.group_label == snapshot.care_group.label
    lan = snap(world, world.other_room_child, ON)
    assert lan.primary is not None  # the plan gave Lan a primary caregiver
    assert lan.reason == Reason.PLAN


def test_a_family_request_is_kept_while_the_change_stands(world: World) -> None:
    history.record_month(program=world.program, month=JAN)
    update(world.child, primary_caregiver=world.colleague)
    history.record_month(program=world.program, month=FEB)
    MonthlySnapshot.objects.filter(child=world.child, month=FEB).update(
        reason=Reason.FAMILY_REQUEST
    )
    history.record_month(program=world.program, month=FEB)
    assert snap(world, world.child, FEB).reason == Reason.FAMILY_REQUEST
    update(world.child, primary_caregiver=world.caregiver)  # changed back: no change to explain
    history.record_month(program=world.program, month=FEB)
    assert snap(world, world.child, FEB).reason == Reason.NONE


def test_the_command_records_this_month_or_the_one_asked(world: World) -> None:
    out = io.StringIO()
    call_command("record_continuity", stdout=out)
    this_month = history.first_of(world.program.today())
    assert MonthlySnapshot.objects.filter(month=this_month).count() == 4  # both programs
    assert "Recorded 4 children." in out.getvalue()
    call_command(
        "record_continuity", "--program", str(world.program.pk), "--month", "2026-02", stdout=out
    )
    assert MonthlySnapshot.objects.filter(month=FEB).count() == 3
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("record_continuity", "--month", "2026-13", stdout=out)
    with pytest.raises(CommandError, match="no program"):
        call_command("record_continuity", "--program", "999999", stdout=out)


# -- measures from the snapshots ---------------------------------------------------------------


def store(world: World, child: Child, month: str, primary: Caregiver | None, group: str, **kw):
    minutes = kw.pop("attended", 2000)
    return MonthlySnapshot.objects.create(
        program=child.program,
        month=history.parse_month(month),
        child=child,
        primary=primary,
        primary_name=str(primary) if primary else "",
        group_label=group,
        attended_minutes=minutes,
        overlap_minutes=kw.pop("overlap", minutes),
        reason=kw.pop("reason", ""),
    )


def test_measures_of_a_hand_computed_history(world: World) -> None:
    ana, minh, lan = world.child, world.group_child, world.other_room_child
    maria, linh = world.caregiver, world.colleague
    # Ana: Maria Jan-Apr, Linh May-Jun (the caregiver left); all in Robins
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        store(world, ana, month, maria, "Robins", overlap=1500)
    store(world, ana, "2026-05", linh, "Robins", overlap=1000, reason="caregiver_left")
    store(world, ana, "2026-06", linh, "Robins", overlap=1000)
    # Minh: Linh all six months, Robins until April, then Finches
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        store(world, minh, month, linh, "Robins", attended=1000, overlap=500)
    for month in ("2026-05", "2026-06"):
        store(world, minh, month, linh, "Finches", attended=1000, overlap=500, reason="")
    # Lan: no primary in March (a gap), Maria otherwise; Finches throughout
    for month, primary in (("2026-02", maria), ("2026-03", None), ("2026-04", maria)):
        store(world, lan, month, primary, "Finches")
    report = history.measures_for(program=world.program, until=date(2026, 6, 15), months=6)
    assert (report.first, report.last, report.months) == (JAN, date(2026, 6, 1), 6)
    rows = {r.child_id: r for r in report.children}
    a, m, n = rows[ana.pk].measures, rows[minh.pk].measures, rows[lan.pk].measures
    # Ana: 6 months, 1 change (caregiver left) = 2 per child-year; runs 4, 2: mean 3
    assert (a.months, a.primary_changes, a.changes_caregiver_left) == (6, 1, 1)
    assert a.changes_per_child_year == 2.0 and a.runs == [4, 2] and a.months_same_primary == 3.0
    # presence: (4 x 1500 + 2 x 1000) / (6 x 2000) = 8000 / 12000
    assert a.presence == pytest.approx(2 / 3)
    # group stability: Jan->Feb .. Mar->Apr: mate Minh kept (1, 1, 1); Apr->May: Minh moved
    # to Finches (0); May->Jun: no mate in Robins (skipped): (1 + 1 + 1 + 0) / 4
    assert a.group_stability == pytest.approx(0.75)
    # Minh: no change, one run of 6, presence 0.5; Jan->Feb..Mar->Apr mate Ana kept (1 x 3),
    # Apr->May: Ana stayed in Robins (0); May->Jun mate Lan? Lan left after April: skipped
    assert (m.primary_changes, m.runs, m.presence) == (0, [6], 0.5)
    assert m.group_stability == pytest.approx(0.75)
    # Lan: Feb-Apr, a gap in March: runs [1, 1], no change
    assert (n.months, n.runs, n.primary_changes, n.group_stability) == (3, [1, 1], 0, None)
    # the latest group of each child in the window
    assert (rows[ana.pk].group_label, rows[minh.pk].group_label, rows[lan.pk].group_label) == (
        "Robins",
        "Finches",
        "Finches",
    )
    # the same as planner.continuity on the same history written by hand
    by_hand = child_measures(
        [
            *[MonthRecord(f"2026-0{i}", "a", "maria", "R", 2000, 1500) for i in (1, 2, 3, 4)],
            MonthRecord("2026-05", "a", "linh", "R", 2000, 1000, "caregiver_left"),
            MonthRecord("2026-06", "a", "linh", "R", 2000, 1000),
            *[MonthRecord(f"2026-0{i}", "m", "linh", "R", 1000, 500) for i in (1, 2, 3, 4)],
            *[MonthRecord(f"2026-0{i}", "m", "linh", "F", 1000, 500) for i in (5, 6)],
            MonthRecord("2026-02", "l", "maria", "F", 2000, 2000),
            MonthRecord("2026-03", "l", None, "F", 2000, 2000),
            MonthRecord("2026-04", "l", "maria", "F", 2000, 2000),
        ]
    )
    for key, pk in (("a", ana.pk), ("m", minh.pk), ("l", lan.pk)):
        mine, theirs = rows[pk].measures, by_hand[key]
        assert (mine.months, mine.primary_changes, mine.runs, mine.presence) == (
            theirs.months,
            theirs.primary_changes,
            theirs.runs,
            theirs.presence,
        )
        assert mine.group_stability == theirs.group_stability
    assert report.overall == aggregate(by_hand.values())
    # per group: Robins has Ana; Finches has Minh and Lan
    assert [(g.label, g.aggregate.children) for g in report.groups] == [
        ("Finches", 2),
        ("Robins", 1),
    ]
    assert report.programs[world.program.pk].children == 3


def test_measures_keep_to_the_window(world: World) -> None:
    store(world, world.child, "2025-06", world.caregiver, "Robins")
    store(world, world.child, "2026-01", world.colleague, "Robins")
    report = history.measures_for(program=world.program, until=JAN, months=6)
    ana = report.children[0].measures
    assert (ana.months, ana.primary_changes) == (1, 0)  # June 2025 is outside Aug-Jan
    assert history.measures_for(program=world.program, until=JAN, months=12).overall.children == 1


def test_monthly_reports_stand_at_the_end_of_each_month(world: World) -> None:
    for month in ("2026-01", "2026-02"):
        store(world, world.child, month, world.caregiver, "Robins")
    store(world, world.child, "2026-03", world.colleague, "Robins")
    reports = history.monthly_reports(program=world.program, until=MAR, months=3)
    assert [history.label(r.last) for r in reports] == ["2026-01", "2026-02", "2026-03"]
    assert [r.overall.primary_changes for r in reports] == [0, 0, 1]
    assert [r.overall.child_months for r in reports] == [1, 2, 3]


def test_measures_for_an_organization_or_a_state(world: World) -> None:
    store(world, world.child, "2026-01", world.caregiver, "Robins")
    store(world, world.other_program_child, "2026-01", None, "Otters")
    by_org = history.measures_for(organization=world.organization, until=JAN)
    assert set(by_org.programs) == {world.program.pk}
    by_state = history.measures_for(jurisdiction=world.jurisdiction, until=JAN)
    assert by_state.overall.children == 1
    with pytest.raises(TypeError):
        history.measures_for(until=JAN)
