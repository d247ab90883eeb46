"""Workforce pages through the real views: the caregiver's profile and readiness, RS/C with
an endorsed facilitator, bad input refused, the director's and the state's dashboards, the
portfolio."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attune.workforce import services
from attune.workforce.models import Education, Experience, Profile, RscSession
from tests.conftest import World, make_user


def facilitator(w: World, level: str = "III") -> Profile:
    """A person of the state endorsed at `level`, verified by the association ("": none)."""
    user = make_user(f"facilitator{level}", first_name="Fran", last_name=f"Lee{level}")
    profile = services.save_profile(
        actor=None, user=user,
        data={"jurisdiction": w.jurisdiction, "role": "mental_health", "endorsed_level": level,
              "endorsed_on": date(2020, 5, 1)},
    )  # fmt: skip
    if level:
        verify(profile)
    return profile


def verify(profile: Profile) -> Profile:
    today = timezone.localdate()
    return services.verify_endorsement(
        actor=None, profile=profile, level=profile.endorsed_level,
        number=f"OR-IMH-{profile.pk}", awarded=profile.endorsed_on or date(2020, 5, 1),
        renewal_due=today + relativedelta(months=6), version=None, today=today,
    )  # fmt: skip


def caregiver_profile(w: World) -> Profile:
    client = w.client("caregiver")
    client.post(reverse("workforce_profile"),
                {"jurisdiction": w.jurisdiction.pk, "program": w.program.pk, "role": "caregiver"})  # fmt: skip
    return Profile.objects.get(user=w.users["caregiver"])


def test_the_caregiver_sees_level_one_ready_and_what_level_two_needs(world: World) -> None:
    today = date.today()
    profile = caregiver_profile(world)
    client = world.client("caregiver")
    assert client.post(reverse("workforce_education"), {
        "kind": "cda", "field": "Infant/toddler", "completed": (today - timedelta(days=900)).isoformat(),
    }).status_code == 302  # fmt: skip
    assert client.post(reverse("workforce_experience"), {
        "role": "Infant room lead", "sector": "child care", "focus": "infant_ec", "paid": "on",
        "start": (today - timedelta(days=800)).isoformat(),
    }).status_code == 302  # fmt: skip
    assert client.post(reverse("workforce_training"), {
        "title": "Responsive caregiving", "day": (today - timedelta(days=30)).isoformat(),
        "hours": "30", "areas": ["direct_service", "reflection"],
    }).status_code == 302  # fmt: skip
    fran = facilitator(world)
    for _ in range(3):
        assert client.post(reverse("workforce_rsc"), {
            "day": (today - timedelta(days=10)).isoformat(), "minutes": "120", "format": "group",
            "facilitator": fran.pk, "rios_baby": "Thinking about Ana's first weeks",
        }).status_code == 302  # fmt: skip
    body = client.get(reverse("workforce_me")).content.decode()
    assert "Level I: ready" in body
    assert "Level II: missing — bachelor&#x27;s degree; 24 RS/C hours (6 logged)" in body
    assert "Thinking about Ana" in body  # the person's own note
    assert profile.rsc.count() == 3
    # the director's dashboard counts them; the state sees no name without consent
    dash = world.client("director").get(reverse("workforce_program", args=[world.program.pk]))
    assert dash.status_code == 200 and "6.0" in dash.content.decode()
    state = world.client("state_admin").get(reverse("workforce_state")).content.decode()
    assert "Maria" not in state and "Fran" not in state
    assert "Endorsements over time, by level" in state and "by sector" in state
    # the portfolio
    pdf = client.get(reverse("workforce_portfolio_pdf"))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Infant Mental Health Endorsement Portfolio" in text and "Level I: ready" in text
    assert "ready: I" not in text
    data = json.loads(client.get(reverse("workforce_portfolio_json")).content)
    assert data["readiness"][0] == {"level": "I", "ready": True, "exam_step": False,
                                    "met": data["readiness"][0]["met"], "missing": []}  # fmt: skip
    assert data["standing"][1] == "Level I: ready"
    assert data["hours_by_area"]["reflection"] == "30.00"


def test_bad_input_is_refused_and_nothing_saved(world: World) -> None:
    caregiver_profile(world)
    client = world.client("caregiver")
    future = (date.today() + timedelta(days=5)).isoformat()
    r = client.post(reverse("workforce_education"), {"kind": "bachelor", "completed": future})
    assert r.status_code == 400 and "future" in r.content.decode()
    r = client.post(reverse("workforce_experience"), {
        "role": "x", "focus": "imh", "start": "2024-05-01", "end": "2024-01-01"})  # fmt: skip
    assert r.status_code == 400 and "before the start" in r.content.decode()
    unendorsed = facilitator(world, level="")
    r = client.post(reverse("workforce_rsc"), {
        "day": date.today().isoformat(), "minutes": "60", "format": "individual",
        "facilitator": unendorsed.pk})  # fmt: skip
    assert (
        r.status_code == 400 and "holds no verified endorsement at Level III" in r.content.decode()
    )
    r = client.post(reverse("workforce_rsc"), {
        "day": date.today().isoformat(), "minutes": "-30", "format": "individual",
        "facilitator": facilitator(world).pk})  # fmt: skip
    assert r.status_code == 400
    assert not Education.objects.exists() and not Experience.objects.exists()
    assert not RscSession.objects.exists()


def test_reflective_group_meetings_count_for_each_member_present(world: World) -> None:
    fran = facilitator(world)
    members = [facilitator(world, level=lvl) for lvl in ("", "I", "II")]
    group = services.create_group(actor=None, name="Infant room reflective group",
                                  facilitator=fran, members=members, starts=date(2026, 1, 10))  # fmt: skip
    services.log_group_meeting(actor=None, group=group, day=date(2026, 2, 10), minutes=120,
                               present=members[:2])  # fmt: skip
    assert RscSession.objects.filter(group=group).count() == 2
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="3 to 6 members"):
        services.create_group(actor=None, name="Too small", facilitator=fran,
                              members=members[:2], starts=date(2026, 1, 10))  # fmt: skip
    with pytest.raises(ValidationError, match="no verified endorsement"):
        services.create_group(actor=None, name="No lead", facilitator=members[0],
                              members=members, starts=date(2026, 1, 10))  # fmt: skip


def test_application_steps_in_order_documents_and_award(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attune.workforce.models import Application

    caregiver_profile(world)
    client = world.client("caregiver")
    response = client.post(reverse("workforce_applications"), {"level": "I"})
    assert response.status_code == 302
    application = Application.objects.get()
    url = reverse("workforce_application", args=[application.pk])
    day = date.today().isoformat()
    client.post(url, {"step": "apply", "day": day})  # before membership: refused
    application.refresh_from_db()
    assert application.steps == {}
    for step in ("membership", "competencies", "level", "apply", "portfolio", "review"):
        assert client.post(url, {"step": step, "day": day}).status_code == 302
    client.post(url, {"step": "exam", "day": day})  # Level I has no exam
    application.refresh_from_db()
    assert "exam" not in application.steps
    upload = SimpleUploadedFile("cda.pdf", b"%PDF-1.4 cda", content_type="application/pdf")
    assert client.post(url, {"step": "portfolio", "title": "CDA certificate",
                             "file": upload}).status_code == 302  # fmt: skip
    assert client.post(url, {"step": "award", "day": day}).status_code == 302
    profile = Profile.objects.get(user=world.users["caregiver"])
    assert profile.endorsed_level == "I" and profile.renewal_due is not None
    assert "CDA certificate" in client.get(url).content.decode()
    # someone else's application is not found
    assert world.client("director").get(url).status_code == 404


def test_renewal_reminders_monthly(world: World) -> None:
    from django.core import mail

    fran = facilitator(world)
    fran.renewal_due = date(2027, 1, 15)
    fran.save()
    assert services.send_renewal_reminders(today=date(2026, 10, 1)) == 0
    assert services.send_renewal_reminders(today=date(2026, 12, 1)) == 1
    assert "renewal" in mail.outbox[0].subject
    assert services.send_renewal_reminders(today=date(2026, 12, 20)) == 0
    assert services.send_renewal_reminders(today=date(2027, 1, 2)) == 1


def test_the_states_own_requirements_join_the_levels(world: World) -> None:
    from attune.workforce.models import StateRequirement

    profile = caregiver_profile(world)
    services.add_education(actor=None, profile=profile,
                           data={"kind": "cda", "completed": date(2024, 1, 10)})  # fmt: skip
    services.add_training(actor=None, profile=profile, data={
        "title": "Infant mental health basics", "day": date(2025, 6, 1), "hours": 30})  # fmt: skip
    assert services.readiness(profile, date.today())[0].ready
    client = world.client("state_admin")
    url = reverse("workforce_state_requirements")
    data = {"level": "I", "kind": "training_hours", "amount": "40",
            "effective_from": "2026-01-01", "source": "Oregon IMH association, 2026"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "kind": "references", "amount": "2"}).status_code == 302
    level_one = services.readiness(profile, date.today())[0]
    assert not level_one.ready
    assert [m.shown for m in level_one.missing] == [
        "2 reference letters (0 received)",
        "40 training hours (30 hours)",
    ]
    # not yet in effect on an earlier day
    assert services.readiness(profile, date(2025, 12, 31))[0].ready
    # renewal hours for those endorsed at a level
    services.add_state_requirement(actor=None, jurisdiction=world.jurisdiction, data={
        "level": "I", "kind": "renewal_hours", "amount": 15, "effective_from": date(2026, 1, 1),
        "source": "Oregon IMH association"})  # fmt: skip
    profile.endorsed_level = "I"
    profile.renewal_due = date.today() + timedelta(days=30)
    profile.save()
    services.add_training(actor=None, profile=profile, data={
        "title": "Renewal course", "day": date.today() - timedelta(days=20), "hours": 6})  # fmt: skip
    status = services.renewal_status(profile, date.today())
    assert status is not None
    assert [(x.text, x.evidence, x.met) for x in status.lines] == [
        ("15 training hours this renewal year", "6 so far", False)
    ]
    assert StateRequirement.objects.count() == 3
    assert world.client("director").get(url).status_code == 403


def test_rsc_hours_in_a_window_on_the_page(world: World) -> None:
    profile = caregiver_profile(world)
    fran = facilitator(world)
    for day, minutes in ((date(2026, 1, 5), 90), (date(2026, 3, 5), 60), (date(2026, 6, 5), 30)):
        services.log_rsc(actor=None, profile=profile,
                         data={"day": day, "minutes": minutes, "format": "individual",
                               "facilitator": fran})  # fmt: skip
    page = world.client("caregiver").get(
        reverse("workforce_me"), {"rsc_from": "2026-02-01", "rsc_to": "2026-06-30"}
    )
    assert "1.5 RS/C hours in the window." in page.content.decode()


def test_reflective_group_pages(world: World) -> None:
    lead_profile = verify(services.save_profile(
        actor=None, user=world.users["director"],
        data={"jurisdiction": world.jurisdiction, "role": "mental_health",
              "endorsed_level": "III"},
    ))  # fmt: skip
    members = [facilitator(world, level=lvl) for lvl in ("", "I", "II")]
    member_user = members[0].user
    lead = world.client("director")
    response = lead.post(reverse("workforce_groups"), {
        "name": "Toddler room group", "starts": "2026-01-12",
        "members": [m.pk for m in members]})  # fmt: skip
    assert response.status_code == 302
    url = response["Location"]
    assert lead.post(url, {"day": "2026-02-09", "minutes": "120",
                           "present": [members[0].pk, members[1].pk]}).status_code == 302  # fmt: skip
    assert RscSession.objects.filter(group__facilitator=lead_profile).count() == 2
    from django.test import Client

    member = Client()
    member.force_login(member_user)
    assert "Toddler room group" in member.get(url).content.decode()
    assert member.post(url, {"day": "2026-03-09", "minutes": "120"}).status_code == 403
    assert world.client("caregiver").get(url).status_code == 404
    too_few = lead.post(reverse("workforce_groups"), {
        "name": "Two", "starts": "2026-01-12", "members": [m.pk for m in members[:2]]})  # fmt: skip
    assert too_few.status_code == 400 and "3 to 6 members" in too_few.content.decode()


def test_the_facilitator_sees_the_notes_nobody_else_does(world: World) -> None:
    from django.test import Client

    profile = caregiver_profile(world)
    profile.licences = "Oregon CDA 12345"
    profile.save()
    fran = facilitator(world)
    services.log_rsc(actor=None, profile=profile, data={
        "day": date.today(), "minutes": 60, "format": "individual", "facilitator": fran,
        "notes": {"parallel": "Felt rushed at drop-off, as the mother did"}})  # fmt: skip
    client = Client()
    client.force_login(fran.user)
    page = client.get(reverse("workforce_facilitating")).content.decode()
    assert "Felt rushed at drop-off" in page
    other = world.client("director")
    assert "Felt rushed" not in other.get(reverse("workforce_facilitating")).content.decode()
    data = json.loads(world.client("caregiver").get(reverse("workforce_portfolio_json")).content)
    assert data["person"]["licences"] == ["Oregon CDA 12345"]
