"""Reading and writing the interchange JSON (attune.problem/1, attune.plan/1).

Every problem is checked on the way in; InvalidInput says which field of which record is
wrong and how, e.g. ``children[3] (c4): schedule.mon[0]: ends (08:00) before it starts
(16:30)``. Unknown fields are ignored, so other tools may add their own.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import asdict
from datetime import date
from typing import Any

from planner import limits, rules, safejson
from planner.model import (
    DAYS,
    Caregiver,
    Child,
    Current,
    Group,
    Plan,
    Problem,
    ProgramInfo,
    Room,
    Schedule,
    SoftNote,
    Span,
    StaffChild,
    Violation,
    Weights,
    hhmm,
)

PROBLEM_FORMAT = "attune.problem/1"
PLAN_FORMAT = "attune.plan/1"
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


class InvalidInput(ValueError):
    """The input cannot be planned; `where` is a JSON path, `record` the id concerned."""

    def __init__(self, where: str, message: str, record: str | None = None) -> None:
        self.where = where
        self.record = record
        self.message = message
        label = f"{where} ({record})" if record else where
        super().__init__(f"{label}: {message}" if label else message)


class _Reader:
    """Checks values inside one record, prefixing every error with the record's path."""

    def __init__(self, where: str, record: str | None = None) -> None:
        self.where = where
        self.record = record

    def fail(self, field: str, message: str) -> InvalidInput:
        path = f"{self.where}.{field}" if field and self.where else field or self.where
        if self.record is not None:
            # "children[3] (c4): schedule.mon[0]: …" reads better than one long path
            return InvalidInput(
                self.where, f"{field}: {message}" if field else message, self.record
            )
        return InvalidInput(path, message)

    def obj(self, value: Any, field: str = "") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, f"must be a JSON object, not {_kind(value)}")
        return value

    def required(self, obj: dict[str, Any], field: str) -> Any:
        if field not in obj:
            raise self.fail(field, "is missing")
        return obj[field]

    def text(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, f"must be a non-empty text, not {_kind(value)}")
        return value

    def integer(self, value: Any, field: str, *, minimum: int, maximum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"must be a whole number, not {_kind(value)}")
        if value < minimum or (maximum is not None and value > maximum):
            bound = (
                f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            )
            raise self.fail(field, f"must be {bound}, not {value}")
        return value

    def boolean(self, value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(field, f"must be true or false, not {_kind(value)}")
        return value

    def day(self, value: Any, field: str) -> date:
        if not isinstance(value, str):
            raise self.fail(field, f"must be a date YYYY-MM-DD, not {_kind(value)}")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(field, f"must be a date YYYY-MM-DD, not {value!r}") from None

    def strings(self, value: Any, field: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(field, "must be a list of texts")
        return tuple(value)

    def minutes(self, value: Any, field: str) -> int:
        if not isinstance(value, str) or not _TIME.match(value):
            raise self.fail(field, f"must be a time HH:MM (24-hour clock), not {value!r}")
        hours, mins = value.split(":")
        return int(hours) * 60 + int(mins)

    def period(self, value: Any, field: str) -> tuple[date | None, date | None]:
        """{"start": "YYYY-MM-DD" | null, "end": "YYYY-MM-DD" | null}, start <= end."""
        raw = self.obj(value, field)
        start = self.day(raw["start"], f"{field}.start") if raw.get("start") else None
        end = self.day(raw["end"], f"{field}.end") if raw.get("end") else None
        if start and end and end < start:
            raise self.fail(f"{field}.end", f"{end} is before the start {start}")
        return start, end

    def changes(self, value: Any, field: str, key: str) -> tuple[tuple[date, Schedule], ...]:
        if isinstance(value, list) and len(value) > limits.MAX_CHANGES:
            raise self.fail(field, f"has {len(value)} changes; at most {limits.MAX_CHANGES}")
        """[{"from": date, key: schedule}, ...] in date order, no date twice."""
        if not isinstance(value, list):
            raise self.fail(field, f'must be a list of {{"from": date, "{key}": …}}')
        out = []
        for i, raw in enumerate(value):
            where = f"{field}[{i}]"
            item = self.obj(raw, where)
            when = self.day(self.required(item, "from"), f"{where}.from")
            out.append((when, self.schedule(self.required(item, key), f"{where}.{key}")))
        dates = [when for when, _ in out]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise self.fail(field, "dates must increase from one change to the next")
        return tuple(out)

    def schedule(self, value: Any, field: str) -> Schedule:
        raw = self.obj(value, field)
        out: Schedule = {}
        for day, spans in raw.items():
            if day not in DAYS:
                raise self.fail(f"{field}.{day}", f"is not a day; use {', '.join(DAYS)}")
            if not isinstance(spans, list):
                raise self.fail(f"{field}.{day}", "must be a list of [start, end] pairs")
            if len(spans) > limits.MAX_SPANS_PER_DAY:
                raise self.fail(
                    f"{field}.{day}",
                    f"has {len(spans)} intervals; at most {limits.MAX_SPANS_PER_DAY} a day",
                )
            parsed = []
            for i, pair in enumerate(spans):
                where = f"{field}.{day}[{i}]"
                if not isinstance(pair, list) or len(pair) != 2:
                    raise self.fail(where, 'must be a pair ["HH:MM", "HH:MM"]')
                start = self.minutes(pair[0], f"{where}[0]")
                end = self.minutes(pair[1], f"{where}[1]")
                if end <= start:
                    raise self.fail(where, f"ends ({pair[1]}) before it starts ({pair[0]})")
                parsed.append(Span(start, end))
            parsed.sort()
            for a, b in itertools.pairwise(parsed):
                if b.start < a.end:
                    raise self.fail(
                        f"{field}.{day}",
                        f"intervals {hhmm(a.start)}-{hhmm(a.end)} and "
                        f"{hhmm(b.start)}-{hhmm(b.end)} overlap",
                    )
            if parsed:
                out[day] = tuple(parsed)
        return out


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, safejson.HugeNumber):
        return repr(value)
    return "an object"


def _unique_ids(items: list[Any], where: str) -> list[str]:
    ids: list[str] = []
    for i, item in enumerate(items):
        reader = _Reader(f"{where}[{i}]")
        item = reader.obj(item)
        item_id = reader.text(reader.required(item, "id"), "id")
        if item_id in ids:
            raise InvalidInput(f"{where}[{i}].id", f"{item_id!r} is used twice", item_id)
        ids.append(item_id)
    return ids


def parse_problem(data: Any) -> Problem:
    top = _Reader("")
    data = top.obj(data)
    fmt = data.get("format", PROBLEM_FORMAT)
    if fmt != PROBLEM_FORMAT:
        raise InvalidInput("format", f"must be {PROBLEM_FORMAT!r}, not {fmt!r}")
    as_of = top.day(top.required(data, "as_of"), "as_of")

    prog = _Reader("program")
    raw_program = prog.obj(top.required(data, "program"))
    rules_spec = prog.required(raw_program, "rules")
    rule_set = _rule_set(rules_spec, "program.rules")
    raw_extra = raw_program.get("extra_rules", [])
    if not isinstance(raw_extra, list) or len(raw_extra) > 20:
        raise InvalidInput("program.extra_rules", "must be a list of at most 20 rule sets")
    extra = tuple(_rule_set(spec, f"program.extra_rules[{i}]") for i, spec in enumerate(raw_extra))
    seen_ids = [rule_set.id]
    for i, other in enumerate(extra):
        if other.id in seen_ids:
            raise InvalidInput(
                f"program.extra_rules[{i}]", f"rule set {other.id!r} is already listed"
            )
        seen_ids.append(other.id)
    periods: dict[str, Schedule] = {}
    raw_periods = prog.obj(raw_program.get("periods", {}), "periods")
    _at_most(raw_periods, limits.MAX_PERIODS, "program.periods", "periods")
    for name, schedule in raw_periods.items():
        if not isinstance(name, str) or not name or len(name) > 100:
            raise InvalidInput("program.periods", "period names must be short texts")
        periods[name] = prog.schedule(schedule, f"periods.{name}")
    program = ProgramInfo(
        name=prog.text(raw_program.get("name", "program"), "name"),
        kind=prog.text(raw_program.get("kind", "center"), "kind"),
        rules=rule_set,
        rules_inline=not isinstance(rules_spec, str),
        block_minutes=prog.integer(
            raw_program.get("block_minutes", 15), "block_minutes", minimum=1, maximum=60
        ),
        primary_cap=prog.integer(raw_program.get("primary_cap", 4), "primary_cap", minimum=1),
        extra_rules=extra,
        extra_inline=tuple(not isinstance(spec, str) for spec in raw_extra),
        periods=periods,
    )
    rule_sets = program.rule_sets

    raw_rooms = top.required(data, "rooms")
    if not isinstance(raw_rooms, list) or not raw_rooms:
        raise InvalidInput("rooms", "must be a non-empty list")
    _at_most(raw_rooms, limits.MAX_ROOMS, "rooms", "rooms")
    _unique_ids(raw_rooms, "rooms")
    rooms = []
    for i, raw in enumerate(raw_rooms):
        r = _Reader(f"rooms[{i}]", raw["id"])
        rooms.append(
            Room(
                id=raw["id"],
                capacity=r.integer(r.required(raw, "capacity"), "capacity", minimum=1),
                max_groups=r.integer(
                    raw.get("max_groups", 1), "max_groups", minimum=1, maximum=limits.MAX_GROUPS
                ),
            )
        )
    if sum(room.max_groups for room in rooms) > limits.MAX_GROUPS:
        raise InvalidInput(
            "rooms",
            f"the rooms hold {sum(room.max_groups for room in rooms)} groups at once "
            f"(max_groups); the planner takes at most {limits.MAX_GROUPS} in one problem",
        )

    raw_caregivers = top.required(data, "caregivers")
    if not isinstance(raw_caregivers, list):
        raise InvalidInput("caregivers", "must be a list")
    _at_most(raw_caregivers, limits.MAX_CAREGIVERS, "caregivers", "caregivers")
    caregiver_ids = set(_unique_ids(raw_caregivers, "caregivers"))
    caregivers = []
    for i, raw in enumerate(raw_caregivers):
        r = _Reader(f"caregivers[{i}]", raw["id"])
        employed = r.period(raw.get("employment", {}), "employment")
        current_group = None
        if raw.get("current") is not None:
            cur = r.obj(raw["current"], "current")
            if cur.get("group") is not None:
                current_group = r.text(cur["group"], "current.group")
        caregivers.append(
            Caregiver(
                id=raw["id"],
                shifts=r.schedule(raw.get("shifts", {}), "shifts"),
                languages=r.strings(raw.get("languages", []), "languages"),
                ifsp_trained=r.boolean(raw.get("ifsp_trained", False), "ifsp_trained"),
                max_primary=r.integer(raw.get("max_primary", 4), "max_primary", minimum=0),
                current_group=current_group,
                employed_from=employed[0],
                employed_until=employed[1],
                shift_changes=r.changes(raw.get("shift_changes", []), "shift_changes", "shifts"),
                qualifications=r.strings(raw.get("qualifications", []), "qualifications"),
            )
        )

    raw_children = top.required(data, "children")
    if not isinstance(raw_children, list):
        raise InvalidInput("children", "must be a list")
    _at_most(raw_children, limits.MAX_CHILDREN, "children", "children")
    child_ids = set(_unique_ids(raw_children, "children"))
    children = []
    for i, raw in enumerate(raw_children):
        r = _Reader(f"children[{i}]", raw["id"])
        birth = r.day(r.required(raw, "birth_date"), "birth_date")
        enrolled = r.period(raw.get("enrollment", {}), "enrollment")
        if enrolled[0] is not None and enrolled[0] < birth:
            raise r.fail("enrollment.start", f"{enrolled[0]} is before the birth date {birth}")
        if birth > as_of:
            raise r.fail(
                "birth_date", f"{birth} is after as_of ({as_of}): the child is not born yet"
            )
        _check_ages(r, rule_sets, birth, as_of)
        siblings = r.strings(raw.get("siblings", []), "siblings")
        for sibling in siblings:
            if sibling not in child_ids or sibling == raw["id"]:
                raise r.fail("siblings", f"{sibling!r} is not another child of this problem")
        requests = r.strings(raw.get("family_requests", []), "family_requests")
        for request in requests:
            if request not in caregiver_ids:
                raise r.fail("family_requests", f"{request!r} is not a caregiver of this problem")
        current = None
        if raw.get("current") is not None:
            cur = r.obj(raw["current"], "current")
            group = cur.get("group")
            primary = cur.get("primary")
            if group is not None:
                r.text(group, "current.group")
            if primary is not None:
                r.text(primary, "current.primary")
                if primary not in caregiver_ids:
                    raise r.fail(
                        "current.primary", f"{primary!r} is not a caregiver of this problem"
                    )
            current = Current(group=group, primary=primary)
        children.append(
            Child(
                id=raw["id"],
                birth_date=birth,
                schedule=r.schedule(raw.get("schedule", {}), "schedule"),
                languages=r.strings(raw.get("languages", []), "languages"),
                ifsp=r.boolean(raw.get("ifsp", False), "ifsp"),
                siblings=siblings,
                family_requests=requests,
                current=current,
                enrolled_from=enrolled[0],
                enrolled_until=enrolled[1],
                schedule_changes=r.changes(
                    raw.get("schedule_changes", []), "schedule_changes", "schedule"
                ),
                attributes=r.strings(raw.get("attributes", []), "attributes"),
            )
        )

    staff_children: list[StaffChild] = []
    raw_staff_children = data.get("staff_children", [])
    if not isinstance(raw_staff_children, list):
        raise InvalidInput("staff_children", "must be a list")
    _at_most(raw_staff_children, limits.MAX_STAFF_CHILDREN, "staff_children", "staff children")
    for i, raw in enumerate(raw_staff_children):
        r = _Reader(f"staff_children[{i}]")
        raw = r.obj(raw)
        sid = r.text(r.required(raw, "id"), "id")
        if sid in child_ids or any(s.id == sid for s in staff_children):
            raise InvalidInput(f"staff_children[{i}].id", f"{sid!r} is already a child's id", sid)
        r = _Reader(f"staff_children[{i}]", sid)
        birth = r.day(r.required(raw, "birth_date"), "birth_date")
        if birth > as_of:
            raise r.fail("birth_date", f"{birth} is after as_of ({as_of})")
        with_ = r.text(r.required(raw, "with"), "with")
        if with_ not in caregiver_ids:
            raise r.fail("with", f"{with_!r} is not a caregiver of this problem")
        age = rules.Age.of(birth, as_of)
        _check_ages(r, tuple(rs for rs in rule_sets if rs.staff_children.counts(age)), birth, as_of)
        staff_children.append(
            StaffChild(
                id=sid,
                birth_date=birth,
                schedule=r.schedule(raw.get("schedule", {}), "schedule"),
                with_=with_,
                attributes=r.strings(raw.get("attributes", []), "attributes"),
            )
        )

    weights = Weights()
    if "weights" in data:
        w = _Reader("weights")
        raw_weights = w.obj(data["weights"])
        known = set(asdict(weights))
        for key, value in raw_weights.items():
            if key not in known:
                raise InvalidInput(
                    f"weights.{key}", f"is not a goal; known: {', '.join(sorted(known))}"
                )
            w.integer(value, key, minimum=0, maximum=100_000)
        weights = Weights(**{**asdict(weights), **raw_weights})

    current_rooms: dict[str, str] = {}
    raw_current = data.get("current_groups", [])
    if not isinstance(raw_current, list):
        raise InvalidInput("current_groups", "must be a list of {id, room}")
    room_ids = {room.id for room in rooms}
    for i, raw in enumerate(raw_current):
        r = _Reader(f"current_groups[{i}]")
        raw = r.obj(raw)
        group_id = r.text(r.required(raw, "id"), "id")
        room_id = r.text(r.required(raw, "room"), "room")
        if room_id not in room_ids:
            raise InvalidInput(
                f"current_groups[{i}].room", f"{room_id!r} is not a room of this problem", group_id
            )
        current_rooms[group_id] = room_id

    problem = Problem(
        as_of=as_of,
        program=program,
        rooms=tuple(rooms),
        children=tuple(children),
        caregivers=tuple(caregivers),
        weights=weights,
        allow_unassigned=top.boolean(data.get("allow_unassigned", False), "allow_unassigned"),
        current_rooms=current_rooms,
        horizon_months=top.integer(
            data.get("horizon_months", 1), "horizon_months", minimum=1, maximum=limits.MAX_MONTHS
        ),
        staff_children=tuple(staff_children),
    )
    too_large = limits.size_error(problem)
    if too_large:
        raise InvalidInput("", too_large)
    return problem


def _at_most(items: Any, most: int, where: str, what: str) -> None:
    """Refuse a list (or object) longer than the planner's limit, before reading it."""
    if isinstance(items, list | dict) and len(items) > most:
        raise InvalidInput(
            where,
            f"{len(items):,} {what}; the planner takes at most {most:,} in one problem "
            "(docs/planner.md, Limits): plan each site separately",
        )


def _rule_set(spec: Any, where: str) -> rules.RuleSet:
    if not isinstance(spec, str | dict):
        raise InvalidInput(where, "must be a built-in rule set's name or a rule-set object")
    try:
        return rules.load(spec)
    except rules.RuleSetError as exc:
        raise InvalidInput(where + (f".{exc.where}" if exc.where else ""), exc.message) from None


def _check_ages(r: _Reader, rule_sets: tuple[rules.RuleSet, ...], birth: date, as_of: date) -> None:
    age = rules.Age.of(birth, as_of)
    for rule_set in rule_sets:
        if rule_set.band_for(age) is None:
            raise r.fail(
                "birth_date",
                f"the child is {age.months} months ({age.weeks} weeks) old on {as_of}; rule set "
                f"{rule_set.id} covers ages {rule_set.covers_text()}",
            )


def _json(text: str) -> Any:
    try:
        return safejson.loads(text)
    except safejson.JSONError as exc:
        raise InvalidInput(exc.where, exc.message) from None


def loads_problem(text: str) -> Problem:
    if len(text) > limits.MAX_TEXT_BYTES:
        raise InvalidInput(
            "", f"the problem is {len(text):,} characters; at most {limits.MAX_TEXT_BYTES:,}"
        )
    return parse_problem(_json(text))


# -- writing ---------------------------------------------------------------------------------


def _schedule_json(schedule: Schedule) -> dict[str, list[list[str]]]:
    return {
        day: [[hhmm(s.start), hhmm(s.end)] for s in schedule[day]]
        for day in DAYS
        if day in schedule
    }


def _period_json(key: str, start: date | None, end: date | None) -> dict[str, Any]:
    if start is None and end is None:
        return {}
    return {
        key: {
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        }
    }


def _changes_json(
    key: str, inner: str, changes: tuple[tuple[date, Schedule], ...]
) -> dict[str, Any]:
    if not changes:
        return {}
    return {key: [{"from": when.isoformat(), inner: _schedule_json(s)} for when, s in changes]}


def problem_to_json(problem: Problem) -> dict[str, Any]:
    program = problem.program
    rules_spec = program.rules.to_json() if program.rules_inline else program.rules.id
    out: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "as_of": problem.as_of.isoformat(),
        "program": {
            "name": program.name,
            "kind": program.kind,
            "rules": rules_spec,
            "block_minutes": program.block_minutes,
            "primary_cap": program.primary_cap,
            **(
                {
                    "extra_rules": [
                        rs.to_json() if inline else rs.id
                        for rs, inline in zip(
                            program.extra_rules, program.extra_inline, strict=False
                        )
                    ]
                }
                if program.extra_rules
                else {}
            ),
            **(
                {"periods": {k: _schedule_json(v) for k, v in program.periods.items()}}
                if program.periods
                else {}
            ),
        },
        "rooms": [
            {
                "id": r.id,
                "capacity": r.capacity,
                **({"max_groups": r.max_groups} if r.max_groups != 1 else {}),
            }
            for r in problem.rooms
        ],
        "children": [],
        "caregivers": [
            {
                "id": s.id,
                "languages": list(s.languages),
                "ifsp_trained": s.ifsp_trained,
                "max_primary": s.max_primary,
                "shifts": _schedule_json(s.shifts),
                **({"current": {"group": s.current_group}} if s.current_group else {}),
                **({"qualifications": list(s.qualifications)} if s.qualifications else {}),
                **_period_json("employment", s.employed_from, s.employed_until),
                **_changes_json("shift_changes", "shifts", s.shift_changes),
            }
            for s in problem.caregivers
        ],
        "weights": asdict(problem.weights),
    }
    for c in problem.children:
        child: dict[str, Any] = {
            "id": c.id,
            "birth_date": c.birth_date.isoformat(),
            "schedule": _schedule_json(c.schedule),
            "languages": list(c.languages),
            "ifsp": c.ifsp,
            "siblings": list(c.siblings),
            "family_requests": list(c.family_requests),
        }
        if c.attributes:
            child["attributes"] = list(c.attributes)
        child.update(_period_json("enrollment", c.enrolled_from, c.enrolled_until))
        child.update(_changes_json("schedule_changes", "schedule", c.schedule_changes))
        if c.current is not None:
            child["current"] = {
                k: v for k, v in (("group", c.current.group), ("primary", c.current.primary)) if v
            }
        out["children"].append(child)
    if problem.allow_unassigned:
        out["allow_unassigned"] = True
    if problem.horizon_months != 1:
        out["horizon_months"] = problem.horizon_months
    if problem.staff_children:
        out["staff_children"] = [
            {
                "id": sc.id,
                "birth_date": sc.birth_date.isoformat(),
                "with": sc.with_,
                "schedule": _schedule_json(sc.schedule),
                **({"attributes": list(sc.attributes)} if sc.attributes else {}),
            }
            for sc in problem.staff_children
        ]
    if problem.current_rooms:
        out["current_groups"] = [
            {"id": group, "room": room} for group, room in sorted(problem.current_rooms.items())
        ]
    return out


def groups_json(groups: list[Group]) -> list[dict[str, Any]]:
    return [
        {"id": g.id, "room": g.room, "caregivers": list(g.caregivers), "children": list(g.children)}
        for g in groups
    ]


def plan_to_json(plan: Plan) -> dict[str, Any]:
    def violation(v: Violation) -> dict[str, Any]:
        item: dict[str, Any] = {"rule": v.rule, "message": v.message}
        if v.day is not None:
            item["day"] = v.day
        if v.start is not None and v.end is not None:
            item["start"], item["end"] = hhmm(v.start), hhmm(v.end)
        for key in ("group", "room"):
            if getattr(v, key) is not None:
                item[key] = getattr(v, key)
        item["children"], item["caregivers"] = list(v.children), list(v.caregivers)
        if v.rule_set is not None:
            item["rule_set"] = v.rule_set
            if v.section:
                item["section"] = v.section
        if v.facts:
            item["facts"] = {
                k: (hhmm(x) if k in ("worst_start", "worst_end") else x)
                for k, x in v.facts.items()
                if x is not None
            }
        return item

    def note(n: SoftNote) -> dict[str, Any]:
        item: dict[str, Any] = {"goal": n.goal}
        for key in ("child", "caregiver", "group"):
            if getattr(n, key) is not None:
                item[key] = getattr(n, key)
        item["message"] = n.message
        item["cost"] = n.cost
        return item

    out: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "groups": groups_json(plan.groups),
        "primary": dict(plan.primary),
        "unassigned_children": list(plan.unassigned_children),
        "soft": [note(n) for n in plan.soft],
        "violations": [violation(v) for v in plan.violations],
    }
    if plan.explanation or plan.status in ("infeasible", "unknown"):
        out["explanation"] = list(plan.explanation)
    if plan.solver:
        out["solver"] = plan.solver
    if plan.seconds is not None:
        out["seconds"] = round(plan.seconds, 3)
    return out


def parse_plan(data: Any) -> Plan:
    """A plan from JSON (for `validate`); checks its shape, not its rules."""
    top = _Reader("")
    data = top.obj(data)
    fmt = data.get("format", PLAN_FORMAT)
    if fmt != PLAN_FORMAT:
        raise InvalidInput("format", f"must be {PLAN_FORMAT!r}, not {fmt!r}")
    status = data.get("status", "feasible")
    groups = []
    raw_groups = data.get("groups", [])
    if not isinstance(raw_groups, list):
        raise InvalidInput("groups", "must be a list")
    _unique_ids(raw_groups, "groups")
    for i, raw in enumerate(raw_groups):
        r = _Reader(f"groups[{i}]", raw["id"])
        room = raw.get("room")
        if room is not None:
            r.text(room, "room")
        groups.append(
            Group(
                id=raw["id"],
                room=room,
                caregivers=list(r.strings(raw.get("caregivers", []), "caregivers")),
                children=list(r.strings(raw.get("children", []), "children")),
            )
        )
    primary = top.obj(data.get("primary", {}), "primary")
    for child, caregiver in primary.items():
        if not isinstance(caregiver, str):
            raise InvalidInput(f"primary.{child}", "must be a caregiver id")
    unassigned = list(top.strings(data.get("unassigned_children", []), "unassigned_children"))
    return Plan(
        status=str(status),
        groups=groups,
        primary=dict(primary),
        unassigned_children=unassigned,
        objective=data.get("objective"),
        bound=data.get("bound"),
    )


def loads_plan(text: str) -> Plan:
    return parse_plan(_json(text))


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def horizon_plan_to_json(result: Any) -> dict[str, Any]:
    """A planner.horizon.HorizonPlan: the first month's plan at the top (so single-month
    readers see today's plan), every month under `months`, and the changes with reasons."""
    first = result.first
    out = plan_to_json(first) if first is not None else plan_to_json(Plan(status=result.status))
    out["status"] = result.status
    out["objective"] = result.objective
    out["bound"] = result.bound
    out["gap"] = result.gap
    out["objective_tiers"] = {
        "primary_changes": result.primary_changes,
        "group_changes": result.group_changes,
        "soft": result.soft,
    }
    out["months"] = [
        {
            "month": label,
            "groups": groups_json(plan.groups),
            "primary": dict(plan.primary),
            "objective": plan.objective,
            "violations": plan_to_json(plan)["violations"],
        }
        for label, plan in result.months
    ]
    out["changes"] = [
        {
            "month": c.month,
            "child": c.child,
            "kind": c.kind,
            "from": c.before,
            "to": c.after,
            "reason": c.reason,
            "message": c.message,
        }
        for c in result.changes
    ]
    if result.explanation:
        out["explanation"] = list(result.explanation)
    if result.notes:
        out["notes"] = list(result.notes)
    if result.seconds is not None:
        out["seconds"] = round(result.seconds, 3)
    return out
