"""Yearly renewal (issue 20, finding 5): the renewal year's training hours and reflective
supervision/consultation hours, tracked against the association's figures (defaults with
their source, or the state's own), with reminders before they fall due; the coordinator
records the renewal once they are met."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attune.workforce import services
from attune.workforce.models import Profile
from tests.conftest import World
from tests.workforce.test_views import facilitator


def endorsed(w: World, *, due_in: int) -> Profile:
    """The caregiver persona, endorsed at Level II (verified), renewal due in `due_in` days;
    10 training hours and 5 RS/C hours in the renewal year so far."""
    today = timezone.localdate()
    profile = services.save_profile(
        actor=None, user=w.users["caregiver"],
        data={"jurisdiction": w.jurisdiction, "role": "caregiver", "endorsed_level": "II"},
    )  # fmt: skip
    services.verify_endorsement(
        actor=w.users["coordinator"], profile=profile, level="II", number="OR-2-9",
        awarded=date(2022, 1, 10), renewal_due=today + timedelta(days=due_in), version=None,
        today=today,
    )  # fmt: skip
    services.add_training(actor=None, profile=profile, data={
        "title": "Regional IMH conference", "day": today - timedelta(days=30), "hours": 10})  # fmt: skip
    services.add_training(actor=None, profile=profile, data={
        "title": "Last year's course", "day": today - timedelta(days=400), "hours": 20})  # fmt: skip
    fran = facilitator(w)
    for weeks in (2, 6, 10, 14, 18):
        services.log_rsc(actor=None, profile=profile, data={
            "day": today - timedelta(weeks=weeks), "minutes": 60, "format": "group",
            "facilitator": fran})  # fmt: skip
    profile.refresh_from_db()
    return profile


def test_the_renewal_year_counts_training_and_rsc_hours(world: World) -> None:
    profile = endorsed(world, due_in=40)
    status = services.renewal_status(profile, timezone.localdate())
    assert status is not None and not status.met
    assert [(x.text, x.evidence) for x in status.lines] == [
        ("15 training hours this renewal year", "10 so far"),
        ("12 RS/C hours this renewal year", "5 so far"),
    ]
    page = world.client("caregiver").get(reverse("workforce_me")).content.decode()
    assert "not yet met" in page and "10 of 15 training hours; 5 of 12 RS/C hours" in page


def test_the_states_renewal_figures_replace_the_defaults(world: World) -> None:
    profile = endorsed(world, due_in=40)
    for kind, amount in (("renewal_hours", 10), ("renewal_rsc", 5)):
        services.add_state_requirement(actor=None, jurisdiction=world.jurisdiction, data={
            "level": "II", "kind": kind, "amount": amount,
            "effective_from": timezone.localdate() - timedelta(days=100),
            "source": "Oregon IMH association, renewal policy"})  # fmt: skip
    status = services.renewal_status(profile, timezone.localdate())
    assert status is not None and status.met


def test_reminders_before_it_falls_due_say_what_is_missing(world: World) -> None:
    profile = endorsed(world, due_in=40)
    assert profile.renewal_due is not None
    assert services.send_renewal_reminders(today=profile.renewal_due - timedelta(days=90)) == 0
    assert services.send_renewal_reminders(today=timezone.localdate()) == 1
    body = mail.outbox[-1].body
    assert "10 of 15 training hours; 5 of 12 RS/C hours" in body
    assert services.send_renewal_reminders(today=timezone.localdate() + timedelta(days=5)) == 0


def test_the_coordinator_records_the_renewal_once_met(world: World) -> None:
    profile = endorsed(world, due_in=40)
    today = timezone.localdate()
    due = profile.renewal_due
    assert due is not None
    with pytest.raises(ValidationError, match="not met yet: 15 training hours"):
        services.record_renewal(actor=None, profile=profile, version=profile.version, today=today)
    services.add_training(actor=None, profile=profile, data={
        "title": "Reflective practice course", "day": today, "hours": 5})  # fmt: skip
    fran = facilitator(world, level="IV-clinical")
    services.log_rsc(actor=None, profile=profile, data={
        "day": today, "minutes": 7 * 60, "format": "individual", "facilitator": fran})  # fmt: skip
    url = reverse("workforce_coordinator_person", args=[profile.pk])
    response = world.client("coordinator").post(
        url, {"action": "renew", "version": profile.version}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.renewal_due == due + relativedelta(years=1)
    # too early for the next one
    with pytest.raises(ValidationError, match="from 60 days before"):
        services.record_renewal(actor=None, profile=profile, version=None, today=today)
