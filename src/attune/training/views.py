"""Training for Trainers pages. Thin: access decides (per state and per person), forms type the
input, services write, reports read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.models import User
from attune.jobs import services as jobs
from attune.lib import access, params, uploads
from attune.lib.views import acting_user, show_refusal
from attune.programs.models import Jurisdiction
from attune.training import forms, registries, reports, services, tasks
from attune.training.models import (
    LEVELS,
    PRACTICES,
    PRINCIPLES,
    Certificate,
    Commitment,
    CoreKnowledgeMapping,
    Delivery,
    DeliveryAttendee,
    DeliverySession,
    Enrollment,
    EventSession,
    FidelityScore,
    Person,
    RegistryExport,
    SessionMaterial,
    SupportActivity,
    TftEvent,
    TftRequest,
    TrainingSession,
)
from planner.chart import line_chart

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


def _viewer(request: HttpRequest) -> access.Viewer:
    return access.viewer_for(request.user)


def _states(viewer: access.Viewer) -> QuerySet[Jurisdiction]:
    ids = viewer.state_jurisdiction_ids | viewer.tta_jurisdiction_ids
    return Jurisdiction.objects.filter(pk__in=ids).order_by("name")


def _tz(jurisdiction: Jurisdiction) -> ZoneInfo:
    """Events are entered in the state's programs' time zone (the server's when it has none)."""
    from zoneinfo import ZoneInfo

    name = jurisdiction.programs.values_list("timezone", flat=True).first()
    return ZoneInfo(name) if name else timezone.get_current_timezone()


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    states = _states(viewer)
    person = Person.objects.filter(pk=viewer.person_id).first() if viewer.person_id else None
    if not states and person is None:
        return render(request, "programs/no_role.html", status=403)
    state_ids = [s.pk for s in states]
    today = timezone.localdate()
    commitments = (
        Commitment.objects.filter(enrollment__event__jurisdiction_id__in=state_ids)
        .select_related("enrollment__person", "enrollment__event")
        .prefetch_related("deliveries")
    )
    context: dict[str, Any] = {
        "states": states,
        "can_request": bool(viewer.state_jurisdiction_ids),
        "can_schedule": bool(viewer.tta_jurisdiction_ids),
        "requests": TftRequest.objects.filter(jurisdiction_id__in=state_ids).select_related(
            "jurisdiction"
        ),
        "events": TftEvent.objects.filter(jurisdiction_id__in=state_ids)
        .select_related("jurisdiction")
        .prefetch_related("sessions"),
        "commitments": [(c, services.commitment_status(c, today)) for c in commitments],
        "person": person,
        "today": today,
    }
    if person is not None:
        context["my_enrollments"] = (
            Enrollment.objects.filter(person=person)
            .select_related("event")
            .prefetch_related(Prefetch("commitment"))
        )
        context["my_deliveries"] = Delivery.objects.filter(trainer=person)
        context["my_certificates"] = Certificate.objects.filter(person=person)
    return render(request, "training/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not viewer.state_jurisdiction_ids:
        return render(request, "programs/no_role.html", status=403)
    jurisdictions = Jurisdiction.objects.filter(pk__in=viewer.state_jurisdiction_ids)
    form = forms.RequestForm(request.POST or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        services.request_tft(
            actor=acting_user(request), jurisdiction=form.cleaned_data["jurisdiction"], data=data
        )
        messages.success(request, _("Your request was sent to the Infant/Toddler Specialist."))
        return redirect("training_home")
    return render(
        request,
        "training/request_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, request_id: int) -> HttpResponse:
    tft_request = get_object_or_404(
        TftRequest.objects.select_related("jurisdiction"), pk=request_id
    )
    access.require_training(_viewer(request), tft_request.jurisdiction_id, "tft.schedule")
    jurisdiction = tft_request.jurisdiction
    initial = {
        "title": _("Relationship-Based Care TFT — %(state)s") % {"state": jurisdiction.name},
        "format": tft_request.preferred_format or TftEvent.Format.HYBRID,
        "capacity": max(tft_request.expected_participants, 1),
    }
    facilitators = User.objects.filter(
        memberships__role="specialist", memberships__jurisdiction=jurisdiction,
        memberships__program__isnull=True,
    ).order_by("last_name", "first_name", "username")  # fmt: skip
    form = forms.ScheduleForm(
        request.POST or None, initial=initial, tz=_tz(jurisdiction), facilitators=facilitators
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            event = services.schedule_event(
                actor=acting_user(request),
                jurisdiction=jurisdiction,
                data=data,
                sessions=form.cleaned_data["planned"],
                request=tft_request,
                facilitator=form.cleaned_data.get("facilitator"),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The event is scheduled."))
            return redirect("training_event", event_id=event.pk)
    return render(
        request,
        "training/schedule_form.html",
        {"form": form, "tft_request": tft_request},
        status=400 if request.method == "POST" else 200,
    )


def _event(request: HttpRequest, event_id: int, action: str) -> tuple[TftEvent, frozenset[Any]]:
    event = get_object_or_404(TftEvent.objects.select_related("jurisdiction"), pk=event_id)
    people = frozenset(event.enrollments.values_list("person_id", flat=True))
    rels = access.require_training(_viewer(request), event.jurisdiction_id, action, people)
    return event, rels


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event, rels = _event(request, event_id, "tft.view")
    return _event_page(request, event, rels, forms.EnrollForm())


def _event_page(
    request: HttpRequest, event: TftEvent, rels: frozenset[Any], enroll_form: BaseForm,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    sessions = list(event.sessions.select_related("session"))
    enrollments = list(event.enrollments.select_related("person"))
    attended = set(
        EventSession.objects.filter(event=event).values_list("pk", "attendance__enrollment_id")
    )
    viewer = _viewer(request)
    grid = [
        (e, [(s, (s.pk, e.pk) in attended) for s in sessions])
        for e in enrollments
        if access.allows("tft.schedule", rels) or e.person_id == viewer.person_id
        or access.allows("training.state", rels)
    ]  # fmt: skip
    mine = next((e for e in enrollments if e.person_id == viewer.person_id), None)
    to_evaluate: list[tuple[EventSession, bool]] = []
    if mine is not None:
        now = timezone.now()
        attended_ids = set(mine.attendance.values_list("event_session_id", flat=True))
        done = set(mine.evaluations.values_list("event_session_id", flat=True))
        to_evaluate = [
            (s, s.pk in done) for s in sessions if s.pk in attended_ids and s.starts_at <= now
        ]
    context = {
        "event": event,
        "sessions": sessions,
        "to_evaluate": to_evaluate,
        "can_see_evaluations": access.allows("tft.evaluations", rels),
        "grid": grid,
        "can_schedule": access.allows("tft.schedule", rels),
        "enroll_form": enroll_form,
        "due": event.commitment_due(),
        "viewer_person_id": viewer.person_id,
    }
    return render(request, "training/event_detail.html", context, status=status)


@login_required
@require_POST
def enroll(request: HttpRequest, event_id: int) -> HttpResponse:
    event, rels = _event(request, event_id, "tft.schedule")
    form = forms.EnrollForm(request.POST)
    if form.is_valid():
        try:
            person = services.find_or_add_person(
                actor=acting_user(request), jurisdiction=event.jurisdiction, data=form.cleaned_data
            )
            if person.user_id is None and person.email:
                user = User.objects.filter(email__iexact=person.email).first()
                if user is not None and not Person.objects.filter(user=user).exists():
                    services.link_person_user(actor=acting_user(request), person=person, user=user)
            services.enroll(actor=acting_user(request), event=event, person=person)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%(person)s is enrolled.") % {"person": person})
            return redirect("training_event", event_id=event.pk)
    return _event_page(request, event, rels, form, status=400)


@login_required
@require_POST
def attendance(request: HttpRequest, event_id: int) -> HttpResponse:
    event, _rels = _event(request, event_id, "tft.schedule")
    try:
        with transaction.atomic():  # every session's attendance, or none
            for es in event.sessions.all():
                ids = params.id_list(request.POST, f"s{es.pk}")
                people = list(Person.objects.filter(pk__in=ids))
                services.record_attendance(
                    actor=acting_user(request), event_session=es, people=people
                )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Attendance saved."))
    return redirect("training_event", event_id=event.pk)


@login_required
@require_http_methods(["GET", "POST"])
def commitment(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("event__jurisdiction", "person"), pk=enrollment_id
    )
    access.require_training(
        _viewer(request), enrollment.event.jurisdiction_id, "tft.commit",
        frozenset({enrollment.person_id}),
    )  # fmt: skip
    existing = Commitment.objects.filter(enrollment=enrollment).first()
    initial = {"due": enrollment.event.commitment_due(),
               "version": existing.version if existing else 0}  # fmt: skip
    form = forms.CommitmentForm(request.POST or None, instance=existing, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_commitment(
                actor=acting_user(request), enrollment=enrollment, plan=form.cleaned_data["plan"],
                audience=form.cleaned_data["audience"], due=form.cleaned_data["due"],
                version=form.cleaned_data["version"] if existing else None,
            )  # fmt: skip
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Your commitment is recorded."))
            return redirect("training_home")
    return render(
        request,
        "training/commitment_form.html",
        {"form": form, "enrollment": enrollment},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delivery_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if viewer.person_id is None:
        return render(request, "programs/no_role.html", status=403)
    trainer = Person.objects.select_related("jurisdiction").get(pk=viewer.person_id)
    commitments = Commitment.objects.filter(enrollment__person=trainer)
    form = forms.DeliveryForm(request.POST or None, commitments=commitments)
    if request.method == "POST" and form.is_valid():
        try:
            delivery = services.record_delivery(
                actor=acting_user(request),
                trainer=trainer,
                data={k: form.cleaned_data[k] for k in form.Meta.fields},
                sessions=form.cleaned_data["delivered"],
                attendees=form.cleaned_data["attendees_text"],
                commitment=form.cleaned_data.get("commitment"),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The delivery is recorded."))
            return redirect("training_delivery", delivery_id=delivery.pk)
    return render(
        request,
        "training/delivery_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _delivery(request: HttpRequest, delivery_id: int) -> Delivery:
    delivery = get_object_or_404(
        Delivery.objects.select_related("trainer__jurisdiction"), pk=delivery_id
    )
    access.require_training(
        _viewer(request), delivery.trainer.jurisdiction_id, "delivery.view",
        frozenset({delivery.trainer_id}),
    )  # fmt: skip
    return delivery


@login_required
@require_GET
def delivery_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = _delivery(request, delivery_id)
    attendees = delivery.attendees.select_related("person").prefetch_related("sessions")
    rows = [(a, sum(s.hours for s in a.sessions.all())) for a in attendees]
    return render(
        request,
        "training/delivery_detail.html",
        {
            "delivery": delivery,
            "sessions": delivery.sessions.select_related("session"),
            "rows": rows,
        },
    )


@login_required
@require_POST
def delivery_certificates(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """Every attendee's certificate as a ZIP of PDFs, made by a job on the queue."""
    delivery = _delivery(request, delivery_id)
    job = jobs.start(
        actor=acting_user(request),
        kind="certificates",
        title=_("Certificates for %(delivery)s") % {"delivery": delivery.title},
        task=tasks.delivery_certificates,
        jurisdiction=delivery.trainer.jurisdiction,
        # the site's address as the person reached it, for the certificates' verification links
        parameters={"delivery": delivery.pk, "base_url": request.build_absolute_uri("/")},
    )
    return redirect("job_detail", job_id=job.pk)


@login_required
@require_GET
def certificate(request: HttpRequest, delivery_id: int, attendee_id: int) -> HttpResponse:
    """One person's certificate, at once (one page; the whole delivery's go through a job)."""
    delivery = _delivery(request, delivery_id)
    attendee = get_object_or_404(
        DeliveryAttendee.objects.select_related("person"), pk=attendee_id, delivery=delivery
    )
    issued = services.issue_delivery_certificate(actor=acting_user(request), attendee=attendee)
    if issued is None:
        raise Http404
    return _certificate_response(request, issued)


def _certificate_response(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    url = request.build_absolute_uri(reverse("certificate_verify", args=[certificate.token]))
    response = HttpResponse(
        reports.certificate_pdf(certificate, url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


@login_required
@require_GET
def my_certificate(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """A certificate's PDF: for its holder, the trainer of the delivery it is for, and the
    state's lead and specialist."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("person", "attendee__delivery"), pk=certificate_id
    )
    people = {certificate.person_id}
    if certificate.attendee is not None:
        people.add(certificate.attendee.delivery.trainer_id)
    access.require_training(
        _viewer(request), certificate.person.jurisdiction_id, "certificate.view",
        frozenset(people),
    )  # fmt: skip
    return _certificate_response(request, certificate)


@require_GET
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone (no sign-in) confirms a certificate by its verification code: the page states
    what the certificate states, nothing else. An unknown code is refused with a clear message
    (404)."""
    found = Certificate.objects.filter(token=token).first() if len(token) <= 64 else None
    if found is None:
        response = render(request, "training/certificate_unknown.html", status=404)
    else:
        response = render(request, "training/certificate_verify.html", {"certificate": found})
    response["X-Robots-Tag"] = "noindex"
    return response


def _state_for(request: HttpRequest, value: int | None) -> Jurisdiction:
    viewer = _viewer(request)
    states = _states(viewer)
    state = states.filter(pk=value).first() if value else states.first()
    if state is None:
        access.require_training(viewer, 0, "training.state")  # 404 / 403
        raise Http404
    access.require_training(viewer, state.pk, "training.state")
    return state


def _registry_page(
    request: HttpRequest, form: forms.RegistryFilterForm, states: QuerySet[Jurisdiction],
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    preview = None
    if form.is_bound and form.is_valid():
        state = _state_for(request, form.cleaned_data["state"].pk)
        preview = services.registry_preview(
            jurisdiction=state, layout=form.cleaned_data["layout"],
            start=form.cleaned_data["start"], end=form.cleaned_data["end"],
        )  # fmt: skip
    elif form.is_bound:
        status = 400
    rows: list[list[str]] = []
    if preview is not None:
        rows = [
            [preview.layout.value(r.values, c.field) for c in preview.layout.columns]
            for r in preview.new[:200]
        ]
    context = {
        "form": form,
        "preview": preview,
        "rows": rows,
        "exports": RegistryExport.objects.filter(jurisdiction__in=states).select_related(
            "jurisdiction", "by"
        )[:50],
        "layouts": {x.key: x.name for x in registries.layouts()},
    }
    return render(request, "training/registry.html", context, status=status)


@login_required
@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    """The registry export: what the next file would send (new rows), who is left out for
    want of a registry ID, and the files sent before."""
    viewer = _viewer(request)
    states = _states(viewer)
    first = states.first()
    if first is None:
        return render(request, "programs/no_role.html", status=403)
    data = request.GET or {"state": first.pk, "layout": registries.for_state(first.code).key}
    form = forms.RegistryFilterForm(data, jurisdictions=states)
    return _registry_page(request, form, states)


@login_required
@require_POST
def registry_export(request: HttpRequest) -> HttpResponse:
    """Send the new rows as one file (kept): a job on the queue writes it, and its page links
    to the file when it is ready (the registry page lists it too)."""
    viewer = _viewer(request)
    states = _states(viewer)
    if not states.exists():
        return render(request, "programs/no_role.html", status=403)
    form = forms.RegistryFilterForm(request.POST, jurisdictions=states)
    if not form.is_valid():
        return _registry_page(request, form, states, status=400)
    state = _state_for(request, form.cleaned_data["state"].pk)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    job = jobs.start(
        actor=acting_user(request),
        kind="registry",
        title=_("Registry export for %(state)s") % {"state": state.name},
        task=tasks.registry_export,
        jurisdiction=state,
        parameters={
            "state": state.pk,
            "layout": form.cleaned_data["layout"],
            "start": start.isoformat() if start else "",
            "end": end.isoformat() if end else "",
        },
    )
    return redirect("job_detail", job_id=job.pk)


@login_required
@require_GET
def registry_batch(request: HttpRequest, export_id: int) -> HttpResponse:
    """A past export's file, exactly as it was sent."""
    export = get_object_or_404(RegistryExport.objects.select_related("jurisdiction"), pk=export_id)
    access.require_training(_viewer(request), export.jurisdiction_id, "training.state")
    response = HttpResponse(export.content, content_type="text/csv; charset=utf-8")
    name = f"registry-{export.jurisdiction.code}-{export.layout}-{export.created_at:%Y-%m-%d}-{export.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def reach(request: HttpRequest) -> HttpResponse:
    if not _states(_viewer(request)).exists():
        return render(request, "programs/no_role.html", status=403)
    state = _state_for(request, params.pk(request.GET, "state"))
    points = reports.reach(state.pk, timezone.localdate())
    chart: SafeString | None = None
    if points:
        series: dict[str, list[tuple[str, float | None]]] = {
            _("Trainers trained"): [(p.quarter, float(p.trainers)) for p in points],
            _("Community deliveries"): [(p.quarter, float(p.deliveries)) for p in points],
            _("Caregivers reached"): [(p.quarter, float(p.caregivers)) for p in points],
            _("Programs reached"): [(p.quarter, float(p.programs)) for p in points],
        }
        svg = line_chart(
            series, title=_("Reach of the Training for Trainers in %(state)s")
            % {"state": state.name}, y_label=_("People, deliveries, programs (cumulative)"),
            x_label=_("Quarter"), decimals=0, width=720, height=340,
        )  # fmt: skip
        chart = mark_safe(svg)  # noqa: S308 - planner.chart escapes every text it writes
    return render(
        request,
        "training/reach.html",
        {"state": state, "points": points, "chart": chart, "states": _states(_viewer(request))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def registry_import(request: HttpRequest) -> HttpResponse:
    """Match a registry's person list to the state's training records (registry IDs)."""
    viewer = _viewer(request)
    states = _states(viewer)
    if not states.exists():
        return render(request, "programs/no_role.html", status=403)
    form = forms.RegistryImportForm(
        request.POST or None, request.FILES or None, jurisdictions=states,
        initial={"state": states.first()},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        state = _state_for(request, form.cleaned_data["state"].pk)
        try:
            changed = services.import_registry_ids(
                actor=acting_user(request), jurisdiction=state, rows=form.cleaned_data["file"]
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(n)d people got their registry ID; every row matched.") % {"n": changed},
            )
            return redirect("training_registry")
    return render(
        request,
        "training/registry_import.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def core_knowledge(request: HttpRequest) -> HttpResponse:
    """The state's core-knowledge areas per session (the registry export's column)."""
    if not _states(_viewer(request)).exists():
        return render(request, "programs/no_role.html", status=403)
    state = _state_for(request, params.pk(request.POST, "state") or params.pk(request.GET, "state"))
    current = {
        m.session_id: m.areas for m in CoreKnowledgeMapping.objects.filter(jurisdiction=state)
    }
    form = forms.MappingForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.save_core_knowledge(
            actor=acting_user(request),
            jurisdiction=state,
            areas={s: form.cleaned_data[f"s{s.number}"] for s in form.series},
        )
        messages.success(request, _("The core-knowledge areas are saved."))
        return redirect(reverse("training_core_knowledge") + f"?state={state.pk}")
    return render(
        request,
        "training/core_knowledge.html",
        {"form": form, "state": state, "states": _states(_viewer(request))},
        status=400 if request.method == "POST" else 200,
    )


# -- the series: materials and fidelity checklists -------------------------------------------


def _any_training_role(viewer: access.Viewer) -> bool:
    return bool(viewer.state_jurisdiction_ids or viewer.tta_jurisdiction_ids or viewer.person_id)


@login_required
@require_GET
def series(request: HttpRequest) -> HttpResponse:
    if not _any_training_role(_viewer(request)):
        return render(request, "programs/no_role.html", status=403)
    sessions = TrainingSession.objects.prefetch_related("materials")
    return render(request, "training/series.html", {"sessions": sessions})


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, number: int) -> HttpResponse:
    viewer = _viewer(request)
    if not _any_training_role(viewer):
        return render(request, "programs/no_role.html", status=403)
    session = get_object_or_404(TrainingSession, number=number)
    can_edit = bool(viewer.tta_jurisdiction_ids)
    material_form = forms.MaterialForm()
    checklist_form = forms.ChecklistForm(
        initial={"items": "\n".join(i.text for i in session.fidelity.filter(retired=False))}
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            return render(request, "programs/no_role.html", status=403)
        if "items" in request.POST:
            checklist_form = forms.ChecklistForm(request.POST)
            if checklist_form.is_valid():
                try:
                    services.set_fidelity_items(
                        actor=acting_user(request), session=session,
                        lines=checklist_form.cleaned_data["items"].splitlines(),
                    )  # fmt: skip
                except ValidationError as error:
                    show_refusal(checklist_form, error)
                else:
                    messages.success(request, _("The fidelity checklist is saved."))
                    return redirect("training_session", number=number)
        else:
            material_form = forms.MaterialForm(request.POST, request.FILES)
            if material_form.is_valid():
                data = {k: material_form.cleaned_data[k] for k in ("kind", "title", "link")}
                data["file"] = material_form.cleaned_data.get("file") or ""
                try:
                    services.add_material(actor=acting_user(request), session=session, data=data)
                except ValidationError as error:
                    show_refusal(material_form, error)
                else:
                    messages.success(request, _("The material is added."))
                    return redirect("training_session", number=number)
        status = 400
    context = {
        "session": session,
        "materials": session.materials.select_related("added_by"),
        "items": session.fidelity.filter(retired=False),
        "can_edit": can_edit,
        "material_form": material_form,
        "checklist_form": checklist_form,
    }
    return render(request, "training/session_detail.html", context, status=status)


@login_required
@require_GET
def material_file(request: HttpRequest, material_id: int) -> HttpResponseBase:
    if not _any_training_role(_viewer(request)):
        return render(request, "programs/no_role.html", status=403)
    material = get_object_or_404(SessionMaterial, pk=material_id)
    if not material.file:
        raise Http404
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.original_name or uploads.display_name(material.file.name),
    )


# -- implementation support and reflections -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def support(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    states = _states(viewer)
    if not states.exists() and viewer.person_id is None:
        return render(request, "programs/no_role.html", status=403)
    tta_states = Jurisdiction.objects.filter(pk__in=viewer.tta_jurisdiction_ids)
    form = forms.SupportForm(request.POST or None, jurisdictions=tta_states)
    if request.method == "POST":
        if not tta_states.exists():
            return render(request, "programs/no_role.html", status=403)
        if form.is_valid():
            state = form.cleaned_data["state"]
            access.require_training(viewer, state.pk, "tft.schedule")
            try:
                services.log_support(
                    actor=acting_user(request), jurisdiction=state,
                    data={k: form.cleaned_data[k] for k in form.Meta.fields},
                    people=list(form.cleaned_data["people"]),
                )  # fmt: skip
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("The support activity is logged."))
                return redirect("training_support")
    activities = SupportActivity.objects.filter(jurisdiction__in=states)
    if viewer.person_id is not None:
        activities = activities | SupportActivity.objects.filter(people__pk=viewer.person_id)
    shown = list(activities.distinct().prefetch_related("people")[:200])
    context = {
        "form": form if tta_states.exists() else None,
        "activities": shown,
        "minutes": sum(a.minutes for a in activities.distinct()),
        # whose reflections the viewer may open: a link only for those
        "may_reflect": {
            p.pk
            for a in shown
            for p in a.people.all()
            if access.allows(
                "tft.reflect",
                access.training_relations(viewer, p.jurisdiction_id, frozenset({p.pk})),
            )
        },
    }
    return render(
        request, "training/support.html", context,
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def reflections(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("jurisdiction"), pk=person_id)
    access.require_training(
        _viewer(request), person.jurisdiction_id, "tft.reflect", frozenset({person.pk})
    )
    form = forms.ReflectionForm(request.POST or None, initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.record_reflection(
            actor=acting_user(request), person=person, day=form.cleaned_data["day"],
            shared_goals=form.cleaned_data["shared_goals"], principles=form.principles(),
        )  # fmt: skip
        messages.success(request, _("The reflection is recorded."))
        return redirect("training_reflections", person_id=person.pk)
    labels = dict(PRINCIPLES)
    records = [
        (r, [(labels[k], v) for k, v in r.principles.items() if k in labels])
        for r in person.reflections.select_related("by")
    ]
    return render(
        request, "training/reflections.html",
        {"person": person, "form": form, "records": records},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


# -- fidelity --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fidelity(request: HttpRequest, delivery_id: int, session_id: int) -> HttpResponse:
    delivery = _delivery(request, delivery_id)
    delivered = get_object_or_404(
        DeliverySession.objects.select_related("session"), pk=session_id, delivery=delivery
    )
    viewer = _viewer(request)
    rels = access.training_relations(
        viewer, delivery.trainer.jurisdiction_id, frozenset({delivery.trainer_id})
    )
    can_score = access.allows("delivery.fidelity", rels)
    items = list(delivered.session.fidelity.filter(retired=False))
    form = forms.FidelityForm(request.POST or None, items=items)
    if request.method == "POST":
        if not can_score:
            return render(request, "programs/no_role.html", status=403)
        if form.is_valid():
            try:
                services.score_fidelity(
                    actor=acting_user(request), delivery_session=delivered,
                    met_ids=[int(v) for v in form.cleaned_data["met"]],
                    adaptations_reviewed=form.cleaned_data["adaptations_reviewed"],
                    adaptations_keep_fidelity=form.cleaned_data["adaptations_keep_fidelity"],
                    note=form.cleaned_data["note"],
                    self_assessed=access.Rel.TRAINEE in rels and access.Rel.TTA not in rels,
                )  # fmt: skip
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("The fidelity score is saved."))
                return redirect("training_fidelity", delivery_id=delivery.pk,
                                session_id=delivered.pk)  # fmt: skip
    scores = delivered.fidelity_scores.select_related("by").prefetch_related("items", "met")
    return render(
        request, "training/fidelity.html",
        {"delivery": delivery, "delivered": delivered, "form": form, "items": items,
         "can_score": can_score, "scores": [(s, _percent(s)) for s in scores]},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def _percent(score: FidelityScore) -> int:
    total = score.items.count()
    return round(100 * score.met.count() / total) if total else 0


@login_required
@require_GET
def fidelity_overview(request: HttpRequest) -> HttpResponse:
    """Fidelity over time per trainer, in the viewer's states."""
    if not _states(_viewer(request)).exists():
        return render(request, "programs/no_role.html", status=403)
    state = _state_for(request, params.pk(request.GET, "state"))
    scores = (
        FidelityScore.objects.filter(delivery_session__delivery__trainer__jurisdiction=state)
        .select_related("delivery_session__delivery__trainer", "delivery_session__session")
        .prefetch_related("items", "met")
        .order_by("delivery_session__day", "pk")
    )
    by_trainer: dict[str, list[tuple[str, float | None]]] = {}
    rows = []
    for score in scores:
        ds = score.delivery_session
        percent = _percent(score)
        by_trainer.setdefault(str(ds.delivery.trainer), []).append(
            (ds.day.isoformat(), percent / 100)
        )
        rows.append((score, ds, percent))
    chart = None
    if rows:
        chart = mark_safe(  # noqa: S308 - planner.chart escapes every text it writes
            line_chart(
                by_trainer, title=_("Fidelity over time by trainer"),
                y_label=_("Checklist items seen"), percent=True, x_label=_("Date"),
                width=720, height=320,
            )
        )  # fmt: skip
    return render(
        request, "training/fidelity_overview.html",
        {"state": state, "rows": rows, "chart": chart},
    )  # fmt: skip


# -- program self-assessment -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program's self-assessment on the six practices over time, beside what Attune
    measures of its primary caregiving and continuity (aggregates only)."""
    from attune.plans import history
    from attune.programs.models import Child

    granted = access.require_program(_viewer(request), program_id, "program.self_assessment")
    program = granted.obj
    form = forms.SelfAssessmentForm(request.POST or None, initial={"day": program.today()})
    if request.method == "POST" and form.is_valid():
        services.record_self_assessment(
            actor=acting_user(request), program=program, day=form.cleaned_data["day"],
            levels=form.levels(), notes=form.cleaned_data["notes"],
        )  # fmt: skip
        messages.success(request, _("The self-assessment is saved."))
        return redirect("program_self_assessment", program_id=program.pk)
    assessments = list(program.self_assessments.order_by("day", "pk"))
    practices = dict(PRACTICES)
    level_names = dict(LEVELS)
    chart = None
    if assessments:
        series: dict[str, list[tuple[str, float | None]]] = {
            str(label): [(a.day.isoformat(), float(a.levels.get(key, 0))) for a in assessments]
            for key, label in PRACTICES
        }
        chart = mark_safe(  # noqa: S308 - planner.chart escapes every text it writes
            line_chart(
                series, title=_("Self-assessment over time"),
                y_label=_("Level (0 not yet – 3 fully in place)"), y_max=3, x_label=_("Date"),
                decimals=0, width=720, height=320,
            )
        )  # fmt: skip
    today = program.today()
    enrolled = Child.objects.filter(program=program).enrolled_on(today)
    total = enrolled.count()
    with_primary = enrolled.filter(primary_caregiver__isnull=False).count()
    measured = history.measures_for(program=program, months=12).overall
    latest = assessments[-1] if assessments else None
    context = {
        "program": program,
        "form": form,
        "chart": chart,
        "latest": [(practices[k], level_names.get(latest.levels.get(k, 0))) for k in practices]
        if latest
        else [],
        "latest_assessment": latest,
        "assessments": list(reversed(assessments)),
        "children": total,
        "with_primary": round(100 * with_primary / total) if total else None,
        "measured": measured,
    }
    return render(
        request, "training/self_assessment.html", context,
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


# -- evaluations -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, event_session_id: int) -> HttpResponse:
    """A participant's evaluation of a session they attended (made for a phone)."""
    event_session = get_object_or_404(
        EventSession.objects.select_related("event", "session"), pk=event_session_id
    )
    viewer = _viewer(request)
    enrollment = (
        Enrollment.objects.filter(event=event_session.event, person_id=viewer.person_id).first()
        if viewer.person_id
        else None
    )
    people = frozenset({enrollment.person_id}) if enrollment else frozenset()
    access.require_training(viewer, event_session.event.jurisdiction_id, "tft.evaluate", people)
    assert enrollment is not None
    done = enrollment.evaluations.filter(event_session=event_session).exists()
    form = forms.EvaluationForm(request.POST or None)
    if request.method == "POST":
        if done:
            messages.info(request, _("You already sent your evaluation of this session; it is "
                                     "kept as you sent it."))  # fmt: skip
            return redirect("training_event", event_id=event_session.event_id)
        if form.is_valid():
            try:
                services.submit_evaluation(
                    actor=acting_user(request), event_session=event_session,
                    enrollment=enrollment, answers=form.cleaned_data,
                )  # fmt: skip
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("Thank you: your evaluation is recorded."))
                return redirect("training_event", event_id=event_session.event_id)
    return render(
        request, "training/evaluate.html",
        {"event_session": event_session, "form": form, "done": done},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def _evaluation_questions() -> list[tuple[str, str]]:
    from attune.training.models import EVALUATION_QUESTIONS

    return [(k, str(label)) for k, label in EVALUATION_QUESTIONS]


@login_required
@require_GET
def evaluations(request: HttpRequest, event_id: int) -> HttpResponse:
    """An event's evaluation results per session and per facilitator (fewer than 5 responses:
    not shown)."""
    from attune.training.models import Evaluation

    event, _rels = _event(request, event_id, "tft.evaluations")
    answers = Evaluation.objects.filter(event_session__event=event)
    return render(
        request, "training/evaluations.html",
        {"event": event, "questions": _evaluation_questions(),
         "by_session": reports.evaluation_results(answers, by="session"),
         "by_facilitator": reports.evaluation_results(answers, by="facilitator"),
         "minimum": reports.MIN_RESPONSES},
    )  # fmt: skip


@login_required
@require_GET
def evaluations_overview(request: HttpRequest) -> HttpResponse:
    """The state's evaluation results per facilitator, across its events."""
    from attune.training.models import Evaluation

    if not _states(_viewer(request)).exists():
        return render(request, "programs/no_role.html", status=403)
    state = _state_for(request, params.pk(request.GET, "state"))
    answers = Evaluation.objects.filter(event_session__event__jurisdiction=state)
    return render(
        request, "training/evaluations.html",
        {"state": state, "questions": _evaluation_questions(),
         "by_facilitator": reports.evaluation_results(answers, by="facilitator"),
         "minimum": reports.MIN_RESPONSES},
    )  # fmt: skip
