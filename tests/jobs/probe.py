"""Tasks the reliability tests queue for real worker processes (importable by them: the
workers run from the repository's root)."""

from __future__ import annotations

import os
import smtplib
import time
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django_tasks import task

from attune.jobs import services as jobs
from attune.jobs.models import Job, ScheduleRun


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


class FlakyEmailBackend(BaseEmailBackend):
    """A mail server that refuses the first message handed to it, then takes the others
    (into django.core.mail.outbox, as the locmem backend does)."""

    refused = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if FlakyEmailBackend.refused == 0:
            FlakyEmailBackend.refused += 1
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return locmem.EmailBackend().send_messages(email_messages)


def _always_fails(job: Job, ctx: jobs.Context) -> Any:
    ScheduleRun.objects.create(schedule="probe-job-fail", period=f"{job.pk}:{time.time_ns()}")
    raise RuntimeError("the body of this job always fails")


@task(queue_name="default")
def failing_job(job_id: int) -> None:
    """A job whose body raises every time (a bug, or an outage that does not pass)."""
    jobs.run(job_id, _always_fails)


def _slow_steps(job: Job, ctx: jobs.Context) -> dict[str, Any]:
    for step in range(1, 6):
        time.sleep(float(job.parameters.get("pause", 0.5)))
        ctx.progress(step / 5, f"step {step} of 5")
    return {"summary": "five steps"}


@task(queue_name="default")
def slow_job(job_id: int) -> None:
    """A job of five steps, each reported, with a pause before each (cancel stops it)."""
    jobs.run(job_id, _slow_steps)


@task(queue_name="default")
def tick() -> str:
    """A schedule's task for the tests: one row per run."""
    ScheduleRun.objects.create(schedule="probe-tick", period=str(time.time_ns()))
    return "tick"
