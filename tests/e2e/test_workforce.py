"""The workforce in a real browser, on the demo organization.

The demo caregiver starts a professional profile, enters a CDA, two years of paid infant work
and training hours, and sees "Level I: ready" and what Level II needs; logs three RS/C group
sessions with the demo's endorsed facilitator, and reads "24 RS/C hours (6 logged)"; the
director's workforce page counts the hours; the portfolio PDF renders. The association's
coordinator verifies the home visitor's declared endorsement; the director searches the
state's directory; the trainer accepts Maple Street's request for support.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from tests.e2e.test_demo_roles import assert_accessible, demo_server, sign_in

__all__ = ["demo_server"]


def test_caregiver_readiness_rsc_director_dashboard_and_portfolio(
    page: Page, demo_server: str, tmp_path: Path
) -> None:
    today = date.today()
    sign_in(page, demo_server, "caregiver")
    page.get_by_role("link", name="My professional profile").click()
    page.get_by_label("State, territory or Tribe").select_option(label="Oregon")
    page.get_by_label("Program").select_option(label="Sunrise Maple Street Center")
    page.get_by_label("Role").select_option("caregiver")
    page.get_by_role("button", name="Start my profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    page.get_by_label("Degree or credential").select_option("cda")
    page.get_by_label("Completed on").fill((today - timedelta(days=1000)).isoformat())
    page.get_by_role("button", name="Add the degree or credential").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    work = page.locator("form", has=page.get_by_role("button", name="Add the experience"))
    work.get_by_label("Role").fill("Infant room lead caregiver")
    work.get_by_label("Focus").select_option("infant_ec")
    work.get_by_label("Paid").check()
    work.get_by_label("From").fill((today - timedelta(days=2 * 365 + 30)).isoformat())
    page.get_by_role("button", name="Add the experience").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    training = page.locator("form", has=page.get_by_role("button", name="Add the training"))
    training.get_by_label("Training").fill("Responsive caregiving for infants")
    training.get_by_label("Date").fill((today - timedelta(days=60)).isoformat())
    training.get_by_label("Clock hours").fill("30")
    training.get_by_label("Direct service skills").check()
    page.get_by_role("button", name="Add the training").click()
    expect(page.get_by_text("Level I: ready")).to_be_visible()
    expect(
        page.get_by_text("Level II: missing — bachelor's degree; 24 RS/C hours (0 logged)")
    ).to_be_visible()
    assert_accessible(page)

    for weeks in (6, 4, 2):
        rsc = page.locator("form", has=page.get_by_role("button", name="Log the session"))
        rsc.get_by_label("Date").fill((today - timedelta(weeks=weeks)).isoformat())
        rsc.get_by_label("Minutes").fill("120")
        rsc.get_by_label("Format").select_option("group")
        rsc.get_by_label("Facilitator").select_option(label="Amara Osei")
        page.get_by_role("button", name="Log the session").click()
        expect(page.get_by_text("Saved.")).to_be_visible()
    expect(
        page.get_by_text("Level II: missing — bachelor's degree; 24 RS/C hours (6 logged)")
    ).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Portfolio (PDF)").click()
    pdf = tmp_path / "portfolio.pdf"
    download.value.save_as(pdf)
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Infant Mental Health Endorsement Portfolio" in text
    assert "Graciela Ortega" in text and "Level I: ready" in text and "ready: I" not in text

    director = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    sign_in(director, demo_server, "director")
    director.get_by_role("link", name="Workforce").click()
    row = director.locator("tr", has_text="Graciela Ortega")
    expect(row).to_contain_text("Infant Family Associate")  # ready for Level I
    expect(row.locator("td").last).to_have_text("6.0")
    assert_accessible(director)


def test_coordinator_verifies_and_a_program_gets_support(page: Page, demo_server: str) -> None:
    sign_in(page, demo_server, "coordinator")
    expect(page.get_by_role("heading", name="Awaiting verification")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Noemí Castañeda").first.click()
    expect(
        page.get_by_text("Endorsement declared: Level I: Infant Family Associate")
    ).to_be_visible()
    expect(
        page.get_by_text("Become a member of the state's infant mental health association")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Note (the person sees it)").fill("Checked against the roll.")
    page.get_by_role("button", name="Verify the endorsement").click()
    expect(page.get_by_text("The endorsement is verified.")).to_be_visible()
    expect(page.get_by_text("Level I: held, verified by the association")).to_be_visible()

    director = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    sign_in(director, demo_server, "director")
    director.get_by_role("link", name="Directory").click()
    director.get_by_role("textbox", name="Language:").fill("Portuguese")
    director.get_by_role("button", name="Search").click()
    expect(director.locator("tbody tr", has_text="Beatriz Albuquerque")).to_have_count(1)
    expect(director.locator("tbody tr", has_text="Kwame Mensah-Doyle")).to_have_count(0)
    # she supports Maple Street already: nothing to ask her
    expect(
        director.get_by_role("link", name="Request support from Beatriz Albuquerque")
    ).to_have_count(0)
    assert_accessible(director)

    trainer = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    sign_in(trainer, demo_server, "trainer")
    trainer.goto(f"{demo_server}/workforce/support-requests/")
    expect(trainer.get_by_text("starting primary caregiving")).to_be_visible()
    assert_accessible(trainer)
    trainer.get_by_role("button", name="Accept: support this program").click()
    expect(
        trainer.get_by_text("Accepted: you now support Sunrise Maple Street Center.")
    ).to_be_visible()
    trainer.get_by_role("link", name="Programs I support").click()
    expect(trainer.get_by_text("Sunrise Maple Street Center").first).to_be_visible()
