"""The programs app's tasks on the queue: large imports (attune.programs.imports, as jobs)
and dropping uploads nobody imported (schedule `discard-stale-imports`)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from attune.jobs import services as jobs
from attune.programs import imports


@task(queue_name="default")
def discard_stale_imports() -> int:
    return imports.discard_stale(older_than=timedelta(hours=24))


@task(queue_name="default")
def import_batch(job_id: int) -> None:
    jobs.run(job_id, imports.import_job)
