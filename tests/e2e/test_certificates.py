"""A participant's Training for Trainers, to a certificate anyone can check (issue 20), in a
real browser on the demo organization.

Oregon's lead requests a TFT; the specialist schedules it over the last two days and enrolls
the demo caregiver (linked to her sign-in by email) with the attendance of the first five
sessions; she evaluates session 2 on her phone (sent twice: one record); the specialist
records the last four sessions, which completes the series; she downloads her certificate
(issue date, number, issuer, verification link); someone with no sign-in opens the link and
sees it confirmed, and a forged code is refused with a clear message. Each page is checked
with axe.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from tests.e2e.test_demo_roles import assert_accessible, demo_server, sign_in

__all__ = ["demo_server"]


def _desktop(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def _phone(browser: Browser) -> Page:
    return browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()


def test_attend_evaluate_complete_certificate_and_verify(
    browser: Browser, demo_server: str, tmp_path: Path
) -> None:
    today = date.today()
    first_day, second_day = today - timedelta(days=3), today - timedelta(days=2)

    lead = _desktop(browser)
    sign_in(lead, demo_server, "stateadmin")
    lead.get_by_role("link", name="Training for Trainers").first.click()
    lead.get_by_role("link", name="Request a Training for Trainers").click()
    lead.get_by_label("Preferred format").select_option("virtual")
    lead.get_by_label("Expected participants").fill("8")
    lead.get_by_role("button", name="Send the request").click()
    expect(lead.get_by_text("Your request was sent")).to_be_visible()

    tta = _desktop(browser)
    sign_in(tta, demo_server, "specialist")
    tta.get_by_role("link", name="Training for Trainers").first.click()
    tta.get_by_role("link", name="Schedule").first.click()
    tta.get_by_label("Title").fill("Relationship-Based Care TFT — Oregon, winter cohort")
    tta.get_by_label("Format").select_option("virtual")
    tta.get_by_label("Online link").fill("https://meet.example.org/or-winter")
    for number in range(9):
        day = first_day if number < 5 else second_day
        start = 9 + (number % 5)
        tta.get_by_label(f"Session {number} date", exact=True).fill(day.isoformat())
        tta.get_by_label(f"Session {number} starts", exact=True).fill(f"{start:02d}:00")
        tta.get_by_label(f"Session {number} ends", exact=True).fill(f"{start:02d}:50")
    tta.get_by_role("button", name="Schedule").click()
    expect(tta.get_by_text("The event is scheduled.")).to_be_visible()
    event_url = tta.url
    tta.get_by_label("First name").fill("Graciela")
    tta.get_by_label("Last name").fill("Ortega")
    tta.get_by_label("Email").fill("graciela.ortega@sunrise.example.org")
    tta.get_by_label("Registry ID").fill("OR-T-310")
    tta.get_by_role("button", name="Enroll").click()
    expect(tta.get_by_text("Graciela Ortega is enrolled.")).to_be_visible()
    boxes = tta.locator("form input[type=checkbox]")  # one participant: a box per session
    expect(boxes).to_have_count(9)
    for number in range(5):
        boxes.nth(number).check()
    tta.get_by_role("button", name="Save attendance").click()
    expect(tta.get_by_text("Attendance saved.")).to_be_visible()

    # the participant, on her phone: no certificate yet; she evaluates session 2
    phone = _phone(browser)
    sign_in(phone, demo_server, "caregiver")
    phone.goto(event_url)
    expect(phone.get_by_role("heading", name="Evaluate my sessions")).to_be_visible()
    phone.get_by_role("link", name="Evaluate session 2").click()
    for statement, answer in (
        ("The session's content is useful for my work.", "5 · strongly agree"),
        ("The facilitator presented the ideas clearly.", "4 · agree"),
        ("I feel ready to deliver this session in my community.", "4 · agree"),
        ("The activities helped me practise the ideas.", "5 · strongly agree"),
    ):
        phone.get_by_role("group", name=statement).get_by_label(answer).check()
    phone.get_by_label("Anything else? (optional)").fill("The routines video helped.")
    assert_accessible(phone)
    evaluate_url = phone.url
    phone.get_by_role("button", name="Send my evaluation").click()
    expect(phone.get_by_text("Thank you: your evaluation is recorded.")).to_be_visible()
    expect(
        phone.locator("li", has_text="Primary Caregiving").get_by_text("Evaluated")
    ).to_be_visible()
    phone.goto(evaluate_url)  # back to the form: it says it is already sent
    expect(phone.get_by_text("You already sent your evaluation of this session")).to_be_visible()
    phone.get_by_role("link", name="Training for Trainers").first.click()
    expect(phone.get_by_text("None yet: a certificate is issued when you complete")).to_be_visible()

    # the specialist records the rest of the series
    tta.goto(event_url)
    for number in range(5, 9):
        boxes.nth(number).check()
    tta.get_by_role("button", name="Save attendance").click()
    expect(tta.get_by_text("Attendance saved.")).to_be_visible()

    phone.reload()
    link = phone.get_by_role("link", name=re.compile(r"^Certificate TFT-\d{4}-\d{5} \(PDF\)"))
    expect(link).to_be_visible()
    assert_accessible(phone)
    with phone.expect_download() as download:
        link.click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Graciela Ortega" in text and "Total: 13.00 clock hours" in text
    assert f"Issued {today.isoformat()}" in text and "Infant/Toddler Specialist Network" in text
    number = re.search(r"Certificate no\. (TFT-\d{4}-\d{5})", text)
    verify = re.search(r"Verify this certificate: (\S+)", text.replace("\n", ""))
    assert number and verify, text
    assert verify.group(1).startswith(demo_server + "/certificates/")

    # anyone, signed in or not, confirms it from the link (or the QR code it encodes)
    outsider = _desktop(browser)
    outsider.goto(verify.group(1))
    expect(outsider.get_by_role("heading", name="Certificate confirmed")).to_be_visible()
    expect(outsider.get_by_text("Graciela Ortega")).to_be_visible()
    expect(outsider.get_by_text(number.group(1))).to_be_visible()
    expect(outsider.get_by_text("OR-T-310")).to_have_count(0)  # only what the certificate states
    assert_accessible(outsider)
    forged = outsider.goto(f"{demo_server}/certificates/{number.group(1)}/")
    assert forged is not None and forged.status == 404
    expect(outsider.get_by_text("No certificate has this verification code")).to_be_visible()
    assert_accessible(outsider)

    # the state sees the evaluation only in groups of five or more
    lead.goto(event_url)
    lead.get_by_role("link", name="Session evaluations").click()
    expect(lead.get_by_text("Fewer than 5 responses: not shown.").first).to_be_visible()
    assert_accessible(lead)
