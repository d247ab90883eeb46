"""Imports above a few hundred rows go through the task queue (attune.programs.imports,
QUEUE_ABOVE_ROWS): Import queues a job whose page shows its progress and then the import;
still all or nothing, once, however often Import is pressed or its task is tried."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.conftest import World
from tests.programs.test_imports import CHILD_HEADER, child_row, csv_bytes, upload

from attune.jobs import services as jobs
from attune.jobs.models import Job
from attune.programs import imports
from attune.programs.models import Child, ImportBatch

ROWS = imports.QUEUE_ABOVE_ROWS + 50


def big_upload(world: World) -> ImportBatch:
    rows = [CHILD_HEADER] + [
        child_row(first_name=f"Kid{i:04d}", last_name="Queue") for i in range(ROWS)
    ]
    upload(world.client("director"), world.program, "children", csv_bytes(rows))
    return ImportBatch.objects.get()


def press_import(world: World, batch: ImportBatch) -> Any:
    return world.client("director").post(
        reverse("import_preview", args=[batch.pk]), {"action": "import"}
    )


def test_a_large_import_is_a_job(world: World) -> None:
    batch = big_upload(world)
    assert batch.row_count == ROWS and batch.error_count == 0
    response = press_import(world, batch)
    job = Job.objects.get(kind="import")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.program == world.program and job.created_by == world.users["director"]
    assert job.title == f"Import of x.csv ({ROWS} rows)"
    assert job.status == Job.Status.DONE, job.error
    assert Child.objects.filter(last_name="Queue").count() == ROWS
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    page = world.client("director").get(response["Location"]).content.decode()
    assert f"Imported {ROWS} children." in page and "See the import" in page
    # Import pressed again: nothing more is imported (the batch says it was imported)
    again = world.client("director").post(
        reverse("import_preview", args=[batch.pk]), {"action": "import"}, follow=True
    )
    assert "already imported" in again.content.decode()
    assert Child.objects.filter(last_name="Queue").count() == ROWS


def test_a_second_press_while_it_waits_gets_the_same_job(world: World, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    batch = big_upload(world)
    first = press_import(world, batch)
    second = press_import(world, batch)
    job = Job.objects.get(kind="import")
    assert first["Location"] == second["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.QUEUED and not Child.objects.filter(last_name="Queue").exists()


def test_records_that_changed_since_the_preview_fail_the_job_in_words(world: World) -> None:
    batch = big_upload(world)
    world.room.delete()  # the file's room is gone by the time the job runs
    press_import(world, batch)
    job = Job.objects.get(kind="import")
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("The file now has") and "nothing was imported" in job.error
    assert not Child.objects.filter(last_name="Queue").exists()


def test_a_job_tried_again_after_its_worker_was_lost_imports_once(world: World) -> None:
    batch = big_upload(world)
    press_import(world, batch)
    job = Job.objects.get(kind="import")
    assert Child.objects.filter(last_name="Queue").count() == ROWS
    # as if the worker had been killed after the import committed, before the job said so
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, finished_at=None)
    jobs.run(job.pk, imports.import_job)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.tries == 2
    assert Child.objects.filter(last_name="Queue").count() == ROWS


@pytest.mark.parametrize("rows", [imports.QUEUE_ABOVE_ROWS])
def test_a_small_import_is_done_in_the_request(world: World, rows: int) -> None:
    data = [CHILD_HEADER] + [child_row(first_name=f"S{i}", last_name="Small") for i in range(rows)]
    upload(world.client("director"), world.program, "children", csv_bytes(data))
    response = press_import(world, ImportBatch.objects.get())
    assert response["Location"] == reverse("child_list", args=[world.program.pk])
    assert not Job.objects.exists()
    assert Child.objects.filter(last_name="Small").count() == rows
