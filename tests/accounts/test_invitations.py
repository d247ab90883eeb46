"""First run and invitations (issue #16): create_organization, the single-use links that
expire or are withdrawn, inviting to roles, refusals that change nothing and are audited."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import Invitation, Membership, User
from attune.programs.models import Caregiver, Child, Guardian, Organization, Program
from tests.conftest import World

LINK = re.compile(r"https?://[^\s]+/accounts/invitation/[^\s/]+/")
PASSWORD = "a long and unusual passphrase 7"


def _refusals() -> int:
    return LogEntry.objects.filter(additional_data__event="invitation_refused").count()


def _accept(link: str, first: str = "Ana", last: str = "Admin") -> tuple[Client, int]:
    client = Client()
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    response = client.post(
        path,
        {"first_name": first, "last_name": last, "password1": PASSWORD, "password2": PASSWORD},
    )
    return client, response.status_code


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.mark.django_db
def test_create_organization_prints_a_one_time_link_for_its_administrator() -> None:
    out = io.StringIO()
    call_command(
        "create_organization",
        "--name",
        "Little Oaks",
        "--admin-email",
        "Ana@Example.org",
        "--base-url",
        "https://attune.example.org",
        stdout=out,
    )
    links = LINK.findall(out.getvalue())
    assert len(links) == 1 and links[0].startswith("https://attune.example.org/accounts/")
    organization = Organization.objects.get(name="Little Oaks")
    admin = User.objects.get(email="ana@example.org")
    assert not admin.has_usable_password()
    assert Membership.objects.filter(
        user=admin, role="org_admin", organization=organization
    ).exists()
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]  # emailed too

    client = Client()
    page = client.get(_path(links[0]))
    assert page.status_code == 200 and b"ana@example.org" in page.content
    response = client.post(
        _path(links[0]),
        {"first_name": "Ana", "last_name": "Admin", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD) and admin.get_full_name() == "Ana Admin"
    assert client.get(reverse("organization_people", args=[organization.pk])).status_code == 200
    # the link worked once
    again = Client().get(_path(links[0]))
    assert again.status_code == 410 and b"already used" in again.content


@pytest.mark.django_db
def test_create_organization_refuses_bad_input_and_changes_nothing() -> None:
    call_command("create_organization", "--name", "A", "--admin-email", "a@example.org",
                 stdout=io.StringIO())  # fmt: skip
    before = (Organization.objects.count(), User.objects.count(), Invitation.objects.count())
    for args in (
        ["--name", "B", "--admin-email", "a@example.org"],  # the address is someone's
        ["--name", "a", "--admin-email", "b@example.org"],  # the name exists
        ["--name", "C", "--admin-email", "not-an-address"],
        ["--name", " ", "--admin-email", "c@example.org"],
    ):
        with pytest.raises(CommandError):
            call_command("create_organization", *args, stdout=io.StringIO())
    assert (Organization.objects.count(), User.objects.count(), Invitation.objects.count()) == (
        before
    )


def _invite(client: Client, url: str, **data: str) -> int:
    return client.post(url, {"action": "invite", **data}).status_code


def test_the_administrator_invites_a_director_and_a_caregiver(world: World) -> None:
    admin = world.client("org_admin")
    url = reverse("organization_people", args=[world.organization.pk])
    assert _invite(admin, url, email="dora@example.org", first_name="Dora", last_name="Director",
                   role="director", program=str(world.program.pk)) == 302  # fmt: skip
    assert _invite(admin, url, email="cara@example.org", first_name="Cara", last_name="Giver",
                   role="caregiver", program=str(world.program.pk), languages="en, es") == 302  # fmt: skip
    caregiver = Caregiver.objects.get(email="cara@example.org")
    assert caregiver.user is None and caregiver.program == world.program  # planned already
    page = admin.get(url).content.decode()
    assert "dora@example.org" in page and "cara@example.org" in page  # pending

    links = {m.to[0]: LINK.search(m.body).group(0) for m in mail.outbox}  # type: ignore[union-attr]
    director, status = _accept(links["dora@example.org"], "Dora", "Director")
    assert status == 302
    assert director.get(reverse("program_people", args=[world.program.pk])).status_code == 200
    assert (
        director.get(reverse("organization_people", args=[world.organization.pk])).status_code
        == 404
    )
    carer, status = _accept(links["cara@example.org"], "Cara", "Giver")
    assert status == 302
    caregiver.refresh_from_db()
    assert caregiver.user is not None and caregiver.user.email == "cara@example.org"
    assert carer.get(reverse("program_dashboard", args=[world.program.pk])).status_code == 200
    assert carer.get(reverse("program_people", args=[world.program.pk])).status_code == 403
    # the people page: one row each, their role, when they last signed in; nothing pending
    page = admin.get(url).content.decode()
    assert "Dora Director" in page and "Cara Giver" in page
    assert "No invitation is waiting" in page


def test_refusals_say_why_change_nothing_and_are_audited(world: World) -> None:
    director = world.client("director")
    own = reverse("program_people", args=[world.program.pk])
    counts = (Invitation.objects.count(), Caregiver.objects.count(), len(mail.outbox))
    refusals = _refusals()
    # a director granting organization administrator
    response = director.post(own, {"action": "invite", "email": "x@example.org",
                                   "first_name": "X", "last_name": "Y", "role": "org_admin"})  # fmt: skip
    assert response.status_code == 403
    assert "Only the organization&#x27;s administrators" in response.content.decode()
    # inviting to a program the inviter does not run (posted to their own page)
    response = director.post(own, {"action": "invite", "email": "x@example.org",
                                   "first_name": "X", "last_name": "Y", "role": "caregiver",
                                   "program": str(world.other_program.pk)})  # fmt: skip
    assert response.status_code == 400  # not a program of this page
    admin = world.client("other_director")
    response = admin.post(
        reverse("program_people", args=[world.program.pk]),
        {"action": "invite", "email": "x@example.org", "first_name": "X", "last_name": "Y",
         "role": "caregiver", "program": str(world.program.pk), "languages": "en"},
    )  # fmt: skip
    assert response.status_code == 404
    # an address that is someone's sign-in already
    taken = world.users["family"].email or "family@example.org"
    world.users["family"].email = taken
    world.users["family"].save()
    response = director.post(own, {"action": "invite", "email": taken.upper(), "first_name": "F",
                                   "last_name": "G", "role": "caregiver",
                                   "program": str(world.program.pk), "languages": "en"})  # fmt: skip
    assert response.status_code == 403 and "already the sign-in" in response.content.decode()
    assert (Invitation.objects.count(), Caregiver.objects.count(), len(mail.outbox)) == counts
    assert _refusals() == refusals + 2
    # the same invitation twice: the first is waiting (no second caregiver record)
    data = {"action": "invite", "email": "new@example.org", "first_name": "N", "last_name": "M",
            "role": "caregiver", "program": str(world.program.pk), "languages": "en"}  # fmt: skip
    assert director.post(own, data).status_code == 302
    again = director.post(own, data)
    assert again.status_code == 403 and "waiting invitation" in again.content.decode()
    assert Caregiver.objects.filter(email="new@example.org").count() == 1
    assert _refusals() == refusals + 3


def test_used_expired_and_withdrawn_links_are_refused(world: World) -> None:
    director = world.client("director")
    url = reverse("program_people", args=[world.program.pk])
    for n in range(3):
        assert _invite(director, url, email=f"p{n}@example.org", first_name="P", last_name=str(n),
                       role="director", program=str(world.program.pk)) == 302  # fmt: skip
    links = [LINK.search(m.body).group(0) for m in mail.outbox]  # type: ignore[union-attr]
    expired, withdrawn, resent = (
        Invitation.objects.get(email=f"p{n}@example.org") for n in range(3)
    )
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert director.post(url, {"action": "withdraw", "invitation": withdrawn.pk}).status_code == 302
    assert director.post(url, {"action": "resend", "invitation": resent.pk}).status_code == 302
    refusals = _refusals()
    users = User.objects.count()
    for link, words in ((links[0], "expired"), (links[1], "withdrawn"), (links[2], "not valid")):
        response = Client().post(_path(link), {"first_name": "P", "last_name": "Q",
                                               "password1": PASSWORD, "password2": PASSWORD})  # fmt: skip
        assert response.status_code in (404, 410) and words in response.content.decode()
    assert User.objects.count() == users and _refusals() == refusals + 3
    # the new link of the resent invitation works, once
    newest = LINK.search(mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    assert _accept(newest)[1] == 302
    assert Client().get(_path(newest)).status_code == 410
    # an expired invitation can be sent again
    assert director.post(url, {"action": "resend", "invitation": expired.pk}).status_code == 302
    assert _accept(LINK.search(mail.outbox[-1].body).group(0))[1] == 302  # type: ignore[union-attr]


def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(world: World) -> None:
    director = world.client("director")
    url = reverse("program_people", args=[world.program.pk])
    _invite(director, url, email="w@example.org", first_name="W", last_name="X",
            role="director", program=str(world.program.pk))  # fmt: skip
    link = _path(LINK.search(mail.outbox[0].body).group(0))  # type: ignore[union-attr]
    client = Client()
    data = {"first_name": "W", "last_name": "X", "password1": "12345678", "password2": "12345678"}
    assert client.post(link, data).status_code == 400
    assert client.post(link, {**data, "password1": PASSWORD}).status_code == 400
    assert not User.objects.filter(email="w@example.org").exists()
    assert _accept(LINK.search(mail.outbox[0].body).group(0))[1] == 302  # type: ignore[union-attr]


def test_the_family_is_invited_from_the_childs_page_and_sees_only_its_children(
    world: World,
) -> None:
    director = world.client("director")
    child = world.other_room_child
    url = reverse("child_invite_family", args=[child.pk])
    assert director.get(url).status_code == 200
    response = director.post(url, {"email": "grace@example.org", "first_name": "Grace",
                                   "last_name": "Guardian", "relationship": "parent"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    guardian = Guardian.objects.get(email="grace@example.org")
    assert guardian.family == child.family
    family, status = _accept(LINK.search(mail.outbox[0].body).group(0), "Grace", "Guardian")  # type: ignore[union-attr]
    assert status == 302
    assert family.get(reverse("child_detail", args=[child.pk])).status_code == 200
    others = Child.objects.exclude(family=child.family)
    assert others.exists()
    for other in others:
        assert family.get(reverse("child_detail", args=[other.pk])).status_code == 404


def test_a_caregiver_cannot_invite_anyone(world: World) -> None:
    caregiver = world.client("caregiver")
    assert (
        caregiver.post(
            reverse("child_invite_family", args=[world.child.pk]),
            {
                "email": "z@example.org",
                "first_name": "Z",
                "last_name": "Z",
                "relationship": "parent",
            },
        ).status_code
        == 403
    )
    assert Invitation.objects.count() == 0 and Program.objects.exists()


def test_ending_roles_and_the_last_administrator(world: World) -> None:
    admin = world.client("org_admin")
    url = reverse("organization_people", args=[world.organization.pk])
    only_admin = Membership.objects.get(role="org_admin", organization=world.organization)
    refusals = _refusals()
    response = admin.post(url, {"action": "end_role", "membership": only_admin.pk})
    assert response.status_code in (403, 409)
    assert "last administrator" in response.content.decode()
    assert Membership.objects.filter(pk=only_admin.pk).exists()
    # a director cannot remove an administrator (not on their page: refused, audited)
    director = world.client("director")
    response = director.post(
        reverse("program_people", args=[world.program.pk]),
        {"action": "end_role", "membership": only_admin.pk},
    )
    assert response.status_code in (403, 409)
    assert Membership.objects.filter(pk=only_admin.pk).exists()
    assert _refusals() == refusals + 2
    # the program ends a specialist's support: the specialist loses the program at once
    support = Membership.objects.get(role="specialist", program=world.program)
    specialist = world.client("specialist")
    overview = reverse("program_overview", args=[world.program.pk])
    assert specialist.get(overview).status_code == 200
    response = director.post(
        reverse("program_people", args=[world.program.pk]),
        {"action": "end_role", "membership": support.pk},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=support.pk).exists()
    assert specialist.get(overview).status_code == 404
