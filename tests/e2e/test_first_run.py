"""From an empty database to a program in daily use, in a real browser (issue #16).

create_organization → the administrator sets a password from the printed link → creates a
program and two rooms → invites a director and a caregiver (the emails are read from the
test outbox, the links followed) → the director adds a family and a child and invites the
family → the guardian sets a password and sees only that child → the director ends the
caregiver's employment → the caregiver's next request is refused and their feed answers 404.

The screenshots of docs/operators.md are taken on the way (docs/operators/*.png)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from tests.e2e.test_demo_roles import assert_accessible

from attune.accounts import feeds
from attune.accounts.models import FeedToken, User
from attune.programs.models import Caregiver, Child, Jurisdiction, Program
from attune.training.models import Person

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "operators"
LINK = re.compile(r"https?://\S+/accounts/invitation/[^\s/]+/")
PASSWORD = "a long and unusual passphrase 7"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _link_for(email: str) -> str:
    bodies = [m.body for m in mail.outbox if email in m.to]
    assert bodies, f"no email to {email}"
    found = LINK.search(bodies[-1])
    assert found, bodies[-1]
    return found.group(0)


def _set_password(page: Page, base: str, link: str, first: str, last: str) -> None:
    page.goto(base + "/" + link.split("/", 3)[3])
    expect(page.get_by_role("heading", name="Welcome to Attune")).to_be_visible()
    page.locator("#id_first_name").fill(first)
    page.locator("#id_last_name").fill(last)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)


def _invite(page: Page, email: str, first: str, last: str, role: str, languages: str = "") -> None:
    page.locator("#id_email").fill(email)
    page.locator("#id_first_name").fill(first)
    page.locator("#id_last_name").fill(last)
    page.locator("#id_role").select_option(role)
    if languages:
        page.locator("#id_languages").fill(languages)
    page.locator("#id_program").select_option(label="Cedar House")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(email)


def test_from_an_empty_database_to_a_program_in_daily_use(
    browser: Browser, live_server: object, transactional_db: None
) -> None:
    base = str(live_server)
    assert not Program.objects.exists() and not User.objects.exists()
    out = io.StringIO()
    call_command("create_organization", "--name", "Little Oaks Early Learning",
                 "--admin-email", "ana@example.org", "--base-url", base, stdout=out)  # fmt: skip
    (admin_link,) = LINK.findall(out.getvalue())

    def new_page() -> Page:
        return browser.new_context(viewport={"width": 1280, "height": 800}).new_page()

    # the administrator sets a password from the printed link
    admin = new_page()
    _set_password(admin, base, admin_link, "Ana", "Admin")
    assert_accessible(admin)
    _shot(admin, "1-set-password")
    admin.get_by_role("button", name="Set my password and sign in").click()
    expect(admin.get_by_role("heading", name="Little Oaks Early Learning")).to_be_visible()

    # a program and two rooms
    admin.get_by_role("link", name="Add a program").click()
    admin.locator("#id_name").fill("Cedar House")
    admin.locator("#id_place").select_option("NM")
    admin.locator("#id_timezone").fill("America/Denver")
    assert_accessible(admin)
    _shot(admin, "2-new-program")
    admin.get_by_role("button", name="Create the program").click()
    expect(admin.get_by_role("heading", name="Settings of Cedar House")).to_be_visible()
    for name, capacity in (("Infants", "8"), ("Toddlers", "12")):
        admin.get_by_role("link", name="Add a room").click()
        admin.locator("#id_name").fill(name)
        admin.locator("#id_capacity").fill(capacity)
        admin.get_by_role("button", name="Add the room").click()
        expect(admin.get_by_role("link", name=name)).to_be_visible()
    _shot(admin, "3-program-and-rooms")
    program = Program.objects.get(name="Cedar House")
    assert program.jurisdiction == Jurisdiction.objects.get(code="NM")
    assert program.rooms.count() == 2

    # a director and a caregiver are invited
    admin.get_by_role("link", name="People and invitations").click()
    _invite(admin, "dora@example.org", "Dora", "Director", "director")
    _invite(admin, "cara@example.org", "Cara", "Giver", "caregiver", languages="en, es")
    assert_accessible(admin)
    _shot(admin, "4-people-and-invitations")

    director = new_page()
    _set_password(director, base, _link_for("dora@example.org"), "Dora", "Director")
    director.get_by_role("button", name="Set my password and sign in").click()
    director.wait_for_url(re.compile(rf"/programs/{program.pk}/$"))
    carer = new_page()
    _set_password(carer, base, _link_for("cara@example.org"), "Cara", "Giver")
    carer.get_by_role("button", name="Set my password and sign in").click()
    carer.wait_for_url(re.compile(rf"/programs/{program.pk}/$"))
    caregiver = Caregiver.objects.get(email="cara@example.org")
    assert caregiver.user is not None

    # the director adds a family and a child (Cara as primary caregiver)
    director.goto(f"{base}/programs/{program.pk}/families/new/")
    director.locator("#id_family-code").fill("F1")
    director.locator("#id_family-name").fill("Lopez")
    director.locator("#id_family-preferred_language").fill("es")
    director.locator("#id_guardian-first_name").fill("Rosa")
    director.locator("#id_guardian-last_name").fill("Lopez")
    director.locator("#id_guardian-relationship").select_option("parent")
    director.locator("#id_guardian-phone").fill("555-0100")
    director.get_by_role("button", name=re.compile("Add|Save")).last.click()
    director.goto(f"{base}/programs/{program.pk}/children/new/")
    today = timezone.localdate()
    director.locator("#id_first_name").fill("Mateo")
    director.locator("#id_last_name").fill("Lopez")
    director.locator("#id_birth_date").fill((today - timedelta(days=300)).isoformat())
    director.locator("#id_family").select_option(label="Lopez")
    director.locator("#id_enrollment_start").fill(today.isoformat())
    director.locator("#id_room").select_option(label="Infants")
    director.locator("#id_primary_caregiver").select_option(label="Cara Giver")
    director.locator("#id_schedule").fill("mon-fri 08:00-16:00")
    director.locator("#id_home_languages").fill("es")
    director.get_by_role("button", name=re.compile("Add|Save")).last.click()
    child = Child.objects.get(first_name="Mateo")
    director.goto(f"{base}/children/{child.pk}/")
    director.get_by_role("link", name="Invite the family").click()
    director.locator("#id_guardian").select_option(label="Rosa Lopez")
    director.locator("#id_email").fill("rosa@example.org")
    assert_accessible(director)
    _shot(director, "5-invite-the-family")
    director.get_by_role("button", name="Send the invitation").click()
    director.wait_for_url(re.compile(rf"/children/{child.pk}/$"))

    # the guardian sets a password and sees only that child
    family = new_page()
    _set_password(family, base, _link_for("rosa@example.org"), "Rosa", "Lopez")
    family.get_by_role("button", name="Set my password and sign in").click()
    family.wait_for_url(lambda url: "/invitation/" not in url)
    expect(family.get_by_text("Mateo").first).to_be_visible()
    assert family.goto(f"{base}/children/{child.pk}/").status == 200  # type: ignore[union-attr]
    assert family.goto(f"{base}/programs/{program.pk}/children/").status in (403, 404)  # type: ignore[union-attr]

    # the caregiver has a calendar feed; the director ends the caregiver's employment
    assert caregiver.user is not None
    # (a caregiver in the state's training workforce follows her trainings in a calendar app)
    person = Person.objects.create(
        jurisdiction=program.jurisdiction, first_name="Cara", last_name="Giver",
        registry_id="NM-1", email="cara@example.org", user=caregiver.user,
    )  # fmt: skip
    raw = feeds.issue(user=caregiver.user, kind=FeedToken.Kind.PERSON, subject_id=person.pk)
    feed = f"{base}/training/calendar/{raw}.ics"
    assert carer.request.get(feed).status == 200
    director.goto(f"{base}/caregivers/{caregiver.pk}/")
    director.get_by_role("link", name="End employment").click()
    expect(director.get_by_text("Mateo Lopez")).to_be_visible()
    assert_accessible(director)
    _shot(director, "6-end-employment")
    director.get_by_role("button", name="End employment and access now").click()
    expect(director.get_by_role("heading", name="Employment ended")).to_be_visible()

    # the caregiver's next request is refused; the feed answers 404
    response = carer.goto(f"{base}/programs/{program.pk}/")
    assert response is not None and "/accounts/login/" in carer.url
    assert carer.request.get(feed).status == 404
    assert feeds.resolve(raw, FeedToken.Kind.PERSON) is None
