"""A care plan in the family's language (issue #19): choices (sleep position, feeding) in
each reader's language; free text marked with the language it was written in, and written
in a second language for the family."""

from __future__ import annotations

from django.urls import reverse

from attune.care import services
from tests.conftest import World


def _spanish(world: World) -> None:
    family = world.users["family"]
    family.preferred_language = "es"
    family.save(update_fields=["preferred_language"])


def test_staff_write_in_english_and_spanish_the_family_reads_spanish(world: World) -> None:
    _spanish(world)
    director = world.client("director")
    form = {
        "feeding_kinds": ["formula"], "feeding_pattern": "cue", "sleep_position": "back",
        "falling_asleep": "Rocked, then laid down awake", "text_language": "en",
        "second_language": "es", "second_falling_asleep": "Mecerla y acostarla despierta",
        "seen_version": "0", "words_language": "es",
    }  # fmt: skip
    response = director.post(reverse("care_plan_edit", args=[world.child.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = services.current_plan(world.child)
    assert plan is not None and plan.second_text == {
        "falling_asleep": "Mecerla y acostarla despierta"
    }
    page = world.client("family").get(reverse("care_plan", args=[world.child.pk]))
    body = page.content.decode()
    assert "Mecerla y acostarla despierta" in body
    assert 'lang="es"' in body and "escrito en español" in body.lower()
    assert "boca arriba" in body.lower()  # the sleep position, a choice, in Spanish
    assert "Rocked, then laid down awake" in body  # the original, one click away
    staff_page = director.get(reverse("care_plan", args=[world.child.pk])).content.decode()
    assert "written in English" in staff_page


def test_a_plan_without_a_second_language_says_which_language_it_is_in(world: World) -> None:
    _spanish(world)
    services.save_care_plan(
        actor=None, child=world.child, data={"comforting": "Su mantita", "text_language": "es"}
    )
    body = world.client("director").get(reverse("care_plan", args=[world.child.pk])).content
    assert "Su mantita" in body.decode() and "written in Spanish" in body.decode()
