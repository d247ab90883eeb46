"""The tablet's taps (issue #19): a double tap logs once (decided on the server), a tap is
undone for ten seconds by the person who made it, and each kind has its short form."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from attune.care import services
from attune.care.models import CareEntry
from tests.conftest import World


def test_the_same_tap_twice_within_seconds_logs_once(world: World) -> None:
    client = world.client("caregiver")
    url = reverse("care_log", args=[world.child.pk])
    for _ in range(3):
        response = client.post(url, {"tap": "diaper:wet"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert CareEntry.objects.count() == 1
    # another kind, or the same tap by a colleague, is a new entry
    client.post(url, {"tap": "diaper:bm"}, HTTP_HX_REQUEST="true")
    world.client("director").post(url, {"tap": "diaper:wet"}, HTTP_HX_REQUEST="true")
    assert CareEntry.objects.count() == 3
    # the same tap after the window is a new entry (a second diaper)
    CareEntry.objects.update(created_at=timezone.now() - services.DUPLICATE_WINDOW * 2)
    client.post(url, {"tap": "diaper:wet"}, HTTP_HX_REQUEST="true")
    assert CareEntry.objects.count() == 4


def test_a_tap_is_undone_by_its_author_within_ten_seconds(world: World) -> None:
    client = world.client("caregiver")
    response = client.post(
        reverse("care_log", args=[world.child.pk]), {"tap": "bottle:120"}, HTTP_HX_REQUEST="true"
    )
    entry = CareEntry.objects.get()
    undo = reverse("care_undo", args=[entry.pk])
    assert undo in response.content.decode()  # the card shows the undo button
    assert 'data-undo-seconds="' in response.content.decode()
    # a colleague cannot undo it (they correct it instead)
    refused = world.client("director").post(undo)
    assert refused.status_code == 302 and not CareEntry.objects.filter(withdrawn=True).exists()
    response = client.post(undo, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Today:" not in response.content.decode()
    assert CareEntry.objects.filter(corrects=entry, withdrawn=True).count() == 1
    # twice: refused, nothing more written
    again = client.post(undo, HTTP_HX_REQUEST="true")
    assert again.status_code == 400 and CareEntry.objects.count() == 2


def test_too_late_to_undo(world: World) -> None:
    client = world.client("caregiver")
    client.post(reverse("care_log", args=[world.child.pk]), {"tap": "mood:happy"})
    entry = CareEntry.objects.get()
    CareEntry.objects.update(created_at=timezone.now() - timedelta(seconds=30))
    page = client.get(reverse("care_record", args=[world.program.pk]))
    assert reverse("care_undo", args=[entry.pk]) not in page.content.decode()
    client.post(reverse("care_undo", args=[entry.pk]))
    assert not CareEntry.objects.filter(withdrawn=True).exists()


def test_each_kind_has_its_short_form(world: World) -> None:
    client = world.client("caregiver")
    url = reverse("care_log", args=[world.child.pk])
    bottle = client.get(url + "?kind=bottle").content.decode()
    assert 'name="amount_ml"' in bottle and 'name="portion"' not in bottle
    assert 'name="provider"' not in bottle and 'name="wet"' not in bottle
    diaper = client.get(url + "?kind=diaper").content.decode()
    assert 'name="wet"' in diaper and 'name="amount_ml"' not in diaper
