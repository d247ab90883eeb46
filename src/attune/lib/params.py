"""Query parameters, typed: every view reads `request.GET` (and loose POST values that are not
a form) through these parsers.

A value that is missing or empty gives the default; a value that is present but wrong raises
`BadParameter`, which Django answers with 400 and the 400 page shows its message. Nothing here
ever lets a bad value reach the database or date arithmetic (a 20-digit id overflows SQLite's
integers, `date(1, 1, 1)` minus a day overflows), so a bad link is a 400, never a 500.

    room = params.pk(request.GET, "room")                # None, or a positive 64-bit integer
    day = params.day(request.GET, "on", default=today)    # within DATE_WINDOW of today
    page = params.page(request.GET)                      # 1..MAX_PAGE
    what = params.choice(request.GET, "what", ("plan", "problem"), default="plan")
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.dateparse import date_re
from django.utils.translation import gettext as _

from attune.lib import text

BIGINT_MAX = 2**63 - 1  # the largest id any of our databases stores
EARLIEST_DAY = date(1900, 1, 1)  # no child, caregiver or record is older
YEARS_AHEAD = 10  # nothing is planned further ahead than this
MAX_PAGE = 1_000_000
TEXT_MAX = 200  # a search box or a name in a link

T = TypeVar("T", bound=str)


class BadParameter(BadRequest):
    """A query parameter that is present but not what the page accepts (answered with 400)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def _raw(source: Mapping[str, Any], name: str) -> str | None:
    value = source.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def integer(
    source: Mapping[str, Any],
    name: str,
    *,
    default: int | None = None,
    minimum: int = 0,
    maximum: int = BIGINT_MAX,
) -> int | None:
    """A whole number between `minimum` and `maximum` (both included)."""
    raw = _raw(source, name)
    if raw is None:
        return default
    # At most 19 digits: longer strings are refused before int() (also costly for huge input).
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        raise BadParameter(name, _("“%(name)s” must be a whole number.") % {"name": name})
    value = int(raw)
    if not minimum <= value <= maximum:
        raise BadParameter(
            name,
            _("“%(name)s” must be between %(low)d and %(high)d.")
            % {"name": name, "low": minimum, "high": maximum},
        )
    return value


def pk(source: Mapping[str, Any], name: str) -> int | None:
    """The id of a record: a positive whole number that fits a database id, or None."""
    return integer(source, name, minimum=1)


def page(source: Mapping[str, Any], name: str = "page") -> int:
    """A page number (1 when absent); Paginator.get_page shows the last page when past it."""
    value = integer(source, name, default=1, minimum=1, maximum=MAX_PAGE)
    assert value is not None
    return value


def date_window(today: date | None = None) -> tuple[date, date]:
    """The days a date parameter may name: from EARLIEST_DAY to YEARS_AHEAD years ahead."""
    today = today or timezone.localdate()
    return EARLIEST_DAY, today + timedelta(days=366 * YEARS_AHEAD)


def day(
    source: Mapping[str, Any],
    name: str,
    *,
    default: date | None = None,
    earliest: date | None = None,
    latest: date | None = None,
) -> date | None:
    """A calendar day written YYYY-MM-DD, within [earliest, latest] (by default the window of
    `date_window`)."""
    raw = _raw(source, name)
    if raw is None:
        return default
    low, high = date_window()
    low, high = earliest or low, latest or high
    match = date_re.fullmatch(raw)
    try:
        if match is None:
            raise ValueError(raw)
        value = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise BadParameter(
            name,
            _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14.")
            % {"value": text.single_line(raw)[:40]},
        ) from None
    if not low <= value <= high:
        raise BadParameter(
            name,
            _("The date must be between %(low)s and %(high)s.")
            % {"low": low.isoformat(), "high": high.isoformat()},
        )
    return value


def choice(source: Mapping[str, Any], name: str, choices: Collection[T], *, default: T) -> T:
    """One of `choices`; anything else is refused."""
    raw = _raw(source, name)
    if raw is None:
        return default
    for option in choices:
        if raw == option:
            return option
    raise BadParameter(
        name,
        _("“%(name)s” must be one of: %(choices)s.")
        % {"name": name, "choices": ", ".join(str(c) for c in choices)},
    )


def flag(source: Mapping[str, Any], name: str) -> bool:
    """A yes/no switch in a link: present and not 0/no/false means yes."""
    raw = _raw(source, name)
    return raw is not None and raw.lower() not in ("0", "no", "false", "off")


def search(source: Mapping[str, Any], name: str = "q", *, max_length: int = TEXT_MAX) -> str:
    """Free text typed into a search box: one line without control characters."""
    raw = _raw(source, name)
    if raw is None:
        return ""
    value = text.single_line(raw)
    if len(value) > max_length:
        raise BadParameter(
            name,
            _("“%(name)s” is too long: at most %(n)d characters.")
            % {"name": name, "n": max_length},
        )
    return value


def local_url(source: Mapping[str, Any], name: str, *, host: str) -> str | None:
    """A page of this site to go back to (a `next` link), or None for anything else."""
    from django.utils.http import url_has_allowed_host_and_scheme

    raw = _raw(source, name)
    # A path on this site ("/programs/1/record/"): redirect() would take anything else for
    # the name of a view ("NaN") or another site ("//evil.example").
    if raw is None or len(raw) > 2000 or not raw.isprintable() or not raw.startswith("/"):
        return None
    if not url_has_allowed_host_and_scheme(raw, allowed_hosts={host}):
        return None
    return raw


def id_list(source: Any, name: str, *, most: int = 1000) -> list[int]:
    """Several ids under one name (checkboxes): each a positive 64-bit integer, at most `most`."""
    values = source.getlist(name) if hasattr(source, "getlist") else [source.get(name)]
    values = [v for v in values if v not in (None, "")]
    if len(values) > most:
        raise BadParameter(name, _("Too many values for “%(name)s”.") % {"name": name})
    out = []
    for value in values:
        parsed = pk({name: value}, name)
        if parsed is not None:
            out.append(parsed)
    return out


def words(source: Any, name: str, *, most: int = 100, max_length: int = TEXT_MAX) -> list[str]:
    """Several short values under one name (checkboxes of choices the form checks itself)."""
    values = source.getlist(name) if hasattr(source, "getlist") else [source.get(name)]
    values = [str(v).strip() for v in values if v not in (None, "")]
    if len(values) > most:
        raise BadParameter(name, _("Too many values for “%(name)s”.") % {"name": name})
    if any(len(v) > max_length for v in values):
        raise BadParameter(name, _("“%(name)s” is too long.") % {"name": name})
    return [text.single_line(v) for v in values if v]
