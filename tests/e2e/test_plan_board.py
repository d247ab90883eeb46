"""The director's plan board in a real browser, on the demo organization as `make run` has it.

Signs in as the demo director, runs the planner (HTMX), reads the heatmap, moves an infant
into the toddlers' group where it breaks the rules, sees the violation in words and the
refused save, then accepts the planner's valid plan.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from tests.e2e.test_demo_roles import assert_accessible, demo_server, sign_in

__all__ = ["demo_server"]  # the module-scoped server fixture, used here by name


def test_director_plans_breaks_a_rule_by_hand_and_accepts_a_valid_plan(
    page: Page, demo_server: str
) -> None:
    sign_in(page, demo_server, "director")
    expect(page.get_by_role("heading", name="Sunrise Maple Street Center")).to_be_visible()
    page.get_by_role("link", name="Plan board").click()
    expect(page.get_by_role("heading", name="Plan board", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="The arrangement in the records now")).to_be_visible()

    # Run the planner: the board swaps in without a page load
    page.get_by_role("button", name="Run the planner").click()
    status = page.locator("#plan-board [role=status]")
    expect(status).to_contain_text("The planner found the best plan", timeout=15_000)
    expect(page.get_by_role("heading", name="The plan", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Every licensing rule is met at every moment of the week.")
    ).to_be_visible()

    # The heatmap: one table per group, cells in words as well as colours
    heatmap = page.locator("table.heatmap").filter(has=page.locator("caption", has_text="Robins"))
    expect(heatmap).to_be_visible()
    expect(heatmap.get_by_role("rowheader", name="Monday")).to_be_visible()
    assert heatmap.locator("td.hm.spare, td.hm.even").count() > 0
    assert page.locator("td.hm.short, td.hm.over").count() == 0
    assert_accessible(page)

    # Move an infant from Robins into the toddlers' group: checked at once, refused in words
    child = page.get_by_label("Child", exact=True)
    infant = child.locator("option", has_text="(Robins)").first.get_attribute("value")
    assert infant is not None
    child.select_option(infant)
    page.locator("#move-child-group").select_option(label="Finches")
    page.get_by_role("button", name="Move the child").click()
    alert = page.locator("#plan-board .violations[role=alert]")
    expect(alert).to_contain_text(
        "Finches: more children present than cfoc-center (Standard 1.1.1.2) allows in a group"
    )
    expect(page.get_by_role("heading", name="Your edited plan (not saved)")).to_be_visible()
    expect(page.locator("td.hm.over").first).to_be_visible()
    expect(page.get_by_role("button", name="Accept this plan")).to_have_count(0)

    # Saving it is refused, with the reasons
    page.get_by_role("button", name="Save this plan").click()
    refusal = page.locator("[role=alert]").filter(has_text="so it was not saved")
    expect(refusal).to_contain_text(
        "more children present than cfoc-center (Standard 1.1.1.2) allows"
    )

    # Back to the planner's plan, which meets every rule: accept it
    page.get_by_role("link", name="Discard my changes").click()
    expect(page.get_by_role("heading", name="The plan", exact=True)).to_be_visible()
    page.get_by_role("button", name="Accept this plan").click()
    expect(page.get_by_role("status").filter(has_text="The plan is in effect")).to_be_visible()
    expect(page.locator(".run-status")).to_contain_text("In effect")
    expect(page.get_by_role("button", name="Accept this plan")).to_have_count(0)

    # The print view for the classroom wall
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "small groups and primary caregivers"
    )
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert re.search(r"In effect since", page.locator("main").inner_text())
