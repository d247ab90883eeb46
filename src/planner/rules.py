"""Licensing rule sets as data: loading, checking, and reading them.

A rule set is a JSON object (format "attune.rules/1", documented in docs/rulesets.md). The
built-in ones live in planner/rulesets/<id>.json, each with its citation. A user can write
their own jurisdiction's rules in the same format; a malformed one raises RuleSetError
naming the field.

This module only reads the data (which band an age falls in, how many staff a band needs
for n children). How a mixed-age group is judged is implemented twice, independently: by
the CP-SAT model (planner.cpsat) and by the validator (planner.validate).
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from importlib import resources
from typing import Any

FORMAT = "attune.rules/1"
METHODS = ("youngest", "majority", "weighted")
BUILT_IN = ("cfoc-center", "cfoc-fcc-small", "ehs-center", "pitc", "naeyc-2008")


class RuleSetError(ValueError):
    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class Tier:
    """Up to `max_group` children: one staff per `ratio` children, or exactly `staff`."""

    max_group: int
    ratio: Fraction | None = None
    staff: int | None = None

    def staff_for(self, n: int) -> int:
        if n == 0:
            return 0
        if self.staff is not None:
            return self.staff
        assert self.ratio is not None
        return math.ceil(Fraction(n) / self.ratio)


@dataclass(frozen=True)
class Band:
    id: str
    label: str
    min_months: int
    max_months: int
    tiers: tuple[Tier, ...]

    @property
    def max_group(self) -> int:
        return self.tiers[-1].max_group

    @property
    def ratio(self) -> Fraction:
        """Children per staff member at the band's largest group (used by `weighted`)."""
        last = self.tiers[-1]
        if last.ratio is not None:
            return last.ratio
        assert last.staff is not None
        return Fraction(last.max_group, last.staff)

    def staff_for(self, n: int) -> int | None:
        """Staff needed for n children of this band alone; None when n exceeds the group."""
        for tier in self.tiers:
            if n <= tier.max_group:
                return tier.staff_for(n)
        return None

    def contains(self, months: int) -> bool:
        return self.min_months <= months <= self.max_months


@dataclass(frozen=True)
class Limit:
    """At most `max` children younger than `under_months` per caregiver on shift (or group)."""

    under_months: int
    max: int
    per: str  # "caregiver" or "group"


@dataclass(frozen=True)
class MixedGroup:
    """A rule that replaces the bands' rules when a group holds children of several bands."""

    ratio: Fraction
    max_group: int

    def staff_for(self, n: int) -> int | None:
        if n > self.max_group:
            return None
        return math.ceil(Fraction(n) / self.ratio)


@dataclass(frozen=True)
class RuleSet:
    id: str
    name: str
    citation: str
    effective: date
    mixed_age: str
    bands: tuple[Band, ...]
    notes: str = ""
    limits: tuple[Limit, ...] = ()
    mixed_group: MixedGroup | None = None
    allowances: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def band_for(self, months: int) -> Band | None:
        for band in self.bands:
            if band.contains(months):
                return band
        return None

    def band_index(self, months: int) -> int | None:
        for i, band in enumerate(self.bands):
            if band.contains(months):
                return i
        return None

    @property
    def monotone(self) -> bool:
        """True when fewer children never need more staff or a smaller group.

        Then a moment whose children are a subset of another's (and whose staff a superset)
        can be skipped when checking. Holds for `weighted`, and for `youngest` when each
        older band is at most as strict as the younger ones and no mixed-group rule exists.
        """
        if self.mixed_group is not None:
            return False
        if self.mixed_age == "weighted":
            return True
        if self.mixed_age != "youngest":
            return False
        for younger, older in zip(self.bands, self.bands[1:], strict=False):
            if older.max_group < younger.max_group:
                return False
            for n in range(1, younger.max_group + 1):
                a, b = younger.staff_for(n), older.staff_for(n)
                if a is None or b is None or b > a:
                    return False
        for band in self.bands:
            needs = [band.staff_for(n) or 0 for n in range(band.max_group + 1)]
            if any(x > y for x, y in itertools.pairwise(needs)):
                return False
        return True

    def to_json(self) -> dict[str, Any]:
        return dict(self.source)


# -- loading -----------------------------------------------------------------------------


def _require(obj: dict[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise RuleSetError(f"{where}.{key}" if where else key, "is missing")
    return obj[key]


def _int(value: Any, where: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleSetError(where, f"must be a whole number, not {value!r}")
    if value < minimum:
        raise RuleSetError(where, f"must be at least {minimum}, not {value}")
    return value


def _ratio(value: Any, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RuleSetError(where, f"must be a number of children per staff member, not {value!r}")
    try:
        ratio = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise RuleSetError(where, f"must be a number like 4 or 8.5, not {value!r}") from None
    if ratio <= 0:
        raise RuleSetError(where, "must be more than 0")
    return ratio


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleSetError(where, "must be a non-empty text")
    return value


def _tier(obj: Any, where: str) -> Tier:
    if not isinstance(obj, dict):
        raise RuleSetError(where, "must be an object with max_group and ratio (or staff)")
    max_group = _int(_require(obj, "max_group", where), f"{where}.max_group", minimum=1)
    has_ratio, has_staff = "ratio" in obj, "staff" in obj
    if has_ratio == has_staff:
        raise RuleSetError(where, "must give either ratio or staff (not both)")
    if has_ratio:
        return Tier(max_group, ratio=_ratio(obj["ratio"], f"{where}.ratio"))
    return Tier(max_group, staff=_int(obj["staff"], f"{where}.staff", minimum=1))


def _band(obj: Any, where: str) -> Band:
    if not isinstance(obj, dict):
        raise RuleSetError(where, "must be an object")
    band_id = _str(_require(obj, "id", where), f"{where}.id")
    low = _int(_require(obj, "min_months", where), f"{where}.min_months")
    high = _int(_require(obj, "max_months", where), f"{where}.max_months")
    if high < low:
        raise RuleSetError(f"{where}.max_months", f"must be at least min_months ({low})")
    if "tiers" in obj:
        if "ratio" in obj or "max_group" in obj:
            raise RuleSetError(where, "give either tiers or ratio and max_group, not both")
        raw = obj["tiers"]
        if not isinstance(raw, list) or not raw:
            raise RuleSetError(f"{where}.tiers", "must be a non-empty list")
        tiers = tuple(_tier(t, f"{where}.tiers[{i}]") for i, t in enumerate(raw))
        sizes = [t.max_group for t in tiers]
        if sizes != sorted(set(sizes)):
            raise RuleSetError(f"{where}.tiers", "max_group must increase from tier to tier")
    else:
        max_group = _int(_require(obj, "max_group", where), f"{where}.max_group", minimum=1)
        tiers = (Tier(max_group, ratio=_ratio(_require(obj, "ratio", where), f"{where}.ratio")),)
    label = obj.get("label") or f"{low}–{high} months"
    return Band(band_id, _str(label, f"{where}.label"), low, high, tiers)


def parse_rule_set(obj: Any) -> RuleSet:
    """A rule set from its JSON object; RuleSetError names the first field that is wrong."""
    if not isinstance(obj, dict):
        raise RuleSetError("", "a rule set must be a JSON object")
    fmt = obj.get("format", FORMAT)
    if fmt != FORMAT:
        raise RuleSetError("format", f"must be {FORMAT!r}, not {fmt!r}")
    known = {
        "format", "id", "name", "citation", "effective", "notes", "mixed_age", "bands",
        "limits", "mixed_group", "allowances",
    }  # fmt: skip
    unknown = sorted(set(obj) - known)
    if unknown:
        raise RuleSetError(
            unknown[0], f"is not a rule-set field (known: {', '.join(sorted(known))})"
        )
    rule_id = _str(_require(obj, "id", ""), "id")
    name = _str(_require(obj, "name", ""), "name")
    citation = _str(_require(obj, "citation", ""), "citation")
    try:
        effective = date.fromisoformat(_str(_require(obj, "effective", ""), "effective"))
    except ValueError:
        raise RuleSetError("effective", "must be a date YYYY-MM-DD") from None
    method = _require(obj, "mixed_age", "")
    if method not in METHODS:
        raise RuleSetError("mixed_age", f"must be one of {', '.join(METHODS)}, not {method!r}")
    raw_bands = _require(obj, "bands", "")
    if not isinstance(raw_bands, list) or not raw_bands:
        raise RuleSetError("bands", "must be a non-empty list")
    bands = tuple(_band(b, f"bands[{i}]") for i, b in enumerate(raw_bands))
    ordered = sorted(bands, key=lambda b: b.min_months)
    if list(ordered) != list(bands):
        raise RuleSetError("bands", "must be listed from the youngest to the oldest")
    for i, (a, b) in enumerate(itertools.pairwise(bands)):
        if b.min_months <= a.max_months:
            raise RuleSetError(
                f"bands[{i + 1}].min_months",
                f"overlaps the band before it (which ends at {a.max_months} months)",
            )
    if len({b.id for b in bands}) != len(bands):
        raise RuleSetError("bands", "band ids must be different")
    limits = []
    for i, raw in enumerate(obj.get("limits", [])):
        where = f"limits[{i}]"
        if not isinstance(raw, dict):
            raise RuleSetError(where, "must be an object with under_months, max and per")
        per = raw.get("per", "caregiver")
        if per not in ("caregiver", "group"):
            raise RuleSetError(f"{where}.per", f"must be caregiver or group, not {per!r}")
        limits.append(
            Limit(
                _int(_require(raw, "under_months", where), f"{where}.under_months", minimum=1),
                _int(_require(raw, "max", where), f"{where}.max"),
                per,
            )
        )
    mixed_group = None
    if "mixed_group" in obj:
        raw = obj["mixed_group"]
        if not isinstance(raw, dict):
            raise RuleSetError("mixed_group", "must be an object with ratio and max_group")
        mixed_group = MixedGroup(
            _ratio(_require(raw, "ratio", "mixed_group"), "mixed_group.ratio"),
            _int(_require(raw, "max_group", "mixed_group"), "mixed_group.max_group", minimum=1),
        )
    allowances = obj.get("allowances", {})
    if not isinstance(allowances, dict):
        raise RuleSetError("allowances", "must be an object")
    notes = obj.get("notes", "")
    if not isinstance(notes, str):
        raise RuleSetError("notes", "must be text")
    return RuleSet(
        id=rule_id,
        name=name,
        citation=citation,
        effective=effective,
        mixed_age=method,
        bands=bands,
        notes=notes,
        limits=tuple(limits),
        mixed_group=mixed_group,
        allowances=allowances,
        source=obj,
    )


def load_built_in(rule_id: str) -> RuleSet:
    if rule_id not in BUILT_IN:
        raise RuleSetError("", f"unknown rule set {rule_id!r}; built in: {', '.join(BUILT_IN)}")
    text = resources.files("planner.rulesets").joinpath(f"{rule_id}.json").read_text("utf-8")
    return parse_rule_set(json.loads(text))


def load(spec: str | dict[str, Any]) -> RuleSet:
    """A built-in rule set by name, or an inline rule-set object."""
    if isinstance(spec, str):
        return load_built_in(spec)
    return parse_rule_set(spec)
