"""API v1's endpoints. Thin like the pages' views: attune.lib.access decides, the pages' forms
and the services validate and write (same audit entries, same messages)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from django.forms import model_to_dict
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import AwareDatetime, ConfigDict, Field

from attune.api.core import ERRORS, Caller, Problem, caller, idempotent, paginate
from attune.care import services as care_services
from attune.care.models import CareEntry, CarePlan
from attune.jobs.models import Job
from attune.lib import access, audit, params, schedules
from attune.plans import adapter
from attune.plans import services as plan_services
from attune.plans.forms import RunForm
from attune.plans.models import PlanRun
from attune.programs import forms as program_forms
from attune.programs import services as program_services
from attune.programs.models import (
    Caregiver,
    Child,
    Family,
    Jurisdiction,
    Organization,
    Program,
    PublishedRuleSet,
    Room,
)

router = Router()

Id = Annotated[int, Path(ge=1, le=params.BIGINT_MAX)]
Cursor = Annotated[str | None, Query(max_length=200, description="From next_cursor.")]
Size = Annotated[int | None, Query(ge=1, le=200, description="Items per page (50).")]
Day = Annotated[str | None, Query(max_length=10, description="A day, YYYY-MM-DD.")]
ProgramFilter = Annotated[int | None, Query(ge=1, le=params.BIGINT_MAX)]
Text = Annotated[str, Field(max_length=params.TEXT_MAX)]
LongText = Annotated[str, Field(max_length=5000)]


def R(model: Any) -> dict[Any, Any]:
    """The answers of an operation: `model` when it succeeds, problem details otherwise."""
    return {200: model, frozenset(ERRORS): Problem}


def C(model: Any, status: int = 201) -> dict[Any, Any]:
    return {status: model, frozenset(ERRORS): Problem}


IDEMPOTENT = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "description": "Any unique string (at most 100 printable ASCII characters): a "
            "repeat with the same key and request gets the first answer, never a second record.",
            "schema": {"type": "string", "maxLength": 100},
        }
    ]
}


def _day(value: str | None, name: str, default: date | None = None) -> date | None:
    return params.day({name: value} if value else {}, name, default=default)


# -- organizations and programs --------------------------------------------------------------


class OrganizationOut(Schema):
    id: int
    name: str


class ProgramOut(Schema):
    id: int
    name: str
    kind: str
    organization_id: int
    jurisdiction: str
    timezone: str
    opens_at: str = Field(description="Local time, HH:MM.", pattern=r"^\d\d:\d\d$")
    closes_at: str = Field(description="Local time, HH:MM.", pattern=r"^\d\d:\d\d$")
    open_days: list[str]
    version: int


class ProgramPage(Schema):
    results: list[ProgramOut]
    next_cursor: str | None


def _program_out(p: Program) -> dict[str, Any]:
    return {
        "id": p.pk, "name": p.name, "kind": p.kind, "organization_id": p.organization_id,
        "jurisdiction": p.jurisdiction.code, "timezone": p.timezone, "opens_at": p.opens_at.strftime("%H:%M"),
        "closes_at": p.closes_at.strftime("%H:%M"), "open_days": list(p.open_days), "version": p.version,
    }  # fmt: skip


def reachable_program_ids(who: Caller) -> set[int]:
    """Programs the person has any relation to (their pages' programs), within the token."""
    v = who.viewer
    ids = set(access.home_programs(v).values_list("pk", flat=True))
    ids |= set(access.overview_programs(v).values_list("pk", flat=True))
    ids |= set(access.family_children(v).values_list("program_id", flat=True))
    return who.program_ids(ids)


def _program(who: Caller, pk: int, action: str) -> Program:
    who.reach(pk)
    program: Program = access.require_program(who.viewer, pk, action).obj
    return program


@router.get("/programs", response=R(ProgramPage), tags=["programs"], operation_id="list_programs")
def list_programs(request: HttpRequest, cursor: Cursor = None, size: Size = None) -> Any:
    """Programs you work in, manage, support, oversee, or where your children are."""
    who = caller(request)
    qs = Program.objects.filter(pk__in=reachable_program_ids(who)).select_related("jurisdiction")
    return paginate(qs, cursor, size, _program_out)


@router.get(
    "/programs/{program_id}", response=R(ProgramOut), tags=["programs"], operation_id="get_program"
)
def get_program(request: HttpRequest, program_id: Id) -> Any:
    who = caller(request)
    who.reach(program_id)
    program = Program.objects.select_related("jurisdiction").filter(pk=program_id).first()
    if program is None or not access.relations(who.viewer, program):
        raise Http404
    return _program_out(program)


@router.get(
    "/organizations/{organization_id}",
    response=R(OrganizationOut),
    tags=["programs"],
    operation_id="get_organization",
)
def get_organization(request: HttpRequest, organization_id: Id) -> Any:
    who = caller(request)
    org: Organization = access.require_organization(
        who.viewer, organization_id, "organization.view"
    ).obj
    if (
        who.token.program_id is not None
        and not org.programs.filter(pk=who.token.program_id).exists()
    ):
        raise Http404
    return {"id": org.pk, "name": org.name}


class RoomOut(Schema):
    id: int
    program_id: int
    name: str
    capacity: int
    max_groups: int
    version: int


@router.get(
    "/programs/{program_id}/rooms",
    response=R(list[RoomOut]),
    tags=["programs"],
    operation_id="list_rooms",
)
def list_rooms(request: HttpRequest, program_id: Id) -> Any:
    program = _program(caller(request), program_id, "program.dashboard")
    return [
        {"id": r.pk, "program_id": r.program_id, "name": r.name, "capacity": r.capacity,
         "max_groups": r.max_groups, "version": r.version}
        for r in Room.objects.filter(program=program)
    ]  # fmt: skip


# -- children --------------------------------------------------------------------------------


class ChildOut(Schema):
    id: int
    program_id: int
    first_name: str
    preferred_name: str
    last_name: str
    birth_date: date
    enrollment_start: date
    enrollment_end: date | None
    room_id: int | None
    care_group_id: int | None
    primary_caregiver_id: int | None
    schedule: str = Field(description="Weekly attendance, e.g. “mon-fri 08:00-16:30”.")
    home_languages: list[str]
    version: int
    full: bool = Field(description="Whether the fields below are shown (the full record).")
    family_id: int | None
    cultural_practices: str | None
    has_ifsp: bool | None
    allergies: str | None
    medical_notes: str | None


class ChildPage(Schema):
    results: list[ChildOut]
    next_cursor: str | None


def _child_out(child: Child, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": child.pk, "program_id": child.program_id, "first_name": child.first_name,
        "preferred_name": child.preferred_name, "last_name": child.last_name,
        "birth_date": child.birth_date, "enrollment_start": child.enrollment_start,
        "enrollment_end": child.enrollment_end, "room_id": child.room_id,
        "care_group_id": child.care_group_id, "primary_caregiver_id": child.primary_caregiver_id,
        "schedule": schedules.to_text(child.schedule), "home_languages": list(child.home_languages),
        "version": child.version, "full": full, "family_id": None, "cultural_practices": None,
        "has_ifsp": None, "allergies": None, "medical_notes": None,
    }  # fmt: skip
    if full:
        out.update(
            family_id=child.family_id, cultural_practices=child.cultural_practices,
            has_ifsp=child.has_ifsp, allergies=child.allergies, medical_notes=child.medical_notes,
        )  # fmt: skip
    return out


def visible_children(who: Caller) -> QuerySet[Child]:
    """Every child the person may open in the pages (child.view), within the token."""
    condition = Q(pk__in=[])
    for program in Program.objects.filter(pk__in=reachable_program_ids(who)):
        condition |= Q(pk__in=access.visible_children(who.viewer, program).values("pk"))
    return Child.objects.filter(condition)


@router.get("/children", response=R(ChildPage), tags=["children"], operation_id="list_children")
def list_children(
    request: HttpRequest,
    program: ProgramFilter = None,
    enrolled_on: Day = None,
    cursor: Cursor = None,
    size: Size = None,
) -> Any:
    """Children you may open, by id; filter by program and by a day they are enrolled on."""
    who = caller(request)
    qs = visible_children(who)
    if program is not None:
        qs = qs.filter(program_id=program)
    on = _day(enrolled_on, "enrolled_on")
    if on is not None:
        qs = qs.enrolled_on(on)  # type: ignore[attr-defined]
    full_ids = _full_ids(who)

    def row(child: Child) -> dict[str, Any]:
        return _child_out(child, _is_full(who, child, full_ids))

    return paginate(qs, cursor, size, row)


def _full_ids(who: Caller) -> tuple[set[int], int | None, int | None]:
    v = who.viewer
    cg = v.caregiver
    return set(v.managed_program_ids), v.family_id, cg.pk if cg is not None else None


def _is_full(who: Caller, child: Child, full: tuple[set[int], int | None, int | None]) -> bool:
    """child.view_full without a query per row: manager, primary caregiver, or family."""
    managed, family_id, caregiver_id = full
    return (
        child.program_id in managed
        or (family_id is not None and child.family_id == family_id)
        or (caregiver_id is not None and child.primary_caregiver_id == caregiver_id)
    )


def _child(who: Caller, pk: int, action: str) -> access.Granted:
    granted = access.require_child(who.viewer, pk, action)
    who.reach(granted.obj.program_id)
    return granted


@router.get(
    "/children/{child_id}", response=R(ChildOut), tags=["children"], operation_id="get_child"
)
def get_child(request: HttpRequest, child_id: Id) -> Any:
    who = caller(request)
    granted = _child(who, child_id, "child.view")
    full = granted.allows("child.view_full")
    if full and access.is_staff_view(granted.relations):
        program_services.view_child_record(actor=who.user, child=granted.obj)
    return _child_out(granted.obj, full)


class ChildIn(Schema):
    program_id: int = Field(ge=1, le=params.BIGINT_MAX)
    first_name: Text
    last_name: Text
    preferred_name: Text = ""
    birth_date: date
    family_id: int = Field(ge=1, le=params.BIGINT_MAX)
    enrollment_start: date
    enrollment_end: date | None = None
    room_id: int | None = Field(default=None, ge=1, le=params.BIGINT_MAX)
    primary_caregiver_id: int | None = Field(default=None, ge=1, le=params.BIGINT_MAX)
    schedule: Text = Field(default="", description="e.g. “mon-fri 08:00-16:30”")
    home_languages: list[Annotated[str, Field(max_length=40)]] = Field(default=[], max_length=10)
    cultural_practices: LongText = ""
    has_ifsp: bool = False
    ifsp_coordinator_name: Text = ""
    ifsp_coordinator_phone: Annotated[str, Field(max_length=40)] = ""
    ifsp_coordinator_email: Text = ""
    allergies: LongText = ""
    medical_notes: LongText = ""


class ChildPatch(Schema):
    version: int = Field(ge=1, description="The version you read; a newer one refuses (409).")
    first_name: Text | None = None
    last_name: Text | None = None
    preferred_name: Text | None = None
    birth_date: date | None = None
    enrollment_start: date | None = None
    enrollment_end: date | None = None
    room_id: int | None = Field(default=None, ge=1, le=params.BIGINT_MAX)
    primary_caregiver_id: int | None = Field(default=None, ge=1, le=params.BIGINT_MAX)
    schedule: Text | None = None
    home_languages: list[Annotated[str, Field(max_length=40)]] | None = Field(
        default=None, max_length=10
    )
    cultural_practices: LongText | None = None
    allergies: LongText | None = None
    medical_notes: LongText | None = None


FORM_KEYS = {"room_id": "room", "primary_caregiver_id": "primary_caregiver", "family_id": "family"}


def _form_data(values: dict[str, Any]) -> dict[str, Any]:
    """API fields as the page's form posts them."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        key = FORM_KEYS.get(name, name)
        if value is None:
            data[key] = ""
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list):
            data[key] = ", ".join(value)
        elif isinstance(value, dict):
            data[key] = schedules.to_text(value)
        else:
            data[key] = str(value.pk if hasattr(value, "pk") else value)
    return data


def _refused(form: Any) -> None:
    """Refuse (422 with the page's own messages, per field) unless the form is valid."""
    from django.core.exceptions import ValidationError

    if form.is_valid():
        return
    raise ValidationError(
        {(k if k != "__all__" else "__all__"): [str(m) for m in v] for k, v in form.errors.items()}
    )


@router.post(
    "/children",
    response=C(ChildOut),
    tags=["children"],
    operation_id="enroll_child",
    openapi_extra=IDEMPOTENT,
)
def enroll_child(request: HttpRequest, payload: ChildIn) -> Any:
    """Enroll a child (the program's managers), with the page's checks and messages.
    Send an Idempotency-Key header so a retry never enrolls twice."""
    who = caller(request)
    who.write()
    program = _program(who, payload.program_id, "program.manage")
    values = payload.dict(exclude={"program_id"})

    def create() -> tuple[int, Any]:
        form = program_forms.ChildForm(
            _form_data(values),
            program=program,
            families=access.linkable_families(who.viewer, program),
        )
        _refused(form)
        child = program_services.create_child(
            actor=who.user,
            program=program,
            data={k: v for k, v in form.cleaned_data.items() if k in program_services.CHILD_FIELDS},
        )
        return 201, _child_out(child, True)

    return idempotent(request, who, create)


@router.patch(
    "/children/{child_id}", response=R(ChildOut), tags=["children"], operation_id="update_child"
)
def update_child(request: HttpRequest, child_id: Id, payload: ChildPatch) -> Any:
    """Change a child's record (managers). Send the version you read: if someone saved the
    record since, nothing is saved and the answer is 409 with the current version. Setting
    enrollment_end records that the child leaves."""
    who = caller(request)
    who.write()
    granted = _child(who, child_id, "child.edit")
    child: Child = granted.obj
    current = model_to_dict(child, fields=program_forms.ChildForm.Meta.fields)
    current["schedule"] = child.schedule
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    values = {
        **{k: v for k, v in current.items()},
        **{FORM_KEYS.get(k, k): v for k, v in changes.items()},
    }
    form = program_forms.ChildForm(
        _form_data(values),
        instance=child,
        program=child.program,
        families=access.linkable_families(who.viewer, child.program)
        | Family.objects.filter(pk=child.family_id),
    )
    _refused(form)
    saved = program_services.update_child(
        actor=who.user,
        child=child,
        data={k: v for k, v in form.cleaned_data.items() if k in program_services.CHILD_FIELDS},
        seen_version=payload.version,
    )
    return _child_out(saved, True)


# -- families and guardians ------------------------------------------------------------------


class GuardianOut(Schema):
    id: int
    first_name: str
    last_name: str
    relationship: str
    phone: str
    email: str
    is_primary_contact: bool


class FamilyOut(Schema):
    id: int
    name: str
    preferred_language: str
    guardians: list[GuardianOut]
    children: list[int] = Field(description="Ids of the family's children you may open.")
    version: int


@router.get(
    "/families/{family_id}", response=R(FamilyOut), tags=["families"], operation_id="get_family"
)
def get_family(request: HttpRequest, family_id: Id) -> Any:
    who = caller(request)
    family: Family = access.require_family(who.viewer, family_id, "family.view").obj
    children = visible_children(who).filter(family=family)
    if who.token.program_id is not None and not children.exists():
        raise Http404
    audit.log_view(request, family, "api: family")
    return {
        "id": family.pk, "name": family.name, "preferred_language": family.preferred_language,
        "version": family.version, "children": list(children.values_list("pk", flat=True)),
        "guardians": [
            {"id": g.pk, "first_name": g.first_name, "last_name": g.last_name,
             "relationship": g.relationship, "phone": g.phone, "email": g.email,
             "is_primary_contact": g.is_primary_contact}
            for g in family.guardians.all()
        ],
    }  # fmt: skip


# -- caregivers ------------------------------------------------------------------------------


class CaregiverOut(Schema):
    id: int
    program_id: int
    first_name: str
    last_name: str
    role: str
    room_id: int | None
    care_group_id: int | None
    languages: list[str]
    shifts: str = Field(description="Weekly shifts, e.g. “mon-fri 07:30-16:00”.")
    hire_date: date
    end_date: date | None
    credentials: list[str]
    version: int


def _caregiver_out(c: Caregiver) -> dict[str, Any]:
    return {
        "id": c.pk, "program_id": c.program_id, "first_name": c.first_name,
        "last_name": c.last_name, "role": c.role, "room_id": c.room_id,
        "care_group_id": c.care_group_id, "languages": list(c.languages),
        "shifts": schedules.to_text(c.shifts), "hire_date": c.hire_date, "end_date": c.end_date,
        "credentials": list(c.credentials), "version": c.version,
    }  # fmt: skip


@router.get(
    "/programs/{program_id}/caregivers",
    response=R(list[CaregiverOut]),
    tags=["caregivers"],
    operation_id="list_caregivers",
)
def list_caregivers(request: HttpRequest, program_id: Id) -> Any:
    program = _program(caller(request), program_id, "program.caregivers")
    return [_caregiver_out(c) for c in Caregiver.objects.filter(program=program)]


@router.get(
    "/caregivers/{caregiver_id}",
    response=R(CaregiverOut),
    tags=["caregivers"],
    operation_id="get_caregiver",
)
def get_caregiver(request: HttpRequest, caregiver_id: Id) -> Any:
    who = caller(request)
    caregiver: Caregiver = access.require_caregiver(who.viewer, caregiver_id, "caregiver.view").obj
    who.reach(caregiver.program_id)
    return _caregiver_out(caregiver)


# -- daily care records ----------------------------------------------------------------------

Kind = Literal["bottle", "meal", "nap", "diaper", "mood", "note", "ei_visit"]


class CareEntryOut(Schema):
    id: int
    child_id: int
    kind: str
    at: datetime
    until: datetime | None
    amount_ml: int | None
    milk: str
    portion: str
    food: str
    wet: bool
    bm: bool
    mood: str
    provider: str
    note: str
    corrects_id: int | None
    withdrawn: bool


class CareEntryIn(Schema):
    kind: Kind
    at: AwareDatetime
    until: AwareDatetime | None = None
    amount_ml: int | None = Field(default=None, ge=0, le=2000)
    milk: Literal["", "breast_milk", "formula", "other"] = ""
    portion: Literal["", "none", "some", "most", "all"] = ""
    food: Text = ""
    wet: bool = False
    bm: bool = False
    mood: Literal["", "happy", "calm", "fussy", "tired", "unwell"] = ""
    provider: Text = ""
    note: LongText = ""


def _entry_out(e: CareEntry) -> dict[str, Any]:
    return {
        "id": e.pk, "child_id": e.child_id, "kind": e.kind, "at": e.at, "until": e.until,
        "amount_ml": e.amount_ml, "milk": e.milk, "portion": e.portion, "food": e.food,
        "wet": e.wet, "bm": e.bm, "mood": e.mood, "provider": e.provider, "note": e.note,
        "corrects_id": e.corrects_id, "withdrawn": e.withdrawn,
    }  # fmt: skip


@router.get(
    "/children/{child_id}/care-entries",
    response=R(list[CareEntryOut]),
    tags=["daily care"],
    operation_id="list_care_entries",
)
def list_care_entries(request: HttpRequest, child_id: Id, on: Day = None) -> Any:
    """The child's daily care record of one day (today by default), in the program's time."""
    who = caller(request)
    child: Child = _child(who, child_id, "care.day").obj
    day = _day(on, "on", default=child.program.today())
    assert day is not None
    start = datetime.combine(day, time.min, tzinfo=child.program.tz)
    entries = CareEntry.objects.filter(
        child=child, at__gte=start, at__lt=start + timedelta(days=1)
    ).order_by("at", "pk")
    audit.log_view(request, child, "api: the child's day")
    return [_entry_out(e) for e in entries]


def _check_moment(name: str, value: datetime | None) -> None:
    if value is None:
        return
    earliest = datetime.combine(params.EARLIEST_DAY, time.min, tzinfo=UTC)
    if not earliest <= value <= timezone.now() + timedelta(days=366):
        raise params.BadParameter(name, _("“%(name)s” is out of range.") % {"name": name})


@router.post(
    "/children/{child_id}/care-entries",
    response=C(CareEntryOut),
    tags=["daily care"],
    operation_id="log_care_entry",
    openapi_extra=IDEMPOTENT,
)
def log_care_entry(request: HttpRequest, child_id: Id, payload: CareEntryIn) -> Any:
    """Log an entry of the child's day (the child's caregivers and managers)."""
    who = caller(request)
    who.write()
    child: Child = _child(who, child_id, "care.record").obj
    _check_moment("at", payload.at)
    _check_moment("until", payload.until)
    data = payload.dict(exclude={"kind"})

    def create() -> tuple[int, Any]:
        entry = care_services.log_entry(actor=who.user, child=child, kind=payload.kind, data=data)
        return 201, _entry_out(entry)

    return idempotent(request, who, create)


# -- care plans ------------------------------------------------------------------------------


class CarePlanOut(Schema):
    id: int
    child_id: int
    version: int
    status: str
    feeding_kinds: list[str]
    feeding_pattern: str
    feeding_interval_minutes: int | None
    bottle_ml: int | None
    feeding_notes: str
    foods_to_avoid: str
    sleep_times: str
    sleep_position: str
    comfort_objects: str
    comforting: str
    home_routines: str
    cultural_practices: str
    interests: str
    accommodations: str
    proposed_at: datetime
    decided_at: datetime | None


def _plan_out(p: CarePlan) -> dict[str, Any]:
    out = {name: getattr(p, name) for name in CarePlanOut.model_fields if hasattr(p, name)}
    out.update(id=p.pk, child_id=p.child_id, feeding_kinds=list(p.feeding_kinds or []))
    return out


@router.get(
    "/children/{child_id}/care-plans",
    response=R(list[CarePlanOut]),
    tags=["care plans"],
    operation_id="list_care_plans",
)
def list_care_plans(request: HttpRequest, child_id: Id) -> Any:
    """The child's care plan in effect and any proposed or earlier versions, newest first."""
    who = caller(request)
    child: Child = _child(who, child_id, "care.plan.view").obj
    audit.log_view(request, child, "api: care plan")
    return [_plan_out(p) for p in CarePlan.objects.filter(child=child).order_by("-version")]


class CarePlanProposal(Schema):
    feeding_notes: LongText = ""
    foods_to_avoid: LongText = ""
    sleep_times: Text = ""
    comfort_objects: Text = ""
    comforting: LongText = ""
    home_routines: LongText = ""
    cultural_practices: LongText = ""
    interests: LongText = ""


@router.post(
    "/children/{child_id}/care-plans",
    response=C(CarePlanOut),
    tags=["care plans"],
    operation_id="propose_care_plan",
    openapi_extra=IDEMPOTENT,
)
def propose_care_plan(request: HttpRequest, child_id: Id, payload: CarePlanProposal) -> Any:
    """A family proposes a change to their child's care plan; the caregiver or director
    decides. The fields not sent keep the current plan's values."""
    who = caller(request)
    who.write()
    child: Child = _child(who, child_id, "care.plan.propose").obj
    base = care_services.current_plan(child)
    data = {name: getattr(base, name) for name in care_services.PLAN_FIELDS} if base else {}
    data.update(payload.dict(exclude_unset=True))

    def create() -> tuple[int, Any]:
        plan = care_services.propose_care_plan(actor=who.user, child=child, data=data)
        return 201, _plan_out(plan)

    return idempotent(request, who, create)


# -- plans (the planner) and jobs ------------------------------------------------------------


class PlanGroup(Schema):
    id: str = Field(description="The small group's name.")
    room_id: int | None
    caregiver_ids: list[int]
    child_ids: list[int]


class PlanBody(Schema):
    groups: list[PlanGroup]
    primary: dict[str, int] = Field(description="Child id → their primary caregiver's id.")
    unassigned_child_ids: list[int]
    violations: list[str] = Field(description="What the independent validator found (empty).")


class PlanRunOut(Schema):
    id: int
    program_id: int
    as_of: date
    state: str
    status: str = Field(description="The planner's status: optimal, feasible, infeasible…")
    objective: int | None
    bound: int | None
    created_at: datetime
    accepted_at: datetime | None
    plan: PlanBody | None = Field(description="Groups and primary caregivers (API ids).")


def _num(planner_id: Any) -> int | None:
    """A planner id (c12, s3, r4) as the API's id (12, 3, 4); None for others (waitlist)."""
    text = str(planner_id or "")
    return int(text[1:]) if len(text) > 1 and text[0] in "csr" and text[1:].isdigit() else None


def _ids(items: Any) -> list[int]:
    return [n for n in (_num(i) for i in items or []) if n is not None]


def _plan_body(plan: dict[str, Any]) -> dict[str, Any]:
    return {
        "groups": [
            {"id": str(g.get("id", "")), "room_id": _num(g.get("room")),
             "caregiver_ids": _ids(g.get("caregivers")), "child_ids": _ids(g.get("children"))}
            for g in plan.get("groups") or []
        ],
        "primary": {
            str(_num(child)): _num(cg) for child, cg in (plan.get("primary") or {}).items()
            if _num(child) is not None and _num(cg) is not None
        },
        "unassigned_child_ids": _ids(plan.get("unassigned_children")),
        "violations": [str(v.get("message", "")) for v in plan.get("violations") or []],
    }  # fmt: skip


def _run_out(run: PlanRun, detail: bool) -> dict[str, Any]:
    return {
        "id": run.pk, "program_id": run.program_id, "as_of": run.as_of, "state": run.state,
        "status": run.status, "objective": run.objective, "bound": run.bound,
        "created_at": run.created_at, "accepted_at": run.accepted_at,
        "plan": _plan_body(run.plan or {}) if detail else None,
    }  # fmt: skip


@router.get(
    "/programs/{program_id}/plans",
    response=R(list[PlanRunOut]),
    tags=["plans"],
    operation_id="list_plans",
)
def list_plans(request: HttpRequest, program_id: Id) -> Any:
    program = _program(caller(request), program_id, "program.manage")
    runs = PlanRun.objects.filter(program=program).order_by("-created_at", "-pk")[:50]
    return [_run_out(r, False) for r in runs]


@router.get(
    "/programs/{program_id}/plans/{plan_id}",
    response=R(PlanRunOut),
    tags=["plans"],
    operation_id="get_plan",
)
def get_plan(request: HttpRequest, program_id: Id, plan_id: Id) -> Any:
    program = _program(caller(request), program_id, "program.manage")
    run = PlanRun.objects.filter(pk=plan_id, program=program).first()
    if run is None:
        raise Http404
    return _run_out(run, True)


class PlanRequest(Schema):
    on: date = Field(description="The day planned: its children and caregivers.")


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress: float
    message: str
    program_id: int | None
    result: dict[str, Any] | None = Field(
        description="When done: what it made (e.g. plan_id of the plan)."
    )


def _job_out(job: Job) -> dict[str, Any]:
    result: dict[str, Any] | None = None
    if job.status == Job.Status.DONE:
        result = {}
        run = PlanRun.objects.filter(job=job).values_list("pk", flat=True).first()
        if run is not None:
            result["plan_id"] = run
    return {
        "id": job.pk, "kind": job.kind, "status": job.status, "progress": job.progress,
        "message": job.message, "program_id": job.program_id, "result": result,
    }  # fmt: skip


@router.post(
    "/programs/{program_id}/plans",
    response=C(JobOut, 202),
    tags=["plans"],
    operation_id="request_plan",
    openapi_extra=IDEMPOTENT,
)
def request_plan(request: HttpRequest, program_id: Id, payload: PlanRequest) -> Any:
    """Ask the planner for a plan of the day (a job on the queue); poll GET /jobs/{id}."""
    who = caller(request)
    who.write()
    program = _program(who, program_id, "program.manage")
    form = RunForm({"on": payload.on.isoformat()}, today=program.today())
    _refused(form)

    def create() -> tuple[int, Any]:
        try:
            job = plan_services.start_planner(
                actor=who.user, program=program, on=form.cleaned_data["on"]
            )
        except adapter.CannotPlan as exc:
            from django.core.exceptions import ValidationError

            raise ValidationError(exc.messages) from None
        return 202, _job_out(job)

    return idempotent(request, who, create)


@router.get("/jobs/{job_id}", response=R(JobOut), tags=["plans"], operation_id="get_job")
def get_job(request: HttpRequest, job_id: Id) -> Any:
    who = caller(request)
    job: Job = access.require_job(who.viewer, job_id, "job.view").obj
    if who.token.program_id is not None:
        who.reach(job.program_id)
    return _job_out(job)


# -- rule sets -------------------------------------------------------------------------------


class RuleSetOut(Schema):
    id: int
    jurisdiction: str
    rule_id: str
    version: int
    name: str
    citation: str
    effective: date
    published_at: datetime
    document: dict[str, Any]


def _ruleset_out(r: PublishedRuleSet) -> dict[str, Any]:
    return {
        "id": r.pk, "jurisdiction": r.jurisdiction.code, "rule_id": r.rule_id,
        "version": r.version, "name": r.name, "citation": r.citation, "effective": r.effective,
        "published_at": r.published_at, "document": dict(r.document),
    }  # fmt: skip


class RuleSetPage(Schema):
    results: list[RuleSetOut]
    next_cursor: str | None


@router.get(
    "/rule-sets", response=R(RuleSetPage), tags=["rule sets"], operation_id="list_rule_sets"
)
def list_rule_sets(
    request: HttpRequest,
    jurisdiction: Annotated[str | None, Query(max_length=8)] = None,
    cursor: Cursor = None,
    size: Size = None,
) -> Any:
    """The rule sets states have published (public, as on the rules page)."""
    caller(request)
    qs = PublishedRuleSet.objects.select_related("jurisdiction")
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction.upper())
    return paginate(qs, cursor, size, _ruleset_out)


class RuleSetDocument(Schema):
    """A rule set as docs/rules.md describes it (checked whole by the planner)."""

    model_config = ConfigDict(extra="allow")


@router.post(
    "/jurisdictions/{jurisdiction_id}/rule-sets",
    response=C(RuleSetOut),
    tags=["rule sets"],
    operation_id="publish_rule_set",
    openapi_extra=IDEMPOTENT,
)
def publish_rule_set(request: HttpRequest, jurisdiction_id: Id, payload: RuleSetDocument) -> Any:
    """Publish a new version of a state's rule set (the state's administrator). The document
    is the one the rules page takes (docs/rules.md); a refused one saves nothing."""
    who = caller(request)
    who.write()
    jurisdiction = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if jurisdiction is None:
        raise Http404
    access.require_state_admin(who.viewer, jurisdiction.pk, "rules.publish")

    def create() -> tuple[int, Any]:
        from django.core.exceptions import ValidationError

        try:
            version = program_services.publish_rule_set(
                actor=who.user, jurisdiction=jurisdiction, document=payload.model_dump()
            )
        except program_services.RuleSetRefused as exc:
            raise ValidationError({exc.field or "__all__": [exc.message]}) from None
        return 201, _ruleset_out(version)

    return idempotent(request, who, create)
