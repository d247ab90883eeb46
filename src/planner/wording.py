"""English sentences for the planner's structured findings (the CLI's wording).

The validator returns findings as data (``Violation``: a code, the rule set and section,
day, times, children, caregivers, and the numbers in ``facts``); this module words them.
The web (attune.plans.wording) words the same data in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from planner.model import hhmm
from planner.rules import COMPOSITION, CONDITION, GROUP_SIZE, LIMIT, RATIO, Part


def ids(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def n_of(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def span(start: int, end: int) -> str:
    return f"{hhmm(start)}–{hhmm(end)}"


def number(value: Fraction | int) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0")


def tiers_text(tiers: Sequence[Mapping[str, Any]]) -> str:
    """How a band is staffed, e.g. "1:3, at most 6 children" or "1:3 up to 6, 1:4 up to 8"."""
    if len(tiers) == 1:
        tier = tiers[0]
        if tier["ratio"] is not None:
            return f"1:{number(tier['ratio'])}, at most {tier['max_group']} children"
        return (
            f"{n_of(tier['staff'] or 0, 'caregiver', 'caregivers')} for at most "
            f"{tier['max_group']} children"
        )
    parts = []
    for i, tier in enumerate(tiers):
        size = f"up to {tier['max_group']}" + (" children" if i == 0 else "")
        if tier["ratio"] is not None:
            parts.append(f"1:{number(tier['ratio'])} {size}")
        else:
            parts.append(f"{n_of(tier['staff'], 'caregiver', 'caregivers')} {size}")
    return ", ".join(parts)


def short_of(staff: Sequence[str]) -> str:
    """The caregivers on shift, after "but" (only said when they are too few)."""
    if not staff:
        return "no caregiver is on shift"
    if len(staff) == 1:
        return f"only 1 is on shift ({staff[0]})"
    return f"only {len(staff)} are on shift ({ids(staff)})"


def on_shift(staff: Sequence[str]) -> str:
    if not staff:
        return "no caregiver on shift"
    return f"{'caregiver' if len(staff) == 1 else 'caregivers'} on shift: {ids(staff)}"


def source(rule_set: str, section: str) -> str:
    """The rule set, and the section of its source when it names one."""
    return f"{rule_set} ({section})" if section else rule_set


def _why(part: Part) -> str:
    why = part.why
    method = why.get("method")
    if method == "mixed":
        labels = ", ".join(why["bands"])
        text = (
            f"they come from {len(why['bands'])} age bands ({labels}), where the mixed-group "
            f"rule ({tiers_text(why['tiers'])}) applies"
        )
        if "floor" in why:
            text += (
                f" but never looser than the most lenient band present ({why['floor_band']}: "
                f"{why['floor']} for {why['n']})"
            )
        elif "floor_size" in why:
            text += f" with at most {why['floor_size']}, the largest group of the bands present"
        return text
    if method == "weighted":
        parts = ", ".join(
            f"{c} in {label} at 1:{number(ratio)}" for label, c, ratio, _ in why["per_band"]
        )
        return (
            f"weighting each child by their band ({parts}) adds up to "
            f"{float(why['staff_sum']):.2f} caregivers"
        )
    if method == "majority":
        n, most = why["n"], why["most"]
        if n == 1:
            who = "the only child present is"
        elif most == n:
            who = "all of them are"
        else:
            who = f"most of them ({most} of {n}) are"
        text = f"{who} in the {why['band']} band ({tiers_text(why['tiers'])})"
        if why["tied"]:
            text += f", the younger of the bands tied at {most}"
        return text
    return (
        f"the youngest child present, {why['youngest']} ({why['months']} months), is in "
        f"the {why['band']} band ({tiers_text(why['tiers'])})"
    )


def _relief(part: Part) -> str:
    relief = part.why.get("relief")
    if not relief:
        return ""
    return f" (with {n_of(relief, 'caregiver', 'caregivers')} fewer during this period)"


def detail(part: Part, staff: Sequence[str], qualified: Sequence[str] = ()) -> str:
    """The sentence after "On Monday 07:00–07:15, group g1 " for a part that is not met by
    the caregivers `staff` on shift (`qualified`: those with the part's qualification)."""
    who = source(part.rule_set, part.section)
    n = len(part.children)
    present = f"has {n_of(n, 'child', 'children')} present ({ids(part.children)})"
    if part.code == RATIO:
        return (
            f"{present}; {_why(part)}, so {who} needs "
            f"{n_of(part.staff or 0, 'caregiver', 'caregivers')}{_relief(part)}, but "
            f"{short_of(staff)}."
        )
    if part.code == GROUP_SIZE:
        if part.why.get("method") == "weighted":
            fill = ", ".join(
                f"{c} in {label} of at most {most}" for label, c, _, most in part.why["per_band"]
            )
            return (
                f"{present}, which by the weighted method ({fill}) fill "
                f"{number(part.why['occupancy'] * 100)}% of a group, more than the whole group "
                f"{who} allows ({on_shift(staff)})."
            )
        return (
            f"{present}; {_why(part)}, so {who} allows at most {part.allowed} children in the "
            f"group ({on_shift(staff)})."
        )
    if part.code == LIMIT:
        why = part.why
        if why["per"] == "caregiver":
            rule = f"at most {why['max']} per caregiver on shift, and {short_of(staff)}"
        else:
            rule = f"at most {why['max']} in a group ({on_shift(staff)})"
        return (
            f"has {n_of(len(why['young']), 'child', 'children')} under {why['under']} present "
            f"({', '.join(why['young'])}), but {who} allows {rule}."
        )
    if part.code == COMPOSITION:
        counts = ", ".join(f"{c} {label}" for label, c in part.why["counts"].items())
        lines = []
        for staff_count, options in part.why["compositions"]:
            alternatives = " or ".join(
                " + ".join(f"{most} {label}" for label, most in option.items())
                for option in options
            )
            lines.append(f"{n_of(staff_count, 'caregiver', 'caregivers')}: {alternatives}")
        if part.staff is None:
            return (
                f"{present} ({counts}), a mix that {who} allows with no number of caregivers "
                f"({'; '.join(lines)}); {on_shift(staff)}."
            )
        return (
            f"{present} ({counts}); {who} allows that mix only with "
            f"{n_of(part.staff, 'caregiver', 'caregivers')}{_relief(part)} "
            f"({'; '.join(lines)}), but {short_of(staff)}."
        )
    if part.code == CONDITION:
        label = part.why["label"]
        if part.qualification is not None:
            have = (
                f"only {len(qualified)} ({ids(qualified)}) is"
                if len(qualified) == 1
                else (f"only {len(qualified)} ({ids(qualified)}) are" if qualified else "none is")
            )
            return (
                f"{present}; {who} requires {label}: at least "
                f"{n_of(part.staff or 0, 'caregiver', 'caregivers')} with {part.qualification} on "
                f"shift, but {have} ({on_shift(staff)})."
            )
        return (
            f"{present}; {who} requires {label}: at least {part.why['at_least']} "
            f"{'child' if part.why['at_least'] == 1 else 'children'} with "
            f"{part.why['attribute']} present, but {part.count} "
            f"{'is' if part.count == 1 else 'are'}."
        )
    return f"{present}; {who}: {part.code}."


def requirement(part: Part) -> str:
    """What a part of a rule set requires of the group and why (the test bench's line)."""
    who = source(part.rule_set, part.section)
    n = len(part.children)
    if part.code == RATIO:
        return (
            f"{who}: {n_of(part.staff or 0, 'caregiver', 'caregivers')}{_relief(part)}, "
            f"because {_why(part)}."
        )
    if part.code == GROUP_SIZE:
        if part.why.get("method") == "weighted":
            return (
                f"{who}: too many children for one group: by the weighted method they fill "
                f"{number(part.why['occupancy'] * 100)}% of a group."
            )
        return (
            f"{who}: at most {part.allowed} children in the group, because {_why(part)}; "
            f"there are {n}."
        )
    if part.code == LIMIT:
        why = part.why
        per = "per caregiver on shift" if why["per"] == "caregiver" else "in the group"
        need = (
            "no number of caregivers allows it"
            if part.staff is None
            else n_of(part.staff, "caregiver", "caregivers")
        )
        return (
            f"{who}: {need}, because at most {why['max']} children under {why['under']} are "
            f"allowed {per} and {len(why['young'])} are present."
        )
    if part.code == COMPOSITION:
        counts = ", ".join(f"{c} {label}" for label, c in part.why["counts"].items())
        if part.staff is None:
            return f"{who}: no number of caregivers may care for this mix ({counts})."
        return f"{who}: {n_of(part.staff, 'caregiver', 'caregivers')} for this mix ({counts})."
    if part.code == CONDITION:
        if part.qualification is not None:
            return (
                f"{who}: {part.why['label']}: at least "
                f"{n_of(part.staff or 0, 'caregiver', 'caregivers')} with "
                f"{part.qualification} on shift."
            )
        state = "met" if part.staff is not None else "not met"
        return (
            f"{who}: {part.why['label']}: at least {part.why['at_least']} with "
            f"{part.why['attribute']} present ({state})."
        )
    return f"{who}: {part.code}."
