"""The Training for Trainers path in a real browser, on the demo organization.

Oregon's state administrator requests a TFT; the state's Infant/Toddler Specialist schedules
a hybrid event over two days, enrolls three trainers and records their attendance; a trainer
(the demo trainer, linked by email) records a commitment, then a community delivery of two
sessions to 12 caregivers; a certificate downloads as a PDF; the state exports the 12 × 2 new
rows to Oregon's registry in its layout (the demo's participant without a registry ID listed
for follow-up), and a second export finds nothing new; the reach page counts them.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from tests.e2e.test_demo_roles import assert_accessible, demo_server, sign_in

__all__ = ["demo_server"]


def _page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def test_state_requests_specialist_schedules_trainer_delivers(
    browser: Browser, demo_server: str, tmp_path: Path
) -> None:
    today = date.today()
    first_day, second_day = today - timedelta(days=10), today - timedelta(days=9)

    lead = _page(browser)
    sign_in(lead, demo_server, "stateadmin")
    before = reach_now(lead)  # the demo's spring cohort and its delivery are counted already
    lead.get_by_role("link", name="Training for Trainers").first.click()
    lead.get_by_role("link", name="Request a Training for Trainers").click()
    lead.get_by_label("Preferred format").select_option("hybrid")
    lead.get_by_label("Preferred dates").fill("Two days, as soon as possible")
    lead.get_by_label("Expected participants").fill("3")
    lead.get_by_role("button", name="Send the request").click()
    expect(lead.get_by_text("Your request was sent")).to_be_visible()
    assert_accessible(lead)

    tta = _page(browser)
    sign_in(tta, demo_server, "specialist")
    tta.get_by_role("link", name="Training for Trainers").first.click()
    tta.get_by_role("link", name="Schedule").first.click()
    tta.get_by_label("Format").select_option("hybrid")
    tta.get_by_label("Place").fill("Salem Public Library")
    tta.get_by_label("Online link").fill("https://meet.example.org/or-tft")
    for number in range(9):
        day = first_day if number < 5 else second_day
        start = 9 + (number % 5)
        tta.get_by_label(f"Session {number} date", exact=True).fill(day.isoformat())
        tta.get_by_label(f"Session {number} starts", exact=True).fill(f"{start:02d}:00")
        tta.get_by_label(f"Session {number} ends", exact=True).fill(f"{start:02d}:50")
    tta.get_by_role("button", name="Schedule").click()
    expect(tta.get_by_text("The event is scheduled.")).to_be_visible()
    trainers = [
        ("Kwame", "Mensah-Doyle", "kwame.mensahdoyle@example.org", "OR-T-100"),
        ("Lupe", "Fonoti", "lupe.fonoti@example.org", "OR-T-101"),
        ("Hiroko", "Tanaka", "", "OR-T-102"),
    ]
    for first, last, email, registry_id in trainers:
        tta.get_by_label("First name").fill(first)
        tta.get_by_label("Last name").fill(last)
        tta.get_by_label("Email").fill(email)
        tta.get_by_label("Registry ID").fill(registry_id)
        tta.get_by_role("button", name="Enroll").click()
        expect(tta.get_by_text(f"{first} {last} is enrolled.")).to_be_visible()
    boxes = tta.locator("form input[type=checkbox]")
    expect(boxes).to_have_count(27)
    for i in range(27):
        boxes.nth(i).check()
    tta.get_by_role("button", name="Save attendance").click()
    expect(tta.get_by_text("Attendance saved.")).to_be_visible()
    expect(tta.locator("form input[type=checkbox]:checked")).to_have_count(27)
    assert_accessible(tta)

    trainer = _page(browser)
    sign_in(trainer, demo_server, "trainer")
    trainer.get_by_role("link", name="Training for Trainers").first.click()
    trainer.get_by_role("link", name="Record my commitment").click()
    trainer.get_by_label("Plan").fill("Two Saturday mornings for family child care providers")
    due = trainer.get_by_label("Deliver by").input_value()
    trainer.get_by_role("button", name="Save my commitment").click()
    expect(trainer.get_by_text("Your commitment is recorded.")).to_be_visible()
    expect(
        trainer.locator("li", has_text=re.compile(r"Oregon\s*·\s*committed to deliver by"))
    ).to_be_visible()

    trainer.get_by_role("link", name="Record a community delivery").click()
    trainer.get_by_label("Title").fill("Relationship-based care for family child care")
    trainer.get_by_label("Sponsor").fill("Lane County CCR&R")
    trainer.get_by_label("Commitment").select_option(
        label=f"Relationship-Based Care TFT — Oregon (deliver by {due})"
    )
    for number in (2, 3):
        trainer.get_by_label(f"Session {number} date", exact=True).fill(today.isoformat())
    lines = "\n".join(f"Care{i},Giver{i},OR-C-{i:03d},Program {i % 4}" for i in range(1, 13))
    trainer.get_by_label("Attendees").fill(lines)
    trainer.get_by_role("button", name="Record the delivery").click()
    expect(trainer.get_by_text("The delivery is recorded.")).to_be_visible()
    expect(trainer.get_by_role("heading", name="12 attendees")).to_be_visible()
    assert_accessible(trainer)
    with trainer.expect_download() as download:
        trainer.get_by_role("link", name="Certificate (PDF) for Care1 Giver1").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Care1 Giver1" in text and "OR-C-001" in text and "Total: 3.00 clock hours" in text

    lead.get_by_role("link", name="Training for Trainers").first.click()
    lead.get_by_role("link", name="Registry export").click()
    # Oregon's registry layout; Tomás (no registry ID yet, from the demo) is listed to follow up
    expect(lead.get_by_role("combobox", name="Registry:")).to_have_value("oregon")
    expect(lead.get_by_role("cell", name="Tomás Herrera")).to_be_visible()
    lead.get_by_role("textbox", name="From:").fill(today.isoformat())
    lead.get_by_role("textbox", name="To:").fill(today.isoformat())
    lead.get_by_role("button", name="Show").click()
    expect(lead.get_by_role("heading", name="24 new rows")).to_be_visible()
    assert_accessible(lead)
    # the file is written by a job on the queue; its page links to it when ready
    lead.get_by_role("button", name="Export 24 new rows (CSV)").click()
    expect(lead.get_by_role("heading", name=re.compile("^Registry export for"))).to_be_visible()
    ready = lead.get_by_role("link", name=re.compile(r"^Download registry-.*\.csv$"))
    expect(ready).to_be_visible(timeout=30_000)
    assert_accessible(lead)
    with lead.expect_download() as download:
        ready.click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert len(rows) == 12 * 2
    assert {r["Clock Hours"] for r in rows} == {"1.50"}
    assert {r["Session"] for r in rows} == {"Primary Caregiving", "Continuity of Care"}
    assert len({r["ORO ID"] for r in rows}) == 12
    # exported again: nothing new, no second file
    lead.get_by_role("link", name="Training for Trainers").first.click()
    lead.get_by_role("link", name="Registry export").click()
    lead.get_by_role("textbox", name="From:").fill(today.isoformat())
    lead.get_by_role("textbox", name="To:").fill(today.isoformat())
    lead.get_by_role("button", name="Show").click()
    expect(lead.get_by_role("heading", name="0 new rows")).to_be_visible()
    expect(lead.get_by_text("24 rows already sent to Oregon Registry Online (ORO)")).to_be_visible()

    after = reach_now(lead)
    expect(lead.locator("svg.chart")).to_be_visible()
    assert_accessible(lead)
    # two new trainers (the demo trainer was trained in the spring), one delivery, 12
    # caregivers, the 4 programs they came from
    assert [a - b for a, b in zip(after, before, strict=True)] == [2, 1, 12, 4]


def reach_now(lead: Page) -> list[int]:
    lead.get_by_role("link", name="Training for Trainers").first.click()
    lead.get_by_role("link", name="Reach").click()
    last = lead.locator("tbody tr").last
    return [int(last.locator("td").nth(i).inner_text()) for i in range(4)]
