"""Verified endorsements (issue 20, finding 4): an endorsement a person declares gives no
rights until the state association's endorsement coordinator (a membership scoped to the
state) verifies it against evidence (number, dates, an uploaded document); only a verified
endorsement in effect lets someone facilitate RS/C or lead a reflective group; the
coordinator sees applications in progress through the eight steps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attune.programs import services as program_services
from attune.workforce import services
from attune.workforce.models import Application, Profile, RscSession
from tests.conftest import World, make_user


def declared(w: World, username: str = "clinician", level: str = "III") -> Profile:
    """Someone who declares an endorsement on their own profile page, with its evidence."""
    user = make_user(username, first_name="Dana", last_name="Reyes")
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.post(reverse("workforce_profile"), {
        "jurisdiction": w.jurisdiction.pk, "role": "mental_health", "endorsed_level": level,
        "endorsed_on": "2021-04-01", "renewal_due": (timezone.localdate() + timedelta(days=100)).isoformat(),
        "endorsement_number": "ORIMHA-3321",
        "endorsement_evidence": SimpleUploadedFile("endorsement.pdf", b"%PDF-1.4 letter",
                                                   content_type="application/pdf"),
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return Profile.objects.get(user=user)


def supervisee(w: World) -> Profile:
    return services.save_profile(
        actor=None, user=w.users["caregiver"],
        data={"jurisdiction": w.jurisdiction, "role": "caregiver"},
    )  # fmt: skip


def rsc(profile: Profile, facilitator: Profile, day: date) -> RscSession:
    return services.log_rsc(actor=None, profile=profile, data={
        "day": day, "minutes": 60, "format": "individual", "facilitator": facilitator})  # fmt: skip


def test_a_declared_endorsement_gives_no_rights(world: World) -> None:
    dana = declared(world)
    assert dana.endorsement_status == "declared"
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="no verified endorsement"):
        rsc(supervisee(world), dana, today)
    members = [supervisee(world)] + [
        services.save_profile(actor=None, user=make_user(f"m{i}"),
                              data={"jurisdiction": world.jurisdiction, "role": "other"})
        for i in range(2)
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="no verified endorsement"):
        services.create_group(actor=None, name="G", facilitator=dana, members=members, starts=today)
    assert not RscSession.objects.exists()


def test_the_coordinator_verifies_against_the_evidence(world: World) -> None:
    dana = declared(world)
    coordinator = world.client("coordinator")
    listing = coordinator.get(reverse("workforce_coordinator")).content.decode()
    assert "Dana Reyes" in listing and "ORIMHA-3321" in listing
    url = reverse("workforce_coordinator_person", args=[dana.pk])
    page = coordinator.get(url).content.decode()
    assert "awaiting verification" in page
    evidence = coordinator.get(reverse("workforce_coordinator_evidence", args=[dana.pk]))
    assert (
        evidence.status_code == 200 and b"".join(evidence.streaming_content) == b"%PDF-1.4 letter"
    )
    today = timezone.localdate()
    form = {"action": "verify", "level": "III", "number": "ORIMHA-3321", "awarded": "2021-04-01",
            "renewal_due": (today + timedelta(days=100)).isoformat(), "note": "Checked the roll",
            "version": dana.version}  # fmt: skip
    assert coordinator.post(url, form).status_code == 302
    dana.refresh_from_db()
    assert dana.endorsement_status == "verified" and dana.verified_by == world.users["coordinator"]
    assert dana.may_facilitate_rsc(today)
    rsc(supervisee(world), dana, today)  # now it counts
    # the person sees who verified it
    from django.test import Client

    own = Client()
    own.force_login(dana.user)
    assert "Endorsement verified: Level III" in own.get(reverse("workforce_me")).content.decode()


def test_a_refusal_keeps_the_rights_away_and_tells_why(world: World) -> None:
    dana = declared(world)
    url = reverse("workforce_coordinator_person", args=[dana.pk])
    coordinator = world.client("coordinator")
    empty = coordinator.post(url, {"action": "refuse", "note": "", "version": dana.version})
    assert empty.status_code == 400
    response = coordinator.post(
        url, {"action": "refuse", "note": "No such number on the roll", "version": dana.version}
    )
    assert response.status_code == 302
    dana.refresh_from_db()
    assert dana.endorsement_status == "refused"
    assert not dana.may_facilitate_rsc(timezone.localdate())


def test_a_stale_verification_is_refused(world: World) -> None:
    dana = declared(world)
    seen = dana.version
    # the person changes their declaration after the coordinator opened the page
    services.save_profile(actor=None, user=dana.user, data={"endorsement_number": "ORIMHA-3322"},
                          version=dana.version)  # fmt: skip
    url = reverse("workforce_coordinator_person", args=[dana.pk])
    today = timezone.localdate()
    response = world.client("coordinator").post(url, {
        "action": "verify", "level": "III", "number": "ORIMHA-3321", "awarded": "2021-04-01",
        "renewal_due": (today + timedelta(days=100)).isoformat(), "version": seen})  # fmt: skip
    assert response.status_code == 400
    assert "Someone else saved this record after you opened it" in response.content.decode()
    dana.refresh_from_db()
    assert dana.endorsement_status == "declared" and dana.endorsement_number == "ORIMHA-3322"


def test_changing_a_verified_endorsement_makes_it_a_declaration_again(world: World) -> None:
    dana = declared(world)
    today = timezone.localdate()
    services.verify_endorsement(actor=world.users["coordinator"], profile=dana, level="III",
                                number="ORIMHA-3321", awarded=date(2021, 4, 1),
                                renewal_due=today + timedelta(days=100), version=None, today=today)  # fmt: skip
    services.save_profile(actor=None, user=dana.user, data={"endorsed_level": "IV-clinical"},
                          version=dana.version)  # fmt: skip
    dana.refresh_from_db()
    assert dana.endorsement_status == "declared" and not dana.may_facilitate_rsc(today)
    # saving the profile with the endorsement unchanged keeps the verification
    services.verify_endorsement(actor=None, profile=dana, level="IV-clinical", number="X-1",
                                awarded=date(2021, 4, 1), renewal_due=today + timedelta(days=100),
                                version=None, today=today)  # fmt: skip
    services.save_profile(actor=None, user=dana.user, data={"licences": "LCSW 1234"},
                          version=dana.version)  # fmt: skip
    dana.refresh_from_db()
    assert dana.endorsement_status == "verified"


def test_an_expired_endorsement_gives_no_rights_after_its_renewal_date(world: World) -> None:
    dana = declared(world)
    today = timezone.localdate()
    services.verify_endorsement(actor=None, profile=dana, level="III", number="ORIMHA-3321",
                                awarded=date(2021, 4, 1), renewal_due=today - timedelta(days=1),
                                version=None, today=today)  # fmt: skip
    assert not dana.may_facilitate_rsc(today)
    with pytest.raises(ValidationError, match="no verified endorsement"):
        rsc(supervisee(world), dana, today)
    rsc(supervisee(world), dana, today - timedelta(days=10))  # before it lapsed: it counts
    page = world.client("coordinator").get(reverse("workforce_coordinator")).content.decode()
    assert "Expired" in page and "Dana Reyes" in page


def test_verification_checks_the_dates(world: World) -> None:
    dana = declared(world)
    today = timezone.localdate()
    bad = {"actor": None, "profile": dana, "level": "III", "number": "ORIMHA-3321",
           "version": None, "today": today}  # fmt: skip
    with pytest.raises(ValidationError, match="in the future"):
        services.verify_endorsement(
            **bad, awarded=today + timedelta(days=1), renewal_due=today + timedelta(days=300)
        )  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="more than a year ahead"):
        services.verify_endorsement(
            **bad, awarded=date(2021, 4, 1), renewal_due=today + relativedelta(years=2)
        )  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="number"):
        services.verify_endorsement(
            **{**bad, "number": " "},
            awarded=date(2021, 4, 1),
            renewal_due=today + timedelta(days=30),
        )  # type: ignore[arg-type]


def test_the_coordinator_follows_applications_through_the_eight_steps(world: World) -> None:
    profile = supervisee(world)
    application = services.start_application(actor=None, profile=profile, level="II")
    today = timezone.localdate()
    for step in ("membership", "competencies", "level"):
        services.mark_step(actor=None, application=application, step=step, day=today)
    page = world.client("coordinator").get(reverse("workforce_coordinator")).content.decode()
    assert str(profile) in page
    assert "3 of 7 steps" in page  # Level II has no exam step
    person = world.client("coordinator").get(
        reverse("workforce_coordinator_person", args=[profile.pk])
    )
    assert person.status_code == 200 and "Become a member" in person.content.decode()
    # the person recording the award themself declares the endorsement; it is not verified
    for step in ("apply", "portfolio", "review", "award"):
        services.mark_step(actor=None, application=application, step=step, day=today)
    profile.refresh_from_db()
    assert profile.endorsed_level == "II" and profile.endorsement_status == "declared"
    assert profile.renewal_due == today + relativedelta(years=1)
    assert Application.objects.get().steps["award"] == today.isoformat()


def test_the_coordinator_sees_only_what_came_to_the_association(world: World) -> None:
    private = supervisee(world)  # no endorsement declared, no application
    coordinator = world.client("coordinator")
    assert (
        coordinator.get(reverse("workforce_coordinator_person", args=[private.pk])).status_code
        == 404
    )
    # another state's coordinator sees nothing of Oregon's people
    from attune.programs.models import Jurisdiction

    dana = declared(world)
    washington = Jurisdiction.objects.get(code="WA")
    other = make_user("wa_coordinator")
    program_services.grant_membership(actor=None, user=other, role="coordinator",
                                      jurisdiction_id=washington.pk)  # fmt: skip
    from django.test import Client

    client = Client()
    client.force_login(other)
    assert "Dana Reyes" not in client.get(reverse("workforce_coordinator")).content.decode()
    assert client.get(reverse("workforce_coordinator_person", args=[dana.pk])).status_code == 404
    # nor does anyone without the role
    for persona in ("state_admin", "director", "specialist"):
        assert world.client(persona).get(reverse("workforce_coordinator")).status_code == 403
