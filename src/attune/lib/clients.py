"""Who is on the other end of a request: the client's address and browser, for the audit
trail and sign-in protection.

Behind a reverse proxy set DJANGO_PROXY_COUNT to the number of proxies that append to
X-Forwarded-For (1 for one nginx); the address is then the one the outermost trusted proxy
saw. With no proxy (the default) the header is ignored: anyone can write it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

USER_AGENT_MAX = 300


def client_ip(request: HttpRequest) -> str | None:
    address: str | None = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "ATTUNE_PROXY_COUNT", 0)
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def user_agent(request: HttpRequest) -> str:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return "".join(ch for ch in agent if ch.isprintable())[:USER_AGENT_MAX]
