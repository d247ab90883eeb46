"""Pages render for the people they are for, and bad input changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from tests.conftest import World

from attune.programs.models import Caregiver, Child, Family


def child_form(world: World, **overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Eva", "last_name": "Diaz", "birth_date": "2025-06-01",
        "family": str(world.family.pk), "enrollment_start": "2025-10-01", "room": str(world.room.pk),
        "primary_caregiver": str(world.caregiver.pk), "schedule": "mon-fri 08:00-16:30",
        "home_languages": "es, en",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_director_dashboard_shows_rooms_and_counts(world: World) -> None:
    body = (
        world.client("director")
        .get(reverse("program_dashboard", kwargs={"program_id": world.program.pk}))
        .content.decode()
    )
    assert "Robins" in body and "Finches" in body
    assert "Today&#x27;s attendance by room" in body or "Today's attendance by room" in body


def test_caregiver_dashboard_lists_their_primary_children(world: World) -> None:
    body = (
        world.client("caregiver")
        .get(reverse("program_dashboard", kwargs={"program_id": world.program.pk}))
        .content.decode()
    )
    assert "My primary children" in body
    assert str(world.child) in body
    assert str(world.other_room_child) not in body  # not in their room


def test_child_list_search_full_page_and_htmx_partial(world: World) -> None:
    url = reverse("child_list", kwargs={"program_id": world.program.pk})
    client = world.client("director")
    page = client.get(url, {"q": "minh"}).content.decode()
    assert "<html" in page and "Minh Nguyen" in page and "Ana Lopez" not in page
    partial = client.get(url, {"q": "lopez"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="child-results"' in partial and "Ana Lopez" in partial


def test_caregiver_child_list_is_their_group_only(world: World) -> None:
    url = reverse("child_list", kwargs={"program_id": world.program.pk})
    body = world.client("caregiver").get(url).content.decode()
    assert "Ana Lopez" in body and "Minh Nguyen" in body and "Lan Nguyen" not in body


def test_group_caregiver_sees_summary_not_medical_notes(world: World) -> None:
    # the caregiver persona is not primary of group_child: summary only
    world.group_child.medical_notes = "Seizure plan on file"
    world.group_child.save()
    body = (
        world.client("caregiver")
        .get(reverse("child_detail", kwargs={"child_id": world.group_child.pk}))
        .content.decode()
    )
    assert "Seizure plan" not in body and "Full record" not in body
    full = (
        world.client("caregiver")
        .get(reverse("child_detail", kwargs={"child_id": world.child.pk}))
        .content.decode()
    )
    assert "Asthma inhaler" in full and "peanuts" in full and "Dana Cole" in full


def test_support_and_state_pages_show_figures_without_names(world: World) -> None:
    for persona, url in (
        ("specialist", reverse("support_home")),
        ("state_admin", reverse("state_home")),
        ("trainer", reverse("program_overview", kwargs={"program_id": world.program.pk})),
    ):
        body = world.client(persona).get(url).content.decode()
        assert "Maple Street" in body
        for child in Child.objects.all():
            assert f"{child.first_name} {child.last_name}" not in body, (persona, child)


def test_family_home_lists_only_their_children(world: World) -> None:
    body = world.client("family").get(reverse("family_home")).content.decode()
    assert "Ana Lopez" in body and "Minh Nguyen" not in body
    assert 'name="viewport"' in body


def test_create_child_through_the_form(world: World) -> None:
    response = world.client("director").post(
        reverse("child_create", kwargs={"program_id": world.program.pk}), child_form(world)
    )
    assert response.status_code == 302
    child = Child.objects.get(first_name="Eva")
    assert child.schedule == {d: [["08:00", "16:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    assert child.home_languages == ["es", "en"]
    assert child.enrollment_events.get().kind == "enrolled"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "2025-02-30", "Enter a valid date"),
        ("birth_date", (date.today() + timedelta(days=3)).isoformat(), "cannot be in the future"),
        ("birth_date", "1990-01-01", "outside the ages this program enrolls"),
        ("schedule", "mon 16:30-08:00", "is not after the start"),
        ("schedule", "mon-fri 06:00-12:00", "outside the program"),
        ("schedule", "sat 09:00-12:00", "closed on"),
        ("home_languages", "es, xx-klingon", "is not a language code"),
        ("enrollment_start", "2025-01-01", "before the birth date"),
        ("enrollment_end", "2025-09-01", "cannot end before it starts"),
        ("room", "999999", "Select a valid choice"),
        ("primary_caregiver", "__other_room__", "works in"),
        ("first_name", "", "This field is required"),
    ],
)
def test_bad_child_input_gets_a_clear_message_and_changes_nothing(
    world: World, field: str, value: str, message: str
) -> None:
    if value == "__other_room__":
        value = str(Caregiver.objects.get(first_name="Hodan").pk)
    count = Child.objects.count()
    response = world.client("director").post(
        reverse("child_create", kwargs={"program_id": world.program.pk}),
        child_form(world, **{field: value}),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Child.objects.count() == count


def test_duplicate_child_is_refused(world: World) -> None:
    response = world.client("director").post(
        reverse("child_create", kwargs={"program_id": world.program.pk}),
        child_form(world, first_name="ana", last_name="LOPEZ", birth_date="2025-03-14"),
    )
    assert response.status_code == 400
    assert "already enrolled" in response.content.decode()


def test_family_code_must_be_unique_in_the_organization(world: World) -> None:
    response = world.client("director").post(
        reverse("family_create", kwargs={"program_id": world.program.pk}),
        {"family-code": "f-1", "family-name": "Other", "family-preferred_language": "en",
         "guardian-first_name": "A", "guardian-last_name": "B", "guardian-relationship": "mother",
         "guardian-phone": "555"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "already uses the code" in response.content.decode()
    assert Family.objects.filter(name="Other").count() == 0


def test_edit_child_records_history(world: World) -> None:
    response = world.client("director").post(
        reverse("child_edit", kwargs={"child_id": world.child.pk}),
        child_form(
            world, first_name="Ana", last_name="Lopez", birth_date="2025-03-14",
            enrollment_start="2025-09-01", schedule="mon-wed 08:00-16:30",
        ),
    )  # fmt: skip
    assert response.status_code == 302
    world.child.refresh_from_db()
    assert sorted(world.child.schedule) == ["mon", "tue", "wed"]
    assert world.child.enrollment_events.filter(kind="schedule_changed").exists()


def test_unknown_ids_and_bad_urls_are_404_without_traceback(world: World) -> None:
    client = world.client("director")
    for url in (
        "/children/999999/",
        "/children/99999999999999999999999/",
        "/children/abc/",
        "/programs/0/children/",
        "/families/-1/",
        "/nope/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Traceback" not in response.content.decode()


def test_spanish_interface(world: World) -> None:
    client = world.client("family")
    client.post(reverse("set_language"), {"language": "es", "next": "/family/"})
    body = client.get(reverse("child_detail", kwargs={"child_id": world.child.pk})).content.decode()
    assert 'lang="es"' in body
    assert "Cuidador(a) principal" in body
    assert "español" in body.lower()


def test_a_stale_form_gets_a_plain_message_and_changes_nothing(world: World) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["director"])
    response = client.post(
        reverse("family_edit", kwargs={"family_id": world.family.pk}),
        {"code": "F-1", "name": "Changed", "preferred_language": "es"},
    )
    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()
    world.family.refresh_from_db()
    assert world.family.name == "Lopez"


def test_caregiver_dashboard_shows_their_room_only(world: World) -> None:
    body = (
        world.client("caregiver")
        .get(reverse("program_dashboard", kwargs={"program_id": world.program.pk}))
        .content.decode()
    )
    assert "Robins" in body
    assert "Finches" not in body  # another room: not theirs to follow
