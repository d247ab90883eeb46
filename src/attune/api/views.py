"""The person's API pages: their tokens (made, the secret shown once; listed; revoked) and
the webhooks of the programs they manage or the states they administer, with delivery logs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from attune.api import tokens
from attune.api.forms import TokenForm
from attune.lib import access, params
from attune.lib.views import acting_user
from attune.programs.models import Program


def _programs(request: HttpRequest) -> object:
    viewer = access.viewer_for(request.user)
    ids = set(access.home_programs(viewer).values_list("pk", flat=True))
    ids |= set(access.overview_programs(viewer).values_list("pk", flat=True))
    ids |= set(access.family_children(viewer).values_list("program_id", flat=True))
    return Program.objects.filter(pk__in=ids).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = TokenForm(request.POST or None, programs=_programs(request))  # type: ignore[arg-type]
    secret = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, secret = tokens.issue(
                user=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                program=form.cleaned_data["program"],
            )
            form = TokenForm(programs=_programs(request))  # type: ignore[arg-type]
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": list(tokens.of(user)),
            "can_webhooks": bool(_targets(access.viewer_for(request.user))),
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = acting_user(request)
    token = tokens.of(user).filter(pk=token_id).first()
    if token is None:  # another person's token: as if it did not exist
        raise Http404
    if tokens.revoke(user=user, token=token):
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api_tokens")


# -- webhooks --------------------------------------------------------------------------------


def _targets(viewer: access.Viewer) -> list[tuple[str, str]]:
    """What the person may subscribe to: programs they manage, states they administer."""
    from attune.programs.models import Jurisdiction

    out = [
        (f"program:{p.pk}", p.name)
        for p in Program.objects.filter(pk__in=viewer.managed_program_ids).order_by("name")
    ]
    out += [
        (f"state:{j.pk}", j.name)
        for j in Jurisdiction.objects.filter(pk__in=viewer.state_jurisdiction_ids).order_by("name")
    ]
    return out


def _endpoints(viewer: access.Viewer) -> Any:
    from django.db.models import Q

    from attune.api.models import WebhookEndpoint

    return WebhookEndpoint.objects.filter(
        Q(program_id__in=viewer.managed_program_ids)
        | Q(jurisdiction_id__in=viewer.state_jurisdiction_ids)
    ).select_related("program", "jurisdiction")


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    from attune.api import webhooks
    from attune.api.forms import WebhookForm
    from attune.programs.models import Jurisdiction

    viewer = access.viewer_for(request.user)
    targets = _targets(viewer)
    if not targets:
        raise PermissionDenied  # webhooks are for programs' managers and states
    form = WebhookForm(request.POST or None, targets=targets)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind, _sep, pk = form.cleaned_data["target"].partition(":")
            created = webhooks.create_endpoint(
                actor=acting_user(request),
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                program=Program.objects.get(pk=pk) if kind == "program" else None,
                jurisdiction=Jurisdiction.objects.get(pk=pk) if kind == "state" else None,
            )
            form = WebhookForm(targets=targets)
        else:
            status = 400
    return render(
        request,
        "api/webhooks.html",
        {"form": form, "created": created, "endpoints": list(_endpoints(viewer))},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, webhook_id: int) -> HttpResponse:
    from attune.api import webhooks

    viewer = access.viewer_for(request.user)
    endpoint = _endpoints(viewer).filter(pk=webhook_id).first()
    if endpoint is None:
        raise Http404
    if request.method == "POST":
        active = params.flag(request.POST, "active")
        webhooks.set_active(actor=acting_user(request), endpoint=endpoint, active=active)
        messages.success(
            request, _("The webhook is on.") if active else _("The webhook is turned off.")
        )
        return redirect("api_webhook", webhook_id=endpoint.pk)
    deliveries = endpoint.deliveries.all()[:100]
    return render(
        request, "api/webhook_detail.html", {"endpoint": endpoint, "deliveries": deliveries}
    )
