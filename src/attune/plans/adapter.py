"""Program records ↔ the planner's problem and plan (attune.problem/1, attune.plan/1).

Planner ids: children "c<pk>", caregivers "s<pk>", rooms "r<pk>". A child's current group is
their small group's label, or "room-<pk>" while the room has no small groups; groups the
planner starts get fresh ids ("g1"). People never see ids: `Names` turns them into names,
also inside the planner's sentences (`Names.say`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from attune.programs import rulesets
from attune.programs.models import Caregiver, Child, Program, Room, RuleSet, WaitlistEntry
from planner import io, rules
from planner import model as planner_model
from planner.model import Group, Plan, Problem

ROOM_GROUP = re.compile(r"^room-(\d+)$")
_RECORD = re.compile(r"^([csr])(\d+)$")
# "children[3] (c12): birth_date: ..." -> the record's id, to say the person's name instead
_INPUT_PATH = re.compile(r"^\w+\[\d+\] \(([^)]+)\)")

# Head Start's cap on primary children per teacher (45 CFR 1302.21(b)(2)); other rule sets
# leave it to each caregiver's own maximum (at most 12, the form's limit).
PRIMARY_CAP = {RuleSet.EHS_CENTER.value: 4}
DEFAULT_PRIMARY_CAP = 12
LABEL_LENGTH = 40


class CannotPlan(ValidationError):
    """The records cannot be planned as they are; the messages say why, with names."""


def child_id(child: Child) -> str:
    return f"c{child.pk}"


def caregiver_id(caregiver: Caregiver) -> str:
    return f"s{caregiver.pk}"


def room_id(room: Room) -> str:
    return f"r{room.pk}"


def waitlist_id(entry: WaitlistEntry) -> str:
    return f"w{entry.pk}"


def current_group_id(child: Child) -> str | None:
    if child.care_group is not None and child.care_group.retired_on is None:
        return child.care_group.label
    if child.room_id is not None:
        return f"room-{child.room_id}"
    return None


def pk_of(planner_id: str, kind: str) -> int | None:
    """The record's primary key in a planner id ("c12" -> 12 for kind "c")."""
    match = _RECORD.match(planner_id)
    if match is None or match.group(1) != kind:
        return None
    return int(match.group(2))


# -- names -----------------------------------------------------------------------------------


@dataclass
class Names:
    """Names for the planner ids of one problem (and the groups of its plans)."""

    children: dict[str, Child] = field(default_factory=dict)
    caregivers: dict[str, Caregiver] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    # records the planner could not take, each named with the reason: the rest is planned
    left_out: list[str] = field(default_factory=list)

    @classmethod
    def for_problem(cls, program: Program, problem: Mapping[str, Any]) -> Names:
        """Names for a stored problem's ids, read from the program's records."""
        ids = {
            "c": [str(c.get("id")) for c in problem.get("children", [])],
            "s": [str(s.get("id")) for s in problem.get("caregivers", [])],
            "r": [str(r.get("id")) for r in problem.get("rooms", [])],
        }

        def pks(kind: str) -> list[int]:
            return [pk for i in ids[kind] if (pk := pk_of(i, kind)) is not None]

        children = {child_id(c): c for c in Child.objects.filter(program=program, pk__in=pks("c"))}
        caregivers = {
            caregiver_id(s): s for s in Caregiver.objects.filter(program=program, pk__in=pks("s"))
        }
        rooms = {room_id(r): r for r in Room.objects.filter(program=program, pk__in=pks("r"))}
        names = cls(children=children, caregivers=caregivers, rooms=rooms)
        names.groups = {
            g: names.current_group_name(g)
            for g in ((c.get("current") or {}).get("group") for c in problem.get("children", []))
            if g
        }
        return names

    def merged(self, other: Names) -> Names:
        """These names, with `other`'s for the ids these do not know."""
        return Names(
            children={**other.children, **self.children},
            caregivers={**other.caregivers, **self.caregivers},
            rooms={**other.rooms, **self.rooms},
            groups={**other.groups, **self.groups},
        )

    def current_group_name(self, group_id: str) -> str:
        match = ROOM_GROUP.match(group_id)
        if match is None:
            return group_id  # a small group's label
        room = (
            self.rooms.get(f"r{match.group(1)}")
            or Room.objects.filter(pk=int(match.group(1))).first()
        )
        return room.name if room is not None else _("a room no longer on record")

    def child(self, planner_id: str) -> str:
        child = self.children.get(planner_id)
        return str(child) if child is not None else _("a child no longer on record")

    def caregiver(self, planner_id: str | None) -> str:
        if planner_id is None:
            return "—"
        caregiver = self.caregivers.get(planner_id)
        return str(caregiver) if caregiver is not None else _("a caregiver no longer on record")

    def room(self, planner_id: str | None) -> str:
        if planner_id is None:
            return "—"
        room = self.rooms.get(planner_id)
        return room.name if room is not None else _("a room no longer on record")

    def group(self, group_id: str | None) -> str:
        if group_id is None:
            return "—"
        return self.groups.get(group_id) or self.current_group_name(group_id)

    def with_plan(self, plan: Plan, problem: Problem) -> Names:
        """These names, plus names for the groups of `plan` (see group_names)."""
        names = Names(
            children=self.children,
            caregivers=self.caregivers,
            rooms=self.rooms,
            groups={**self.groups, **group_names(plan.groups, problem, self)},
        )
        return names

    def say(self, text: str) -> str:
        """A planner sentence with every id replaced by the name it stands for."""
        mapping = self._mapping()
        if not mapping:
            return text
        alternatives = "|".join(re.escape(i) for i in sorted(mapping, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
        return pattern.sub(lambda m: mapping[m.group(0)], text)

    def _mapping(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        mapping.update({g: name for g, name in self.groups.items() if g != name})
        mapping.update({r: self.room(r) for r in self.rooms})
        mapping.update({s: self.caregiver(s) for s in self.caregivers})
        mapping.update({c: self.child(c) for c in self.children})
        return mapping

    def input_error(self, exc: io.InvalidInput) -> str:
        """The planner's complaint about its input, naming the record instead of its path."""
        text = str(exc)
        match = _INPUT_PATH.match(text)
        if match is not None:
            text = self.name(match.group(1)) + text[match.end() :]
        return self.say(text)

    def name(self, planner_id: str) -> str:
        if planner_id in self.children:
            return self.child(planner_id)
        if planner_id in self.caregivers:
            return self.caregiver(planner_id)
        if planner_id in self.rooms:
            return self.room(planner_id)
        return self.group(planner_id)


def group_names(groups: Sequence[Group], problem: Problem, names: Names) -> dict[str, str]:
    """A name for each group of a plan, unique within the plan, as the classroom will say it.

    A group that continues a small group keeps its name; one that continues a room without
    small groups, or that the planner started, is named after its room ("Wrens", then
    "Wrens 2" for a second group there).
    """
    current = {c.current.group for c in problem.children if c.current and c.current.group}
    out: dict[str, str] = {}
    taken: set[str] = set()
    for group in groups:
        if group.id in current and ROOM_GROUP.match(group.id) is None:
            out[group.id] = group.id
            taken.add(group.id)
    for group in groups:
        if group.id in out:
            continue
        if group.id in current:
            base = names.current_group_name(group.id)
        elif group.room is not None:
            base = names.room(group.room)
        else:
            base = _("New group")
        base = base[: LABEL_LENGTH - 4]
        name, n = base, 2
        while name in taken:
            name, n = f"{base} {n}", n + 1
        out[group.id] = name
        taken.add(name)
    return out


# -- records -> problem ----------------------------------------------------------------------


def _schedule(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def problem_for(program: Program, *, on: date) -> tuple[Problem, Names]:
    """The planner's problem for the program's records on `on`, and names for its ids.

    Children enrolled on `on`; caregivers working on `on` (hire and last day); every room.
    CannotPlan says, with names, what keeps the records from being planned.
    """
    children = list(
        Child.objects.filter(program=program)
        .enrolled_on(on)
        .select_related("care_group", "room", "primary_caregiver")
        .order_by("last_name", "first_name", "pk")
    )
    caregivers = [
        c
        for c in Caregiver.objects.filter(program=program)
        .select_related("care_group")
        .order_by("last_name", "first_name", "pk")
        if c.is_active(on)
    ]
    rooms = list(program.rooms.order_by("name", "pk"))
    names = Names(
        children={child_id(c): c for c in children},
        caregivers={caregiver_id(s): s for s in caregivers},
        rooms={room_id(r): r for r in rooms},
    )
    aside = _outside_ages(program, on, children)
    names.left_out = list(aside.values())
    children = [c for c in children if c.pk not in aside]
    names.children = {child_id(c): c for c in children}
    problems = _cannot_plan(program, on, rooms, children)
    if problems:
        raise CannotPlan([*problems, *names.left_out])
    # A record the planner refuses is named and left out, and the rest planned (issue 19):
    # one bad record never stops the planner for the whole program.
    while True:
        data = problem_json(program, on=on, rooms=rooms, children=children, caregivers=caregivers)
        try:
            problem = io.parse_problem(data)
            break
        except io.InvalidInput as exc:
            said = names.input_error(exc)
            match = _RECORD_PATH.match(exc.where)
            if match is None or (match.group(1) == "children" and len(children) == 1):
                raise CannotPlan(
                    [
                        *names.left_out,
                        _("The records cannot be planned: %(reason)s") % {"reason": said},
                    ]
                ) from None
            kind, index = match.group(1), int(match.group(2))
            if kind == "children":
                names.children.pop(child_id(children[index]), None)
                children = children[:index] + children[index + 1 :]
            else:
                names.caregivers.pop(caregiver_id(caregivers[index]), None)
                caregivers = caregivers[:index] + caregivers[index + 1 :]
            names.left_out.append(_("Left out of the plan: %(reason)s") % {"reason": said})
    names.groups = {
        g: names.current_group_name(g)
        for g in {c.current.group for c in problem.children if c.current and c.current.group}
    }
    return problem, names


_RECORD_PATH = re.compile(r"^(children|caregivers)\[(\d+)\]")


def _outside_ages(program: Program, on: date, children: Sequence[Child]) -> dict[int, str]:
    """Children older or younger than every band of a rule set binding the program: each
    left out of the plan with a sentence naming them (the rest is planned)."""
    out: dict[int, str] = {}
    for each in rulesets.bound(program, on):
        try:
            rule_set = rules.load(each.spec)
        except rules.RuleSetError:
            continue  # said by _cannot_plan
        for child in children:
            age = rules.Age.of(child.birth_date, on)
            if child.pk not in out and rule_set.band_for(age) is None:
                out[child.pk] = _(
                    "%(child)s is left out of the plan: %(months)d months old on %(date)s, "
                    "outside the ages the rule set %(rules)s covers (%(covers)s). Correct the "
                    "birth date, or end the child's enrollment here."
                ) % {
                    "child": child,
                    "months": age.months,
                    "date": date_format(on, "DATE_FORMAT"),
                    "rules": each.label,
                    "covers": rule_set.covers_text(),
                }
    return out


def _cannot_plan(
    program: Program, on: date, rooms: Sequence[Room], children: Sequence[Child]
) -> list[str]:
    problems: list[str] = []
    if not rooms:
        problems.append(_("The program has no rooms yet: add a room before planning."))
    if not children:
        problems.append(
            _("No children are enrolled on %(date)s: there is nothing to plan.")
            % {"date": date_format(on, "DATE_FORMAT")}
        )
    bound = rulesets.bound(program, on)
    if not bound:
        problems.append(
            _(
                "No rule set binds the program on %(date)s: choose its rule sets on the "
                "program's rule-set page."
            )
            % {"date": date_format(on, "DATE_FORMAT")}
        )
        return problems
    for each in bound:
        try:
            rules.load(each.spec)
        except rules.RuleSetError:
            problems.append(
                _("The rule set “%(name)s” is not one the planner can read.") % {"name": each.label}
            )
    return problems


def _rules_json(program: Program, on: date) -> dict[str, Any]:
    """program.rules and program.extra_rules: every rule set binding the program on `on`."""
    bound = rulesets.bound(program, on)
    if not bound:
        return {"rules": program.rule_set or "cfoc-center"}
    out: dict[str, Any] = {"rules": bound[0].spec}
    if len(bound) > 1:
        out["extra_rules"] = [b.spec for b in bound[1:]]
    return out


def problem_json(
    program: Program,
    *,
    on: date,
    rooms: Iterable[Room],
    children: Sequence[Child],
    caregivers: Sequence[Caregiver],
) -> dict[str, Any]:
    """The attune.problem/1 JSON for these records (checked by planner.io.parse_problem)."""
    in_problem = {caregiver_id(s) for s in caregivers}
    rooms_now: dict[str, str] = {}  # current group id -> the room it is in now
    for child in children:
        group = current_group_id(child)
        room = child.care_group.room if child.care_group is not None else child.room
        if group is not None and room is not None:
            rooms_now.setdefault(group, room_id(room))
    by_family: dict[int, list[str]] = {}
    for child in children:
        by_family.setdefault(child.family_id, []).append(child_id(child))
    out_children = []
    for child in children:
        item = child_json(
            planner_id=child_id(child),
            birth_date=child.birth_date,
            schedule=child.schedule,
            languages=child.home_languages,
            ifsp=child.has_ifsp,
            siblings=[c for c in by_family[child.family_id] if c != child_id(child)],
        )
        current: dict[str, str] = {}
        group = current_group_id(child)
        if group is not None:
            current["group"] = group
        primary = (
            f"s{child.primary_caregiver_id}" if child.primary_caregiver_id is not None else None
        )
        if primary in in_problem:
            current["primary"] = primary
        if current:
            item["current"] = current
        out_children.append(item)
    return {
        "format": io.PROBLEM_FORMAT,
        "as_of": on.isoformat(),
        "program": {
            "name": program.name,
            "kind": program.kind,
            **_rules_json(program, on),
            "block_minutes": 15,
            "primary_cap": PRIMARY_CAP.get(program.rule_set, DEFAULT_PRIMARY_CAP),
        },
        "rooms": [
            {"id": room_id(r), "capacity": r.capacity, "max_groups": r.max_groups} for r in rooms
        ],
        "children": out_children,
        "caregivers": [
            {
                "id": caregiver_id(s),
                "languages": list(s.languages or []),
                "ifsp_trained": s.ifsp_trained,
                "max_primary": s.max_primary,
                # credentials are what rule-set conditions ask of the staff on shift
                "qualifications": sorted({str(c) for c in s.credentials or []}),
                "shifts": _schedule(s.shifts),
                **({"current": {"group": group}} if (group := _staff_group(s)) else {}),
            }
            for s in caregivers
        ],
        "current_groups": [{"id": g, "room": r} for g, r in sorted(rooms_now.items())],
    }


def child_json(
    *,
    planner_id: str,
    birth_date: date,
    schedule: Any,
    languages: Iterable[str] | None,
    ifsp: bool,
    siblings: Sequence[str],
) -> dict[str, Any]:
    """One child of the attune.problem/1 JSON (an enrolled child or a waitlisted one)."""
    return {
        "id": planner_id,
        "birth_date": birth_date.isoformat(),
        "schedule": _schedule(schedule),
        "languages": list(languages or []),
        "ifsp": ifsp,
        "siblings": list(siblings),
        "family_requests": [],
    }


def planner_schedule(value: Any) -> planner_model.Schedule:
    """A stored schedule (lib.schedules' JSON: sorted, non-overlapping "HH:MM" spans) as the
    planner's minutes."""
    out: planner_model.Schedule = {}
    for day, spans in _schedule(value).items():
        parsed = tuple(
            sorted(planner_model.Span(_minute(start), _minute(end)) for start, end in spans)
        )
        if parsed:
            out[day] = parsed
    return out


def _minute(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def waitlist_child(
    entry: WaitlistEntry, problem: Problem, *, schedule: Any = None
) -> planner_model.Child:
    """The planner's child for a waitlist entry (id "w<pk>"), attending `schedule` (stored
    JSON; default: the desired schedule). An enrolled sibling in `problem` is its sibling."""
    enrolled = {c.id for c in problem.children}
    sibling = child_id(entry.sibling) if entry.sibling is not None else None
    item = child_json(
        planner_id=waitlist_id(entry),
        birth_date=entry.birth_date,
        schedule=entry.desired_schedule if schedule is None else schedule,
        languages=entry.home_languages,
        ifsp=entry.has_ifsp,
        siblings=[sibling] if sibling in enrolled else [],
    )
    return planner_model.Child(
        id=item["id"],
        birth_date=entry.birth_date,
        schedule=planner_schedule(item["schedule"]),
        languages=tuple(item["languages"]),
        ifsp=item["ifsp"],
        siblings=tuple(item["siblings"]),
    )


def opening_hours(program: Program) -> tuple[int, int]:
    """The program's hours as minutes after midnight (planner.whatif's `hours`)."""
    opens, closes = program.opens_at, program.closes_at
    return opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute


def _staff_group(caregiver: Caregiver) -> str | None:
    """The group a caregiver works in now: their small group, else their home room's."""
    if caregiver.care_group is not None:
        return caregiver.care_group.label
    if caregiver.room_id is not None:
        return f"room-{caregiver.room_id}"
    return None


# -- the arrangement in the records, as a plan ----------------------------------------------


def current_plan(problem: Problem, names: Names) -> Plan:
    """The arrangement the records hold now, as a plan the validator can judge.

    Groups are the children's current groups; a small group's caregivers are those whose
    small group it is, a room's those whose home room it is (without a small group).
    """
    groups: dict[str, Group] = {}
    for c in problem.children:
        group_id = c.current.group if c.current else None
        if group_id is None:
            continue
        if group_id not in groups:
            child = names.children[c.id]
            room = child.care_group.room if child.care_group is not None else child.room
            groups[group_id] = Group(group_id, room_id(room) if room else None, [], [])
        groups[group_id].children.append(c.id)
    for s in problem.caregivers:
        caregiver = names.caregivers[s.id]
        if caregiver.care_group_id is not None and caregiver.care_group is not None:
            key = caregiver.care_group.label
        elif caregiver.room_id is not None:
            key = f"room-{caregiver.room_id}"
        else:
            continue
        if key in groups:
            groups[key].caregivers.append(s.id)
    primary = {c.id: c.current.primary for c in problem.children if c.current and c.current.primary}
    unplaced = [c.id for c in problem.children if not (c.current and c.current.group)]
    return Plan(
        status="current",
        groups=sorted(groups.values(), key=lambda g: (names.room(g.room), g.id)),
        primary=primary,
        unassigned_children=unplaced,
    )
