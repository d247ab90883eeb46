"""Which program records the audit trail follows (django-auditlog registrations)."""

from auditlog.registry import auditlog


def register_models() -> None:
    from attune.programs import models

    auditlog.register(models.Child, exclude_fields=["created_at"])
    auditlog.register(models.Family)
    auditlog.register(models.Guardian)
    auditlog.register(models.Caregiver)
    auditlog.register(models.WaitlistEntry)
    auditlog.register(models.Program)
    auditlog.register(models.Room)
    auditlog.register(models.Membership)
    auditlog.register(models.Organization, exclude_fields=["created_at"])
    auditlog.register(models.Jurisdiction)
