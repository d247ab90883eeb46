"""Which program records the audit trail follows (django-auditlog registrations)."""

from attune.lib.audit import follow as _register


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
    _register(models.PublishedRuleSet, "published_at")
