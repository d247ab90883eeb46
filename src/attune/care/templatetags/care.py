from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def who(user: Any) -> str:
    """A person's name as colleagues and families read it: full name, else username."""
    if user is None:
        return "—"
    return str(user.get_full_name() or user.username)
