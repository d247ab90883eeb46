"""Jobs: long work a person started, run by a task on the queue, shown while it runs.

A view starts a job (`start`): one Job row and one queued task, in one transaction, so a job
is never without its task nor a task without its job (a web server killed right after keeps
both). The task calls `run` with the job's body: `run` marks the job running, gives the body
a `Context` (progress 0..1 with a message, and cancelling), and stores what the body returns
(a result dict: a link to what was made, a summary) or why it failed, in plain words.

Failures:
- `JobFailed` (a reason a person can act on: "the records cannot be planned because…") fails
  the job at once; trying again would fail the same way.
- `Cancelled` (from `Context.check`, after cancel was pressed) ends it as cancelled.
- anything else is a bug or an outage: the task raises, and the worker tries it again with a
  growing pause (attune.jobs.worker), at most ATTUNE_TASK_MAX_TRIES times; after the last, the
  job says it stopped after that many tries (the traceback is in the log and on the task).

A job runs once: `run` ignores a job that is already finished (a task delivered again after
its worker was lost mid-way finds the result there), and bodies that write results write
them with the job's row locked and its status in the same transaction (`finish_with`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.signals import task_finished

from attune.jobs.models import Job

if TYPE_CHECKING:
    from attune.accounts.models import User
    from attune.programs.models import Jurisdiction, Program

logger = logging.getLogger(__name__)

RECENT = 20  # jobs listed on a program's jobs page
KEEP_FAILED = timedelta(days=14)  # failures the operator's page shows


class JobFailed(Exception):
    """The job cannot be done, for a reason said in plain words (shown to the person)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Cancelled(Exception):
    """The person cancelled the job."""


class _Pending:
    """Returned by a body whose job goes on in other tasks (they finish it: `finish`)."""

    def __repr__(self) -> str:
        return "PENDING"


PENDING: Any = _Pending()


def max_tries() -> int:
    return int(getattr(settings, "ATTUNE_TASK_MAX_TRIES", 3))


# -- starting, cancelling, retrying ---------------------------------------------------------


@transaction.atomic
def start(
    *,
    actor: User | None,
    kind: str,
    title: str,
    task: Task[..., Any],
    program: Program | None = None,
    jurisdiction: Jurisdiction | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> Job:
    """Create a job and queue `task` for it (`task` takes the job's id as `job_id`)."""
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        program=program,
        jurisdiction=jurisdiction,
        created_by=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        parameters=dict(parameters or {}),
        task_path=task.module_path,
        message=_("Waiting for a worker…"),
    )
    _enqueue(job, task)
    job.refresh_from_db()  # an immediate backend (tests) has run it already
    return job


def _enqueue(job: Job, task: Task[..., Any]) -> None:
    result = task.enqueue(job_id=job.pk)
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))


@transaction.atomic
def cancel(*, job: Job) -> bool:
    """Ask the job to stop. A job still waiting is cancelled at once; a running one stops at
    its next step. False when the job had finished already."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.finished:
        return False
    if job.status == Job.Status.QUEUED:
        job.status = Job.Status.CANCELLED
        job.finished_at = timezone.now()
        job.message = _("Cancelled before it started.")
    else:
        job.message = _("Stopping…")
    job.cancel_requested = True
    job.save()
    return True


@transaction.atomic
def retry(*, job: Job) -> Job:
    """Run a failed or cancelled job again, as it was asked (a new task, the same job)."""
    from django.utils.module_loading import import_string

    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status not in (Job.Status.FAILED, Job.Status.CANCELLED):
        return job
    job.status = Job.Status.QUEUED
    job.progress = 0.0
    job.message = _("Waiting for a worker…")
    job.error = ""
    job.result = None
    job.cancel_requested = False
    job.tries = 0
    job.retries += 1
    job.task_id = ""
    job.started_at = job.finished_at = None
    job.save()
    task: Task[..., Any] = import_string(job.task_path)
    _enqueue(job, task)
    job.refresh_from_db()
    return job


# -- running -------------------------------------------------------------------------------


class Context:
    """What a job's body uses to report progress and notice a cancel."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def progress(self, fraction: float | None = None, message: str | None = None) -> None:
        """Store progress (0..1) and/or a message; raises Cancelled when cancel was pressed."""
        fields: dict[str, Any] = {"updated_at": timezone.now()}
        if fraction is not None:
            fields["progress"] = max(0.0, min(1.0, float(fraction)))
        if message is not None:
            fields["message"] = message[:300]
        Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING).update(**fields)
        self.check()

    def check(self) -> None:
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise Cancelled

    def attach(self, name: str, content: bytes) -> None:
        """Keep a file the job made (an export); the job's page links to it."""
        job = Job.objects.get(pk=self.job.pk)
        if job.file:
            job.file.delete(save=False)
        job.file.save(name, ContentFile(content), save=False)
        job.file_name = name[:200]
        job.save(update_fields=["file", "file_name", "updated_at"])


Body = Callable[[Job, Context], Mapping[str, Any] | None]


def run(job_id: int, body: Body) -> None:
    """Run `body` for the job (called by the job's task). See the module's doc."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("job %s no longer exists; nothing to run", job_id)
        return
    if job.finished:
        return  # done (or cancelled) already: a task delivered again does nothing
    if job.cancel_requested:
        _finish(job.pk, Job.Status.CANCELLED, message=_("Cancelled."))
        return
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        tries=job.tries + 1,
        message=_("Starting…"),
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    with translation.override(job.language):
        try:
            result = body(job, Context(job))
        except Cancelled:
            _finish(job.pk, Job.Status.CANCELLED, message=_("Cancelled."))
        except JobFailed as exc:
            _finish(job.pk, Job.Status.FAILED, error=exc.message)
        except Exception:
            if job.tries >= max_tries():
                logger.exception("job %s failed on its last try", job.pk)
                _finish(job.pk, Job.Status.FAILED, error=gave_up(job.tries))
                return
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.QUEUED,
                message=_("Something went wrong; trying again (try %(n)d of %(max)d)…")
                % {"n": job.tries + 1, "max": max_tries()},
                updated_at=timezone.now(),
            )
            raise  # the worker tries the task again, after a pause
        else:
            if result is not PENDING:
                _finish(job.pk, Job.Status.DONE, result=result)  # unless `finish_with` did


def gave_up(tries: int) -> str:
    return ngettext(
        "It failed %(n)d time and was stopped. The error was logged for the operator; "
        "press Retry to try again.",
        "It failed %(n)d times and was stopped. The error was logged for the operator; "
        "press Retry to try again.",
        tries,
    ) % {"n": tries}


def _finish(
    job_id: int,
    status: str,
    *,
    result: Mapping[str, Any] | None = None,
    error: str = "",
    message: str = "",
) -> bool:
    """Mark the job finished, once: False when it had finished already."""
    fields: dict[str, Any] = {
        "status": status,
        "finished_at": timezone.now(),
        "updated_at": timezone.now(),
        "message": message,
        "error": error,
    }
    if status == Job.Status.DONE:
        fields["progress"] = 1.0
        fields["result"] = dict(result or {})
    done = Job.Status.DONE, Job.Status.FAILED, Job.Status.CANCELLED
    updated = Job.objects.filter(pk=job_id).exclude(status__in=done).update(**fields)
    return bool(updated)


def finish_with(job: Job, write: Callable[[], Mapping[str, Any]]) -> bool:
    """Write the job's result and mark it done in one transaction, with the job's row locked:
    a second run of the same job (its first worker lost mid-way) writes nothing. False when
    the job had finished already."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.finished:
            return False
        result = write()
        return _finish(job.pk, Job.Status.DONE, result=result)


def finish(job: Job, result: Mapping[str, Any] | None = None) -> bool:
    """Mark a job done (once) from one of the tasks it spread its work over."""
    return _finish(job.pk, Job.Status.DONE, result=result)


def mark_cancelled(job: Job) -> bool:
    with translation.override(job.language):
        return _finish(job.pk, Job.Status.CANCELLED, message=_("Cancelled."))


@receiver(task_finished)
def _task_gave_up(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """A task that the queue stopped trying (its worker lost too often, or a failure outside
    `run`) fails its job, if it has one."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    job_id = (task_result.kwargs or {}).get("job_id")
    if not isinstance(job_id, int):
        return
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    with translation.override(job.language):
        _finish(job.pk, Job.Status.FAILED, error=gave_up(max(job.tries, 1)))


# -- reading -----------------------------------------------------------------------------------


def recent_for_program(program: Program) -> QuerySet[Job]:
    return Job.objects.filter(program=program).select_related("created_by")[:RECENT]


def recent_for_state(jurisdiction: Jurisdiction) -> QuerySet[Job]:
    return Job.objects.filter(jurisdiction=jurisdiction).select_related("created_by")[:RECENT]


def for_operator() -> tuple[QuerySet[Job], QuerySet[Job]]:
    """Everything running or waiting, and the failures of the last two weeks."""
    active = Job.objects.filter(status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
    failed = Job.objects.filter(
        status=Job.Status.FAILED, finished_at__gte=timezone.now() - KEEP_FAILED
    )
    related = ("created_by", "program", "jurisdiction")
    return active.select_related(*related)[:200], failed.select_related(*related)[:200]
