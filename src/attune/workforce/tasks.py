"""The workforce's tasks on the queue: the daily endorsement renewal reminders (schedule
`renewal-reminders`; `manage.py send_renewal_reminders` runs them by hand)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from attune.workforce import services


@task(queue_name="default")
def renewal_reminders() -> int:
    return services.send_renewal_reminders(today=timezone.localdate())
