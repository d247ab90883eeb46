"""Training for Trainers: the series, scheduling, attendance, commitments, deliveries, the
registry export, reach, certificates and calendars; bad input refused with nothing saved."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from attune.accounts import feeds
from attune.accounts.models import FeedToken, Membership
from attune.training import reports, services
from attune.training.models import (
    Attendance,
    Delivery,
    DeliveryAttendee,
    Person,
    TrainingSession,
)
from tests.conftest import World
from tests.training.helpers import caregivers, tft


def test_the_series_has_its_nine_sessions(db: None) -> None:
    titles = list(TrainingSession.objects.values_list("number", "title"))
    assert len(titles) == 9
    assert titles[0] == (0, "An Introduction to Relationship-Based Care for Infants and Toddlers")
    assert titles[-1] == (8, "Planning for Adult Learners")
    assert TrainingSession.objects.get(number=3).practices == ["continuity"]


def test_the_whole_path_and_the_registry_rows(world: World) -> None:
    t = tft(world, attendees=12)
    assert t.request.status == "scheduled"
    assert t.commitment.due == t.event.commitment_due()
    rows = reports.registry_rows([world.jurisdiction.pk])
    community = [r for r in rows if r["training_kind"] == "community delivery"]
    assert len(community) == 12 * 2
    assert {r["clock_hours"] for r in community} == {"1.50"}
    assert {r["session_title"] for r in community} == {"Primary Caregiving", "Continuity of Care"}
    own = [r for r in rows if r["training_kind"] == "training for trainers"]
    assert len(own) == 9 and {r["registry_id"] for r in own} == {"OR-T-1"}
    text = reports.registry_csv(rows)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert list(parsed[0]) == list(reports.REGISTRY_COLUMNS) and len(parsed) == 33
    in_range = reports.registry_rows(
        [world.jurisdiction.pk], start=date.today() - timedelta(days=70),
        end=t.first_day + timedelta(days=1),
    )  # fmt: skip
    assert len(in_range) == 9  # the trainer's own sessions only


def test_attendance_for_someone_not_enrolled_saves_nothing(world: World) -> None:
    t = tft(world)
    stranger = Person.objects.create(jurisdiction=world.jurisdiction, first_name="Sam",
                                     last_name="Stranger")  # fmt: skip
    session = t.event.sessions.first()
    before = Attendance.objects.count()
    with pytest.raises(ValidationError, match="Not enrolled in this event: Sam Stranger"):
        services.record_attendance(actor=None, event_session=session, people=[t.trainer, stranger])
    assert Attendance.objects.count() == before


def test_a_delivery_before_the_trainers_own_tft_is_refused(world: World) -> None:
    t = tft(world)
    before = (Delivery.objects.count(), Person.objects.count())
    with pytest.raises(ValidationError, match="before Terry Trainer's own training ended"):
        services.record_delivery(
            actor=None, trainer=t.trainer, data={"title": "Too early"},
            sessions=[services.DeliveredSession(TrainingSession.objects.get(number=2),
                                                t.first_day - timedelta(days=3), Decimal("1.5"))],
            attendees=caregivers(3, "OR-X-"),
        )  # fmt: skip
    assert (Delivery.objects.count(), Person.objects.count()) == before


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("13"), Decimal("-1")])
def test_hours_out_of_range_are_refused(world: World, hours: Decimal) -> None:
    t = tft(world)
    with pytest.raises(ValidationError, match=r"clock hours must be from 0\.25 to 12"):
        services.record_delivery(
            actor=None, trainer=t.trainer, data={"title": "Bad hours"},
            sessions=[services.DeliveredSession(TrainingSession.objects.get(number=4),
                                                date.today(), hours)],
            attendees=caregivers(1, "OR-Y-"),
        )  # fmt: skip
    assert not Delivery.objects.filter(title="Bad hours").exists()


def test_a_trainer_without_a_tft_cannot_record_a_delivery(world: World) -> None:
    newcomer = Person.objects.create(jurisdiction=world.jurisdiction, first_name="New",
                                     last_name="Comer")  # fmt: skip
    with pytest.raises(ValidationError, match="no Training for Trainers attendance"):
        services.record_delivery(
            actor=None, trainer=newcomer, data={"title": "x"},
            sessions=[services.DeliveredSession(TrainingSession.objects.get(number=2),
                                                date.today(), Decimal("1"))],
            attendees=[],
        )  # fmt: skip


def test_event_capacity_and_double_enrollment(world: World) -> None:
    t = tft(world)
    with pytest.raises(ValidationError, match="already enrolled"):
        services.enroll(actor=None, event=t.event, person=t.trainer)
    for i in range(4):
        p = Person.objects.create(jurisdiction=world.jurisdiction, first_name=f"P{i}",
                                  last_name="X")  # fmt: skip
        services.enroll(actor=None, event=t.event, person=p)
    full = Person.objects.create(jurisdiction=world.jurisdiction, first_name="F", last_name="X")
    with pytest.raises(ValidationError, match="full"):
        services.enroll(actor=None, event=t.event, person=full)


def test_reach_counts_trainers_deliveries_caregivers_programs(world: World) -> None:
    tft(world, attendees=12)
    points = reports.reach(world.jurisdiction.pk, date.today())
    last = points[-1]
    assert (last.trainers, last.deliveries, last.caregivers, last.programs) == (1, 1, 12, 3)


def test_certificate_pdf_lists_sessions_and_hours(world: World) -> None:
    t = tft(world)
    attendee = DeliveryAttendee.objects.filter(delivery=t.delivery).first()
    pdf = reports.certificate_pdf(attendee.certificate, "https://attune.example/certificates/x/")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Certificate of Completion" in text
    assert attendee.person.registry_id in text and "Total: 3.00 clock hours" in text
    assert "Primary Caregiving" in text


def test_calendar_feeds_parse(world: World) -> None:
    t = tft(world, days_ago=3)
    client = world.client("anonymous")
    mine = feeds.issue(user=world.users["trainer"], kind="person", subject_id=t.trainer.pk)
    state = feeds.issue(
        user=world.users["state_admin"], kind="state", subject_id=world.jurisdiction.pk
    )
    for token in (mine, state):
        response = client.get(reverse("training_feed", args=[token]))
        assert response.status_code == 200
        cal = Calendar.from_ical(response.content)
        events = [c for c in cal.walk("VEVENT")]
        assert len(events) >= 5 and all(e.get("dtstart") for e in events)
        assert "Salem" in str(events[0].get("location"))
    assert client.get(reverse("training_feed", args=["forged"])).status_code == 404


def test_calendar_feeds_are_stopped_renewed_and_end_with_access(world: World) -> None:
    """Issue #14, finding 9: feed addresses are stored (hashed), revocable and renewable."""
    tft(world, days_ago=3)
    trainer = world.client("trainer")
    page = reverse("training_calendars")
    me = Person.objects.get(user=world.users["trainer"])
    made = trainer.post(page, {"kind": "person", "subject": me.pk})
    address = made.context["rows"][0]["address"]
    assert address and address in made.content.decode()
    path = address.split("testserver", 1)[1]
    anyone = world.client("anonymous")
    assert anyone.get(path).status_code == 200
    assert address not in trainer.get(page).content.decode()  # shown once only
    assert not FeedToken.objects.filter(key_hash__contains=path.rsplit("/", 1)[1][:20]).exists()
    renewed = trainer.post(page, {"kind": "person", "subject": me.pk})
    new_path = renewed.context["rows"][0]["address"].split("testserver", 1)[1]
    assert anyone.get(path).status_code == 404  # the old address stopped
    assert anyone.get(new_path).status_code == 200
    trainer.post(page, {"kind": "person", "subject": me.pk, "action": "stop"})
    assert anyone.get(new_path).status_code == 404
    # Another person's subject is refused, and nothing is made.
    assert (
        trainer.post(page, {"kind": "state", "subject": world.jurisdiction.pk}).status_code == 404
    )
    # A state feed stops answering when its person is no longer the state's administrator.
    state = feeds.issue(
        user=world.users["state_admin"], kind="state", subject_id=world.jurisdiction.pk
    )
    url = reverse("training_feed", args=[state])
    assert anyone.get(url).status_code == 200
    Membership.objects.filter(user=world.users["state_admin"]).delete()
    assert anyone.get(url).status_code == 404


def test_delivery_form_bad_csv_is_named_and_saves_nothing(world: World) -> None:
    tft(world)
    client = world.client("trainer")
    before = Delivery.objects.count()
    response = client.post(
        reverse("training_delivery_create"),
        {"title": "Spring", "s2_date": date.today().isoformat(), "s2_hours": "1.5",
         "attendees_text": "Ana,Lopez,OR-1\nBen,,OR-2"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Line 2: write first name, last name, registry ID" in response.content.decode()
    assert Delivery.objects.count() == before


def test_commitment_reminders_weekly_until_delivered(world: World) -> None:
    from django.core import mail

    t = tft(world)
    t.delivery.delete()  # not delivered yet
    due = t.commitment.due
    assert services.send_commitment_reminders(today=due - timedelta(days=45)) == 0
    assert services.send_commitment_reminders(today=due - timedelta(days=20)) == 1
    assert mail.outbox[0].to == ["trainer@example.org"]
    assert "due by" in mail.outbox[0].subject
    assert services.send_commitment_reminders(today=due - timedelta(days=17)) == 0  # this week
    assert services.send_commitment_reminders(today=due + timedelta(days=1)) == 1
    assert "was due" in mail.outbox[1].subject


def _upload(text: str) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("registry.csv", text.encode(), content_type="text/csv")


def test_registry_import_matches_or_saves_nothing(world: World) -> None:
    Person.objects.create(jurisdiction=world.jurisdiction, first_name="Ana", last_name="Ruiz",
                          email="ana@example.org")  # fmt: skip
    Person.objects.create(jurisdiction=world.jurisdiction, first_name="Bo", last_name="Li")
    client = world.client("specialist")
    url = reverse("training_registry_import")
    bad = (
        "registry_id,first_name,last_name,email\nOR-9,Ana,Ruiz,ana@example.org\nOR-8,Zed,Unknown,\n"
    )
    response = client.post(url, {"state": world.jurisdiction.pk, "file": _upload(bad)})
    assert response.status_code == 400
    assert "Line 3: registry ID OR-8 (Zed Unknown) matches no one" in response.content.decode()
    assert not Person.objects.filter(registry_id="OR-9").exists()
    good = "registry_id,first_name,last_name,email\nOR-9,Ana,Ruiz,ana@example.org\nOR-7,Bo,Li,\nOR-T-1,Terry,Trainer,\n"
    response = client.post(url, {"state": world.jurisdiction.pk, "file": _upload(good)})
    assert response.status_code == 302
    assert set(Person.objects.exclude(registry_id="").values_list("registry_id", flat=True)) == {
        "OR-9", "OR-7", "OR-T-1"
    }  # fmt: skip
    missing = "registry_id,first_name\nOR-1,Ana\n"
    response = client.post(url, {"state": world.jurisdiction.pk, "file": _upload(missing)})
    assert response.status_code == 400 and "missing: last_name" in response.content.decode()


def test_core_knowledge_areas_reach_the_registry_export(world: World) -> None:
    tft(world)
    client = world.client("state_admin")
    data = {"state": world.jurisdiction.pk, "s2": "Relationships and Interactions (RI)"}
    assert client.post(reverse("training_core_knowledge"), data).status_code == 302
    rows = reports.registry_rows([world.jurisdiction.pk])
    areas = {r["session_number"]: r["core_knowledge_area"] for r in rows}
    assert areas["2"] == "Relationships and Interactions (RI)" and areas["3"] == ""


def test_a_trainer_sees_only_their_own_deliveries_and_a_lead_only_their_state(
    world: World,
) -> None:
    from attune.programs.models import Jurisdiction

    t = tft(world)
    other = Person.objects.create(jurisdiction=world.jurisdiction, first_name="Other",
                                  last_name="Trainer", registry_id="OR-T-2")  # fmt: skip
    services.enroll(actor=None, event=t.event, person=other)
    for es in t.event.sessions.all():
        services.record_attendance(actor=None, event_session=es, people=[t.trainer, other])
    theirs = services.record_delivery(
        actor=None, trainer=other, data={"title": "Theirs"},
        sessions=[services.DeliveredSession(TrainingSession.objects.get(number=5), date.today(),
                                            Decimal("1.5"))],
        attendees=caregivers(2, "OR-Z-"),
    )  # fmt: skip
    trainer = world.client("trainer")
    assert trainer.get(reverse("training_delivery", args=[t.delivery.pk])).status_code == 200
    assert trainer.get(reverse("training_delivery", args=[theirs.pk])).status_code == 404
    home = trainer.get(reverse("training_home")).content.decode()
    assert "RBC for family child care" in home and "Theirs" not in home
    # Washington's event is not Oregon's lead's business
    wa = Jurisdiction.objects.get(code="WA")
    wa_event = services.schedule_event(
        actor=None, jurisdiction=wa, data={"title": "TFT Washington", "format": "virtual",
                                           "link": "https://meet.example.org/wa", "capacity": 4},
        sessions=[services.PlannedSession(TrainingSession.objects.get(number=0),
                                          t.event.sessions.first().starts_at,
                                          t.event.sessions.first().ends_at)],
    )  # fmt: skip
    lead = world.client("state_admin")
    assert lead.get(reverse("training_event", args=[wa_event.pk])).status_code == 404
    assert "TFT Washington" not in lead.get(reverse("training_home")).content.decode()
