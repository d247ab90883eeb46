"""Leavers (issue #16): ending a caregiver's employment ends their access the same minute,
keeps their records and says which children lose their primary caregiver."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.conftest import World

from attune.accounts import feeds
from attune.accounts.models import FeedToken
from attune.programs.models import Caregiver, Child, Program


def test_ending_employment_ends_access_at_once_and_keeps_the_record(world: World) -> None:
    user = world.users["caregiver"]
    # the caregiver is signed in (a real session) and has a calendar feed
    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse("program_dashboard", args=[world.program.pk])).status_code == 200
    raw = feeds.issue(user=user, kind=FeedToken.Kind.STATE, subject_id=world.jurisdiction.pk)
    assert feeds.resolve(raw, FeedToken.Kind.STATE) is not None

    director = world.client("director")
    url = reverse("caregiver_end", args=[world.caregiver.pk])
    page = director.get(url).content.decode()
    primary_of = Child.objects.filter(primary_caregiver=world.caregiver)
    assert primary_of.exists()
    for child in primary_of:
        assert child.first_name in page  # the director sees who loses their primary caregiver
    response = director.post(url, {"last_day": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "plan board" in response.content.decode()

    # the next request of the caregiver is refused (signed out), the feed answers 404
    refused = browser.get(reverse("program_dashboard", args=[world.program.pk]))
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("accounts:login"))
    assert feeds.resolve(raw, FeedToken.Kind.STATE) is None
    user.refresh_from_db()
    assert not user.is_active
    # the record and its children stay as they were: nothing reassigned silently
    caregiver = Caregiver.objects.get(pk=world.caregiver.pk)
    assert caregiver.end_date == timezone.localdate() and caregiver.user == user
    assert set(Child.objects.filter(primary_caregiver=caregiver)) == set(primary_of)
    # signing in again is refused
    user.set_password("a long and unusual passphrase 7")
    user.save()
    again = Client()
    response = again.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "a long and unusual passphrase 7"},
    )
    assert response.status_code == 200  # the form again, not signed in
    assert "_auth_user_id" not in again.session


def test_a_last_day_in_the_future_or_before_hiring_is_refused(world: World) -> None:
    director = world.client("director")
    url = reverse("caregiver_end", args=[world.caregiver.pk])
    for day in (
        timezone.localdate() + timedelta(days=1),
        world.caregiver.hire_date - timedelta(days=1),
        "not a date",
    ):
        assert director.post(url, {"last_day": str(day)}).status_code == 400
    world.caregiver.refresh_from_db()
    assert world.caregiver.end_date is None and world.users["caregiver"].is_active


def test_a_caregiver_or_another_program_cannot_end_employment(world: World) -> None:
    url = reverse("caregiver_end", args=[world.colleague.pk])
    assert (
        world.client("caregiver").post(url, {"last_day": str(timezone.localdate())}).status_code
        == 403
    )
    assert (
        world.client("other_director")
        .post(url, {"last_day": str(timezone.localdate())})
        .status_code
        == 404
    )
    world.colleague.refresh_from_db()
    assert world.colleague.end_date is None


def test_moving_a_caregiver_keeps_one_person_and_one_history(world: World) -> None:
    admin = world.client("org_admin")
    url = reverse("caregiver_move", args=[world.caregiver.pk])
    primary_of = set(Child.objects.filter(primary_caregiver=world.caregiver))
    assert primary_of
    birch = Program.objects.create(
        organization=world.organization, jurisdiction=world.jurisdiction, name="Birch House"
    )
    assert admin.get(url).status_code == 200
    # another organization's program is not offered, nor accepted
    assert admin.post(url, {"program": world.other_program.pk}).status_code == 400
    response = admin.post(url, {"program": birch.pk})
    assert response.status_code == 302
    moved = Caregiver.objects.get(pk=world.caregiver.pk)  # the same record
    assert moved.program == birch and moved.user == world.users["caregiver"]
    assert moved.room is None
    assert not Child.objects.filter(primary_caregiver=moved).exists()
    # the caregiver now works in the other program, no longer in the first
    client = world.client("caregiver")
    assert client.get(reverse("program_dashboard", args=[birch.pk])).status_code == 200
    assert client.get(reverse("program_dashboard", args=[world.program.pk])).status_code == 404


def test_a_director_cannot_move_a_caregiver_to_a_program_they_do_not_run(world: World) -> None:
    director = world.client("director")
    url = reverse("caregiver_move", args=[world.caregiver.pk])
    birch = Program.objects.create(
        organization=world.organization, jurisdiction=world.jurisdiction, name="Birch House"
    )
    assert director.post(url, {"program": birch.pk}).status_code == 400
    assert Caregiver.objects.get(pk=world.caregiver.pk).program == world.program
