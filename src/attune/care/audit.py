"""Which daily-care records the audit trail follows (django-auditlog registrations), and how
each belongs to a program and a child (attune.lib.audit.register_scope)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Model, QuerySet

from attune.lib.audit import follow, register_scope


def register_models() -> None:
    from attune.care import models as m

    follow(m.CarePlan)
    follow(m.CareEntry, "created_at")
    follow(m.NapCheck, "created_at")
    follow(m.FamilyNote, "created_at")
    follow(m.Ifsp, "updated_at")
    follow(m.Message, "created_at")
    follow(m.PhotoConsent, "decided_at")
    follow(m.DayPhoto, "created_at")

    def scope(model: type[Model]) -> None:
        def of_programs(ids: Collection[int]) -> QuerySet[Any]:
            return model._default_manager.filter(child__program_id__in=ids)

        def of_children(ids: Collection[int]) -> QuerySet[Any]:
            return model._default_manager.filter(child_id__in=ids)

        register_scope(model, of_programs=of_programs, of_children=of_children)

    for model in (
        m.CarePlan, m.CareEntry, m.FamilyNote, m.Ifsp, m.Message, m.PhotoConsent, m.DayPhoto,
    ):  # fmt: skip
        scope(model)
    register_scope(
        m.NapCheck,
        of_programs=lambda ids: m.NapCheck.objects.filter(nap__child__program_id__in=ids),
        of_children=lambda ids: m.NapCheck.objects.filter(nap__child_id__in=ids),
    )
