"""The web path refuses a problem beyond the planner's limits (planner.limits) with a message
naming what is too large, through the adapter (never a traceback, nothing allocated)."""

from __future__ import annotations

import pytest

from attune.plans import adapter
from attune.programs.models import Room
from planner import limits
from tests.conftest import World
from tests.plans.helpers import ON

pytestmark = pytest.mark.django_db


def test_a_room_holding_too_many_groups_cannot_be_planned(world: World) -> None:
    Room.objects.filter(pk=world.room.pk).update(max_groups=32_767)
    with pytest.raises(adapter.CannotPlan) as caught:
        adapter.problem_for(world.program, on=ON)
    text = " ".join(caught.value.messages)
    assert "max_groups" in text
    assert str(limits.MAX_GROUPS) in text
