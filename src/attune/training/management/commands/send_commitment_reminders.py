"""Email trainers whose community delivery is due within 30 days or overdue (by hand; the workers run it daily: ATTUNE_SCHEDULES)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from attune.training.services import send_commitment_reminders


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_commitment_reminders(today=timezone.localdate())
        self.stdout.write(f"Reminders sent: {sent}")
