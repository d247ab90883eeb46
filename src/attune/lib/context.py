"""Template context shared by every page: the viewer's roles and navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from attune.lib import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"viewer": access.ANONYMOUS}
    viewer = access.viewer_for(user)
    return {"viewer": viewer, "main_nav": access.main_navigation(viewer)}
