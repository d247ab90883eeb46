"""The plans app's tasks on the queue (attune.jobs): plans from the board, what-ifs, the
monthly continuity snapshots, and the state-wide policy what-if (attune.plans.policy)."""

from __future__ import annotations

import logging

from django_tasks import TaskContext, task

from attune.jobs import services as jobs
from attune.plans import history, policy, services, whatif
from attune.programs.models import Program

logger = logging.getLogger(__name__)


@task(queue_name="default")
def solve_plan(job_id: int) -> None:
    """A plan from the board: solve, keep the draft run, link it from the job."""
    jobs.run(job_id, services.plan_job)


@task(queue_name="default")
def answer_whatif(job_id: int) -> None:
    """A director's what-if (enroll, staffing, ranking)."""
    jobs.run(job_id, whatif.answer_job)


@task(queue_name="default")
def record_continuity() -> int:
    """Record this month's continuity snapshot at every program (daily; re-recording a month
    updates it). The schedule `continuity-snapshots` runs it; `manage.py record_continuity`
    runs it by hand."""
    total = 0
    for program in Program.objects.order_by("pk"):
        total += history.record_month(program=program, month=history.first_of(program.today()))
    logger.info("continuity snapshots: %d children recorded", total)
    return total


@task(queue_name="default")
def policy_fanout(job_id: int) -> None:
    """A state-wide policy what-if: queue one task per program."""
    jobs.run(job_id, policy.fanout_job)


@task(queue_name="default", takes_context=True)
def policy_program(context: TaskContext, job_id: int, policy_id: int, program_id: int) -> None:
    """One program of a state-wide policy what-if, under the current and the proposed rules."""
    policy.run_program(
        job_id=job_id, policy_id=policy_id, program_id=program_id, attempt=context.attempt
    )
