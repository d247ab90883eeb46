"""Which program records the audit trail follows (django-auditlog registrations)."""

from auditlog.registry import auditlog
from django.db.models import Model


def _register(model: type[Model], *excluded: str) -> None:
    """Follow a model's own fields; not its id, nor the reverse relations auditlog would list."""
    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    auditlog.register(model, exclude_fields=["id", *reverse, *excluded])


def register_models() -> None:
    from attune.programs import models

    _register(models.Child, "created_at")
    _register(models.Family)
    _register(models.Guardian)
    _register(models.Caregiver)
    _register(models.WaitlistEntry)
    _register(models.Program)
    _register(models.Room)
    _register(models.CareGroup, "created_at")
    _register(models.Membership)
    _register(models.Organization, "created_at")
    _register(models.Jurisdiction)
