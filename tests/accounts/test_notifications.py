"""Notifications (issue #19): in the app for everyone, by email by each person's choice per
kind, in each person's language; care-plan proposals and decisions, primary-caregiver
changes with their reason."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from attune.accounts import notify
from attune.accounts.models import Notification
from attune.care import services as care_services
from attune.care.models import CarePlan
from attune.programs import services
from tests.conftest import World


def test_a_proposal_tells_the_director_and_the_decision_tells_the_family_in_spanish(
    world: World,
) -> None:
    family = world.users["family"]
    family.preferred_language = "es"
    family.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    plan = care_services.propose_care_plan(
        actor=family, child=world.child, data={"comfort_objects": "su conejito"}
    )
    told = Notification.objects.filter(kind="care_plan_proposed")
    assert {n.user.username for n in told} == {"director", "caregiver"}
    assert {m.to[0] for m in mail.outbox} == {"director@example.org", "caregiver@example.org"}
    mail.outbox.clear()
    care_services.decide_care_plan(actor=world.users["director"], plan=plan, accept=True,
                                   note="Gracias")  # fmt: skip
    decided = Notification.objects.get(kind="care_plan_decided")
    assert decided.user == family
    assert "aceptó" in decided.title  # in the family's language
    assert [m.to for m in mail.outbox] == [["family@example.org"]]
    assert "aceptó" in mail.outbox[0].subject and "Gracias" in mail.outbox[0].body
    assert CarePlan.objects.filter(status="current").count() == 1


def test_email_follows_each_persons_choice_and_the_app_list_always_shows(world: World) -> None:
    director = world.users["director"]
    client = world.client("director")
    response = client.post(reverse("accounts:notification_choices"), {"email": ["ratio"]})
    assert response.status_code == 302
    assert notify.choices(director)["care_plan_proposed"] is False
    mail.outbox.clear()
    care_services.propose_care_plan(
        actor=world.users["family"], child=world.child, data={"comfort_objects": "bear"}
    )
    assert "director@example.org" not in {m.to[0] for m in mail.outbox}
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert "proposed a care-plan change" in page
    # read: the badge's count goes down; someone else's notification cannot be marked
    note = Notification.objects.get(user=director)
    other = Notification.objects.get(user=world.users["caregiver"])
    client.post(reverse("accounts:notifications_read"), {"notification": other.pk})
    other.refresh_from_db()
    assert other.read_at is None
    client.post(reverse("accounts:notifications_read"), {"notification": note.pk})
    note.refresh_from_db()
    assert note.read_at is not None and notify.unread(director) == 0


def test_a_primary_change_tells_the_family_with_the_reason(world: World) -> None:
    services.update_child(
        actor=None, child=world.child, data={"primary_caregiver": world.colleague},
        reason="Maria moves to the toddler room in January.",
    )  # fmt: skip
    told = Notification.objects.get(kind="primary_change", user=world.users["family"])
    assert "Linh Tran" in told.title and "toddler room" in told.body
    assert Notification.objects.filter(kind="primary_change", user=world.users["caregiver"])


def test_notify_once_per_key(world: World) -> None:
    users = [world.users["director"]]
    for _ in range(2):
        notify.notify(users=users, kind="invitation", title=lambda: "x", key="inv:1")
    assert Notification.objects.count() == 1
