"""Training's tasks on the queue: the daily commitment reminders (schedule
`commitment-reminders`; `manage.py send_commitment_reminders` runs them by hand), and the
registry export and a delivery's certificates as jobs (attune.jobs)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from attune.jobs import services as jobs
from attune.training import reports, services


@task(queue_name="default")
def commitment_reminders() -> int:
    return services.send_commitment_reminders(today=timezone.localdate())


@task(queue_name="default")
def registry_export(job_id: int) -> None:
    jobs.run(job_id, reports.registry_job)


@task(queue_name="default")
def delivery_certificates(job_id: int) -> None:
    jobs.run(job_id, reports.certificates_job)
