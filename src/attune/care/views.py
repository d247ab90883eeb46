"""Daily-care pages. Thin: access decides, forms type the input, services decide and write.

The record page is made for a caregiver holding a baby: one tap logs the usual bottle, a
diaper, a nap; every button is a plain form (works without JavaScript), and with HTMX only the
child's card is swapped. The family's day page polls every few seconds.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db.models import Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.care import day as care_day
from attune.care import forms, services
from attune.care.models import CareEntry, CarePlan, Ifsp
from attune.lib import access, audit, params, text
from attune.lib.views import acting_user, attempt, refused_status, show_refusal
from attune.programs.models import Child, Program

BOTTLE_CHOICES = (60, 90, 120, 150, 180, 240)


def _viewer(request: HttpRequest) -> access.Viewer:
    return access.viewer_for(request.user)


def _back(request: HttpRequest, default: str) -> str:
    host = request.get_host()
    return (
        params.local_url(request.POST, "next", host=host)
        or params.local_url(request.GET, "next", host=host)
        or default
    )


# -- care plan -------------------------------------------------------------------------------


def _label(name: str) -> str:
    field = CarePlan._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


@login_required
@require_GET
def care_plan(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "care.plan.view")
    child: Child = granted.obj
    versions = list(child.care_plans.select_related("proposed_by", "decided_by"))
    current = next((v for v in versions if v.status == CarePlan.Status.CURRENT), None)
    pending = [v for v in versions if v.status == CarePlan.Status.PROPOSED]
    changes = {p.pk: services.changed_fields(p, p.based_on) for p in pending}
    context = {
        "child": child,
        "program": child.program,
        "plan": current,
        "pending": [(p, [_label(f) for f in changes[p.pk]]) for p in pending],
        "versions": versions,
        "ifsp": Ifsp.objects.filter(child=child).first() if granted.allows("ifsp.view") else None,
        "can_edit": granted.allows("care.plan.edit"),
        "can_propose": granted.allows("care.plan.propose"),
        "decision_form": forms.DecisionForm(),
    }
    audit.log_view(request, child, gettext_noop("care plan"))
    return render(request, "care/care_plan.html", context)


@login_required
@require_GET
def care_plan_version(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(CarePlan.objects.select_related("proposed_by"), pk=plan_id)
    granted = access.require_child(_viewer(request), plan.child_id, "care.plan.view")
    audit.log_view(request, granted.obj, gettext_noop("care plan"))
    return render(
        request,
        "care/care_plan_version.html",
        {"child": granted.obj, "program": granted.obj.program, "plan": plan},
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_plan_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    """Staff write a new version; a family writes a proposal (the same form)."""
    viewer = _viewer(request)
    child_rels = access.require_child(viewer, child_id, "care.plan.view")
    child: Child = child_rels.obj
    staff = child_rels.allows("care.plan.edit")
    if not staff and not child_rels.allows("care.plan.propose"):
        access.require_child(viewer, child_id, "care.plan.edit")  # raises 403
    current = services.current_plan(child)
    form = forms.CarePlanForm(
        request.POST or None,
        instance=current,
        child=child,
        second=staff,
        initial={"seen_version": current.version if current else 0},
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: (
                services.save_care_plan(
                    actor=acting_user(request),
                    child=child,
                    data=form.plan_data(),
                    seen_version=form.seen,
                )
                if staff
                else services.propose_care_plan(
                    actor=acting_user(request), child=child, data=form.plan_data()
                )
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("The care plan was updated.")
                if staff
                else _("Your proposal was sent; the caregiver will review it."),
            )
            return redirect("care_plan", child_id=child.pk)
    status = refused_status(form) if request.method == "POST" else 200
    return render(
        request,
        "care/care_plan_form.html",
        {"child": child, "program": child.program, "form": form, "staff": staff},
        status=status,
    )


@login_required
@require_POST
def care_plan_decide(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(CarePlan, pk=plan_id)
    access.require_child(_viewer(request), plan.child_id, "care.plan.edit")
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline the proposal."))
        return redirect("care_plan", child_id=plan.child_id)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.decide_care_plan(
            actor=acting_user(request),
            plan=plan,
            accept=accept,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The proposal is accepted and in effect.") if accept else _("Declined.")
        )
    return redirect("care_plan", child_id=plan.child_id)


# -- the record page -------------------------------------------------------------------------


def _record_children(
    viewer: access.Viewer, program: Program, day: date, room: int | None
) -> tuple[list[Child], list[Child]]:
    """(the caregiver's primary children, the rest of what they see), enrolled that day."""
    children = (
        access.visible_children(viewer, program)
        .enrolled_on(day)
        .select_related("program", "room", "primary_caregiver", "family")
        .order_by("first_name", "last_name")
    )
    if room is not None:
        children = children.filter(room_id=room)
    mine: list[Child] = []
    others: list[Child] = []
    cg = viewer.caregiver
    for child in children:
        if cg is not None and child.primary_caregiver_id == cg.pk:
            mine.append(child)
        else:
            others.append(child)
    return mine, others


@login_required
@require_GET
def record(request: HttpRequest, program_id: int) -> HttpResponse:
    viewer = _viewer(request)
    granted = access.require_program(viewer, program_id, "program.record")
    program: Program = granted.obj
    now = timezone.now()
    today = program.today()
    room = params.pk(request.GET, "room")
    mine, others = _record_children(viewer, program, today, room)
    days = care_day.days_for([*mine, *others], today, now)
    _attach_undo(request, days)
    context = {
        "program": program,
        "mine": days[: len(mine)],
        "others": days[len(mine) :],
        "alerts": [d for d in days if d.alert],
        "rooms": program.rooms.order_by("name") if granted.allows("program.manage") else [],
        "room": room or "",
        "now": now,
        "bottles": BOTTLE_CHOICES,
        "moods": CareEntry.Mood.choices,
        "portions": CareEntry.Portion.choices,
        "interval": program.nap_check_minutes,
    }
    template = "care/record.html"
    part = params.choice(request.GET, "part", ("alerts",), default="")
    if request.htmx and part == "alerts":  # type: ignore[attr-defined]
        template += "#alerts"
    return render(request, template, context)


def _attach_undo(request: HttpRequest, days: list[care_day.ChildDay]) -> None:
    """Each card's undo button: the viewer's entry just logged (services.UNDO_WINDOW)."""
    recent = services.undoable(acting_user(request), [cd.child.pk for cd in days])
    now = timezone.now()
    for cd in days:
        entry = recent.get(cd.child.pk)
        cd.undo = entry  # type: ignore[attr-defined]
        if entry is not None:
            left = services.UNDO_WINDOW - (now - entry.created_at)
            cd.undo_seconds = max(1, int(left.total_seconds()))  # type: ignore[attr-defined]


def _card(request: HttpRequest, child: Child) -> HttpResponse:
    """After a write: the child's card (HTMX) or back to the page it came from."""
    if request.htmx:  # type: ignore[attr-defined]
        now = timezone.now()
        cd = care_day.day_for(child, child.program.today(), now)
        _attach_undo(request, [cd])
        return render(
            request,
            "care/record.html#card",
            {
                "cd": cd, "program": child.program, "now": now, "bottles": BOTTLE_CHOICES,
                "moods": CareEntry.Mood.choices, "portions": CareEntry.Portion.choices,
                "interval": child.program.nap_check_minutes,
                "next": _back(request, ""),
            },
        )  # fmt: skip
    return redirect(
        _back(request, reverse("care_record", args=[child.program_id]) + f"#child-{child.pk}")
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_entry(request: HttpRequest, child_id: int) -> HttpResponse:
    """Log an entry: the quick buttons post here; GET shows the form with every detail."""
    granted = access.require_child(_viewer(request), child_id, "care.record")
    child: Child = granted.obj
    kinds = [k.value for k in CareEntry.Kind]
    kind = params.choice(request.GET, "kind", kinds, default=CareEntry.Kind.NOTE.value)
    kind = params.choice(request.POST, "kind", kinds, default=kind)
    data: Any = request.POST or None
    tap = params.search(request.POST, "tap", max_length=40)
    if tap:  # a quick button of the record page
        try:
            fields = forms.tap_fields(tap)
        except ValidationError as error:
            raise params.BadParameter("tap", " ".join(error.messages)) from None
        data = request.POST.copy()
        for name, value in fields.items():
            data[name] = value
    form = forms.EntryForm(data, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        program = child.program
        data = form.entry_data(program, program.today(), timezone.now())
        try:
            entry = services.log_entry(
                actor=acting_user(request),
                child=child,
                kind=form.cleaned_data["kind"],
                data=data,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                if getattr(entry, "duplicate", False):
                    messages.info(request, _("Already logged a moment ago; not logged twice."))
                else:
                    messages.success(request, _("Logged for %(child)s.") % {"child": child})
            return _card(request, child)
    if request.method == "POST" and request.htmx:  # type: ignore[attr-defined]
        # A refused quick tap: the card with the message, nothing saved.
        response = render(request, "care/entry_form.html#errors", {"form": form}, status=400)
        response["HX-Retarget"] = f"#errors-{child.pk}"
        response["HX-Reswap"] = "innerHTML"
        return response
    context = {
        "child": child,
        "program": child.program,
        "form": form,
        "kind_label": dict(CareEntry.Kind.choices).get(kind, ""),
        "next": _back(request, reverse("care_record", args=[child.program_id])),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "care/entry_form.html", context, status=status)


@login_required
@require_GET
def entries(request: HttpRequest, child_id: int) -> HttpResponse:
    """Today's entries of one child with a link to correct each: what the record page's
    "Today: n entries" opens (HTMX), or a page of its own without JavaScript."""
    granted = access.require_child(_viewer(request), child_id, "care.record")
    child: Child = granted.obj
    program = child.program
    context = {
        "child": child,
        "program": program,
        "cd": care_day.day_for(child, program.today()),
        "next": _back(request, reverse("care_record", args=[program.pk])),
    }
    template = "care/entries.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#list"
    return render(request, template, context)


def _entry_for_record(request: HttpRequest, entry_id: int) -> tuple[CareEntry, Child]:
    entry = get_object_or_404(CareEntry, pk=entry_id)
    granted = access.require_child(_viewer(request), entry.child_id, "care.record")
    return entry, granted.obj


@login_required
@require_POST
def end_nap(request: HttpRequest, entry_id: int) -> HttpResponse:
    nap, child = _entry_for_record(request, entry_id)
    form = forms.NapEndForm(request.POST)
    program = child.program
    at = timezone.now()
    if form.is_valid() and form.cleaned_data.get("at_time"):
        at = datetime.combine(
            nap.at.astimezone(program.tz).date(), form.cleaned_data["at_time"], tzinfo=program.tz
        )
    try:
        services.end_nap(actor=acting_user(request), nap=nap, at=at)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _card(request, child)


@login_required
@require_POST
def undo_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Take back a tap just made (the card's undo button, shown for a few seconds)."""
    entry, child = _entry_for_record(request, entry_id)
    try:
        services.undo_entry(actor=acting_user(request), entry=entry)
    except ValidationError as error:
        if request.htmx:  # type: ignore[attr-defined]
            response = HttpResponse(" ".join(error.messages), status=400)
            response["HX-Retarget"] = f"#errors-{child.pk}"
            response["HX-Reswap"] = "innerHTML"
            return response
        messages.error(request, " ".join(error.messages))
    else:
        if not request.htmx:  # type: ignore[attr-defined]
            messages.success(request, _("Undone; it stays in the record as withdrawn."))
    return _card(request, child)


@login_required
@require_POST
def check_nap(request: HttpRequest, entry_id: int) -> HttpResponse:
    nap, child = _entry_for_record(request, entry_id)
    form = forms.NapCheckForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.check_nap(
            actor=acting_user(request),
            nap=nap,
            at=timezone.now(),
            note=note,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _card(request, child)


@login_required
@require_http_methods(["GET", "POST"])
def correct_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Correct an entry (a new entry that points at it) or withdraw one made by mistake."""
    entry, child = _entry_for_record(request, entry_id)
    root = entry.corrects or entry
    latest = root.corrections.order_by("-created_at", "-pk").first() or root
    program = child.program
    local_at = latest.at.astimezone(program.tz)
    initial: dict[str, Any] = {
        "kind": root.kind, "at_time": local_at.time().replace(second=0, microsecond=0),
        "until_time": latest.until.astimezone(program.tz).time() if latest.until else None,
        "amount_ml": latest.amount_ml, "milk": latest.milk, "portion": latest.portion,
        "food": latest.food, "wet": latest.wet, "bm": latest.bm, "mood": latest.mood,
        "provider": latest.provider, "note": latest.note,
    }  # fmt: skip
    history = [root, *root.corrections.order_by("created_at", "pk").select_related("author")]
    initial["seen_version"] = len(history)
    form = forms.EntryForm(request.POST or None, initial=initial)
    if request.method == "POST":
        withdraw = params.flag(request.POST, "withdraw")
        if form.is_valid() or (withdraw and "seen_version" not in form.errors):
            seen = form.cleaned_data.get("seen_version")
            done = attempt(
                form,
                lambda: services.correct_entry(
                    actor=acting_user(request),
                    entry=root,
                    data=None
                    if withdraw
                    else form.entry_data(program, local_at.date(), timezone.now()),
                    withdraw=withdraw,
                    seen_version=seen,
                ),
            )
            if done is not None:
                messages.success(
                    request,
                    _("Withdrawn; it stays in the record as a correction.")
                    if withdraw
                    else _("Corrected; the original stays in the record."),
                )
                return redirect(_back(request, reverse("care_record", args=[program.pk])))
    if request.method == "POST":  # what is stored now, around the refused form
        history = [root, *root.corrections.order_by("created_at", "pk").select_related("author")]
    context = {
        "child": child, "program": program, "form": form, "entry": history[-1],
        "history": history, "next": _back(request, reverse("care_record", args=[program.pk])),
    }  # fmt: skip
    return render(
        request,
        "care/correct_entry.html",
        context,
        status=refused_status(form) if request.method == "POST" else 200,
    )


# -- the child's day, for the family and the staff -----------------------------------------


def _day(request: HttpRequest, child: Child) -> date:
    """The day asked for (?on=YYYY-MM-DD): from the child's birth to today; else 400."""
    today = child.program.today()
    asked = params.day(request.GET, "on", default=today, earliest=child.birth_date, latest=today)
    assert asked is not None
    return asked


@login_required
@require_GET
def child_day(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "care.day")
    child: Child = granted.obj
    context = _day_context(granted, _day(request, child), forms.FamilyNoteForm())
    audit.log_view(request, child, gettext_noop("the child's day"))  # not its live refreshes
    template = "care/child_day.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#timeline"
    return render(request, template, context)


def _day_context(granted: access.Granted, day: date, note_form: BaseForm) -> dict[str, Any]:
    from attune.care import photos
    from attune.care.views_photos import PhotoForm

    child: Child = granted.obj
    today = child.program.today()
    return {
        "consent": photos.consent_given(child),
        "day_photos": photos.photos_for(child, day),
        "photo_form": PhotoForm(),
        "child": child,
        "program": child.program if access.is_staff_view(granted.relations) else None,
        "cd": care_day.day_for(child, day),
        "day": day,
        "today": today,
        "live": day == today,
        "can_note": granted.allows("care.family_note") and day == today,
        "note_form": note_form,
        "can_record": granted.allows("care.record"),
    }


def _summary_context(child: Child, day: date) -> dict[str, Any]:
    return {"child": child, "cd": care_day.day_for(child, day), "day": day}


@login_required
@require_GET
def day_summary(request: HttpRequest, child_id: int) -> HttpResponse:
    """The day's summary: printable; the same text as the email."""
    granted = access.require_child(_viewer(request), child_id, "care.day")
    child: Child = granted.obj
    audit.log_view(request, child, gettext_noop("day summary"))
    return render(request, "care/day_summary.html", _summary_context(child, _day(request, child)))


@login_required
@require_POST
def email_summary(request: HttpRequest, child_id: int) -> HttpResponse:
    """Email the day's summary to the family's guardians, in the family's language."""
    granted = access.require_child(_viewer(request), child_id, "care.day")
    child: Child = granted.obj
    day = _day(request, child)
    sent = send_day_summary(child=child, day=day)
    if sent:
        messages.success(
            request,
            ngettext(
                "The summary is on its way to %(n)d guardian: it is emailed within a minute.",
                "The summary is on its way to %(n)d guardians: it is emailed within a minute.",
                sent,
            )
            % {"n": sent},
        )
    else:
        messages.error(request, _("No guardian of this family has an email address."))
    return redirect(reverse("child_day", args=[child.pk]) + f"?on={day.isoformat()}")


def send_day_summary(*, child: Child, day: date) -> int:
    recipients = [g.email for g in child.family.guardians.all() if g.email]
    if not recipients:
        return 0
    language = child.family.preferred_language or "en"
    with translation.override(language):
        context = _summary_context(child, day)
        subject = _("%(child)s's day, %(day)s") % {
            "child": child.display_first_name,
            "day": _date_label(day),
        }
        subject = text.header_safe(subject)  # a name typed with a line break stays one line
        body = render_to_string("care/day_summary.txt", context)
        html = render_to_string("care/day_summary_email.html", context)
    send_mail(subject, body, None, recipients, html_message=html)
    return len(recipients)


def _date_label(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


@login_required
@require_POST
def family_note(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "care.family_note")
    child: Child = granted.obj
    form = forms.FamilyNoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_family_note(
                actor=acting_user(request),
                child=child,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Your note was sent to the caregivers."))
            return redirect("child_day", child_id=child.pk)
    context = _day_context(granted, child.program.today(), form)
    return render(request, "care/child_day.html", context, status=400)


# -- IFSP ------------------------------------------------------------------------------------


@login_required
@require_GET
def ifsp(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "ifsp.view")
    child: Child = granted.obj
    visits = (
        CareEntry.objects.filter(child=child, kind=CareEntry.Kind.EI_VISIT, corrects__isnull=True)
        .filter(Q(withdrawn=False))
        .order_by("-at")[:50]
    )
    context = {
        "child": child,
        "program": child.program if access.is_staff_view(granted.relations) else None,
        "ifsp": Ifsp.objects.filter(child=child).first(),
        "plan": services.current_plan(child),
        "visits": visits,
        "can_edit": granted.allows("ifsp.edit"),
        "can_record": granted.allows("care.record"),
    }
    audit.log_view(request, child, gettext_noop("IFSP summary"))
    return render(request, "care/ifsp.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ifsp_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "ifsp.edit")
    child: Child = granted.obj
    instance = Ifsp.objects.filter(child=child).first()
    form = forms.IfspForm(
        request.POST or None,
        instance=instance,
        initial={"seen_version": instance.version if instance else 0},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.save_ifsp(
                actor=acting_user(request),
                child=child,
                data={f: form.cleaned_data[f] for f in services.IFSP_FIELDS},
                seen_version=form.seen,
            ),
        )
        is not None
    ):
        messages.success(request, _("The IFSP summary was saved."))
        return redirect("ifsp", child_id=child.pk)
    if request.method == "POST" and instance is not None:
        instance.refresh_from_db()
    return render(
        request,
        "care/ifsp_form.html",
        {"child": child, "program": child.program, "form": form},
        status=refused_status(form) if request.method == "POST" else 200,
    )
