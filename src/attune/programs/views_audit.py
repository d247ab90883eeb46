"""The audit pages of a program and of an organization: who did what to which record, who
opened or exported personal data, who signed in (and who failed), with filters and a CSV."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime, time
from typing import Any

from auditlog.models import LogEntry
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from attune.lib import access, audit, csvout, params
from attune.lib.text import LimitedForm
from attune.programs.forms import DateInput
from attune.programs.models import Child, Organization, Program

EARLIEST = datetime(2000, 1, 1).date()


class AuditFilterForm(LimitedForm, forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Person (name, username or email)"), required=False, max_length=100
    )
    child = forms.ModelChoiceField(
        label=gettext_lazy("Child"), queryset=Child.objects.none(), required=False
    )
    action = forms.ChoiceField(
        label=gettext_lazy("What"),
        required=False,
        choices=[("", gettext_lazy("Everything")), *audit.ACTIONS.items()],
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["child"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = children

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        for name in ("since", "until"):
            value = data.get(name)
            if value is not None and not (EARLIEST <= value <= timezone.localdate()):
                self.add_error(name, _("Choose a date between 2000 and today."))
        if since and until and until < since:
            self.add_error("until", _("The end is before the start."))
        return data

    def filtered(self, entries: QuerySet[LogEntry]) -> QuerySet[LogEntry]:
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if data["person"]:
            word = data["person"].strip()
            entries = entries.filter(
                Q(actor__username__icontains=word)
                | Q(actor__first_name__icontains=word)
                | Q(actor__last_name__icontains=word)
                | Q(actor__email__icontains=word)
                | Q(actor__isnull=True, object_repr__icontains=word)  # a failed sign-in's name
            )
        if data["child"] is not None:
            entries = entries.filter(audit.entries_about_children([data["child"].pk]))
        if data["action"]:
            entries = entries.filter(audit.action_condition(data["action"]))
        tz = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(timestamp__gte=datetime.combine(data["since"], time.min, tz))
        if data["until"]:
            entries = entries.filter(timestamp__lte=datetime.combine(data["until"], time.max, tz))
        return entries


def _page(
    request: HttpRequest,
    *,
    scope: Program | Organization,
    program_ids: Collection[int],
    title: str,
    context: dict[str, Any],
) -> HttpResponse:
    children = Child.objects.filter(program_id__in=program_ids).order_by("last_name", "first_name")
    form = AuditFilterForm(request.GET or {}, children=children)
    entries = form.filtered(audit.entries_in(program_ids)).select_related("actor", "content_type")
    entries = entries.order_by("-timestamp", "-pk")
    if (
        params.choice(request.GET, "format", ("html", "csv"), default="html") == "csv"
        and form.is_valid()
    ):
        audit.log_export(request, scope, "audit.csv")
        return _csv(entries, slugify(str(scope)) or "audit")
    page = Paginator(entries, 50).get_page(params.page(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    csv_query = query.copy()
    csv_query["format"] = "csv"
    return render(
        request,
        "programs/audit.html",
        {
            **context,
            "title": title,
            "form": form,
            "page": page,
            "csv_query": csv_query.urlencode(),
        },
        status=200 if form.is_valid() else 400,
    )


def _csv(entries: QuerySet[LogEntry], stem: str) -> HttpResponse:
    def rows() -> Iterator[list[str]]:
        yield [
            _("When"),
            _("Who"),
            _("What"),
            _("Record"),
            _("Changes"),
            _("Address"),
            _("Browser"),
        ]
        for entry in entries.iterator(chunk_size=500):
            changes = "; ".join(
                f"{c.label}: {c.before} → {c.after}" for c in audit.describe_changes(entry)
            )
            data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
            yield [
                timezone.localtime(entry.timestamp).isoformat(timespec="seconds"),
                str(entry.actor) if entry.actor else "",
                audit.action_label(entry),
                f"{entry.content_type.name}: {entry.object_repr}",
                changes,
                entry.remote_addr or "",
                data.get("user_agent", ""),
            ]

    return csvout.response(rows(), f"{stem}-audit.csv")


@login_required
@require_GET
def program_audit(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(access.viewer_for(request.user), program_id, "program.audit")
    program: Program = granted.obj
    return _page(
        request,
        scope=program,
        program_ids=[program.pk],
        title=_("Audit trail of %(program)s") % {"program": program},
        context={"program": program},
    )


@login_required
@require_GET
def organization_audit(request: HttpRequest, organization_id: int) -> HttpResponse:
    granted = access.require_organization(
        access.viewer_for(request.user), organization_id, "organization.view"
    )
    organization: Organization = granted.obj
    ids = list(organization.programs.values_list("pk", flat=True))
    return _page(
        request,
        scope=organization,
        program_ids=ids,
        title=_("Audit trail of %(organization)s") % {"organization": organization},
        context={"organization": organization},
    )
