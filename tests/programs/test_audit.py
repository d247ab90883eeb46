"""Audit: every write to child, family and caregiver records, and staff views of a full record."""

from __future__ import annotations

from datetime import date

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from tests.conftest import World, child_data

from attune.programs import services
from attune.programs.models import Caregiver, Child, Family, Guardian


def entries(model: type, pk: int, action: int | None = None) -> list[LogEntry]:
    qs = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=pk
    )
    if action is not None:
        qs = qs.filter(action=action)
    return list(qs.order_by("timestamp", "pk"))


def test_child_create_update_delete_are_audited_with_actor_and_before_after(world: World) -> None:
    director = world.users["director"]
    child = services.create_child(
        actor=director,
        program=world.program,
        data=child_data(world.family, world.room, first_name="Eva"),
    )
    created = entries(Child, child.pk, LogEntry.Action.CREATE)
    assert len(created) == 1 and created[0].actor == director
    assert created[0].changes["first_name"] == [None, "Eva"]

    services.update_child(
        actor=director, child=child, data={"allergies": "eggs", "room": world.other_room}
    )
    updated = entries(Child, child.pk, LogEntry.Action.UPDATE)
    assert len(updated) == 1
    assert updated[0].changes["allergies"] == ["", "eggs"]
    assert updated[0].changes["room"] == ["Robins", "Finches"]
    assert child.enrollment_events.filter(kind="room_changed").exists()

    pk = child.pk
    services.delete_child(actor=director, child=child)
    deleted = entries(Child, pk, LogEntry.Action.DELETE)
    assert len(deleted) == 1 and deleted[0].actor == director


def test_family_guardian_and_caregiver_writes_are_audited(world: World) -> None:
    admin = world.users["org_admin"]
    family = services.create_family(
        actor=admin, program=world.program,
        data={"code": "F-9", "name": "Okafor", "preferred_language": "en"},
        guardians=[{"first_name": "Ada", "last_name": "Okafor", "relationship": "mother", "phone": "555-0100"}],
    )  # fmt: skip
    assert entries(Family, family.pk, LogEntry.Action.CREATE)[0].actor == admin
    guardian = family.guardians.get()
    assert entries(Guardian, guardian.pk, LogEntry.Action.CREATE)[0].actor == admin
    services.update_family(actor=admin, family=family, data={"preferred_language": "ig"})
    assert entries(Family, family.pk, LogEntry.Action.UPDATE)[0].changes["preferred_language"] == [
        "en",
        "ig",
    ]
    services.save_guardian(
        actor=admin, family=family, guardian=guardian, data={"phone": "555-0111"}
    )
    assert entries(Guardian, guardian.pk, LogEntry.Action.UPDATE)

    caregiver = world.colleague
    services.update_caregiver(
        actor=admin, caregiver=caregiver, data={"end_date": date(2026, 12, 31)}
    )
    change = entries(Caregiver, caregiver.pk, LogEntry.Action.UPDATE)[-1]
    assert change.actor == admin and change.changes["end_date"] == [None, "2026-12-31"]


def test_request_writes_name_the_signed_in_user(world: World) -> None:
    client = world.client("director")
    response = client.post(
        reverse("family_edit", kwargs={"family_id": world.family.pk}),
        {"code": "F-1", "name": "Lopez-Ruiz", "preferred_language": "Spanish"},
    )
    assert response.status_code == 302
    entry = entries(Family, world.family.pk, LogEntry.Action.UPDATE)[-1]
    assert entry.actor == world.users["director"]
    assert entry.changes["name"] == ["Lopez", "Lopez-Ruiz"]


def test_staff_full_views_are_audited_family_and_group_views_are_not(world: World) -> None:
    url = reverse("child_detail", kwargs={"child_id": world.child.pk})
    for persona in ("director", "caregiver", "family"):
        assert world.client(persona).get(url).status_code == 200
    views = entries(Child, world.child.pk, LogEntry.Action.ACCESS)
    assert [v.actor.username for v in views] == ["director", "caregiver"]
    # the caregiver sees the group child only in summary: not a full-record view
    world.client("caregiver").get(
        reverse("child_detail", kwargs={"child_id": world.group_child.pk})
    )
    assert entries(Child, world.group_child.pk, LogEntry.Action.ACCESS) == []


def test_director_sees_the_audit_on_the_child_page(world: World) -> None:
    world.client("caregiver").get(reverse("child_detail", kwargs={"child_id": world.child.pk}))
    page = world.client("director").get(
        reverse("child_detail", kwargs={"child_id": world.child.pk})
    )
    body = page.content.decode()
    assert "Audit trail" in body
    assert "caregiver" in body  # the caregiver's view is listed, by user
    full = world.client("director").get(reverse("child_audit", kwargs={"child_id": world.child.pk}))
    assert full.status_code == 200
    assert "Opened the full record" in full.content.decode()


def test_family_cannot_read_the_audit(world: World) -> None:
    client = world.client("family")
    page = client.get(reverse("child_detail", kwargs={"child_id": world.child.pk}))
    assert page.status_code == 200
    assert "Audit trail" not in page.content.decode()
    assert "audit" not in page.content.decode().lower()
    assert (
        client.get(reverse("child_audit", kwargs={"child_id": world.child.pk})).status_code == 403
    )
    assert (
        client.get(reverse("child_audit", kwargs={"child_id": world.group_child.pk})).status_code
        == 404
    )


def test_audit_entries_read_as_people_write(world: World) -> None:
    from attune.lib import schedules
    from attune.lib.audit import describe_changes

    director = world.users["director"]
    services.update_child(
        actor=director,
        child=world.child,
        data={
            "schedule": schedules.parse_text("mon-wed 08:00-16:30"),
            "home_languages": ["es"],
            "has_ifsp": False,
            "ifsp_coordinator_name": "",
        },
    )
    entry = entries(Child, world.child.pk, LogEntry.Action.UPDATE)[-1]
    shown = {c.label: (c.before, c.after) for c in describe_changes(entry)}
    assert shown["Weekly attendance"] == ("mon-fri 08:00-16:30", "mon-wed 08:00-16:30")
    assert shown["Home languages"] == ("Spanish, English", "Spanish")
    assert shown["Has an IFSP"] == ("Yes", "No")
    created = entries(Child, world.child.pk, LogEntry.Action.CREATE)[0]
    labels = {c.label for c in describe_changes(created)}
    assert "ID" not in labels
    assert "Enrollment events" not in labels  # reverse relations are not the child's fields
    body = world.client("director").get(f"/children/{world.child.pk}/audit/").content.decode()
    assert "mon-fri 08:00-16:30 → mon-wed 08:00-16:30" in body
