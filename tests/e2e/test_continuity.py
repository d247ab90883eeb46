"""Continuity of care in a real browser, on the demo organization as `make run` has it.

The demo director opens the program's continuity page from the dashboard, switches the
chart's measure (HTMX swaps the chart alone) and follows a child to its timeline; the demo
family reads the same timeline in Spanish; the state administrator sees programs only.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect
from tests.e2e.test_demo_roles import assert_accessible, demo_server, sign_in

__all__ = ["demo_server"]  # the module-scoped server fixture, used here by name


def test_director_reads_continuity_and_a_childs_timeline(page: Page, demo_server: str) -> None:
    sign_in(page, demo_server, "director")
    page.get_by_role("link", name="Continuity of care").click()
    expect(page.get_by_role("heading", name="Continuity of care", level=1)).to_be_visible()
    expect(page.locator("#continuity-chart svg[role=img]")).to_be_visible()
    expect(page.locator("#continuity-chart-title")).to_have_text(
        "Primary caregiver changes per child-year, by group"
    )
    assert_accessible(page)

    # choosing another measure swaps the chart in place, and the address follows
    page.evaluate("window.marker = 'same page'")
    page.get_by_label("Measure").select_option(label="Group-mates kept month to month")
    expect(page.locator("#continuity-chart-title")).to_have_text(
        "Group-mates kept month to month, by group"
    )
    assert page.evaluate("window.marker") == "same page"
    assert "measure=stability" in page.url
    assert_accessible(page)

    # the children with the most changes link to their timelines
    section = page.locator("section").filter(
        has=page.get_by_role("heading", name="Children with the most changes")
    )
    section.get_by_role("link", name="Mateo Castillo").click()
    expect(
        page.get_by_role("heading", name="Mateo Castillo: primary caregivers and groups")
    ).to_be_visible()
    expect(page.get_by_text("Why: The family asked for it")).to_be_visible()
    assert_accessible(page)


def test_family_reads_the_timeline_in_spanish(page: Page, demo_server: str) -> None:
    sign_in(page, demo_server, "family")
    page.wait_for_url(f"{demo_server}/family/")
    page.get_by_role("link", name="Mateo Castillo").first.click()
    page.get_by_role("link", name="Cuidadores principales y grupos, mes a mes").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_text("Por qué: La familia lo pidió")).to_be_visible()
    expect(page.get_by_text("Carlos Mendoza es el/la cuidador(a) principal desde")).to_be_visible()
    assert_accessible(page)


def test_state_administrator_sees_programs_not_children(page: Page, demo_server: str) -> None:
    sign_in(page, demo_server, "stateadmin")
    page.get_by_role("link", name="Continuity of care in each program").click()
    expect(page.get_by_role("heading", name="Continuity of care", level=1)).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Sunrise Riverside Center")
    expect(table).not_to_contain_text("Mateo")
    assert_accessible(page)
