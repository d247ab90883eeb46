"""The state's directory of T/TA specialists and trainers, and programs' requests for
support from it. Who may search a state's directory: attune.lib.access.directory_jurisdiction_ids;
a request is made for a program the viewer manages (program.manage), answered by the person
asked (support.respond), withdrawn by the program's managers (support.withdraw)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.models import Membership
from attune.lib import access, languages, params
from attune.lib.views import acting_user, show_refusal
from attune.programs.models import Jurisdiction, Program
from attune.training.models import PRACTICES
from attune.workforce import forms, services
from attune.workforce.models import AREAS, DirectoryEntry, SupportRequest


def _kinds(viewer: access.Viewer, user_id: int) -> list[tuple[str, str]]:
    """The directory roles open to the viewer: specialist for a state's or a program's T/TA
    specialist, trainer for a trainer of the state's workforce or a program's trainer."""
    roles = set(
        Membership.objects.filter(
            user_id=user_id, role__in=[Membership.Role.SPECIALIST, Membership.Role.TRAINER]
        ).values_list("role", flat=True)
    )
    if viewer.person_id is not None:
        roles.add(Membership.Role.TRAINER)
    return [(k, str(label)) for k, label in DirectoryEntry.Kind.choices if k in roles]


def _own_states(viewer: access.Viewer, user_id: int) -> Any:
    from attune.training.models import Person

    ids = set(viewer.tta_jurisdiction_ids)
    ids |= set(
        Program.objects.filter(pk__in=viewer.support_program_ids).values_list(
            "jurisdiction_id", flat=True
        )
    )
    ids |= set(Person.objects.filter(user_id=user_id).values_list("jurisdiction_id", flat=True))
    return Jurisdiction.objects.filter(pk__in=ids).order_by("name")


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    states = access.directory_jurisdiction_ids(viewer)
    if not states:
        return render(request, "programs/no_role.html", status=403)
    form = forms.DirectoryFilterForm(request.GET or None)
    entries = DirectoryEntry.objects.filter(jurisdiction_id__in=states).select_related(
        "user", "jurisdiction"
    )
    rows = []
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("region"):
        entries = entries.filter(region__icontains=data["region"])
    code = ""
    if data.get("language"):
        try:
            code = languages.normalize(data["language"])
        except languages.UnknownLanguage:
            code = data["language"].strip().lower()
    for e in entries:  # lists in JSON: filtered here, the same on SQLite and PostgreSQL
        if code and code not in e.languages:
            continue
        if data.get("practice") and data["practice"] not in e.practices:
            continue
        if data.get("competency") and data["competency"] not in e.competencies:
            continue
        open_now = e.open_capacity()
        if data.get("open") and open_now <= 0:
            continue
        rows.append((e, e.supporting(), open_now))
    # a link to ask someone for support: a program the viewer manages in their state that
    # they do not support yet
    managed = dict(
        Program.objects.filter(pk__in=viewer.managed_program_ids).values_list(
            "pk", "jurisdiction_id"
        )
    )
    supported: dict[int, set[int]] = {}
    for user_id, program_id in Membership.objects.filter(
        user_id__in=[e.user_id for e, _n, _o in rows], program_id__in=list(managed)
    ).values_list("user_id", "program_id"):
        supported.setdefault(user_id, set()).add(program_id)
    askable = {
        e.pk
        for e, _n, open_now in rows
        if open_now > 0
        and e.user_id != viewer.user_id
        and any(
            state == e.jurisdiction_id and pk not in supported.get(e.user_id, set())
            for pk, state in managed.items()
        )
    }
    context = {
        "form": form,
        "rows": rows,
        "practices": dict(PRACTICES),
        "areas": dict(AREAS),
        "askable": askable,
        "mine": DirectoryEntry.objects.filter(user_id=acting_user(request).pk).first(),
        "may_list": bool(_kinds(viewer, acting_user(request).pk)),
        "may_see_requests": access.may_see_support_requests(viewer),
    }
    return render(request, "workforce/directory.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def directory_me(request: HttpRequest) -> HttpResponse:
    """The specialist's or trainer's own directory entry."""
    viewer = access.viewer_for(request.user)
    uid = acting_user(request).pk
    kinds = _kinds(viewer, uid)
    if not kinds:
        return render(request, "programs/no_role.html", status=403)
    entry = DirectoryEntry.objects.filter(user_id=uid).first()
    form = forms.DirectoryEntryForm(
        request.POST or None, instance=entry, jurisdictions=_own_states(viewer, uid),
        kinds=kinds, initial={"version": entry.version if entry else 0},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        data["languages"] = form.cleaned_data["languages_text"]
        try:
            services.save_directory_entry(
                actor=acting_user(request), user=acting_user(request), data=data,
                version=form.cleaned_data["version"] if entry else None,
            )  # fmt: skip
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Your directory entry is saved."))
            return redirect("workforce_directory")
    return render(
        request, "workforce/directory_me.html", {"form": form, "entry": entry},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def request_support(request: HttpRequest, entry_id: int) -> HttpResponse:
    """A program's director asks a specialist or trainer of the state's directory."""
    viewer = access.viewer_for(request.user)
    entry = get_object_or_404(
        DirectoryEntry.objects.select_related("user", "jurisdiction"), pk=entry_id
    )
    if entry.jurisdiction_id not in access.directory_jurisdiction_ids(viewer):
        raise Http404
    programs = Program.objects.filter(
        pk__in=viewer.managed_program_ids, jurisdiction_id=entry.jurisdiction_id
    ).order_by("name")
    if not programs.exists():
        return render(request, "programs/no_role.html", status=403)
    form = forms.SupportRequestForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        program = access.require_program(
            viewer, form.cleaned_data["program"].pk, "program.manage"
        ).obj
        try:
            services.request_support(
                actor=acting_user(request), entry=entry, program=program,
                practices=form.cleaned_data["practices"], message=form.cleaned_data["message"],
            )  # fmt: skip
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Your request was sent to %(name)s.") % {"name": entry})
            return redirect("workforce_support_requests")
    return render(
        request, "workforce/support_request_form.html",
        {"form": form, "entry": entry, "practices": dict(PRACTICES), "areas": dict(AREAS)},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_GET
def support_requests(request: HttpRequest) -> HttpResponse:
    """Requests to the viewer (to answer) and from the programs they manage."""
    viewer = access.viewer_for(request.user)
    uid = acting_user(request).pk
    incoming = SupportRequest.objects.filter(entry__user_id=uid)
    outgoing = SupportRequest.objects.filter(program_id__in=viewer.managed_program_ids)
    if not access.may_see_support_requests(viewer):
        return render(request, "programs/no_role.html", status=403)
    related = ("entry__user", "program", "requested_by")
    return render(
        request, "workforce/support_requests.html",
        {"incoming": incoming.select_related(*related), "outgoing": outgoing.select_related(*related),
         "practices": dict(PRACTICES), "answer_form": forms.AnswerForm},
    )  # fmt: skip


@login_required
@require_POST
def answer_support_request(request: HttpRequest, request_id: int) -> HttpResponse:
    """Accept, decline (the one asked) or withdraw (the program's managers) a request."""
    found = get_object_or_404(
        SupportRequest.objects.select_related("entry", "program"), pk=request_id
    )
    action = params.choice(request.POST, "action", ("accept", "decline", "withdraw"), default="")
    permission = "support.withdraw" if action == "withdraw" else "support.respond"
    access.require_support_request(
        access.viewer_for(request.user), program_id=found.program_id,
        asked_user_id=found.entry.user_id, action=permission,
    )  # fmt: skip
    form = forms.AnswerForm(request.POST)
    if action not in ("accept", "decline", "withdraw") or not form.is_valid():
        messages.error(request, _("Choose an answer."))
        return redirect("workforce_support_requests")
    try:
        if action == "withdraw":
            services.withdraw_support_request(
                actor=acting_user(request), request=found, version=form.cleaned_data["version"]
            )
        else:
            services.answer_support_request(
                actor=acting_user(request), request=found, accept=action == "accept",
                reply=form.cleaned_data["reply"], version=form.cleaned_data["version"],
            )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, {
            "accept": _("Accepted: you now support %(program)s."),
            "decline": _("Declined; the program sees your answer."),
            "withdraw": _("The request is withdrawn."),
        }[action] % {"program": found.program})  # fmt: skip
    return redirect("workforce_support_requests")
