"""Two people editing the same record: the later save never silently overwrites the earlier
one (issue #14, finding 2).

Each case opens the edit form in two browsers (clients), saves a change from the first, then
a different change from the second. The second is refused with 409, shows what the first
changed, keeps the second person's input, and saving again applies it over the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.forms import BaseForm
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.care import services as care_services
from attune.care.models import CareEntry, CarePlan, Ifsp
from attune.programs import services
from attune.programs.models import Caregiver, Child, Family, Guardian, WaitlistEntry
from tests.care.helpers import midday
from tests.conftest import World


def form_data(form: BaseForm) -> dict[str, Any]:
    """What a browser sends back for an untouched form: every field's shown value."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            data[bound.html_name] = "on"
            continue
        value = bound.field.prepare_value(value)
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif hasattr(value, "isoformat"):
            data[bound.html_name] = value.isoformat()[: 5 if hasattr(value, "hour") else 10]
        else:
            data[bound.html_name] = str(value)
    return data


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[World], str]
    field: str  # the field both people change
    stored: Callable[[World], str]  # the stored value of that field


def _ifsp(w: World) -> str:
    if not Ifsp.objects.filter(child=w.child).exists():
        care_services.save_ifsp(
            actor=None, child=w.child, data={"outcomes": "Walks", "services": "PT weekly"}
        )
    return reverse("ifsp_edit", kwargs={"child_id": w.child.pk})


def _care_plan(w: World) -> str:
    if not CarePlan.objects.filter(child=w.child).exists():
        care_services.save_care_plan(actor=None, child=w.child, data={"feeding_notes": "On cue"})
    return reverse("care_plan_edit", kwargs={"child_id": w.child.pk})


def _waitlist(w: World) -> str:
    entry = WaitlistEntry.objects.filter(program=w.program).first()
    if entry is None:
        entry = services.save_waitlist_entry(
            actor=None,
            program=w.program,
            entry=None,
            data={
                "child_first_name": "Noor", "child_last_name": "Haddad",
                "birth_date": w.program.today(), "guardian_name": "Layla Haddad",
                "phone": "555-0199", "desired_start": w.program.today(),
            },
        )  # fmt: skip
    return reverse("waitlist_edit", kwargs={"program_id": w.program.pk, "entry_id": entry.pk})


def _entry(w: World) -> str:
    entry = CareEntry.objects.filter(child=w.child).first() or care_services.log_entry(
        actor=None,
        child=w.child,
        kind=CareEntry.Kind.NOTE,
        data={"at": timezone.now() - timedelta(minutes=30), "note": "Played with blocks"},
    )
    return reverse("care_correct", kwargs={"entry_id": entry.pk})


CASES = [
    Case(
        "child",
        lambda w: reverse("child_edit", kwargs={"child_id": w.child.pk}),
        "allergies",
        lambda w: Child.objects.get(pk=w.child.pk).allergies,
    ),
    Case(
        "caregiver",
        lambda w: reverse("caregiver_edit", kwargs={"caregiver_id": w.caregiver.pk}),
        "phone",
        lambda w: Caregiver.objects.get(pk=w.caregiver.pk).phone,
    ),
    Case(
        "family",
        lambda w: reverse("family_edit", kwargs={"family_id": w.family.pk}),
        "address",
        lambda w: Family.objects.get(pk=w.family.pk).address,
    ),
    Case(
        "guardian",
        lambda w: reverse(
            "guardian_edit", kwargs={"family_id": w.family.pk, "guardian_id": w.guardian.pk}
        ),
        "phone",
        lambda w: Guardian.objects.get(pk=w.guardian.pk).phone,
    ),
    Case(
        "waitlist",
        _waitlist,
        "notes",
        lambda w: WaitlistEntry.objects.get(program=w.program).notes,
    ),
    Case(
        "ifsp",
        _ifsp,
        "provider",
        lambda w: Ifsp.objects.get(child=w.child).provider,
    ),
    Case(
        "care plan",
        _care_plan,
        "feeding_notes",
        lambda w: CarePlan.objects.get(child=w.child, status=CarePlan.Status.CURRENT).feeding_notes,
    ),
    Case(
        "correction",
        _entry,
        "note",
        lambda w: (
            CareEntry.objects.filter(child=w.child).order_by("-created_at", "-pk").first().note  # type: ignore[union-attr]
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_stale_save_is_refused_and_can_be_reapplied(world: World, case: Case) -> None:
    midday(world.program)
    url = case.url(world)
    first, second = world.client("director"), Client()
    second.force_login(world.users["org_admin"])
    first_form = form_data(first.get(url).context["form"])
    second_form = form_data(second.get(url).context["form"])
    assert first_form.get("seen_version") not in (None, "")

    first_form[case.field] = "Changed by the first person"
    saved = first.post(url, first_form)
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    assert case.stored(world) == "Changed by the first person"

    second_form[case.field] = "Changed by the second person"
    refused = second.post(url, second_form)
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Someone else saved this record" in body
    assert "Changed by the first person" in body  # what changed meanwhile
    assert "Changed by the second person" in body  # their own input, kept
    assert case.stored(world) == "Changed by the first person"  # nothing overwritten

    again = form_data(refused.context["form"])
    assert again[case.field] == "Changed by the second person"
    reapplied = second.post(url, again)
    assert reapplied.status_code == 302
    assert case.stored(world) == "Changed by the second person"


def test_simultaneous_service_saves_from_one_version_let_only_one_through(world: World) -> None:
    from attune.lib.concurrency import StaleEdit

    seen = Child.objects.get(pk=world.child.pk).version
    services.update_child(
        actor=None, child=Child.objects.get(pk=world.child.pk), data={"allergies": "eggs"},
        seen_version=seen,
    )  # fmt: skip
    with pytest.raises(StaleEdit) as refused:
        services.update_child(
            actor=None, child=Child.objects.get(pk=world.child.pk), data={"allergies": "milk"},
            seen_version=seen,
        )  # fmt: skip
    assert refused.value.current_version == seen + 1
    assert Child.objects.get(pk=world.child.pk).allergies == "eggs"
