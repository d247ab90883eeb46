"""Email endorsed people whose yearly renewal is due within 60 days (by hand; the workers run it daily: ATTUNE_SCHEDULES)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from attune.workforce.services import send_renewal_reminders


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_renewal_reminders(today=timezone.localdate())
        self.stdout.write(f"Reminders sent: {sent}")
