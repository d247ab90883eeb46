"""Daily-care pages through the real views: the record page's taps, the family's day, the
summary email in the family's language, care-plan proposals, corrections, bad input."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse
from django.utils import translation

from attune.care import services
from attune.care.models import CareEntry, CarePlan
from tests.care.helpers import ago, infant
from tests.conftest import World


def test_record_page_primary_children_first_with_what_matters(world: World) -> None:
    services.save_care_plan(
        actor=None, child=world.child,
        data={"bottle_ml": 150, "accommodations": "Seat with side support",
              "home_words": [{"word": "agua", "meaning": "water", "pronunciation": "AH-gwah",
                              "language": "es"}]},
    )  # fmt: skip
    services.add_family_note(actor=None, child=world.child, text="Durmió mal")
    response = world.client("caregiver").get(reverse("care_record", args=[world.program.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Ana Lopez") < body.index("Minh Nguyen")  # mine, then the group
    assert "My primary children" in body
    for text in ("agua", "AH-gwah", "peanuts", "Seat with side support", "Durmió mal",
                 "Bottle 150 ml"):  # fmt: skip
        assert text in body, text
    assert "Lan Nguyen" not in body  # another room


def test_one_tap_logs_the_usual_bottle(world: World) -> None:
    services.save_care_plan(actor=None, child=world.child, data={"bottle_ml": 150})
    client = world.client("caregiver")
    url = reverse("care_log", args=[world.child.pk])
    response = client.post(url, {"kind": "bottle", "amount_ml": "150"})
    assert response.status_code == 302
    entry = CareEntry.objects.get()
    assert (entry.kind, entry.amount_ml, entry.author) == ("bottle", 150, world.users["caregiver"])
    # With HTMX only the child's card comes back, with the new entry in it
    response = client.post(url, {"kind": "diaper", "wet": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<article") and f'id="child-{world.child.pk}"' in body
    assert "Today: 2 entries" in body


def test_a_refused_tap_says_why_and_saves_nothing(world: World) -> None:
    client = world.client("caregiver")
    url = reverse("care_log", args=[world.child.pk])
    response = client.post(url, {"kind": "bottle", "amount_ml": "2000"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#errors-{world.child.pk}"
    assert "less than or equal to 480" in response.content.decode()
    response = client.post(url, {"kind": "note", "note": "x" * 501})
    assert response.status_code == 400
    assert "at most 500" in response.content.decode()
    future = (
        world.program.local_now().replace(second=0) + __import__("datetime").timedelta(hours=1)
    ).strftime("%H:%M")
    response = client.post(url, {"kind": "mood", "mood": "happy", "at_time": future})
    assert response.status_code == 400 and "future" in response.content.decode()
    assert CareEntry.objects.count() == 0


def test_nap_check_overdue_shows_on_the_group_alerts(world: World) -> None:
    baby = infant(world)
    services.log_entry(actor=None, child=baby, kind="nap", data={"at": ago(25)})
    # The colleague's persona is not a user; the director and the caregiver both see it
    for persona in ("caregiver", "director"):
        response = world.client(persona).get(
            reverse("care_record", args=[world.program.pk]) + "?part=alerts",
            HTTP_HX_REQUEST="true",
        )
        body = response.content.decode()
        assert body.lstrip().startswith('<section id="alerts"')
        assert "nap check overdue since" in body and "Lucía" in body
    nap = CareEntry.objects.get()
    client = world.client("caregiver")
    assert client.post(reverse("care_check_nap", args=[nap.pk])).status_code == 302
    body = client.get(reverse("care_record", args=[world.program.pk])).content.decode()
    assert "nap check overdue" not in body and "next check by" in body
    assert client.post(reverse("care_end_nap", args=[nap.pk])).status_code == 302
    nap.refresh_from_db()
    assert nap.until is not None and nap.ended_by == world.users["caregiver"]


def test_family_sees_the_day_in_spanish_and_gets_the_summary(world: World) -> None:
    user = world.users["family"]
    user.preferred_language = "es"
    user.save()
    services.log_entry(
        actor=world.users["caregiver"], child=world.child, kind="bottle",
        data={"at": ago(30), "amount_ml": 120},
    )  # fmt: skip
    services.log_entry(
        actor=world.users["caregiver"], child=world.child, kind="note",
        data={"at": ago(20), "note": "Played with the blue ball"},
    )  # fmt: skip
    client = world.client("family")
    body = client.get(reverse("child_day", args=[world.child.pk])).content.decode()
    assert "Biberón" in body and "120 ml" in body
    assert "Played with the blue ball" in body  # notes shown as written
    partial = client.get(reverse("child_day", args=[world.child.pk]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<section id="timeline"')
    response = client.post(reverse("day_email", args=[world.child.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.org"]
    assert "día" in message.subject and "Biberones" in message.body
    translation.activate("en")


def test_family_morning_note_reaches_the_record_page(world: World) -> None:
    client = world.client("family")
    url = reverse("family_note", args=[world.child.pk])
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "x" * 501}).status_code == 400
    assert client.post(url, {"text": "Slept badly, last bottle 6:30"}).status_code == 302
    body = (
        world.client("caregiver")
        .get(reverse("care_record", args=[world.program.pk]))
        .content.decode()
    )
    assert "Slept badly, last bottle 6:30" in body


def test_family_proposes_and_the_caregiver_accepts(world: World) -> None:
    services.save_care_plan(actor=None, child=world.child, data={"comforting": "singing"})
    family = world.client("family")
    form = {"feeding_pattern": "cue", "sleep_position": "back", "comforting": "arrullar",
            "words_language": "es", "home_words_text": "agua | water | AH-gwah"}  # fmt: skip
    response = family.post(reverse("care_plan_edit", args=[world.child.pk]), form)
    assert response.status_code == 302
    proposal = CarePlan.objects.get(status="proposed")
    assert services.current_plan(world.child).comforting == "singing"
    page = world.client("caregiver").get(reverse("care_plan", args=[world.child.pk]))
    assert "Accept" in page.content.decode()
    response = world.client("caregiver").post(
        reverse("care_plan_decide", args=[proposal.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    current = services.current_plan(world.child)
    assert current.comforting == "arrullar"
    assert current.home_words == [
        {"word": "agua", "meaning": "water", "pronunciation": "AH-gwah", "language": "es"}
    ]
    # The family cannot decide, nor edit another family's child's plan
    again = services.propose_care_plan(actor=None, child=world.child, data={"interests": "x"})
    assert (
        family.post(
            reverse("care_plan_decide", args=[again.pk]), {"decision": "accept"}
        ).status_code
        == 403
    )
    assert (
        family.post(reverse("care_plan_edit", args=[world.group_child.pk]), form).status_code == 404
    )


def test_safe_sleep_refusal_explains_and_saves_nothing(world: World) -> None:
    baby = infant(world)
    response = world.client("caregiver").post(
        reverse("care_plan_edit", args=[baby.pk]),
        {"feeding_pattern": "cue", "sleep_position": "stomach"},
    )
    assert response.status_code == 400
    assert "CFOC 3.1.4.1" in response.content.decode()
    assert not CarePlan.objects.exists()


def test_bad_home_words_line_is_named(world: World) -> None:
    response = world.client("caregiver").post(
        reverse("care_plan_edit", args=[world.child.pk]),
        {
            "feeding_pattern": "cue",
            "sleep_position": "back",
            "home_words_text": "agua\nleche | milk",
        },
    )
    assert response.status_code == 400
    assert "Line 1" in response.content.decode()
    assert not CarePlan.objects.exists()


def test_correction_through_the_page_keeps_the_original(world: World) -> None:
    entry = services.log_entry(
        actor=world.users["caregiver"], child=world.child, kind="bottle",
        data={"at": ago(30), "amount_ml": 120},
    )  # fmt: skip
    client = world.client("director")
    url = reverse("care_correct", args=[entry.pk])
    at = entry.at.astimezone(world.program.tz).strftime("%H:%M")
    response = client.post(url, {"kind": "bottle", "amount_ml": "90", "at_time": at})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.amount_ml == 120
    assert entry.corrections.get().amount_ml == 90
    assert "120 ml" in client.get(url).content.decode()  # the history shows both


def test_ifsp_summary_and_visits(world: World) -> None:
    director = world.client("director")
    response = director.post(
        reverse("ifsp_edit", args=[world.child.pk]),
        {"outcomes": "Ana will use words to ask for help", "services": "Speech therapy, 1 h weekly",
         "provider": "Valley EI", "visit_schedule": "Tuesdays 10:00"},
    )  # fmt: skip
    assert response.status_code == 302
    caregiver = world.client("caregiver")
    assert (
        caregiver.post(
            reverse("care_log", args=[world.child.pk]),
            {"kind": "ei_visit", "provider": "Valley EI", "note": "Practised signs for more"},
        ).status_code
        == 302
    )
    body = world.client("family").get(reverse("ifsp", args=[world.child.pk])).content.decode()
    assert "Speech therapy" in body and "Valley EI" in body and "Dana Cole" in body
    assert "Practised signs for more" in body
    assert world.client("specialist").get(reverse("ifsp", args=[world.child.pk])).status_code == 403
