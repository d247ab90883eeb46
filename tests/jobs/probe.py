"""Tasks the reliability tests queue for real worker processes (importable by them: the
workers run from the repository's root)."""

from __future__ import annotations

import os
import time

from django.db import IntegrityError, transaction
from django_tasks import task

from attune.jobs.models import ScheduleRun


@task(queue_name="default")
def record(key: str, sleep: float = 0.0) -> str:
    """Write one row per run (the run's key, the worker's pid), then optionally sleep and
    write the result once. A ScheduleRun row is used as a plain unique table."""
    ScheduleRun.objects.create(schedule="probe-run", period=f"{key}:{os.getpid()}:{time.time_ns()}")
    if sleep:
        time.sleep(sleep)
    try:
        with transaction.atomic():
            ScheduleRun.objects.create(schedule="probe-result", period=key)
    except IntegrityError:
        return "already"
    return "done"


@task(queue_name="default")
def fail_always(key: str) -> None:
    ScheduleRun.objects.create(schedule="probe-fail", period=f"{key}:{time.time_ns()}")
    raise RuntimeError("this task always fails")
