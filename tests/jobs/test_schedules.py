"""Declared schedules (ATTUNE_SCHEDULES) run from the workers, once per period however many
workers there are (attune.lib.tasks for the periods, attune.jobs.worker for the claims)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from attune.jobs.models import ScheduleRun, WorkerBeat
from attune.jobs.worker import fire_schedules
from attune.lib.tasks import Schedule, backoff, schedules

TZ = ZoneInfo("America/Los_Angeles")


def at(hour: int, minute: int, day: int = 5) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=TZ)


def test_a_daily_schedules_period_is_its_latest_start() -> None:
    daily = Schedule(name="reminders", task="x", at=clock(7, 0))
    assert daily.period(at(6, 59)) == "2026-12-04"  # not yet today's: yesterday's
    assert daily.period(at(7, 0)) == "2026-12-05"
    assert daily.period(at(23, 59)) == "2026-12-05"
    every = Schedule(name="naps", task="x", minutes=15)
    assert every.period(at(7, 0)) == every.period(at(7, 14)) == "2026-12-05T07:00"
    assert every.period(at(7, 15)) == "2026-12-05T07:15"


def test_schedules_are_checked_when_declared() -> None:
    with pytest.raises(ValueError, match="either at or minutes"):
        Schedule(name="both", task="x", at=clock(7, 0), minutes=5)
    with pytest.raises(ValueError, match="either at or minutes"):
        Schedule(name="neither", task="x")
    with pytest.raises(ValueError, match="positive"):
        Schedule(name="zero", task="x", minutes=0)
    declared = schedules(django_settings.ATTUNE_SCHEDULES)
    assert {s.name for s in declared} == {
        "commitment-reminders", "renewal-reminders", "continuity-snapshots",
        "nap-check-alerts", "discard-stale-imports", "webhook-retries", "api-idempotency-keys",
        "ratio-checks",
    }  # fmt: skip
    from django.utils.module_loading import import_string

    for schedule in declared:
        assert import_string(schedule.task).name  # every task exists
    assert [backoff(n) for n in (1, 2, 3)] == [2.0, 4.0, 8.0] and backoff(20) == 300.0


@pytest.mark.django_db
def test_a_period_is_claimed_once(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    settings.ATTUNE_SCHEDULES = [{"name": "tick", "task": "tests.jobs.probe.tick", "minutes": 5}]
    assert fire_schedules(worker_id="a", now=at(7, 1)) == ["tick"]
    assert fire_schedules(worker_id="b", now=at(7, 4)) == []  # the same period
    assert fire_schedules(worker_id="b", now=at(7, 5)) == ["tick"]
    runs = ScheduleRun.objects.filter(schedule="tick").order_by("period")
    assert [(r.period, r.worker_id) for r in runs] == [
        ("2026-12-05T07:00", "a"), ("2026-12-05T07:05", "b"),
    ]  # fmt: skip
    queued = DBTaskResult.objects.filter(task_path="tests.jobs.probe.tick")
    assert sorted(str(r.pk) for r in queued) == sorted(r.task_id for r in runs)


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_schedule_once_per_period(task_worker: Any) -> None:
    # two workers with the declared schedules, started together: each schedule is claimed
    # for its current period by one of them, and its task runs once
    task_worker(schedules=True)
    task_worker(schedules=True)
    names = {s["name"] for s in django_settings.ATTUNE_SCHEDULES}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        claimed = set(ScheduleRun.objects.values_list("schedule", flat=True))
        done = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count()
        if claimed >= names and done >= ScheduleRun.objects.count():
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the schedules did not all run")
    time.sleep(3)  # several more heartbeats of both workers: nothing claimed again
    assert WorkerBeat.objects.count() == 2
    runs = list(ScheduleRun.objects.all())
    per_period = Counter((r.schedule, r.period) for r in runs)
    assert set(per_period.values()) == {1}
    # every claim queued exactly one task, which one worker ran once
    results = {str(r.pk): r for r in DBTaskResult.objects.all()}
    assert sorted(results) == sorted(r.task_id for r in runs)
    assert all(r.status == TaskResultStatus.SUCCESSFUL for r in results.values())
    assert all(len(r.worker_ids) == 1 for r in results.values())
    for name in names - {
        "nap-check-alerts",
        "ratio-checks",
    }:  # the others are daily: one period here
        assert sum(1 for r in runs if r.schedule == name) == 1, name
