"""Workforce pages: a person's own profile and endorsement readiness, their portfolio (PDF and
JSON), the program's staff dashboard and the state's aggregates."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.lib import access, uploads
from attune.lib.pdf import line, new_pdf
from attune.lib.views import acting_user, show_refusal
from attune.programs.models import Jurisdiction
from attune.workforce import engine, forms, services
from attune.workforce.models import (
    AREAS,
    LEVELS,
    RIOS,
    Application,
    ApplicationDocument,
    Profile,
    ReflectiveGroup,
    RscSession,
    StateRequirement,
)
from attune.workforce.standing import standing
from planner.chart import line_chart

PORTFOLIO_SCHEMA = "https://attune.example/schemas/imh-portfolio-1.json"


def _profile(request: HttpRequest) -> Profile | None:
    return (
        Profile.objects.filter(user=request.user)  # type: ignore[misc]
        .select_related("jurisdiction", "program", "user")
        .first()
    )


def _page(request: HttpRequest, profile: Profile | None, **bound: BaseForm) -> HttpResponse:
    today = timezone.localdate()
    context: dict[str, Any] = {"profile": profile}
    if profile is None:
        context["profile_form"] = bound.get("profile_form") or forms.ProfileForm()
    else:
        facts = standing(profile, today)
        results = facts.results
        rsc = list(profile.rsc.select_related("facilitator__user"))
        by_area = services.hours_by_area(profile)
        window = forms.RscWindowForm(request.GET or None)
        window_hours = None
        if window.is_bound and window.is_valid():
            window_hours = engine.rsc_hours(
                [engine.Rsc(s.day, s.minutes) for s in rsc],
                start=window.cleaned_data["rsc_from"], end=window.cleaned_data["rsc_to"],
            )  # fmt: skip
        context.update(
            window=window,
            window_hours=window_hours,
            standing=facts,
            results=results,
            qualifies=facts.qualifies,
            education=profile.education.all(),
            experience=profile.experience.all(),
            training=profile.training.all(),
            by_area=by_area,
            gaps=[label for _k, label, hours in by_area if not hours],
            rsc=rsc,
            rsc_total=sum(s.minutes for s in rsc) / 60,
            rsc_year=sum(s.minutes for s in rsc if s.day > today - timedelta(days=365)) / 60,
            rios=dict(RIOS),
            profile_form=bound.get("profile_form")
            or forms.ProfileForm(instance=profile, initial={"version": profile.version}),
            education_form=bound.get("education_form") or forms.EducationForm(),
            experience_form=bound.get("experience_form") or forms.ExperienceForm(),
            training_form=bound.get("training_form") or forms.TrainingForm(),
            rsc_form=bound.get("rsc_form") or forms.RscForm(profile=profile),
        )
    status = 400 if bound else 200
    return render(request, "workforce/me.html", context, status=status)


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    return _page(request, _profile(request))


@login_required
@require_POST
def save_profile(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    form = forms.ProfileForm(request.POST, request.FILES, instance=profile)
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        if profile is not None and not request.FILES.get("endorsement_evidence"):
            data.pop("endorsement_evidence", None)  # kept as it was unless a new file comes
            if form.cleaned_data.get("endorsement_evidence") is False:  # "clear" ticked
                data["endorsement_evidence"] = ""
        try:
            services.save_profile(
                actor=acting_user(request), user=acting_user(request), data=data,
                version=form.cleaned_data["version"] if profile is not None else None,
            )  # fmt: skip
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("workforce_me")
    if profile is not None:
        profile.refresh_from_db()
    return _page(request, profile, profile_form=form)


def _add(request: HttpRequest, name: str, form: BaseForm, write: Any) -> HttpResponse:
    profile = _profile(request)
    if profile is None:
        messages.error(request, _("Start with your profile."))
        return redirect("workforce_me")
    if form.is_valid():
        try:
            write(profile, form)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("workforce_me")
    return _page(request, profile, **{name: form})


@login_required
@require_POST
def add_education(request: HttpRequest) -> HttpResponse:
    form = forms.EducationForm(request.POST)
    return _add(request, "education_form", form, lambda p, f: services.add_education(
        actor=acting_user(request), profile=p, data=f.cleaned_data))  # fmt: skip


@login_required
@require_POST
def add_experience(request: HttpRequest) -> HttpResponse:
    form = forms.ExperienceForm(request.POST)
    return _add(request, "experience_form", form, lambda p, f: services.add_experience(
        actor=acting_user(request), profile=p, data=f.cleaned_data))  # fmt: skip


@login_required
@require_POST
def add_training(request: HttpRequest) -> HttpResponse:
    form = forms.TrainingForm(request.POST)
    return _add(request, "training_form", form, lambda p, f: services.add_training(
        actor=acting_user(request), profile=p, data=f.cleaned_data))  # fmt: skip


@login_required
@require_POST
def import_training(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if profile is None:
        return redirect("workforce_me")
    added = services.import_attune_training(actor=acting_user(request), profile=profile)
    messages.success(request, _("%(n)d trainings from Attune were added.") % {"n": added})
    return redirect("workforce_me")


@login_required
@require_POST
def add_rsc(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if profile is None:
        return redirect("workforce_me")
    form = forms.RscForm(request.POST, profile=profile)
    return _add(request, "rsc_form", form, lambda p, f: services.log_rsc(
        actor=acting_user(request), profile=p,
        data={**{k: f.cleaned_data[k] for k in f.Meta.fields}, "notes": f.notes()},
    ))  # fmt: skip


# -- portfolio -------------------------------------------------------------------------------


def portfolio_data(profile: Profile) -> dict[str, Any]:
    """The portfolio as JSON (docs/workforce.md documents the schema)."""
    today = timezone.localdate()
    facts = standing(profile, today)
    results = facts.results
    return {
        "$schema": PORTFOLIO_SCHEMA,
        "generated": today.isoformat(),
        "standing": facts.lines,
        "person": {
            "licences": [x.strip() for x in profile.licences.splitlines() if x.strip()],
            "name": str(profile.user),
            "role": profile.role,
            "state": profile.jurisdiction.code,
            "endorsement": profile.endorsed_level or None,
            "endorsement_status": facts.status,
            "endorsement_number": profile.endorsement_number or None,
        },
        "education": [
            {
                "kind": e.kind,
                "field": e.field,
                "institution": e.institution,
                "completed": e.completed.isoformat(),
            }
            for e in profile.education.all()
        ],
        "experience": [
            {
                "role": w.role,
                "sector": w.sector,
                "focus": w.focus,
                "paid": w.paid,
                "supervised": w.supervised,
                "start": w.start.isoformat(),
                "end": w.end.isoformat() if w.end else None,
            }
            for w in profile.experience.all()
        ],
        "training": [
            {
                "title": t.title,
                "date": t.day.isoformat(),
                "hours": str(t.hours),
                "areas": t.areas,
            }
            for t in profile.training.all()
        ],
        "hours_by_area": {k: str(h) for k, _label, h in services.hours_by_area(profile)},
        "rsc": [
            {
                "date": s.day.isoformat(),
                "minutes": s.minutes,
                "format": s.format,
                "facilitator": str(s.facilitator),
            }
            for s in profile.rsc.select_related("facilitator__user")
        ],
        "readiness": [
            {
                "level": r.key,
                "ready": r.ready,
                "exam_step": r.exam,
                "met": [{"requirement": m.text, "evidence": m.evidence} for m in r.met],
                "missing": [
                    {
                        "requirement": m.text,
                        "so_far": m.evidence,
                        "earliest": m.earliest.isoformat() if m.earliest else None,
                    }
                    for m in r.missing
                ],
            }
            for r in results
        ],
    }


@login_required
@require_GET
def portfolio_json(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if profile is None:
        return redirect("workforce_me")
    body = json.dumps(portfolio_data(profile), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="portfolio.json"'
    return response


@login_required
@require_GET
def portfolio_pdf(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if profile is None:
        return redirect("workforce_me")
    return portfolio_pdf_response(profile)


def portfolio_pdf_response(profile: Profile) -> HttpResponse:
    """The portfolio for reviewers: its 'Endorsement and readiness' section prints the
    standing's lines as the person's page and the coordinator's page show them."""
    data = portfolio_data(profile)
    pdf = new_pdf(title=f"Portfolio - {profile.user}")
    line(pdf, "Infant Mental Health Endorsement Portfolio", size=18, height=10)
    line(pdf, f"{profile.user} · {profile.get_role_display()} · {profile.jurisdiction.name}")
    line(pdf, f"Prepared {data['generated']}", size=10)
    if data["person"]["licences"]:
        line(pdf, "Licences: " + "; ".join(data["person"]["licences"]), size=10)
    sections = [
        ("Education", [f"{e['completed']}  {e['kind']}  {e['field']}  {e['institution']}"
                       for e in data["education"]]),
        ("Work experience", [f"{w['start']} – {w['end'] or 'now'}  {w['role']} ({w['focus']}; "
                             f"{'paid' if w['paid'] else 'unpaid'}"
                             f"{', supervised' if w['supervised'] else ''})"
                             for w in data["experience"]]),
        ("Training by competency area", [f"{dict(AREAS)[k]}: {h} hours"
                                         for k, h in data["hours_by_area"].items()]),
        ("Reflective supervision/consultation", [
            f"{s['date']}  {s['minutes']} min  {s['format']}  with {s['facilitator']}"
            for s in data["rsc"]]),
        (_("Endorsement and readiness"), data["standing"]),
    ]  # fmt: skip
    for title, rows in sections:
        pdf.ln(3)
        line(pdf, title, size=14, height=9)
        for row in rows or ["—"]:
            line(pdf, row, size=10, height=6)
    response = HttpResponse(bytes(pdf.output()), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="portfolio.pdf"'
    return response


# -- dashboards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRow:
    profile: Profile
    ready: engine.LevelResult | None
    rsc_hours: float
    rsc_recent: bool


@login_required
@require_GET
def program_dashboard(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(access.viewer_for(request.user), program_id,
                                     "program.workforce")  # fmt: skip
    program = granted.obj
    today = timezone.localdate()
    since = today - timedelta(days=90)
    rows: list[StaffRow] = []
    for profile in Profile.objects.filter(program=program).select_related("user"):
        results = services.readiness(profile, today)
        rsc = list(profile.rsc.all())
        rows.append(
            StaffRow(
                profile=profile,
                ready=next((r for r in reversed(results) if r.ready), None),
                rsc_hours=sum(s.minutes for s in rsc) / 60,
                rsc_recent=any(s.day >= since for s in rsc),
            )
        )
    held = Counter(r.profile.endorsed_level or "" for r in rows)
    context = {
        "program": program,
        "rows": rows,
        "held": [(label, held.get(key, 0)) for key, label in LEVELS],
        "not_endorsed": held.get("", 0),
        "covered": sum(1 for r in rows if r.rsc_recent),
        "rsc_hours": sum(r.rsc_hours for r in rows),
    }
    return render(request, "workforce/program.html", context)


def _endorsements_chart(
    profiles: list[Profile], years: list[int], choices: Any, key_of: Any, title: str
) -> SafeString | None:
    """People endorsed by the end of each year (cumulative), one line per choice with any."""
    series: dict[str, list[tuple[str, float | None]]] = {}
    for key, label in choices:
        counts: list[tuple[str, float | None]] = [
            (
                str(y),
                float(
                    sum(
                        1
                        for p in profiles
                        if p.endorsed_level
                        and key_of(p) == key
                        and p.endorsed_on
                        and p.endorsed_on.year <= y
                    )
                ),
            )
            for y in years
        ]
        if any(value for _y, value in counts):
            series[str(label)] = counts
    if not series:
        return None
    return mark_safe(  # noqa: S308 - planner.chart escapes every text it writes
        line_chart(
            series,
            title=title,
            y_label=_("People endorsed (cumulative)"),
            x_label=_("Year"),
            decimals=0,
            width=720,
            height=320,
        )
    )


@login_required
@require_GET
def state_dashboard(request: HttpRequest) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    if not viewer.state_jurisdiction_ids:
        return render(request, "programs/no_role.html", status=403)
    profiles = list(
        Profile.objects.filter(jurisdiction_id__in=viewer.state_jurisdiction_ids).select_related(
            "user"
        )
    )
    levels = dict(LEVELS)
    declared = [p for p in profiles if p.endorsed_level and p.endorsement_status != "verified"]
    # the state's figures count verified endorsements only
    profiles = [p for p in profiles if not p.endorsed_level or p.endorsement_status == "verified"]
    by_level_role: Counter[tuple[str, str]] = Counter(
        (p.endorsed_level, p.get_role_display()) for p in profiles if p.endorsed_level
    )
    years = sorted({p.endorsed_on.year for p in profiles if p.endorsed_on})
    chart = _endorsements_chart(
        profiles, years, LEVELS, lambda p: p.endorsed_level, _("Endorsements over time, by level")
    )
    sector_chart = _endorsements_chart(
        profiles, years, Profile.Role.choices, lambda p: p.role,
        _("Endorsements over time, by sector"),
    )  # fmt: skip
    context = {
        "sector_chart": sector_chart,
        "awaiting": len(declared),
        "total": len(profiles) + len(declared),
        "by_level": [(levels[k], role, n) for (k, role), n in sorted(by_level_role.items())],
        "consenting": [p for p in profiles if p.share_with_state and p.endorsed_level],
        "rsc_hours": sum(
            (Decimal(s.minutes) / 60 for s in RscSession.objects.filter(profile__in=profiles)),
            Decimal("0"),
        ),
        "chart": chart,
    }
    return render(request, "workforce/state.html", context)


# -- applications ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def applications(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if profile is None:
        messages.error(request, _("Start with your profile."))
        return redirect("workforce_me")
    form = forms.StartApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.start_application(
                actor=acting_user(request), profile=profile, level=form.cleaned_data["level"]
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("workforce_application", application_id=application.pk)
    return render(
        request, "workforce/applications.html",
        {"form": form, "applications": profile.applications.all(), "profile": profile},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    profile = _profile(request)
    found = Application.objects.filter(pk=application_id, profile=profile).first()
    if profile is None or found is None:
        raise Http404
    document_form = forms.DocumentForm()
    step_form = forms.StepForm()
    status = 200
    if request.method == "POST":
        if "file" in request.FILES or "title" in request.POST:
            document_form = forms.DocumentForm(request.POST, request.FILES)
            if document_form.is_valid():
                services.add_document(
                    actor=acting_user(request), application=found,
                    data=document_form.cleaned_data,
                )  # fmt: skip
                messages.success(request, _("The document is kept with the application."))
                return redirect("workforce_application", application_id=found.pk)
        else:
            step_form = forms.StepForm(request.POST)
            if step_form.is_valid():
                try:
                    services.mark_step(
                        actor=acting_user(request), application=found,
                        step=step_form.cleaned_data["step"], day=step_form.cleaned_data["day"],
                    )  # fmt: skip
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, _("Saved."))
                return redirect("workforce_application", application_id=found.pk)
        status = 400
    steps = [
        (key, label, found.steps.get(key), [d for d in found.documents.all() if d.step == key])
        for key, label in Application.STEPS
        if not (key == "exam" and found.level in ("I", "II"))
    ]
    return render(
        request, "workforce/application.html",
        {"application": found, "steps": steps, "document_form": document_form,
         "step_form": step_form},
        status=status,
    )  # fmt: skip


@login_required
@require_GET
def application_document(request: HttpRequest, document_id: int) -> HttpResponseBase:
    profile = _profile(request)
    document = ApplicationDocument.objects.filter(
        pk=document_id, application__profile=profile
    ).first()
    if profile is None or document is None:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name or uploads.display_name(document.file.name),
    )


# -- the state's own requirements ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def state_requirements(request: HttpRequest) -> HttpResponse:
    """The state association's items added to the levels (training hours, references,
    renewal hours), with their source and the date they take effect."""
    viewer = access.viewer_for(request.user)
    if not viewer.state_jurisdiction_ids:
        return render(request, "programs/no_role.html", status=403)
    state = Jurisdiction.objects.get(pk=min(viewer.state_jurisdiction_ids))
    form = forms.StateRequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_state_requirement(
            actor=acting_user(request), jurisdiction=state, data=form.cleaned_data
        )
        messages.success(request, _("The requirement is saved."))
        return redirect("workforce_state_requirements")
    return render(
        request, "workforce/state_requirements.html",
        {"state": state, "form": form,
         "items": StateRequirement.objects.filter(jurisdiction=state)},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


# -- reflective groups -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if profile is None:
        messages.error(request, _("Start with your profile."))
        return redirect("workforce_me")
    form = forms.GroupForm(request.POST or None, facilitator=profile)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(
                actor=acting_user(request), name=form.cleaned_data["name"], facilitator=profile,
                members=list(form.cleaned_data["members"]), starts=form.cleaned_data["starts"],
            )  # fmt: skip
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("workforce_group", group_id=group.pk)
    mine = ReflectiveGroup.objects.filter(facilitator=profile) | ReflectiveGroup.objects.filter(
        members=profile
    )
    return render(
        request, "workforce/groups.html",
        {"form": form, "groups": mine.distinct(),
         "can_lead": profile.may_facilitate_rsc(timezone.localdate())},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    profile = _profile(request)
    found = ReflectiveGroup.objects.filter(pk=group_id).select_related("facilitator__user").first()
    if (
        profile is None
        or found is None
        or (found.facilitator_id != profile.pk and not found.members.filter(pk=profile.pk).exists())
    ):
        raise Http404
    leads = found.facilitator_id == profile.pk
    form = forms.MeetingForm(request.POST or None, group=found)
    if request.method == "POST":
        if not leads:
            return render(request, "programs/no_role.html", status=403)
        if form.is_valid():
            try:
                services.log_group_meeting(
                    actor=acting_user(request), group=found, day=form.cleaned_data["day"],
                    minutes=form.cleaned_data["minutes"],
                    present=list(form.cleaned_data["present"]),
                )  # fmt: skip
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("The meeting is logged for each member present."))
                return redirect("workforce_group", group_id=found.pk)
    meetings: dict[Any, list[str]] = {}
    for s in found.sessions.select_related("profile__user").order_by("day"):
        meetings.setdefault(s.day, []).append(str(s.profile))
    return render(
        request, "workforce/group.html",
        {"group": found, "form": form if leads else None, "leads": leads,
         "members": found.members.select_related("user"), "meetings": sorted(meetings.items())},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_GET
def facilitating(request: HttpRequest) -> HttpResponse:
    """The RS/C sessions the person facilitated, with the notes the supervisees wrote (private
    to each supervisee and their facilitator)."""
    profile = _profile(request)
    if profile is None:
        messages.error(request, _("Start with your profile."))
        return redirect("workforce_me")
    sessions = RscSession.objects.filter(facilitator=profile).select_related("profile__user")
    return render(
        request, "workforce/facilitating.html",
        {"sessions": sessions, "rios": dict(RIOS),
         "hours": sum(s.minutes for s in sessions) / 60},
    )  # fmt: skip
