"""Which daily-care records the audit trail follows (django-auditlog registrations)."""

from attune.lib.audit import follow


def register_models() -> None:
    from attune.care import models

    follow(models.CarePlan)
    follow(models.CareEntry, "created_at")
    follow(models.NapCheck, "created_at")
    follow(models.FamilyNote, "created_at")
    follow(models.Ifsp, "updated_at")
