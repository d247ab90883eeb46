"""The operator's Django admin: superusers only; every other persona is refused every page."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from attune.accounts.models import User
from tests.conftest import PERSONAS, World

PAGES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:accounts_membership_changelist",
    "admin:accounts_membership_add",
    "admin:programs_organization_changelist",
    "admin:programs_program_changelist",
    "admin:programs_publishedruleset_changelist",
    "admin:jobs_job_changelist",
    "admin:auditlog_logentry_changelist",
]


@pytest.fixture
def operator() -> User:
    return User.objects.create_superuser("operator", "operator@example.org", "a-long-passphrase")


@pytest.mark.parametrize("name", PAGES)
def test_the_operator_opens_the_admin(world: World, operator: User, name: str) -> None:
    from django.test import Client

    client = Client()
    client.force_login(operator)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_no_other_persona_reaches_the_admin(world: World, name: str) -> None:
    url = reverse(name)
    for persona in PERSONAS:
        response = world.client(persona).get(url)
        if persona == "anonymous":
            # not signed in: the ordinary sign-in page (with its lockout), not a second form
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code == 404, (persona, name)


def test_the_admin_login_sends_people_to_the_sign_in_page(world: World) -> None:
    response = world.client("anonymous").get(reverse("admin:login"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert world.client("org_admin").get(reverse("admin:login")).status_code == 404


def test_the_audit_log_is_read_only(world: World, operator: User) -> None:
    from django.test import Client

    client = Client()
    client.force_login(operator)
    entry = LogEntry.objects.first()
    assert entry is not None
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    response = client.post(
        reverse("admin:auditlog_logentry_change", args=[entry.pk]), {"changes": "{}"}
    )
    assert response.status_code == 403 or LogEntry.objects.get(pk=entry.pk).changes == entry.changes
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk])).status_code in (
        403,
        404,
    )
    assert LogEntry.objects.filter(pk=entry.pk).exists()
