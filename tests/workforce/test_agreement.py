"""One engine, one set of facts (issue 20, finding 3): for each of the demo's people with a
professional profile, the endorsement and readiness lines read the same on their own page,
on the association coordinator's page and in their portfolio PDF, and agree with what the
profile holds (the director's verified Level II is held, not "missing"; no raw tokens)."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attune.accounts.models import User
from attune.demo.organization import load_demo
from attune.workforce.models import Profile
from attune.workforce.standing import standing

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return " ".join(text.split())


def page_text(response: object) -> str:
    body = response.content.decode()  # type: ignore[attr-defined]
    return flat(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_demo_people_read_the_same_everywhere() -> None:
    load_demo(today=timezone.localdate())
    today = timezone.localdate()
    coordinator = signed_in(User.objects.get(username="coordinator"))
    seen = {}
    for profile in Profile.objects.select_related("user").order_by("pk"):
        facts = standing(profile, today)
        own = signed_in(profile.user)
        mine = page_text(own.get(reverse("workforce_me")))
        theirs = page_text(
            coordinator.get(reverse("workforce_coordinator_person", args=[profile.pk]))
        )
        pdf = own.get(reverse("workforce_portfolio_pdf"))
        printed = flat(
            "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        )
        for line in facts.lines:
            wanted = flat(line)
            assert wanted in mine, (profile.user.username, "own page", line)
            assert wanted in theirs, (profile.user.username, "coordinator's page", line)
            assert wanted in printed, (profile.user.username, "PDF", line)
        assert "ready: " not in printed and "missing: " not in printed  # no raw tokens
        seen[profile.user.username] = facts
    assert set(seen) == {"director", "amara.osei", "noemi.castaneda"}

    director = seen["director"]
    assert director.status == "verified"
    assert "Level II: held, verified by the association" in director.lines
    assert next(r for r in director.results if r.key == "II").ready  # the evidence agrees
    assert director.lines[0].startswith("Endorsement verified: Level II")
    mentor = seen["amara.osei"]
    assert "Level IV-clinical: held, verified by the association" in mentor.lines
    assert mentor.renewal is not None and (mentor.renewal.due - today).days == 45
    assert "Level I: covered by the endorsement held (Level IV-clinical)" in mentor.lines
    assert "Level III: covered by the endorsement held (Level IV-clinical)" in mentor.lines
    visitor = seen["noemi.castaneda"]
    assert visitor.status == "declared"
    assert "Level I: ready (declared, awaiting verification)" in visitor.lines
