"""Query parameters are parsed by attune.lib.params: a bad value is a 400 with a message."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.http import QueryDict
from django.urls import reverse

from attune.lib import params
from tests.conftest import World

SRC = Path(__file__).resolve().parents[2] / "src" / "attune"


def q(text: str) -> QueryDict:
    return QueryDict(text)


def test_integers_fit_a_database_id() -> None:
    assert params.pk(q("room=12"), "room") == 12
    assert params.pk(q("room="), "room") is None
    assert params.pk(q(""), "room") is None
    assert params.pk(q(f"room={2**63 - 1}"), "room") == 2**63 - 1
    for bad in ("99999999999999999999", str(2**63), "0", "-1", "1e3", "１２", "12abc", " 1 2"):
        with pytest.raises(params.BadParameter):
            params.pk(QueryDict(mutable=True) | {"room": bad}, "room")


def test_dates_are_real_days_within_the_window() -> None:
    assert params.day(q("on=2026-03-14"), "on") == date(2026, 3, 14)
    assert params.day(q(""), "on", default=date(2026, 1, 1)) == date(2026, 1, 1)
    for bad in ("2026-02-31", "0001-01-01", "9999-12-31", "2026-13-01", "yesterday", "2026-3-1x"):
        with pytest.raises(params.BadParameter) as raised:
            params.day(QueryDict(mutable=True) | {"on": bad}, "on")
        assert raised.value.message
    with pytest.raises(params.BadParameter):
        params.day(q("on=2026-03-14"), "on", latest=date(2026, 3, 13))


def test_choices_pages_flags_and_search_text() -> None:
    assert (
        params.choice(q("what=problem"), "what", ("plan", "problem"), default="plan") == "problem"
    )
    assert params.choice(q(""), "what", ("plan", "problem"), default="plan") == "plan"
    with pytest.raises(params.BadParameter):
        params.choice(q("what=other"), "what", ("plan", "problem"), default="plan")
    assert params.page(q("")) == 1
    assert params.page(q("page=3")) == 3
    for bad in ("0", "last", "99999999999999999999"):
        with pytest.raises(params.BadParameter):
            params.page(QueryDict(mutable=True) | {"page": bad})
    assert params.flag(q("download=1"), "download") is True
    assert params.flag(q("download=0"), "download") is False
    assert params.search(q("q=%20Ana%00%0ALopez%20"), "q") == "Ana Lopez"
    with pytest.raises(params.BadParameter):
        params.search(QueryDict(mutable=True) | {"q": "x" * 201}, "q")
    assert params.id_list(q("s=1&s=2&s="), "s") == [1, 2]
    with pytest.raises(params.BadParameter):
        params.id_list(q("s=1&s=x"), "s")


def test_next_links_stay_on_the_site() -> None:
    assert params.local_url(q("next=/programs/1/record/"), "next", host="testserver") == (
        "/programs/1/record/"
    )
    for bad in ("https://evil.example/", "//evil.example/", "/a%0Ab", "javascript:alert(1)", "NaN"):
        source = QueryDict(mutable=True) | {"next": bad.replace("%0A", "\n")}
        assert params.local_url(source, "next", host="testserver") is None


# -- the pages that crashed (issue 14, finding 6) ----------------------------------------------


@pytest.mark.parametrize("on", ["2026-02-31", "0001-01-01", "9999-12-31", "not-a-day"])
def test_a_childs_day_refuses_a_day_that_is_not_one(world: World, on: str) -> None:
    url = reverse("child_day", args=[world.child.pk])
    response = world.client("family").get(url, {"on": on})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was changed" in body or "Nada" in body
    assert 'role="alert"' in body  # the reason is shown


def test_a_childs_day_before_birth_or_in_the_future_is_refused(world: World) -> None:
    url = reverse("child_day", args=[world.child.pk])
    client = world.client("director")
    today = world.program.today()
    assert client.get(url, {"on": today.isoformat()}).status_code == 200
    assert client.get(url, {"on": (today + timedelta(days=1)).isoformat()}).status_code == 400
    before = world.child.birth_date - timedelta(days=1)
    assert client.get(url, {"on": before.isoformat()}).status_code == 400
    summary = reverse("day_summary", args=[world.child.pk])
    assert client.get(summary, {"on": "2026-02-31"}).status_code == 400


@pytest.mark.parametrize("room", ["99999999999999999999", "-3", "Robins", "1.5"])
def test_the_record_page_refuses_a_room_that_is_not_an_id(world: World, room: str) -> None:
    url = reverse("care_record", args=[world.program.pk])
    response = world.client("director").get(url, {"room": room})
    assert response.status_code == 400
    assert "whole number" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("child_list", {"page": "99999999999999999999"}),
        ("family_list", {"page": "zero"}),
        ("family_list", {"q": "x" * 500}),
        ("import_upload", {"kind": "everything"}),
        ("program_continuity", {"measure": "nonsense"}),
        ("whatif", {"entry": "99999999999999999999"}),
    ],
)
def test_program_pages_refuse_bad_parameters(
    world: World, name: str, query: dict[str, str]
) -> None:
    response = world.client("director").get(reverse(name, args=[world.program.pk]), query)
    assert response.status_code == 400


def test_no_view_reads_a_query_parameter_by_hand() -> None:
    """Every GET parameter and loose POST value goes through attune.lib.params."""
    pattern = re.compile(r"request\.(GET|POST)(\.get\(|\[|\.getlist\()")
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "params.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not offenders, offenders
