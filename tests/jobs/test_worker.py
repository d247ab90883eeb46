"""The queue with real worker processes (attune.jobs.worker), on SQLite and on PostgreSQL
(`make test-postgres` runs the same tests against a throwaway cluster).

- 200 tasks, 2 workers: every task runs exactly once;
- a worker killed (SIGKILL) in the middle of a task: the other worker takes it after the
  lease and finishes it; its result is written once;
- a task that keeps failing stops after the bounded number of tries and says why;
- queued work survives the web process (it is rows in the database).
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from typing import Any

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from attune.jobs.models import ScheduleRun
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
