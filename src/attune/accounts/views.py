from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from attune.accounts import invitations, self_service
from attune.accounts.models import Invitation, User
from attune.lib import audit, params
from attune.lib.text import LimitedForm


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and a signed-in person's choice is kept for next time."""
    response = django_set_language(request)
    language = params.choice(request.POST, "language", dict(settings.LANGUAGES), default="")
    user = request.user
    if (
        user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.preferred_language != language
    ):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


class PasswordChange(auth_views.PasswordChangeView):
    """Change one's password. Every other session of the person is signed out (their session
    hash no longer matches); this one stays signed in."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: auth_forms.PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        audit.log_event(
            actor=form.user, event="password_changed", instance=form.user, request=self.request
        )
        return response


class ResetForm(LimitedForm, auth_forms.PasswordResetForm):
    """The reset email speaks the person's own language, whoever's browser asked for it."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        language = getattr(context.get("user"), "preferred_language", None)
        with translation.override(language or translation.get_language()):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class PasswordReset(auth_views.PasswordResetView):
    """Ask for a link to set a new password. The answer is the same whether or not the
    address belongs to someone (nothing is revealed about who has an account)."""

    form_class = ResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: auth_forms.SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        response = super().form_valid(form)
        audit.log_event(
            actor=form.user, event="password_reset", instance=form.user, request=self.request
        )
        return response


class AcceptInvitationForm(LimitedForm, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        person = invitation.user
        self.fields["first_name"].initial = (person and person.first_name) or invitation.first_name
        self.fields["last_name"].initial = (person and person.last_name) or invitation.last_name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords are not the same."))
        elif one:
            email = self.invitation.email
            candidate = User(
                username=email,
                email=email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(one, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


def accept_invitation(request: HttpRequest, key: str) -> HttpResponse:
    """The invitation's link: choose a password (and one's name), then signed in. A link
    that was used, withdrawn or has expired says so, and what to do (audited)."""
    try:
        invitation = invitations.check_link(key, request=request)
    except invitations.InvitationRefused as refused:
        refused.audit()  # when no service did (nothing is written otherwise)
        status = 404 if invitations.find(key) is None else 410
        return render(
            request, "accounts/invitation_refused.html", {"message": refused.message}, status=status
        )
    form = AcceptInvitationForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(
                raw=key,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                request=request,
            )
        except invitations.InvitationRefused as refused:
            refused.audit()  # when no service did (nothing is written otherwise)
            return render(
                request,
                "accounts/invitation_refused.html",
                {"message": refused.message},
                status=410,
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Attune. Your password is set."))
        return redirect("home")
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invitation": invitation},
        status=400 if form.is_bound else 200,
    )


class ProfileForm(LimitedForm, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class EmailForm(LimitedForm, forms.Form):
    email = forms.EmailField(label=_("New email address"))


ACCOUNT_ACTIONS = ("profile", "email", "sign_out_others")


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """My account: name and language, email (confirmed by a link), password, my other
    sessions, my sign-in history."""
    user = cast("User", request.user)
    action = (
        params.choice(request.POST, "action", ACCOUNT_ACTIONS, default="")
        if request.method == "POST"
        else ""
    )
    profile = ProfileForm(
        request.POST if action == "profile" else None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
        },
    )
    email = EmailForm(request.POST if action == "email" else None)
    status = 200
    if action == "profile":
        if profile.is_valid():
            self_service.update_profile(user=user, data=profile.cleaned_data)
            translation.activate(user.preferred_language)
            response = redirect("accounts:account")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language)
            messages.success(request, _("Saved."))
            return response
        status = 400
    elif action == "email":
        if email.is_valid():
            try:
                self_service.ask_email_change(
                    user=user,
                    new_email=email.cleaned_data["email"],
                    base_url=request.build_absolute_uri("/"),
                    request=request,
                )
            except invitations.InvitationRefused as refused:
                refused.audit()  # when no service did (nothing is written otherwise)
                email.add_error("email", refused.message)
                status = 409
            else:
                messages.success(
                    request,
                    _("We sent a link to %(email)s: open it to confirm the new address.")
                    % {"email": email.cleaned_data["email"]},
                )
                return redirect("accounts:account")
        else:
            status = 400
    elif action == "sign_out_others":
        ended = self_service.sign_out_elsewhere(user=user, request=request)
        messages.success(request, _("Signed out of %(count)s other sessions.") % {"count": ended})
        return redirect("accounts:account")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/account.html",
        {
            "profile_form": profile,
            "email_form": email,
            "history": self_service.sign_in_history(user),
        },
        status=status,
    )


@login_required
@require_GET
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    user = cast("User", request.user)
    try:
        address = self_service.confirm_email_change(user=user, token=token)
    except self_service.Refused as refused:
        return render(
            request,
            "accounts/invitation_refused.html",
            {"message": refused.message},
            status=410,
        )
    messages.success(request, _("Your email address is now %(email)s.") % {"email": address})
    return redirect("accounts:account")
