"""The API's machinery: token sign-in, scopes, rate limits, problem details, cursors and
idempotent creates. The endpoints (attune.api.endpoints) use only these and the same access
module and services as the pages."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import NinjaJSONEncoder, Status
from ninja.security.http import HttpBearer
from ninja.throttling import BaseThrottle

from attune.api import tokens
from attune.api.models import ApiToken, IdempotencyKey
from attune.lib import access, params
from attune.lib.concurrency import StaleEdit

if TYPE_CHECKING:
    from attune.accounts.models import User

PROBLEM = "application/problem+json"
PROBLEM_BASE = "https://attune.example/problems/"  # problem types are named, not fetched


# -- problem details (RFC 9457) --------------------------------------------------------------


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """An error, as RFC 9457 problem details: every 4xx answer of the API."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = []
    current_version: int | None = None


ERRORS = frozenset({400, 401, 403, 404, 409, 422, 429})


class ApiError(Exception):
    def __init__(self, status: int, kind: str, title: str, detail: str = "") -> None:
        super().__init__(title)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail


def problem(
    status: int,
    kind: str,
    title: str,
    detail: str = "",
    *,
    errors: Sequence[tuple[str, str]] = (),
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [{"field": f, "message": m} for f, m in errors]
    body.update({k: v for k, v in extra.items() if v is not None})
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_errors(error: DjangoValidationError) -> list[tuple[str, str]]:
    """A service's or form's refusal, with the same messages the pages show."""
    if hasattr(error, "error_dict"):
        return [
            (name if name != "__all__" else "", str(message))
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", str(m)) for m in error.messages]


# -- tokens and scopes -----------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """`Authorization: Bearer att_…`: a personal access token (never logged)."""

    def __call__(self, request: HttpRequest) -> Any:
        value = request.headers.get(self.header) or ""
        scheme, _sep, raw = value.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = tokens.resolve(token)
        if found is None:
            return None
        request.user = found.user
        # messages in the person's language unless the client asks for another
        if "HTTP_ACCEPT_LANGUAGE" not in request.META:
            translation.activate(found.user.preferred_language)
            request.LANGUAGE_CODE = found.user.preferred_language
        return found


class TokenThrottle(BaseThrottle):
    """So many requests a minute per token (ATTUNE_API_RATE), counted in Django's cache;
    requests without a valid token are counted per client address."""

    def allow_request(self, request: HttpRequest) -> bool:
        limit = int(getattr(settings, "ATTUNE_API_RATE", 600))
        token = getattr(request, "auth", None)
        ident = (
            f"t{token.key_hash[:24]}"
            if isinstance(token, ApiToken)
            else f"a{self.get_ident(request)}"
        )
        window = int(time.time() // 60)
        key = f"api-rate:{ident}:{window}"
        cache.add(key, 0, timeout=70)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=70)
            count = 1
        self._wait = 60 - (time.time() % 60)
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self, "_wait", 60.0)


@dataclass(frozen=True)
class Caller:
    token: ApiToken
    user: User
    viewer: access.Viewer

    def write(self) -> None:
        """Refuse a write with a read-only token."""
        if not self.token.can_write:
            raise ApiError(
                403, "read-only-token", _("This token may only read."),
                _("Make a token with the write scope on your API tokens page."),
            )  # fmt: skip

    def program_ids(self, ids: frozenset[int] | set[int]) -> set[int]:
        """Of these programs, those the token reaches (all, or its one program)."""
        if self.token.program_id is None:
            return set(ids)
        return {i for i in ids if i == self.token.program_id}

    def reach(self, program_id: int | None) -> None:
        """A token for one program does not see another's records (as if absent: 404)."""
        if self.token.program_id is not None and program_id != self.token.program_id:
            raise Http404


def caller(request: HttpRequest) -> Caller:
    token = cast(ApiToken, request.auth)  # type: ignore[attr-defined]
    return Caller(token=token, user=token.user, viewer=access.viewer_for(token.user))


# -- cursors ---------------------------------------------------------------------------------

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Page(Schema):
    next_cursor: str | None


def _decode(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"==").decode("ascii")
    except (ValueError, binascii.Error, UnicodeError):
        raw = ""
    if not raw.startswith("after:"):
        raise params.BadParameter("cursor", _("“cursor” is not one this API gave out."))
    return params.pk({"id": raw.removeprefix("after:")}, "id")


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"after:{pk}".encode()).decode("ascii").rstrip("=")


def paginate(
    queryset: QuerySet[Any], cursor: str | None, size: int | None, row: Callable[[Any], Any]
) -> dict[str, Any]:
    """One page in id order after the cursor, and the cursor of the next (None: the last)."""
    after = _decode(cursor)
    size = size or PAGE_SIZE
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    items = list(queryset.order_by("pk")[: size + 1])
    more = len(items) > size
    items = items[:size]
    return {
        "results": [row(item) for item in items],
        "next_cursor": _encode(items[-1].pk) if more else None,
    }


# -- idempotent creates ----------------------------------------------------------------------

KEY_MAX = 100


def idempotent(
    request: HttpRequest, who: Caller, create: Callable[[], tuple[int, Any]]
) -> HttpResponse | Status[Any]:
    """Run a create once per Idempotency-Key: a repeat with the same key and the same request
    gets the first answer; the same key with another request is refused (422). A refused
    create releases the key. Without the header the create simply runs."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return Status(*create())
    if len(key) > KEY_MAX or not key.isascii() or not key.isprintable():
        raise params.BadParameter(
            "Idempotency-Key", _("Idempotency-Key must be at most 100 printable characters.")
        )
    fingerprint = hashlib.sha256(
        request.method.encode() + b" " + request.path.encode() + b"\n" + request.body  # type: ignore[union-attr]
    ).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(
                    token=who.token, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            claim = None
        if claim is not None:
            status, body = create()
            claim.status_code = status
            claim.body = json.loads(json.dumps(body, cls=NinjaJSONEncoder))
            claim.save(update_fields=["status_code", "body"])
            return Status(status, body)
    first = IdempotencyKey.objects.filter(token=who.token, key=key).first()
    if first is None or first.fingerprint != fingerprint:
        raise ApiError(
            422, "idempotency-key-reused", _("This Idempotency-Key was used for another request."),
        )  # fmt: skip
    if first.status_code is None:
        raise ApiError(409, "in-progress", _("The first request with this key is still running."))
    response = HttpResponse(
        json.dumps(first.body), status=first.status_code, content_type="application/json"
    )
    response["Idempotent-Replayed"] = "true"
    return response


# -- the API object --------------------------------------------------------------------------


class AttuneAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Error answers are problem details (application/problem+json)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content") or {}
                    if str(status).startswith("4") and "application/json" in content:
                        response["content"] = {PROBLEM: content["application/json"]}
        return schema


def handle(api: NinjaAPI, kind: type[Exception], handler: Callable[..., HttpResponse]) -> None:
    api.add_exception_handler(kind, cast(Any, handler))


def install_handlers(api: NinjaAPI) -> None:
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, "not-found", _("Not found."), _("No such record, or not yours to see."))

    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(403, "forbidden", _("Not allowed."), _("Your role does not allow this."))

    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(
            401, "unauthenticated", _("A valid API token is needed."),
            _("Send “Authorization: Bearer <token>” with a live token from your API tokens page."),
            headers={"WWW-Authenticate": 'Bearer realm="attune"'},
        )  # fmt: skip

    def throttled(request: HttpRequest, exc: Exception) -> HttpResponse:
        wait = max(1, int(getattr(exc, "wait", None) or 60))
        return problem(
            429, "rate-limited", _("Too many requests."),
            _("This token sent too many requests; try again in %(s)d seconds.") % {"s": wait},
            headers={"Retry-After": str(wait)},
        )  # fmt: skip

    def invalid(request: HttpRequest, exc: Exception) -> HttpResponse:
        errors = []
        for error in cast(NinjaValidationError, exc).errors:
            loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
            message = error.get("msg") or next(iter(error.values()), "")
            errors.append((".".join(loc), str(message)))
        return problem(422, "invalid", _("The request is not valid."), errors=errors)

    def bad_parameter(request: HttpRequest, exc: Exception) -> HttpResponse:
        error = cast(params.BadParameter, exc)
        return problem(
            400,
            "bad-parameter",
            _("Bad parameter."),
            error.message,
            errors=[(error.name, error.message)],
        )

    def refused(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(
            422, "refused", _("Nothing was saved."),
            errors=field_errors(cast(DjangoValidationError, exc)),
        )  # fmt: skip

    def stale(request: HttpRequest, exc: Exception) -> HttpResponse:
        error = cast(StaleEdit, exc)
        return problem(
            409, "stale-edit", _("Someone else saved this record meanwhile; nothing was saved."),
            _("Read the record again and send your change with its current version."),
            current_version=error.current_version,
        )  # fmt: skip

    def api_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        error = cast(ApiError, exc)
        return problem(error.status, error.kind, error.title, error.detail)

    def http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        error = cast(HttpError, exc)
        return problem(error.status_code, "error", str(error))

    handle(api, Http404, not_found)
    handle(api, PermissionDenied, forbidden)
    handle(api, AuthenticationError, unauthenticated)
    handle(api, Throttled, throttled)
    handle(api, HttpError, http_error)
    handle(api, NinjaValidationError, invalid)
    handle(api, params.BadParameter, bad_parameter)
    handle(api, StaleEdit, stale)
    handle(api, DjangoValidationError, refused)
    handle(api, ApiError, api_error)
