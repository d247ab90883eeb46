from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

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
