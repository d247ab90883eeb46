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


@task(queue_name="default")
def check_room_ratio(room_id: int) -> bool:
    """Queued after every sign-in, sign-out and clock: the room's ratio against the rules now.
    Returns whether an alert was opened."""
    from attune.programs import attendance
    from attune.programs.models import Room

    room = Room.objects.filter(pk=room_id).select_related("program").first()
    if room is None:
        return False
    return attendance.check_ratio(room) is not None


@task(queue_name="default")
def check_ratios() -> int:
    """Schedule `ratio-checks` (every minute): every room with someone signed in or an alert
    open (children grow into another age band, rule sets take effect); returns alerts opened."""
    from django.db.models import Q

    from attune.programs import attendance
    from attune.programs.models import Room

    rooms = (
        Room.objects.filter(
            Q(stays__out_at__isnull=True)
            | Q(shifts_worked__out_at__isnull=True)
            | Q(ratio_alerts__ended_at__isnull=True)
        )
        .distinct()
        .select_related("program")
    )
    return sum(1 for room in rooms if attendance.check_ratio(room) is not None)
