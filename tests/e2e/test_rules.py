"""Licensing rule sets in a real browser (issue #15), on the demo organization.

The state administrator publishes a new version of Oregon's rules with a future effective
date (a bad file first: refused naming the field, nothing published), tries a group on the
test bench; the director chooses the state's rule set for the program, and the plan board
shows which groups break from the day the version takes effect.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from playwright.sync_api import Page, expect
from tests.e2e.test_demo_roles import assert_accessible, demo_server, sign_in

__all__ = ["demo_server"]


def test_state_publishes_a_version_and_the_board_shows_what_breaks_from_when(
    page: Page, demo_server: str
) -> None:
    effective = date.today() + timedelta(days=40)
    sign_in(page, demo_server, "stateadmin")
    page.get_by_role("link", name="Licensing rule sets: publish your state's versions").click()
    expect(page.get_by_role("heading", name="Licensing rule sets", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Publish a version for Oregon").click()

    # A bad file is refused, naming the field; nothing is published
    bad = {
        "format": "attune.rules/2", "id": "or-ccc", "name": "Oregon centers",
        "citation": "OAR 414-305", "effective": effective.isoformat(), "mixed_age": "youngest",
        "bands": [{"id": "all", "min_months": 0, "max_months": 71, "ratio": 4, "max_grup": 8}],
    }  # fmt: skip
    page.get_by_label("…or paste the JSON").fill(json.dumps(bad))
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".form-errors").first).to_contain_text("bands[0].max_grup")
    expect(page.get_by_text("The rule set was not published; nothing was changed.")).to_be_visible()
    assert_accessible(page)

    # The form: one band, stricter than the demo's groups (at most 2 children a group)
    page.get_by_label("…or paste the JSON").fill("")
    page.get_by_label("Id (letters, digits, hyphens)").fill("or-ccc")
    page.get_by_label("Name").fill("Oregon certified centers (strict example)")
    page.get_by_label("Citation").fill("OAR 414-305-0400 (example)")
    page.get_by_label("Effective date").fill(effective.isoformat())
    page.locator("[name=band0_id]").fill("all")
    page.locator("[name=band0_min]").fill("0")
    page.locator("[name=band0_max]").fill("71")
    page.locator("[name=band0_ratio]").fill("2")
    page.locator("[name=band0_group]").fill("2")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "Version 1 of or-ccc is published"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oregon certified centers")
    assert_accessible(page)

    # The test bench: what the new rules require of three toddlers with one caregiver
    page.get_by_role("link", name="Try it on the test bench").click()
    page.get_by_label("Ages of the children present").fill("20, 20, 20")
    page.locator("#id_staff").fill("1")
    page.get_by_role("button", name="Check").click()
    answer = page.locator("#bench-answer")
    expect(answer).to_contain_text("No number of caregivers is enough")
    assert_accessible(page)

    # The director binds the program to the state's rules too
    page.context.clear_cookies()
    sign_in(page, demo_server, "director")
    page.get_by_role("link", name="Plan board").click()
    page.get_by_role("link", name="The program's rule sets").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rule sets of")
    page.get_by_label("The state's rule set").select_option("or-ccc")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The program's rule sets are saved.")).to_be_visible()
    expect(page.get_by_text("New versions take effect on:")).to_be_visible()
    assert_accessible(page)

    # The board: the arrangement meets today's rules, and breaks the new version from its date
    page.get_by_role("link", name="Plan board").click()
    ahead = page.locator("section.rules-ahead")
    expect(ahead).to_contain_text("or-ccc v1 takes effect")
    expect(ahead).to_contain_text("break the rules from that day")
    expect(ahead).to_contain_text("more children present than or-ccc allows in a group")
    assert_accessible(page)
