"""Forms are sent once: a double submit never creates a record twice.

Every page's POST form carries a one-time key (`{% once %}` in the form, from
attune.accounts.templatetags.once). `OnceMiddleware` claims the key in the database inside
the same transaction as the view: the first send runs the view; a second send of the same key
(a double click, a browser retry, several tabs at once) waits for the first to finish, then
gets its answer instead of running the view again: a redirect to where the first went, or for
HTMX requests an empty 204. A refused first send (a form with errors, 4xx) releases the key so
the corrected form can be sent. Sends without a key are untouched.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from attune.accounts.models import Submission
from attune.lib import params

FIELD = "_once"
_KEY = re.compile(r"^[0-9a-f]{32}$")


def new_key() -> str:
    return uuid.uuid4().hex


class OnceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        token = params.search(request.POST, FIELD, max_length=64)
        if not _KEY.match(token):
            return self.get_response(request)
        user = request.user if request.user.is_authenticated else None
        key = f"{user.pk if user else 'anon'}:{token}"
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = Submission.objects.create(key=key, user=user, path=request.path[:300])
            except IntegrityError:
                claim = None
            if claim is not None:
                response = self.get_response(request)
                if 200 <= response.status_code < 400:
                    claim.status_code = response.status_code
                    claim.location = response.get("Location", "")[:2000]
                    claim.save(update_fields=["status_code", "location"])
                else:
                    claim.delete()  # refused: the corrected form may be sent with this key
                return response
        return self._repeat(request, Submission.objects.filter(key=key).first())

    @staticmethod
    def _repeat(request: HttpRequest, first: Submission | None) -> HttpResponse:
        """The answer to a second send of a form already handled."""
        if getattr(request, "htmx", False):
            return HttpResponse(status=204)
        messages.info(request, _("That form was already sent; it was saved once."))
        if first is not None and first.location:
            return HttpResponseRedirect(first.location)
        return HttpResponseRedirect(request.get_full_path())
