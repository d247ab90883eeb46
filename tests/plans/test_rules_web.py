"""Rule sets in the product (issue #15): a state administrator publishes dated versions
(every version kept; a bad file changes nothing and names the field), anyone signed in uses
the test bench, a program chooses its state's set plus extra sets, and its plan board shows
which groups break from the day a new version takes effect."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from attune.plans import adapter, rules_wording
from attune.programs import rulesets, services
from attune.programs.models import Program, PublishedRuleSet
from planner import rules
from tests.conftest import World
from tests.plans.helpers import ON, planned

pytestmark = pytest.mark.django_db

OREGON: dict[str, Any] = {
    "format": "attune.rules/2",
    "id": "or-ccc",
    "name": "Oregon certified child care centers (example)",
    "citation": "OAR 414-305-0400 (example for tests)",
    "effective": "2026-01-01",
    "mixed_age": "youngest",
    "sections": {"bands": "OAR 414-305-0400(2)"},
    "bands": [
        {"id": "infant", "min_weeks": 6, "max_months": 23, "ratio": 4, "max_group": 8},
        {"id": "toddler", "min_months": 24, "max_months": 71, "ratio": 5, "max_group": 10},
    ],
}


def version(effective: str, ratio: int = 4, max_group: int = 8) -> dict[str, Any]:
    doc = copy.deepcopy(OREGON)
    doc["effective"] = effective
    doc["bands"][0]["ratio"] = ratio
    doc["bands"][0]["max_group"] = max_group
    return doc


def publish(world: World, doc: dict[str, Any]) -> PublishedRuleSet:
    return services.publish_rule_set(
        actor=world.users["state_admin"], jurisdiction=world.jurisdiction, document=doc
    )


def test_every_version_is_kept_and_the_one_in_effect_is_by_date(world: World) -> None:
    v1 = publish(world, version("2026-01-01"))
    v2 = publish(world, version("2027-01-01", ratio=2, max_group=4))
    assert (v1.version, v2.version) == (1, 2)
    assert rulesets.in_effect(world.jurisdiction, "or-ccc", date(2026, 12, 31)) == v1
    assert rulesets.in_effect(world.jurisdiction, "or-ccc", date(2027, 1, 1)) == v2
    assert rulesets.in_effect(world.jurisdiction, "or-ccc", date(2025, 12, 31)) is None
    assert PublishedRuleSet.objects.count() == 2
    assert LogEntry.objects.get_for_object(v2).first().actor == world.users["state_admin"]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("bands.0.max_grup", 8, "bands[0].max_grup"),
        ("bands.0.ratio", 1e30, "bands[0].ratio"),
        ("bands.1.min_months", 20, "bands[1].min_months"),
        ("id", "cfoc-center", "id"),
    ],
)
def test_a_bad_rule_set_changes_nothing_and_names_the_field(
    world: World, path: str, value: Any, field: str
) -> None:
    doc = copy.deepcopy(OREGON)
    target: Any = doc
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    target[keys[-1]] = value
    with pytest.raises(services.RuleSetRefused) as refused:
        publish(world, doc)
    assert refused.value.field == field
    assert PublishedRuleSet.objects.count() == 0


def test_publishing_in_the_browser_upload_paste_and_form(world: World) -> None:
    client = world.client("state_admin")
    url = reverse("rules_publish", kwargs={"jurisdiction_id": world.jurisdiction.pk})
    upload = SimpleUploadedFile("or.json", json.dumps(OREGON).encode(), "application/json")
    response = client.post(url, {"upload": upload})
    assert response.status_code == 302
    # a 5,000-digit number: refused naming the field, nothing changed
    bad = json.dumps(OREGON).replace('"max_group": 8', '"max_group": ' + "9" * 5000)
    response = client.post(url, {"text": bad})
    assert response.status_code == 400
    assert "bands[0].max_group" in response.content.decode()
    response = client.post(url, {"text": '{"a":' * 200 + "1" + "}" * 200})
    assert response.status_code == 400 and "nested too deeply" in response.content.decode()
    assert PublishedRuleSet.objects.count() == 1
    # the form's fields
    response = client.post(
        url,
        {
            "rule_id": "or-fcc", "name": "Oregon family child care", "citation": "OAR 414-350",
            "effective": "2027-03-01", "mixed_age": "youngest",
            "band0_id": "all", "band0_min": 0, "band0_max": 155, "band0_ratio": "6",
            "band0_group": 6,
        },
    )  # fmt: skip
    assert response.status_code == 302
    made = PublishedRuleSet.objects.get(rule_id="or-fcc")
    assert made.document["bands"][0]["ratio"] == "6" and made.effective == date(2027, 3, 1)
    # a half-filled band row: the field is named, nothing is written
    response = client.post(
        url,
        {"rule_id": "or-x", "name": "X", "citation": "Y", "effective": "2027-03-01",
         "band0_id": "all", "band0_min": 0},
    )  # fmt: skip
    assert response.status_code == 400
    assert PublishedRuleSet.objects.filter(rule_id="or-x").count() == 0


@pytest.mark.parametrize("text", ["null", "[]", '"x"', "1e309", "[" * 150 + "]" * 150])
def test_json_that_is_not_a_rule_set_object_is_refused_with_a_message(
    world: World, text: str
) -> None:
    client = world.client("state_admin")
    url = reverse("rules_publish", kwargs={"jurisdiction_id": world.jurisdiction.pk})
    response = client.post(url, {"text": text})
    assert response.status_code == 400
    assert "The JSON is refused" in response.content.decode()
    assert PublishedRuleSet.objects.count() == 0


def test_an_upload_that_is_not_json_text_is_refused(world: World) -> None:
    client = world.client("state_admin")
    url = reverse("rules_publish", kwargs={"jurisdiction_id": world.jurisdiction.pk})
    png = SimpleUploadedFile("or.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png")
    response = client.post(url, {"upload": png})
    assert response.status_code == 400
    assert "not accepted here" in response.content.decode()
    assert PublishedRuleSet.objects.count() == 0


def test_only_the_states_own_administrator_publishes(world: World) -> None:
    other = reverse(
        "rules_publish", kwargs={"jurisdiction_id": world.other_program.jurisdiction_id}
    )
    assert world.client("state_admin").get(other).status_code == 403
    mine = reverse("rules_publish", kwargs={"jurisdiction_id": world.jurisdiction.pk})
    assert world.client("director").post(mine, {"text": json.dumps(OREGON)}).status_code == 403
    assert PublishedRuleSet.objects.count() == 0


def test_the_test_bench_says_what_a_group_needs_and_why(world: World) -> None:
    v1 = publish(world, version("2026-01-01"))
    client = world.client("family")  # anyone signed in
    response = client.get(
        reverse("rules_bench"),
        {"rule_sets": ["ehs-center", f"v{v1.pk}"], "ages": "5, 8w, 20", "staff": "1"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "ehs-center (45 CFR 1302.21(b)(2)): 2 caregivers for these children." in text
    assert "or-ccc (OAR 414-305-0400(2)): 1 caregiver for these children." in text
    assert "the youngest child present" in text  # why
    with translation.override("es"):
        answer = rules_wording.bench(
            [rules.load("ehs-center")],
            [rules.Member("1", rules.Age.from_months(5))],
            2,
            {},
            frozenset(),
        )
    assert answer.lines[0].headline.startswith("ehs-center (45 CFR 1302.21(b)(2)): 2 cuidadoras")
    bad = client.get(reverse("rules_bench"), {"rule_sets": ["pitc"], "ages": "banana"})
    assert bad.status_code == 400 and "banana" in bad.content.decode()


def test_a_program_chooses_its_states_set_and_extra_sets(world: World) -> None:
    publish(world, version("2026-01-01"))
    client = world.client("director")
    url = reverse("program_rules", kwargs={"program_id": world.program.pk})
    response = client.post(
        url, {"state_rules": "or-ccc", "rule_set": "", "extra_rules": ["ehs-center", "pitc"]}
    )
    assert response.status_code == 302
    program = Program.objects.get(pk=world.program.pk)
    assert (program.state_rules, program.rule_set) == ("or-ccc", "")
    assert program.extra_rules == ["ehs-center", "pitc"]
    data = adapter.problem_json(program, on=ON, rooms=[], children=[], caregivers=[])
    assert data["program"]["rules"]["id"] == "or-ccc"
    assert data["program"]["extra_rules"] == ["ehs-center", "pitc"]
    # nothing chosen is refused, and nothing changes
    response = client.post(url, {"state_rules": "", "rule_set": ""})
    assert response.status_code == 400
    assert Program.objects.get(pk=world.program.pk).state_rules == "or-ccc"


def test_the_board_shows_the_groups_that_break_from_a_new_versions_effective_date(
    world: World,
) -> None:
    run = planned(world)
    publish(world, version("2026-01-01"))
    services.set_program_rules(
        actor=world.users["director"], program=world.program, state_rules="or-ccc",
        rule_set="", extra_rules=[],
    )  # fmt: skip
    stricter = version("2027-01-01")
    stricter["bands"][0] = {"id": "infant", "min_weeks": 6, "max_months": 23,
                            "tiers": [{"max_group": 8, "staff": 3}]}  # fmt: skip
    publish(world, stricter)
    response = world.client("director").get(
        reverse("plan_board", kwargs={"program_id": world.program.pk})
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "or-ccc v2 takes effect" in text
    assert "break the rules from that day" in text or "breaks the rules from that day" in text
    group = next(g for g in run.plan["groups"] if g["children"])
    assert "or-ccc (OAR 414-305-0400(2)) needs 3 caregivers" in text
    assert group["id"]


def test_caregivers_credentials_are_their_qualifications(world: World) -> None:
    services.update_caregiver(
        actor=None, caregiver=world.caregiver, data={"credentials": ["cda", "infant_cpr"]}
    )
    problem, _names = adapter.problem_for(world.program, on=ON)
    mine = problem.caregiver(f"s{world.caregiver.pk}")
    assert mine.qualifications == ("cda", "infant_cpr")
