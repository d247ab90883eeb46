"""API v1: children's attendance (issue #21 over issue #19's attendance): the day's stays of a
child, and signing a child in and out. The same access actions and the same service as the
room page (attune.programs.attendance): the same refusals, the same audit entries, the same
ratio check queued after each write."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import AwareDatetime, Field

from attune.api.core import caller, idempotent
from attune.api.endpoints import IDEMPOTENT, C, Day, Id, R, _check_moment, _child, _day
from attune.lib import audit, params
from attune.programs import attendance
from attune.programs.models import Child, Guardian, Stay

router = Router()

GuardianId = Annotated[int | None, Field(default=None, ge=1, le=params.BIGINT_MAX)]


class StayOut(Schema):
    id: int
    child_id: int
    room_id: int | None
    day: str
    signed_in_at: datetime
    signed_out_at: datetime | None
    dropped_off_by_id: int | None
    picked_up_by_id: int | None


class SignIn(Schema):
    """Who brought the child (one of the family's guardians; required when the family has
    any) and when (now by default)."""

    guardian_id: GuardianId = None
    at: AwareDatetime | None = None


def _stay_out(stay: Stay) -> dict[str, Any]:
    return {
        "id": stay.pk, "child_id": stay.child_id, "room_id": stay.room_id,
        "day": stay.day.isoformat(), "signed_in_at": stay.in_at, "signed_out_at": stay.out_at,
        "dropped_off_by_id": stay.dropped_off_by_id, "picked_up_by_id": stay.picked_up_by_id,
    }  # fmt: skip


def _guardian(child: Child, guardian_id: int | None) -> Guardian | None:
    """One of the child's family's guardians (the service checks the list of the family)."""
    if guardian_id is None:
        return None
    guardian = Guardian.objects.filter(pk=guardian_id, family_id=child.family_id).first()
    if guardian is None:
        raise ValidationError(
            {"guardian_id": [_("This person is not on the family's list of authorized adults.")]}
        )
    return guardian


@router.get(
    "/children/{child_id}/stays",
    response=R(list[StayOut]),
    tags=["attendance"],
    operation_id="list_stays",
)
def list_stays(request: HttpRequest, child_id: Id, on: Day = None) -> Any:
    """The child's sign-ins and sign-outs of one day (today by default, the program's day)."""
    who = caller(request)
    child: Child = _child(who, child_id, "care.day").obj
    day = _day(on, "on", default=child.program.today())
    assert day is not None
    stays = Stay.objects.filter(child=child, day=day).order_by("in_at", "pk")
    audit.log_view(request, child, "api: the child's attendance")
    return [_stay_out(s) for s in stays]


def _sign(request: HttpRequest, child_id: int, payload: SignIn, *, arriving: bool) -> Any:
    who = caller(request)
    who.write()
    child: Child = _child(who, child_id, "attendance.sign").obj
    _check_moment("at", payload.at)

    def write() -> tuple[int, Any]:
        guardian = _guardian(child, payload.guardian_id)
        try:
            if arriving:
                stay = attendance.sign_in(
                    actor=who.user, child=child, dropped_off_by=guardian, at=payload.at
                )
            else:
                stay = attendance.sign_out(
                    actor=who.user, child=child, picked_up_by=guardian, at=payload.at
                )
        except attendance.AttendanceError as error:
            raise ValidationError(error.message) from None
        return (201 if arriving else 200), _stay_out(stay)

    return idempotent(request, who, write)


@router.post(
    "/children/{child_id}/sign-in",
    response=C(StayOut),
    tags=["attendance"],
    operation_id="sign_in_child",
    openapi_extra=IDEMPOTENT,
)
def sign_in_child(request: HttpRequest, child_id: Id, payload: SignIn) -> Any:
    """Sign the child in (the child's caregivers and the program's managers); refused when
    the child is already here or not enrolled that day. The room's ratio is checked after."""
    return _sign(request, child_id, payload, arriving=True)


@router.post(
    "/children/{child_id}/sign-out",
    response=C(StayOut, status=200),
    tags=["attendance"],
    operation_id="sign_out_child",
    openapi_extra=IDEMPOTENT,
)
def sign_out_child(request: HttpRequest, child_id: Id, payload: SignIn) -> Any:
    """Sign the child out, with who picked them up; refused when the child is not here."""
    return _sign(request, child_id, payload, arriving=False)
