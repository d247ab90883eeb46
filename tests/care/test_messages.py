"""Family and primary caregiver talk (issue #19): the family writes from the phone, the
primary caregiver answers; each message keeps the language it was written in; the other
side is notified; the messages are the child's record's (audited, erased with it)."""

from __future__ import annotations

from django.urls import reverse

from attune.accounts.models import Notification
from attune.care.models import Message
from tests.conftest import World


def test_a_family_message_answered_by_the_primary_caregiver(world: World) -> None:
    family = world.client("family")
    url = reverse("child_messages", args=[world.child.pk])
    response = family.post(url, {"text": "Ana durmió mal anoche.", "language": "es"})
    assert response.status_code == 302
    told = Notification.objects.filter(kind="message")
    assert {n.user.username for n in told} == {"caregiver", "director"}
    caregiver = world.client("caregiver")
    page = caregiver.get(url).content.decode()
    assert "Ana durmió mal anoche." in page and "written in Spanish" in page
    assert Message.objects.get().read_at is not None  # opened by the other side
    caregiver.post(url, {"text": "Thank you, we will let her rest.", "language": "en"})
    assert Notification.objects.filter(kind="message", user=world.users["family"]).count() == 1
    family_page = family.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Thank you, we will let her rest." in family_page
    assert [m.side for m in Message.objects.all()] == ["family", "staff"]


def test_refused_messages_save_nothing(world: World) -> None:
    family = world.client("family")
    url = reverse("child_messages", args=[world.child.pk])
    assert family.post(url, {"text": "   ", "language": "es"}).status_code == 400
    assert family.post(url, {"text": "hola", "language": "xx"}).status_code == 400
    assert family.post(url, {"text": "x" * 2001, "language": "es"}).status_code == 400
    assert not Message.objects.exists()
    # a colleague of the room who is not the primary caregiver does not read them
    other = reverse("child_messages", args=[world.group_child.pk])
    assert world.client("caregiver").get(other).status_code == 403


def test_messages_go_with_the_childs_record(world: World) -> None:
    from attune.programs import services

    world.client("family").post(
        reverse("child_messages", args=[world.child.pk]), {"text": "hola", "language": "es"}
    )
    services.delete_child(actor=None, child=world.child)
    assert not Message.objects.exists()
