"""Free text has limits and no control characters; posted JSON is bounded (issue 14, finding 6).

The limits live in attune.lib.text (every form derives LimitedForm, every audited save checks
them); posted JSON goes through attune.lib.safejson.
"""

from __future__ import annotations

import inspect
import json
import pkgutil
from importlib import import_module

import pytest
from django import forms
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

import attune
from attune.care import services as care_services
from attune.care.models import CarePlan
from attune.lib import safejson, text
from attune.lib.audit import save_audited
from attune.programs import imports
from attune.programs.models import Child, Family
from tests.conftest import World
from tests.plans.helpers import planned
from tests.programs.test_imports import CHILD_HEADER, child_row, csv_bytes

HUGE = "x" * 100_000


def _project_forms() -> list[type[forms.BaseForm]]:
    found = []
    for module in pkgutil.walk_packages(attune.__path__, "attune."):
        if ".migrations" in module.name or module.name.endswith("settings"):
            continue
        loaded = import_module(module.name)
        for _name, obj in inspect.getmembers(loaded, inspect.isclass):
            if (
                issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.name
                and obj is not text.LimitedForm
            ):
                found.append(obj)
    return found


def test_every_form_of_the_project_has_the_limits() -> None:
    classes = _project_forms()
    assert len(classes) > 30
    missing = [
        f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, text.LimitedForm)
    ]
    assert not missing, f"forms without attune.lib.text.LimitedForm: {missing}"


class Sample(text.LimitedForm, forms.Form):
    name = forms.CharField()
    notes = forms.CharField(widget=forms.Textarea, required=False)
    code = forms.CharField(max_length=10, required=False)


def test_limited_forms_bound_every_text_field_and_clean_control_characters() -> None:
    form = Sample()
    assert form.fields["name"].max_length == text.LINE_MAX
    assert form.fields["notes"].max_length == text.TEXT_MAX
    assert form.fields["code"].max_length == 10
    bound = Sample({"name": " Ana\r\nMaría\x00\x1b[31m\u2028 ", "notes": "one\r\ntwo\tthree\x07"})
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["name"] == "Ana María[31m"
    assert bound.cleaned_data["notes"] == "one\ntwo\tthree"
    too_long = Sample({"name": "x", "notes": "y" * (text.TEXT_MAX + 1)})
    assert not too_long.is_valid() and "notes" in too_long.errors


def test_a_name_typed_with_a_line_break_is_stored_on_one_line(world: World) -> None:
    client = world.client("director")
    url = reverse("child_edit", args=[world.child.pk])
    child = world.child
    response = client.post(
        url,
        {
            "first_name": "Ana", "last_name": "Lopez", "preferred_name": "Anita\nBcc: x@evil.example",
            "birth_date": child.birth_date.isoformat(), "family": child.family_id,
            "enrollment_start": child.enrollment_start.isoformat(), "room": child.room_id,
            "primary_caregiver": child.primary_caregiver_id, "schedule": "mon-fri 08:00-16:30",
            "home_languages": "es, en",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Child.objects.get(pk=child.pk).preferred_name == "Anita Bcc: x@evil.example"


def test_the_summary_email_survives_a_name_stored_with_a_line_break(world: World) -> None:
    """Even a name written before these rules (or straight into the database) cannot break
    the email's headers."""
    Child.objects.filter(pk=world.child.pk).update(preferred_name="Anita\r\nBcc: x@evil.example")
    response = world.client("family").post(reverse("day_email", args=[world.child.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.to == ["rosa@example.org"] and not message.bcc


@pytest.mark.parametrize(
    ("name", "field", "extra"),
    [
        ("family_edit", "notes", {"code": "F-1", "name": "Lopez", "preferred_language": "es"}),
        ("ifsp_edit", "services", {"outcomes": "Walks with support"}),
    ],
)
def test_a_hundred_thousand_characters_are_refused(
    world: World, name: str, field: str, extra: dict[str, str]
) -> None:
    kwargs = (
        {"family_id": world.family.pk} if name == "family_edit" else {"child_id": world.child.pk}
    )
    response = world.client("director").post(reverse(name, kwargs=kwargs), {**extra, field: HUGE})
    assert response.status_code == 400
    assert "at most" in response.content.decode()
    assert Family.objects.get(pk=world.family.pk).notes == ""


def test_a_care_plan_of_a_hundred_thousand_characters_is_refused(world: World) -> None:
    url = reverse("care_plan_edit", args=[world.child.pk])
    response = world.client("director").post(url, {"feeding_notes": HUGE})
    assert response.status_code == 400
    assert not CarePlan.objects.filter(child=world.child).exists()


def test_services_refuse_text_past_its_limit(world: World) -> None:
    """Writes outside forms (imports, commands) meet the same limit in save_audited."""
    family = Family.objects.get(pk=world.family.pk)
    family.notes = HUGE
    with pytest.raises(ValidationError) as raised:
        save_audited(family, None)
    assert "notes" in raised.value.error_dict
    with pytest.raises(ValidationError):
        care_services.save_care_plan(actor=None, child=world.child, data={"comforting": HUGE})


def test_imports_refuse_long_notes_and_clean_names(world: World) -> None:
    rows = [
        CHILD_HEADER,
        child_row(first_name="Eva\x1b\x07", medical_notes=HUGE),
        child_row(first_name="Luz\tMaría", last_name="Paz", allergies="eggs\r\nmilk"),
    ]
    report = imports.preview(
        program=world.program, kind="children", data=csv_bytes(rows), filename="c.csv"
    )
    assert [(e.line, e.column) for e in report.errors] == [(2, "medical_notes")]
    assert "5000" in report.errors[0].reason
    good = csv_bytes([CHILD_HEADER, rows[2]])
    report, plan = imports.check(
        program=world.program, kind="children", text=good.decode(), encoding="utf-8"
    )
    assert not report.errors
    assert plan[0]["first_name"] == "Luz María" and plan[0]["allergies"] == "eggs\nmilk"


# -- posted JSON --------------------------------------------------------------------------------


def test_safe_json_refuses_deep_large_and_broken_documents() -> None:
    assert (
        safejson.loads('{"groups": [{"id": "g1", "children": ["c1"]}]}')["groups"][0]["id"] == "g1"
    )
    assert safejson.depth('{"a": "[[[[[[", "b": [1, [2]]}') == 3
    for bad in ("[" * 100_000, "[" * 33 + "]" * 33, "x" * (safejson.MAX_BYTES + 1), "{", "\x00"):
        with pytest.raises(safejson.UnsafeJSON):
            safejson.loads(bad)


def test_a_deeply_nested_plan_posted_to_the_board_is_a_400(world: World) -> None:
    run = planned(world)
    client = world.client("director")
    args = [world.program.pk, run.pk]
    for name in ("plan_save", "plan_move"):
        response = client.post(
            reverse(name, args=args), {"plan": "[" * 100_000, "to_group": "g", "child": "c"}
        )
        assert response.status_code == 400
        assert "nested too deeply" in response.content.decode()
    huge = json.dumps({"groups": [], "pad": "x" * (safejson.MAX_BYTES + 10)})
    assert client.post(reverse("plan_save", args=args), {"plan": huge}).status_code == 400
