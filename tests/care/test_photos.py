"""Photos in the daily report (issue #19): only with the family's consent, stored privately,
shown only to the child's family and the staff who see the child."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attune.care.models import DayPhoto
from tests.conftest import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(world: World, persona: str = "caregiver", data: bytes = PNG, name: str = "a.png"):  # type: ignore[no-untyped-def]
    return world.client(persona).post(
        reverse("care_photo_add", args=[world.child.pk]),
        {"photo": SimpleUploadedFile(name, data, content_type="image/png"), "caption": "Sand"},
    )


def test_a_photo_only_with_consent_and_only_to_its_family(world: World) -> None:
    _upload(world)
    assert not DayPhoto.objects.exists()  # no consent yet
    family = world.client("family")
    family.post(reverse("care_photo_consent", args=[world.child.pk]), {"given": "1"})
    _upload(world)
    photo = DayPhoto.objects.get()
    assert photo.original_name == "a.png" and "a.png" not in photo.file.name
    url = reverse("care_photo", args=[photo.pk])
    response = family.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    assert "private" in response["Cache-Control"]
    assert world.client("other_family").get(url).status_code == 404
    assert world.client("specialist").get(url).status_code == 403
    assert world.client("caregiver").get(url).status_code == 200
    assert url in family.get(reverse("child_day", args=[world.child.pk])).content.decode()
    # not under a public address: MEDIA_URL is not served
    assert (
        not getattr(settings, "MEDIA_URL", "").strip("/")
        or world.client("family")
        .get("/" + settings.MEDIA_URL.strip("/") + "/" + photo.file.name)
        .status_code
        == 404
    )
    # consent withdrawn: hidden at once
    family.post(reverse("care_photo_consent", args=[world.child.pk]))
    assert family.get(url).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused(world: World) -> None:
    world.client("family").post(
        reverse("care_photo_consent", args=[world.child.pk]), {"given": "1"}
    )
    _upload(world, data=b"<html><script>alert(1)</script>", name="x.png")
    _upload(world, data=b"%PDF-1.7", name="x.pdf")
    assert not DayPhoto.objects.exists()


def test_erasing_the_child_erases_the_photo_files(world: World) -> None:
    from attune.programs import services

    world.client("family").post(
        reverse("care_photo_consent", args=[world.child.pk]), {"given": "1"}
    )
    _upload(world)
    path = Path(DayPhoto.objects.get().file.path)
    assert path.exists()
    services.delete_child(actor=None, child=world.child)
    assert not path.exists()
