"""A child's messages: the family on the phone, the primary caregiver on the tablet, the
director. Each person's page is in their own language; each message shows the language it
was written in. Works without JavaScript; with HTMX the thread refreshes."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods

from attune.care import messaging
from attune.care.models import MESSAGE_MAX, Message
from attune.lib import access, audit, languages, params
from attune.lib.text import LimitedForm
from attune.lib.views import acting_user
from attune.programs.models import Child

SHOWN = 100  # the latest messages shown


class MessageForm(LimitedForm, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX}),
    )
    language = forms.ChoiceField(label=gettext_lazy("Written in"), choices=())

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


@login_required
@require_http_methods(["GET", "POST"])
def child_messages(request: HttpRequest, child_id: int) -> HttpResponse:
    granted = access.require_child(access.viewer_for(request.user), child_id, "messages.child")
    child: Child = granted.obj
    user = acting_user(request)
    side = Message.Side.FAMILY if access.Rel.FAMILY in granted.relations else Message.Side.STAFF
    choices = messaging.language_choices(child, user)
    form = MessageForm(
        request.POST or None, choices=choices, initial={"language": user.preferred_language}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                messaging.send(
                    actor=user, child=child, side=side, text=form.cleaned_data["text"],
                    language=form.cleaned_data["language"],
                )  # fmt: skip
            except messaging.MessageError as error:
                form.add_error("text", error.message)
            else:
                flash.success(request, _("Sent."))
                return redirect("child_messages", child_id=child.pk)
    messaging.mark_read(child=child, reader_side=side)
    thread = list(child.messages.select_related("author").order_by("-created_at", "-pk")[:SHOWN])
    thread.reverse()
    if access.is_staff_view(granted.relations):
        audit.log_view(request, child, gettext_noop("messages"))
    context = {
        "child": child,
        "program": child.program if side == Message.Side.STAFF else None,
        "thread": [(m, languages.name(m.language)) for m in thread],
        "form": form,
        "side": side,
    }
    template = "care/messages.html"
    if request.htmx and params.choice(request.GET, "part", ("thread",), default=""):  # type: ignore[attr-defined]
        template += "#thread"
    return render(request, template, context, status=status)
