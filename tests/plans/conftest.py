"""Fixtures for the plan board's tests."""

from __future__ import annotations

import pytest

from attune.plans.models import PlanRun
from tests.conftest import World
from tests.plans.helpers import planned


@pytest.fixture
def run(world: World) -> PlanRun:
    return planned(world)
