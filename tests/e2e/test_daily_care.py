"""Daily care in real browsers, on the demo organization as `make run` has it.

The demo caregiver (Graciela, Robins) works on a tablet; the demo family member (Daniela,
who reads Attune in Spanish) follows her daughter Sofía's day on a phone. The caregiver logs
a bottle with one tap, a nap begun twenty minutes ago (its visual check shows as overdue to
the group until she taps Checked), the wake-up and a diaper; the family sees each on the
timeline in Spanish, a new entry arriving without a reload, sends the summary by email, and
proposes a change to the care plan that the caregiver accepts.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.test_demo_roles import assert_accessible, demo_server, sign_in

__all__ = ["demo_server"]

DEMO_TZ = ZoneInfo("America/Los_Angeles")  # the demo programs' time zone
LIVE_MS = 7_000  # the family's timeline polls every 4 s


def sofia_card(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("article.record-card", has_text="Sofía Castillo")


def test_caregiver_logs_and_the_family_follows_in_spanish(
    tablet_page: Page, phone_page: Page, demo_server: str
) -> None:
    now = datetime.now(DEMO_TZ)
    started = now - timedelta(minutes=20)
    if started.date() != now.date():
        pytest.skip("within 20 minutes after midnight in the demo's time zone")
    caregiver, family = tablet_page, phone_page

    sign_in(caregiver, demo_server, "caregiver")
    caregiver.get_by_role("link", name="Daily care record").click()
    expect(caregiver.get_by_role("heading", name="Daily care record", level=1)).to_be_visible()
    expect(caregiver.get_by_role("heading", name="My primary children")).to_be_visible()
    card = sofia_card(caregiver)
    expect(card).to_contain_text("agua")  # her home-language words, with how to say them
    expect(card).to_contain_text("AH-gwah")
    assert_accessible(caregiver)

    # one tap: the usual bottle from her care plan; HTMX swaps only her card
    caregiver.evaluate("window.marker = 'same page'")
    card.get_by_role("button", name="Bottle 150 ml: Sofía Castillo").click()
    expect(card).to_contain_text(re.compile(r"Last fed at \d\d:\d\d"))
    expect(card).to_contain_text("Today: 1 entry")
    assert caregiver.evaluate("window.marker") == "same page"

    # a nap that began twenty minutes ago, logged with its time: the check is overdue
    card.get_by_role("link", name="Note or details…").click()
    caregiver.get_by_role("link", name="Nap", exact=True).click()  # the nap's short form
    caregiver.get_by_label("Time").fill(started.strftime("%H:%M"))
    caregiver.get_by_role("button", name="Save").click()
    alerts = caregiver.locator("#alerts")
    expect(alerts).to_contain_text("Sofía Castillo: nap check overdue since")
    card = sofia_card(caregiver)
    expect(card).to_contain_text("Check overdue since")
    assert_accessible(caregiver)
    card.get_by_role("button", name="Nap checked: Sofía Castillo").click()
    expect(card).to_contain_text("next check by")
    caregiver.reload()
    expect(caregiver.locator("#alerts")).not_to_contain_text("Sofía")
    sofia_card(caregiver).get_by_role("button", name="Woke up: Sofía Castillo").click()
    expect(sofia_card(caregiver)).to_contain_text("Last fed at")
    sofia_card(caregiver).get_by_role("button", name="Diaper wet: Sofía Castillo").click()
    expect(sofia_card(caregiver)).to_contain_text("Today: 3 entries")

    # the family, on a phone, in Spanish
    sign_in(family, demo_server, "family")
    family.get_by_role("link", name="El día de Sofía").click()
    timeline = family.locator("#timeline")
    expect(timeline).to_contain_text("Biberón")
    expect(timeline).to_contain_text("150 ml")
    expect(timeline).to_contain_text("Siesta")
    expect(timeline).to_contain_text("Pañal")
    assert_accessible(family)

    # a new entry reaches the open page by itself
    card = sofia_card(caregiver)
    card.locator("summary", has_text="Mood").click()
    card.get_by_role("button", name="Mood happy: Sofía Castillo").click()
    expect(timeline).to_contain_text("feliz", timeout=LIVE_MS)

    # the summary at pickup, by email in Spanish
    family.get_by_role("link", name="Resumen para imprimir").click()
    expect(family.get_by_role("heading", level=1)).to_contain_text("El día de Sofía")
    family.get_by_role(
        "button", name="Enviar este resumen a la familia por correo electrónico"
    ).click()
    expect(family.get_by_text(re.compile(r"El resumen va camino de 2 tutor"))).to_be_visible()


def test_family_proposes_a_care_plan_change_and_the_caregiver_accepts(
    tablet_page: Page, phone_page: Page, demo_server: str
) -> None:
    caregiver, family = tablet_page, phone_page
    sign_in(family, demo_server, "family")
    family.locator("li.card", has_text="Sofía").get_by_role("link", name="Plan de cuidado").click()
    family.get_by_role("link", name="Proponer un cambio").click()
    family.get_by_label("Qué consuela al niño").fill(
        "Canciones de cuna en español y mecerla despacio"
    )
    family.get_by_role("button", name="Enviar la propuesta").click()
    expect(family.get_by_text("Se envió su propuesta")).to_be_visible()
    expect(family.get_by_text("En espera de la revisión")).to_be_visible()

    sign_in(caregiver, demo_server, "caregiver")
    caregiver.goto(family.url)  # the same care plan page
    proposal = caregiver.locator("section.alert")
    expect(proposal).to_contain_text("What comforts the child")
    proposal.get_by_role("button", name="Accept").click()
    expect(caregiver.get_by_text("The proposal is accepted and in effect.")).to_be_visible()
    expect(caregiver.locator("main")).to_contain_text("Canciones de cuna en español")
    assert_accessible(caregiver)
