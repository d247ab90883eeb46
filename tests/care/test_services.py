"""Daily-care services: versions, corrections, naps and their checks, bad input refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from attune.care import day as care_day
from attune.care import services
from attune.care.models import CareEntry, CarePlan, FamilyNote, Ifsp, NapCheck
from tests.care.helpers import ago, infant
from tests.conftest import World

PLAN = {
    "feeding_kinds": ["formula"], "feeding_pattern": "schedule", "feeding_interval_minutes": 180,
    "bottle_ml": 150, "feeding_notes": "", "foods_to_avoid": "", "sleep_times": "12:30",
    "sleep_position": "back", "sleep_medical_note": "", "falling_asleep": "patted",
    "comfort_objects": "blue blanket", "diapering": "", "comforting": "singing",
    "home_routines": "", "home_words": [], "cultural_practices": "", "interests": "",
    "accommodations": "",
}  # fmt: skip


def test_staff_versions_keep_the_old_ones(world: World) -> None:
    director = world.users["director"]
    first = services.save_care_plan(actor=director, child=world.child, data=PLAN)
    second = services.save_care_plan(
        actor=director, child=world.child, data={**PLAN, "bottle_ml": 180}
    )
    first.refresh_from_db()
    assert (first.version, first.status) == (1, CarePlan.Status.SUPERSEDED)
    assert (second.version, second.status, second.based_on) == (2, "current", first)
    assert services.current_plan(world.child) == second
    assert LogEntry.objects.get_for_object(second).filter(actor=director).exists()


def test_family_proposal_takes_effect_only_when_accepted(world: World) -> None:
    services.save_care_plan(actor=world.users["director"], child=world.child, data=PLAN)
    proposal = services.propose_care_plan(
        actor=world.users["family"], child=world.child, data={**PLAN, "comforting": "arrullar"}
    )
    assert proposal.status == "proposed"
    assert services.current_plan(world.child).comforting == "singing"
    accepted = services.decide_care_plan(actor=world.users["caregiver"], plan=proposal, accept=True)
    assert accepted.comforting == "arrullar" and accepted.status == "current"
    with pytest.raises(ValidationError, match="already decided"):
        services.decide_care_plan(actor=world.users["caregiver"], plan=proposal, accept=False)


def test_accepting_keeps_staff_edits_made_after_the_family_started(world: World) -> None:
    services.save_care_plan(actor=world.users["director"], child=world.child, data=PLAN)
    proposal = services.propose_care_plan(
        actor=world.users["family"], child=world.child, data={**PLAN, "comforting": "arrullar"}
    )
    services.save_care_plan(
        actor=world.users["caregiver"], child=world.child, data={**PLAN, "bottle_ml": 200}
    )
    accepted = services.decide_care_plan(actor=world.users["caregiver"], plan=proposal, accept=True)
    assert (accepted.comforting, accepted.bottle_ml, accepted.version) == ("arrullar", 200, 4)
    proposal.refresh_from_db()
    assert proposal.comforting == "arrullar" and proposal.bottle_ml == 150  # kept as written
    assert CarePlan.objects.filter(child=world.child, status="current").count() == 1


def test_declined_proposal_changes_nothing(world: World) -> None:
    plan = services.save_care_plan(actor=None, child=world.child, data=PLAN)
    proposal = services.propose_care_plan(
        actor=world.users["family"], child=world.child, data={**PLAN, "bottle_ml": 60}
    )
    services.decide_care_plan(actor=None, plan=proposal, accept=False, note="Ask the doctor")
    proposal.refresh_from_db()
    assert proposal.status == "declined" and proposal.decision_note == "Ask the doctor"
    assert services.current_plan(world.child) == plan


def test_safe_sleep_other_position_for_an_infant_needs_a_medical_note(world: World) -> None:
    baby = infant(world)
    with pytest.raises(ValidationError) as refused:
        services.save_care_plan(actor=None, child=baby, data={**PLAN, "sleep_position": "stomach"})
    assert "CFOC 3.1.4.1" in str(refused.value.message_dict["sleep_medical_note"])
    assert not CarePlan.objects.filter(child=baby).exists()
    with pytest.raises(ValidationError):
        services.propose_care_plan(actor=None, child=baby, data={**PLAN, "sleep_position": "side"})
    plan = services.save_care_plan(
        actor=None, child=baby,
        data={**PLAN, "sleep_position": "side", "sleep_medical_note": "Dr Lee, reflux, 2026-11-02"},
    )  # fmt: skip
    assert plan.sleep_position == "side"


def test_over_twelve_months_no_medical_note_needed(world: World) -> None:
    plan = services.save_care_plan(
        actor=None, child=world.child, data={**PLAN, "sleep_position": "side"}
    )
    assert world.child.age_in_months(world.program.today()) >= 12
    assert plan.sleep_position == "side"


def test_home_words_are_checked(world: World) -> None:
    with pytest.raises(ValidationError, match="means"):
        services.save_care_plan(
            actor=None, child=world.child, data={**PLAN, "home_words": [{"word": "agua"}]}
        )
    plan = services.save_care_plan(
        actor=None,
        child=world.child,
        data={**PLAN, "home_words": [{"word": "agua", "meaning": "water", "language": "es"}]},
    )
    assert plan.home_words[0]["word"] == "agua"


def test_entries_by_two_caregivers_at_once_both_stay(world: World) -> None:
    a, b = world.users["caregiver"], world.users["director"]
    services.log_entry(
        actor=a, child=world.child, kind="bottle", data={"at": ago(5), "amount_ml": 120}
    )
    services.log_entry(actor=b, child=world.child, kind="diaper", data={"at": ago(5), "wet": True})
    cd = care_day.day_for(world.child, world.program.today())
    assert [(e.kind, e.author) for e in cd.entries] == [("bottle", a), ("diaper", b)]
    assert cd.bottles_ml == 120 and cd.diapers_wet == 1


@pytest.mark.parametrize(
    ("kind", "data", "field", "message"),
    [
        ("bottle", {"amount_ml": 900}, "amount_ml", "less than or equal to 480"),
        ("bottle", {}, "amount_ml", "how much"),
        ("meal", {}, "portion", "how much"),
        ("note", {"note": "x" * 501}, "note", "at most 500"),
        ("note", {"note": "  "}, "note", "Write the note"),
        ("diaper", {}, "wet", "wet"),
        ("ei_visit", {}, "provider", "provider"),
    ],
)
def test_bad_entries_are_refused_and_nothing_saved(
    world: World, kind: str, data: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.log_entry(actor=None, child=world.child, kind=kind, data={"at": ago(1), **data})
    assert message in " ".join(refused.value.message_dict[field])
    assert CareEntry.objects.count() == 0


def test_future_entries_and_nap_end_before_start_are_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="future"):
        services.log_entry(
            actor=None, child=world.child, kind="mood",
            data={"at": timezone.now() + timedelta(minutes=30), "mood": "happy"},
        )  # fmt: skip
    with pytest.raises(ValidationError, match="before the start"):
        services.log_entry(
            actor=None, child=world.child, kind="nap", data={"at": ago(30), "until": ago(60)}
        )
    nap = services.log_entry(actor=None, child=world.child, kind="nap", data={"at": ago(30)})
    with pytest.raises(ValidationError, match="before the start"):
        services.end_nap(actor=None, nap=nap, at=ago(40))
    assert CareEntry.objects.count() == 1
    nap.refresh_from_db()
    assert nap.until is None


def test_a_nap_ended_twice_is_refused_not_overwritten(world: World) -> None:
    nap = services.log_entry(actor=None, child=world.child, kind="nap", data={"at": ago(60)})
    services.end_nap(actor=world.users["caregiver"], nap=nap, at=ago(10))
    stale = CareEntry.objects.get(pk=nap.pk)
    stale.until = None  # a second tablet that had not seen the first end
    with pytest.raises(ValidationError, match="already ended"):
        services.end_nap(actor=world.users["director"], nap=stale, at=ago(1))
    nap.refresh_from_db()
    assert nap.ended_by == world.users["caregiver"]
    assert abs((nap.until - ago(10)).total_seconds()) < 60
    assert LogEntry.objects.get_for_object(nap).filter(action=LogEntry.Action.UPDATE).count() == 1


def test_one_open_nap_at_a_time(world: World) -> None:
    services.log_entry(actor=None, child=world.child, kind="nap", data={"at": ago(20)})
    with pytest.raises(ValidationError, match="already asleep"):
        services.log_entry(actor=None, child=world.child, kind="nap", data={"at": ago(5)})


def test_nap_checks_are_due_at_the_program_interval(world: World) -> None:
    baby = infant(world)
    nap = services.log_entry(actor=None, child=baby, kind="nap", data={"at": ago(20)})
    cd = care_day.day_for(baby, world.program.today())
    assert cd.nap is not None and cd.check_overdue  # 20 min > 15 min, no check yet
    assert cd.nap.next_check == nap.at + timedelta(minutes=15)
    services.check_nap(actor=world.users["caregiver"], nap=nap, at=timezone.now())
    cd = care_day.day_for(baby, world.program.today())
    assert not cd.check_overdue and len(cd.nap.checks) == 1
    later = timezone.now() + timedelta(minutes=16)
    assert care_day.day_for(baby, world.program.today(), now=later).check_overdue
    world.program.nap_check_minutes = 30
    world.program.save()
    assert not care_day.day_for(baby, world.program.today(), now=later).check_overdue
    services.end_nap(actor=None, nap=nap, at=timezone.now())
    with pytest.raises(ValidationError, match="awake"):
        services.check_nap(actor=None, nap=nap, at=timezone.now())
    assert NapCheck.objects.count() == 1


def test_corrections_keep_the_original(world: World) -> None:
    entry = services.log_entry(
        actor=world.users["caregiver"], child=world.child, kind="bottle",
        data={"at": ago(30), "amount_ml": 120},
    )  # fmt: skip
    fixed = services.correct_entry(
        actor=world.users["director"], entry=entry, data={"amount_ml": 90}
    )
    entry.refresh_from_db()
    assert entry.amount_ml == 120 and fixed.corrects == entry and fixed.amount_ml == 90
    cd = care_day.day_for(world.child, world.program.today())
    assert [e.amount_ml for e in cd.entries] == [90] and cd.corrected_ids == {entry.pk}
    services.correct_entry(actor=None, entry=fixed, withdraw=True)
    assert care_day.day_for(world.child, world.program.today()).entries == []
    assert CareEntry.objects.count() == 3


def test_an_open_nap_is_ended_before_it_is_corrected(world: World) -> None:
    nap = services.log_entry(actor=None, child=world.child, kind="nap", data={"at": ago(20)})
    with pytest.raises(ValidationError, match="End the nap first"):
        services.correct_entry(actor=None, entry=nap, data={"at": ago(25)})
    services.correct_entry(actor=None, entry=nap, withdraw=True)  # started by mistake
    assert services.sleeping_nap(world.child) is None


def test_feeding_due_per_the_care_plan(world: World) -> None:
    services.save_care_plan(
        actor=None, child=world.child, data={**PLAN, "feeding_interval_minutes": 120}
    )
    services.log_entry(
        actor=None, child=world.child, kind="bottle", data={"at": ago(130), "amount_ml": 150}
    )
    cd = care_day.day_for(world.child, world.program.today())
    assert cd.feeding_due_since is not None and cd.alert
    services.log_entry(
        actor=None, child=world.child, kind="meal", data={"at": ago(1), "portion": "most"}
    )
    assert care_day.day_for(world.child, world.program.today()).feeding_due_since is None


def test_family_note_and_ifsp(world: World) -> None:
    note = services.add_family_note(
        actor=world.users["family"], child=world.child, text="Durmió mal, último biberón 6:30"
    )
    assert note.day == world.program.today()
    assert care_day.day_for(world.child, note.day).notes == [note]
    with pytest.raises(ValidationError):
        services.add_family_note(actor=None, child=world.child, text="x" * 501)
    ifsp = services.save_ifsp(
        actor=world.users["director"], child=world.group_child,
        data={"outcomes": "Walks with support", "services": "PT weekly", "provider": "EI Co",
              "visit_schedule": "Tuesdays 10:00", "review_date": None},
    )  # fmt: skip
    world.group_child.refresh_from_db()
    assert world.group_child.has_ifsp and Ifsp.objects.get() == ifsp
    assert FamilyNote.objects.count() == 1


def test_a_nap_forgotten_open_since_before_the_day_does_not_block_a_new_one(
    world: World,
) -> None:
    CareEntry.objects.create(child=world.child, kind="nap", at=ago(30 * 60))  # 30 hours ago
    assert care_day.day_for(world.child, world.program.today()).nap is None
    assert services.sleeping_nap(world.child) is None
    nap = services.log_entry(actor=None, child=world.child, kind="nap", data={"at": ago(5)})
    assert services.sleeping_nap(world.child) == nap
