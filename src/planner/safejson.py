"""JSON text read without surprises: every file a user hands the planner goes through here.

Python's json module turns a 5,000-digit integer into an error that names no field (or, below
4,300 digits, into an integer that later code multiplies into minutes of CPU), accepts NaN and
Infinity, and recurses once per nesting level. Here an integer longer than 30 digits becomes a
`HugeNumber` that the field checks refuse by name, NaN/Infinity are refused, and nesting deeper
than `MAX_DEPTH` is refused with the path where it happens.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 40
MAX_DIGITS = 30


class JSONError(ValueError):
    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class HugeNumber:
    """A number too long to be meant; any field check refuses it (it is not an int)."""

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-"))

    def __repr__(self) -> str:
        return f"a number of {self.digits} digits"

    __str__ = __repr__


def _int(text: str) -> int | HugeNumber:
    if len(text.lstrip("-")) > MAX_DIGITS:
        return HugeNumber(text)
    return int(text)


def _float(text: str) -> float | HugeNumber:
    if len(text) > 60:
        return HugeNumber(text)
    return float(text)


def _constant(text: str) -> Any:
    raise ValueError(f"{text} is not a number JSON allows")


def _depth_check(data: Any) -> None:
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise JSONError(path, f"is nested too deeply (more than {MAX_DEPTH} levels)")
        if isinstance(value, dict):
            for key, item in value.items():
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((item, f"{path}[{i}]", depth + 1))


def loads(text: str) -> Any:
    """Parse JSON text; JSONError says where and what is wrong."""
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise JSONError("", f"is nested too deeply (more than {MAX_DEPTH} levels)") from None
    except json.JSONDecodeError as exc:
        raise JSONError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except ValueError as exc:
        raise JSONError("", f"not valid JSON: {exc}") from None
    _depth_check(data)
    return data
