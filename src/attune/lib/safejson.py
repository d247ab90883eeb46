"""The one way posted or uploaded JSON is read: bounded in size and in nesting depth.

`json.loads` on `[[[[...` a hundred thousand deep raises RecursionError (not ValueError), and
even a document that parses may be deep enough to exhaust the stack of the code that walks it.
`loads` checks the size, then the nesting depth with a scan that does not recurse, then parses;
every refusal is `UnsafeJSON` (a ValueError) with a message a person can act on.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

MAX_BYTES = 2_000_000  # a program's plan is ~50 KB; this leaves room for the largest
MAX_DEPTH = 32  # plans, problems and rule sets nest 5 deep at most

# Strings (skipped whole, escapes included) or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class UnsafeJSON(ValueError):
    """Refused: too large, too deep, or not JSON at all (the message says which)."""


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text` (0 for a scalar)."""
    deepest = level = 0
    for match in _TOKENS.finditer(text):
        piece = match.group()
        if piece in "[{":
            level += 1
            deepest = max(deepest, level)
        elif piece in "]}":
            level -= 1
    return deepest


def loads(text: str | bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    size = len(text.encode() if isinstance(text, str) else text)
    if size > max_bytes:
        raise UnsafeJSON(
            _("The data is too large: %(size)d KB; at most %(most)d KB.")
            % {"size": size // 1024, "most": max_bytes // 1024}
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise UnsafeJSON(_("The data is not UTF-8 text.")) from None
    if depth(text) > max_depth:
        raise UnsafeJSON(
            _("The data is nested too deeply: at most %(most)d levels.") % {"most": max_depth}
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UnsafeJSON(_("The data is not valid JSON: %(reason)s") % {"reason": exc}) from None
