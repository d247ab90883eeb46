"""Participants evaluate each Training for Trainers session (issue 20, finding 6): a short
form (mobile-friendly), one evaluation per participant per session however often it is sent,
results per session and per trainer with small numbers suppressed (fewer than 5 responses are
not shown)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attune.training import reports, services
from attune.training.models import Evaluation, EventSession, Person
from tests.conftest import World
from tests.training.helpers import tft

ANSWERS = {"content": "5", "facilitation": "4", "readiness": "4", "activities": "5",
           "comment": "The video of a primary caregiving routine helped."}  # fmt: skip


def participants(w: World, event: object, n: int) -> list[Person]:
    people = []
    for i in range(n):
        p = Person.objects.create(jurisdiction=w.jurisdiction, first_name=f"P{i}",
                                  last_name="Participant", registry_id=f"OR-E-{i}")  # fmt: skip
        services.enroll(actor=None, event=event, person=p)  # type: ignore[arg-type]
        people.append(p)
    return people


def test_a_participant_evaluates_a_session_once(world: World) -> None:
    t = tft(world)
    session = t.event.sessions.get(session__number=2)
    url = reverse("training_evaluate", args=[session.pk])
    client = world.client("trainer")
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="viewport"' in body and body.count('type="radio"') == 4 * 5
    assert client.post(url, ANSWERS).status_code == 302
    again = client.post(url, {**ANSWERS, "content": "1"}, follow=True)
    assert "already sent your evaluation" in again.content.decode()
    evaluation = Evaluation.objects.get()
    assert (evaluation.content, evaluation.enrollment_id) == (5, t.enrollment.pk)
    event_page = client.get(reverse("training_event", args=[t.event.pk])).content.decode()
    assert "Evaluated" in event_page and url not in event_page
    other = t.event.sessions.get(session__number=3)
    assert reverse("training_evaluate", args=[other.pk]) in event_page


def test_only_a_session_attended_and_held_can_be_evaluated(world: World) -> None:
    t = tft(world)
    other = Person.objects.create(jurisdiction=world.jurisdiction, first_name="Absent",
                                  last_name="Person")  # fmt: skip
    enrollment = services.enroll(actor=None, event=t.event, person=other)
    session = t.event.sessions.get(session__number=3)
    with pytest.raises(ValidationError, match="sessions you attended"):
        services.submit_evaluation(actor=None, event_session=session, enrollment=enrollment,
                                   answers={k: 3 for k in services.EVALUATION_QUESTIONS})  # fmt: skip
    bad = world.client("trainer").post(
        reverse("training_evaluate", args=[session.pk]), {**ANSWERS, "content": "9"}
    )
    assert bad.status_code == 400
    assert not Evaluation.objects.exists()
    # a state lead opens no participant's form; someone outside gets nothing
    assert (
        world.client("state_admin").get(reverse("training_evaluate", args=[session.pk])).status_code
        == 403
    )
    assert (
        world.client("outsider").get(reverse("training_evaluate", args=[session.pk])).status_code
        == 404
    )


def test_results_per_session_and_trainer_suppress_small_numbers(world: World) -> None:
    t = tft(world)
    t.event.capacity = 10
    t.event.save()
    people = participants(world, t.event, 5)
    sessions = list(t.event.sessions.order_by("session__number"))
    for es in sessions[:2]:
        services.record_attendance(actor=None, event_session=es, people=[t.trainer, *people])
    first, second = sessions[0], sessions[1]
    for p in people[:4]:
        for es in (first, second):
            services.submit_evaluation(
                actor=None, event_session=es, enrollment=t.event.enrollments.get(person=p),
                answers={"content": 4, "facilitation": 2, "readiness": 3, "activities": 5,
                         "comment": f"note from {p.first_name}"},
            )  # fmt: skip
    services.submit_evaluation(
        actor=None, event_session=first, enrollment=t.event.enrollments.get(person=people[4]),
        answers={"content": 4, "facilitation": 2, "readiness": 3, "activities": 5},
    )  # fmt: skip
    by_session = {r.label: r for r in reports.evaluation_results(
        Evaluation.objects.filter(event_session__event=t.event), by="session")}  # fmt: skip
    shown, hidden = by_session[str(first.session)], by_session[str(second.session)]
    assert (shown.responses, shown.means) == (5, {"content": 4.0, "facilitation": 2.0,
                                                  "readiness": 3.0, "activities": 5.0})  # fmt: skip
    assert (hidden.responses, hidden.means, hidden.comments) == (4, None, [])
    assert len(shown.comments) == 4
    # the facilitator's figures leave out session 1's four answers (no working them out by
    # difference from session 0's)
    (trainer_row,) = reports.evaluation_results(Evaluation.objects.all(), by="facilitator")
    assert (trainer_row.label, trainer_row.responses) == ("specialist", 5)
    assert trainer_row.means == shown.means and trainer_row.comments == []
    client = world.client("state_admin")
    page = client.get(reverse("training_evaluations", args=[t.event.pk])).content.decode()
    assert "Fewer than 5 responses: not shown." in page and "note from P0" in page
    assert page.count("note from P1") == 1  # session 0's only: session 1's are not shown
    overview = client.get(reverse("training_evaluations_overview")).content.decode()
    assert "specialist" in overview and "Fewer than 5 responses" not in overview
    assert (
        world.client("trainer").get(reverse("training_evaluations", args=[t.event.pk])).status_code
        == 403
    )
    assert EventSession.objects.filter(facilitator__isnull=False).count() == 9
