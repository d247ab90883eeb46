"""Calendar feeds (iCalendar) of Training for Trainers: a person's own sessions, and a state's
events for its lead and specialist. A calendar app cannot sign in, so each feed is a secret
address (attune.accounts.feeds), made, renewed and stopped by its person on this page. A feed
answers 404 once stopped, and once its person no longer has the access it was made with."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from attune.accounts import feeds
from attune.accounts.models import FeedToken
from attune.lib import access, params
from attune.lib.views import acting_user
from attune.programs.models import Jurisdiction
from attune.training import reports
from attune.training.models import EventSession, Person


def _choices(viewer: access.Viewer) -> list[tuple[str, int, str]]:
    """The feeds this person may have: (kind, subject, name)."""
    out: list[tuple[str, int, str]] = []
    if viewer.person_id is not None:
        out.append((FeedToken.Kind.PERSON, viewer.person_id, _("My training calendar")))
    ids = viewer.state_jurisdiction_ids | viewer.tta_jurisdiction_ids
    for state in Jurisdiction.objects.filter(pk__in=ids).order_by("name"):
        out.append(
            (
                FeedToken.Kind.STATE,
                state.pk,
                _("Calendar of %(state)s's events") % {"state": state.name},
            )
        )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def calendars(request: HttpRequest) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    choices = _choices(viewer)
    if not choices:
        return render(request, "programs/no_role.html", status=403)
    user = acting_user(request)
    shown: dict[tuple[str, int], str] = {}  # a new address, shown this once
    if request.method == "POST":
        wanted = (
            params.choice(request.POST, "kind", FeedToken.Kind.values, default=""),
            params.pk(request.POST, "subject"),
        )
        match = next((c for c in choices if (c[0], c[1]) == wanted), None)
        if match is None:
            raise Http404
        kind, subject, _name = match
        if params.choice(request.POST, "action", ("new", "stop"), default="new") == "stop":
            feeds.stop(user=user, kind=kind, subject_id=subject)
        else:
            raw = feeds.issue(user=user, kind=kind, subject_id=subject)
            shown[kind, subject] = request.build_absolute_uri(reverse("training_feed", args=[raw]))
    rows: list[dict[str, Any]] = [
        {
            "kind": kind,
            "subject": subject,
            "name": name,
            "token": feeds.live(user, kind, subject),
            "address": shown.get((kind, subject)),
        }
        for kind, subject, name in choices
    ]
    return render(request, "training/calendars.html", {"rows": rows})


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """An iCalendar feed for calendar apps (no sign-in)."""
    for kind in FeedToken.Kind:
        found = feeds.resolve(token, kind)
        if found is not None:
            break
    else:
        raise Http404
    viewer = access.viewer_for(found.user)
    sessions = EventSession.objects.all()
    if found.kind == FeedToken.Kind.PERSON:
        person = Person.objects.filter(pk=found.subject_id).first()
        if person is None or viewer.person_id != person.pk:
            raise Http404
        sessions = sessions.filter(event__enrollments__person=person)
        name = _("Training for Trainers: %(person)s") % {"person": person}
    else:
        allowed = viewer.state_jurisdiction_ids | viewer.tta_jurisdiction_ids
        state = Jurisdiction.objects.filter(pk=found.subject_id).first()
        if state is None or state.pk not in allowed:
            raise Http404
        sessions = sessions.filter(event__jurisdiction=state)
        name = _("Training for Trainers: %(state)s") % {"state": state.name}
    body = reports.calendar(reports.upcoming(sessions), name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
