"""manage.py record_continuity [--program ID] [--month YYYY-MM]: the month's continuity history.

The workers record this month at every program each night (schedule `continuity-snapshots`,
attune.plans.tasks.record_continuity); this command records by hand, e.g. a past month. Safe
to run again: re-recording a month updates it. See docs/continuity.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.plans import history
from attune.programs.models import Program


class Command(BaseCommand):
    help = (
        "Record every child's primary caregiver, group and weekly minutes for a month (default: "
        "this month at each program), for the continuity-of-care measures. The workers do it "
        "nightly; running it again updates the month."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", type=int, help="Only this program (its id).")
        parser.add_argument("--month", help="The month to record, YYYY-MM (default: this month).")

    def handle(self, *args: Any, **options: Any) -> None:
        month = None
        if options["month"]:
            try:
                month = history.parse_month(options["month"])
            except ValueError:
                raise CommandError(
                    f"--month {options['month']!r} is not a month; write it as YYYY-MM."
                ) from None
        programs = Program.objects.order_by("pk")
        if options["program"] is not None:
            programs = programs.filter(pk=options["program"])
            if not programs.exists():
                raise CommandError(f"There is no program with id {options['program']}.")
        total = 0
        for program in programs:
            day = month or history.first_of(program.today())
            count = history.record_month(program=program, month=day)
            total += count
            self.stdout.write(f"{program.name}: {history.label(day)}, {count} children recorded.")
        self.stdout.write(self.style.SUCCESS(f"Recorded {total} children."))
