"""The audit trail, kept by django-auditlog.

Writes to registered models are logged by auditlog's signals with the acting user taken from
the request (AuditlogMiddleware) or, for work outside a request (imports, commands), from
`acting_as`. Views of a child's full record are logged as ACCESS entries by `record_view`.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from auditlog.context import auditlog_value, set_actor
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, Field, JSONField, Model, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attune.lib import languages, schedules, text

if TYPE_CHECKING:
    from attune.accounts.models import User


@contextmanager
def acting_as(actor: User | None) -> Iterator[None]:
    """Attribute every audit entry written inside the block to `actor`.

    Restores the request's context afterwards, so entries written later in the same request
    still name the request's user.
    """
    previous = auditlog_value.get(None)
    try:
        with set_actor(actor):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def follow(model: type[Model], *excluded: str) -> None:
    """Audit a model's own fields; not its id, nor the reverse relations auditlog would list."""
    from auditlog.registry import auditlog

    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    auditlog.register(model, exclude_fields=["id", *reverse, *excluded])


def save_audited(
    instance: Model, actor: User | None, update_fields: list[str] | None = None
) -> None:
    """Check the model's own rules (full_clean), then save with the audit entry naming
    `actor`: how every service writes a record. Text longer than its limit is refused
    (attune.lib.text: full_clean does not check text fields without a database limit)."""
    instance.full_clean()
    text.check_lengths(instance)
    with acting_as(actor):
        instance.save(update_fields=update_fields)


def record_view(*, actor: User, instance: Model) -> None:
    """Log that `actor` opened the full record of `instance`."""
    with acting_as(actor):
        accessed.send(sender=instance.__class__, instance=instance)


def log_bulk_created(*, actor: User | None, instances: Iterable[Model]) -> int:
    """CREATE entries for rows written with bulk_create (which sends no signals).

    Uses auditlog's own diff so the entries are the same as the signal path would write.
    """
    entries = []
    now = timezone.now()
    content_types: dict[type[Model], ContentType] = {}
    for instance in instances:
        model = type(instance)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        entries.append(
            LogEntry(
                content_type=content_types[model],
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=str(instance),
                action=LogEntry.Action.CREATE,
                changes=model_instance_diff(None, instance, use_json_for_changes=True),
                actor=actor,
                actor_email=getattr(actor, "email", None),
                timestamp=now,
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def log_updated(*, actor: User | None, instance: Model, changes: dict[str, list[Any]]) -> None:
    """An UPDATE entry for a row changed with QuerySet.update (which sends no signals)."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=str(instance),
        action=LogEntry.Action.UPDATE,
        changes=changes,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        timestamp=timezone.now(),
    )


def entries_for(objects: Iterable[Model]) -> QuerySet[LogEntry]:
    """All audit entries about any of `objects`, newest first."""
    condition = Q(pk__in=[])
    by_model: dict[type[Model], list[Any]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj.pk)
    for model, pks in by_model.items():
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
    entries: QuerySet[LogEntry] = (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    return entries


ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("Created"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
    LogEntry.Action.ACCESS: gettext_lazy("Opened the full record"),
}


def action_label(entry: LogEntry) -> str:
    return str(ACTION_LABELS.get(entry.action, entry.get_action_display()))


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _parsed(value: Any) -> Any:
    """auditlog keeps values as text; JSON fields come back as JSON or as a Python repr."""
    if not isinstance(value, str):
        return value
    for parse in (json.loads, ast.literal_eval):
        try:
            return parse(value)
        except (ValueError, SyntaxError):
            continue
    return value


def _shown(field: Field[Any, Any] | None, value: Any) -> str:
    if value in (None, "", "None", [], {}):
        return "—"
    if isinstance(field, BooleanField):
        return _("Yes") if str(value) in ("True", "true", "1") else _("No")
    if isinstance(field, JSONField):
        value = _parsed(value)
        if isinstance(value, dict):
            try:
                return schedules.display(schedules.validate(value)) or "—"
            except schedules.ScheduleError:
                return str(value)
        if isinstance(value, list):
            if "language" in field.name:
                return languages.names(str(v) for v in value)
            return ", ".join(str(v) for v in value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def describe_changes(entry: LogEntry) -> list[Change]:
    """An entry's before → after, field by field, as a person reads them."""
    model = entry.content_type.model_class()
    out = []
    for name, pair in (entry.changes or {}).items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        field: Field[Any, Any] | None
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = capfirst(str(field.verbose_name)) if field is not None else name
        out.append(Change(label, _shown(field, pair[0]), _shown(field, pair[1])))
    return out
