"""Drop uploaded CSV files nobody imported: they hold child data. The workers do it daily (ATTUNE_SCHEDULES); this runs it by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from attune.programs import imports


class Command(BaseCommand):
    help = "Discard previewed imports older than --hours (default 24) and empty their content."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args: Any, hours: int, **options: Any) -> None:
        if hours < 0:
            self.stderr.write("--hours must be 0 or more.")
            raise SystemExit(2)
        count = imports.discard_stale(older_than=timedelta(hours=hours))
        self.stdout.write(f"Discarded {count} stale import(s).")
