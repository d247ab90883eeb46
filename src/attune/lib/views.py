"""Small helpers the apps' views share."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from attune.lib import params

if TYPE_CHECKING:
    from attune.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """The signed-in user, for a service's `actor` (the view is login_required)."""
    return cast("User", request.user)


def show_refusal(form: BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when it names one, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (handler400), with the reason when it is one of ours (a bad parameter)."""
    message = exception.message if isinstance(exception, params.BadParameter) else ""
    return render(request, "400.html", {"exception": message}, status=400)
