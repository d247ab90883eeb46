"""The state's directory of T/TA specialists and trainers (issue 20, finding 7): region,
languages, expertise in the six practices and the IMH competency areas, open capacity; a
program asks for support from it; accepted, the request becomes a support relationship (the
support membership that gives a specialist the program's figures)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from attune.accounts.models import Membership
from attune.lib import access
from attune.programs import services as program_services
from attune.workforce import services
from attune.workforce.models import DirectoryEntry, SupportRequest
from tests.conftest import World, make_user

ENTRY = {"jurisdiction": "", "kind": "specialist", "region": "Lane County", "capacity": "2",
         "accepting": "on", "languages_text": "Spanish, en", "practices": ["primary_caregiving",
         "continuity"], "competencies": ["reflection"], "about": "Bilingual coaching."}  # fmt: skip


def newcomer(w: World) -> tuple[Client, DirectoryEntry]:
    """A state Infant/Toddler Specialist who supports no program yet, listed in Oregon."""
    user = make_user("lane_tta", first_name="Lucía", last_name="Paredes")
    program_services.grant_membership(actor=None, user=user, role="specialist",
                                      jurisdiction_id=w.jurisdiction.pk)  # fmt: skip
    client = Client()
    client.force_login(user)
    response = client.post(reverse("workforce_directory_me"),
                           {**ENTRY, "jurisdiction": w.jurisdiction.pk, "version": 0})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    return client, DirectoryEntry.objects.get(user=user)


def test_specialists_and_trainers_list_themselves(world: World) -> None:
    _client, entry = newcomer(world)
    assert entry.languages == ["es", "en"] and entry.practices == [
        "primary_caregiving",
        "continuity",
    ]
    trainer = world.client("trainer")
    bad = trainer.post(reverse("workforce_directory_me"), {
        **ENTRY, "kind": "trainer", "jurisdiction": world.jurisdiction.pk,
        "languages_text": "Klingonese"})  # fmt: skip
    assert bad.status_code == 400 and "Unknown language" in bad.content.decode()
    assert trainer.post(reverse("workforce_directory_me"), {
        **ENTRY, "kind": "specialist", "jurisdiction": world.jurisdiction.pk}).status_code == 400  # fmt: skip
    assert trainer.post(reverse("workforce_directory_me"), {
        **ENTRY, "kind": "trainer", "jurisdiction": world.jurisdiction.pk, "region": "Coos",
        "languages_text": "en", "capacity": "1"}).status_code == 302  # fmt: skip
    for persona in ("family", "caregiver", "outsider"):
        assert world.client(persona).get(reverse("workforce_directory_me")).status_code == 403


def test_directors_search_by_region_language_expertise_and_capacity(world: World) -> None:
    newcomer(world)
    world.client("trainer").post(reverse("workforce_directory_me"), {
        **ENTRY, "kind": "trainer", "jurisdiction": world.jurisdiction.pk, "region": "Coos Bay",
        "languages_text": "en", "practices": ["continuity"], "competencies": [],
        "capacity": "1"})  # fmt: skip
    director = world.client("director")
    url = reverse("workforce_directory")
    everyone = director.get(url).content.decode()
    assert "Lucía Paredes" in everyone and "trainer" in everyone
    spanish = director.get(url, {"language": "Spanish", "practice": "primary_caregiving"})
    body = spanish.content.decode()
    assert "Lucía Paredes" in body and "Coos Bay" not in body
    # the trainer already supports Maple Street (capacity 1): no open capacity
    full = director.get(url, {"open": "on"}).content.decode()
    assert "Coos Bay" not in full and "Lucía Paredes" in full
    assert director.get(url, {"region": "lane"}).content.decode().count("Request support from") == 1
    assert world.client("other_director").get(url).content.decode().count("Lucía") == 0
    assert world.client("family").get(url).status_code == 403


def test_an_accepted_request_becomes_a_support_relationship(world: World) -> None:
    tta, entry = newcomer(world)
    director = world.client("director")
    data = {"program": world.program.pk, "practices": ["continuity"],
            "message": "We are moving to continuity of care in the infant rooms."}  # fmt: skip
    url = reverse("workforce_request_support", args=[entry.pk])
    assert director.get(url).status_code == 200
    assert director.post(url, data).status_code == 302
    again = director.post(url, data)  # a double submit
    assert again.status_code == 400 and "already waiting" in again.content.decode()
    request = SupportRequest.objects.get()
    assert request.status == "requested" and request.requested_by == world.users["director"]
    overview = reverse("program_overview", args=[world.program.pk])
    assert tta.get(overview).status_code == 404  # no support relationship yet
    page = tta.get(reverse("workforce_support_requests")).content.decode()
    assert "continuity of care in the infant rooms" in page
    answer = reverse("workforce_answer_support_request", args=[request.pk])
    # the trainer was not asked
    assert (
        world.client("trainer").post(answer, {"action": "accept", "version": 0}).status_code == 404
    )
    assert tta.post(answer, {"action": "accept", "version": request.version}).status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted"
    assert Membership.objects.filter(
        user=entry.user, role="specialist", program=world.program
    ).exists()
    user = entry.user
    assert world.program.pk in access.viewer_for(user).support_program_ids
    assert tta.get(overview).status_code == 200
    assert entry.open_capacity() == 1
    # asked again for the same program: already supported
    with pytest.raises(ValidationError, match="already supports"):
        services.request_support(actor=None, entry=entry, program=world.program, practices=[],
                                 message="x")  # fmt: skip


def test_declines_withdrawals_capacity_and_stale_answers(world: World) -> None:
    tta, entry = newcomer(world)
    request = services.request_support(actor=world.users["director"], entry=entry,
                                       program=world.program, practices=[], message="Help?")  # fmt: skip
    answer = reverse("workforce_answer_support_request", args=[request.pk])
    # the director withdraws while the specialist's page is open: the stale answer is refused
    seen = request.version
    assert (
        world.client("director").post(answer, {"action": "withdraw", "version": seen}).status_code
        == 302
    )
    tta.post(answer, {"action": "accept", "version": seen})
    request.refresh_from_db()
    assert request.status == "withdrawn"
    assert not Membership.objects.filter(user=entry.user, program=world.program).exists()
    again = services.request_support(actor=None, entry=entry, program=world.program,
                                     practices=[], message="Again")  # fmt: skip
    with pytest.raises(ValidationError, match="Say why"):
        services.answer_support_request(actor=None, request=again, accept=False, reply="",
                                        version=again.version)  # fmt: skip
    services.answer_support_request(actor=None, request=again, accept=False,
                                    reply="Full until spring.", version=again.version)  # fmt: skip
    assert SupportRequest.objects.get(pk=again.pk).status == "declined"
    entry.capacity = 0
    entry.save()
    with pytest.raises(ValidationError, match="no open capacity"):
        services.request_support(actor=None, entry=entry, program=world.program, practices=[],
                                 message="Still?")  # fmt: skip
    # another state's program cannot ask Oregon's specialist
    with pytest.raises(ValidationError, match="another state"):
        services.request_support(actor=None, entry=entry, program=world.other_program,
                                 practices=[], message="From Washington")  # fmt: skip
    other = world.client("other_director")
    assert other.get(reverse("workforce_request_support", args=[entry.pk])).status_code == 404
