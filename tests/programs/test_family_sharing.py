"""A family is reached only through a program it is shared with (issue #14, finding 1).

The attack: Riverside's director links a new child to a Maple Street family (by the form, by
a posted id, or by its family code in an import), then opens the family and changes a
guardian's email, so the Maple Street child's daily summaries go to a new address.
"""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse
from tests.conftest import PASSWORD, World
from tests.programs.test_imports import CHILD_HEADER, child_row, csv_bytes, make_batch
from tests.programs.test_pages import child_form

from attune.accounts.models import Membership, User
from attune.programs import services
from attune.programs.models import Child, FamilyShare, Program


@pytest.fixture
def riverside(world: World) -> tuple[Program, Client]:
    """A second program of the same organization, and its director signed in."""
    program = Program.objects.create(
        organization=world.organization, jurisdiction=world.jurisdiction, name="Riverside",
        opens_at=time(7, 0), closes_at=time(18, 0),
    )  # fmt: skip
    services.create_room(actor=None, program=program, name="Robins", capacity=8)
    user = User.objects.create_user("riverside", "riv@example.org", PASSWORD)
    services.grant_membership(actor=None, user=user, role=Membership.Role.DIRECTOR, program=program)
    client = Client()
    client.force_login(user)
    return program, client


def test_child_form_offers_only_the_programs_families(
    world: World, riverside: tuple[Program, Client]
) -> None:
    program, client = riverside
    url = reverse("child_create", kwargs={"program_id": program.pk})
    page = client.get(url).content.decode()
    assert world.family.name not in page  # Lopez, Maple Street's family
    room = program.rooms.get()
    response = client.post(url, child_form(world, room=str(room.pk), primary_caregiver=""))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Child.objects.filter(program=program).exists()


def test_family_pages_stay_closed_to_another_program(
    world: World, riverside: tuple[Program, Client]
) -> None:
    _program, client = riverside
    guardian = world.guardian
    for name, kwargs in [
        ("family_detail", {"family_id": world.family.pk}),
        ("family_edit", {"family_id": world.family.pk}),
        ("guardian_edit", {"family_id": world.family.pk, "guardian_id": guardian.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    response = client.post(
        reverse("guardian_edit", kwargs={"family_id": world.family.pk, "guardian_id": guardian.pk}),
        {"first_name": "Rosa", "last_name": "Lopez", "relationship": "mother",
         "email": "attacker@example.org"},
    )  # fmt: skip
    assert response.status_code == 404
    guardian.refresh_from_db()
    assert guardian.email == "rosa@example.org"


def test_import_refuses_another_programs_family_code(
    world: World, riverside: tuple[Program, Client]
) -> None:
    from attune.programs import imports

    program, _client = riverside
    batch = make_batch(
        world, "children", csv_bytes([CHILD_HEADER, child_row(family_code="F-1")]), program
    )
    report = imports.commit(actor=world.users["director"], batch=batch)
    assert not report.ok
    assert any(e.column == "family_code" for e in report.errors)
    assert not Child.objects.filter(program=program).exists()
    assert not FamilyShare.objects.filter(program=program).exists()


def test_service_refuses_a_family_not_shared(
    world: World, riverside: tuple[Program, Client]
) -> None:
    program, _client = riverside
    director = User.objects.get(username="riverside")
    with pytest.raises(services.ProgramsError):
        services.create_child(
            actor=director,
            program=program,
            data={
                "first_name": "Eva", "last_name": "Diaz", "birth_date": world.child.birth_date,
                "enrollment_start": world.child.enrollment_start, "family": world.family,
            },
        )  # fmt: skip
    assert not Child.objects.filter(program=program).exists()


def test_a_share_needs_the_familys_confirmation(
    world: World, riverside: tuple[Program, Client]
) -> None:
    program, client = riverside
    # The request says the same whether the code exists or not.
    url = reverse("family_share_request", kwargs={"program_id": program.pk})
    unknown = client.post(url, {"code": "NOPE-1"}, follow=True).content.decode()
    known = client.post(url, {"code": world.family.code, "note": "A sibling"}, follow=True)
    assert known.content.decode().count("were asked") == unknown.count("were asked") == 1
    share = FamilyShare.objects.get(program=program)
    assert share.status == FamilyShare.Status.PENDING
    # Still closed while pending; the director cannot answer their own request.
    assert (
        client.get(reverse("family_detail", kwargs={"family_id": world.family.pk})).status_code
        == 404
    )
    decide = reverse("family_share_decide", kwargs={"share_id": share.pk})
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    # The family sees the request on its home page and agrees.
    family = world.client("family")
    assert "Riverside" in family.get(reverse("family_home")).content.decode()
    assert family.post(decide, {"decision": "approve"}).status_code == 302
    share.refresh_from_db()
    assert share.status == FamilyShare.Status.APPROVED
    assert share.decided_by == world.users["family"]
    page = client.get(reverse("child_create", kwargs={"program_id": program.pk})).content.decode()
    assert world.family.name in page
    # ... and its family page shows only Riverside's children, not Maple Street's.
    listing = client.get(reverse("family_list", kwargs={"program_id": program.pk})).content.decode()
    assert world.family.name in listing and str(world.child) not in listing


def test_the_organizations_administrator_links_any_family(
    world: World, riverside: tuple[Program, Client]
) -> None:
    program, _client = riverside
    admin = world.client("org_admin")
    room = program.rooms.get()
    response = admin.post(
        reverse("child_create", kwargs={"program_id": program.pk}),
        child_form(world, room=str(room.pk), primary_caregiver=""),
    )
    assert response.status_code == 302
    share = FamilyShare.objects.get(program=program, family=world.family)
    assert share.status == FamilyShare.Status.APPROVED
    assert share.decided_by == world.users["org_admin"]
