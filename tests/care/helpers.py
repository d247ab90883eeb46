"""Daily-care test helpers: a program clock at midday, so "an hour ago" is always today."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from attune.programs import services as program_services
from attune.programs.models import Child, Program
from tests.conftest import World, child_data


def midday(program: Program) -> None:
    """Give the program a fixed-offset time zone where it is now between 10:00 and 14:00."""
    hour = timezone.now().hour
    offset = 12 - hour  # local = UTC + offset
    offset = max(-12, min(14, offset))
    program.timezone = "Etc/GMT" + (f"{-offset:+d}" if offset else "")
    program.save(update_fields=["timezone"])


def infant(w: World, *, days_old: int = 200) -> Child:
    """A baby under 12 months in the caregiver persona's room, their primary child."""
    today = w.program.today()
    return program_services.create_child(
        actor=None,
        program=w.program,
        data=child_data(
            w.family, w.room, first_name="Lucía", birth_date=today - timedelta(days=days_old),
            enrollment_start=today - timedelta(days=30), primary_caregiver=w.caregiver,
        ),
    )  # fmt: skip


def ago(minutes: int) -> timezone.datetime:
    return timezone.now() - timedelta(minutes=minutes)


def today(w: World) -> date:
    return w.program.today()
