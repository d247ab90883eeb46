"""schemathesis against the live API (its WSGI application, on the test database), once
with a director's read-write token and once without a valid token: no server error, and every
answer conforms to the OpenAPI document (status codes, content types, bodies).

Each operation of the document gets its own Hypothesis run (schemathesis's strategies, the
checks below); the failures of all operations are reported together."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from attune.training.models import Person
from attune.wsgi import application
from tests.api.helpers import token_for
from tests.conftest import World
from tests.plans.helpers import planned

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25  # per operation and token


@pytest.fixture(autouse=True)
def keep_the_test_database_open() -> Any:
    """As Django's test client does: the WSGI application must not close the test's database
    connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def fuzz(
    token: str, known: dict[str, int] | None = None
) -> tuple[int, int, list[str], Counter[int]]:
    """(operations, requests, failures, statuses) of a run over every operation. With
    `known` (path parameter -> a real record's id), half the cases use the real records, so
    the fuzzed bodies and queries reach the services, not only the 404."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    sent = 0
    operations = 0
    seen: Counter[int] = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        statuses: list[int] = []

        strategy = operation.as_strategy()
        if known:
            strategy = st.one_of(strategy, strategy.map(lambda case: with_known(case, known)))

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            response = case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
            )
            statuses.append(response.status_code)  # noqa: B023 (run before the next loop)

        try:
            run()
        except Exception as exc:  # every operation's failure is reported
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
        sent += len(statuses)
        seen.update(statuses)
    return operations, sent, failures, seen


def with_known(case: Any, known: dict[str, int]) -> Any:
    for name in list(case.path_parameters or {}):
        if name in known:
            case.path_parameters[name] = known[name]
    return case


def test_api_with_a_token(world: World, settings: Any) -> None:
    settings.ATTUNE_API_RATE = 1_000_000  # the fuzzer sends thousands of requests a minute
    run = planned(world)
    known = {
        "program_id": world.program.pk, "child_id": world.child.pk, "family_id": world.family.pk,
        "caregiver_id": world.caregiver.pk, "organization_id": world.organization.pk,
        "jurisdiction_id": world.jurisdiction.pk, "plan_id": run.pk,
        "person_id": Person.objects.get(user=world.users["trainer"]).pk,
    }  # fmt: skip
    operations, sent, failures, seen = fuzz(token_for(world, "director"), known)
    assert operations >= 20 and sent >= operations * 5, (operations, sent)
    assert seen[200] + seen[201] >= 150 and 500 not in seen, seen  # real records reached
    assert seen[422] + seen[400] > 0, seen  # refused bodies and parameters, with messages
    assert not failures, "\n\n".join(failures)


def test_api_without_a_valid_token(world: World, settings: Any) -> None:
    settings.ATTUNE_API_RATE = 1_000_000
    operations, sent, failures, seen = fuzz("att_not-a-token")
    assert operations >= 20 and sent >= operations * 5, (operations, sent)
    assert set(seen) <= {401, 404}, seen  # nothing is answered without a token
    assert not failures, "\n\n".join(failures)
