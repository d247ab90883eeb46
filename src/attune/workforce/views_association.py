"""The state infant mental health association's endorsement coordinator: declared
endorsements to verify against their evidence, renewals, applications through the eight
steps. Access: attune.lib.access.require_endorsement (the person's state, once they declared
an endorsement or started an application); RS/C notes are never shown here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from attune.lib import access, params, uploads
from attune.lib.views import acting_user, show_refusal
from attune.workforce import forms, services
from attune.workforce.models import Application, EndorsementStatus, Profile
from attune.workforce.standing import standing, status_of

STEP_KEYS = [key for key, _label in Application.STEPS]


def _steps(application: Application) -> list[tuple[str, str, str | None]]:
    """(key, label, the day it was done) for the steps of the application's level."""
    return [
        (key, str(label), application.steps.get(key))
        for key, label in Application.STEPS
        if not (key == "exam" and application.level in ("I", "II"))
    ]


@login_required
@require_GET
def coordinator(request: HttpRequest) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    states = viewer.coordinator_jurisdiction_ids
    if not states:
        return render(request, "programs/no_role.html", status=403)
    today = timezone.localdate()
    profiles = list(
        Profile.objects.filter(jurisdiction_id__in=states)
        .exclude(endorsed_level="")
        .select_related("user", "jurisdiction", "verified_by")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    by_status: dict[str, list[Profile]] = {}
    for p in profiles:
        by_status.setdefault(status_of(p, today), []).append(p)
    soon = today + timedelta(days=services.RENEWAL_NOTICE_DAYS)
    applications = [
        (a, _steps(a))
        for a in Application.objects.filter(profile__jurisdiction_id__in=states)
        .exclude(steps__has_key="award")
        .select_related("profile__user")
        .order_by("started", "pk")
    ]
    context = {
        "declared": by_status.get("declared", []),
        "refused": by_status.get("refused", []),
        "expired": by_status.get("expired", []),
        "renewing": [
            p for p in by_status.get("verified", []) if p.renewal_due and p.renewal_due <= soon
        ],
        "verified": by_status.get("verified", []),
        "applications": [
            (a, steps, sum(1 for _k, _l, done in steps if done), len(steps))
            for a, steps in applications
        ],
        "step_labels": [(k, str(label)) for k, label in Application.STEPS],
    }
    return render(request, "workforce/coordinator.html", context)


def _person(request: HttpRequest, profile_id: int) -> Profile:
    profile = get_object_or_404(
        Profile.objects.select_related("user", "jurisdiction", "verified_by"), pk=profile_id
    )
    access.require_endorsement(
        access.viewer_for(request.user), profile.jurisdiction_id, "endorsement.review",
        submitted=services.submitted(profile),
    )  # fmt: skip
    return profile


@login_required
@require_http_methods(["GET", "POST"])
def coordinator_person(request: HttpRequest, profile_id: int) -> HttpResponse:
    """One person's standing (as on their own page and their portfolio), the endorsement they
    declared with its evidence, verification, renewal, and their applications."""
    profile = _person(request, profile_id)
    today = timezone.localdate()
    initial = {
        "version": profile.version, "level": profile.endorsed_level,
        "number": profile.endorsement_number, "awarded": profile.endorsed_on,
        "renewal_due": profile.renewal_due,
    }  # fmt: skip
    verify = forms.VerifyForm(initial=initial)
    refuse = forms.RefuseForm(initial={"version": profile.version})
    renew = forms.RenewForm(initial={"version": profile.version})
    status = 200
    if request.method == "POST":
        action = params.choice(request.POST, "action", ("verify", "refuse", "renew"), default="")
        bound: Form
        if action == "verify":
            bound = verify = forms.VerifyForm(request.POST)
        elif action == "refuse":
            bound = refuse = forms.RefuseForm(request.POST)
        elif action == "renew":
            bound = renew = forms.RenewForm(request.POST)
        else:
            raise Http404
        if bound.is_valid():
            data: dict[str, Any] = bound.cleaned_data
            try:
                if action == "verify":
                    services.verify_endorsement(
                        actor=acting_user(request), profile=profile, level=data["level"],
                        number=data["number"], awarded=data["awarded"],
                        renewal_due=data["renewal_due"], note=data["note"],
                        version=data["version"], today=today,
                    )  # fmt: skip
                    messages.success(request, _("The endorsement is verified."))
                elif action == "refuse":
                    services.refuse_endorsement(
                        actor=acting_user(request), profile=profile, note=data["note"],
                        version=data["version"], today=today,
                    )  # fmt: skip
                    messages.success(request, _("The endorsement is marked as not verified."))
                else:
                    services.record_renewal(
                        actor=acting_user(request), profile=profile, version=data["version"],
                        today=today,
                    )  # fmt: skip
                    messages.success(request, _("The renewal is recorded."))
            except ValidationError as error:
                show_refusal(bound, error)
            else:
                return redirect("workforce_coordinator_person", profile_id=profile.pk)
        status = 400
        profile.refresh_from_db()
    context = {
        "profile": profile,
        "standing": standing(profile, today),
        "verify_form": verify,
        "refuse_form": refuse,
        "renew_form": renew,
        "can_renew": profile.endorsement_status == EndorsementStatus.VERIFIED,
        "applications": [
            (a, _steps(a), list(a.documents.all())) for a in profile.applications.all()
        ],
    }
    return render(request, "workforce/coordinator_person.html", context, status=status)


@login_required
@require_GET
def coordinator_evidence(request: HttpRequest, profile_id: int) -> HttpResponseBase:
    profile = _person(request, profile_id)
    if not profile.endorsement_evidence:
        raise Http404
    return FileResponse(
        profile.endorsement_evidence.open("rb"),
        as_attachment=True,
        filename=profile.endorsement_evidence_name
        or uploads.display_name(profile.endorsement_evidence.name),
    )


@login_required
@require_GET
def coordinator_portfolio(request: HttpRequest, profile_id: int) -> HttpResponse:
    """The person's portfolio PDF, as they download it themselves."""
    from attune.workforce.views import portfolio_pdf_response

    return portfolio_pdf_response(_person(request, profile_id))
