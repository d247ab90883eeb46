"""Helpers for the plan board's tests: the world staffed so that it can be planned."""

from __future__ import annotations

from datetime import date

from attune.lib import schedules
from attune.plans import services
from attune.plans.models import PlanRun
from attune.programs import services as program_services
from tests.conftest import World

ON = date(2026, 12, 1)  # the day the tests plan for (the world's children are toddlers then)
LATE_SHIFT = schedules.parse_text("mon-fri 08:00-17:00")


def staff(world: World) -> None:
    """Give the world's other caregivers shifts covering every child's hours (08:00-16:30):
    as built, nobody works after 16:00 and Ana stays until 16:30."""
    for caregiver in world.program.caregivers.exclude(pk=world.caregiver.pk):
        program_services.update_caregiver(
            actor=None, caregiver=caregiver, data={"shifts": LATE_SHIFT}
        )


def planned(world: World, on: date = ON) -> PlanRun:
    staff(world)
    return services.run_planner(actor=world.users["director"], program=world.program, on=on)
