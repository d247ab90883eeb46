"""Programs and rooms set up by the organization's administrator (issue #16)."""

from __future__ import annotations

from django.urls import reverse
from tests.conftest import World

from attune.programs.models import Child, Jurisdiction, Program, Room

PROGRAM = {
    "name": "Cedar House", "kind": "center", "place": "NM", "address": "1 Cedar St",
    "license_number": "", "timezone": "America/Denver", "opens_at": "07:00",
    "closes_at": "18:00", "rule_set": "cfoc-center", "nap_check_minutes": "15",
}  # fmt: skip


def test_the_administrator_creates_a_program_and_its_rooms(world: World) -> None:
    admin = world.client("org_admin")
    response = admin.post(reverse("program_create", args=[world.organization.pk]), PROGRAM)
    assert response.status_code == 302
    program = Program.objects.get(name="Cedar House")
    assert program.organization == world.organization
    assert program.jurisdiction == Jurisdiction.objects.get(code="NM", name="New Mexico")
    for name, capacity in (("Infants", "8"), ("Toddlers", "12")):
        response = admin.post(
            reverse("room_create", args=[program.pk]),
            {"name": name, "capacity": capacity, "max_groups": "2"},
        )
        assert response.status_code == 302
    assert list(program.rooms.values_list("name", "capacity")) == [("Infants", 8), ("Toddlers", 12)]
    # the same room name twice is refused with a message
    again = admin.post(reverse("room_create", args=[program.pk]),
                       {"name": "Infants", "capacity": "4", "max_groups": "1"})  # fmt: skip
    assert again.status_code == 400 and program.rooms.count() == 2


def test_a_smaller_room_says_which_children_and_groups_it_breaks(world: World) -> None:
    admin = world.client("org_admin")
    in_room = Child.objects.filter(room=world.room).enrolled_on(world.program.today()).count()
    assert in_room >= 2
    response = admin.post(
        reverse("room_edit", args=[world.room.pk]),
        {"name": world.room.name, "capacity": "1", "max_groups": "1",
         "seen_version": str(world.room.version)},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{in_room} children are in {world.room.name}" in page and "plan board" in page
    assert Room.objects.get(pk=world.room.pk).capacity == 1


def test_a_stale_room_edit_is_refused(world: World) -> None:
    admin = world.client("org_admin")
    url = reverse("room_edit", args=[world.room.pk])
    version = world.room.version
    data = {"name": "A", "capacity": "9", "max_groups": "1", "seen_version": str(version)}
    assert admin.post(url, data).status_code == 302
    stale = admin.post(url, {**data, "name": "B"})
    assert stale.status_code == 409
    assert Room.objects.get(pk=world.room.pk).name == "A"


def test_a_director_cannot_set_up_programs_or_rooms(world: World) -> None:
    director = world.client("director")
    assert (
        director.post(reverse("program_create", args=[world.organization.pk]), PROGRAM).status_code
        == 404
    )
    assert (
        director.post(
            reverse("room_create", args=[world.program.pk]),
            {"name": "X", "capacity": "3", "max_groups": "1"},
        ).status_code
        == 403
    )
    assert not Program.objects.filter(name="Cedar House").exists()
    assert not Room.objects.filter(name="X").exists()
