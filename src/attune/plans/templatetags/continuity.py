"""Template filters for the continuity pages: measures written the reader's way."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext

register = template.Library()

NO_VALUE = "—"


@register.filter
def figure(value: float | None, kind: str = "1") -> str:
    """A measure: "percent" for a share (0.456 -> "46%", "46 %" in Spanish), else the number
    of decimals ("1": 1.5, or 1,5 in Spanish). None is a dash."""
    if value is None:
        return NO_VALUE
    if kind == "percent":
        number = number_format(round(value * 100), decimal_pos=0)
        return pgettext("a percentage", "%(number)s%%") % {"number": number}
    decimals = int(kind)
    return str(number_format(round(value, decimals), decimal_pos=decimals))  # it would truncate
