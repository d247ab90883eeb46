"""The queue with real worker processes (attune.jobs.worker), on SQLite and on PostgreSQL
(`make test-postgres` runs the same tests against a throwaway cluster).

- 200 tasks, 2 workers: every task runs exactly once;
- a worker killed (SIGKILL) in the middle of a task: the other worker takes it after the
  lease and finishes it; its result is written once;
- a task that keeps failing stops after the bounded number of tries and says why;
- queued work survives the web process (it is rows in the database);
- a plan solve whose worker is killed mid-solve is planned again by the other and kept once;
- a job failing every time stops after the bounded tries, and says so in plain words;
- a running job's progress moves, and cancel stops it at its next step;
- the state-wide policy what-if's programs are spread over the workers.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import date
from typing import Any

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from attune.jobs import services as jobs
from attune.jobs.models import Job, ScheduleRun, WorkerBeat
from attune.plans import services as plan_services
from attune.plans.models import PlanRun
from tests.jobs import probe

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def runs() -> Counter[str]:
    keys = ScheduleRun.objects.filter(schedule="probe-run").values_list("period", flat=True)
    return Counter(key.split(":")[0] for key in keys)


def test_two_hundred_tasks_two_workers_each_exactly_once(task_worker: Any) -> None:
    results = [probe.record.enqueue(key=f"t{i}") for i in range(200)]
    a, b = task_worker(), task_worker()
    wait_for(lambda: DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 200)
    counted = runs()
    assert len(counted) == 200 and set(counted.values()) == {1}, counted.most_common(3)
    assert ScheduleRun.objects.filter(schedule="probe-result").count() == 200
    # both workers took part, and each task was taken by one worker only
    taken = Counter(
        r.worker_ids[0] for r in DBTaskResult.objects.filter(pk__in=[x.id for x in results])
    )
    assert len(taken) == 2, taken
    assert all(len(r.worker_ids) == 1 for r in DBTaskResult.objects.all())
    assert a.poll() is None and b.poll() is None


def test_a_worker_killed_mid_task_the_other_finishes_it_once(task_worker: Any) -> None:
    result = probe.record.enqueue(key="slow", sleep=3.0)
    first = task_worker()
    wait_for(lambda: runs()["slow"] == 1, timeout=60)
    first.send_signal(signal.SIGKILL)  # mid-task: it has started and is sleeping
    first.wait()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
    second = task_worker()
    wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL)
    row = DBTaskResult.objects.get(pk=result.id)
    assert len(row.worker_ids) == 2 and row.worker_ids[0] != row.worker_ids[1]
    assert runs()["slow"] == 2  # started twice: once on each worker
    assert ScheduleRun.objects.filter(schedule="probe-result", period="slow").count() == 1
    assert row.return_value == "done"
    assert second.poll() is None


def test_a_worker_started_again_under_its_name_takes_its_lost_task_again(
    task_worker: Any,
) -> None:
    # as a service manager restarts a killed worker with the same name (docs/deploy.md)
    result = probe.record.enqueue(key="restarted", sleep=3.0)
    first = task_worker("--worker-id", "host-1")
    wait_for(lambda: runs()["restarted"] == 1, timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait()
    task_worker("--worker-id", "host-1")
    wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL)
    row = DBTaskResult.objects.get(pk=result.id)
    assert [w.startswith("host-1-") for w in row.worker_ids] == [True, True]
    assert row.worker_ids[0] != row.worker_ids[1]
    assert ScheduleRun.objects.filter(schedule="probe-result", period="restarted").count() == 1


def test_a_task_that_keeps_failing_stops_after_the_bounded_tries(task_worker: Any) -> None:
    result = probe.fail_always.enqueue(key="bad")
    task_worker(ATTUNE_TASK_MAX_TRIES="3")
    wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED)
    row = DBTaskResult.objects.get(pk=result.id)
    assert ScheduleRun.objects.filter(schedule="probe-fail").count() == 3
    assert len(row.worker_ids) == 3
    assert "this task always fails" in row.traceback


def test_queued_work_outlives_the_process_that_queued_it(task_worker: Any) -> None:
    # the web process only writes rows; a worker started later (say, after a restart of
    # everything) finds them
    results = [probe.record.enqueue(key=f"q{i}") for i in range(5)]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 5
    task_worker()
    wait_for(
        lambda: all(
            DBTaskResult.objects.get(pk=r.id).status == TaskResultStatus.SUCCESSFUL for r in results
        )
    )


# -- jobs on real workers ------------------------------------------------------------------------


def generated_program(children: int, seed: int, name: str = "Generated") -> Any:
    from attune.plans import generated
    from attune.programs.models import Jurisdiction, Organization

    state = Jurisdiction.objects.get_or_create(code="GS", defaults={"name": "Generated State"})[0]
    organization = Organization.objects.create(name=f"{name} org")
    return generated.load_program(
        jurisdiction=state, organization=organization, name=name, children=children, seed=seed,
        on=ON,
    )  # fmt: skip


ON = date(2027, 1, 4)


def job(pk: int) -> Job:
    return Job.objects.get(pk=pk)


def test_a_plan_solve_killed_mid_way_is_planned_again_and_kept_once(task_worker: Any) -> None:
    # 80 children: the solve takes seconds (up to its 5 s limit)
    program = generated_program(80, seed=80)
    started = plan_services.start_planner(actor=None, program=program, on=ON)
    assert started.status == Job.Status.QUEUED
    first = task_worker()
    wait_for(lambda: job(started.pk).message.startswith("Planning"), timeout=60)
    time.sleep(0.5)
    first.send_signal(signal.SIGKILL)  # in the middle of the solve
    first.wait()
    assert job(started.pk).status == Job.Status.RUNNING and not PlanRun.objects.exists()
    task_worker()
    wait_for(lambda: job(started.pk).finished, timeout=120)
    done = job(started.pk)
    assert done.status == Job.Status.DONE and done.tries == 2
    assert done.result["url"] == f"/programs/{program.pk}/plan/"
    assert PlanRun.objects.filter(program=program).count() == 1  # written once
    assert PlanRun.objects.get().job_id == done.pk
    row = DBTaskResult.objects.get(pk=done.task_id)
    assert row.status == TaskResultStatus.SUCCESSFUL and len(set(row.worker_ids)) == 2


def test_a_job_failing_every_time_stops_after_the_bounded_tries_and_says_why(
    task_worker: Any,
) -> None:
    started = jobs.start(actor=None, kind="test", title="Always fails", task=probe.failing_job)
    task_worker(ATTUNE_TASK_MAX_TRIES="3")
    wait_for(lambda: job(started.pk).finished, timeout=120)
    failed = job(started.pk)
    assert failed.status == Job.Status.FAILED and failed.tries == 3
    assert failed.error.startswith("It failed 3 times and was stopped.")
    assert ScheduleRun.objects.filter(schedule="probe-job-fail").count() == 3
    # the job's task was taken three times (on its last try it records the failure)
    assert len(DBTaskResult.objects.get(pk=failed.task_id).worker_ids) == 3


def test_a_running_job_shows_its_progress_and_stops_when_cancelled(task_worker: Any) -> None:
    started = jobs.start(
        actor=None, kind="test", title="Five steps", task=probe.slow_job,
        parameters={"pause": 1.0},
    )  # fmt: skip
    task_worker()
    seen: list[float] = []

    def far_enough() -> bool:
        progress = job(started.pk).progress
        if not seen or progress != seen[-1]:
            seen.append(progress)
        return progress >= 0.4

    wait_for(far_enough, timeout=60)
    assert len(set(seen)) >= 2 and seen == sorted(seen)  # it moved, forward
    assert jobs.cancel(job=job(started.pk))
    wait_for(lambda: job(started.pk).finished, timeout=30)
    stopped = job(started.pk)
    assert stopped.status == Job.Status.CANCELLED and stopped.progress < 1.0
    assert stopped.result is None


def test_a_policy_what_if_is_spread_over_the_workers(task_worker: Any) -> None:
    from attune.plans import policy
    from attune.plans.models import PolicyResult

    programs = [generated_program(20 + 4 * n, seed=n, name=f"P{n}") for n in range(6)]
    task_worker()
    task_worker()
    wait_for(lambda: WorkerBeat.objects.count() == 2, timeout=60)
    question = policy.start(
        actor=None, jurisdiction=programs[0].jurisdiction, starts=ON,
        edits={"cfoc-center:toddler": {"ratio": 3}}, title="What if toddlers were 1:3?",
    )  # fmt: skip
    assert not question.job.finished  # the request only queued it
    wait_for(lambda: job(question.job_id).finished, timeout=180)
    assert job(question.job_id).status == Job.Status.DONE
    answers = PolicyResult.objects.filter(policy=question)
    assert sorted(a.program_id for a in answers) == sorted(p.pk for p in programs)
    assert all(not a.error and a.current["status"] in policy.FEASIBLE for a in answers)
    tasks = DBTaskResult.objects.filter(task_path="attune.plans.tasks.policy_program")
    assert tasks.count() == 6 and all(len(t.worker_ids) == 1 for t in tasks)
    assert len({t.worker_ids[0] for t in tasks}) == 2  # both workers planned programs
