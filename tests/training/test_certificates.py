"""Certificates that can be checked (issue 20, finding 6): completing the nine-session series
issues a certificate, and so does a community delivery's clock-hour attendance; each carries
its issue date, a unique number, the issuing organization, a signature line and a
verification link (with its QR code) that anyone can open without signing in. A forged or
guessed number is refused with a clear message; the page shows only what the certificate
states."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attune.training import reports, services
from attune.training.models import Certificate, DeliveryAttendee, Person
from tests.conftest import World
from tests.training.helpers import tft


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_completing_the_series_issues_one_certificate(world: World) -> None:
    t = tft(world)
    cert = Certificate.objects.get(person=t.trainer, kind=Certificate.Kind.SERIES)
    assert cert.issued_on == timezone.localdate()
    assert cert.completed_on == t.first_day + timedelta(days=1)
    assert cert.hours == Decimal("13.00")  # the introduction's hour and 8 × 1.5
    assert re.fullmatch(r"TFT-\d{4}-\d{5}", cert.number)
    assert len(cert.token) >= 20 and cert.number not in cert.token
    assert "Infant/Toddler Specialist Network" in cert.issuer
    # recording the attendance again issues nothing more
    for es in t.event.sessions.all():
        services.record_attendance(actor=None, event_session=es, people=[t.trainer])
    assert Certificate.objects.filter(person=t.trainer).count() == 1


def test_eight_of_nine_sessions_issue_nothing_until_the_ninth(world: World) -> None:
    t = tft(world)
    pat = Person.objects.create(jurisdiction=world.jurisdiction, first_name="Pat",
                                last_name="Partial", registry_id="OR-T-8")  # fmt: skip
    services.enroll(actor=None, event=t.event, person=pat)
    sessions = list(t.event.sessions.order_by("session__number"))
    for es in sessions[:8]:
        services.record_attendance(actor=None, event_session=es, people=[t.trainer, pat])
    assert not Certificate.objects.filter(person=pat).exists()
    services.record_attendance(actor=None, event_session=sessions[8], people=[t.trainer, pat])
    assert Certificate.objects.filter(person=pat, kind="series").count() == 1


def test_the_certificate_pdf_can_be_checked(world: World) -> None:
    t = tft(world)
    cert = Certificate.objects.get(person=t.trainer, kind="series")
    client = world.client("trainer")
    home = client.get(reverse("training_home")).content.decode()
    url = reverse("training_my_certificate", args=[cert.pk])
    assert url in home
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    verify = "http://testserver" + reverse("certificate_verify", args=[cert.token])
    assert "Terry Trainer" in text and cert.number in text and verify in text
    assert timezone.localdate().isoformat() in text and "Issued" in text
    assert "Infant/Toddler Specialist Network" in text and "Signed" in text
    assert "13.00 clock hours" in text
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert page.images, "the QR code is an image on the page"
    # someone else's certificate is not theirs to download
    other = world.client("caregiver")
    assert other.get(url).status_code in (403, 404)
    assert world.client("specialist").get(url).status_code == 200


def test_anyone_can_verify_a_certificate_without_signing_in(world: World) -> None:
    t = tft(world)
    cert = Certificate.objects.get(person=t.trainer, kind="series")
    response = world.client("anonymous").get(reverse("certificate_verify", args=[cert.token]))
    assert response.status_code == 200
    body = response.content.decode()
    for fact in ("Terry Trainer", cert.title, "13.00", cert.number, cert.issuer):
        assert fact in body, fact
    assert "Confirmed" in body
    # only what the certificate states: no registry ID, email, or anyone else
    for private in ("OR-T-1", "trainer@example.org", "Care1", "Giver1", "Maple Street"):
        assert private not in body, private


@pytest.mark.parametrize("forged", ["TFT-2026-00001", "x" * 24, "0", "A" * 200])
def test_a_forged_or_guessed_number_is_refused(world: World, forged: str) -> None:
    tft(world)
    number = Certificate.objects.first().number  # type: ignore[union-attr]
    for token in (forged, number):
        response = world.client("anonymous").get(reverse("certificate_verify", args=[token]))
        assert response.status_code == 404
        body = response.content.decode()
        assert "No certificate has this verification code" in body
        assert "Terry Trainer" not in body


def test_community_delivery_certificates_carry_the_same(world: World) -> None:
    t = tft(world)
    attendee = DeliveryAttendee.objects.filter(delivery=t.delivery).select_related("person").first()
    assert attendee is not None
    cert = Certificate.objects.get(attendee=attendee)
    assert cert.kind == "delivery" and re.fullmatch(r"CH-\d{4}-\d{5}", cert.number)
    assert cert.hours == Decimal("3.00") and cert.issuer == "CCR&R"
    response = world.client("trainer").get(
        reverse("training_certificate", args=[t.delivery.pk, attendee.pk])
    )
    text = pdf_text(response.content)
    assert "Total: 3.00 clock hours" in text and attendee.person.registry_id in text
    assert cert.number in text and cert.token in text.replace("\n", "")
    page = world.client("anonymous").get(reverse("certificate_verify", args=[cert.token]))
    assert "RBC for family child care" in page.content.decode()
    assert reports.certificate_pdf(cert, "https://example.org/v").startswith(b"%PDF")
