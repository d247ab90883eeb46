"""Small helpers the apps' views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from attune.lib import params
from attune.lib.concurrency import StaleEdit

if TYPE_CHECKING:
    from attune.accounts.models import User
    from attune.lib.concurrency import VersionedForm

T = TypeVar("T")


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


def attempt(form: BaseForm, write: Callable[[], T]) -> T | None:
    """Run a service's write for a valid form: its result, or None with the refusal shown on
    the form (a stale edit keeps the person's input and says what changed meanwhile)."""
    try:
        return write()
    except StaleEdit as error:
        cast("VersionedForm", form).refuse_stale(error)
    except ValidationError as error:
        show_refusal(form, error)
    return None


def refused_status(*forms: BaseForm) -> int:
    """The status of a form page shown again after a POST: 409 for a stale edit, else 400."""
    return 409 if any(getattr(form, "stale", None) for form in forms) else 400


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """/favicon.ico, which browsers ask for whatever the page says: the site's icon."""
    return HttpResponsePermanentRedirect(static("attune/favicon.svg"))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (handler400), with the reason when it is one of ours (a bad parameter)."""
    message = exception.message if isinstance(exception, params.BadParameter) else ""
    return render(request, "400.html", {"exception": message}, status=400)
