"""No input crashes a page with child data (issue 14, finding 6): property-based tests.

For every page and action of the permission matrix that shows or changes child, family or
caregiver data, hypothesis sends random query parameters (the names the pages read, and
others) and, for forms, random values in every field the page's form has, as a persona the
page is for. Whatever it sends, the answer is never a server error: a page, a redirect, or a
4xx that says what was wrong. Pages that run the solver (plan runs, what-ifs) get their
parameters fuzzed but not their solves repeated.

More examples: HYPOTHESIS_PROFILE=thorough (200 per page).
"""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PERSONAS, World
from tests.test_permission_matrix import MATRIX, Row

settings.register_profile(
    "pages",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
settings.register_profile("thorough", parent=settings.get_profile("pages"), max_examples=200)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "pages")

# Pages without child data, and actions whose every example would run the solver or send
# a batch of mail: their inputs are covered by the other rows and by their own tests.
SKIPPED = {
    "home", "support_home", "state_home", "organization_home", "program_overview",
    "plan_run", "whatif_enroll", "whatif_staffing", "whatif_rank", "plan_accept",
    "state_continuity", "state_continuity_csv", "organization_continuity", "training_feed",
}  # fmt: skip
SKIPPED_PREFIXES = ("training_", "workforce_")  # the training and workforce apps' own tests
# A POST that would remove the very record the next examples need.
SKIPPED_POSTS = {"child_delete", "guardian_delete"}

# The names the views read (attune.lib.params) and the forms' fields, so examples hit them.
KNOWN = ["on", "room", "page", "q", "kind", "next", "part", "what", "measure", "entry",
         "format", "state", "download", "status", "tap", "action", "withdraw",
         "confirm_name", "plan", "child", "caregiver", "to_group", "primary", "decision",
         "note", "text", "at_time", "until_time", "amount_ml"]  # fmt: skip

NASTY = [
    "", "0", "-1", "1", "2026-02-31", "0001-01-01", "9999-12-31", "1900-01-01",
    "99999999999999999999", str(2**63), "-9223372036854775809", "1e309", "NaN", "\x00",
    "a\r\nBcc: x@evil.example", "=HYPERLINK(\"http://x\")", "[" * 200, "{" * 5000,
    '{"groups": [{"id": null}]}', "null", "../../etc/passwd", "<script>alert(1)</script>",
    "on", "x" * 6000, "\u202e\u2066", "🙂" * 50, "javascript:alert(1)", "//evil.example/",
    "bottle:99999", "diaper:", "mood:happy", "12:61", "25:00", "accept", "import",
]  # fmt: skip

values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
)
names = st.one_of(st.sampled_from(KNOWN), st.text(min_size=1, max_size=12))


def _persona(row: Row) -> str | None:
    """A persona the page is for (not refused, not anonymous)."""
    for persona in PERSONAS:
        if persona != "anonymous" and row.expected[persona] not in (302, 403, 404):
            return persona
    for persona in PERSONAS:  # actions that redirect when done
        if persona != "anonymous" and row.expected[persona] == 302:
            return persona
    return None


def _rows() -> list[Row]:
    rows = []
    for row in MATRIX:
        if row.name in SKIPPED or row.name.startswith(SKIPPED_PREFIXES):
            continue
        if row.method == "post" and row.name in SKIPPED_POSTS:
            continue
        if _persona(row) is not None:
            rows.append(row)
    return rows


FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _fields(client: Client, url: str) -> list[str]:
    """The names of the fields of the page's forms (what a POST to it would carry)."""
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    found = set(FIELD.findall(response.content.decode())) - {"csrfmiddlewaretoken"}
    return sorted(found)


@pytest.mark.parametrize("row", _rows(), ids=str)
def test_random_input_never_makes_a_server_error(world: World, row: Row) -> None:
    persona = _persona(row)
    assert persona is not None
    url = reverse(row.name, kwargs=row.kwargs(world))
    client = world.client(persona)
    fields = _fields(client, url) if row.method == "post" else []
    form_names = st.one_of(st.sampled_from(fields), names) if fields else names

    @settings(settings.get_profile(PROFILE))
    @given(
        query=st.dictionaries(names, values, max_size=4),
        form=st.dictionaries(form_names, values, max_size=max(4, len(fields))),
        htmx=st.booleans(),
    )
    def check(query: dict[str, str], form: dict[str, str], htmx: bool) -> None:
        headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        if row.method == "get":
            response = client.get(url, query, **headers)
        else:
            target = url + ("?" + _encode(query) if query else "")
            response = client.post(target, form, **headers)
        assert response.status_code < 500, (row.name, query, form)

    check()


def _encode(query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(query)


@pytest.mark.parametrize("row", [r for r in _rows() if r.method == "get"], ids=str)
def test_ids_past_every_database_integer_are_not_found(world: World, row: Row) -> None:
    """A 20-digit id in the path is a 404 (or 400), on SQLite and PostgreSQL alike."""
    kwargs = row.kwargs(world)
    numeric = [k for k, v in kwargs.items() if isinstance(v, int)]
    if not numeric:
        pytest.skip("no id in the path")
    persona = _persona(row)
    assert persona is not None
    client = world.client(persona)
    for huge in (2**63, 10**20):
        for key in numeric:
            response = client.get(reverse(row.name, kwargs={**kwargs, key: huge}))
            assert response.status_code in (400, 403, 404), (key, huge, response.status_code)
