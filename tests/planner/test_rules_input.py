"""Bad rule files get a message naming the field and change nothing (issue #15): unknown keys,
contradictions, absurd numbers (1e30, 5,000-digit integers), deep nesting; attune.rules/1
files and built-in names keep working."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from planner import io, rules
from planner.cli import main

GOOD: dict[str, Any] = {
    "format": "attune.rules/2",
    "id": "xx",
    "name": "Example",
    "citation": "Example code",
    "effective": "2026-07-01",
    "mixed_age": "youngest",
    "bands": [
        {"id": "infant", "min_months": 0, "max_months": 11, "ratio": 4, "max_group": 8},
        {
            "id": "toddler",
            "min_months": 12,
            "max_months": 35,
            "tiers": [{"max_group": 6, "ratio": 3}, {"max_group": 8, "staff": 3}],
        },
    ],
}


def changed(path: str, value: Any) -> str:
    """GOOD as JSON text with the value at `path` (dots and [i]) replaced by `value` (raw
    JSON text)."""
    data = copy.deepcopy(GOOD)
    marker = "__VALUE__"
    target: Any = data
    keys = path.replace("[", ".").replace("]", "").split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if last.isdigit():
        target[int(last)] = marker
    else:
        target[last] = marker
    return json.dumps(data).replace(f'"{marker}"', value)


CASES = [
    ("unknown key", changed("bands[0].max_grup", "8"), "bands[0].max_grup", "is not a field"),
    ("unknown top key", changed("ratio", "4"), "ratio", "is not a field"),
    (
        "tier larger than the cap",
        changed("bands[1].max_group", "7"),
        "bands[1].tiers[1].max_group",
        "larger than the group size cap",
    ),
    ("tiers not increasing", changed("bands[1].tiers[1].max_group", "5"), "bands[1].tiers[1].max_group", "increase"),
    ("overlapping bands", changed("bands[1].min_months", "11"), "bands[1].min_months", "overlaps"),
    ("1e30 ratio", changed("bands[0].ratio", "1e30"), "bands[0].ratio", "at most 1000"),
    ("1e30 group", changed("bands[0].max_group", "1e30"), "bands[0].max_group", "whole number"),
    ("huge integer", changed("bands[0].max_group", "9" * 5000), "bands[0].max_group", "5000 digits"),
    ("negative", changed("bands[0].max_group", "-3"), "bands[0].max_group", "between 1 and"),
    ("NaN", changed("bands[0].ratio", "NaN"), "", "not a number JSON allows"),
    ("deep nesting", changed("notes", "[" * 100 + "]" * 100), "notes", "nested too deeply"),
    ("very deep nesting", changed("notes", "[" * 100_000 + "]" * 100_000), "", "nested too deeply"),
    ("weeks in /1", changed("format", '"attune.rules/1"').replace('"min_months": 0', '"min_weeks": 6'), "bands[0].min_weeks", "needs format"),
    ("unknown method", changed("mixed_age", '"eldest"'), "mixed_age", "must be one of"),
    ("unknown category", changed("compositions", '[{"staff": 1, "options": [{"babies": 2}]}]'), "compositions[0].options[0].babies", "not a category"),
    ("condition both", changed("conditions", '[{"staff_with": "cpr", "children_with": "walking", "at_least": 1}]'), "conditions[0]", "either staff_with or children_with"),
    ("relief of unknown band", changed("during", '[{"period": "nap", "bands": {"twos": {"ratio": 6, "max_group": 12}}}]'), "during[0].bands.twos", "not a band"),
    ("weighted with staff", changed("mixed_age", '"weighted"'), "bands[1].tiers[1].staff", "weighted"),
    ("not JSON", "{not json", "", "not valid JSON"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "where", "says"), CASES, ids=[c[0] for c in CASES])
def test_bad_rule_files_name_the_field(name: str, text: str, where: str, says: str) -> None:
    with pytest.raises(rules.RuleSetError) as refused:
        rules.loads(text)
    assert (
        refused.value.where.startswith(where)
        if name == "deep nesting"
        else (refused.value.where == where)
    )
    assert says in refused.value.message


@pytest.mark.parametrize(
    ("name", "text", "where", "says"), CASES[:9], ids=[c[0] for c in CASES[:9]]
)
def test_cli_exits_2_naming_the_field(
    name: str, text: str, where: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rules.json"
    path.write_text(text)
    assert main(["rules", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert where in err and says in err


def test_a_bad_inline_rule_set_in_a_problem_names_its_path() -> None:
    problem = {
        "as_of": "2026-12-01",
        "program": {"rules": "cfoc-center", "extra_rules": ["pitc", json.loads(changed("bands[0].max_grup", "8"))]},
        "rooms": [{"id": "r1", "capacity": 8}],
        "children": [],
        "caregivers": [],
    }  # fmt: skip
    with pytest.raises(io.InvalidInput) as refused:
        io.parse_problem(problem)
    assert str(refused.value).startswith("program.extra_rules[1].bands[0].max_grup: ")
    text = json.dumps(problem).replace('"max_grup": 8', '"max_grup": ' + "9" * 5000)
    with pytest.raises(io.InvalidInput) as refused:
        io.loads_problem(text)
    assert "program.extra_rules[1].bands[0].max_grup" in str(refused.value)


def test_version_1_files_and_built_in_names_keep_working() -> None:
    v1 = copy.deepcopy(GOOD)
    v1["format"] = "attune.rules/1"
    v1["mixed_group"] = {"ratio": 4, "max_group": 8}
    parsed = rules.parse_rule_set(v1)
    assert parsed.format == "attune.rules/1"
    assert parsed.mixed_group is not None and not parsed.mixed_group.floor  # /1 unchanged
    for name in rules.BUILT_IN:
        assert rules.load(name).id == name
    assert main(["rules", "check", *rules.BUILT_IN]) == 0


def test_rules_bench_says_what_a_group_needs(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["rules", "bench", "cfoc-center", "ehs-center", "--ages", "5,20", "--staff", "1"]) == 1
    )
    out = capsys.readouterr().out
    assert "[ok] cfoc-center (Standard 1.1.1.2): 1 caregiver" in out
    assert "[BREAKS] ehs-center (45 CFR 1302.21(b)(2)): 2 caregivers" in out
    assert "Caregivers needed: 2" in out
    assert main(["rules", "bench", "pitc", "--ages", "8w,4", "--staff", "2"]) == 0
    assert main(["rules", "bench", "pitc", "--ages", "banana"]) == 2
