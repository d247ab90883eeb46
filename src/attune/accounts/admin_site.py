"""The operator's Django admin: support work for the people who run the service.

Only superusers reach it. Anyone else signed in gets a 404 (the page's existence is not
revealed); a visitor who is not signed in is sent to the ordinary sign-in page (with its
lockout after repeated failures), never to a second login form. The audit log is read-only
(django-auditlog's own admin refuses adding and changing entries)."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class OperatorAdminSite(admin.AdminSite):
    site_header = _("Attune operator")
    site_title = _("Attune operator")
    index_title = _("Support work")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return _to_sign_in(request.get_full_path())
            if not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)  # type: ignore[no-any-return]

        return update_wrapper(guarded, inner)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise Http404
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        return _to_sign_in(reverse("admin:index", current_app=self.name))


def _to_sign_in(target: str) -> HttpResponse:
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
