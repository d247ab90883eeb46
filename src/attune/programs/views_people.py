"""The people pages (issue #16): everyone with a role, pending invitations, inviting.

An organization's administrators see the whole organization; a program's managers see their
program. Every refusal says why, changes nothing and is audited (attune.programs.people)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from attune.accounts import invitations
from attune.accounts.models import Invitation
from attune.lib import access, params
from attune.lib.text import LimitedForm
from attune.lib.views import acting_user
from attune.programs import people
from attune.programs.forms_people import InviteForm, InviteGuardianForm
from attune.programs.models import Caregiver, Organization, Program

ACTIONS = ("invite", "resend", "withdraw", "end_role")


def _action(request: HttpRequest) -> str:
    if request.method != "POST":
        return ""
    return params.choice(request.POST, "action", ACTIONS, default="")


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _people_page(
    request: HttpRequest,
    *,
    viewer: access.Viewer,
    organization: Organization,
    programs: QuerySet[Program],
    with_admins: bool,
    here: str,
    title: str,
) -> HttpResponse:
    form = InviteForm(
        request.POST if _action(request) == "invite" else None,
        programs=programs,
        offer_admin=organization.pk in viewer.admin_organization_ids,
    )
    status = 200
    if request.method == "POST":
        action = _action(request)
        try:
            if action == "invite":
                if form.is_valid():
                    data = form.cleaned_data
                    invitation = people.invite_staff(
                        viewer=viewer,
                        actor=acting_user(request),
                        organization=organization,
                        email=data["email"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        role=data["role"],
                        program=data.get("program"),
                        languages=data.get("languages"),
                        base_url=_base_url(request),
                        request=request,
                    )
                    messages.success(
                        request,
                        _("Invitation sent to %(email)s. The link works for %(days)s days.")
                        % {"email": invitation.email, "days": invitations.valid_days()},
                    )
                    return redirect(here)
                status = 400
            elif action in ("resend", "withdraw"):
                invitation = _invitation(request, viewer, organization, programs, with_admins)
                if action == "resend":
                    invitations.resend(
                        actor=acting_user(request),
                        invitation=invitation,
                        base_url=_base_url(request),
                    )
                    messages.success(
                        request,
                        _("A new link was sent to %(email)s; the old one no longer works.")
                        % {"email": invitation.email},
                    )
                else:
                    invitations.withdraw(actor=acting_user(request), invitation=invitation)
                    messages.success(
                        request,
                        _("The invitation to %(email)s was withdrawn; its link no longer works.")
                        % {"email": invitation.email},
                    )
                return redirect(here)
            elif action == "end_role":
                pk = params.integer(request.POST, "membership", default=0) or 0
                membership = (
                    people.memberships_of(
                        organization=organization, programs=programs, with_admins=with_admins
                    )
                    .filter(pk=pk)
                    .select_related("user")
                    .first()
                )
                if membership is None:
                    raise invitations.refuse(
                        actor=acting_user(request),
                        about=str(pk),
                        request=request,
                        message=_("That role is not one you can end here. Nothing changed."),
                    )
                people.end_membership(
                    viewer=viewer,
                    actor=acting_user(request),
                    membership=membership,
                    request=request,
                )
                messages.success(
                    request,
                    _("%(name)s no longer has the role %(role)s.")
                    % {"name": membership.user, "role": membership.get_role_display()},
                )
                return redirect(here)
            else:
                status = 400
                messages.error(request, _("Nothing was done: the page did not say what to do."))
        except invitations.InvitationRefused as refused:
            refused.audit()  # when no service did (nothing is written otherwise)
            messages.error(request, refused.message)
            status = 403 if form.is_bound and form.is_valid() else 409
    return render(
        request,
        "programs/people.html",
        {
            "title": title,
            "organization": organization,
            "people": people.people_of(
                organization=organization, programs=programs, with_admins=with_admins
            ),
            "pending": people.invitations_of(
                organization=organization, programs=programs, with_admins=with_admins
            ),
            "form": form,
            "here": here,
        },
        status=status,
    )


def _invitation(
    request: HttpRequest,
    viewer: access.Viewer,
    organization: Organization,
    programs: QuerySet[Program],
    with_admins: bool,
) -> Invitation:
    pk = params.integer(request.POST, "invitation", default=0) or 0
    invitation = (
        people.invitations_of(organization=organization, programs=programs, with_admins=with_admins)
        .filter(pk=pk)
        .first()
    )
    if invitation is None or not people.may_manage_invitation(viewer, invitation):
        raise invitations.refuse(
            actor=acting_user(request),
            about=str(pk),
            request=request,
            message=_("That invitation is not one you can change here (it may have been used)."),
        )
    return invitation


@login_required
@require_http_methods(["GET", "POST"])
def organization_people(request: HttpRequest, organization_id: int) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    organization = access.require_organization(viewer, organization_id, "organization.people").obj
    return _people_page(
        request,
        viewer=viewer,
        organization=organization,
        programs=Program.objects.filter(organization=organization).order_by("name"),
        with_admins=True,
        here=request.path,
        title=_("People of %(organization)s") % {"organization": organization},
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_people(request: HttpRequest, program_id: int) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    program = access.require_program(viewer, program_id, "program.people").obj
    return _people_page(
        request,
        viewer=viewer,
        organization=program.organization,
        programs=Program.objects.filter(pk=program.pk),
        with_admins=False,
        here=request.path,
        title=_("People of %(program)s") % {"program": program},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_family(request: HttpRequest, child_id: int) -> HttpResponse:
    """From the child's page: a guardian of the family (or someone new) gets a link to sign
    in and follow the family's children."""
    viewer = access.viewer_for(request.user)
    child = access.require_child(viewer, child_id, "child.edit").obj
    guardians = child.family.guardians.filter(user__isnull=True).order_by("last_name")
    form = InviteGuardianForm(request.POST or None, guardians=guardians)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data: dict[str, Any] = dict(form.cleaned_data)
            guardian = data.pop("guardian")
            try:
                invitation = people.invite_guardian(
                    viewer=viewer,
                    actor=acting_user(request),
                    child=child,
                    guardian=guardian,
                    data=data,
                    base_url=_base_url(request),
                    request=request,
                )
            except invitations.InvitationRefused as refused:
                refused.audit()  # when no service did (nothing is written otherwise)
                messages.error(request, refused.message)
                status = 409
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": invitation.email},
                )
                return redirect("child_detail", child.pk)
        else:
            status = 400
    return render(
        request,
        "programs/invite_family.html",
        {"child": child, "form": form, "program": child.program},
        status=status,
    )


class EndEmploymentForm(LimitedForm, forms.Form):
    last_day = forms.DateField(
        label=gettext_lazy("Last day of work"), widget=forms.DateInput({"type": "date"})
    )

    def __init__(self, *args: Any, caregiver: Caregiver, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.caregiver = caregiver
        self.fields["last_day"].initial = timezone.localdate()

    def clean_last_day(self) -> Any:
        day = self.cleaned_data["last_day"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("The last day cannot be in the future: access ends when you confirm.")
            )
        if day < self.caregiver.hire_date:
            raise forms.ValidationError(_("The last day cannot be before the hire date."))
        return day


@login_required
@require_http_methods(["GET", "POST"])
def caregiver_end(request: HttpRequest, caregiver_id: int) -> HttpResponse:
    """End a caregiver's employment: their access ends at once, their records stay, and the
    director sees which children lose their primary caregiver (nothing is reassigned)."""
    viewer = access.viewer_for(request.user)
    caregiver = access.require_caregiver(viewer, caregiver_id, "caregiver.edit").obj
    form = EndEmploymentForm(request.POST or None, caregiver=caregiver)
    children = people.children_losing_primary(caregiver)
    if request.method == "POST":
        if form.is_valid():
            ended = people.end_employment(
                actor=acting_user(request),
                caregiver=caregiver,
                last_day=form.cleaned_data["last_day"],
            )
            return render(
                request,
                "programs/caregiver_ended.html",
                {"ended": ended, "program": caregiver.program},
            )
        return render(
            request,
            "programs/caregiver_end.html",
            {"caregiver": caregiver, "form": form, "children": children},
            status=400,
        )
    return render(
        request,
        "programs/caregiver_end.html",
        {"caregiver": caregiver, "form": form, "children": children},
    )


class MoveForm(LimitedForm, forms.Form):
    program = forms.ModelChoiceField(label=gettext_lazy("Move to"), queryset=Program.objects.none())

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs


@login_required
@require_http_methods(["GET", "POST"])
def caregiver_move(request: HttpRequest, caregiver_id: int) -> HttpResponse:
    """Move a caregiver to another program of the organization (one person, one history)."""
    viewer = access.viewer_for(request.user)
    caregiver = access.require_caregiver(viewer, caregiver_id, "caregiver.edit").obj
    organization_id = caregiver.program.organization_id
    targets = Program.objects.filter(organization_id=organization_id).exclude(
        pk=caregiver.program_id
    )
    if not access.may_set_up(viewer, organization_id):
        targets = targets.filter(pk__in=viewer.managed_program_ids)
    form = MoveForm(request.POST or None, programs=targets.order_by("name"))
    children = people.children_losing_primary(caregiver)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                moved = people.move_caregiver(
                    viewer=viewer,
                    actor=acting_user(request),
                    caregiver=caregiver,
                    to_program=form.cleaned_data["program"],
                    request=request,
                )
            except invitations.InvitationRefused as refused:
                refused.audit()
                form.add_error(None, refused.message)
                status = 403
            else:
                messages.success(
                    request,
                    _("%(name)s now works at %(program)s.")
                    % {"name": moved.caregiver, "program": moved.caregiver.program},
                )
                if moved.children:
                    messages.warning(
                        request,
                        _("These children need a new primary caregiver: %(names)s.")
                        % {"names": ", ".join(str(c) for c in moved.children)},
                    )
                return redirect("caregiver_detail", caregiver.pk)
        else:
            status = 400
    return render(
        request,
        "programs/caregiver_move.html",
        {"caregiver": caregiver, "form": form, "children": children},
        status=status,
    )
