"""Materials with versions, fidelity checklists and scores, implementation support and
reflections, and the program self-assessment beside what Attune measures."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attune.training import services
from attune.training.models import (
    FidelityScore,
    Person,
    SelfAssessment,
    SessionMaterial,
    SupportActivity,
    TrainingSession,
)
from tests.conftest import World
from tests.training.helpers import tft


def test_material_versions_are_kept_and_files_download(world: World) -> None:
    session = TrainingSession.objects.get(number=2)
    client = world.client("specialist")
    url = reverse("training_session", args=[2])
    for _ in range(2):
        response = client.post(url, {"kind": "slides", "title": "Primary caregiving deck",
                                     "link": "https://example.org/deck"})  # fmt: skip
        assert response.status_code == 302
    versions = SessionMaterial.objects.filter(session=session).values_list("version", flat=True)
    assert sorted(versions) == [1, 2]
    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide", content_type="application/pdf")
    response = client.post(url, {"kind": "guide", "title": "Facilitator's guide", "file": upload})
    assert response.status_code == 302
    guide = SessionMaterial.objects.get(kind="guide")
    download = world.client("trainer").get(reverse("training_material", args=[guide.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 guide"
    neither = client.post(url, {"kind": "resource", "title": "Nothing"})
    assert neither.status_code == 400 and "either a file or a link" in neither.content.decode()
    assert (
        world.client("trainer")
        .post(url, {"kind": "slides", "title": "x", "link": "https://example.org"})
        .status_code
        == 403
    )


def test_fidelity_checklist_and_scores(world: World) -> None:
    t = tft(world)
    session = TrainingSession.objects.get(number=2)
    services.set_fidelity_items(
        actor=None, session=session,
        lines=["Opens with the video", "Small-group activity on assignments", "Closes with reflection"],
    )  # fmt: skip
    delivered = t.delivery.sessions.get(session=session)
    items = list(session.fidelity.all())
    url = reverse("training_fidelity", args=[t.delivery.pk, delivered.pk])
    response = world.client("specialist").post(
        url, {"met": [str(items[0].pk), str(items[1].pk)], "adaptations_reviewed": "on",
              "adaptations_keep_fidelity": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    response = world.client("trainer").post(url, {"met": [str(i.pk) for i in items]})
    assert response.status_code == 302
    scores = list(FidelityScore.objects.order_by("pk"))
    assert [s.self_assessed for s in scores] == [False, True]
    assert [s.met.count() for s in scores] == [2, 3]
    # retiring an item keeps the scores already given
    services.set_fidelity_items(actor=None, session=session, lines=["Opens with the video"])
    assert scores[0].items.count() == 3
    overview = world.client("state_admin").get(reverse("training_fidelity_overview"))
    body = overview.content.decode()
    assert overview.status_code == 200 and "67%" in body and "100%" in body
    assert "<svg" in body
    assert world.client("state_admin").post(url, {"met": []}).status_code == 403


def test_support_log_and_reflections(world: World) -> None:
    tft(world)
    trainer = Person.objects.get(user=world.users["trainer"])
    client = world.client("specialist")
    data = {"state": world.jurisdiction.pk, "kind": "coaching", "day": date.today().isoformat(),
            "minutes": "45", "practice": "continuity", "people": [trainer.pk],
            "notes": "Planned the community delivery", "next_steps": "Book the library"}  # fmt: skip
    assert client.post(reverse("training_support"), data).status_code == 302
    bad = client.post(reverse("training_support"), {**data, "minutes": "0"})
    assert bad.status_code == 400 and SupportActivity.objects.count() == 1
    seen = world.client("trainer").get(reverse("training_support")).content.decode()
    assert "Planned the community delivery" in seen and "45 min" in seen
    url = reverse("training_reflections", args=[trainer.pk])
    response = client.post(url, {"day": date.today().isoformat(), "shared_goals": "Deliver by June",
                                 "p_respect": "We agreed on how to give feedback"})  # fmt: skip
    assert response.status_code == 302
    page = world.client("trainer").get(url).content.decode()
    assert "Deliver by June" in page and "We agreed on how to give feedback" in page
    assert world.client("state_admin").get(url).status_code == 403
    assert world.client("director").get(url).status_code == 404


def test_self_assessment_beside_the_measures(world: World) -> None:
    url = reverse("program_self_assessment", args=[world.program.pk])
    levels = {"primary_caregiving": "3", "continuity": "1", "small_groups": "2",
              "individualized": "2", "culturally_responsive": "1", "inclusive": "0"}  # fmt: skip
    client = world.client("director")
    assert client.post(url, {"day": "2026-09-01", **levels}).status_code == 302
    assert client.post(url, {"day": "2026-11-01", **levels, "continuity": "2"}).status_code == 302
    missing = client.post(url, {"day": "2026-11-02", "continuity": "2"})
    assert missing.status_code == 400 and SelfAssessment.objects.count() == 2
    page = world.client("specialist").get(url).content.decode()
    assert "Children with a primary caregiver" in page and "<svg" in page
    assert "fully in place" in page
    assert world.client("caregiver").get(url).status_code == 403


def test_checklist_duplicate_item_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="listed twice"):
        services.set_fidelity_items(
            actor=None, session=TrainingSession.objects.get(number=1), lines=["a", "a"]
        )
