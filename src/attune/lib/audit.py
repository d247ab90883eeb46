"""The audit trail, kept by django-auditlog.

Writes to registered models are logged by auditlog's signals with the acting user taken from
the request (AuditlogMiddleware) or, for work outside a request (imports, commands), from
`acting_as`. Views of a child's full record are logged as ACCESS entries by `record_view`.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from auditlog.context import auditlog_value, set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, Field, JSONField, Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attune.lib import clients, languages, schedules, text

if TYPE_CHECKING:
    from attune.accounts.models import User


class AuditMiddleware(AuditlogMiddleware):  # type: ignore[misc]
    """auditlog's middleware, with the client's address as attune.lib.clients sees it (not a
    forged X-Forwarded-For) and the browser's user agent, kept on every entry of the request
    (`additional_data["user_agent"]`, added by `add_request_details`)."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return clients.client_ip(request)

    def get_extra_data(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = super().get_extra_data(request)
        data["user_agent"] = clients.user_agent(request)
        return data


def request_details() -> dict[str, Any]:
    """The address, port and user agent of the request being served (empty outside one)."""
    context = auditlog_value.get(None) or {}
    return {k: context[k] for k in ("remote_addr", "remote_port", "user_agent") if context.get(k)}


def add_request_details(sender: Any, instance: LogEntry, **kwargs: Any) -> None:
    """pre_save of every LogEntry: note the request's user agent beside its address."""
    agent = request_details().get("user_agent")
    if agent and instance.pk is None:
        extra = instance.additional_data if isinstance(instance.additional_data, dict) else {}
        instance.additional_data = {**extra, "user_agent": extra.get("user_agent", agent)}


@contextmanager
def acting_as(actor: User | None) -> Iterator[None]:
    """Attribute every audit entry written inside the block to `actor`.

    Keeps the request's address and user agent on those entries, and restores the request's
    context afterwards, so entries written later in the same request still name its user.
    """
    previous = auditlog_value.get(None)
    try:
        with set_extra_data(context_data={**request_details(), "actor": actor}):
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
    details = request_details()
    agent = {"user_agent": details["user_agent"]} if details.get("user_agent") else None
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
                remote_addr=details.get("remote_addr"),
                additional_data=agent,
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


EVENT_LABELS = {
    "signed_in": gettext_lazy("Signed in"),
    "sign_in_failed": gettext_lazy("Sign-in failed"),
    "locked_out": gettext_lazy("Signing in locked after repeated failures"),
    "signed_out": gettext_lazy("Signed out"),
    "password_changed": gettext_lazy("Changed their password"),
    "password_reset": gettext_lazy("Set a new password from an emailed link"),
    "viewed": gettext_lazy("Opened"),
    "exported": gettext_lazy("Exported"),
    "invitation_refused": gettext_lazy("An invitation was refused"),
    "signed_out_elsewhere": gettext_lazy("Signed out of their other sessions"),
}


def log_event(
    *,
    actor: User | None,
    event: str,
    instance: Model | None = None,
    about: str = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> LogEntry:
    """An entry for something done that changes no record: a sign-in (or a failed one), a page
    of personal data opened, an export. `instance` is what it was about (a child, a program, a
    person); `about` names it when there is no record (the name typed at a failed sign-in)."""
    from django.contrib.auth import get_user_model

    if event not in EVENT_LABELS:
        raise ValueError(f"unknown audit event {event!r}")
    # instance._meta, not type(instance): request.user is a lazy wrapper around the user
    model = instance._meta.model if instance is not None else get_user_model()
    data: dict[str, Any] = {"event": event, **(detail or {})}
    remote = None
    if request is not None:
        remote = clients.client_ip(request)
        data.setdefault("user_agent", clients.user_agent(request))
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(instance.pk) if instance is not None else "",
        object_id=instance.pk if instance is not None else None,
        object_repr=(str(instance) if instance is not None else about)[:200],
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=actor,
        actor_email=getattr(actor, "email", None),
        timestamp=timezone.now(),
        additional_data=data,
    )
    if remote:
        entry.remote_addr = remote
    with acting_as(actor):
        entry.save()
    return entry


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
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    event = data.get("event")
    if event in EVENT_LABELS:
        label = str(EVENT_LABELS[event])
        # "what" is stored in English, marked with gettext_noop where it is written
        return f"{label}: {_(str(data['what']))}" if data.get("what") else label
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


def field_change(model: type[Model] | None, name: str, before: Any, after: Any) -> Change:
    """One field's before → after, as a person reads them."""
    field: Field[Any, Any] | None
    try:
        field = model._meta.get_field(name) if model else None  # type: ignore[assignment]
    except FieldDoesNotExist:
        field = None
    label = capfirst(str(field.verbose_name)) if field is not None else name
    return Change(label, _shown(field, before), _shown(field, after))


def describe_changes(entry: LogEntry) -> list[Change]:
    """An entry's before → after, field by field, as a person reads them (not the version
    counter of an edited record, which says nothing to a person)."""
    model = entry.content_type.model_class()
    return [
        field_change(model, name, pair[0], pair[1])
        for name, pair in (entry.changes or {}).items()
        if isinstance(pair, list | tuple) and len(pair) == 2 and not _is_counter(model, name)
    ]


def _is_counter(model: type[Model] | None, name: str) -> bool:
    if model is None or name != "version":
        return False
    try:
        return not model._meta.get_field(name).editable
    except FieldDoesNotExist:
        return False


# -- what the audit pages show: entries about a program's records --------------------------


@dataclass(frozen=True)
class Scope:
    """How to find one audited model's records of some programs (and of some children)."""

    model: type[Model]
    of_programs: Callable[[Collection[int]], QuerySet[Any]]
    of_children: Callable[[Collection[int]], QuerySet[Any]] | None = None


_SCOPES: list[Scope] = []


def register_scope(
    model: type[Model],
    *,
    of_programs: Callable[[Collection[int]], QuerySet[Any]],
    of_children: Callable[[Collection[int]], QuerySet[Any]] | None = None,
) -> None:
    """Each app says how its audited records belong to programs (and children), so the audit
    pages can find every entry about a program without lib knowing the apps."""
    _SCOPES.append(Scope(model, of_programs, of_children))


def _about(model: type[Model], records: QuerySet[Any]) -> Q:
    return Q(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=records.values("pk"),
    )


def entries_in(program_ids: Collection[int]) -> QuerySet[LogEntry]:
    """Every entry about a record of these programs (and the sign-ins of their people)."""
    condition = Q(pk__in=[])
    for scope in _SCOPES:
        condition |= _about(scope.model, scope.of_programs(program_ids))
    entries: QuerySet[LogEntry] = LogEntry.objects.filter(condition)
    return entries


def entries_about_children(child_ids: Collection[int]) -> Q:
    """The condition for entries about these children's records (their family included)."""
    condition = Q(pk__in=[])
    for scope in _SCOPES:
        if scope.of_children is not None:
            condition |= _about(scope.model, scope.of_children(child_ids))
    return condition


ACTIONS = {
    "created": gettext_lazy("Created"),
    "changed": gettext_lazy("Changed"),
    "deleted": gettext_lazy("Deleted"),
    "opened": gettext_lazy("Opened"),
    "exported": gettext_lazy("Exported"),
    "sign_ins": gettext_lazy("Signing in and out, passwords"),
}
_SIGN_IN_EVENTS = [
    "signed_in",
    "sign_in_failed",
    "locked_out",
    "signed_out",
    "password_changed",
    "password_reset",
]


def action_condition(action: str) -> Q:
    """The filter of the audit pages' action choice (one of ACTIONS)."""
    return {
        "created": Q(action=LogEntry.Action.CREATE),
        "changed": Q(action=LogEntry.Action.UPDATE),
        "deleted": Q(action=LogEntry.Action.DELETE),
        "opened": Q(action=LogEntry.Action.ACCESS)
        & (
            Q(additional_data__event="viewed")
            | Q(additional_data__isnull=True)
            | ~Q(additional_data__has_key="event")
        ),
        "exported": Q(additional_data__event="exported"),
        "sign_ins": Q(additional_data__event__in=_SIGN_IN_EVENTS),
    }[action]


def log_view(request: HttpRequest, instance: Model, what: str) -> None:
    """A page of `instance`'s personal data was opened (not its HTMX refreshes)."""
    if getattr(request, "htmx", False):
        return
    user = getattr(request, "user", None)
    audit_user = user if user is not None and user.is_authenticated else None
    log_event(
        actor=audit_user, event="viewed", instance=instance, detail={"what": what}, request=request
    )


def log_export(request: HttpRequest, instance: Model, what: str) -> None:
    """A file of personal data was downloaded (CSV, PDF, JSON)."""
    user = getattr(request, "user", None)
    audit_user = user if user is not None and user.is_authenticated else None
    log_event(
        actor=audit_user,
        event="exported",
        instance=instance,
        detail={"what": what},
        request=request,
    )
