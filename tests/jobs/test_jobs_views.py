"""Visible jobs (attune.jobs): the job's page (progress, polled with HTMX; its result, or why
it failed in plain words), cancel and retry, its file; a program's recent jobs for the
director; the operator's page of everything running and the failures.

The tests run queued tasks at once, in the caller, unless a test queues them in the database
(`queue_only`): then they wait, as they would for a busy worker.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from attune.accounts.models import User
from attune.jobs import services as jobs
from attune.jobs.models import Job
from attune.plans.models import PlanRun
from tests.conftest import World, make_user
from tests.jobs import probe
from tests.plans.helpers import staff
from tests.training.helpers import tft

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "job-status"}


def text(response: Any) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


@pytest.fixture
def queue_only(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def slow_job(world: World, **parameters: Any) -> Job:
    return jobs.start(
        actor=world.users["director"], kind="test", title="Five steps", task=probe.slow_job,
        program=world.program, parameters={"pause": 0, **parameters},
    )  # fmt: skip


def test_a_plan_from_the_board_is_a_job_the_director_sees(world: World) -> None:
    staff(world)
    client = world.client("director")
    on = world.program.today().isoformat()
    response = client.post(reverse("plan_run", args=[world.program.pk]), {"on": on})
    assert response.status_code == 302  # done already (the tests run it at once): the board
    job = Job.objects.get()
    assert job.kind == "plan" and job.status == Job.Status.DONE and job.tries == 1
    assert job.program == world.program and job.created_by == world.users["director"]
    assert PlanRun.objects.get().job == job  # kept once, linked to its job
    page = text(client.get(reverse("job_detail", args=[job.pk])))
    assert "Done" in page and "Open the plan" in page and "100%" in page
    assert "Cancel" not in page and "Retry" not in page
    # polled with HTMX when done: the board, where the plan is
    partial = client.get(reverse("job_detail", args=[job.pk]), **HTMX)
    assert partial["HX-Redirect"] == f"/programs/{world.program.pk}/plan/"
    assert "<html" not in partial.content.decode()
    # the program's recent jobs, linked from the program's pages for its managers
    jobs_url = reverse("program_jobs", args=[world.program.pk])
    dashboard = reverse("program_dashboard", args=[world.program.pk])
    assert f'href="{jobs_url}"' in client.get(dashboard).content.decode()
    assert f'href="{jobs_url}"' not in world.client("caregiver").get(dashboard).content.decode()
    listed = text(client.get(jobs_url))
    assert job.title in listed and "Done" in listed
    assert job.title in text(client.get(reverse("my_jobs")))
    # not another program's director's, nor the family's
    assert (
        world.client("other_director").get(reverse("job_detail", args=[job.pk])).status_code == 404
    )
    assert job.title not in text(world.client("other_director").get(reverse("my_jobs")))


def test_a_job_waiting_for_a_worker_shows_it_and_is_cancelled_at_once(
    world: World, queue_only: None
) -> None:
    job = slow_job(world)
    assert job.status == Job.Status.QUEUED and job.task_id
    assert DBTaskResult.objects.get(pk=job.task_id).task_path == "tests.jobs.probe.slow_job"
    client = world.client("director")
    where = reverse("job_detail", args=[job.pk])
    page = client.get(where)
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'role="progressbar"' in html
    assert 'aria-valuenow="0"' in html
    assert "Waiting for a worker" in text(page) and "You can leave this page" in text(page)
    response = client.post(reverse("job_cancel", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == where
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.finished_at is not None
    page = text(client.get(where))
    assert "Cancelled before it started." in page and "Retry" in page
    # the task, when a worker takes it, does nothing
    jobs.run(job.pk, lambda job, ctx: pytest.fail("a cancelled job ran"))
    # cancelling again says it had finished
    again = client.post(reverse("job_cancel", args=[job.pk]), follow=True)
    assert "This job had already finished." in text(again)


def test_a_running_job_stops_at_its_next_step_when_cancelled(world: World) -> None:
    job = Job.objects.create(
        kind="test", title="Five steps", program=world.program, task_path="x",
        created_by=world.users["director"], status=Job.Status.RUNNING,
    )  # fmt: skip
    assert jobs.cancel(job=job)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.message == "Stopping…"
    with pytest.raises(jobs.Cancelled):
        jobs.Context(job).progress(0.5, "half way")


def test_a_failure_is_said_in_plain_words_and_can_be_retried(world: World) -> None:
    job = jobs.start(
        actor=world.users["director"], kind="test", title="Always fails",
        task=probe.failing_job, program=world.program,
    )  # fmt: skip
    # the test settings try a task once (the workers try it ATTUNE_TASK_MAX_TRIES times)
    assert job.status == Job.Status.FAILED
    client = world.client("director")
    page = text(client.get(reverse("job_detail", args=[job.pk])))
    assert "Failed" in page
    assert "It failed 1 time and was stopped. The error was logged for the operator" in page
    assert "Traceback" not in page and "RuntimeError" not in page
    assert "Retry" in page
    # retried by hand, with what it now does: five steps
    job.task_path = probe.slow_job.module_path
    job.save()
    response = client.post(reverse("job_retry", args=[job.pk]), follow=True)
    assert "The job was queued again." in text(response)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.retries == 1 and job.error == ""
    assert job.result == {"summary": "five steps"}
    assert "Retried by hand 1 time." in text(client.get(reverse("job_detail", args=[job.pk])))
    # only a failed or cancelled job is tried again
    again = client.post(reverse("job_retry", args=[job.pk]), follow=True)
    assert "Only a failed or cancelled job can be tried again." in text(again)
    assert Job.objects.get(pk=job.pk).retries == 1


def test_a_job_that_cannot_be_done_says_why(world: World) -> None:
    def body(job: Job, ctx: jobs.Context) -> Any:
        raise jobs.JobFailed("The records changed since the preview; nothing was imported.")

    job = Job.objects.create(kind="test", title="Import", program=world.program, task_path="x")
    jobs.run(job.pk, body)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.tries == 1
    assert job.error == "The records changed since the preview; nothing was imported."


def test_the_registry_export_is_a_job_with_its_file(world: World) -> None:
    tft(world, attendees=3)
    client = world.client("state_admin")
    query = {"state": world.jurisdiction.pk, "layout": "attune"}
    shown = client.get(reverse("training_registry"), query)
    assert "new rows (CSV)" in text(shown)
    response = client.post(reverse("training_registry_export"), query)
    job = Job.objects.get(kind="registry")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.jurisdiction == world.jurisdiction
    page = text(client.get(response["Location"]))
    assert f"Download {job.file_name}" in page and job.file_name.startswith("registry-OR-")
    download = client.get(reverse("job_file", args=[job.pk]))
    assert download.status_code == 200
    assert job.file_name in download["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len([r for r in rows if r["training_kind"] == "community delivery"]) == 3 * 2
    # the state's specialist may fetch it too; a program's director may not
    assert world.client("specialist").get(reverse("job_file", args=[job.pk])).status_code == 200
    assert world.client("director").get(reverse("job_file", args=[job.pk])).status_code == 404


def test_a_deliverys_certificates_are_a_job_with_a_zip(world: World) -> None:
    import zipfile

    delivery = tft(world, attendees=3).delivery
    client = world.client("trainer")
    response = client.post(reverse("training_delivery_certificates", args=[delivery.pk]))
    job = Job.objects.get(kind="certificates")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.result == {"summary": "3 certificates."}
    download = client.get(reverse("job_file", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert len(names) == 3 and all(n.endswith(".pdf") for n in names)
    assert archive.read(names[0]).startswith(b"%PDF")


def test_the_operator_sees_everything_running_and_the_failures(
    world: World, queue_only: None
) -> None:
    waiting = slow_job(world)
    failed = Job.objects.create(
        kind="test", title="Broken export", jurisdiction=world.jurisdiction, task_path="x",
        status=Job.Status.FAILED, error="It failed 3 times and was stopped.",
        finished_at=waiting.created_at,
    )  # fmt: skip
    operator: User = make_user("operator", is_superuser=True, is_staff=True)
    from django.test import Client

    client = Client()
    client.force_login(operator)
    page = text(client.get(reverse("my_jobs")))
    assert "Every job" in page and "Five steps" in page and "Broken export" in page
    assert "It failed 3 times and was stopped." in page
    assert client.get(reverse("job_detail", args=[failed.pk])).status_code == 200
    # a director sees their program's jobs, not the state's failure
    mine = text(world.client("director").get(reverse("my_jobs")))
    assert "Five steps" in mine and "Broken export" not in mine
