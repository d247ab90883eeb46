"""The demo's workforce records (called by load_demo): an endorsed reflective
supervisor/consultant in Oregon, who facilitates RS/C, and the Maple Street director's profile."""

from __future__ import annotations

from datetime import date, timedelta

from attune.accounts.models import User
from attune.programs.models import Program
from attune.workforce import services


def load_workforce_demo(*, program: Program, today: date) -> None:
    mentor = User.objects.create_user(
        "amara.osei", "amara.osei@example.org", None, first_name="Amara", last_name="Osei"
    )  # no password: a record for the demo, not a sign-in
    profile = services.save_profile(
        actor=None, user=mentor,
        data={"jurisdiction": program.jurisdiction, "role": "mental_health",
              "endorsed_level": "IV-clinical", "endorsed_on": date(today.year - 6, 3, 1),
              "renewal_due": date(today.year + 1, 3, 1), "share_with_state": True},
    )  # fmt: skip
    services.add_education(actor=None, profile=profile, data={
        "kind": "master", "field": "Social work", "completed": date(today.year - 15, 5, 20)})  # fmt: skip
    director = User.objects.get(username="director")
    mine = services.save_profile(
        actor=None, user=director,
        data={"jurisdiction": program.jurisdiction, "program": program, "role": "caregiver",
              "endorsed_level": "II", "endorsed_on": date(today.year - 2, 9, 1)},
    )  # fmt: skip
    services.add_education(actor=None, profile=mine, data={
        "kind": "bachelor", "field": "Human development", "completed": date(today.year - 12, 6, 1)})  # fmt: skip
    for months in (1, 2, 3):
        services.log_rsc(actor=None, profile=mine, data={
            "day": today - timedelta(days=30 * months), "minutes": 60, "format": "individual",
            "facilitator": profile})  # fmt: skip
