"""Programs and rooms, set up by the organization's administrator (attune.programs.setup)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from attune.lib import access
from attune.lib.views import acting_user, attempt, refused_status
from attune.programs import services, setup
from attune.programs.forms_setup import ProgramForm, RoomForm
from attune.programs.models import Program, Room


def _only(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in fields}


def _program_for_setup(request: HttpRequest, program_id: int) -> Program:
    viewer = access.viewer_for(request.user)
    program: Program = access.require_program(viewer, program_id, "program.manage").obj
    if not access.may_set_up(viewer, program.organization_id):
        raise PermissionDenied
    return program


def _warn(request: HttpRequest, broken: list[str]) -> None:
    if broken:
        messages.warning(
            request,
            _("Saved. This change breaks the current plan; fix it on the plan board: %(what)s")
            % {"what": "; ".join(broken)},
        )
    else:
        messages.success(request, _("Saved."))


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest, organization_id: int) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    organization = access.require_organization(viewer, organization_id, "organization.view").obj
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = attempt(
            form,
            lambda: setup.create_program(
                actor=acting_user(request),
                organization=organization,
                place=form.cleaned_data["place"],
                data=_only(form.cleaned_data, services.PROGRAM_FIELDS),
            ),
        )
        if program is not None:
            messages.success(request, _("Program created. Now add its rooms."))
            return redirect("program_settings", program_id=program.pk)
    return render(
        request,
        "programs/program_form.html",
        {"form": form, "organization": organization, "program": None},
        status=refused_status(form) if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_settings(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program_for_setup(request, program_id)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        broken = attempt(
            form,
            lambda: setup.update_program(
                actor=acting_user(request),
                program=Program.objects.get(pk=program.pk),
                data=_only(form.cleaned_data, services.PROGRAM_FIELDS),
                seen_version=form.seen,
            ),
        )
        if broken is not None:
            _warn(request, broken)
            return redirect("program_settings", program_id=program.pk)
        program.refresh_from_db()
    return render(
        request,
        "programs/program_form.html",
        {
            "form": form,
            "organization": program.organization,
            "program": program,
            "rooms": program.rooms.order_by("name"),
        },
        status=refused_status(form) if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_create(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program_for_setup(request, program_id)
    return _room_page(request, program, None)


@login_required
@require_http_methods(["GET", "POST"])
def room_edit(request: HttpRequest, room_id: int) -> HttpResponse:
    room = Room.objects.filter(pk=room_id).select_related("program").first()
    if room is None:
        raise Http404
    program = _program_for_setup(request, room.program_id)
    return _room_page(request, program, room)


def _room_page(request: HttpRequest, program: Program, room: Room | None) -> HttpResponse:
    form = RoomForm(request.POST or None, instance=room)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: setup.save_room(
                actor=acting_user(request),
                program=program,
                room=Room.objects.get(pk=room.pk) if room is not None else None,
                data=form.cleaned_data,
                seen_version=form.seen,
            ),
        )
        if saved is not None:
            _warn(request, saved[1])
            return redirect("program_settings", program_id=program.pk)
        if room is not None:
            room.refresh_from_db()
    return render(
        request,
        "programs/room_form.html",
        {"form": form, "program": program, "room": room},
        status=refused_status(form) if request.method == "POST" else 200,
    )
