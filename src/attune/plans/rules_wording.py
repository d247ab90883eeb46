"""The test bench's answer in the reader's language: what each rule set requires of one
group and why (structured parts from planner.rules.assess; the planner's English sentence is
kept as the detail)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planner import rules, wording


@dataclass(frozen=True)
class Line:
    rule_set: str
    source: str
    met: bool
    headline: str
    detail: str  # the planner's English sentence


@dataclass(frozen=True)
class Answer:
    lines: list[Line]
    needed: int
    impossible: bool
    staff: int

    @property
    def met(self) -> bool:
        return all(line.met for line in self.lines)


def headline(part: rules.Part) -> str:
    source = wording.source(part.rule_set, part.section)
    params = {"source": source, "n": part.staff or 0, "allowed": part.allowed or 0}
    if part.code == rules.RATIO:
        return (
            ngettext(
                "%(source)s: %(n)d caregiver for these children.",
                "%(source)s: %(n)d caregivers for these children.",
                part.staff or 0,
            )
            % params
        )
    if part.code == rules.GROUP_SIZE:
        if part.allowed:
            return _("%(source)s: too many children for one group (at most %(allowed)d).") % params
        return _("%(source)s: too many children for one group.") % params
    if part.code == rules.LIMIT:
        if part.staff is None:
            return _("%(source)s: too many of the youngest children for one group.") % params
        return (
            ngettext(
                "%(source)s: %(n)d caregiver for the youngest children.",
                "%(source)s: %(n)d caregivers for the youngest children.",
                part.staff,
            )
            % params
        )
    if part.code == rules.COMPOSITION:
        if part.staff is None:
            return _("%(source)s: no number of caregivers may care for this mix of ages.") % params
        return (
            ngettext(
                "%(source)s: this mix of ages needs %(n)d caregiver.",
                "%(source)s: this mix of ages needs %(n)d caregivers.",
                part.staff,
            )
            % params
        )
    if part.code == rules.CONDITION and part.qualification is not None:
        params["qualification"] = part.qualification
        return _("%(source)s: a caregiver with %(qualification)s on shift.") % params
    return _("%(source)s: a condition on the children present.") % params


def bench(
    rule_sets: Sequence[rules.RuleSet],
    members: Sequence[rules.Member],
    staff: int,
    qualified: Mapping[str, int],
    periods: frozenset[str],
) -> Answer:
    lines = []
    for rule_set in rule_sets:
        parts = rules.assess(rule_set, members, periods=periods)
        unmet = rules.unmet(parts, staff, qualified)
        for part in parts:
            lines.append(
                Line(
                    rule_set.id,
                    wording.source(part.rule_set, part.section),
                    part not in unmet,
                    headline(part),
                    wording.requirement(part),
                )
            )
    need = rules.staff_needed(rule_sets, members, periods=periods)
    return Answer(lines, need.staff, need.over is not None, staff)
