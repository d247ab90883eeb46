"""The worker: django-tasks' database worker, with what it lacks for Attune around it.

django_tasks_db's worker takes each task with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL
(an EXCLUSIVE transaction on SQLite) and marks it RUNNING in the same transaction, so a task
is taken by exactly one worker. It does not notice a worker that died mid-task (the task
stays RUNNING forever) and never tries a failed task again. This small layer adds:

- a heartbeat: each worker writes its WorkerBeat row every ATTUNE_WORKER_BEAT seconds from a
  side thread (also while the main thread is busy in a solve);
- a lease: a RUNNING task whose worker has not beaten for ATTUNE_WORKER_LEASE seconds (killed,
  machine lost) is put back in the queue, to be taken by another worker; after
  ATTUNE_TASK_MAX_TRIES tries it is failed with the reason instead;
- retries: a task that raises is put back with a growing pause (2, 4, 8 … s) until it has
  been tried ATTUNE_TASK_MAX_TRIES times, then failed (django-tasks' task_finished signal
  fails its job, if it has one);
- a fence: a worker whose task was given to another (it had stopped beating, then woke up)
  does not write the task's outcome; results that must be written once are written under the
  job's lock (attune.jobs.services.finish_with);
- the schedules (ATTUNE_SCHEDULES): the side thread claims each (schedule, period) by
  inserting its unique ScheduleRun row and queues the schedule's task in the same
  transaction, so each runs once per period whatever the number of workers.

The number of tries a task had is the number of workers that took it (its worker_ids).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskContext, TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker as DBWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from attune.jobs.models import ScheduleRun, WorkerBeat
from attune.lib import tasks as lib_tasks

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running the task stopped (killed, or its machine was lost)."""


def lease() -> float:
    return float(getattr(settings, "ATTUNE_WORKER_LEASE", 60))


def beat_every() -> float:
    return float(getattr(settings, "ATTUNE_WORKER_BEAT", 5))


def max_tries() -> int:
    return int(getattr(settings, "ATTUNE_TASK_MAX_TRIES", 3))


def declared_schedules() -> list[lib_tasks.Schedule]:
    return lib_tasks.schedules(getattr(settings, "ATTUNE_SCHEDULES", []))


def requeue(result_id: Any, *, delay: float = 0.0) -> bool:
    """Put a RUNNING task back in the queue (to be taken after `delay` seconds)."""
    updated = DBTaskResult.objects.filter(pk=result_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY,
        run_after=timezone.now() + timedelta(seconds=delay),
        started_at=None,
    )
    return bool(updated)


def reap(*, now: Any = None) -> int:
    """Give back the tasks of workers that stopped beating; fail those tried too often.
    Returns how many tasks were given back or failed."""
    now = now or timezone.now()
    alive = set(
        WorkerBeat.objects.filter(seen_at__gte=now - timedelta(seconds=lease())).values_list(
            "worker_id", flat=True
        )
    )
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids")
    lost = [r.pk for r in running if not r.worker_ids or r.worker_ids[-1] not in alive]
    done = 0
    for result_id in lost:
        with exclusive_transaction(DBTaskResult.objects.db):
            result = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=result_id, status=TaskResultStatus.RUNNING)
                .first()
            )
            if result is None or (result.worker_ids and result.worker_ids[-1] in alive):
                continue
            tries = len(result.worker_ids)
            if tries >= max_tries():
                result.set_failed(
                    WorkerLost(f"the worker running it stopped {tries} times; not tried again")
                )
                failed = result
            else:
                requeue(result.pk)
                failed = None
                logger.warning("task %s: its worker stopped; queued again", result.pk)
        done += 1
        if failed is not None:
            logger.error("task %s: its worker stopped %d times; failed", failed.pk, tries)
            task_finished.send(sender=DBWorker, task_result=failed.task_result)
    return done


def fire_schedules(*, worker_id: str = "", now: Any = None) -> list[str]:
    """Queue every declared schedule whose current period has not been claimed yet.
    Returns the names of the schedules this call queued."""
    now = timezone.localtime(now or timezone.now())
    fired = []
    for schedule in declared_schedules():
        period = schedule.period(now)
        if ScheduleRun.objects.filter(schedule=schedule.name, period=period).exists():
            continue
        try:
            with transaction.atomic():
                claim = ScheduleRun.objects.create(
                    schedule=schedule.name, period=period, worker_id=worker_id
                )
                result = import_string(schedule.task).enqueue()
                claim.task_id = str(result.id)
                claim.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker claimed this period first
        fired.append(schedule.name)
        logger.info("schedule %s: queued for %s", schedule.name, period)
    return fired


class Worker(DBWorker):
    """django_tasks_db's Worker with a heartbeat, a lease, retries and the schedules."""

    def __init__(self, *, schedules: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schedules = schedules
        self._stop = threading.Event()
        self._side: threading.Thread | None = None

    # -- the side thread: heartbeat, lost tasks, schedules --------------------------------

    def beat(self) -> None:
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"seen_at": timezone.now(), "host": socket.gethostname()[:200],
                      "pid": os.getpid()},
        )  # fmt: skip

    def housekeeping(self) -> None:
        self.beat()
        reap()
        if self.schedules:
            fire_schedules(worker_id=self.worker_id)

    def _side_loop(self) -> None:
        try:
            while not self._stop.wait(beat_every()):
                close_old_connections()
                try:
                    self.housekeeping()
                except Exception:
                    logger.exception("worker %s: housekeeping failed", self.worker_id)
        finally:
            connections.close_all()

    def run(self) -> None:
        self.housekeeping()  # beat before taking the first task
        self._side = threading.Thread(target=self._side_loop, name="heartbeat", daemon=True)
        self._side.start()
        try:
            super().run()
        finally:
            self._stop.set()
            self._side.join(timeout=beat_every() + 5)
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()

    # -- running one task ------------------------------------------------------------------

    def _still_mine(self, result_id: Any) -> bool:
        row = DBTaskResult.objects.filter(pk=result_id).values("status", "worker_ids").first()
        return bool(
            row
            and row["status"] == TaskResultStatus.RUNNING
            and row["worker_ids"]
            and row["worker_ids"][-1] == self.worker_id
        )

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = type(task.get_backend())
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result),  # type: ignore[arg-type]
                    *task_result.args,
                    **task_result.kwargs,
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            with exclusive_transaction(DBTaskResult.objects.db):
                mine = self._still_mine(db_task_result.pk)
                if mine:
                    db_task_result.set_successful(value)
            if mine:
                task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
            else:
                logger.warning(
                    "task %s was given to another worker meanwhile; outcome not written",
                    db_task_result.pk,
                )
        except (KeyboardInterrupt, SystemExit):
            # stopped by force (a second Ctrl-C): not the task's fault, it runs again
            requeue(db_task_result.pk)
            raise
        except Exception as exc:
            self._failed(db_task_result, exc)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _failed(self, db_task_result: DBTaskResult[Any, Any], exc: Exception) -> None:
        tries = len(db_task_result.worker_ids)
        if not self._still_mine(db_task_result.pk):
            logger.warning("task %s failed after it was given to another worker", db_task_result.pk)
            return
        if tries < max_tries():
            delay = lib_tasks.backoff(tries)
            logger.warning(
                "task %s failed (try %d of %d): %s; trying again in %.0f s",
                db_task_result.pk, tries, max_tries(), type(exc).__name__, delay,
                exc_info=exc,
            )  # fmt: skip
            requeue(db_task_result.pk, delay=delay)
            return
        db_task_result.set_failed(exc)
        try:
            task_finished.send(
                sender=type(db_task_result.task.get_backend()),
                task_result=db_task_result.task_result,
            )
        except ImportError:
            logger.exception("task %s failed and its task cannot be found", db_task_result.pk)
