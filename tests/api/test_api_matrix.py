"""Every API endpoint × every persona → the expected status (the API's permission matrix).

The same rules as the pages' matrix (tests/test_permission_matrix.py): no relation → 404, a
relation without the action → 403, allowed → 2xx (or the service's 422 for a refused body);
no token → 401. A refused answer never names a child. `API_URL_NAMES` lists the URL names
this matrix covers, so the pages' matrix knows every API URL has its rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import get_resolver
from django.utils import timezone

from attune.jobs.models import Job
from attune.programs import attendance
from attune.programs.models import Child
from attune.training.models import Person
from attune.workforce import services as workforce_services
from tests.api.helpers import clients
from tests.conftest import PERSONAS, World
from tests.plans.helpers import planned
from tests.training.helpers import tft

pytestmark = pytest.mark.django_db


def statuses(default: int, **overrides: int) -> dict[str, int]:
    table = {p: default for p in PERSONAS}
    table["anonymous"] = 401
    table.update(overrides)
    return table


EVERYONE = statuses(200)
# a relation to the program: its managers, staff, families, support and state
PROGRAM = statuses(
    404, director=200, org_admin=200, caregiver=200, family=200, other_family=200,
    specialist=200, trainer=200, state_admin=200,
)  # fmt: skip
STAFF = statuses(
    404, director=200, org_admin=200, caregiver=200, family=403, other_family=403,
    specialist=403, trainer=403, state_admin=403,
)  # fmt: skip
MANAGE = {**STAFF, "caregiver": 403}
CHILD = statuses(
    404, director=200, org_admin=200, caregiver=200, family=200, specialist=403, trainer=403,
    state_admin=403,
)  # fmt: skip
CHILD_MANAGE = {**CHILD, "caregiver": 403, "family": 403}
CHILD_CARE = {**CHILD, "family": 403}
FAMILY = statuses(404, director=200, org_admin=200, caregiver=200, family=200)
TFT = statuses(404, state_admin=200, specialist=200, trainer=200)
CAREGIVER = statuses(404, director=200, org_admin=200, caregiver=200, specialist=403, trainer=403)


@dataclass(frozen=True)
class Row:
    method: str
    path: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[[World], Any] | None = None
    url_name: str = ""
    label: str = ""

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url_name}{self.label}"


NAMES = iter(f"Iris{i}" for i in range(10**6))


def enroll(w: World) -> dict[str, Any]:
    return {
        "program_id": w.program.pk, "first_name": next(NAMES), "last_name": "Moreno",
        "birth_date": "2025-06-01", "family_id": w.family.pk, "enrollment_start": "2025-10-01",
        "room_id": w.room.pk,
    }  # fmt: skip


def current_version(w: World) -> dict[str, Any]:
    return {"version": Child.objects.get(pk=w.child.pk).version, "allergies": "peanuts"}


def entry(w: World) -> dict[str, Any]:
    return {"kind": "note", "at": (timezone.now() - timedelta(minutes=5)).isoformat(), "note": "ok"}


def job(w: World) -> str:
    j = Job.objects.create(
        kind="plan", title="Plan", program=w.program, created_by=w.users["director"],
        task_path="attune.plans.tasks.solve_plan",
    )  # fmt: skip
    return f"/jobs/{j.pk}"


def plan(w: World) -> str:
    return f"/programs/{w.program.pk}/plans/{planned(w).pk}"


def far_day(w: World) -> dict[str, Any]:
    return {"on": (w.program.today() + timedelta(days=400)).isoformat()}


def tft_event(w: World) -> str:
    return f"/training-events/{tft(w).event.pk}"


def trainer_training(w: World) -> str:
    tft(w)
    return f"/people/{Person.objects.get(user=w.users['trainer']).pk}/training"


def my_readiness(w: World) -> str:
    """The caregiver persona has a professional profile."""
    workforce_services.save_profile(
        actor=None,
        user=w.users["caregiver"],
        data={"jurisdiction": w.jurisdiction, "role": "caregiver"},
    )
    return "/me/endorsement-readiness"


def arriving(w: World) -> dict[str, Any]:
    """Each persona finds the child not yet signed in (so an allowed one gets its 201)."""
    if attendance.open_stay(w.child) is not None:
        attendance.sign_out(actor=None, child=w.child, picked_up_by=w.guardian)
    return {"guardian_id": w.guardian.pk}


def leaving(w: World) -> dict[str, Any]:
    """Each persona finds the child signed in (so an allowed one gets its 200)."""
    if attendance.open_stay(w.child) is None:
        attendance.sign_in(actor=None, child=w.child, dropped_off_by=w.guardian)
    return {"guardian_id": w.guardian.pk}


def refused(table: dict[str, int], status: int, *who: str) -> dict[str, int]:
    return {**table, **{p: status for p in who}}


MATRIX = [
    Row("get", lambda w: "/programs", EVERYONE, url_name="list_programs"),
    Row("get", lambda w: f"/programs/{w.program.pk}", PROGRAM, url_name="get_program"),
    Row("get", lambda w: f"/organizations/{w.organization.pk}", statuses(404, org_admin=200), url_name="get_organization"),
    Row("get", lambda w: f"/programs/{w.program.pk}/rooms", STAFF, url_name="list_rooms"),
    Row("get", lambda w: "/children", EVERYONE, url_name="list_children"),
    Row("get", lambda w: f"/children/{w.child.pk}", CHILD, url_name="get_child"),
    Row("get", lambda w: f"/children/{w.other_program_child.pk}", statuses(404, other_director=200), url_name="get_child", label="[other program]"),
    Row("post", lambda w: "/children", refused(MANAGE, 201, "director", "org_admin"), enroll, url_name="enroll_child"),
    Row("patch", lambda w: f"/children/{w.child.pk}", CHILD_MANAGE, current_version, url_name="update_child"),
    Row("get", lambda w: f"/families/{w.family.pk}", FAMILY, url_name="get_family"),
    Row("get", lambda w: f"/programs/{w.program.pk}/caregivers", STAFF, url_name="list_caregivers"),
    Row("get", lambda w: f"/caregivers/{w.caregiver.pk}", CAREGIVER, url_name="get_caregiver"),
    Row("get", lambda w: f"/children/{w.child.pk}/care-entries", CHILD, url_name="list_care_entries"),
    Row("post", lambda w: f"/children/{w.child.pk}/care-entries", refused(CHILD_CARE, 201, "director", "org_admin", "caregiver"), entry, url_name="log_care_entry"),
    Row("get", lambda w: f"/children/{w.child.pk}/stays", CHILD, url_name="list_stays"),
    Row("post", lambda w: f"/children/{w.child.pk}/sign-in", refused(CHILD_CARE, 201, "director", "org_admin", "caregiver"), arriving, url_name="sign_in_child"),
    Row("post", lambda w: f"/children/{w.child.pk}/sign-out", CHILD_CARE, leaving, url_name="sign_out_child"),
    Row("get", lambda w: f"/children/{w.child.pk}/care-plans", CHILD, url_name="list_care_plans"),
    Row("post", lambda w: f"/children/{w.child.pk}/care-plans", refused(CHILD_MANAGE, 403, "director", "org_admin") | {"family": 201}, lambda w: {"interests": "water play"}, url_name="propose_care_plan"),
    Row("get", lambda w: f"/programs/{w.program.pk}/plans", MANAGE, url_name="list_plans"),
    Row("get", plan, MANAGE, url_name="get_plan"),
    Row("post", lambda w: f"/programs/{w.program.pk}/plans", refused(MANAGE, 422, "director", "org_admin"), far_day, url_name="request_plan"),
    Row("get", job, statuses(404, director=200, org_admin=200), url_name="get_job"),
    Row("get", lambda w: "/rule-sets", EVERYONE, url_name="list_rule_sets"),
    Row("get", lambda w: "/training-events", EVERYONE, url_name="list_training_events"),
    Row("get", tft_event, TFT, url_name="get_training_event"),
    Row("get", trainer_training, TFT, url_name="get_person_training"),
    Row("get", lambda w: f"/jurisdictions/{w.jurisdiction.pk}/registry-records", statuses(404, state_admin=200, specialist=200), url_name="list_registry_records"),
    Row("get", my_readiness, statuses(404, caregiver=200), url_name="get_my_endorsement_readiness"),
    Row("post", lambda w: f"/jurisdictions/{w.jurisdiction.pk}/rule-sets", statuses(403, state_admin=422), lambda w: {"id": "x"}, url_name="publish_rule_set"),
]  # fmt: skip

# The API's own URLs (documents, not records) and the token page (the person's own tokens).
NOT_RECORDS = {"openapi-json", "openapi-view", "api-root"}
API_URL_NAMES = {f"api-v1:{row.url_name}" for row in MATRIX} | {f"api-v1:{n}" for n in NOT_RECORDS}


def test_every_api_url_has_rows() -> None:
    from tests.test_permission_matrix import _named_urls

    names = {n for n in _named_urls(get_resolver().url_patterns) if n.startswith("api-v1:")}
    assert names, "the API's URLs were not found"
    assert names <= API_URL_NAMES, f"API URLs without a matrix row: {sorted(names - API_URL_NAMES)}"


def test_every_row_names_every_persona() -> None:
    for row in MATRIX:
        assert set(row.expected) == set(PERSONAS), row


@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_api_matrix(world: World, row: Row) -> None:
    path = row.path(world)
    names = [f"{c.first_name} {c.last_name}" for c in Child.objects.all()]
    mismatches = []
    for persona, api in clients(world).items():
        if row.method == "get":
            response = api.get(path)
        else:
            response = getattr(api, row.method)(path, row.body(world) if row.body else {})
        want = row.expected[persona]
        if response.status_code != want:
            mismatches.append(
                f"{persona}: got {response.status_code}, want {want}: {response.content[:300]!r}"
            )
        if response.status_code >= 400:
            assert response.headers["Content-Type"] == "application/problem+json", persona
            body = response.content.decode()
            leaked = [n for n in names if n in body]
            if leaked:
                mismatches.append(f"{persona}: refused answer names children {leaked}")
    assert not mismatches, f"{row} ({path}):\n" + "\n".join(mismatches)
