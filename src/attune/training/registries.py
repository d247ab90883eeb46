"""Each workforce registry's file layout, as data (registries/*.json, one per registry, each
with its description and source; docs/training.md lists them): the columns in order, each a
header and the field of the registry record it carries, and the date format."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from attune.lib import csvout

DIRECTORY = Path(__file__).resolve().parent / "registries"
DEFAULT = "attune"


@dataclass(frozen=True)
class Column:
    header: str
    field: str


@dataclass(frozen=True)
class Layout:
    key: str
    name: str
    states: tuple[str, ...]
    description: str
    source: str
    date_format: str
    columns: tuple[Column, ...]

    def render(self, rows: Iterable[Mapping[str, str]]) -> str:
        """The CSV file: the headers, then one line per row (generic fields, ISO dates), written
        by attune.lib.csvout (a cell that a spreadsheet would run as a formula is neutralized)."""
        return csvout.write(
            [
                [c.header for c in self.columns],
                *([self.value(row, c.field) for c in self.columns] for row in rows),
            ]
        )

    def value(self, row: Mapping[str, str], name: str) -> str:
        value = row.get(name, "")
        if name == "date" and value:
            return date.fromisoformat(value).strftime(self.date_format)
        return value


@cache
def layouts() -> tuple[Layout, ...]:
    found = []
    for path in sorted(DIRECTORY.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append(
            Layout(
                key=data["key"],
                name=data["name"],
                states=tuple(data["states"]),
                description=data["description"],
                source=data["source"],
                date_format=data["date_format"],
                columns=tuple(Column(c["header"], c["field"]) for c in data["columns"]),
            )
        )
    return tuple(found)


def layout(key: str) -> Layout:
    for item in layouts():
        if item.key == key:
            return item
    raise KeyError(key)


def for_state(code: str) -> Layout:
    """The state's registry layout, or Attune's own."""
    return next((x for x in layouts() if code in x.states), layout(DEFAULT))
