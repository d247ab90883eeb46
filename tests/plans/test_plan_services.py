"""Plan board services: run, move (nothing saved), save (refused when invalid), accept (all
or nothing, audited, with history), and the explanation of an infeasible program."""

from __future__ import annotations

import re
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from attune.lib import access
from attune.plans import adapter, services, wording
from attune.plans.models import PlanRun
from attune.programs import services as program_services
from attune.programs.models import Caregiver, CareGroup, Child, EnrollmentEvent
from planner.validate import validate
from tests.conftest import World
from tests.plans.helpers import ON, planned

pytestmark = pytest.mark.django_db
ID = re.compile(r"(?<![\w-])[csr]\d+(?![\w-])")


def assert_valid(run: PlanRun) -> None:
    """Every plan the tests produce passes the independent validator."""
    assert validate(services.problem_of(run), services.parse_plan(run.plan)) == []


def test_run_planner_stores_a_valid_draft(world: World, run: PlanRun) -> None:
    assert run.status == "optimal"
    assert run.state == PlanRun.State.DRAFT
    assert run.created_by == world.users["director"]
    assert run.as_of == ON
    assert run.problem["format"] == "attune.problem/1"
    assert run.plan["format"] == "attune.plan/1"
    assert run.seconds is not None and run.seconds < 3
    assert_valid(run)
    # nothing in the records changed
    assert not CareGroup.objects.exists()
    assert Child.objects.get(pk=world.child.pk).primary_caregiver == world.caregiver


def test_an_infeasible_program_is_explained_with_names(world: World) -> None:
    for caregiver in (world.colleague, *world.program.caregivers.filter(first_name="Hodan")):
        program_services.update_caregiver(
            actor=None, caregiver=caregiver, data={"end_date": date(2026, 11, 30)}
        )
    run = services.run_planner(actor=None, program=world.program, on=ON)
    assert run.status == "infeasible"
    assert run.explanation
    names = adapter.Names.for_problem(world.program, run.problem)
    said = [names.say(line) for line in run.explanation]
    assert any("Ana Lopez" in line for line in said), said
    assert not any(ID.search(line) for line in said), said
    # nobody works after 16:00: the planner says so and suggests the fix
    assert any("16:00" in line for line in said), said


def _group_of(plan: dict, child: str) -> str:
    return next(g["id"] for g in plan["groups"] if child in g["children"])


def test_move_reports_violations_and_saves_nothing(world: World, run: PlanRun) -> None:
    plan_before = dict(run.plan)
    problem = services.problem_of(run)
    ana = f"c{world.child.pk}"
    other = next(g["id"] for g in run.plan["groups"] if g["id"] != _group_of(run.plan, ana))
    # a caregiver moved out of Ana's group leaves her with one caregiver at most
    ana_group = next(g for g in run.plan["groups"] if ana in g["children"])
    edited = run.plan
    found = []
    for caregiver in list(ana_group["caregivers"]):
        edited, found = services.move(
            run=run, plan_json=edited, caregiver_id=caregiver, to_group=other
        )
    assert found, "a group without caregivers breaks the ratio"
    assert {v.rule for v in found} >= {"ratio"}
    names = services.names_for(run, problem, services.parse_plan(edited))
    said = [str(s) for s in wording.violations(found, names)]
    assert any(
        ("caregiver for the children present" in s or "caregivers for the children present" in s)
        and "Ana Lopez" in s
        for s in said
    ), said
    assert not any(ID.search(s) for s in said), said
    run.refresh_from_db()
    assert run.plan == plan_before
    assert not run.edited


def test_moving_a_child_gives_it_a_primary_of_the_new_group(world: World, run: PlanRun) -> None:
    ana = f"c{world.child.pk}"
    target = next(g for g in run.plan["groups"] if ana not in g["children"])
    edited, found = services.move(run=run, child_id=ana, to_group=target["id"])
    assert ana in next(g for g in edited["groups"] if g["id"] == target["id"])["children"]
    assert edited["primary"][ana] in target["caregivers"]
    assert not [v for v in found if v.rule.startswith("primary")]


def test_saving_an_invalid_plan_is_refused_and_stores_nothing(world: World, run: PlanRun) -> None:
    ana = f"c{world.child.pk}"
    bad = {**run.plan, "primary": {k: v for k, v in run.plan["primary"].items() if k != ana}}
    before = (PlanRun.objects.count(), run.plan)
    with pytest.raises(services.PlanRefused) as caught:
        services.save_edit(actor=world.users["director"], run=run, plan_json=bad)
    assert caught.value.messages[0] == "This plan breaks the rules below, so it was not saved."
    assert "Ana Lopez has no primary caregiver." in caught.value.messages[1]
    run.refresh_from_db()
    assert (PlanRun.objects.count(), run.plan) == before
    assert not run.edited


def test_saving_a_valid_edit(world: World, run: PlanRun) -> None:
    minh, lan = f"c{world.group_child.pk}", f"c{world.other_room_child.pk}"
    edited, found = services.move(run=run, child_id=minh, to_group=_group_of(run.plan, lan))
    assert found == []
    saved = services.save_edit(actor=world.users["director"], run=run, plan_json=edited)
    assert saved.pk == run.pk and saved.edited
    assert _group_of(saved.plan, minh) == _group_of(saved.plan, lan)
    assert saved.objective == saved.plan["objective"]
    assert_valid(saved)


def test_accept_puts_the_plan_in_effect(world: World) -> None:
    director = world.users["director"]
    run = planned(world)
    assert_valid(run)
    accepted = services.accept(actor=director, run=run)
    assert accepted.state == PlanRun.State.ACCEPTED
    assert accepted.accepted_by == director and accepted.accepted_at is not None
    plan = services.parse_plan(run.plan)
    labels = set(CareGroup.objects.filter(program=world.program).values_list("label", flat=True))
    assert labels == {"Robins", "Finches"}
    for child in Child.objects.filter(program=world.program):
        planner_id = f"c{child.pk}"
        group = plan.group_of()[planner_id]
        assert child.care_group is not None and child.room == child.care_group.room
        assert child.room_id == int(group.room[1:])
        assert child.primary_caregiver_id == int(plan.primary[planner_id][1:])
    for caregiver in Caregiver.objects.filter(program=world.program):
        group = plan.caregiver_group().get(f"s{caregiver.pk}")
        if group is not None:
            assert caregiver.care_group is not None and caregiver.room == caregiver.care_group.room
    # history: a primary change for Lan (she had none); the rooms became small groups of the
    # same names, which is no group change for anyone
    lan = Child.objects.get(pk=world.other_room_child.pk)
    event = lan.enrollment_events.get(kind=EnrollmentEvent.Kind.PRIMARY_CHANGED)
    assert event.recorded_by == director and event.detail.startswith("— → ")
    for child in Child.objects.filter(program=world.program):
        assert child.care_group is not None and child.room is not None
        if child.care_group.label == child.room.name:
            assert not child.enrollment_events.filter(
                kind=EnrollmentEvent.Kind.GROUP_CHANGED
            ).exists()
    # audit: the children's records name the director and the field that changed
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Child),
        object_id__in=[c.pk for c in Child.objects.filter(program=world.program)],
        action=LogEntry.Action.UPDATE,
        actor=director,
    )
    assert entries.count() == 3
    assert all("care_group" in e.changes_dict for e in entries)
    assert (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(CareGroup), actor=director
        ).count()
        == 2
    )
    assert_valid(run)
    # a new problem from the records continues the small groups: nothing would change
    fresh, names = adapter.problem_for(world.program, on=ON)
    current = adapter.current_plan(fresh, names)
    assert validate(fresh, current) == []
    assert {c.current.group for c in fresh.children if c.current} <= {"Robins", "Finches"}


def test_accepting_again_supersedes_and_retires(world: World) -> None:
    director = world.users["director"]
    first = services.accept(actor=director, run=planned(world))
    second = services.run_planner(actor=director, program=world.program, on=ON)
    assert_valid(second)
    services.accept(actor=director, run=second)
    first.refresh_from_db()
    assert first.state == PlanRun.State.SUPERSEDED
    assert PlanRun.objects.get(pk=second.pk).state == PlanRun.State.ACCEPTED
    with pytest.raises(services.PlanRefused, match="already in effect"):
        services.accept(actor=director, run=second)
    with pytest.raises(services.PlanRefused, match="replaced or discarded"):
        services.accept(actor=director, run=first)
    assert not CareGroup.objects.filter(retired_on__isnull=False).exists()


def test_accept_is_refused_after_a_child_withdrew_and_changes_nothing(world: World) -> None:
    director = world.users["director"]
    run = planned(world)
    program_services.update_child(
        actor=director, child=world.group_child, data={"enrollment_end": date(2026, 11, 30)}
    )
    children_before = list(Child.objects.order_by("pk").values())
    caregivers_before = list(Caregiver.objects.order_by("pk").values())
    events_before = EnrollmentEvent.objects.count()
    with pytest.raises(services.PlanRefused) as caught:
        services.accept(actor=director, run=run)
    messages = caught.value.messages
    assert messages[0].startswith("The records changed since this plan was made")
    assert any("Minh Nguyen" in m for m in messages), messages
    assert not any(ID.search(m) for m in messages), messages
    assert list(Child.objects.order_by("pk").values()) == children_before
    assert list(Caregiver.objects.order_by("pk").values()) == caregivers_before
    assert EnrollmentEvent.objects.count() == events_before
    assert not CareGroup.objects.exists()
    run.refresh_from_db()
    assert run.state == PlanRun.State.DRAFT


def test_accept_changes_nothing_when_a_record_cannot_be_saved(world: World) -> None:
    """A failure half-way (here: a child record that no longer passes its own checks) rolls
    every change back, the small groups included."""
    director = world.users["director"]
    run = planned(world)
    Child.objects.filter(pk=world.other_room_child.pk).update(home_languages=["zz-nope"])
    with pytest.raises(Exception):  # noqa: B017, PT011 (the record's own ValidationError)
        services.accept(actor=director, run=run)
    assert not CareGroup.objects.exists()
    assert Child.objects.get(pk=world.child.pk).care_group is None
    assert PlanRun.objects.get(pk=run.pk).state == PlanRun.State.DRAFT


def test_a_caregiver_sees_the_children_of_their_small_group(world: World) -> None:
    director = world.users["director"]
    services.accept(actor=director, run=planned(world))
    caregiver = Caregiver.objects.get(pk=world.caregiver.pk)
    viewer = access.viewer_for(world.users["caregiver"])
    visible = set(access.visible_children(viewer, world.program))
    for child in Child.objects.filter(program=world.program):
        in_group = child.care_group_id == caregiver.care_group_id
        is_primary = child.primary_caregiver_id == caregiver.pk
        assert (child in visible) == (in_group or is_primary), child
        rels = access.child_relations(viewer, child)
        assert (access.Rel.GROUP in rels) == in_group, child
    assert access.visible_room_ids(viewer, world.program) == {caregiver.room_id}


def test_accepting_a_plan_that_changes_nothing_writes_no_history(world: World) -> None:
    """Issue 19: children in rooms without small groups, a plan that keeps every child in its
    room with its primary caregiver: accepting it makes the rooms small groups of the same
    names, and nobody's history says "Robins → Robins"."""
    from attune.plans import history
    from attune.plans.models import MonthlySnapshot
    from attune.plans.views_continuity import _timeline

    director = world.users["director"]
    run = planned(world)
    lan = world.other_room_child
    other_room_caregiver = Caregiver.objects.filter(room=world.other_room).first()
    assert other_room_caregiver is not None
    program_services.update_child(
        actor=director, child=lan, data={"primary_caregiver": other_room_caregiver}
    )
    history.record_month(program=world.program, month=history.shift(ON, -1))
    history.record_month(program=world.program, month=ON)
    problem, names = adapter.problem_for(world.program, on=ON)
    current = adapter.current_plan(problem, names)
    assert validate(problem, current) == [], "the records' arrangement meets every rule"
    PlanRun.objects.filter(pk=run.pk).update(plan=services.compact(current))
    run.refresh_from_db()
    assert wording.changes(problem, services.parse_plan(run.plan), names) == []
    events = EnrollmentEvent.objects.count()
    snapshots = list(MonthlySnapshot.objects.filter(program=world.program).values("pk", "reason"))

    services.accept(actor=director, run=run)

    assert CareGroup.objects.filter(program=world.program).exists()  # rooms became groups
    assert EnrollmentEvent.objects.count() == events
    assert (
        list(MonthlySnapshot.objects.filter(program=world.program).values("pk", "reason"))
        == snapshots
    )
    for child in Child.objects.filter(program=world.program):
        months = MonthlySnapshot.objects.filter(child=child).order_by("month")
        for row in _timeline(list(months)):
            assert not [c for c in row.changes if "→" in c], (child, row.changes)
