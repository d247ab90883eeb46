"""The state-wide policy what-if (attune.plans.policy) on a real small state.

Oregon has three programs: Maple Street (the world's, 3 children: too few to show any
figure), Alder (8 toddlers, 3 caregivers) and Birch (8 toddlers, 2 caregivers); Washington's
program is not Oregon's. The state administrator asks what a 1:3 toddler ratio (instead of
cfoc-center's 1:4) would do. Every program is planned by the real planner under both rule
sets (the tests run queued tasks at once, in the caller):

- Alder meets both; the hours the ratios require go from 2 to 3 caregivers all day:
  2 × 8.5 h × 5 days = 85 h a week, then 127.5 h;
- Birch meets the rules now and not the proposed ones with its 2 caregivers; the smallest
  fix is one more caregiver all day, 42.5 h a week (the lower bound: proved smallest);
- Maple Street shows no figure and counts in none.

The state's specialist may read the answer with only the names of the programs they support;
nobody else sees it. A program the planner keeps failing on is answered with that failure
on its last try, so the question still completes.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.jobs import services as jobs
from attune.jobs.models import Job
from attune.lib import schedules
from attune.plans import policy
from attune.plans.models import PolicyResult, PolicyWhatIf
from attune.programs import services
from attune.programs.models import Organization, Program
from planner import rules
from tests.conftest import World, caregiver_data, child_data
from tests.plans.helpers import staff

DAY = schedules.parse_text("mon-fri 08:00-16:30")
TODDLER = "cfoc-center:toddler"


def starts() -> date:
    """The first Monday at least a month from now (within the form's three years)."""
    day = timezone.localdate() + timedelta(days=31)
    return day + timedelta(days=-day.weekday() % 7)


def toddler_program(world: World, name: str, *, caregivers: int, children: int = 8) -> Program:
    organization = Organization.objects.create(name=f"{name} Early Learning")
    program = Program.objects.create(
        organization=organization, jurisdiction=world.jurisdiction, name=name,
        opens_at=time(7, 0), closes_at=time(18, 0),
    )  # fmt: skip
    room = services.create_room(actor=None, program=program, name="Toddlers", capacity=8)
    family = services.create_family(
        actor=None, program=program,
        data={"code": "F-1", "name": name, "preferred_language": "en"},
    )  # fmt: skip
    for i in range(caregivers):
        services.create_caregiver(
            actor=None, program=program,
            data=caregiver_data(room, first_name=f"Carer{i}", last_name=name, shifts=DAY),
        )  # fmt: skip
    born = starts() - timedelta(days=600)  # about 20 months old: toddlers on the day
    for i in range(children):
        services.create_child(
            actor=None, program=program,
            data=child_data(
                family, room, first_name=f"Kid{i}", last_name=name,
                birth_date=born - timedelta(days=7 * i), enrollment_start=date(2025, 9, 1),
                schedule=DAY,
            ),
        )  # fmt: skip
    return program


@pytest.fixture
def state(world: World, settings: Any) -> World:
    settings.ATTUNE_POLICY_TIME_LIMIT = 5.0
    settings.ATTUNE_POLICY_FIX_TIME = 10.0
    staff(world)  # Maple Street can be planned too (its figures are still not shown)
    toddler_program(world, "Alder", caregivers=3)
    toddler_program(world, "Birch", caregivers=2)
    return world


def ask(client: Client, state: World, **fields: Any) -> Any:
    data = {"state": state.jurisdiction.pk, "starts": starts().isoformat()}
    data.update(fields)
    return client.post(reverse("state_policy"), data)


def text(response: Any) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def result(question: PolicyWhatIf, name: str) -> PolicyResult:
    return PolicyResult.objects.get(policy=question, program__name=name)


def test_a_stricter_toddler_ratio_across_the_state(state: World) -> None:
    client = state.client("state_admin")
    form = client.get(reverse("state_policy"))
    assert form.status_code == 200
    page = text(form)
    assert "Caring for Our Children: centers" in page and "1:4, groups of 8" in page
    assert "each of the state's 3 programs" in page

    response = ask(client, state, **{f"ratio:{TODDLER}": "3"})
    question = PolicyWhatIf.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("state_policy_result", args=[question.pk])
    assert question.program_count == 3 and question.edits == {TODDLER: {"ratio": 3}}
    assert question.title.startswith("What if 13-35 months (cfoc-center): 1:3, from")
    job = Job.objects.get(pk=question.job_id)
    assert job.status == Job.Status.DONE and job.progress == 1.0 and job.kind == "policy"
    assert job.result["url"] == f"/state/policy/{question.pk}/"
    # one answer per Oregon program, Washington's not among them
    assert sorted(PolicyResult.objects.values_list("program__name", flat=True)) == [
        "Alder", "Birch", "Maple Street",
    ]  # fmt: skip

    alder = result(question, "Alder")
    assert alder.children == 8 and not alder.error
    assert alder.current["status"] in policy.FEASIBLE
    assert alder.proposed["status"] in policy.FEASIBLE
    assert alder.current["required_hours"] == 85.0
    assert alder.proposed["required_hours"] == 127.5
    assert alder.current["extra_hours"] == alder.proposed["extra_hours"] == 0.0

    birch = result(question, "Birch")
    assert birch.current["status"] in policy.FEASIBLE
    assert birch.current["required_hours"] == 85.0
    assert birch.proposed["status"] == "infeasible"
    assert birch.proposed["fix"] == "staff"
    assert birch.proposed["extra_hours"] == 42.5 and birch.proposed["fix_proven"] is True

    rows, summary = policy.report(question, may_name=lambda program: True)
    assert summary.answered == 3 and summary.total == 3
    assert summary.small == 1 and summary.counted == 2 and summary.both == 1
    assert summary.becoming_infeasible == 1
    assert summary.current.infeasible == 0 and summary.proposed.infeasible == 1
    assert summary.current.required_hours == 85.0  # Alder: the one planned under both
    assert summary.proposed.required_hours == 127.5
    assert summary.current.extra_hours == 0.0 and summary.proposed.extra_hours == 42.5
    assert summary.extra_change == 42.5 and summary.required_change == 42.5
    maple = next(r for r in rows if r.name == "Maple Street")
    assert maple.suppressed and maple.current == {} and maple.proposed == {}

    page = text(client.get(response["Location"]))
    assert "1 program can meet the rules now but not the proposed ones" in page
    assert "All programs so far (3 of 3 planned)" in page
    assert "Alder" in page and "Birch" in page and "Maple Street" in page
    assert "fewer than 5 children" in page
    assert "42.5 more caregiver hours a week would" in page
    assert "127.5" in page and "<svg" in client.get(response["Location"]).content.decode()
    assert "Ask another" in page


def test_a_small_program_shows_no_figure_and_counts_in_none(world: World, settings: Any) -> None:
    # Maple Street as built cannot be planned (nobody works after 16:00, Ana stays until
    # 16:30): were it counted, the state would have a program that cannot meet the rules
    settings.ATTUNE_POLICY_FIX_TIME = 2.0
    toddler_program(world, "Alder", caregivers=3)
    response = ask(world.client("state_admin"), world, **{f"group:{TODDLER}": "6"})
    question = PolicyWhatIf.objects.get()
    maple = result(question, "Maple Street")
    assert maple.children == 3 and maple.current["status"] == "infeasible"
    _rows, summary = policy.report(question, may_name=lambda program: True)
    assert summary.small == 1 and summary.counted == 1
    assert summary.current.infeasible == 0
    html = world.client("state_admin").get(response["Location"]).content.decode()
    row = re.search(r"<th scope=\"row\">Maple Street</th>(.*?)</tr>", html, flags=re.S)
    assert row is not None and "fewer than 5 children" in row.group(1)
    assert "no plan meets every rule" not in row.group(1)


def test_names_only_to_those_who_may_see_the_program(state: World) -> None:
    ask(state.client("state_admin"), state, **{f"ratio:{TODDLER}": "3"})
    question = PolicyWhatIf.objects.get()
    where = reverse("state_policy_result", args=[question.pk])
    # the state's specialist reads the answer; they support Maple Street only
    page = text(state.client("specialist").get(where))
    assert "Maple Street" in page
    assert "Alder" not in page and "Birch" not in page
    assert "Program 1" in page and "Program 2" in page
    assert "Ask another" not in page  # asking is the administrator's
    assert "1 program can meet the rules now but not the proposed ones" in page
    assert state.client("specialist").get(reverse("state_policy")).status_code == 403
    for persona in ("director", "other_director", "caregiver", "family", "outsider"):
        assert state.client(persona).get(where).status_code == 404, persona
    # the same question's rows, numbered in the same order for everyone
    rows, _ = policy.report(question, may_name=lambda program: program.name == "Maple Street")
    assert [r.name for r in rows] == ["Program 1", "Program 2", "Maple Street"]


def test_the_answer_fills_in_while_programs_are_planned(state: World) -> None:
    ask(state.client("state_admin"), state, **{f"ratio:{TODDLER}": "3"})
    question = PolicyWhatIf.objects.get()
    # as it was when one program was still being planned
    PolicyResult.objects.filter(policy=question, program__name="Birch").delete()
    Job.objects.filter(pk=question.job_id).update(
        status=Job.Status.RUNNING, progress=2 / 3, message="2 of 3 programs planned",
        finished_at=None,
    )  # fmt: skip
    where = reverse("state_policy_result", args=[question.pk])
    client = state.client("state_admin")
    partial = client.get(where, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="policy-answer")
    html = partial.content.decode()
    assert 'hx-trigger="every 2s"' in html and "<html" not in html
    assert 'aria-valuenow="67"' in html
    assert "All programs so far (2 of 3 planned)" in text(partial)
    assert "Birch" not in text(partial)
    # done: the page stops polling
    Job.objects.filter(pk=question.job_id).update(status=Job.Status.DONE, progress=1.0)
    assert "hx-trigger" not in client.get(where).content.decode()


def test_bad_questions_are_refused_with_nothing_started(state: World) -> None:
    client = state.client("state_admin")
    nothing = ask(client, state)
    assert nothing.status_code == 400
    assert "Change the ratio or group size of at least one band." in text(nothing)
    far = ask(client, state, starts="2099-01-01", **{f"ratio:{TODDLER}": "3"})
    assert far.status_code == 400 and "Choose a date within the next three years." in text(far)
    silly = ask(client, state, **{f"ratio:{TODDLER}": "0", f"group:{TODDLER}": "400"})
    assert silly.status_code == 400
    other_state = client.post(
        reverse("state_policy"),
        {"state": state.other_program.jurisdiction_id, f"ratio:{TODDLER}": "3",
         "starts": starts().isoformat()},
    )  # fmt: skip
    assert other_state.status_code == 404
    assert not PolicyWhatIf.objects.exists() and not Job.objects.exists()


def test_the_proposed_rule_set() -> None:
    current = rules.load("cfoc-center")
    proposed = policy.propose(current, {TODDLER: {"ratio": 5, "max_group": 10}}, date(2027, 9, 1))
    toddler = proposed.band_for(20)
    assert toddler is not None and toddler.ratio == 5 and toddler.max_group == 10
    assert proposed.id == "cfoc-center-proposed" and proposed.effective == date(2027, 9, 1)
    assert proposed.band_for(6) == current.band_for(6)  # the infants' band is unchanged
    assert policy.propose(current, {"other-rules:toddler": {"ratio": 5}}, date(2027, 9, 1)) is (
        current
    )
    # a band with tiers keeps them, its largest changed, smaller tiers within it
    tiered = rules.load("ehs-center")
    band = next(b for b in tiered.bands if len(b.tiers) > 1)
    changed = policy.propose(
        tiered, {f"ehs-center:{band.id}": {"max_group": band.tiers[0].max_group}}, date(2027, 9, 1)
    )
    after = next(b for b in changed.bands if b.id == band.id)
    assert after.max_group == band.tiers[0].max_group
    assert all(t.max_group <= after.max_group for t in after.tiers)


def test_a_program_the_planner_keeps_failing_on_is_answered_with_that(
    state: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = policy.answer_program

    def broken(program: Program, *args: Any) -> Any:
        if program.name == "Birch":
            raise RuntimeError("a planner bug")
        return real(program, *args)

    monkeypatch.setattr(policy, "answer_program", broken)
    ask(state.client("state_admin"), state, **{f"ratio:{TODDLER}": "3"})
    question = PolicyWhatIf.objects.get()
    # the test settings run each task once: its first try is also its last (see below)
    job = Job.objects.get(pk=question.job_id)
    assert job.status == Job.Status.FAILED
    assert "failed 1 time and was stopped" in job.error
    assert not PolicyResult.objects.filter(policy=question, program__name="Birch").exists()
    # on the worker's last try the failure is the program's answer, and the job completes
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, finished_at=None, error="")
    birch = Program.objects.get(name="Birch")
    with pytest.raises(RuntimeError):
        policy.run_program(job_id=job.pk, policy_id=question.pk, program_id=birch.pk, attempt=1)
    policy.run_program(job_id=job.pk, policy_id=question.pk, program_id=birch.pk, attempt=3)
    assert result(question, "Birch").error == policy.PLANNER_FAILED
    assert result(question, "Birch").children == 8
    # (the programs after it were not planned: their tasks found the job failed)
    maple = Program.objects.get(name="Maple Street")
    policy.run_program(job_id=job.pk, policy_id=question.pk, program_id=maple.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    _rows, summary = policy.report(question, may_name=lambda program: True)
    assert summary.errors == 1 and summary.counted == 1
    page = text(state.client("state_admin").get(reverse("state_policy_result", args=[question.pk])))
    assert "The planner failed on this program; the operator can see why in the log." in page
    assert "1 program could not be planned; it is listed below." in page


def test_a_retry_plans_only_the_programs_not_answered(
    state: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask(state.client("state_admin"), state, **{f"group:{TODDLER}": "6"})
    question = PolicyWhatIf.objects.get()
    PolicyResult.objects.filter(policy=question, program__name="Alder").delete()
    Job.objects.filter(pk=question.job_id).update(status=Job.Status.FAILED)
    planned: list[str] = []
    real = policy.answer_program

    def counting(program: Program, *args: Any) -> Any:
        planned.append(program.name)
        return real(program, *args)

    monkeypatch.setattr(policy, "answer_program", counting)
    response = state.client("state_admin").post(reverse("job_retry", args=[question.job_id]))
    assert response.status_code == 302
    assert planned == ["Alder"]
    assert PolicyResult.objects.filter(policy=question).count() == 3
    assert Job.objects.get(pk=question.job_id).status == Job.Status.DONE


def test_cancelling_stops_the_programs_not_yet_planned(state: World) -> None:
    job = Job.objects.create(
        kind="policy", title="What if", jurisdiction=state.jurisdiction,
        created_by=state.users["state_admin"], task_path="attune.plans.tasks.policy_fanout",
        status=Job.Status.RUNNING, cancel_requested=True,
    )  # fmt: skip
    question = PolicyWhatIf.objects.create(
        jurisdiction=state.jurisdiction, title="What if", starts=starts(),
        edits={TODDLER: {"ratio": 3}}, program_count=3, job=job,
    )  # fmt: skip
    alder = Program.objects.get(name="Alder")
    policy.run_program(job_id=job.pk, policy_id=question.pk, program_id=alder.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert not PolicyResult.objects.exists()


def test_a_program_that_cannot_be_planned_says_so_without_naming_anyone(world: World) -> None:
    cedar = toddler_program(world, "Cedar", caregivers=3)
    # every child is seven years old on the day: outside every band of cfoc-center (one such
    # child alone is left out and the others planned)
    cedar.children.update(birth_date=starts() - timedelta(days=2600))
    response = ask(world.client("state_admin"), world, **{f"ratio:{TODDLER}": "3"})
    question = PolicyWhatIf.objects.get()
    answer = result(question, "Cedar")
    assert answer.error == policy.CANNOT_PLAN and answer.children == 8
    page = text(world.client("state_admin").get(response["Location"]))
    assert "Its records cannot be planned as they are" in page
    assert "Kid0" not in page and "months old" not in page
    assert Job.objects.get(pk=question.job_id).status == Job.Status.DONE


def test_a_retry_does_not_queue_a_program_whose_task_still_waits(
    state: World, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    from django_tasks_db.models import DBTaskResult

    question = policy.start(
        actor=state.users["state_admin"], jurisdiction=state.jurisdiction, starts=starts(),
        edits={TODDLER: {"ratio": 3}}, title="What if",
    )  # fmt: skip
    job = Job.objects.get(pk=question.job_id)
    # the job's first task, as a worker runs it: one task per program queued
    policy.fanout_job(job, jobs.Context(job))
    program_tasks = DBTaskResult.objects.filter(task_path="attune.plans.tasks.policy_program")
    assert program_tasks.count() == 3
    # run again (its worker lost after queueing, say): nothing queued twice
    policy.fanout_job(job, jobs.Context(job))
    assert program_tasks.count() == 3
