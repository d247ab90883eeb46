"""Photos in the daily report: the family's consent, adding one from the tablet, and the
only way to see one (access-checked, never a public address)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from attune.care import photos
from attune.care.models import DayPhoto
from attune.lib import access, audit, params, uploads
from attune.lib.text import LimitedForm
from attune.lib.views import acting_user
from attune.programs.models import Child


class PhotoForm(LimitedForm, forms.Form):
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        validators=[uploads.Accept("care_photo")],
        widget=forms.ClearableFileInput(attrs={"accept": uploads.accept_attribute("care_photo")}),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=200, required=False)


def _viewer(request: HttpRequest) -> access.Viewer:
    return access.viewer_for(request.user)


def _back(request: HttpRequest, child: Child) -> str:
    from django.urls import reverse

    return params.local_url(request.POST, "next", host=request.get_host()) or reverse(
        "child_day", args=[child.pk]
    )


@login_required
@require_POST
def add_photo(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "care.record")
    child: Child = granted.obj
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for e in form.errors.values() for m in e))
        return redirect(_back(request, child))
    try:
        photos.add_photo(
            actor=acting_user(request), child=child, file=form.cleaned_data["photo"],
            caption=form.cleaned_data["caption"],
        )  # fmt: skip
    except (photos.PhotoError, ValidationError) as error:
        text = error.message if isinstance(error, photos.PhotoError) else " ".join(error.messages)
        messages.error(request, text)
    else:
        messages.success(request, _("The photo is in %(child)s's day.") % {"child": child})
    return redirect(_back(request, child))


@login_required
@require_POST
def photo_consent(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(_viewer(request), child_id, "care.family_note")
    child: Child = granted.obj
    given = params.flag(request.POST, "given")
    photos.set_consent(actor=acting_user(request), child=child, given=given)
    messages.success(
        request,
        _("Photos allowed: the caregivers may add photos to the day.")
        if given
        else _("No photos: the caregivers will not add any, and earlier ones are hidden."),
    )
    return redirect("child_day", child_id=child.pk)


@login_required
@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    """The photo itself, to the child's family and the staff who see the child."""
    item = get_object_or_404(DayPhoto, pk=photo_id)
    granted = access.require_child(_viewer(request), item.child_id, "care.day")
    if not photos.consent_given(granted.obj):
        raise Http404
    if access.is_staff_view(granted.relations):
        audit.log_view(request, granted.obj, gettext_noop("photo"))
    kind = uploads.kind_of("care_photo", item.file.name or "", item.file.open("rb"))
    response = FileResponse(item.file.open("rb"), content_type=kind.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
