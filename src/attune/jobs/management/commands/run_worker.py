"""Run one task worker: `manage.py run_worker` (make run starts one, make worker more).

Start as many as the machines have cores for, on any machine that reaches the database
(docs/deploy.md). Ctrl-C (or SIGTERM) lets the task in hand finish; a second one stops at
once, and the task is taken again by another worker.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from attune.jobs.worker import Worker


def worker_id(name: str) -> str:
    """A worker id unique to this process: a task whose worker died is recognised as lost
    (attune.jobs.worker) even when the worker is started again under the same name."""
    random = get_random_string(12)
    return f"{name[:40]}-{random}" if name else get_random_string(32)


class Command(BaseCommand):
    help = "Run a task worker (plans, what-ifs, imports, emails, exports, schedules)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--queue-name", default="*", help="queues to take tasks from")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks when idle"
        )
        parser.add_argument(
            "--batch", action="store_true", help="run what is queued, then stop (for tests)"
        )
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--worker-id",
            default="",
            help="a name for this worker (its host and number, say); a random part is added, "
            "so a worker started again under the same name is never taken for the old one",
        )
        parser.add_argument(
            "--no-schedules", action="store_true", help="never queue the declared schedules"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(
            queue_names=str(options["queue_name"]).split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=worker_id(str(options["worker_id"])),
            excluded_queue_names=[],
            schedules=not options["no_schedules"],
        )
        worker.configure_signals()
        worker.run()
