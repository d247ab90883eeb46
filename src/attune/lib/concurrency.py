"""Optimistic concurrency: two people editing one record never silently overwrite each other.

Every editable record carries a `version` (the `Versioned` mixin). An edit form sends back the
version it was loaded from (`VersionedForm`'s hidden `seen_version`); the service saves with
`save_versioned`, which locks the row, refuses a stale version with `StaleEdit` and counts the
version up. The refusal carries what changed since, read from the audit trail (the version is an
audited field, so every later entry says which version it made), and the view shows it above
the person's own input with the version moved on: sending the form again reapplies their edit
over the newer record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from attune.lib import audit
from attune.lib.text import LimitedForm

if TYPE_CHECKING:
    from attune.accounts.models import User


class Versioned(models.Model):
    """An editable record: its version counts every saved change."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Change:
    """One saved change made by someone else since the person loaded the record."""

    who: str
    when: datetime
    what: list[audit.Change]


class StaleEdit(Exception):
    """The record changed since the person loaded it; nothing was saved."""

    def __init__(self, *, current_version: int, changes: list[Change]) -> None:
        super().__init__(f"stale edit; the record is now at version {current_version}")
        self.current_version = current_version
        self.changes = changes


def changes_since(instance: models.Model, seen_version: int) -> list[Change]:
    """The audited changes that took `instance` past `seen_version`, oldest first."""
    out: list[Change] = []
    for entry in reversed(list(audit.entries_for([instance])[:50])):
        pair = (entry.changes or {}).get("version")
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        try:
            before = int(pair[0]) if pair[0] not in (None, "None", "") else 0
        except (TypeError, ValueError):
            continue
        if before < seen_version:
            continue
        who = str(entry.actor) if entry.actor is not None else str(_("the system"))
        out.append(Change(who=who, when=entry.timestamp, what=audit.describe_changes(entry)))
    return out


def check_version(instance: Versioned, seen_version: int | None) -> None:
    """Lock the record's row and refuse when it moved past `seen_version` (None: no check).

    Called inside the service's transaction, before the instance's fields are assigned."""
    model = type(instance)
    current = (
        model._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None:
        return
    instance.version = current
    if seen_version is not None and current != seen_version:
        raise StaleEdit(current_version=current, changes=changes_since(instance, seen_version))


def save_versioned(
    instance: Versioned,
    actor: User | None,
    *,
    seen_version: int | None = None,
    update_fields: list[str] | None = None,
) -> None:
    """Save an edit of an existing record (or create a new one), counting its version up.

    With `seen_version`, refuse (StaleEdit, nothing saved) unless that is still the stored
    version. The row is locked first, so of two simultaneous saves from the same version one
    wins and the other is refused."""
    if instance.pk is not None:
        check_version(instance, seen_version)
        instance.version += 1
        if update_fields is not None:
            update_fields = [*update_fields, "version"]
    audit.save_audited(instance, actor, update_fields=update_fields)


class VersionedForm(LimitedForm, forms.Form):
    """Adds the hidden version the record was loaded at; mix into a ModelForm of a Versioned."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        version = getattr(instance, "version", None) if getattr(instance, "pk", None) else None
        if version is not None:
            self.fields["seen_version"].initial = version

    @property
    def seen(self) -> int | None:
        """The version the person edited, as sent back (None on a create)."""
        value = self.cleaned_data.get("seen_version")
        return int(value) if value is not None else None

    def refuse_stale(self, error: StaleEdit) -> None:
        """Keep the person's input, move the version on (sending again reapplies the edit)
        and say what changed meanwhile."""
        data = self.data.copy()  # type: ignore[attr-defined]
        data[self.add_prefix("seen_version")] = str(error.current_version)
        self.data = data
        self.stale = error
        self.add_error(
            None,
            forms.ValidationError(
                _(
                    "Someone else saved this record while you were editing it; nothing of "
                    "yours was saved. Their changes are listed below. Your input is kept: "
                    "check it and save again to apply it over theirs."
                ),
                code="stale",
            ),
        )
