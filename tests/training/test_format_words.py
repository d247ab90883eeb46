"""Issue 19, polish: a TfT request's preferred format is said in words, never as its code."""

from __future__ import annotations

from django.utils import translation

from attune.training.models import TftEvent, TftRequest


def test_preferred_format_is_said_in_words() -> None:
    request = TftRequest(preferred_format=TftEvent.Format.IN_PERSON)
    assert request.preferred_format_label == "in person (2 days)"
    with translation.override("es"):
        assert "_" not in request.preferred_format_label
    assert TftRequest(preferred_format="").preferred_format_label == ""
