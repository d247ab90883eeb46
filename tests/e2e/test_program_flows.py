"""Director and family flows in a real browser against the live test server."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.conftest import PASSWORD, World, build_world

from attune.programs.models import Child


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_import_children_with_a_bad_row_then_fixed(
    page: Page, live_server: object, live_world: World, tmp_path: Path
) -> None:
    base = str(live_server)
    sign_in(page, base, "director")
    header = (
        "first_name,last_name,birth_date,family_code,enrollment_start,room,schedule,home_languages"
    )
    good = "Lena,Park,2025-08-01,F-1,2025-12-01,Robins,mon-fri 08:00-16:00,en"
    bad = "Omar,Said,2025-02-30,F-1,2025-12-01,Bluebirds,mon 16:00-08:00,xx"
    path = tmp_path / "children.csv"
    path.write_text(f"{header}\n{good}\n{bad}\n", encoding="utf-8")
    count = Child.objects.count()

    page.goto(f"{base}/programs/{live_world.program.pk}/import/")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    alert = page.get_by_role("alert").first
    expect(alert).to_be_visible()
    errors = page.locator("table").filter(has_text="Bluebirds")
    expect(errors).to_contain_text("birth_date")
    expect(errors).to_contain_text("room")
    expect(errors).to_contain_text("schedule")
    expect(errors).to_contain_text("home_languages")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    assert Child.objects.count() == count

    path.write_text(f"{header}\n{good}\n", encoding="utf-8")
    page.goto(f"{base}/programs/{live_world.program.pk}/import/")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import").first.click()
    expect(page.get_by_role("status").first).to_contain_text("1")
    assert Child.objects.count() == count + 1
    assert Child.objects.filter(first_name="Lena", room__name="Robins").exists()


def test_family_guessing_another_childs_url_gets_not_found(
    phone_page: Page, live_server: object, live_world: World
) -> None:
    base = str(live_server)
    sign_in(phone_page, base, "family")
    response = phone_page.goto(f"{base}/children/{live_world.other_room_child.pk}/")
    assert response is not None
    assert response.status == 404
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("could not find")
    assert "Lan" not in phone_page.locator("main").inner_text()


def test_director_edits_a_child_and_bad_input_changes_nothing(
    page: Page, live_server: object, live_world: World
) -> None:
    base = str(live_server)
    sign_in(page, base, "director")
    page.goto(f"{base}/children/{live_world.child.pk}/edit/")
    page.get_by_label("Weekly attendance").fill("mon 16:00-08:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator(".field.has-error")).to_contain_text("is not after the start")
    live_world.child.refresh_from_db()
    assert live_world.child.schedule["mon"] == [["08:00", "16:30"]]

    page.get_by_label("Weekly attendance").fill("mon-thu 08:00-16:30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    live_world.child.refresh_from_db()
    assert "fri" not in live_world.child.schedule
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
