"""Pages for program records. Thin: access decides, forms validate, services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.lib import access, audit, params
from attune.lib.access import Rel
from attune.lib.audit import entries_for
from attune.lib.views import acting_user, attempt, refused_status
from attune.programs import forms, services, stats
from attune.programs.models import (
    Caregiver,
    Child,
    Family,
    FamilyShare,
    Guardian,
    Program,
    WaitlistEntry,
)


def _viewer(request: HttpRequest) -> access.Viewer:
    return access.viewer_for(request.user)


def _only(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in fields}


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], instance: Model | None = None
) -> HttpResponse:
    """The form page; after a refused POST, 400 with the errors and nothing saved.

    A bound ModelForm writes the typed values onto its instance while validating, so the
    instance is reloaded to show the stored record around the form.
    """
    refused = request.method == "POST"
    if refused and instance is not None:
        instance.refresh_from_db()
    forms_shown = [f for f in context.values() if isinstance(f, BaseForm)]
    return render(
        request, template, context, status=refused_status(*forms_shown) if refused else 200
    )


# -- home pages by role ---------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page their role starts from."""
    viewer = _viewer(request)
    if viewer.admin_organization_ids:
        return redirect("organization_home", organization_id=min(viewer.admin_organization_ids))
    if viewer.director_program_ids:
        return redirect("program_dashboard", program_id=min(viewer.director_program_ids))
    if viewer.caregiver is not None:
        return redirect("program_dashboard", program_id=viewer.caregiver.program_id)
    if viewer.support_program_ids:
        return redirect("support_home")
    if viewer.state_jurisdiction_ids:
        return redirect("state_home")
    if viewer.family_id is not None:
        return redirect("family_home")
    if viewer.coordinator_jurisdiction_ids:
        return redirect("workforce_coordinator")
    return render(request, "programs/no_role.html")


@login_required
@require_GET
def organization_home(request: HttpRequest, organization_id: int) -> HttpResponse:
    granted = access.require_organization(_viewer(request), organization_id, "organization.view")
    organization = granted.obj
    programs = list(organization.programs.select_related("jurisdiction").order_by("name"))
    figures = [stats.program_figures(p, p.today()) for p in programs]
    return render(
        request,
        "programs/organization_home.html",
        {
            "organization": organization,
            "figures": figures,
            "share_requests": access.pending_shares(_viewer(request)).filter(
                family__organization=organization
            ),
            "decision_form": forms.FamilyShareDecisionForm(),
        },
    )


@login_required
@require_GET
def family_home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if viewer.family_id is None:
        return render(request, "programs/no_role.html", status=403)
    children = list(access.family_children(viewer).select_related("primary_caregiver"))
    family = Family.objects.get(pk=viewer.family_id)
    return render(
        request,
        "programs/family_home.html",
        {
            "family": family,
            "children": children,
            "share_requests": access.pending_shares(viewer).filter(family=family),
            "decision_form": forms.FamilyShareDecisionForm(),
        },
    )


@login_required
@require_GET
def support_home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not viewer.support_program_ids:
        return render(request, "programs/no_role.html", status=403)
    programs = Program.objects.filter(pk__in=viewer.support_program_ids).select_related(
        "organization", "jurisdiction"
    )
    figures = [stats.program_figures(p, p.today()) for p in programs]
    return render(request, "programs/support_home.html", {"figures": figures})


@login_required
@require_GET
def state_home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not viewer.state_jurisdiction_ids:
        return render(request, "programs/no_role.html", status=403)
    programs = (
        Program.objects.filter(jurisdiction_id__in=viewer.state_jurisdiction_ids)
        .select_related("organization", "jurisdiction")
        .order_by("jurisdiction__name", "name")
    )
    figures = [stats.program_figures(p, p.today()) for p in programs]
    totals = {
        "programs": len(figures),
        "children": sum(f.children_enrolled for f in figures),
        "caregivers": sum(f.caregivers_active for f in figures),
        "with_ifsp": sum(f.with_ifsp for f in figures),
        "capacity": sum(f.capacity for f in figures),
    }
    return render(request, "programs/state_home.html", {"figures": figures, "totals": totals})


# -- program pages ---------------------------------------------------------------------------


@login_required
@require_GET
def program_dashboard(request: HttpRequest, program_id: int) -> HttpResponse:
    viewer = _viewer(request)
    granted = access.require_program(viewer, program_id, "program.dashboard")
    program: Program = granted.obj
    now = program.local_now()
    children = access.visible_children(viewer, program).select_related("room", "primary_caregiver")
    room_ids = access.visible_room_ids(viewer, program)
    rooms = [
        r
        for r in stats.attendance_by_room(program, now, children)
        if room_ids is None or (r.room is not None and r.room.pk in room_ids)
    ]
    my_children: list[Child] = []
    if viewer.caregiver is not None and viewer.caregiver.program_id == program.pk:
        my_children = [c for c in children if c.primary_caregiver_id == viewer.caregiver.pk]
    context = {
        "program": program,
        "now": now,
        "weekday": stats.weekday_key(now.date()),
        "rooms": rooms,
        "my_children": my_children,
        "can_manage": granted.allows("program.manage"),
        "children_count": sum(len(r.enrolled) for r in rooms),
        "caregivers_count": sum(
            1 for c in Caregiver.objects.filter(program=program) if c.is_active(now.date())
        ),
        "waitlist_count": WaitlistEntry.objects.filter(
            program=program, status=WaitlistEntry.Status.WAITING
        ).count(),
    }
    return render(request, "programs/dashboard.html", context)


@login_required
@require_GET
def program_overview(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.overview")
    program: Program = granted.obj
    figures = stats.program_figures(program, program.today())
    context = {
        "program": program,
        "figures": figures,
        "can_self_assess": granted.allows("program.self_assessment"),
    }
    return render(request, "programs/overview.html", context)


def _filtered_children(
    request: HttpRequest, viewer: access.Viewer, program: Program
) -> tuple[forms.ChildSearchForm, QuerySet[Child]]:
    form = forms.ChildSearchForm(request.GET or None, program=program)
    children = access.visible_children(viewer, program).select_related(
        "room", "primary_caregiver", "family"
    )
    today = program.today()
    status = "current"
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            for word in data["q"].split():
                children = children.filter(
                    Q(first_name__icontains=word)
                    | Q(last_name__icontains=word)
                    | Q(preferred_name__icontains=word)
                )
        if data["room"]:
            children = children.filter(room_id=data["room"])
        status = data["status"] or "current"
    if status == "current":
        children = children.enrolled_on(today)
    elif status == "ended":
        children = children.filter(enrollment_end__lt=today)
    return form, children.order_by("last_name", "first_name")


@login_required
@require_GET
def child_list(request: HttpRequest, program_id: int) -> HttpResponse:
    viewer = _viewer(request)
    granted = access.require_program(viewer, program_id, "program.children")
    program: Program = granted.obj
    form, children = _filtered_children(request, viewer, program)
    page = Paginator(children, 50).get_page(params.page(request.GET))
    context = {
        "program": program,
        "form": form,
        "page": page,
        "today": program.today(),
        "can_manage": granted.allows("program.manage"),
    }
    template = "programs/child_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#child-results"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def child_create(request: HttpRequest, program_id: int) -> HttpResponse:
    viewer = _viewer(request)
    granted = access.require_program(viewer, program_id, "program.manage")
    program: Program = granted.obj
    form = forms.ChildForm(
        request.POST or None,
        program=program,
        families=access.linkable_families(viewer, program),
    )
    if request.method == "POST" and form.is_valid():
        child = attempt(
            form,
            lambda: services.create_child(
                actor=acting_user(request),
                program=program,
                data=_only(form.cleaned_data, services.CHILD_FIELDS),
            ),
        )
        if child is not None:
            messages.success(request, _("%(name)s was added.") % {"name": child})
            return redirect("child_detail", child_id=child.pk)
    return _form_page(
        request, "programs/child_form.html", {"program": program, "form": form, "child": None}
    )


@login_required
@require_GET
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    viewer = _viewer(request)
    granted = access.require_child(viewer, child_id, "child.view")
    child: Child = granted.obj
    full = granted.allows("child.view_full")
    if full and access.is_staff_view(granted.relations):
        services.view_child_record(actor=request.user, child=child)  # type: ignore[arg-type]
    today = child.program.today()
    context: dict[str, Any] = {
        "child": child,
        "program": child.program,
        "full": full,
        "today": today,
        "age_months": child.age_in_months(today),
        "can_edit": granted.allows("child.edit"),
        "can_audit": granted.allows("child.audit"),
        "can_message": granted.allows("messages.child"),
        "can_absence": granted.allows("attendance.absence"),
        "can_view_family": full and access.can(viewer, "family.view", child.family),
    }
    if full:
        context["guardians"] = list(child.family.guardians.all())
        context["siblings"] = list(child.family.children.exclude(pk=child.pk))
        context["events"] = list(child.enrollment_events.select_related("recorded_by")[:20])
    if context["can_audit"]:
        context["audit_entries"] = list(_child_audit(child)[:15])
    return render(request, "programs/child_detail.html", context)


def _child_audit(child: Child) -> Any:
    return entries_for([child, child.family, *child.family.guardians.all()])


@login_required
@require_GET
def child_audit(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "child.audit")
    child: Child = granted.obj
    page = Paginator(_child_audit(child), 50).get_page(params.page(request.GET))
    return render(
        request,
        "programs/child_audit.html",
        {"child": child, "program": child.program, "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    viewer = _viewer(request)
    granted = access.require_child(viewer, child_id, "child.edit")
    child: Child = granted.obj
    form = forms.ChildForm(
        request.POST or None,
        instance=child,
        program=child.program,
        families=access.linkable_families(viewer, child.program)
        | Family.objects.filter(pk=child.family_id),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.update_child(
                actor=acting_user(request),
                child=Child.objects.get(pk=child.pk),
                data=_only(form.cleaned_data, services.CHILD_FIELDS),
                seen_version=form.seen,
            ),
        )
        is not None
    ):
        messages.success(request, _("Changes saved."))
        return redirect("child_detail", child_id=child.pk)
    return _form_page(
        request,
        "programs/child_form.html",
        {"program": child.program, "form": form, "child": child},
        instance=child,
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_delete(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "child.edit")
    child: Child = granted.obj
    if request.method == "POST":
        typed = params.search(request.POST, "confirm_name", max_length=1000)
        if typed.lower() != child.first_name.lower():
            messages.error(request, _("Type the child's first name to confirm."))
            return render(
                request,
                "programs/child_delete.html",
                {"child": child, "program": child.program},
                status=400,
            )
        program_id = child.program_id
        services.delete_child(actor=request.user, child=child)  # type: ignore[arg-type]
        messages.success(request, _("The record was deleted. The audit trail keeps who did it."))
        return redirect("child_list", program_id=program_id)
    return render(request, "programs/child_delete.html", {"child": child, "program": child.program})


# -- caregivers ------------------------------------------------------------------------------


@login_required
@require_GET
def caregiver_list(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.caregivers")
    program: Program = granted.obj
    today = program.today()
    caregivers = list(
        Caregiver.objects.filter(program=program)
        .select_related("room")
        .order_by("last_name", "first_name")
    )
    primary_counts = dict(
        Child.objects.filter(program=program, primary_caregiver__isnull=False)
        .enrolled_on(today)
        .values("primary_caregiver")
        .annotate(n=Count("id"))
        .values_list("primary_caregiver", "n")
    )
    for caregiver in caregivers:
        caregiver.primary_count = primary_counts.get(caregiver.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "programs/caregiver_list.html",
        {
            "program": program,
            "active": [c for c in caregivers if c.is_active(today)],
            "former": [c for c in caregivers if not c.is_active(today)],
            "can_manage": granted.allows("program.manage"),
            "today": today,
        },
    )


@login_required
@require_GET
def caregiver_detail(request: HttpRequest, caregiver_id: int) -> HttpResponse:
    granted = access.require_caregiver(_viewer(request), caregiver_id, "caregiver.view")
    caregiver: Caregiver = granted.obj
    if Rel.SELF not in granted.relations:
        audit.log_view(request, caregiver, gettext_noop("caregiver record"))
    today = caregiver.program.today()
    primary = list(caregiver.primary_children.enrolled_on(today).select_related("room"))
    return render(
        request,
        "programs/caregiver_detail.html",
        {
            "caregiver": caregiver,
            "program": caregiver.program,
            "primary_children": primary,
            "can_edit": granted.allows("caregiver.edit"),
            "audit_entries": list(entries_for([caregiver])[:15])
            if granted.allows("caregiver.edit")
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def caregiver_create(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.manage")
    program: Program = granted.obj
    form = forms.CaregiverForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        caregiver = services.create_caregiver(
            actor=request.user,  # type: ignore[arg-type]
            program=program,
            data=_only(form.cleaned_data, services.CAREGIVER_FIELDS),
        )
        messages.success(request, _("%(name)s was added.") % {"name": caregiver})
        return redirect("caregiver_detail", caregiver_id=caregiver.pk)
    return _form_page(
        request,
        "programs/caregiver_form.html",
        {"program": program, "form": form, "caregiver": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def caregiver_edit(request: HttpRequest, caregiver_id: int) -> HttpResponse:
    granted = access.require_caregiver(_viewer(request), caregiver_id, "caregiver.edit")
    caregiver: Caregiver = granted.obj
    form = forms.CaregiverForm(request.POST or None, instance=caregiver, program=caregiver.program)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.update_caregiver(
                actor=acting_user(request),
                caregiver=Caregiver.objects.get(pk=caregiver.pk),
                data=_only(form.cleaned_data, services.CAREGIVER_FIELDS),
                seen_version=form.seen,
            ),
        )
        is not None
    ):
        messages.success(request, _("Changes saved."))
        return redirect("caregiver_detail", caregiver_id=caregiver.pk)
    return _form_page(
        request,
        "programs/caregiver_form.html",
        {"program": caregiver.program, "form": form, "caregiver": caregiver},
        instance=caregiver,
    )


# -- families --------------------------------------------------------------------------------


@login_required
@require_GET
def family_list(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.families")
    program: Program = granted.obj
    families = (
        Family.objects.known_to(program)
        .prefetch_related(
            "guardians",
            # only this program's children: a shared family's other children are not theirs
            Prefetch("children", queryset=Child.objects.filter(program=program)),
        )
        .order_by("name")
    )
    query = params.search(request.GET, "q")
    if query:
        families = families.filter(
            Q(name__icontains=query)
            | Q(code__icontains=query)
            | Q(guardians__last_name__icontains=query)
        ).distinct()
    page = Paginator(families, 50).get_page(params.page(request.GET))
    return render(
        request, "programs/family_list.html", {"program": program, "page": page, "q": query}
    )


@login_required
@require_http_methods(["GET", "POST"])
def family_share_request(request: HttpRequest, program_id: int) -> HttpResponse:
    """Ask for a family recorded by another program of the organization to be shared."""
    granted = access.require_program(_viewer(request), program_id, "program.manage")
    program: Program = granted.obj
    form = forms.FamilyShareRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_family_share(
            actor=acting_user(request),
            program=program,
            code=form.cleaned_data["code"],
            note=form.cleaned_data["note"],
        )
        # The same answer whether or not the code exists: nothing about other programs'
        # families is revealed to the person asking.
        messages.success(
            request,
            _(
                "If a family of your organization has this code, its guardians and the "
                "organization's administrator were asked to share it with %(program)s. It "
                "appears in your families once one of them confirms."
            )
            % {"program": program},
        )
        return redirect("family_list", program_id=program.pk)
    return _form_page(
        request, "programs/family_share_form.html", {"program": program, "form": form}
    )


@login_required
@require_POST
def family_share_decide(request: HttpRequest, share_id: int) -> HttpResponse:
    """A guardian of the family or the organization's administrator answers a request."""
    viewer = _viewer(request)
    share = FamilyShare.objects.filter(pk=share_id).select_related("family", "program").first()
    if share is None or not access.may_decide_share(viewer, share):
        raise Http404
    form = forms.FamilyShareDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to share or not."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_family_share(actor=acting_user(request), share=share, approve=approve)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(family)s is now shared with %(program)s.")
                % {"family": share.family, "program": share.program}
                if approve
                else _("Not shared. %(program)s was told.") % {"program": share.program},
            )
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def family_create(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.manage")
    program: Program = granted.obj
    family_form = forms.FamilyForm(
        request.POST or None, organization_id=program.organization_id, prefix="family"
    )
    guardian_form = forms.GuardianForm(request.POST or None, prefix="guardian")
    # both forms are checked, so every error shows at once
    valid = [form.is_valid() for form in (family_form, guardian_form)]
    if request.method == "POST" and all(valid):
        family = services.create_family(
            actor=acting_user(request),
            program=program,
            data=_only(family_form.cleaned_data, services.FAMILY_FIELDS),
            guardians=[_only(guardian_form.cleaned_data, services.GUARDIAN_FIELDS)],
        )
        messages.success(request, _("The %(name)s family was added.") % {"name": family.name})
        return redirect("family_detail", family_id=family.pk)
    return _form_page(
        request,
        "programs/family_create.html",
        {"program": program, "family_form": family_form, "guardian_form": guardian_form},
    )


@login_required
@require_GET
def family_detail(request: HttpRequest, family_id: int) -> HttpResponse:
    viewer = _viewer(request)
    granted = access.require_family(viewer, family_id, "family.view")
    family: Family = granted.obj
    children = [
        c
        for c in family.children.select_related("program", "room")
        if access.can(viewer, "child.view", c)
    ]
    audit.log_view(request, family, gettext_noop("family and guardians"))
    return render(
        request,
        "programs/family_detail.html",
        {
            "family": family,
            "guardians": list(family.guardians.all()),
            "children": children,
            "can_edit": granted.allows("family.edit"),
            "audit_entries": list(entries_for([family, *family.guardians.all()])[:15])
            if granted.allows("family.edit")
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def family_edit(request: HttpRequest, family_id: int) -> HttpResponse:
    granted = access.require_family(_viewer(request), family_id, "family.edit")
    family: Family = granted.obj
    form = forms.FamilyForm(
        request.POST or None, instance=family, organization_id=family.organization_id
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.update_family(
                actor=acting_user(request),
                family=Family.objects.get(pk=family.pk),
                data=_only(form.cleaned_data, services.FAMILY_FIELDS),
                seen_version=form.seen,
            ),
        )
        is not None
    ):
        messages.success(request, _("Changes saved."))
        return redirect("family_detail", family_id=family.pk)
    return _form_page(
        request, "programs/family_form.html", {"family": family, "form": form}, instance=family
    )


@login_required
@require_http_methods(["GET", "POST"])
def guardian_edit(
    request: HttpRequest, family_id: int, guardian_id: int | None = None
) -> HttpResponse:
    granted = access.require_family(_viewer(request), family_id, "family.edit")
    family: Family = granted.obj
    guardian = None
    if guardian_id is not None:
        guardian = Guardian.objects.filter(pk=guardian_id, family=family).first()
        if guardian is None:
            return render(request, "404.html", status=404)
    form = forms.GuardianForm(request.POST or None, instance=guardian)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.save_guardian(
                actor=acting_user(request),
                family=family,
                guardian=Guardian.objects.get(pk=guardian.pk) if guardian else None,
                data=_only(form.cleaned_data, services.GUARDIAN_FIELDS),
                seen_version=form.seen,
            ),
        )
        is not None
    ):
        messages.success(request, _("Changes saved."))
        return redirect("family_detail", family_id=family.pk)
    return _form_page(
        request,
        "programs/guardian_form.html",
        {"family": family, "form": form, "guardian": guardian},
        instance=guardian,
    )


@login_required
@require_POST
def guardian_delete(request: HttpRequest, family_id: int, guardian_id: int) -> HttpResponse:
    granted = access.require_family(_viewer(request), family_id, "family.edit")
    family: Family = granted.obj
    guardian = Guardian.objects.filter(pk=guardian_id, family=family).first()
    if guardian is None:
        return render(request, "404.html", status=404)
    if family.guardians.count() == 1:
        messages.error(request, _("A family needs at least one guardian; add another first."))
    else:
        services.delete_guardian(actor=request.user, guardian=guardian)  # type: ignore[arg-type]
        messages.success(request, _("%(name)s was removed from the family.") % {"name": guardian})
    return redirect("family_detail", family_id=family.pk)


# -- waitlist --------------------------------------------------------------------------------


@login_required
@require_GET
def waitlist(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.manage")
    program: Program = granted.obj
    entries = WaitlistEntry.objects.filter(program=program).order_by("status", "added_on")
    return render(request, "programs/waitlist.html", {"program": program, "entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
def waitlist_edit(
    request: HttpRequest, program_id: int, entry_id: int | None = None
) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.manage")
    program: Program = granted.obj
    entry = None
    if entry_id is not None:
        entry = WaitlistEntry.objects.filter(pk=entry_id, program=program).first()
        if entry is None:
            return render(request, "404.html", status=404)
    form = forms.WaitlistForm(request.POST or None, instance=entry, program=program)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.save_waitlist_entry(
                actor=acting_user(request),
                program=program,
                entry=WaitlistEntry.objects.get(pk=entry.pk) if entry else None,
                data=_only(form.cleaned_data, services.WAITLIST_FIELDS),
                seen_version=form.seen,
            ),
        )
        is not None
    ):
        messages.success(request, _("Waitlist saved."))
        return redirect("waitlist", program_id=program.pk)
    return _form_page(
        request,
        "programs/waitlist_form.html",
        {"program": program, "form": form, "entry": entry},
        instance=entry,
    )
