"""What free text people type may be: the one place its limits and its cleaning are defined.

Limits (docs/architecture.md, "Input limits"):

  a field with its own max_length  that length (names 100, titles 200, addresses 300, ...)
  LINE_MAX   1,000 characters      any other single-line text
  TEXT_MAX   5,000 characters      multi-line text: notes, care plans, IFSP outcomes

Cleaning: single-line text (names, titles, codes) loses every control character; tabs and
line breaks become spaces, so a name can never break an email header or a CSV row.
Multi-line text keeps line breaks (written as \\n) and tabs and loses the other control
characters.

Forms get both through `LimitedForm` (every form of the project derives from it; a test checks
it); services that write models outside a form (imports, commands) check with
`check_lengths`, which `attune.lib.audit.save_audited` calls for every audited save.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _

LINE_MAX = 1_000
TEXT_MAX = 5_000

# Unicode line and paragraph separators end a line too (str.splitlines), so they go with the
# control characters.
_LINE_BREAKS = {"\n", "\r", "\t", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"}


def _drop(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in ("\u2028", "\u2029")


def single_line(value: str) -> str:
    """One line: breaks and tabs become spaces, other control characters go, ends trimmed."""
    if value.isprintable():
        return value.strip()
    out = []
    for ch in value.replace("\r\n", "\n"):
        if ch in _LINE_BREAKS:
            out.append(" ")
        elif not _drop(ch):
            out.append(ch)
    return "".join(out).strip()


def multi_line(value: str) -> str:
    """Lines kept (\\r\\n and \\r become \\n), tabs kept, other control characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if value.isprintable():
        return value
    return "".join(ch for ch in value if ch in ("\n", "\t") or not _drop(ch))


def header_safe(value: str) -> str:
    """Text for an email header (a subject with a child's name): one line, always."""
    return single_line(value)


# -- forms -----------------------------------------------------------------------------------


def _is_multi_line(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


class LimitedForm(forms.BaseForm):
    """Mixed into every form: each text field gets a length limit and is cleaned on binding.

    A CharField without max_length gets TEXT_MAX (a textarea) or LINE_MAX (anything else);
    posted values are cleaned (`single_line`/`multi_line`) before the fields see them, so the
    limits count what is stored.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is None:
                limit = TEXT_MAX if _is_multi_line(field) else LINE_MAX
                field.max_length = limit
                field.validators.append(MaxLengthValidator(limit))
                field.widget.attrs.setdefault("maxlength", str(limit))
        if self.is_bound:
            self.data = self._cleaned_data_copy()

    def _cleaned_data_copy(self) -> Any:
        names = {
            self.add_prefix(name): _is_multi_line(field)
            for name, field in self.fields.items()
            if isinstance(field, forms.CharField)
        }
        data: Any = self.data
        if not any(key in data for key in names):
            return data
        copy = data.copy()
        for key, multi in names.items():
            if key not in copy:
                continue
            clean = multi_line if multi else single_line
            if hasattr(copy, "setlist"):
                copy.setlist(
                    key, [clean(v) if isinstance(v, str) else v for v in copy.getlist(key)]
                )
            elif isinstance(copy[key], str):
                copy[key] = clean(copy[key])
        return copy


# -- models written outside forms ---------------------------------------------------------------


def limit(field: models.Field[Any, Any]) -> int | None:
    """The most characters a model's text field takes (None: not a text field)."""
    if not isinstance(field, models.CharField | models.TextField):
        return None
    if field.max_length:
        return int(field.max_length)
    return TEXT_MAX if isinstance(field, models.TextField) else LINE_MAX


def check_lengths(instance: models.Model) -> None:
    """Refuse text longer than its field's limit (full_clean does not check TextFields)."""
    errors: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        most = limit(field)
        value = getattr(instance, field.attname, None)
        if most is not None and isinstance(value, str) and len(value) > most:
            errors[field.name] = _("At most %(limit)d characters; this has %(n)d.") % {
                "limit": most,
                "n": len(value),
            }
    if errors:
        raise ValidationError(errors)
