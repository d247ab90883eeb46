"""CSV import and export of children, families (with their guardians) and caregivers.

The import is two steps. :func:`preview` decodes and checks an uploaded file and writes
nothing; the view stores the decoded text in an :class:`ImportBatch`. :func:`commit` checks
the stored text again and, only when every row is good, writes every row in one transaction
(bulk inserts, the "enrolled" events of children, and one audit entry per created record).
A file with one bad row imports nothing.

Every problem is a :class:`RowError`: the line of the file (header = line 1, as a text editor
counts lines), the column, the value and a plain-language reason. The column formats are
documented in docs/csv-import.md; :data:`COLUMNS` is the same list in code, and
:func:`export_csv` writes files in exactly the import format.

No views here: attune.programs.views_import is the web side.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from attune.lib import csvout, languages, schedules
from attune.lib import text as free_text
from attune.lib.audit import log_bulk_created
from attune.programs import rulesets
from attune.programs.models import (
    Caregiver,
    Child,
    EnrollmentEvent,
    Family,
    FamilyShare,
    Guardian,
    ImportBatch,
    Program,
    Room,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from attune.accounts.models import User

KINDS = ("children", "families", "caregivers")
PREVIEW_ROWS = 20
BATCH_SIZE = 500

# Encodings tried in order; the stored name is the codec name, the label is for people.
ENCODING_LABELS = {
    "utf-8": gettext_lazy("UTF-8"),
    "utf-8-sig": gettext_lazy("UTF-8 with a byte-order mark (BOM)"),
    "cp1252": gettext_lazy("Windows-1252 (Western European, Excel on Windows)"),
    "latin-1": gettext_lazy("Latin-1 (ISO-8859-1)"),
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (empty, binary, too big); the message says why."""


class ImportRefused(RuntimeError):
    """The batch cannot be imported (already imported, discarded, records changed meanwhile)."""


# -- the columns of each kind of file ---------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: StrOrPromise


YES_NO = gettext_lazy("yes or no (also true/false, 1/0); blank means no.")

COLUMNS: dict[str, tuple[Column, ...]] = {
    "families": (
        Column("family_code", True, gettext_lazy(
            "Your reference for the family, e.g. F-0012. Rows with the same code are one family "
            "(one row per guardian). The code must be new to the organization."
        )),
        Column("family_name", True, gettext_lazy(
            "The family's name, on at least one of the family's rows; other rows may repeat "
            "it or leave it blank."
        )),
        Column("preferred_language", False, gettext_lazy(
            "Language for reports and messages: an ISO code (es, vi) or an English name "
            "(Spanish). Blank means en."
        )),
        Column("address", False, gettext_lazy("Home address.")),
        Column("guardian_first_name", False, gettext_lazy("Guardian's first name.")),
        Column("guardian_last_name", False, gettext_lazy("Guardian's last name.")),
        Column("relationship", False, gettext_lazy(
            "mother, father, parent, grandparent, foster_parent, legal_guardian or other "
            "(or the English labels, e.g. Foster parent)."
        )),
        Column("phone", False, gettext_lazy("Guardian's phone. Give a phone or an email.")),
        Column("email", False, gettext_lazy("Guardian's email.")),
        Column("primary_contact", False, gettext_lazy(
            "yes for the family's primary contact (at most one per family); blank means no."
        )),
    ),
    "children": (
        Column("first_name", True, gettext_lazy("Child's legal first name.")),
        Column("last_name", True, gettext_lazy("Child's last name.")),
        Column("birth_date", True, gettext_lazy(
            "YYYY-MM-DD (e.g. 2024-05-14) or MM/DD/YYYY (US order, e.g. 05/14/2024). "
            "Not in the future."
        )),
        Column("family_code", True, gettext_lazy(
            "Code of a family already in the organization (import families.csv first)."
        )),
        Column("enrollment_start", True, gettext_lazy(
            "First day of enrollment, a date as above; not before the birth date."
        )),
        Column("enrollment_end", False, gettext_lazy(
            "Last day of enrollment, a date as above; blank while enrolled."
        )),
        Column("room", False, gettext_lazy(
            "Name of one of this program's rooms (capital letters do not matter); may be blank."
        )),
        Column("schedule", False, gettext_lazy(
            "Weekly attendance, e.g. “mon-fri 08:00-16:30” or “mon,wed 08:00-12:00; fri "
            "08:00-15:00”, within the program's hours and open days."
        )),
        Column("home_languages", False, gettext_lazy(
            "ISO codes or English names separated by ; or , e.g. “es; en”."
        )),
        Column("preferred_name", False, gettext_lazy("The name the child goes by.")),
        Column("cultural_practices", False, gettext_lazy(
            "Home practices and values the family wants reflected in care."
        )),
        Column("ifsp", False, gettext_lazy(
            "Has an Individualized Family Service Plan: yes or no; blank means no."
        )),
        Column("ifsp_coordinator_name", False, gettext_lazy("IFSP service coordinator's name.")),
        Column("ifsp_coordinator_phone", False, gettext_lazy("Coordinator's phone.")),
        Column("ifsp_coordinator_email", False, gettext_lazy("Coordinator's email.")),
        Column("allergies", False, gettext_lazy("Allergies.")),
        Column("medical_notes", False, gettext_lazy("Medical notes.")),
    ),
    "caregivers": (
        Column("first_name", True, gettext_lazy("First name.")),
        Column("last_name", True, gettext_lazy("Last name.")),
        Column("email", False, gettext_lazy("Work email.")),
        Column("phone", False, gettext_lazy("Phone.")),
        Column("role", False, gettext_lazy(
            "lead, assistant, floater or director (or the English labels, e.g. Lead "
            "caregiver). Blank means lead."
        )),
        Column("room", False, gettext_lazy("Home room: one of this program's rooms; may be blank.")),
        Column("languages", True, gettext_lazy(
            "Languages spoken, at least one: ISO codes or English names, e.g. “es; en”."
        )),
        Column("shifts", False, gettext_lazy("Weekly shifts, e.g. “mon-fri 07:30-16:00”.")),
        Column("hire_date", True, gettext_lazy("YYYY-MM-DD or MM/DD/YYYY.")),
        Column("end_date", False, gettext_lazy("Last day, if known; not before the hire date.")),
        Column("credentials", False, gettext_lazy(
            "Codes (or the English labels) separated by ; — cda, it_certificate, associate, "
            "bachelor, master, doctorate, state_permit, pitc."
        )),
        Column("ifsp_trained", False, YES_NO),
        Column("max_primary", False, gettext_lazy(
            "Most primary children, a whole number from 0 to 12. Blank means 4."
        )),
    ),
}  # fmt: skip

# The example files (docs/examples/*.csv hold the same text; a test keeps them in step).
EXAMPLE_ROWS: dict[str, list[list[str]]] = {
    "families": [
        ["F-0012", "Muñoz Castillo", "es", "1200 SE Oak St, Portland, OR 97214", "José",
         "Muñoz", "father", "503-555-0112", "jose.munoz@example.org", "yes"],
        ["F-0012", "Muñoz Castillo", "es", "1200 SE Oak St, Portland, OR 97214", "Daniela",
         "Castillo", "mother", "503-555-0113", "", "no"],
        ["F-0013", "Nguyen", "Vietnamese", "", "Lan", "Nguyen", "Grandparent", "503-555-0114",
         "lan.nguyen@example.org", "yes"],
    ],
    "children": [
        ["Sofía", "Muñoz Castillo", "2024-05-14", "F-0012", "2025-01-06", "", "Robins",
         "mon-fri 08:00-16:30", "es; en", "Sofi", 'Sings "Los pollitos" before nap', "no",
         "", "", "", "", ""],
        ["Minh", "Nguyen", "11/02/2023", "F-0013", "2024-09-03", "", "Wrens",
         "mon,wed,fri 08:00-12:30", "vi; en", "", "", "yes", "Ana Ruiz", "503-555-0190",
         "ana.ruiz@example.org", "peanuts", "Inhaler in the cubby;\nuse before outdoor play"],
    ],
    "caregivers": [
        ["Graciela", "Ortega", "graciela.ortega@example.org", "503-555-0150", "lead", "Robins",
         "es; en", "mon-fri 07:30-16:00", "2021-08-16", "", "cda; pitc", "yes", "4"],
        ["Tomás", "Reyes", "", "503-555-0151", "Assistant caregiver", "Wrens", "en",
         "mon-thu 09:00-17:30", "01/08/2024", "", "", "no", ""],
    ],
}  # fmt: skip


def header(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind]]


def example_csv(kind: str) -> str:
    return _write_csv([header(kind), *EXAMPLE_ROWS[kind]])


# -- report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    kind: str
    encoding: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict[str, str]] = field(default_factory=list)
    creates: dict[str, int] = field(default_factory=dict)
    # The decoded file (what an ImportBatch stores); empty once committed.
    text: str = field(default="", repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        """How many lines have at least one problem."""
        return len({e.line for e in self.errors})

    @property
    def encoding_label(self) -> str:
        return str(ENCODING_LABELS.get(self.encoding, self.encoding))

    def preview_columns(self) -> list[str]:
        return ["line", *(k for k in self.preview[0] if k != "line")] if self.preview else []

    def preview_table(self) -> list[list[str]]:
        columns = self.preview_columns()
        return [[row.get(c, "") for c in columns] for row in self.preview]

    def summary(self) -> list[str]:
        """'2 families', '3 guardians': what the import creates, in the reader's language."""
        out = []
        for name, n in self.creates.items():
            out.append(_count_label(name, n))
        return out


def _count_label(name: str, n: int) -> str:
    if name == "children":
        return ngettext("%(n)d child", "%(n)d children", n) % {"n": n}
    if name == "families":
        return ngettext("%(n)d family", "%(n)d families", n) % {"n": n}
    if name == "guardians":
        return ngettext("%(n)d guardian", "%(n)d guardians", n) % {"n": n}
    if name == "caregivers":
        return ngettext("%(n)d caregiver", "%(n)d caregivers", n) % {"n": n}
    if name == "enrollment_events":
        return ngettext("%(n)d enrollment event", "%(n)d enrollment events", n) % {"n": n}
    return f"{n} {name}"


# -- decoding -----------------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"


def decode(data: bytes) -> tuple[str, str]:
    """Bytes of an uploaded file -> (text, encoding name). Raises ImportFileError."""
    limit: int = settings.ATTUNE_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportFileError(
            _("The file is %(size)s; the most we accept is %(limit)s. Split it into smaller files.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(limit)}
        )
    if not data.strip() or data.strip() == _BOM:
        raise ImportFileError(_("The file is empty."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _(
                "The file is saved as UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and "
                "upload it again."
            )
        )
    if b"\x00" in data:
        raise ImportFileError(
            _(
                "This is not a CSV text file (it contains binary data). In your spreadsheet use "
                "“Save as” or “Download as” and choose CSV."
            )
        )
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(_BOM) else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"
    # Without bytes 0x80-0x9f, Windows-1252 and Latin-1 read the same: call it Latin-1.
    if re.search(rb"[\x80-\x9f]", data):
        return text, "cp1252"
    return text, "latin-1"


def _megabytes(n: int) -> str:
    return _("%(n).1f MB") % {"n": n / (1024 * 1024)}


# -- reading rows -------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    first = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _column_key(raw: str) -> str:
    return re.sub(r"[\s\-]+", "_", raw.replace("\ufeff", "").strip().casefold())


# Columns that keep their line breaks (the models' multi-line text fields).
_MULTI_LINE = frozenset({"cultural_practices", "allergies", "medical_notes", "notes"})


def _unescape(value: str) -> str:
    """Undo the apostrophe export puts before cells a spreadsheet would run as a formula."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def _guess_kind(names: set[str]) -> str | None:
    for kind, columns in COLUMNS.items():
        known = {c.name for c in columns}
        if names <= known and {c.name for c in columns if c.required} <= names:
            return kind
    return None


def _read_rows(text: str, kind: str, errors: list[RowError]) -> list[tuple[int, dict[str, str]]]:
    """(line, {column: stripped value}) for every non-blank row; header problems -> errors."""
    columns = COLUMNS[kind]
    known = [c.name for c in columns]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    prev = 0
    try:
        raw_header: list[str] = []
        for cells in reader:
            if any(c.strip() for c in cells):
                raw_header = cells
                break
        header_line = reader.line_num
        prev = header_line
        if not raw_header:
            errors.append(RowError(1, "", "", _("The file has no header row.")))
            return []
        names = [_column_key(h) for h in raw_header]
        expected = ", ".join(known)
        problems: list[RowError] = []
        seen: set[str] = set()
        for raw, name in zip(raw_header, names, strict=True):
            if not name:
                continue
            if name not in known:
                problems.append(
                    RowError(
                        header_line,
                        raw.strip(),
                        "",
                        _(
                            "unknown column “%(name)s”; the columns of a %(kind)s file are: %(expected)s"
                        )
                        % {"name": raw.strip(), "kind": kind, "expected": expected},
                    )
                )
            elif name in seen:
                problems.append(
                    RowError(
                        header_line,
                        name,
                        "",
                        _("the column %(name)s appears twice") % {"name": name},
                    )
                )
            seen.add(name)
        for column in columns:
            if column.required and column.name not in seen:
                problems.append(
                    RowError(
                        header_line,
                        column.name,
                        "",
                        _("required column %(name)s is missing from the header row")
                        % {"name": column.name},
                    )
                )
        if problems:
            guess = _guess_kind({n for n in names if n})
            if guess and guess != kind:
                problems.append(
                    RowError(
                        header_line,
                        "",
                        "",
                        _(
                            "These columns are those of a %(guess)s file: choose “%(label)s” as "
                            "what the file holds and upload it again."
                        )
                        % {"guess": guess, "label": ImportBatch.Kind(guess).label},
                    )
                )
            errors.extend(problems)
            return []
        index = [(i, n) for i, n in enumerate(names) if n]
        width = len(names)
        rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            start, prev = prev + 1, reader.line_num
            if not cells or not any(c.strip() for c in cells):
                continue
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                errors.append(
                    RowError(
                        start,
                        "",
                        "",
                        _(
                            "this row has %(n)d cells but the header has %(m)d columns; "
                            "a value may contain an unquoted %(sep)s"
                        )
                        % {"n": len(cells), "m": width, "sep": reader.dialect.delimiter},
                    )
                )
            row: dict[str, str] = {}
            n_cells = len(cells)
            for i, name in index:
                value = cells[i].strip() if i < n_cells else ""
                if value:
                    if not value.isprintable():  # names lose control characters and breaks
                        clean = (
                            free_text.multi_line if name in _MULTI_LINE else free_text.single_line
                        )
                        value = clean(value)
                    if value and value[0] == "'":
                        value = _unescape(value)
                row[name] = value
            rows.append((start, row))
        return rows
    except csv.Error as exc:
        errors.append(
            RowError(
                prev + 1,
                "",
                "",
                _(
                    "the file cannot be read from here on (%(detail)s); check for a quote mark "
                    "that is opened but never closed"
                )
                % {"detail": exc},
            )
        )
        return []


# -- checking cells -----------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YES = frozenset({"yes", "y", "true", "1", "sí", "si", "s"})
_NO = frozenset({"no", "n", "false", "0"})


def _parse_date(value: str) -> date | str:
    """A date, or the plain-language reason it is not one."""
    match = _ISO_DATE.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _US_DATE.match(value)
        if not match:
            return _(
                "“%(value)s” is not a date; write it as YYYY-MM-DD (e.g. 2024-03-15) or "
                "MM/DD/YYYY (e.g. 03/15/2024)"
            ) % {"value": value}
        month, day, year = (int(g) for g in match.groups())
    if not 1900 <= year <= 2200:
        return _("“%(value)s” is not a valid date: the year %(year)d is out of range") % {
            "value": value,
            "year": year,
        }
    if not 1 <= month <= 12:
        return _("“%(value)s” is not a valid date: there is no month %(month)d") % {
            "value": value,
            "month": month,
        }
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return _("“%(value)s” is not a valid date: %(month)s %(year)d has %(days)d days") % {
            "value": value,
            "month": MONTHS[month],
            "year": year,
            "days": days,
        }
    return date(year, month, day)


def _max_lengths(model: Any, names: Iterable[str]) -> dict[str, int]:
    """Each column's most characters (attune.lib.text: a field's own, else its kind's)."""
    out: dict[str, int] = {}
    for name in names:
        length = free_text.limit(model._meta.get_field(name))
        if length:
            out[name] = length
    return out


def _lookup(choices: Any) -> dict[str, str]:
    """Accepted spellings (code, English label, label in the reader's language) -> code."""
    table: dict[str, str] = {}
    for value, label in choices.choices:
        table[str(label).casefold()] = value
        with translation.override("en"):
            table[str(label).casefold()] = value
        table[value.casefold()] = value
        table[value.replace("_", " ").casefold()] = value
    return table


class _Row:
    """One data row being checked: typed values out, every problem appended to `errors`."""

    __slots__ = ("cache", "cells", "errors", "lengths", "line")

    def __init__(
        self,
        line: int,
        cells: dict[str, str],
        errors: list[RowError],
        lengths: dict[str, int],
        cache: dict[tuple[str, str], Any],
    ) -> None:
        self.line = line
        self.cells = cells
        self.errors = errors
        self.lengths = lengths
        self.cache = cache

    def fail(self, column: str, reason: str, value: str | None = None) -> None:
        self.errors.append(
            RowError(
                self.line, column, self.cells.get(column, "") if value is None else value, reason
            )
        )

    def text(self, column: str, *, required: bool = False, length_of: str = "") -> str:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.fail(column, _("required; this cell is empty"))
            return ""
        limit = self.lengths.get(length_of or column)
        if limit and len(value) > limit:
            self.fail(
                column,
                _("too long: at most %(limit)d characters, this has %(n)d")
                % {"limit": limit, "n": len(value)},
            )
            return ""
        return value

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.fail(column, _("required; this cell is empty"))
            return None
        key = ("date", value)
        parsed = self.cache.get(key)
        if parsed is None:
            parsed = self.cache[key] = _parse_date(value)
        if isinstance(parsed, str):
            self.fail(column, parsed)
            return None
        return parsed

    def flag(self, column: str) -> bool:
        value = self.cells.get(column, "")
        if not value:
            return False
        key = value.casefold()
        if key in _YES:
            return True
        if key not in _NO:
            self.fail(column, _("“%(value)s” is not yes or no") % {"value": value})
        return False

    def email(self, column: str, *, length_of: str = "") -> str:
        value = self.text(column, length_of=length_of)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.fail(column, _("“%(value)s” is not an email address") % {"value": value})
                return ""
        return value

    def language_list(self, column: str, *, required: bool = False) -> list[str] | None:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.fail(column, _("required: give at least one language, e.g. en"))
                return None
            return []
        key = ("languages", value)
        parsed = self.cache.get(key)
        if parsed is None:
            try:
                parsed = languages.parse_list(value)
            except languages.UnknownLanguage as exc:
                parsed = _(
                    "“%(value)s” is not a language code or name we know; use an ISO code "
                    "such as es or vi"
                ) % {"value": exc.value}
            self.cache[key] = parsed
        if isinstance(parsed, str):
            self.fail(column, parsed)
            return None
        return list(parsed)

    def language(self, column: str) -> str | None:
        """One language code; None when blank or unknown (unknown is reported)."""
        value = self.cells.get(column, "")
        if not value:
            return None
        try:
            return languages.normalize(value)
        except languages.UnknownLanguage:
            self.fail(
                column,
                _(
                    "“%(value)s” is not a language code or name we know; use an ISO code "
                    "such as es or vi"
                )
                % {"value": value},
            )
            return None

    def schedule(self, column: str, program: Program | None) -> schedules.Schedule | None:
        value = self.cells.get(column, "")
        if not value:
            return {}
        key = ("schedule", value)
        parsed = self.cache.get(key)
        if parsed is None:
            try:
                parsed = schedules.parse_text(value)
                if program is not None:
                    reason = program.outside_hours(parsed)
                    if reason:
                        parsed = reason
            except schedules.ScheduleError as exc:
                parsed = str(exc)
            self.cache[key] = parsed
        if isinstance(parsed, str):
            self.fail(column, parsed)
            return None
        return parsed

    def choice(
        self, column: str, table: dict[str, str], default: str | None, allowed: str
    ) -> str | None:
        value = self.cells.get(column, "")
        if not value:
            return default
        code = table.get(value.casefold())
        if code is None:
            self.fail(
                column,
                _("“%(value)s” is not one of: %(allowed)s") % {"value": value, "allowed": allowed},
            )
        return code

    def room(self, column: str, rooms: dict[str, Room], names: str) -> Room | None:
        value = self.cells.get(column, "")
        if not value:
            return None
        room = rooms.get(value.casefold())
        if room is None:
            if names:
                reason = _("unknown room “%(value)s”; this program's rooms are: %(names)s")
            else:
                reason = _("unknown room “%(value)s”; this program has no rooms yet")
            self.fail(column, reason % {"value": value, "names": names})
        return room


def _rooms(program: Program) -> tuple[dict[str, Room], str]:
    rooms = list(program.rooms.all())
    return {r.name.casefold(): r for r in rooms}, ", ".join(r.name for r in rooms)


# -- children -----------------------------------------------------------------------------

_CHILD_TEXT = (
    "first_name", "last_name", "preferred_name", "ifsp_coordinator_name",
    "ifsp_coordinator_phone", "ifsp_coordinator_email", "cultural_practices", "allergies",
    "medical_notes",
)  # fmt: skip


def _check_children(
    program: Program, rows: list[tuple[int, dict[str, str]]], report: ImportReport
) -> list[dict[str, Any]]:
    errors = report.errors
    lengths = _max_lengths(Child, _CHILD_TEXT)
    rooms, room_names = _rooms(program)
    # Family instances, not ids: the audit entries name the family (FK string representation).
    families_exact: dict[str, Family] = {}
    families_folded: dict[str, list[Family]] = {}
    # Only families shared with the program: a code of another program's family is refused,
    # like an unknown one (linking needs the family's or the administrator's confirmation).
    for family_obj in Family.objects.known_to(program):
        families_exact[family_obj.code] = family_obj
        families_folded.setdefault(family_obj.code.casefold(), []).append(family_obj)
    existing = {
        (first.casefold(), last.casefold(), birth)
        for first, last, birth in Child.objects.filter(program=program).values_list(
            "first_name", "last_name", "birth_date"
        )
    }
    seen: dict[tuple[str, str, date], int] = {}
    today = program.today()
    cache: dict[tuple[str, str], Any] = {}
    plan: list[dict[str, Any]] = []
    for line, cells in rows:
        before = len(errors)
        row = _Row(line, cells, errors, lengths, cache)
        first = row.text("first_name", required=True)
        last = row.text("last_name", required=True)
        birth = row.date("birth_date", required=True)
        code = cells.get("family_code", "")
        family: Family | None = None
        if not code:
            row.fail("family_code", _("required; this cell is empty"))
        else:
            family = families_exact.get(code)
            if family is None:
                matches = families_folded.get(code.casefold(), [])
                family = matches[0] if len(matches) == 1 else None
            if family is None:
                row.fail(
                    "family_code",
                    _(
                        "no family with the code %(code)s in this program; import "
                        "families.csv first, add the family, or ask for a family of another "
                        "program to be shared with this one"
                    )
                    % {"code": code},
                )
        start = row.date("enrollment_start", required=True)
        end = row.date("enrollment_end")
        room = row.room("room", rooms, room_names)
        schedule = row.schedule("schedule", program)
        home_languages = row.language_list("home_languages")
        preferred_name = row.text("preferred_name")
        has_ifsp = row.flag("ifsp")
        coordinator = row.text("ifsp_coordinator_name")
        coordinator_phone = row.text("ifsp_coordinator_phone")
        coordinator_email = row.email("ifsp_coordinator_email")
        cultural_practices = row.text("cultural_practices")
        allergies = row.text("allergies")
        medical_notes = row.text("medical_notes")
        if birth is not None:
            if birth > today:
                row.fail(
                    "birth_date",
                    _("the birth date %(date)s is in the future") % {"date": birth.isoformat()},
                )
            elif start is not None and start < birth:
                row.fail(
                    "enrollment_start",
                    _("enrollment cannot start before the birth date (%(date)s)")
                    % {"date": birth.isoformat()},
                )
            elif start is not None:
                on = start if end is not None and end < today else max(start, today)
                if reason := rulesets.outside_ages(program, birth, on):
                    row.fail("birth_date", reason)
        if start is not None and end is not None and end < start:
            row.fail(
                "enrollment_end",
                _("enrollment cannot end before it starts (%(date)s)")
                % {"date": start.isoformat()},
            )
        if first and last and birth is not None:
            key = (first.casefold(), last.casefold(), birth)
            label = f"{first} {last}, {birth.isoformat()}"
            if key in existing:
                row.fail(
                    "first_name, last_name, birth_date",
                    _("duplicate child: %(name)s, born %(birth)s, is already in this program")
                    % {"name": f"{first} {last}", "birth": birth.isoformat()},
                    value=label,
                )
            elif key in seen:
                row.fail(
                    "first_name, last_name, birth_date",
                    _("duplicate child: %(name)s, born %(birth)s, is also on line %(line)d")
                    % {"name": f"{first} {last}", "birth": birth.isoformat(), "line": seen[key]},
                    value=label,
                )
            else:
                seen[key] = line
        if len(errors) == before:
            assert family is not None and birth is not None and start is not None
            plan.append(
                {
                    "first_name": first,
                    "last_name": last,
                    "preferred_name": preferred_name,
                    "birth_date": birth,
                    "enrollment_start": start,
                    "enrollment_end": end,
                    "family": family,
                    "room": room,
                    "schedule": schedule,
                    "home_languages": home_languages,
                    "cultural_practices": cultural_practices,
                    "has_ifsp": has_ifsp,
                    "ifsp_coordinator_name": coordinator,
                    "ifsp_coordinator_phone": coordinator_phone,
                    "ifsp_coordinator_email": coordinator_email,
                    "allergies": allergies,
                    "medical_notes": medical_notes,
                }
            )
            if len(report.preview) < PREVIEW_ROWS:
                report.preview.append(
                    {
                        "line": str(line),
                        "first_name": first,
                        "last_name": last,
                        "preferred_name": preferred_name,
                        "birth_date": birth.isoformat(),
                        "family_code": f"{family.code} ({family.name})",
                        "enrollment_start": start.isoformat(),
                        "enrollment_end": end.isoformat() if end else "",
                        "room": room.name if room else "",
                        "schedule": schedules.to_text(schedule or {}),
                        "home_languages": ", ".join(home_languages or []),
                        "ifsp": _("yes") if has_ifsp else _("no"),
                    }
                )
    report.creates = {"children": len(plan), "enrollment_events": len(plan)}
    return plan


def _write_children(
    actor: User | None, program: Program, plan: list[dict[str, Any]], report: ImportReport
) -> None:
    children = [Child(program=program, **data) for data in plan]
    Child.objects.bulk_create(children, batch_size=BATCH_SIZE)
    _check_pks(children)
    no_room = _("no room yet")
    events = [
        EnrollmentEvent(
            child=child,
            kind=EnrollmentEvent.Kind.ENROLLED,
            effective=child.enrollment_start,
            detail=child.room.name if child.room else no_room,
            recorded_by=actor,
        )
        for child in children
    ]
    EnrollmentEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    log_bulk_created(actor=actor, instances=children)
    report.creates = {"children": len(children), "enrollment_events": len(events)}


# -- families -----------------------------------------------------------------------------


_GUARDIAN_COLUMNS = (
    "guardian_first_name", "guardian_last_name", "relationship", "phone", "email",
)  # fmt: skip


@dataclass
class _FamilyPlan:
    line: int
    code: str
    name: str = ""
    name_line: int = 0
    preferred_language: str | None = None
    language_line: int = 0
    address: str = ""
    address_line: int = 0
    primary_line: int = 0
    guardians: list[dict[str, Any]] = field(default_factory=list)
    guardian_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    bad: bool = False


def _check_families(
    program: Program, rows: list[tuple[int, dict[str, str]]], report: ImportReport
) -> list[_FamilyPlan]:
    errors = report.errors
    lengths = {
        **_max_lengths(Family, ("name", "address")),
        **{
            f"guardian_{k}": v
            for k, v in _max_lengths(Guardian, ("first_name", "last_name")).items()
        },
        **_max_lengths(Guardian, ("phone", "email")),
        "family_code": Family._meta.get_field("code").max_length or 40,
    }
    relationships = _lookup(Guardian.Relationship)
    allowed = ", ".join(Guardian.Relationship.values)
    taken = {
        code.casefold()
        for code in Family.objects.filter(organization_id=program.organization_id).values_list(
            "code", flat=True
        )
    }
    families: dict[str, _FamilyPlan] = {}
    cache: dict[tuple[str, str], Any] = {}
    for line, cells in rows:
        before = len(errors)
        row = _Row(line, cells, errors, lengths, cache)
        code = row.text("family_code", required=True)
        name = row.text("family_name", length_of="name")
        language = row.language("preferred_language")
        address = row.text("address")
        g_first = row.text("guardian_first_name")
        g_last = row.text("guardian_last_name")
        relationship = row.choice("relationship", relationships, None, allowed)
        phone = row.text("phone")
        email = row.email("email")
        primary = row.flag("primary_contact")
        if not code:
            continue
        key = code.casefold()
        if key in taken:
            row.fail(
                "family_code",
                _(
                    "family code %(code)s already exists in this organization; this import only "
                    "adds new families"
                )
                % {"code": code},
            )
        family = families.get(key)
        if family is None:
            family = families[key] = _FamilyPlan(line=line, code=code)
        if name:
            if not family.name:
                family.name, family.name_line = name, line
            elif name.casefold() != family.name.casefold():
                row.fail(
                    "family_name",
                    _("conflicts with line %(line)d, which names family %(code)s “%(other)s”")
                    % {"line": family.name_line, "code": family.code, "other": family.name},
                )
        if language:
            if family.preferred_language is None:
                family.preferred_language, family.language_line = language, line
            elif language != family.preferred_language:
                row.fail(
                    "preferred_language",
                    _("conflicts with line %(line)d, which gives %(other)s for family %(code)s")
                    % {
                        "line": family.language_line,
                        "other": family.preferred_language,
                        "code": family.code,
                    },
                )
        if address:
            if not family.address:
                family.address, family.address_line = address, line
            elif address != family.address:
                row.fail(
                    "address",
                    _(
                        "conflicts with line %(line)d, which gives another address for family "
                        "%(code)s"
                    )
                    % {"line": family.address_line, "code": family.code},
                )
        guardian_given = primary or any(cells.get(c) for c in _GUARDIAN_COLUMNS)
        if guardian_given:
            if not cells.get("guardian_first_name"):
                row.fail("guardian_first_name", _("required for a guardian; this cell is empty"))
            if not cells.get("guardian_last_name"):
                row.fail("guardian_last_name", _("required for a guardian; this cell is empty"))
            if not cells.get("relationship"):
                row.fail(
                    "relationship",
                    _("required for a guardian: one of %(allowed)s") % {"allowed": allowed},
                )
            if not cells.get("phone") and not cells.get("email"):
                row.fail(
                    "phone",
                    _("give a phone number or an email so the program can reach this guardian"),
                )
            if g_first and g_last:
                gkey = (g_first.casefold(), g_last.casefold())
                if gkey in family.guardian_lines:
                    row.fail(
                        "guardian_first_name, guardian_last_name",
                        _("%(name)s is already a guardian of family %(code)s on line %(line)d")
                        % {
                            "name": f"{g_first} {g_last}",
                            "code": family.code,
                            "line": family.guardian_lines[gkey],
                        },
                        value=f"{g_first} {g_last}",
                    )
                else:
                    family.guardian_lines[gkey] = line
            if primary:
                if family.primary_line:
                    row.fail(
                        "primary_contact",
                        _(
                            "line %(line)d already names the primary contact of family %(code)s; "
                            "a family has one"
                        )
                        % {"line": family.primary_line, "code": family.code},
                    )
                else:
                    family.primary_line = line
        if len(errors) != before:
            family.bad = True
            continue
        if guardian_given:
            family.guardians.append(
                {
                    "line": line,
                    "first_name": g_first,
                    "last_name": g_last,
                    "relationship": relationship,
                    "phone": phone,
                    "email": email,
                    "is_primary_contact": primary,
                }
            )
    plan = list(families.values())
    for family in plan:
        if not family.name and not family.bad:
            errors.append(
                RowError(family.line, "family_name", "", _("required; this cell is empty"))
            )
            family.bad = True
        if not family.guardian_lines and not family.bad:
            errors.append(
                RowError(
                    family.line,
                    "guardian_first_name",
                    "",
                    _(
                        "family %(code)s has no guardian: give at least one guardian's first name, "
                        "last name and relationship"
                    )
                    % {"code": family.code},
                )
            )
            family.bad = True
    if errors:
        errors.sort(key=lambda e: e.line)
    good = [f for f in plan if not f.bad]
    for family in good:
        for guardian in family.guardians:
            if len(report.preview) >= PREVIEW_ROWS:
                break
            report.preview.append(
                {
                    "line": str(guardian["line"]),
                    "family_code": family.code,
                    "family_name": family.name,
                    "preferred_language": family.preferred_language or "en",
                    "address": family.address,
                    "guardian": f"{guardian['first_name']} {guardian['last_name']}",
                    "relationship": str(Guardian.Relationship(guardian["relationship"]).label),
                    "phone": guardian["phone"],
                    "email": guardian["email"],
                    "primary_contact": _("yes") if guardian["is_primary_contact"] else _("no"),
                }
            )
    report.creates = {
        "families": len(good),
        "guardians": sum(len(f.guardians) for f in good),
    }
    return good


def _write_families(
    actor: User | None, program: Program, plan: list[_FamilyPlan], report: ImportReport
) -> None:
    organization = program.organization
    families = [
        Family(
            organization=organization,
            code=f.code,
            name=f.name,
            preferred_language=f.preferred_language or "en",
            address=f.address,
        )
        for f in plan
    ]
    Family.objects.bulk_create(families, batch_size=BATCH_SIZE)
    _check_pks(families)
    guardians = [
        Guardian(family=family, **{k: v for k, v in g.items() if k != "line"})
        for family, f in zip(families, plan, strict=True)
        for g in f.guardians
    ]
    Guardian.objects.bulk_create(guardians, batch_size=BATCH_SIZE)
    _check_pks(guardians)
    decided_at = timezone.now()
    shares = [
        FamilyShare(
            family=family,
            program=program,
            status=FamilyShare.Status.APPROVED,
            requested_by=actor,
            decided_by=actor,
            decided_at=decided_at,
        )
        for family in families
    ]
    FamilyShare.objects.bulk_create(shares, batch_size=BATCH_SIZE)
    _check_pks(shares)
    log_bulk_created(actor=actor, instances=[*families, *shares, *guardians])
    report.creates = {"families": len(families), "guardians": len(guardians)}


# -- caregivers ---------------------------------------------------------------------------


def _check_caregivers(
    program: Program, rows: list[tuple[int, dict[str, str]]], report: ImportReport
) -> list[dict[str, Any]]:
    errors = report.errors
    lengths = _max_lengths(Caregiver, ("first_name", "last_name", "email", "phone"))
    rooms, room_names = _rooms(program)
    roles = _lookup(Caregiver.Role)
    role_names = ", ".join(Caregiver.Role.values)
    credentials = _lookup(Caregiver.Credential)
    credential_names = ", ".join(Caregiver.Credential.values)
    existing = {
        (first.casefold(), last.casefold(), email.casefold())
        for first, last, email in Caregiver.objects.filter(program=program).values_list(
            "first_name", "last_name", "email"
        )
    }
    seen: dict[tuple[str, str, str], int] = {}
    cache: dict[tuple[str, str], Any] = {}
    plan: list[dict[str, Any]] = []
    for line, cells in rows:
        before = len(errors)
        row = _Row(line, cells, errors, lengths, cache)
        first = row.text("first_name", required=True)
        last = row.text("last_name", required=True)
        email = row.email("email")
        phone = row.text("phone")
        role = row.choice("role", roles, Caregiver.Role.LEAD, role_names)
        room = row.room("room", rooms, room_names)
        spoken = row.language_list("languages", required=True)
        if spoken == [] and cells.get("languages"):
            row.fail("languages", _("required: give at least one language, e.g. en"))
        shifts = row.schedule("shifts", None)
        hired = row.date("hire_date", required=True)
        end = row.date("end_date")
        codes: list[str] = []
        for part in re.split(r"[;,]", cells.get("credentials", "")):
            part = part.strip()
            if not part:
                continue
            code = credentials.get(part.casefold())
            if code is None:
                row.fail(
                    "credentials",
                    _("“%(value)s” is not a credential code; use %(allowed)s")
                    % {"value": part, "allowed": credential_names},
                )
            elif code not in codes:
                codes.append(code)
        trained = row.flag("ifsp_trained")
        max_primary = 4
        raw_max = cells.get("max_primary", "")
        if raw_max:
            if raw_max.isdigit() and 0 <= int(raw_max) <= 12:
                max_primary = int(raw_max)
            else:
                row.fail("max_primary", _("must be a whole number from 0 to 12"))
        if hired is not None and end is not None and end < hired:
            row.fail(
                "end_date",
                _("the last day cannot be before the hire date (%(date)s)")
                % {"date": hired.isoformat()},
            )
        if first and last:
            key = (first.casefold(), last.casefold(), email.casefold())
            label = f"{first} {last} {email}".strip()
            if key in existing:
                row.fail(
                    "first_name, last_name, email",
                    _("duplicate caregiver: %(name)s is already in this program") % {"name": label},
                    value=label,
                )
            elif key in seen:
                row.fail(
                    "first_name, last_name, email",
                    _("duplicate caregiver: %(name)s is also on line %(line)d")
                    % {"name": label, "line": seen[key]},
                    value=label,
                )
            else:
                seen[key] = line
        if len(errors) == before:
            plan.append(
                {
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "phone": phone,
                    "role": role,
                    "room": room,
                    "languages": spoken,
                    "shifts": shifts,
                    "hire_date": hired,
                    "end_date": end,
                    "credentials": codes,
                    "ifsp_trained": trained,
                    "max_primary": max_primary,
                }
            )
            if len(report.preview) < PREVIEW_ROWS:
                assert hired is not None and role is not None
                report.preview.append(
                    {
                        "line": str(line),
                        "first_name": first,
                        "last_name": last,
                        "email": email,
                        "role": str(Caregiver.Role(role).label),
                        "room": room.name if room else "",
                        "languages": ", ".join(spoken or []),
                        "shifts": schedules.to_text(shifts or {}),
                        "hire_date": hired.isoformat(),
                        "end_date": end.isoformat() if end else "",
                        "credentials": ", ".join(codes),
                        "ifsp_trained": _("yes") if trained else _("no"),
                        "max_primary": str(max_primary),
                    }
                )
    report.creates = {"caregivers": len(plan)}
    return plan


def _write_caregivers(
    actor: User | None, program: Program, plan: list[dict[str, Any]], report: ImportReport
) -> None:
    caregivers = [Caregiver(program=program, **data) for data in plan]
    Caregiver.objects.bulk_create(caregivers, batch_size=BATCH_SIZE)
    _check_pks(caregivers)
    log_bulk_created(actor=actor, instances=caregivers)
    report.creates = {"caregivers": len(caregivers)}


# -- preview and commit -------------------------------------------------------------------

_CHECKS: dict[str, Callable[[Program, list[tuple[int, dict[str, str]]], ImportReport], Any]] = {
    "children": _check_children,
    "families": _check_families,
    "caregivers": _check_caregivers,
}
_WRITERS: dict[str, Callable[[User | None, Program, Any, ImportReport], None]] = {
    "children": _write_children,
    "families": _write_families,
    "caregivers": _write_caregivers,
}


def _check_pks(instances: list[Any]) -> None:
    if any(instance.pk is None for instance in instances):  # pragma: no cover - old databases
        raise RuntimeError("bulk_create did not return primary keys; SQLite >= 3.35 is required")


def check(*, program: Program, kind: str, text: str, encoding: str) -> tuple[ImportReport, Any]:
    """Check decoded text: the report, and the rows ready to write (meaningful when no errors)."""
    if kind not in COLUMNS:
        raise ValueError(f"unknown import kind {kind!r}")
    report = ImportReport(kind=kind, encoding=encoding, text=text)
    rows = _read_rows(text, kind, report.errors)
    report.rows = len(rows)
    if report.errors:
        return report, None
    if not rows:
        report.errors.append(RowError(1, "", "", _("The file has a header row but no data rows.")))
        return report, None
    plan = _CHECKS[kind](program, rows, report)
    return report, plan


def preview(*, program: Program, kind: str, data: bytes, filename: str) -> ImportReport:
    """Decode and check an uploaded file; writes nothing. Raises ImportFileError."""
    text, encoding = decode(data)
    report, _plan = check(program=program, kind=kind, text=text, encoding=encoding)
    return report


def commit(*, actor: User | None, batch: ImportBatch) -> ImportReport:
    """Import a previewed batch: every row in one transaction, or nothing when any row is bad.

    Returns the report (with errors and nothing written when the stored file has problems).
    Raises ImportRefused when the batch was already imported or discarded, or when the
    records changed underneath in a way the database refuses.
    """
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status == ImportBatch.Status.IMPORTED:
                when = timezone.localtime(locked.imported_at) if locked.imported_at else None
                raise ImportRefused(
                    _("This file was already imported (%(when)s); it was not imported again.")
                    % {"when": when.strftime("%Y-%m-%d %H:%M") if when else "—"}
                )
            if locked.status == ImportBatch.Status.DISCARDED:
                raise ImportRefused(
                    _("This upload was discarded; upload the file again to import it.")
                )
            program = Program.objects.get(pk=locked.program_id)
            report, plan = check(
                program=program, kind=locked.kind, text=locked.content, encoding=locked.encoding
            )
            if report.errors:
                return report
            _WRITERS[locked.kind](actor, program, plan, report)
            locked.status = ImportBatch.Status.IMPORTED
            locked.imported_at = timezone.now()
            locked.content = ""
            locked.row_count = report.rows
            locked.error_count = 0
            locked.save(
                update_fields=["status", "imported_at", "content", "row_count", "error_count"]
            )
    except IntegrityError:
        raise ImportRefused(
            _(
                "The records changed while the file was being imported (someone added a "
                "family or child with the same code or name). Nothing was imported; check the "
                "file again."
            )
        ) from None
    batch.refresh_from_db()
    report.text = ""
    return report


# Files of more rows than this are imported by a job on the queue (attune.jobs); smaller ones
# within the request (a few hundred rows take well under a second).
QUEUE_ABOVE_ROWS = 300


@transaction.atomic
def start_import(*, actor: User | None, batch: ImportBatch) -> Any:
    """Queue the import of a previewed batch (attune.programs.tasks.import_batch); a batch
    whose import is already waiting or running gets that job (a second press of Import)."""
    from attune.jobs import services as jobs
    from attune.jobs.models import Job
    from attune.programs import tasks

    ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()  # one at a time
    pending = Job.objects.filter(
        kind="import",
        parameters__batch=batch.pk,
        status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
    ).first()
    if pending is not None:
        return pending
    return jobs.start(
        actor=actor,
        kind="import",
        title=_("Import of %(file)s (%(rows)d rows)")
        % {"file": batch.filename, "rows": batch.row_count},
        task=tasks.import_batch,
        program=batch.program,
        parameters={"batch": batch.pk},
    )


def import_job(job: Any, ctx: Any) -> dict[str, Any]:
    """The job's body: `commit` the batch (all rows or none; once, since `commit` locks the
    batch and refuses a second import)."""
    from attune.jobs.services import JobFailed

    batch = ImportBatch.objects.get(pk=job.parameters["batch"])
    preview = f"/imports/{batch.pk}/"
    if batch.status == ImportBatch.Status.IMPORTED and job.tries > 1:
        # imported by this job's earlier try, whose worker was lost before it said so
        return {"url": preview, "label": _("See the import")}
    ctx.progress(0.1, _("Checking and importing %(n)d rows…") % {"n": batch.row_count})
    try:
        report = commit(actor=job.created_by, batch=batch)
    except ImportRefused as exc:
        raise JobFailed(str(exc)) from None
    if report.errors:
        raise JobFailed(
            ngettext(
                "The file now has %(n)d problem (the records changed since the preview); "
                "nothing was imported.",
                "The file now has %(n)d problems (the records changed since the preview); "
                "nothing was imported.",
                len(report.errors),
            )
            % {"n": len(report.errors)}
        )
    done = ", ".join(report.summary()[:2] if batch.kind == "families" else report.summary()[:1])
    return {
        "url": preview,
        "label": _("See the import"),
        "summary": _("Imported %(what)s.") % {"what": done},
    }


# A previewed file holds child data: it is dropped if nobody imports it within a day.
STALE_AFTER = timedelta(days=1)


@transaction.atomic
def stage(
    *, actor: User | None, program: Program, kind: str, filename: str, report: ImportReport
) -> ImportBatch:
    """Keep a checked upload until the person imports or discards it (and drop stale ones)."""
    discard_stale()
    return ImportBatch.objects.create(
        program=program,
        kind=kind,
        filename=filename,
        encoding=report.encoding,
        content=report.text,
        row_count=report.rows,
        error_count=report.error_rows,
        uploaded_by=actor,
    )


def discard_stale(*, older_than: timedelta = STALE_AFTER) -> int:
    """Discard previewed batches older than `older_than`, emptying their content."""
    return ImportBatch.objects.filter(
        status=ImportBatch.Status.PREVIEWED, uploaded_at__lt=timezone.now() - older_than
    ).update(status=ImportBatch.Status.DISCARDED, content="")


def discard(*, batch: ImportBatch) -> bool:
    """Mark a previewed batch discarded and drop its content. False when it was not previewed."""
    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.DISCARDED, content=""
    )
    batch.refresh_from_db()
    return bool(updated)


# -- export -------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def _write_csv(rows: Iterable[list[str]]) -> str:
    return csvout.write(rows)  # cells a spreadsheet would run get an apostrophe


def _export_children(program: Program) -> Iterator[list[str]]:
    children = (
        Child.objects.filter(program=program)
        .select_related("family", "room")
        .order_by("last_name", "first_name", "birth_date", "pk")
    )
    for c in children.iterator(chunk_size=2000):
        yield [
            c.first_name, c.last_name, _date(c.birth_date), c.family.code,
            _date(c.enrollment_start), _date(c.enrollment_end), c.room.name if c.room else "",
            schedules.to_text(c.schedule or {}), "; ".join(c.home_languages or []),
            c.preferred_name, c.cultural_practices, _yes_no(c.has_ifsp),
            c.ifsp_coordinator_name, c.ifsp_coordinator_phone, c.ifsp_coordinator_email,
            c.allergies, c.medical_notes,
        ]  # fmt: skip


def _export_families(program: Program) -> Iterator[list[str]]:
    families = (
        Family.objects.filter(children__program=program)
        .distinct()
        .prefetch_related("guardians")
        .order_by("code")
    )
    for f in families:
        common = [f.code, f.name, f.preferred_language, f.address]
        guardians = list(f.guardians.all())
        if not guardians:
            yield [*common, "", "", "", "", "", ""]
        for g in guardians:
            yield [
                *common, g.first_name, g.last_name, g.relationship, g.phone, g.email,
                _yes_no(g.is_primary_contact),
            ]  # fmt: skip


def _export_caregivers(program: Program) -> Iterator[list[str]]:
    caregivers = (
        Caregiver.objects.filter(program=program)
        .select_related("room")
        .order_by("last_name", "first_name", "pk")
    )
    for c in caregivers:
        yield [
            c.first_name, c.last_name, c.email, c.phone, c.role, c.room.name if c.room else "",
            "; ".join(c.languages or []), schedules.to_text(c.shifts or {}),
            _date(c.hire_date), _date(c.end_date), "; ".join(c.credentials or []),
            _yes_no(c.ifsp_trained), str(c.max_primary),
        ]  # fmt: skip


_EXPORTS: dict[str, Callable[[Program], Iterator[list[str]]]] = {
    "children": _export_children,
    "families": _export_families,
    "caregivers": _export_caregivers,
}


def export_rows(*, program: Program, kind: str) -> Iterator[list[str]]:
    """The header and every row, in the import format."""
    if kind not in _EXPORTS:
        raise ValueError(f"unknown export kind {kind!r}")
    yield header(kind)
    yield from _EXPORTS[kind](program)


def export_csv(*, program: Program, kind: str) -> str:
    """The program's records as a CSV file in exactly the import format (no BOM)."""
    return _write_csv(export_rows(program=program, kind=kind))
