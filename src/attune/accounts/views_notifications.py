"""A person's notifications: the list, marking them read, their choices of email per kind,
and the live badge every page asks for (HTMX polling; without JavaScript the badge is drawn
with the page and the list is one link away)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts import notify
from attune.accounts.models import Notification
from attune.lib import params
from attune.lib.text import LimitedForm
from attune.lib.views import acting_user

PAGE = 50
LIVE_SECONDS = 10  # how often every open page asks for new notifications


class ChoicesForm(LimitedForm, forms.Form):
    email = forms.MultipleChoiceField(
        label=gettext_lazy("Also by email"),
        choices=Notification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    page = params.page(request.GET)
    rows = list(Notification.objects.filter(user=user)[(page - 1) * PAGE : page * PAGE + 1])
    return render(
        request,
        "accounts/notifications.html",
        {
            "notifications": rows[:PAGE],
            "page": page,
            "more": len(rows) > PAGE,
            "unread": notify.unread(user),
        },
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    pk = params.pk(request.POST, "notification")
    notify.mark_read(user=user, pk=pk)
    if request.htmx:  # type: ignore[attr-defined]
        return live_response(request)
    target = None
    if pk is not None:
        target = Notification.objects.filter(user=user, pk=pk).values_list("url", flat=True).first()
    if target and params.flag(request.POST, "open"):
        return redirect(target)
    return redirect("accounts:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_choices(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    chosen = [kind for kind, email in notify.choices(user).items() if email]
    form = ChoicesForm(request.POST or None, initial={"email": chosen})
    if request.method == "POST" and form.is_valid():
        notify.set_choices(user=user, email_kinds=form.cleaned_data["email"])
        messages.success(request, _("Your choices were saved."))
        return redirect("accounts:notification_choices")
    return render(
        request,
        "accounts/notification_choices.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def live_response(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    urgent = list(Notification.objects.filter(user=user, read_at__isnull=True, urgent=True)[:3])
    return render(
        request,
        "accounts/_live.html",
        {"live_unread": notify.unread(user), "live_urgent": urgent, "live_seconds": LIVE_SECONDS},
    )


@login_required
@require_GET
def notifications_live(request: HttpRequest) -> HttpResponse:
    return live_response(request)
