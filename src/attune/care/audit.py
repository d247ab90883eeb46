"""Which daily-care records the audit trail follows (django-auditlog registrations)."""

from auditlog.registry import auditlog
from django.db.models import Model


def _register(model: type[Model], *excluded: str) -> None:
    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    auditlog.register(model, exclude_fields=["id", *reverse, *excluded])


def register_models() -> None:
    from attune.care import models

    _register(models.CarePlan, "created_at")
    _register(models.CareEntry, "created_at")
    _register(models.NapCheck, "created_at")
    _register(models.FamilyNote, "created_at")
    _register(models.Ifsp, "updated_at")
