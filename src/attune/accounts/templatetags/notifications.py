"""{% live_notifications %}: the notification badge and urgent alerts every page shows (and
polls with HTMX)."""

from __future__ import annotations

from typing import Any

from django import template

from attune.accounts.models import Notification

register = template.Library()


@register.inclusion_tag("accounts/_live.html", takes_context=True)
def live_notifications(context: template.Context) -> dict[str, Any]:
    from attune.accounts.views_notifications import LIVE_SECONDS

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"live_unread": 0, "live_urgent": [], "live_seconds": LIVE_SECONDS, "hidden": True}
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    return {
        "live_unread": unread.count(),
        "live_urgent": list(unread.filter(urgent=True)[:3]),
        "live_seconds": LIVE_SECONDS,
        "csrf_token": context.get("csrf_token"),
    }
