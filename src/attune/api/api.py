"""API v1: /api/v1/ (OpenAPI 3.1 at /api/v1/openapi.json, interactive docs at /api/v1/docs)."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

from attune.api import core, endpoints, endpoints_attendance, endpoints_training

api = core.AttuneAPI(
    title="Attune API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Program records, daily care, care plans, plans and rule sets of Attune, under the "
        "same access rules as its pages. Sign in with a personal access token "
        "(`Authorization: Bearer att_…`) made on your API tokens page. Errors are RFC 9457 "
        "problem details. See docs/api.md."
    ),
    auth=core.TokenAuth(),
    throttle=[core.TokenThrottle()],
)
core.install_handlers(api)


def _bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    return core.problem(400, "bad-request", str(exc) or "Bad request.")


core.handle(api, BadRequest, _bad_request)
api.add_router("", endpoints.router)
api.add_router("", endpoints_training.router)
api.add_router("", endpoints_attendance.router)
