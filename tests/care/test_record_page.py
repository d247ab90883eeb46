"""The record page stays light as groups grow (issue 14, performance): one small form per
child whose buttons differ by their tap, today's entries loaded on demand, and a number of
queries that does not grow with the children shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.care import services
from attune.care.models import CareEntry
from attune.programs import services as program_services
from tests.care.helpers import ago
from tests.conftest import World, child_data

CARD_BYTES = 4_500  # one child's card with every quick button (the demo's cards: ~3 KB)


def add_children(world: World, n: int) -> None:
    today = world.program.today()
    for i in range(n):
        child = program_services.create_child(
            actor=None,
            program=world.program,
            data=child_data(
                world.family, world.room, first_name=f"Kid{i}", last_name="Extra",
                birth_date=today - timedelta(days=300 + i), primary_caregiver=world.caregiver,
                enrollment_start=today - timedelta(days=30),
            ),
        )  # fmt: skip
        services.save_care_plan(actor=None, child=child, data={"bottle_ml": 120})
        for minutes in (90, 60, 30):
            services.log_entry(
                actor=None, child=child, kind="diaper", data={"at": ago(minutes), "wet": True}
            )


def record(world: World) -> tuple[int, int]:
    client = world.client("director")
    url = reverse("care_record", args=[world.program.pk])
    client.get(url)  # sessions, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.content)


def test_queries_do_not_grow_with_the_children_and_cards_stay_small(world: World) -> None:
    add_children(world, 3)
    few_queries, few_bytes = record(world)
    add_children(world, 12)
    many_queries, many_bytes = record(world)
    assert many_queries == few_queries
    per_card = (many_bytes - few_bytes) / 12
    assert per_card < CARD_BYTES, per_card


def test_every_quick_button_is_a_tap_of_the_one_form(world: World) -> None:
    services.save_care_plan(actor=None, child=world.child, data={"bottle_ml": 150})
    body = world.client("caregiver").get(reverse("care_record", args=[world.program.pk]))
    html = body.content.decode()
    card = html[html.index(f'id="child-{world.child.pk}"') :]
    card = card[: card.index("</article>")]
    assert card.count("<form") == 1 and card.count("csrfmiddlewaretoken") == 1
    for tap in ("bottle:150", "nap", "meal:most", "diaper:wet", "diaper:wet-bm", "mood:happy"):
        assert f'value="{tap}"' in card, tap


@pytest.mark.parametrize(
    ("tap", "fields"),
    [
        ("bottle:150", {"kind": "bottle", "amount_ml": 150}),
        ("meal:most", {"kind": "meal", "portion": "most"}),
        ("mood:calm", {"kind": "mood", "mood": "calm"}),
        ("diaper:wet", {"kind": "diaper", "wet": True, "bm": False}),
        ("diaper:wet-bm", {"kind": "diaper", "wet": True, "bm": True}),
        ("nap", {"kind": "nap", "until": None}),
    ],
)
def test_a_tap_logs_its_entry(world: World, tap: str, fields: dict[str, object]) -> None:
    url = reverse("care_log", args=[world.child.pk])
    response = world.client("caregiver").post(url, {"tap": tap}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    entry = CareEntry.objects.get()
    assert {name: getattr(entry, name) for name in fields} == fields


@pytest.mark.parametrize(
    "tap", ["bottle:99999", "bottle:x", "meal:lots", "diaper:", "sleep", "x" * 100]
)
def test_an_unknown_tap_is_a_400_and_saves_nothing(world: World, tap: str) -> None:
    url = reverse("care_log", args=[world.child.pk])
    response = world.client("caregiver").post(url, {"tap": tap}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert not CareEntry.objects.exists()


def test_the_nap_buttons_post_to_the_nap(world: World) -> None:
    nap = services.log_entry(actor=None, child=world.child, kind="nap", data={"at": ago(20)})
    client = world.client("caregiver")
    html = client.get(reverse("care_record", args=[world.program.pk])).content.decode()
    assert f'formaction="{reverse("care_check_nap", args=[nap.pk])}"' in html
    assert f'formaction="{reverse("care_end_nap", args=[nap.pk])}"' in html


def test_todays_entries_load_on_demand_with_a_page_without_javascript(world: World) -> None:
    entry = services.log_entry(
        actor=None, child=world.child, kind="diaper", data={"at": ago(5), "bm": True}
    )
    client = world.client("caregiver")
    html = client.get(reverse("care_record", args=[world.program.pk])).content.decode()
    url = reverse("care_entries", args=[world.child.pk])
    assert f'data-load="{url}?next=' in html and f'<a href="{url}?next=' in html
    assert reverse("care_correct", args=[entry.pk]) not in html  # not on the page itself
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and reverse("care_correct", args=[entry.pk]) in partial
    page = client.get(url).content.decode()
    assert "<html" in page and reverse("care_correct", args=[entry.pk]) in page
    assert world.client("family").get(url).status_code == 403
