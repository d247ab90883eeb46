"""Which rule sets bind a program on a day (issue #15): reading only, no writes.

A program is bound by its state's published rule set (`Program.state_rules`: the version in
effect that day), its built-in set (`Program.rule_set`, when given) and its extra sets
(`Program.extra_rules`: built-in names, or ``state:<rule id>`` for another published set of
its jurisdiction). The planner gets them as attune.rules documents or built-in names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from attune.programs.models import Jurisdiction, Program, PublishedRuleSet
from planner import rules

STATE_PREFIX = "state:"


def in_effect(jurisdiction: Jurisdiction, rule_id: str, on: date) -> PublishedRuleSet | None:
    """The version of a published rule set in effect on `on` (latest effective, then
    latest version), or None when none has taken effect yet."""
    return (
        PublishedRuleSet.objects.filter(
            jurisdiction=jurisdiction, rule_id=rule_id, effective__lte=on
        )
        .order_by("-effective", "-version")
        .first()
    )


def published_ids(jurisdiction: Jurisdiction) -> list[str]:
    return sorted(
        set(
            PublishedRuleSet.objects.filter(jurisdiction=jurisdiction).values_list(
                "rule_id", flat=True
            )
        )
    )


@dataclass(frozen=True)
class Bound:
    """One rule set binding a program on a day."""

    label: str  # the rule set's id (and version for published ones)
    spec: str | dict[str, Any]  # a built-in name or the attune.rules document
    version: PublishedRuleSet | None = None


def bound(program: Program, on: date) -> list[Bound]:
    """The rule sets binding `program` on `on`, the primary first. A published set with no
    version in effect yet is left out (the others still bind)."""
    out: list[Bound] = []
    names: list[str] = []
    if program.state_rules:
        names.append(STATE_PREFIX + program.state_rules)
    if program.rule_set:
        names.append(program.rule_set)
    names += [n for n in program.extra_rules or [] if isinstance(n, str)]
    for name in dict.fromkeys(names):
        if name.startswith(STATE_PREFIX):
            version = in_effect(program.jurisdiction, name[len(STATE_PREFIX) :], on)
            if version is not None:
                out.append(
                    Bound(f"{version.rule_id} v{version.version}", version.document, version)
                )
        elif name in rules.BUILT_IN:
            out.append(Bound(name, name))
    return out


def upcoming(program: Program, after: date, until: date) -> list[date]:
    """Days in (after, until] when a published rule set of the program takes effect."""
    ids = [program.state_rules] if program.state_rules else []
    ids += [
        n[len(STATE_PREFIX) :]
        for n in program.extra_rules or []
        if isinstance(n, str) and n.startswith(STATE_PREFIX)
    ]
    if not ids:
        return []
    days = PublishedRuleSet.objects.filter(
        jurisdiction_id=program.jurisdiction_id,
        rule_id__in=ids,
        effective__gt=after,
        effective__lte=until,
    ).values_list("effective", flat=True)
    return sorted(set(days))


def choices(program: Program) -> list[tuple[str, str]]:
    """What a program may add as an extra rule set: the built-in ones and its state's."""
    from attune.programs.models import RuleSet

    out = [(value, str(label)) for value, label in RuleSet.choices]
    for rule_id in published_ids(program.jurisdiction):
        out.append((STATE_PREFIX + rule_id, f"{program.jurisdiction.name}: {rule_id}"))
    return out


def outside_ages(program: Program, birth: date, on: date) -> str | None:
    """Why a child born on `birth` cannot be in care in `program` on `on` (issue 19: refused
    at entry rather than stopping the planner later), or None. The program's enrollment
    ages are those every rule set binding it that day covers."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    if birth > on:
        return None  # a child not born yet by that day: the date checks say so
    age = rules.Age.of(birth, on)
    for each in bound(program, on):
        try:
            rule_set = rules.load(each.spec)
        except rules.RuleSetError:
            continue
        if rule_set.band_for(age) is None:
            return _(
                "born %(birth)s, the child would be %(months)s months old on %(date)s: outside "
                "the ages this program enrolls under %(rules)s (%(covers)s)"
            ) % {
                "birth": date_format(birth, "DATE_FORMAT"),
                "months": age.months,
                "date": date_format(on, "DATE_FORMAT"),
                "rules": each.label,
                "covers": rule_set.covers_text(),
            }
    return None
