"""The registry export per person (issue 20, finding 2): participants without a registry ID are
listed for follow-up and left out of the file, the rest export; each registry's columns are a
documented layout (data); a re-export does not send hours already sent."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attune.jobs.models import Job
from attune.training import reports, services
from attune.training.models import Person, TrainingSession
from tests.conftest import World
from tests.training.helpers import caregivers, tft

DOCS = Path(__file__).resolve().parents[2] / "docs" / "training.md"


def unregistered(w: World) -> tuple[Person, list[services.Attendee]]:
    """A TFT participant enrolled without a registry ID who attended the whole series, and
    a delivery's attendee list where one caregiver has no registry ID yet."""
    hiroko = Person.objects.create(
        jurisdiction=w.jurisdiction, first_name="Hiroko", last_name="Tanaka"
    )
    return hiroko, [
        *caregivers(2, "OR-R-"),
        services.Attendee("Noor", "Rahimi", "", "Eugene Early Head Start"),
    ]


def test_one_participant_without_a_registry_id_does_not_refuse_the_delivery(
    world: World,
) -> None:
    t = tft(world)
    _hiroko, attendees = unregistered(world)
    delivery = services.record_delivery(
        actor=None, trainer=t.trainer, data={"title": "Saturday session"},
        sessions=[services.DeliveredSession(TrainingSession.objects.get(number=4),
                                            timezone.localdate(), Decimal("1.5"))],
        attendees=attendees,
    )  # fmt: skip
    assert delivery.attendees.count() == 3


def test_the_file_leaves_out_and_lists_people_without_a_registry_id(world: World) -> None:
    t = tft(world)
    hiroko, attendees = unregistered(world)
    enrollment = services.enroll(actor=None, event=t.event, person=hiroko)
    for es in t.event.sessions.all():
        services.record_attendance(actor=None, event_session=es, people=[t.trainer, hiroko])
    services.record_delivery(
        actor=None, trainer=t.trainer, data={"title": "Saturday session"},
        sessions=[services.DeliveredSession(TrainingSession.objects.get(number=4),
                                            timezone.localdate(), Decimal("1.5"))],
        attendees=attendees,
    )  # fmt: skip
    rows = reports.registry_rows([world.jurisdiction.pk])
    assert all(r["registry_id"] for r in rows)  # as found: nine rows went out blank
    preview = services.registry_preview(jurisdiction=world.jurisdiction, layout="attune")
    assert {r.person.registry_id for r in preview.new} >= {"OR-T-1", "OR-R-001", "OR-R-002"}
    assert "" not in {r.person.registry_id for r in preview.new}
    follow = {str(f.person): (f.sessions, f.hours) for f in preview.follow_up}
    assert follow == {"Hiroko Tanaka": (9, Decimal("13.00")), "Noor Rahimi": (1, Decimal("1.5"))}
    assert enrollment.attendance.count() == 9


def test_a_reexport_sends_nothing_twice(world: World) -> None:
    from attune.training import registries
    from attune.training.models import RegistryExportRow

    t = tft(world)
    hiroko, _attendees = unregistered(world)
    services.enroll(actor=None, event=t.event, person=hiroko)
    for es in t.event.sessions.all():
        services.record_attendance(actor=None, event_session=es, people=[t.trainer, hiroko])
    first = services.export_registry(
        actor=world.users["specialist"], jurisdiction=world.jurisdiction, layout="oregon"
    )
    assert first.rows.count() == 9 + 2 * 2  # the trainer's nine; two caregivers × two
    with pytest.raises(ValidationError, match="Nothing new to export"):
        services.export_registry(actor=None, jurisdiction=world.jurisdiction, layout="oregon")
    # Hiroko's registry ID comes in from the registry's person list: her rows, and only hers
    services.import_registry_ids(
        actor=None, jurisdiction=world.jurisdiction,
        rows=[services.RegistryRow(2, "OR-T-77", "Hiroko", "Tanaka", "")],
    )  # fmt: skip
    second = services.export_registry(actor=None, jurisdiction=world.jurisdiction, layout="oregon")
    assert {r.person.registry_id for r in second.rows.all()} == {"OR-T-77"}
    assert second.rows.count() == 9
    # another registry's layout is another destination: everything goes there once
    other = services.export_registry(actor=None, jurisdiction=world.jurisdiction, layout="attune")
    assert other.rows.count() == 9 * 2 + 2 * 2
    # the first file, downloaded again, is the same file
    again = first.content
    parsed = list(csv.reader(io.StringIO(again)))
    assert parsed[0] == [c.header for c in registries.layout("oregon").columns]
    assert len(parsed) == 1 + 13
    assert RegistryExportRow.objects.filter(key__startswith="tft:").count() == 9 + 9 + 18


def test_a_race_between_two_exports_sends_nothing_twice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from attune.training.models import RegistryExport

    tft(world)
    services.export_registry(actor=None, jurisdiction=world.jurisdiction, layout="attune")
    # the second export read the rows before the first one was saved
    monkeypatch.setattr(services, "sent_keys", lambda **kwargs: set())
    with pytest.raises(ValidationError, match="Another export sent"):
        services.export_registry(actor=None, jurisdiction=world.jurisdiction, layout="attune")
    assert RegistryExport.objects.count() == 1


def test_every_layout_is_data_and_documented(db: None) -> None:
    from attune.training import registries

    docs = DOCS.read_text()
    known = set(reports.REGISTRY_COLUMNS)
    assert {"attune", "oregon", "michigan"} <= {x.key for x in registries.layouts()}
    for x in registries.layouts():
        assert x.description and x.source, x.key
        assert {c.field for c in x.columns} <= known, x.key
        assert "registry_id" in {c.field for c in x.columns}
        assert f"`{x.key}`" in docs and x.name in docs, x.key
        for column in x.columns:
            assert f"| {column.header} |" in docs, (x.key, column.header)
    assert registries.for_state("OR").key == "oregon"
    assert registries.for_state("MI").key == "michigan"
    assert registries.for_state("WA").key == "attune"


def test_the_export_through_the_pages(world: World) -> None:
    from attune.training.models import RegistryExport

    t = tft(world)
    hiroko, _attendees = unregistered(world)
    services.enroll(actor=None, event=t.event, person=hiroko)
    for es in t.event.sessions.all():
        services.record_attendance(actor=None, event_session=es, people=[t.trainer, hiroko])
    client = world.client("specialist")
    url = reverse("training_registry")
    query = {"state": world.jurisdiction.pk, "layout": "oregon"}
    page = client.get(url, query).content.decode()
    assert "13 new rows" in page and "Hiroko Tanaka" in page
    response = client.post(reverse("training_registry_export"), query)
    assert response.status_code == 302  # to the job that writes the file (issue 17)
    job = Job.objects.get(kind="registry")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    batch = RegistryExport.objects.get()
    download = client.get(reverse("training_registry_batch", args=[batch.pk]))
    assert download["Content-Type"].startswith("text/csv")
    body = download.content.decode()
    assert body.splitlines()[0].startswith("ORO ID,") and "Hiroko" not in body
    assert len(body.splitlines()) == 14
    kept = b"".join(client.get(reverse("job_file", args=[job.pk])).streaming_content)
    assert kept.decode() == batch.content  # the job's file is the file sent
    # a second export: nothing new, no second file; the job says why
    again = client.post(reverse("training_registry_export"), query, follow=True)
    assert "Nothing new to export" in again.content.decode()
    assert RegistryExport.objects.count() == 1
    page = client.get(url, query).content.decode()
    assert "0 new rows" in page and "13 rows already sent" in page
    # another state's lead, or a trainer, gets nothing
    assert (
        world.client("trainer").get(reverse("training_registry_batch", args=[batch.pk])).status_code
        == 404
    )
    assert (
        world.client("outsider")
        .get(reverse("training_registry_batch", args=[batch.pk]))
        .status_code
        == 404
    )
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert (
        client.post(
            reverse("training_registry_export"), {**query, "start": day, "end": "x"}
        ).status_code
        == 400
    )
