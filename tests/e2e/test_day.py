"""The day as people live it (issue #19), in real browsers on the demo organization: the
caregiver on a tablet, the family (Daniela, who reads Attune in Spanish) on a phone, the
director at a desk.

- sign-in and out through the day, the room's ratio now, and the director alerted live
  (no reload) when the room goes out of ratio;
- an absence the family says ahead, shown on the room page;
- a tap undone on the tablet;
- a family message answered by the primary caregiver;
- a photo reaching only its family;
- a care-plan proposal notifying the director, and the decision notifying the family, by
  email in Spanish (read from the outbox).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from tests.e2e.conftest import restore_migrated_rows
from tests.e2e.test_demo_roles import assert_accessible, sign_in

from attune.care.models import CareEntry, DayPhoto, Message
from attune.demo.organization import load_demo
from attune.programs.models import Child, RatioAlert, Stay

LIVE_MS = 25_000  # every page asks for new notifications every 10 s


@pytest.fixture(scope="module", autouse=True)
def _flushed(django_db_blocker: Any) -> Iterator[None]:
    """An empty database before the serialized rollback restores its rows: a transactional
    test without it (run before this one) flushes and then re-creates the content types and
    permissions (post_migrate), which the restore would insert a second time. Module-scoped,
    so that it runs before pytest-django's own database set-up for the first test."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    yield
    # the serialized rollback leaves the database empty: give the next files the migrated rows
    with django_db_blocker.unblock():
        restore_migrated_rows()


@pytest.fixture
def demo(django_db_serialized_rollback: None, live_server: object) -> str:
    """The demo organization in the live server's database (the data migrations' rows, such
    as the training sessions, restored after each test: serialized rollback)."""
    load_demo()
    return str(live_server)


def png(path: Path) -> Path:
    """A real 2x2 PNG (the upload is checked by what it is)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x80\x00" * 2 for _ in range(2))
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    path.write_bytes(data)
    return path


def open_others(page: Page) -> None:
    """The room's children not expected today (a weekend run) are one click away."""
    others = page.locator("details#others")
    if others.count() and not others.evaluate("d => d.open"):
        others.locator("summary").click()


def test_sign_in_and_out_live_ratio_alert_absence_and_undo(
    tablet_page: Page, phone_page: Page, page: Page, demo: str
) -> None:
    caregiver, family, director = tablet_page, phone_page, page

    # the family says ahead, on the phone in Spanish, that Sofía comes late today
    sign_in(family, demo, "family")
    family.locator("li.card", has_text="Sofía").get_by_role("link", name="Ausente o tarde").click()
    family.locator('input[name="kind"][value="late"]').check()
    family.locator('input[name="arrives_at"]').fill("10:00")
    family.locator('input[name="note"]').fill("Cita con el pediatra")
    family.get_by_role("button", name="Enviar").click()
    expect(family.get_by_text("Gracias: los cuidadores lo sabrán.")).to_be_visible()
    assert_accessible(family)

    # the director follows the program from a desk
    sign_in(director, demo, "director")
    expect(director.get_by_role("heading", name="Today's attendance by room")).to_be_visible()

    # the caregiver's tablet: the room today, with the family's word
    sign_in(caregiver, demo, "caregiver")
    caregiver.get_by_role("link", name="Robins").first.click()
    expect(caregiver.get_by_role("heading", name="Robins today", level=1)).to_be_visible()
    expect(caregiver.locator("#said-ahead")).to_contain_text("Sofía Castillo")
    expect(caregiver.locator("#said-ahead")).to_contain_text("arriving late")
    expect(caregiver.locator("#said-ahead")).to_contain_text("Cita con el pediatra")
    caregiver.get_by_role("button", name="Clock in").click()
    expect(caregiver.locator("#staff-present")).to_have_text("1")
    open_others(caregiver)
    caregiver.get_by_role("button", name="Sign in Sofía Castillo").click()
    expect(caregiver.locator("#children-present")).to_have_text("1")
    assert Stay.objects.get(child__first_name="Sofía").dropped_off_by.first_name == "Daniela"
    assert_accessible(caregiver)

    # more infants arrive: one caregiver is no longer enough under the rules
    while not RatioAlert.objects.filter(ended_at__isnull=True).exists():
        open_others(caregiver)
        signed = int(caregiver.locator("#children-present").inner_text())
        caregiver.locator("main form[action$='/sign-in/'] button").first.click()
        expect(caregiver.locator("#children-present")).to_have_text(str(signed + 1))
        assert signed < 8, "the room never went out of ratio"
    expect(caregiver.locator("#ratio-alert")).to_contain_text("Out of ratio")
    # the director's open page shows it without a reload
    director.evaluate("window.marker = 'no reload'")
    alert = director.locator("#live-notifications")
    expect(alert).to_contain_text("Out of ratio in Robins", timeout=LIVE_MS)
    assert director.evaluate("window.marker") == "no reload"
    assert_accessible(director)

    # a tap on the record page, and its undo
    caregiver.get_by_role("link", name="Daily care record").click()
    card = caregiver.locator("article.record-card", has_text="Sofía Castillo")
    card.get_by_role("button", name="Diaper wet: Sofía Castillo").click()
    expect(card.get_by_role("button", name="Undo")).to_be_visible()
    expect(card).to_contain_text("Today: 1 entry")
    card.get_by_role("button", name="Undo").click()
    expect(card).not_to_contain_text("Today:")
    entry = CareEntry.objects.get(child__first_name="Sofía", corrects__isnull=True)
    assert entry.corrections.get().withdrawn

    # pickup: Sofía goes home with her father
    caregiver.go_back()
    caregiver.goto(director.url.split("/programs/")[0] + caregiver.url.split(demo)[1])
    sofia = Child.objects.get(first_name="Sofía", family__name__contains="Castillo")
    caregiver.goto(f"{demo}/rooms/{sofia.room_id}/today/")
    caregiver.locator(f"#out-{sofia.pk}").select_option(label="Andrés Castillo (Father)")
    caregiver.get_by_role("button", name="Sign out Sofía Castillo").click()
    expect(caregiver.locator(f"#child-{sofia.pk}")).to_contain_text("gone home")
    assert Stay.objects.get(child=sofia).picked_up_by.first_name == "Andrés"


def test_messages_photos_and_care_plan_notices_in_spanish(
    tablet_page: Page, phone_page: Page, page: Page, demo: str, tmp_path: Path
) -> None:
    caregiver, family, other = tablet_page, phone_page, page
    sofia = Child.objects.get(first_name="Sofía", family__name__contains="Castillo")

    # the family writes to Sofía's primary caregiver from the phone
    sign_in(family, demo, "family")
    family.locator("li.card", has_text="Sofía").get_by_role("link", name="Mensajes").click()
    family.get_by_role("textbox", name="Mensaje").fill("¿Comió bien hoy?")
    family.get_by_role("button", name="Enviar").click()
    expect(family.locator("#thread")).to_contain_text("¿Comió bien hoy?")
    expect(family.locator("#thread")).to_contain_text(
        re.compile("escrito en español", re.IGNORECASE)
    )
    assert_accessible(family)

    # the caregiver is told, opens it on the tablet and answers in English
    sign_in(caregiver, demo, "caregiver")
    caregiver.get_by_role("link", name="Notifications").click()
    caregiver.locator("li.card", has_text="¿Comió bien hoy?").first.get_by_role(
        "button", name="Open"
    ).click()
    expect(caregiver.locator("#thread")).to_contain_text("written in Spanish")
    caregiver.get_by_role("textbox", name="Message").fill("Yes, all of her lunch.")
    caregiver.get_by_label("Written in").select_option("en")
    caregiver.get_by_role("button", name="Send").click()
    expect(caregiver.locator("#thread")).to_contain_text("Yes, all of her lunch.")
    family.reload()
    expect(family.locator("#thread")).to_contain_text("Yes, all of her lunch.")
    expect(family.locator("#thread")).to_contain_text(
        re.compile("escrito en inglés", re.IGNORECASE)
    )
    assert Message.objects.filter(child=sofia).count() == 3  # the demo's, hers, the answer

    # a photo in Sofía's day (the family allowed photos), seen only by her family and staff
    caregiver.goto(f"{demo}/children/{sofia.pk}/day/")
    caregiver.locator("input[name=photo]").set_input_files(str(png(tmp_path / "sand.png")))
    caregiver.get_by_label("Caption").fill("En el arenero")
    caregiver.get_by_role("button", name="Add the photo").click()
    expect(caregiver.get_by_text("The photo is in")).to_be_visible()
    photo = DayPhoto.objects.get(child=sofia)
    family.goto(f"{demo}/children/{sofia.pk}/day/")
    image = family.locator("#photos img")
    expect(image).to_have_attribute("src", f"/photos/{photo.pk}/")
    family.wait_for_function("() => document.querySelector('#photos img').naturalWidth === 2")
    sign_in(other, demo, "director2")  # another program's director
    assert other.request.get(f"{demo}/photos/{photo.pk}/").status == 404
    assert other.request.get(f"{demo}/media/{photo.file.name}").status == 404

    # a care-plan proposal tells the director; the decision tells the family, in Spanish
    mail.outbox.clear()
    family.goto(f"{demo}/children/{sofia.pk}/care-plan/")
    family.get_by_role("link", name="Proponer un cambio").click()
    family.get_by_label("Qué consuela al niño").fill("Canciones de cuna")
    family.get_by_role("button", name="Enviar la propuesta").click()
    expect(family.get_by_text("Se envió su propuesta")).to_be_visible()
    director = other
    director.context.clear_cookies()
    sign_in(director, demo, "director")
    expect(director.locator("#live-notifications")).to_contain_text("Notifications")
    director.get_by_role("link", name="Notifications").click()
    proposal = director.locator("li.card", has_text="proposed a care-plan change").first
    expect(proposal).to_contain_text("Sofía Castillo")
    proposal.get_by_role("button", name="Open").click()
    director.locator("section.alert").get_by_role("button", name="Accept").click()
    expect(director.get_by_text("The proposal is accepted and in effect.")).to_be_visible()
    to_family = [m for m in mail.outbox if "daniela.rojas@example.org" in m.to]
    assert to_family, [m.to for m in mail.outbox]
    assert "Se aceptó su cambio al plan de cuidado de Sofía" in to_family[-1].subject
    assert "Ya está en vigor." in to_family[-1].body
    family.goto(f"{demo}/accounts/notifications/")
    expect(family.locator("main")).to_contain_text("Se aceptó su cambio")
