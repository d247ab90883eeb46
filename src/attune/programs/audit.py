"""Which program records the audit trail follows (django-auditlog registrations), and how
each belongs to a program and a child (for the audit pages, attune.lib.audit.entries_in)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from attune.lib.audit import follow as _register
from attune.lib.audit import register_scope


def register_models() -> None:
    from attune.accounts.models import Membership
    from attune.programs import models as m

    _register(m.Child, "created_at")
    _register(m.Family)
    _register(m.FamilyShare, "requested_at")
    _register(m.Guardian)
    _register(m.Caregiver)
    _register(m.WaitlistEntry)
    _register(m.Program)
    _register(m.Room)
    _register(m.CareGroup, "created_at")
    _register(Membership)
    _register(m.Organization, "created_at")
    _register(m.Jurisdiction)
    _register(m.PublishedRuleSet, "published_at")
    _register(m.Stay)
    _register(m.Shift)
    _register(m.Absence, "created_at")
    _register(m.RatioAlert)

    register_scope(
        m.Stay,
        of_programs=lambda ids: m.Stay.objects.filter(child__program_id__in=ids),
        of_children=lambda ids: m.Stay.objects.filter(child_id__in=ids),
    )
    register_scope(
        m.Absence,
        of_programs=lambda ids: m.Absence.objects.filter(child__program_id__in=ids),
        of_children=lambda ids: m.Absence.objects.filter(child_id__in=ids),
    )
    register_scope(
        m.Shift, of_programs=lambda ids: m.Shift.objects.filter(caregiver__program_id__in=ids)
    )
    register_scope(
        m.RatioAlert, of_programs=lambda ids: m.RatioAlert.objects.filter(room__program_id__in=ids)
    )

    def shared(ids: Collection[int]) -> Q:
        return Q(shares__program_id__in=ids, shares__status=m.FamilyShare.Status.APPROVED)

    register_scope(m.Program, of_programs=lambda ids: m.Program.objects.filter(pk__in=ids))
    register_scope(m.Room, of_programs=lambda ids: m.Room.objects.filter(program_id__in=ids))
    register_scope(
        m.CareGroup, of_programs=lambda ids: m.CareGroup.objects.filter(program_id__in=ids)
    )
    register_scope(
        m.Child,
        of_programs=lambda ids: m.Child.objects.filter(program_id__in=ids),
        of_children=lambda ids: m.Child.objects.filter(pk__in=ids),
    )
    register_scope(
        m.Family,
        of_programs=lambda ids: m.Family.objects.filter(shared(ids)),
        of_children=lambda ids: m.Family.objects.filter(children__pk__in=ids),
    )
    register_scope(
        m.Guardian,
        of_programs=lambda ids: m.Guardian.objects.filter(
            family__in=m.Family.objects.filter(shared(ids))
        ),
        of_children=lambda ids: m.Guardian.objects.filter(family__children__pk__in=ids),
    )
    register_scope(
        m.FamilyShare, of_programs=lambda ids: m.FamilyShare.objects.filter(program_id__in=ids)
    )
    register_scope(
        m.Caregiver, of_programs=lambda ids: m.Caregiver.objects.filter(program_id__in=ids)
    )
    register_scope(
        m.WaitlistEntry,
        of_programs=lambda ids: m.WaitlistEntry.objects.filter(program_id__in=ids),
    )
    register_scope(
        Membership, of_programs=lambda ids: Membership.objects.filter(program_id__in=ids)
    )

    def people(ids: Collection[int]) -> QuerySet[Any]:
        """The sign-ins of a program's people: its staff, directors and families."""
        return get_user_model().objects.filter(
            Q(caregiver__program_id__in=ids)
            | Q(memberships__program_id__in=ids)
            | Q(guardian__family__in=m.Family.objects.filter(shared(ids)))
        )

    register_scope(get_user_model(), of_programs=people)
