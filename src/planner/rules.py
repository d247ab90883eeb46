"""Licensing rule sets as data, and the one place that says what a rule requires.

A rule set is a JSON object (formats "attune.rules/1" and "attune.rules/2", documented in
docs/rules.md). The built-in ones live in planner/rulesets/<id>.json, each with its citation.
A state's licensing specialist can write their own in the same format; a malformed one raises
RuleSetError naming the field (planner.safejson reads the text without surprises: huge
numbers, deep nesting).

What a rule set requires of one group at one moment, given who is present (children with
their ages and attributes, caregivers with their qualifications) and which of the program's
declared periods (nap, arrival, …) are running, is computed here, once: ``assess`` returns
the parts of the rule set that apply, each with the staff it needs (or that no staff is
enough) and why. The validator, the explanations, the heatmap, the baselines and the
generator read rules through ``assess`` / ``staff_needed``; the CP-SAT model (planner.cpsat)
encodes the same reading as constraints from the same data, and the validator checks it.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from importlib import resources
from typing import Any

FORMAT = "attune.rules/2"
FORMAT_V1 = "attune.rules/1"
FORMATS = (FORMAT_V1, FORMAT)
METHODS = ("youngest", "majority", "weighted")
BUILT_IN = ("cfoc-center", "cfoc-fcc-small", "ehs-center", "pitc", "naeyc-2008")

# Sane bounds for every number a rule set holds: a group of 1,000 children or an age of
# 100 years is a typing error, and bounded numbers keep the models small.
MAX_CHILDREN = 1000
MAX_STAFF = 100
MAX_MONTHS = 1200
MAX_WEEKS = 5200
MAX_TEXT = 20_000
MAX_ITEMS = 200


class RuleSetError(ValueError):
    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


# -- ages ----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Age:
    """A child's age on a day: completed months and completed weeks (days // 7)."""

    months: int
    days: int

    @property
    def weeks(self) -> int:
        return self.days // 7

    @classmethod
    def of(cls, birth: date, on: date) -> Age:
        months = (on.year - birth.year) * 12 + on.month - birth.month
        if on.day < birth.day:
            months -= 1
        return cls(months, (on - birth).days)

    @classmethod
    def from_months(cls, months: int) -> Age:
        """An age given in months only (the middle of that month, for week bounds)."""
        return cls(months, int(months * 30.4375 + 15))


def _age(value: int | Age) -> Age:
    return value if isinstance(value, Age) else Age.from_months(value)


@dataclass(frozen=True)
class Bound:
    """One end of an age range: `value` completed months or weeks."""

    value: int
    unit: str  # "months" or "weeks"

    def of(self, age: Age) -> int:
        return age.months if self.unit == "months" else age.weeks

    @property
    def approx_days(self) -> float:
        return self.value * (30.4375 if self.unit == "months" else 7.0)

    def text(self) -> str:
        return f"{self.value} {self.unit}"


@dataclass(frozen=True)
class AgeRange:
    low: Bound
    high: Bound | None  # None: no upper end

    def contains(self, age: int | Age) -> bool:
        a = _age(age)
        return self.low.of(a) >= self.low.value and (
            self.high is None or self.high.of(a) <= self.high.value
        )


# -- the parts of a rule set ---------------------------------------------------------------


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
        # ceil(n / ratio) in whole numbers (exact, and the model builder calls it often)
        num, den = self.ratio.numerator, self.ratio.denominator
        return -(-n * den // num)

    @property
    def children_per_staff(self) -> Fraction:
        if self.ratio is not None:
            return self.ratio
        assert self.staff is not None
        return Fraction(self.max_group, self.staff)


def _tiers_staff_for(tiers: Sequence[Tier], n: int) -> int | None:
    for tier in tiers:
        if n <= tier.max_group:
            return tier.staff_for(n)
    return None


def _tier_at(tiers: Sequence[Tier], n: int) -> Tier:
    """The tier that applies to a group of n children (the last one past the largest)."""
    for tier in tiers:
        if n <= tier.max_group:
            return tier
    return tiers[-1]


@dataclass(frozen=True)
class Band:
    id: str
    label: str
    min_months: int  # the range in months (weeks bounds: the month they fall in)
    max_months: int
    tiers: tuple[Tier, ...]
    ages: AgeRange | None = None
    section: str = ""

    @property
    def max_group(self) -> int:
        return self.tiers[-1].max_group

    @property
    def ratio(self) -> Fraction:
        """Children per staff member at the band's largest group."""
        return self.tiers[-1].children_per_staff

    def ratio_at(self, n: int) -> Fraction:
        """Children per staff member for a group of n children (the tier n falls in)."""
        return _tier_at(self.tiers, n).children_per_staff

    def staff_for(self, n: int) -> int | None:
        """Staff needed for n children of this band alone; None when n exceeds the group."""
        return _tiers_staff_for(self.tiers, n)

    def contains(self, age: int | Age) -> bool:
        if self.ages is not None:
            return self.ages.contains(age)
        months = age.months if isinstance(age, Age) else age
        return self.min_months <= months <= self.max_months


@dataclass(frozen=True)
class Limit:
    """At most `max` children younger than `under_months` (or `under_weeks`) per caregiver on
    shift (or per group)."""

    under_months: int
    max: int
    per: str  # "caregiver" or "group"
    under_weeks: int | None = None
    section: str = ""

    def counts(self, age: int | Age) -> bool:
        a = _age(age)
        if self.under_weeks is not None:
            return a.weeks < self.under_weeks
        return a.months < self.under_months

    @property
    def under_text(self) -> str:
        if self.under_weeks is not None:
            return f"{self.under_weeks} weeks"
        return f"{self.under_months} months"


@dataclass(frozen=True)
class MixedGroup:
    """The rule for a group holding children of two or more bands (instead of the method).

    With `floor` ("loosest-band", the default of attune.rules/2) the group is never looser
    than every band in it: it needs at least the staff that the most lenient band present
    would need for the whole group, and holds at most as many children as the largest group
    any band present allows."""

    tiers: tuple[Tier, ...]
    floor: bool = False
    section: str = ""

    @property
    def ratio(self) -> Fraction:
        return self.tiers[-1].children_per_staff

    @property
    def max_group(self) -> int:
        return self.tiers[-1].max_group

    def staff_for(self, n: int) -> int | None:
        return _tiers_staff_for(self.tiers, n)


@dataclass(frozen=True)
class Category:
    """An age category used by compositions and conditions (categories may overlap)."""

    id: str
    label: str
    ages: AgeRange


@dataclass(frozen=True)
class Composition:
    """With at least `staff` caregivers on shift, the group's children fit one of `options`
    (each: category id -> most children of that category; categories not named: none)."""

    staff: int
    options: tuple[tuple[tuple[str, int], ...], ...]
    section: str = ""


@dataclass(frozen=True)
class Condition:
    """When it applies (children of `if_present` present, a mixed group, during periods),
    at least `at_least` caregivers on shift with qualification `staff_with`, or children
    present with attribute `children_with`."""

    id: str
    label: str
    at_least: int
    staff_with: str | None = None
    children_with: str | None = None
    if_present: tuple[str, ...] = ()  # band or category ids; empty: any child
    if_mixed: bool = False
    during: tuple[str, ...] = ()
    except_during: tuple[str, ...] = ()
    section: str = ""


@dataclass(frozen=True)
class Relief:
    """During a declared period of the program: bands' staffing replaced, the mixed-group
    rule replaced or dropped, and/or `staff_relief` fewer caregivers needed (never fewer
    than one while a child is present)."""

    period: str
    label: str = ""
    bands: tuple[tuple[str, tuple[Tier, ...]], ...] = ()
    mixed_group: MixedGroup | None = None
    drop_mixed_group: bool = False
    staff_relief: int = 0
    section: str = ""


@dataclass(frozen=True)
class StaffChildren:
    """Whether the caregivers' own children present count (default: all of them)."""

    counted: bool = True
    under: Bound | None = None

    def counts(self, age: Age) -> bool:
        return self.counted and (self.under is None or self.under.of(age) < self.under.value)


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
    allowances: dict[str, Any] = field(default_factory=dict, compare=False)
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    format: str = FORMAT
    jurisdiction: str = ""
    categories: tuple[Category, ...] = ()
    compositions: tuple[Composition, ...] = ()
    conditions: tuple[Condition, ...] = ()
    reliefs: tuple[Relief, ...] = ()
    staff_children: StaffChildren = StaffChildren()
    sections: dict[str, str] = field(default_factory=dict, compare=False)  # part -> section
    primary_cap: int | None = None  # most children per primary caregiver, if the set says

    def band_for(self, age: int | Age) -> Band | None:
        for band in self.bands:
            if band.contains(age):
                return band
        return None

    def band_index(self, age: int | Age) -> int | None:
        for i, band in enumerate(self.bands):
            if band.contains(age):
                return i
        return None

    def nearest_band(self, age: int | Age) -> int:
        index = self.band_index(age)
        if index is not None:
            return index
        a = _age(age)
        return 0 if a.days < self.bands[0].min_months * 30.4375 else len(self.bands) - 1

    def covers_text(self) -> str:
        """The ages the bands cover, e.g. "0 to 71 months" or "6 weeks to 35 months"."""
        first, last = self.bands[0], self.bands[-1]
        low = first.ages.low if first.ages else Bound(first.min_months, "months")
        high = last.ages.high if last.ages else Bound(last.max_months, "months")
        if high is None:
            return f"{low.text()} and over"
        if low.unit == high.unit:
            return f"{low.value} to {high.value} {high.unit}"
        return f"{low.text()} to {high.text()}"

    def category(self, cid: str) -> Category | None:
        return next((c for c in self.categories if c.id == cid), None)

    def in_group(self, ident: str, age: Age) -> bool:
        """The child is in the band or category `ident`."""
        for band in self.bands:
            if band.id == ident:
                return band.contains(age)
        cat = self.category(ident)
        return cat is not None and cat.ages.contains(age)

    def reliefs_for(self, periods: Iterable[str]) -> tuple[Relief, ...]:
        active = set(periods)
        return tuple(r for r in self.reliefs if r.period in active)

    def at(self, periods: Iterable[str]) -> RuleSet:
        """The rule set as it applies while these periods run (reliefs applied)."""
        reliefs = self.reliefs_for(periods)
        if not reliefs:
            return self
        bands = list(self.bands)
        mixed = self.mixed_group
        for relief in reliefs:
            for band_id, tiers in relief.bands:
                bands = [replace(b, tiers=tiers) if b.id == band_id else b for b in bands]
            if relief.drop_mixed_group:
                mixed = None
            elif relief.mixed_group is not None:
                mixed = relief.mixed_group
        return replace(self, bands=tuple(bands), mixed_group=mixed, reliefs=())

    def staff_relief(self, periods: Iterable[str]) -> tuple[int, str]:
        best, section = 0, ""
        for relief in self.reliefs_for(periods):
            if relief.staff_relief > best:
                best, section = relief.staff_relief, relief.section
        return best, section

    @property
    def periods(self) -> tuple[str, ...]:
        names = [r.period for r in self.reliefs]
        for cond in self.conditions:
            names += [*cond.during, *cond.except_during]
        return tuple(dict.fromkeys(names))

    @property
    def monotone(self) -> bool:
        """True when fewer children (and more staff) never need more staff or a smaller group.

        Then a moment whose children are a subset of another's (and whose staff a superset)
        can be skipped when checking. False with a mixed-group rule, the majority method,
        group-size dependent ratios under `weighted`, or a condition on the children."""
        if self.mixed_group is not None or any(c.children_with for c in self.conditions):
            return False
        if any(r.mixed_group is not None for r in self.reliefs):
            return False
        variants = [self] + [self.at([r.period]) for r in self.reliefs]
        return all(v._monotone_bands() for v in variants)

    def _monotone_bands(self) -> bool:
        if self.mixed_age == "weighted":
            return all(len({t.children_per_staff for t in b.tiers}) == 1 for b in self.bands)
        if self.mixed_age != "youngest":
            return False
        for younger, older in itertools.pairwise(self.bands):
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

    def section_of(self, part: str) -> str:
        return self.sections.get(part, "")


# -- what a rule requires --------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A child present as the rules see them."""

    id: str
    age: Age
    attributes: frozenset[str] = frozenset()
    staff_child_of: str | None = None  # a caregiver's own child (counted, never enrolled)


@dataclass(frozen=True)
class Staff:
    id: str
    qualifications: frozenset[str] = frozenset()


# codes of the parts of a rule set (Part.code) and of findings
RATIO = "ratio"
GROUP_SIZE = "group-size"
LIMIT = "limit"
COMPOSITION = "composition"
CONDITION = "condition"
CODES = (RATIO, GROUP_SIZE, LIMIT, COMPOSITION, CONDITION)


@dataclass(frozen=True)
class Part:
    """One thing a rule set requires of a group at a moment.

    `staff`: caregivers on shift needed (None: no number of caregivers is enough, e.g. too
    many children). For conditions: `staff` is how many caregivers with the qualification
    are needed (`qualified`), or None when the children do not meet it. `why` holds the
    facts behind it for the wording module (planner.wording)."""

    code: str
    rule_set: str
    section: str
    staff: int | None
    index: int = 0  # which limit, composition or condition
    allowed: int | None = None  # group size or count allowed
    count: int = 0  # children concerned
    children: tuple[str, ...] = ()
    qualification: str | None = None
    why: Mapping[str, Any] = field(default_factory=dict)


def _band_rule(band_tiers: Sequence[Tier]) -> list[dict[str, Any]]:
    return [{"max_group": t.max_group, "ratio": t.ratio, "staff": t.staff} for t in band_tiers]


def assess(
    rule_set: RuleSet,
    members: Sequence[Member],
    *,
    periods: Iterable[str] = (),
    qualified: Mapping[str, int] | None = None,
) -> list[Part]:
    """What `rule_set` requires of a group with `members` present while `periods` run.

    `qualified`: caregivers on shift per qualification (for conditions; absent: 0)."""
    active = tuple(periods)
    rules = rule_set.at(active)
    members = [
        m for m in members if m.staff_child_of is None or rule_set.staff_children.counts(m.age)
    ]
    n = len(members)
    if n == 0:
        return []
    parts: list[Part] = []
    ids = tuple(sorted(m.id for m in members))
    bands = rules.bands
    band_of = {m.id: rules.nearest_band(m.age) for m in members}
    per_band: Counter[int] = Counter(band_of.values())
    relief, relief_section = rule_set.staff_relief(active)

    def relieved(need: int | None) -> int | None:
        if need is None or not relief:
            return need
        return max(1, need - relief)

    base_why: dict[str, Any] = {"n": n, "children": ids}
    if relief:
        base_why["relief"] = relief
        base_why["relief_section"] = relief_section
    mixed = rules.mixed_group
    if mixed is not None and len(per_band) >= 2:
        labels = [bands[i].label for i in sorted(per_band)]
        need = mixed.staff_for(n)
        allowed = mixed.max_group
        why: dict[str, Any] = {
            **base_why,
            "method": "mixed",
            "bands": labels,
            "tiers": _band_rule(mixed.tiers),
        }
        if mixed.floor:
            present = sorted(per_band)
            lenient = [bands[i].staff_for(n) for i in present]
            finite = [x for x in lenient if x is not None]
            floor = min(finite) if finite else None
            biggest = max(bands[i].max_group for i in present)
            if biggest < allowed:
                allowed = biggest
                why["floor_size"] = biggest
            if floor is None or n > allowed:
                need = None
            elif need is not None and floor > need:
                need = floor
                why["floor"] = floor
                loosest = present[lenient.index(floor)]
                why["floor_band"] = bands[loosest].label
        section = mixed.section or rule_set.section_of("mixed_group")
        if need is None or n > allowed:
            why["staff_anyway"] = math.ceil(Fraction(n) / mixed.ratio)
            parts.append(
                Part(GROUP_SIZE, rule_set.id, section, None, allowed=allowed, count=n,
                     children=ids, why=why)
            )  # fmt: skip
        else:
            parts.append(
                Part(RATIO, rule_set.id, section, relieved(need), allowed=allowed, count=n,
                     children=ids, why=why)
            )  # fmt: skip
    elif rules.mixed_age == "weighted":
        staff_sum = sum(
            (Fraction(c) / bands[i].ratio_at(n) for i, c in per_band.items()), Fraction(0)
        )
        occupancy = sum((Fraction(c, bands[i].max_group) for i, c in per_band.items()), Fraction(0))
        why = {
            **base_why,
            "method": "weighted",
            "per_band": [
                (bands[i].label, c, bands[i].ratio_at(n), bands[i].max_group)
                for i, c in sorted(per_band.items())
            ],
            "staff_sum": staff_sum,
            "occupancy": occupancy,
        }
        section = rule_set.section_of("bands")
        sections = sorted({bands[i].section for i in per_band if bands[i].section})
        section = "; ".join(sections) or section
        parts.append(
            Part(RATIO, rule_set.id, section, relieved(max(1, math.ceil(staff_sum))), count=n,
                 children=ids, why=why)
        )  # fmt: skip
        if occupancy > 1:
            parts.append(
                Part(GROUP_SIZE, rule_set.id, section, None, count=n, children=ids, why=why)
            )
    else:
        if rules.mixed_age == "majority":
            most = max(per_band.values())
            chosen = min(i for i, c in per_band.items() if c == most)  # ties: the younger band
            tied = sum(1 for c in per_band.values() if c == most) > 1
            why = {**base_why, "method": "majority", "most": most, "tied": tied}
        else:
            youngest = min(members, key=lambda m: (m.age.days, m.age.months, m.id))
            chosen = band_of[youngest.id]
            why = {
                **base_why,
                "method": "youngest",
                "youngest": youngest.id,
                "months": youngest.age.months,
            }
        band = bands[chosen]
        why["band"] = band.label
        why["tiers"] = _band_rule(band.tiers)
        section = band.section or rule_set.section_of("bands")
        need = band.staff_for(n)
        if need is None:
            why["staff_anyway"] = math.ceil(Fraction(n) / band.ratio)
            parts.append(
                Part(GROUP_SIZE, rule_set.id, section, None, allowed=band.max_group, count=n,
                     children=ids, why=why)
            )  # fmt: skip
        else:
            parts.append(
                Part(RATIO, rule_set.id, section, relieved(max(1, need)), allowed=band.max_group,
                     count=n, children=ids, why=why)
            )  # fmt: skip

    for index, limit in enumerate(rules.limits):
        young = tuple(sorted(m.id for m in members if limit.counts(m.age)))
        if not young:
            continue
        why = {"under": limit.under_text, "max": limit.max, "per": limit.per, "young": young}
        section = limit.section or rule_set.section_of("limits")
        if limit.per == "group" or limit.max == 0:
            need = None if len(young) > limit.max else 1
        else:
            need = relieved(math.ceil(len(young) / limit.max))
        parts.append(
            Part(LIMIT, rule_set.id, section, need, index=index, allowed=limit.max,
                 count=len(young), children=young, why=why)
        )  # fmt: skip

    if rules.compositions:
        memberships = [
            frozenset(cat.id for cat in rules.categories if cat.ages.contains(m.age))
            for m in members
        ]
        counts = {
            cat.id: sum(1 for inside in memberships if cat.id in inside) for cat in rules.categories
        }
        fitting = [
            comp.staff
            for comp in rules.compositions
            if any(_fits(option, counts, memberships) for option in comp.options)
        ]
        need = min(fitting) if fitting else None
        # the compositions that do not allow this mix (all of them when none does)
        refusing = [c for c in rules.compositions if need is None or c.staff < need]
        section = "; ".join(
            dict.fromkeys(c.section for c in refusing or rules.compositions if c.section)
        ) or rule_set.section_of("compositions")
        why = {
            **base_why,
            "counts": {
                (rules.category(cid).label if rules.category(cid) else cid): c  # type: ignore[union-attr]
                for cid, c in counts.items()
                if c
            },
            "compositions": [
                (
                    comp.staff,
                    [
                        {
                            (
                                rules.category(cid)
                                or Category(cid, cid, AgeRange(Bound(0, "months"), None))
                            ).label: most
                            for cid, most in option
                        }
                        for option in comp.options
                    ],
                )
                for comp in rules.compositions
            ],
        }
        parts.append(
            Part(COMPOSITION, rule_set.id, section, relieved(need), count=n, children=ids, why=why)
        )

    for index, cond in enumerate(rules.conditions):
        if cond.during and not set(cond.during) & set(active):
            continue
        if set(cond.except_during) & set(active):
            continue
        if cond.if_present:
            trigger = [
                m for m in members if any(rule_set.in_group(g, m.age) for g in cond.if_present)
            ]
            if not trigger:
                continue
        if cond.if_mixed and len(per_band) < 2:
            continue
        why = {"label": cond.label, "at_least": cond.at_least}
        if cond.staff_with is not None:
            parts.append(
                Part(CONDITION, rule_set.id, cond.section, cond.at_least, index=index,
                     count=n, children=ids, qualification=cond.staff_with, why=why)
            )  # fmt: skip
        else:
            have = tuple(sorted(m.id for m in members if cond.children_with in m.attributes))
            ok = len(have) >= cond.at_least
            parts.append(
                Part(CONDITION, rule_set.id, cond.section, 0 if ok else None, index=index,
                     count=len(have), children=ids, why={**why, "attribute": cond.children_with})
            )  # fmt: skip
    return parts


def _fits(
    option: Sequence[tuple[str, int]],
    counts: Mapping[str, int],
    memberships: Sequence[frozenset[str]],
) -> bool:
    """Every child is counted in a category the option names, and each named category holds
    at most its number."""
    allowed = dict(option)
    if any(not inside & allowed.keys() for inside in memberships):
        return False
    return all(counts.get(cid, 0) <= most for cid, most in allowed.items())


def unmet(parts: Sequence[Part], staff: int, qualified: Mapping[str, int]) -> list[Part]:
    """The parts that `staff` caregivers on shift (with `qualified` per qualification) do not
    meet."""
    out = []
    for part in parts:
        if part.staff is None:
            out.append(part)
        elif part.qualification is not None:
            if qualified.get(part.qualification, 0) < part.staff:
                out.append(part)
        elif staff < part.staff:
            out.append(part)
    return out


@dataclass(frozen=True)
class Need:
    """Caregivers the children present need under every rule set; `over` names the first
    part no staffing meets (group size, a per-group limit, a composition, a condition on the
    children), with its rule set."""

    staff: int
    over: Part | None = None
    qualified: tuple[tuple[str, int], ...] = ()  # caregivers needed with each qualification


def staff_needed(
    rule_sets: RuleSet | Sequence[RuleSet],
    members: Sequence[Member] | Sequence[int] | Sequence[Age],
    *,
    periods: Iterable[str] = (),
) -> Need:
    """Caregivers needed for a group with these children present (strictest rule wins)."""
    sets = (rule_sets,) if isinstance(rule_sets, RuleSet) else tuple(rule_sets)
    people: list[Member] = []
    for i, m in enumerate(members):
        if isinstance(m, Member):
            people.append(m)
        else:
            assert isinstance(m, int | Age)
            people.append(Member(f"c{i}", _age(m)))
    if not people:
        return Need(0)
    active = tuple(periods)
    staff = 1
    over: Part | None = None
    qualified: dict[str, int] = {}
    for rule_set in sets:
        for part in assess(rule_set, people, periods=active):
            if part.staff is None:
                over = over or part
                staff = max(staff, part.why.get("staff_anyway", 0))
            elif part.qualification is not None:
                qualified[part.qualification] = max(
                    qualified.get(part.qualification, 0), part.staff
                )
                staff = max(staff, part.staff)
            else:
                staff = max(staff, part.staff)
    return Need(staff, over, tuple(sorted(qualified.items())))


def child_class(rule_sets: Sequence[RuleSet], member: Member) -> tuple[Any, ...]:
    """Children with the same class are interchangeable for every rule of these sets."""
    key: list[Any] = []
    for rs in rule_sets:
        variants = [rs] + [rs.at([r.period]) for r in rs.reliefs]
        for v in variants:
            key.append(v.band_index(member.age))
        key.append(tuple(limit.counts(member.age) for limit in rs.limits))
        key.append(tuple(c.ages.contains(member.age) for c in rs.categories))
        key.append(
            tuple(
                any(rs.in_group(g, member.age) for g in cond.if_present) for cond in rs.conditions
            )
        )
        key.append(member.staff_child_of is not None and not rs.staff_children.counts(member.age))
    attrs = {c.children_with for rs in rule_sets for c in rs.conditions if c.children_with}
    key.append(tuple(sorted(a for a in attrs if a in member.attributes)))
    return tuple(key)


# -- lower bounds -------------------------------------------------------------------------

_WEIGHTS: dict[tuple[Any, ...], dict[tuple[Any, ...], Fraction] | None] = {}
_ENUMERATE_AT_MOST = 20_000


def largest_group(rule_set: RuleSet) -> int:
    sizes = [band.max_group for band in rule_set.bands]
    if rule_set.mixed_group is not None:
        sizes.append(rule_set.mixed_group.max_group)
    for relief in rule_set.reliefs:
        sizes += [tiers[-1].max_group for _, tiers in relief.bands]
        if relief.mixed_group is not None:
            sizes.append(relief.mixed_group.max_group)
    return max(sizes)


def least_shares(
    rule_sets: tuple[RuleSet, ...], reps: dict[tuple[Any, ...], Member], periods: frozenset[str]
) -> dict[tuple[Any, ...], Fraction] | None:
    """A share of a caregiver per child of each class (classes: `child_class`) such that every group any rule allows
    needs at least the sum of its children's shares: for class c, the least staff per child
    over every allowed group with a child of class c (so the shares of a group's children
    never add up to more than the group needs). None when there are too many groups to try."""
    key = (rule_sets, tuple(sorted(reps)), periods)
    if key in _WEIGHTS:
        return _WEIGHTS[key]
    classes = sorted(reps)
    cap = min(largest_group(rs) for rs in rule_sets)
    if math.comb(cap + len(classes), len(classes)) > _ENUMERATE_AT_MOST:
        _WEIGHTS[key] = None
        return None
    best: dict[tuple[Any, ...], Fraction] = {c: Fraction(10**6) for c in classes}

    def vectors(i: int, room: int) -> Any:
        if i == len(classes):
            yield ()
            return
        for count in range(room + 1):
            for rest in vectors(i + 1, room - count):
                yield (count, *rest)

    for vector in vectors(0, cap):
        total = sum(vector)
        if total == 0:
            continue
        group = [
            Member(f"{i}-{j}", reps[c].age, reps[c].attributes, reps[c].staff_child_of)
            for i, (c, count) in enumerate(zip(classes, vector, strict=True))
            for j in range(count)
        ]
        need = staff_needed(rule_sets, group, periods=periods)
        if need.over is not None:
            continue
        share = Fraction(need.staff, total)
        for c, count in zip(classes, vector, strict=True):
            if count and share < best[c]:
                best[c] = share
    _WEIGHTS[key] = best
    return best


# -- loading ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, version: int) -> None:
        self.version = version

    def obj(self, value: Any, where: str, known: Iterable[str], what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise RuleSetError(where, f"must be an object ({what})")
        allowed = set(known)
        for key in value:
            if key not in allowed:
                path = f"{where}.{key}" if where else str(key)
                if self.version < 2 and key in _V2_ONLY:
                    raise RuleSetError(
                        path, f"needs format {FORMAT!r} (this file says {FORMAT_V1!r})"
                    )
                raise RuleSetError(
                    path, f"is not a field here (known: {', '.join(sorted(allowed))})"
                )
        return value

    def require(self, obj: dict[str, Any], key: str, where: str) -> Any:
        if key not in obj:
            raise RuleSetError(f"{where}.{key}" if where else key, "is missing")
        return obj[key]

    def int(self, value: Any, where: str, *, minimum: int = 0, maximum: int = MAX_CHILDREN) -> int:
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleSetError(where, f"must be a whole number, not {_show(value)}")
        if value < minimum or value > maximum:
            raise RuleSetError(
                where, f"must be between {minimum} and {maximum}, not {_show(value)}"
            )
        return value

    def ratio(self, value: Any, where: str) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise RuleSetError(
                where, f"must be a number of children per staff member, not {_show(value)}"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise RuleSetError(where, "must be a number like 4 or 8.5")
        text = str(value)
        if len(text) > 12:
            raise RuleSetError(
                where, f"must be a number between 0 and {MAX_CHILDREN}, not {_show(value)}"
            )
        try:
            ratio = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise RuleSetError(
                where, f"must be a number like 4 or 8.5, not {_show(value)}"
            ) from None
        if ratio <= 0 or ratio > MAX_CHILDREN:
            raise RuleSetError(where, f"must be more than 0 and at most {MAX_CHILDREN}")
        if ratio.denominator > 100:
            raise RuleSetError(where, "may have at most two decimals")
        return ratio

    def text(self, value: Any, where: str, *, optional: bool = False) -> str:
        if optional and value is None:
            return ""
        if not isinstance(value, str) or (not value.strip() and not optional):
            raise RuleSetError(where, "must be a non-empty text")
        if len(value) > MAX_TEXT:
            raise RuleSetError(where, f"must be at most {MAX_TEXT} characters")
        return value

    def ident(self, value: Any, where: str) -> str:
        text = self.text(value, where)
        if len(text) > 100:
            raise RuleSetError(where, "must be at most 100 characters")
        return text

    def items(self, value: Any, where: str, *, empty: bool = True) -> list[Any]:
        if not isinstance(value, list) or (not empty and not value):
            raise RuleSetError(where, "must be a non-empty list" if not empty else "must be a list")
        if len(value) > MAX_ITEMS:
            raise RuleSetError(where, f"must have at most {MAX_ITEMS} entries")
        return value

    def bound(
        self, obj: dict[str, Any], prefix: str, where: str, *, required: bool
    ) -> Bound | None:
        months, weeks = f"{prefix}_months", f"{prefix}_weeks"
        if months in obj and weeks in obj:
            raise RuleSetError(f"{where}.{weeks}", f"give {months} or {weeks}, not both")
        if months in obj:
            return Bound(self.int(obj[months], f"{where}.{months}", maximum=MAX_MONTHS), "months")
        if weeks in obj:
            if self.version < 2:
                raise RuleSetError(f"{where}.{weeks}", f"needs format {FORMAT!r}")
            return Bound(self.int(obj[weeks], f"{where}.{weeks}", maximum=MAX_WEEKS), "weeks")
        if required:
            raise RuleSetError(f"{where}.{months}", "is missing")
        return None

    def ages(self, obj: dict[str, Any], where: str, *, open_end: bool = False) -> AgeRange:
        low = self.bound(obj, "min", where, required=True)
        high = self.bound(obj, "max", where, required=not open_end)
        assert low is not None
        if high is not None:
            if high.unit == low.unit and high.value < low.value:
                raise RuleSetError(
                    f"{where}.max_{high.unit}", f"must be at least min_{low.unit} ({low.value})"
                )
            if high.unit != low.unit and high.approx_days + 31 < low.approx_days:
                raise RuleSetError(f"{where}.max_{high.unit}", "ends before the range starts")
        return AgeRange(low, high)

    def tiers(self, obj: dict[str, Any], where: str, *, cap_key: bool = True) -> tuple[Tier, ...]:
        """`ratio` + `max_group`, or `tiers` (and, from /2, an optional `max_group` cap)."""
        if "tiers" in obj:
            if "ratio" in obj:
                raise RuleSetError(where, "give either tiers or ratio and max_group, not both")
            if "max_group" in obj and self.version < 2:
                raise RuleSetError(where, "give either tiers or ratio and max_group, not both")
            raw = self.items(obj["tiers"], f"{where}.tiers", empty=False)
            tiers = tuple(self.tier(t, f"{where}.tiers[{i}]") for i, t in enumerate(raw))
            for i, (a, b) in enumerate(itertools.pairwise(tiers)):
                if b.max_group <= a.max_group:
                    raise RuleSetError(
                        f"{where}.tiers[{i + 1}].max_group",
                        f"must be more than the tier before it ({a.max_group}): "
                        "max_group must increase from tier to tier",
                    )
            if "max_group" in obj:
                cap = self.int(obj["max_group"], f"{where}.max_group", minimum=1)
                for i, t in enumerate(tiers):
                    if t.max_group > cap:
                        raise RuleSetError(
                            f"{where}.tiers[{i}].max_group",
                            f"is {t.max_group}, larger than the group size cap max_group ({cap})",
                        )
                if tiers[-1].max_group != cap:
                    raise RuleSetError(
                        f"{where}.max_group",
                        f"is {cap}, but the largest tier ends at {tiers[-1].max_group}",
                    )
            return tiers
        max_group = self.int(self.require(obj, "max_group", where), f"{where}.max_group", minimum=1)
        if "staff" in obj and self.version >= 2 and "ratio" not in obj:
            return (
                Tier(
                    max_group,
                    staff=self.int(obj["staff"], f"{where}.staff", minimum=1, maximum=MAX_STAFF),
                ),
            )
        ratio = self.ratio(self.require(obj, "ratio", where), f"{where}.ratio")
        return (Tier(max_group, ratio=ratio),)

    def tier(self, value: Any, where: str) -> Tier:
        obj = self.obj(
            value, where, ("max_group", "ratio", "staff"), "max_group and ratio (or staff)"
        )
        max_group = self.int(self.require(obj, "max_group", where), f"{where}.max_group", minimum=1)
        has_ratio, has_staff = "ratio" in obj, "staff" in obj
        if has_ratio == has_staff:
            raise RuleSetError(where, "must give either ratio or staff (not both)")
        if has_ratio:
            return Tier(max_group, ratio=self.ratio(obj["ratio"], f"{where}.ratio"))
        staff = self.int(obj["staff"], f"{where}.staff", minimum=1, maximum=MAX_STAFF)
        return Tier(max_group, staff=staff)

    def mixed(self, value: Any, where: str) -> MixedGroup:
        known = ["ratio", "max_group", "tiers", "section"]
        if self.version >= 2:
            known += ["floor", "staff"]
        obj = self.obj(value, where, known, "ratio and max_group, or tiers")
        tiers = self.tiers(obj, where)
        floor_text = obj.get("floor", "loosest-band" if self.version >= 2 else "none")
        if floor_text not in ("loosest-band", "none"):
            raise RuleSetError(
                f"{where}.floor", f"must be loosest-band or none, not {_show(floor_text)}"
            )
        return MixedGroup(
            tiers,
            floor=floor_text == "loosest-band",
            section=self.text(obj.get("section"), f"{where}.section", optional=True),
        )


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


_V2_ONLY = {
    "min_weeks", "max_weeks", "under_weeks", "section", "staff", "floor", "jurisdiction",
    "sections", "categories", "compositions", "conditions", "during", "staff_children",
    "primary_cap",
}  # fmt: skip
_TOP_V1 = (
    "format", "id", "name", "citation", "effective", "notes", "mixed_age", "bands",
    "limits", "mixed_group", "allowances",
)  # fmt: skip
_TOP_V2 = (
    *_TOP_V1, "jurisdiction", "sections", "categories", "compositions", "conditions",
    "during", "staff_children", "primary_cap",
)  # fmt: skip


def parse_rule_set(obj: Any) -> RuleSet:
    """A rule set from its JSON object; RuleSetError names the first field that is wrong."""
    if not isinstance(obj, dict):
        raise RuleSetError("", "a rule set must be a JSON object")
    fmt = obj.get("format", FORMAT_V1)
    if fmt not in FORMATS:
        raise RuleSetError("format", f"must be {FORMAT_V1!r} or {FORMAT!r}, not {_show(fmt)}")
    version = 2 if fmt == FORMAT else 1
    r = _Reader(version)
    r.obj(obj, "", _TOP_V2 if version == 2 else _TOP_V1, "a rule set")
    rule_id = r.ident(r.require(obj, "id", ""), "id")
    name = r.text(r.require(obj, "name", ""), "name")
    citation = r.text(r.require(obj, "citation", ""), "citation")
    try:
        effective = date.fromisoformat(r.text(r.require(obj, "effective", ""), "effective"))
    except ValueError:
        raise RuleSetError("effective", "must be a date YYYY-MM-DD") from None
    method = r.require(obj, "mixed_age", "")
    if method not in METHODS:
        raise RuleSetError("mixed_age", f"must be one of {', '.join(METHODS)}, not {_show(method)}")
    sections: dict[str, str] = {}
    if "sections" in obj:
        raw_sections = r.obj(
            obj["sections"], "sections",
            ("bands", "limits", "mixed_group", "compositions", "conditions", "staff_children",
             "primary_cap"),
            "part -> section of the source",
        )  # fmt: skip
        sections = {k: r.text(v, f"sections.{k}") for k, v in raw_sections.items()}
    band_keys = ["id", "label", "min_months", "max_months", "ratio", "max_group", "tiers"]
    if version >= 2:
        band_keys += ["min_weeks", "max_weeks", "section", "staff"]
    raw_bands = r.items(r.require(obj, "bands", ""), "bands", empty=False)
    bands: list[Band] = []
    for i, raw in enumerate(raw_bands):
        where = f"bands[{i}]"
        b = r.obj(raw, where, band_keys, "a band: id, ages, ratio and max_group or tiers")
        band_id = r.ident(r.require(b, "id", where), f"{where}.id")
        ages = r.ages(b, where)
        assert ages.high is not None
        tiers = r.tiers(b, where)
        low_m = (
            ages.low.value if ages.low.unit == "months" else int(ages.low.approx_days // 30.4375)
        )
        high_m = (
            ages.high.value if ages.high.unit == "months" else int(ages.high.approx_days // 30.4375)
        )
        default_label = (
            f"{ages.low.text()}–{ages.high.text()}" if version >= 2 else f"{low_m}–{high_m} months"
        )
        label = r.text(b.get("label") or default_label, f"{where}.label")
        uses_weeks = ages.low.unit == "weeks" or ages.high.unit == "weeks"
        bands.append(
            Band(
                band_id, label, low_m, high_m, tiers,
                ages=ages if uses_weeks else None,
                section=r.text(b.get("section"), f"{where}.section", optional=True),
            )
        )  # fmt: skip
    for i, (a, b2) in enumerate(itertools.pairwise(bands)):
        a_high = a.ages.high if a.ages and a.ages.high else Bound(a.max_months, "months")
        b_low = b2.ages.low if b2.ages else Bound(b2.min_months, "months")
        if a_high.unit == b_low.unit:
            overlaps = b_low.value <= a_high.value
            backwards = False
        else:
            overlaps = b_low.approx_days < a_high.approx_days - 31
            backwards = overlaps
        if overlaps or backwards:
            raise RuleSetError(
                f"bands[{i + 1}].min_{b_low.unit}",
                f"overlaps the band before it (which ends at {a_high.text()})",
            )
        a_low = a.ages.low if a.ages else Bound(a.min_months, "months")
        if b_low.unit == a_low.unit and b_low.value < a_low.value:
            raise RuleSetError("bands", "must be listed from the youngest to the oldest")
    if len({b.id for b in bands}) != len(bands):
        raise RuleSetError("bands", "band ids must be different")
    if method == "weighted":
        for i, band in enumerate(bands):
            for j, tier in enumerate(band.tiers):
                if tier.staff is not None:
                    raise RuleSetError(
                        f"bands[{i}].tiers[{j}].staff",
                        "the weighted method needs a ratio in every tier (a fixed number of "
                        "staff cannot be shared between age bands)",
                    )
    limits = []
    limit_keys = ["under_months", "max", "per"] + (
        ["under_weeks", "section"] if version >= 2 else []
    )
    for i, raw in enumerate(r.items(obj.get("limits", []), "limits")):
        where = f"limits[{i}]"
        lim = r.obj(raw, where, limit_keys, "under_months, max and per")
        per = lim.get("per", "caregiver")
        if per not in ("caregiver", "group"):
            raise RuleSetError(f"{where}.per", f"must be caregiver or group, not {_show(per)}")
        if "under_weeks" in lim:
            if "under_months" in lim:
                raise RuleSetError(
                    f"{where}.under_weeks", "give under_months or under_weeks, not both"
                )
            weeks = r.int(lim["under_weeks"], f"{where}.under_weeks", minimum=1, maximum=MAX_WEEKS)
            months = max(1, math.ceil(weeks * 7 / 30.4375))
        else:
            weeks = None
            months = r.int(
                r.require(lim, "under_months", where),
                f"{where}.under_months",
                minimum=1,
                maximum=MAX_MONTHS,
            )
        limits.append(
            Limit(
                months,
                r.int(r.require(lim, "max", where), f"{where}.max"),
                per,
                under_weeks=weeks,
                section=r.text(lim.get("section"), f"{where}.section", optional=True),
            )
        )
    mixed_group = r.mixed(obj["mixed_group"], "mixed_group") if "mixed_group" in obj else None
    allowances = obj.get("allowances", {})
    if not isinstance(allowances, dict) or len(json.dumps(allowances)) > MAX_TEXT:
        raise RuleSetError("allowances", "must be an object (recorded, never relied on)")
    notes = r.text(obj.get("notes", ""), "notes", optional=True)

    categories: list[Category] = []
    for i, raw in enumerate(r.items(obj.get("categories", []), "categories")):
        where = f"categories[{i}]"
        c = r.obj(
            raw,
            where,
            ("id", "label", "min_months", "max_months", "min_weeks", "max_weeks"),
            "id, label and ages",
        )
        cid = r.ident(r.require(c, "id", where), f"{where}.id")
        if cid in {b.id for b in bands} or any(x.id == cid for x in categories):
            raise RuleSetError(f"{where}.id", f"{cid!r} is already the id of a band or category")
        ages = r.ages(c, where, open_end=True)
        categories.append(Category(cid, r.text(c.get("label") or cid, f"{where}.label"), ages))
    known_groups = {b.id for b in bands} | {c.id for c in categories}
    cat_ids = {c.id for c in categories}

    compositions: list[Composition] = []
    for i, raw in enumerate(r.items(obj.get("compositions", []), "compositions")):
        where = f"compositions[{i}]"
        c = r.obj(raw, where, ("staff", "options", "section"), "staff and options")
        staff = r.int(r.require(c, "staff", where), f"{where}.staff", minimum=1, maximum=MAX_STAFF)
        if any(x.staff == staff for x in compositions):
            raise RuleSetError(f"{where}.staff", f"another composition already lists {staff} staff")
        options = []
        for j, rawopt in enumerate(
            r.items(r.require(c, "options", where), f"{where}.options", empty=False)
        ):
            ow = f"{where}.options[{j}]"
            if not isinstance(rawopt, dict) or not rawopt:
                raise RuleSetError(ow, "must be an object: category id -> most children")
            if len(rawopt) > MAX_ITEMS:
                raise RuleSetError(ow, f"must have at most {MAX_ITEMS} entries")
            option = []
            for cid, most in rawopt.items():
                if cid not in cat_ids:
                    raise RuleSetError(
                        f"{ow}.{cid}",
                        "is not a category of this rule set"
                        + (
                            f" (categories: {', '.join(sorted(cat_ids))})"
                            if cat_ids
                            else " (define it under categories)"
                        ),
                    )
                option.append((cid, r.int(most, f"{ow}.{cid}")))
            options.append(tuple(option))
        compositions.append(
            Composition(
                staff, tuple(options), r.text(c.get("section"), f"{where}.section", optional=True)
            )
        )
    compositions.sort(key=lambda x: x.staff)

    relief_list: list[Relief] = []
    for i, raw in enumerate(r.items(obj.get("during", []), "during")):
        where = f"during[{i}]"
        d = r.obj(
            raw,
            where,
            ("period", "label", "bands", "mixed_group", "staff_relief", "section"),
            "period and what changes",
        )
        period = r.ident(r.require(d, "period", where), f"{where}.period")
        changed: list[tuple[str, tuple[Tier, ...]]] = []
        if "bands" in d:
            raw_b = d["bands"]
            if not isinstance(raw_b, dict) or len(raw_b) > MAX_ITEMS:
                raise RuleSetError(
                    f"{where}.bands", "must be an object: band id -> ratio and max_group, or tiers"
                )
            for band_id, spec in raw_b.items():
                bw = f"{where}.bands.{band_id}"
                if band_id not in {b.id for b in bands}:
                    raise RuleSetError(bw, "is not a band of this rule set")
                sb = r.obj(
                    spec,
                    bw,
                    ("ratio", "max_group", "tiers", "staff"),
                    "ratio and max_group, or tiers",
                )
                tiers = r.tiers(sb, bw)
                if method == "weighted" and any(t.staff is not None for t in tiers):
                    raise RuleSetError(bw, "the weighted method needs a ratio in every tier")
                changed.append((band_id, tiers))
        drop = False
        mg: MixedGroup | None = None
        if "mixed_group" in d:
            if d["mixed_group"] is None:
                drop = True
            else:
                mg = r.mixed(d["mixed_group"], f"{where}.mixed_group")
        relief_n = r.int(d.get("staff_relief", 0), f"{where}.staff_relief", maximum=MAX_STAFF)
        if not changed and mg is None and not drop and not relief_n:
            raise RuleSetError(where, "changes nothing: give bands, mixed_group or staff_relief")
        relief_list.append(
            Relief(period, r.text(d.get("label") or period, f"{where}.label"), tuple(changed), mg, drop, relief_n,
                   r.text(d.get("section"), f"{where}.section", optional=True))
        )  # fmt: skip

    conditions: list[Condition] = []
    for i, raw in enumerate(r.items(obj.get("conditions", []), "conditions")):
        where = f"conditions[{i}]"
        c = r.obj(
            raw, where,
            ("id", "label", "at_least", "staff_with", "children_with", "if_present", "if_mixed",
             "during", "except_during", "section"),
            "at_least and staff_with or children_with",
        )  # fmt: skip
        has_staff, has_children = "staff_with" in c, "children_with" in c
        if has_staff == has_children:
            raise RuleSetError(where, "must give either staff_with or children_with (not both)")
        if_present = tuple(
            r.ident(g, f"{where}.if_present[{j}]")
            for j, g in enumerate(r.items(c.get("if_present", []), f"{where}.if_present"))
        )
        for j, g in enumerate(if_present):
            if g not in known_groups:
                raise RuleSetError(
                    f"{where}.if_present[{j}]", f"{g!r} is not a band or category of this rule set"
                )
        if_mixed = c.get("if_mixed", False)
        if not isinstance(if_mixed, bool):
            raise RuleSetError(f"{where}.if_mixed", "must be true or false")
        during = tuple(
            r.ident(p, f"{where}.during[{j}]")
            for j, p in enumerate(r.items(c.get("during", []), f"{where}.during"))
        )
        except_during = tuple(
            r.ident(p, f"{where}.except_during[{j}]")
            for j, p in enumerate(r.items(c.get("except_during", []), f"{where}.except_during"))
        )
        if set(during) & set(except_during):
            raise RuleSetError(f"{where}.except_during", "names a period that during also names")
        cond_id = r.ident(c.get("id") or f"condition-{i + 1}", f"{where}.id")
        conditions.append(
            Condition(
                cond_id,
                r.text(c.get("label") or cond_id, f"{where}.label"),
                r.int(
                    r.require(c, "at_least", where),
                    f"{where}.at_least",
                    minimum=1,
                    maximum=MAX_STAFF,
                ),
                staff_with=r.ident(c["staff_with"], f"{where}.staff_with") if has_staff else None,
                children_with=r.ident(c["children_with"], f"{where}.children_with")
                if has_children
                else None,
                if_present=if_present,
                if_mixed=if_mixed,
                during=during,
                except_during=except_during,
                section=r.text(c.get("section"), f"{where}.section", optional=True),
            )
        )

    staff_children = StaffChildren()
    if "staff_children" in obj:
        sc = r.obj(
            obj["staff_children"],
            "staff_children",
            ("counted", "under_months", "under_weeks"),
            "counted and an age",
        )
        counted = sc.get("counted", True)
        if not isinstance(counted, bool):
            raise RuleSetError("staff_children.counted", "must be true or false")
        under = None
        if "under_months" in sc and "under_weeks" in sc:
            raise RuleSetError(
                "staff_children.under_weeks", "give under_months or under_weeks, not both"
            )
        if "under_months" in sc:
            under = Bound(
                r.int(
                    sc["under_months"], "staff_children.under_months", minimum=1, maximum=MAX_MONTHS
                ),
                "months",
            )
        elif "under_weeks" in sc:
            under = Bound(
                r.int(
                    sc["under_weeks"], "staff_children.under_weeks", minimum=1, maximum=MAX_WEEKS
                ),
                "weeks",
            )
        staff_children = StaffChildren(counted, under)

    jurisdiction = r.text(obj.get("jurisdiction"), "jurisdiction", optional=True)
    primary_cap = (
        r.int(obj["primary_cap"], "primary_cap", minimum=1, maximum=MAX_CHILDREN)
        if "primary_cap" in obj
        else None
    )
    return RuleSet(
        primary_cap=primary_cap,
        id=rule_id,
        name=name,
        citation=citation,
        effective=effective,
        mixed_age=method,
        bands=tuple(bands),
        notes=notes,
        limits=tuple(limits),
        mixed_group=mixed_group,
        allowances=allowances,
        source=obj,
        format=fmt,
        jurisdiction=jurisdiction,
        categories=tuple(categories),
        compositions=tuple(compositions),
        conditions=tuple(conditions),
        reliefs=tuple(relief_list),
        staff_children=staff_children,
        sections=sections,
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


def loads(text: str) -> RuleSet:
    """A rule set from JSON text (planner.safejson: huge numbers, deep nesting, NaN refused)."""
    from planner.safejson import JSONError
    from planner.safejson import loads as safe_loads

    try:
        data = safe_loads(text)
    except JSONError as exc:
        raise RuleSetError(exc.where, exc.message) from None
    return parse_rule_set(data)
