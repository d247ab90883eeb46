"""An organization's administrator sets up its programs and rooms (issue #16).

Edits are versioned (two people saving the same program: the second is told). A change that
affects plans (a room's capacity or small groups, the program's hours) is saved and then
says which current small groups and children it breaks, for the plan board to fix: nothing
is moved silently."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from attune.lib.concurrency import save_versioned
from attune.programs import services
from attune.programs.jurisdictions import STATES, TERRITORIES
from attune.programs.models import CareGroup, Child, Jurisdiction, Organization, Program, Room

if TYPE_CHECKING:
    from attune.accounts.models import User


@transaction.atomic
def create_program(
    *, actor: User, organization: Organization, place: str, data: Mapping[str, Any]
) -> Program:
    known = Jurisdiction.objects.filter(code=place).first()
    if known is None:
        name = STATES.get(place) or TERRITORIES.get(place)
        if name is None:
            raise ValueError(f"unknown place {place!r}")
        kind = Jurisdiction.Kind.STATE if place in STATES else Jurisdiction.Kind.TERRITORY
        known = services.get_or_create_jurisdiction(actor=actor, code=place, name=name, kind=kind)
    return services.create_program(
        actor=actor, organization=organization, jurisdiction=known, data=data
    )


@transaction.atomic
def update_program(
    *, actor: User, program: Program, data: Mapping[str, Any], seen_version: int | None
) -> list[str]:
    """Save; returns what the change breaks now (children whose days fall outside the new
    hours), in words for the person who made it."""
    for name in services.PROGRAM_FIELDS:
        if name in data:
            setattr(program, name, data[name])
    save_versioned(program, actor, seen_version=seen_version)
    broken = []
    for child in Child.objects.filter(program=program).enrolled_on(program.today()):
        why = program.outside_hours(child.schedule)
        if why:
            broken.append(
                _("%(child)s (%(group)s): %(why)s")
                % {"child": child, "group": child.care_group or child.room or "—", "why": why}
            )
    return broken


def room_breaks(room: Room) -> list[str]:
    """What the room's capacity and number of small groups break among its current groups."""
    day = room.program.today()
    children = Child.objects.filter(room=room).enrolled_on(day)
    groups = CareGroup.objects.filter(room=room, retired_on__isnull=True).order_by("label")
    out = []
    count = children.count()
    if count > room.capacity:
        out.append(
            _("%(count)s children are in %(room)s, more than its capacity of %(capacity)s.")
            % {"count": count, "room": room, "capacity": room.capacity}
        )
    if groups.count() > room.max_groups:
        out.append(
            _("%(room)s has %(count)s small groups (%(labels)s), more than the %(most)s it holds.")
            % {
                "room": room,
                "count": groups.count(),
                "labels": ", ".join(g.label for g in groups),
                "most": room.max_groups,
            }
        )
    return out


@transaction.atomic
def save_room(
    *,
    actor: User,
    program: Program,
    room: Room | None,
    data: Mapping[str, Any],
    seen_version: int | None = None,
) -> tuple[Room, list[str]]:
    room = room or Room(program=program)
    for name in ("name", "capacity", "max_groups"):
        if name in data:
            setattr(room, name, data[name])
    save_versioned(room, actor, seen_version=seen_version)
    return room, room_breaks(room)
