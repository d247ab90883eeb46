"""Pages with child data are never cached and run under a strict Content-Security-Policy
(issue 14, finding 8). The browser check of the policy is tests/e2e/test_csp.py."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from tests.conftest import World

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "attune" / "templates"
EMAIL_ONLY = {"care/day_summary_email.html"}  # mail clients, not the site: inline styles are usual


def test_child_pages_are_not_cached(world: World) -> None:
    for persona, name, kwargs in (
        ("director", "child_detail", {"child_id": world.child.pk}),
        ("family", "child_day", {"child_id": world.child.pk}),
        ("caregiver", "care_record", {"program_id": world.program.pk}),
        ("director", "export_csv", {"program_id": world.program.pk, "kind": "children"}),
    ):
        response = world.client(persona).get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_every_page_has_a_strict_content_security_policy(world: World) -> None:
    for response in (
        world.client("anonymous").get(reverse("accounts:login")),
        world.client("director").get(reverse("plan_board", args=[world.program.pk])),
    ):
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in policy


def test_templates_have_no_inline_script_style_or_handler() -> None:
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\bhx-on[:-]|\sstyle\s*=|<style\b", re.I
    )
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)!r}"
        for path in TEMPLATES.rglob("*.html")
        if str(path.relative_to(TEMPLATES)) not in EMAIL_ONLY
        for match in inline.finditer(path.read_text())
    ]
    assert not offenders, offenders
