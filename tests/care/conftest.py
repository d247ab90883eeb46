from __future__ import annotations

import pytest

from tests.care.helpers import midday
from tests.conftest import World


@pytest.fixture
def world(world: World) -> World:
    """The shared world, at midday in its program's time zone."""
    midday(world.program)
    return world
