"""The person's own API tokens page: make (the secret shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from attune.api import tokens
from attune.api.forms import TokenForm
from attune.lib import access
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
        {"form": form, "secret": secret, "tokens": list(tokens.of(user))},
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
