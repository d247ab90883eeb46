from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from attune.lib import params


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
