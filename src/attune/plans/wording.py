"""What the plan board says: violations, soft goals and changes in the reader's language.

The planner's own sentences are precise but English and full of ids; each finding gets a
translated headline built from its structured fields, and the planner's sentence (with names
instead of ids, via adapter.Names.say) as the detail.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attune.lib import languages
from attune.plans.adapter import Names
from planner.model import (
    DAYS,
    Caregiver,
    Child,
    Group,
    Plan,
    Problem,
    SoftNote,
    Violation,
    hhmm,
    overlap_minutes,
    schedule_minutes,
)


@dataclass(frozen=True)
class Said:
    headline: str
    detail: str = ""  # the planner's own sentence, with names (English)

    def __str__(self) -> str:
        return f"{self.headline} {self.detail}".strip()


def day_name(day: str) -> str:
    return str(WEEKDAYS[DAYS.index(day)]) if day in DAYS else day


def when(v: Violation) -> str:
    if v.day is None:
        return ""
    if v.start is None or v.end is None:
        return day_name(v.day)
    return f"{day_name(v.day)} {hhmm(v.start)}–{hhmm(v.end)}"


def source(v: Violation) -> str:
    """The rule set a finding comes from, and the section of its source."""
    if not v.rule_set:
        return _("the rules")
    if v.section:
        return f"{v.rule_set} ({v.section})"
    return v.rule_set


def violation(v: Violation, names: Names) -> Said:
    """One broken rule, headline first."""
    params: dict[str, Any] = {
        "when": when(v),
        "group": names.group(v.group),
        "room": names.room(v.room),
        "child": names.child(v.children[0]) if v.children else "—",
        "caregiver": names.caregiver(v.caregivers[0]) if v.caregivers else "—",
    }
    rule = v.rule
    facts = v.facts or {}
    params["source"] = source(v)
    need = facts.get("need")
    if rule == "ratio" and isinstance(need, int):
        params.update(need=need, staff=facts.get("staff", 0))
        text = ngettext(
            "%(when)s, %(group)s: %(source)s needs %(need)d caregiver for the children "
            "present; %(staff)d on shift.",
            "%(when)s, %(group)s: %(source)s needs %(need)d caregivers for the children "
            "present; %(staff)d on shift.",
            need,
        )
    elif rule == "ratio":
        text = _("%(when)s, %(group)s: too few caregivers on shift for the children present.")
    elif rule == "group-size":
        text = _("%(when)s, %(group)s: more children present than %(source)s allows in a group.")
    elif rule == "limit":
        text = _(
            "%(when)s, %(group)s: too many of the youngest children for the caregivers "
            "(%(source)s)."
        )
    elif rule == "composition" and isinstance(need, int):
        params["need"] = need
        text = ngettext(
            "%(when)s, %(group)s: %(source)s allows this mix of ages only with %(need)d "
            "caregiver on shift.",
            "%(when)s, %(group)s: %(source)s allows this mix of ages only with %(need)d "
            "caregivers on shift.",
            need,
        )
    elif rule == "composition":
        text = _(
            "%(when)s, %(group)s: %(source)s allows this mix of ages with no number of caregivers."
        )
    elif rule == "condition" and facts.get("qualification"):
        params["qualification"] = facts["qualification"]
        text = _(
            "%(when)s, %(group)s: %(source)s requires a caregiver with %(qualification)s on shift."
        )
    elif rule == "condition":
        text = _("%(when)s, %(group)s: %(source)s requires something of the children present.")
    elif rule == "no-band":
        text = _("%(child)s is outside the ages a rule set covers.")
    elif rule == "room-capacity":
        text = _("%(when)s, %(room)s: more children present than the room is licensed for.")
    elif rule == "primary-outside-group":
        text = _("%(caregiver)s, the primary caregiver of %(child)s, is not in the child's group.")
    elif rule == "primary-load":
        text = _("%(caregiver)s would be primary caregiver for more children than allowed.")
    elif rule == "no-primary":
        text = _("%(child)s has no primary caregiver.")
    elif rule in ("child-not-placed", "unassigned-not-allowed"):
        text = _("%(child)s is in no group.")
    elif rule == "child-in-two-groups":
        text = _("%(child)s is in two groups.")
    elif rule == "caregiver-in-two-groups":
        text = _("%(caregiver)s is in two groups.")
    elif rule == "room-too-many-groups":
        text = _("%(room)s holds more small groups than it has space for.")
    elif rule == "group-without-room":
        text = _("%(group)s has no room.")
    elif rule == "unknown-child":
        text = _("The plan names a child who is not enrolled now.")
    elif rule == "unknown-caregiver":
        text = _("The plan names a caregiver who is not working here now.")
    elif rule == "unknown-room":
        text = _("The plan names a room that is not in the records.")
    else:
        text = _("The plan breaks a licensing or planning rule.")
    return Said(text % params, names.say(v.message))


def violations(found: list[Violation], names: Names) -> list[Said]:
    return [violation(v, names) for v in found]


# -- soft goals -------------------------------------------------------------------------------


def _share(child: Child, caregiver: Caregiver | None) -> int:
    attended = schedule_minutes(child.schedule)
    if not attended or caregiver is None:
        return 0
    return math.floor(100 * overlap_minutes(child.schedule, caregiver.shifts) / attended)


def soft_notes(problem: Problem, plan: Plan, notes: list[SoftNote], names: Names) -> list[str]:
    """The soft goals the plan does not meet, one sentence each (changes are counted once)."""
    return [text for _cost, text in _costed_notes(problem, plan, notes, names)]


def ranked_notes(
    problem: Problem, plan: Plan, notes: list[SoftNote], names: Names
) -> list[tuple[int, str]]:
    """The same sentences with what each costs in the planner's objective, the costliest
    (the goal whose shortfall weighs most) first."""
    costed = _costed_notes(problem, plan, notes, names)
    return sorted(costed, key=lambda pair: -pair[0])


def _costed_notes(
    problem: Problem, plan: Plan, notes: list[SoftNote], names: Names
) -> list[tuple[int, str]]:
    children = {c.id: c for c in problem.children}
    caregivers = {s.id: s for s in problem.caregivers}
    out: list[tuple[int, str]] = []
    moved = sum(
        1
        for c in problem.children
        if c.current and c.current.primary and plan.primary.get(c.id) != c.current.primary
    )
    if moved:
        out.append(
            (
                sum(n.cost for n in notes if n.goal == "continuity"),
                ngettext(
                    "%(n)d child would change primary caregiver (see the comparison below).",
                    "%(n)d children would change primary caregiver (see the comparison below).",
                    moved,
                )
                % {"n": moved},
            )
        )
    target = math.ceil(len(problem.children) / len(problem.caregivers)) if caregivers else 0
    load = Counter(s for c, s in plan.primary.items() if c in children)
    for note in notes:
        child = children.get(note.child or "")
        caregiver = caregivers.get(note.caregiver or "")
        params = {
            "child": names.child(note.child) if note.child else "—",
            "caregiver": names.caregiver(note.caregiver),
        }
        if note.goal == "continuity":
            continue
        if note.goal == "language" and child is not None:
            params["languages"] = languages.names(child.languages)
            text = (
                _(
                    "%(caregiver)s, the primary caregiver of %(child)s, speaks none of the "
                    "child's home languages (%(languages)s)."
                )
                if caregiver is not None
                else _("%(child)s has no primary caregiver to speak %(languages)s.")
            )
        elif note.goal == "ifsp":
            text = (
                _(
                    "%(child)s has an IFSP and the primary caregiver, %(caregiver)s, is not IFSP-trained."
                )
                if caregiver is not None
                else _("%(child)s has an IFSP and no primary caregiver.")
            )
        elif note.goal == "primary_presence" and child is not None:
            params["share"] = str(_share(child, caregiver))
            text = (
                _("%(caregiver)s is on shift for %(share)s%% of the hours %(child)s attends.")
                if caregiver is not None
                else _("%(child)s has no primary caregiver on shift.")
            )
        elif note.goal == "balance" and caregiver is not None:
            params["n"] = str(load[caregiver.id])
            params["share"] = str(target)
            text = _(
                "%(caregiver)s is primary caregiver for %(n)s children, more than an even "
                "share (%(share)s)."
            )
        elif note.goal == "family_requests":
            text = _("The family of %(child)s asked for another primary caregiver.")
        elif note.goal == "unassigned":
            text = _("%(child)s is left out of the plan.")
        elif note.goal == "siblings":
            continue  # said once per pair below
        else:
            out.append((note.cost, names.say(note.message)))
            continue
        out.append((note.cost, text % params))
    pairs = sibling_notes(problem, plan, names)
    sibling_cost = sum(n.cost for n in notes if n.goal == "siblings")
    out.extend((sibling_cost // len(pairs), text) for text in pairs)
    return out


def sibling_notes(problem: Problem, plan: Plan, names: Names) -> list[str]:
    group_of = {c: g.id for g in plan.groups for c in g.children}
    order = {c.id: i for i, c in enumerate(problem.children)}
    pairs = sorted(
        {
            tuple(sorted((c.id, s), key=order.__getitem__))
            for c in problem.children
            for s in c.siblings
            if s in order
        },
        key=lambda pair: (order[pair[0]], order[pair[1]]),
    )
    out = []
    for a, b in pairs:
        if group_of.get(a) is None or group_of.get(a) != group_of.get(b):
            out.append(
                _("Siblings %(a)s and %(b)s are not in the same group.")
                % {"a": names.child(a), "b": names.child(b)}
            )
    return out


# -- the comparison with the records ---------------------------------------------------------


@dataclass
class Change:
    child_id: str
    child: str
    group_before: str
    group_after: str
    primary_before: str
    primary_after: str
    reasons: list[str] = field(default_factory=list)

    @property
    def primary_changes(self) -> bool:
        return self.primary_before != self.primary_after


def changes(problem: Problem, plan: Plan, names: Names) -> list[Change]:
    """Children whose primary caregiver or group the plan changes, and why."""
    caregivers = {s.id: s for s in problem.caregivers}
    group_of = {c: g for g in plan.groups for c in g.children}
    out = []
    for child in sorted(problem.children, key=lambda c: names.child(c.id)):
        record = names.children.get(child.id)
        current = child.current
        before_id = current.primary if current else None
        after_id = plan.primary.get(child.id)
        group = group_of.get(child.id)
        group_before = names.group(current.group if current else None)
        group_after = names.group(group.id if group else None)
        left = (
            record is not None
            and record.primary_caregiver_id is not None
            and before_id is None
            and f"s{record.primary_caregiver_id}" not in caregivers
        )
        primary_before = (
            str(record.primary_caregiver) if left and record else names.caregiver(before_id)
        )
        primary_after = names.caregiver(after_id)
        if primary_before == primary_after and group_before == group_after:
            continue
        change = Change(
            child.id,
            names.child(child.id),
            group_before,
            group_after,
            primary_before,
            primary_after,
        )
        if primary_before != primary_after:
            before = caregivers.get(before_id or "")
            after = caregivers.get(after_id or "")
            change.reasons = _reasons(child, before, after, group, left, primary_before)
        elif group is not None:
            sibling_there = any(s in group.children for s in child.siblings)
            change.reasons = [
                _("joins a brother or sister")
                if sibling_there
                else _("keeps the groups within the ratios and group sizes")
            ]
        out.append(change)
    return out


def _reasons(
    child: Child,
    before: Caregiver | None,
    after: Caregiver | None,
    group: Group | None,
    left: bool,
    before_name: str,
) -> list[str]:
    reasons: list[str] = []
    if left:
        reasons.append(_("%(name)s no longer works here") % {"name": before_name})
    elif before is None:
        reasons.append(_("had no primary caregiver"))
    if after is None:
        return reasons or [_("no caregiver of the group can take the child")]
    spoken = [code for code in child.languages if code in after.languages]
    if spoken and (before is None or not set(before.languages) & set(child.languages)):
        reasons.append(_("speaks %(language)s") % {"language": languages.names(spoken)})
    if child.ifsp and after.ifsp_trained and (before is None or not before.ifsp_trained):
        reasons.append(_("IFSP-trained"))
    share_after, share_before = _share(child, after), _share(child, before)
    if before is not None and share_after > share_before:
        reasons.append(
            _("on shift for more of the child's hours (%(after)s%% instead of %(before)s%%)")
            % {"after": share_after, "before": share_before}
        )
    caregivers_there = group.caregivers if group is not None else []
    if before is not None and before.id not in caregivers_there:
        reasons.append(_("%(name)s works with another group in this plan") % {"name": before_name})
    if not reasons:
        reasons.append(_("keeps every caregiver within their number of primary children"))
    return [reason.strip() for reason in reasons]
