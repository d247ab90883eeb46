"""People and roles of an organization (issue #16): invitations to a program's roles, to
the organization's administration and to a child's family, and the list of everyone.

Who may invite whom is decided by attune.lib.access.may_invite; the invitation itself (link,
email, acceptance) is attune.accounts.invitations'. A caregiver's or guardian's invitation
writes their record first (so the director can plan with them before they sign in); the
sign-in is linked to it when the link is used."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from attune.accounts import invitations
from attune.accounts.invitations import InvitationRefused
from attune.accounts.models import Invitation, Membership, User
from attune.lib import access, audit
from attune.lib.concurrency import save_versioned
from attune.programs import services
from attune.programs.models import Caregiver, Child, Guardian, Organization, Program

if TYPE_CHECKING:
    from django.http import HttpRequest


def _link_caregiver(invitation: Invitation, user: User) -> None:
    assert invitation.caregiver is not None
    services.link_caregiver_user(actor=user, caregiver=invitation.caregiver, user=user)


def _link_guardian(invitation: Invitation, user: User) -> None:
    assert invitation.guardian is not None
    services.link_guardian_user(actor=user, guardian=invitation.guardian, user=user)


def register() -> None:
    """What using a caregiver's or guardian's link does (called from ProgramsConfig.ready)."""
    invitations.on_accept(Invitation.Role.CAREGIVER, _link_caregiver)
    invitations.on_accept(Invitation.Role.FLOATER, _link_caregiver)
    invitations.on_accept(Invitation.Role.GUARDIAN, _link_guardian)


def _refuse_unless_allowed(
    viewer: access.Viewer,
    actor: User,
    role: str,
    email: str,
    request: HttpRequest | None,
    **scope: int | None,
) -> None:
    if access.may_invite(viewer, role, **scope):
        return
    if role == Invitation.Role.ORG_ADMIN:
        message = _(
            "Only the organization's administrators can make someone an administrator. "
            "Nothing was sent."
        )
    else:
        message = _("You can invite people only to the programs you run. Nothing was sent.")
    raise invitations.refuse(actor=actor, about=email, message=message, request=request)


@invitations.audits_refusals
def invite_staff(
    *,
    viewer: access.Viewer,
    actor: User,
    organization: Organization,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    program: Program | None,
    base_url: str,
    languages: list[str] | None = None,
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite someone to the organization's administration or to a role in one of its
    programs. Refused (audited, nothing written) when the inviter may not, the address is
    someone's sign-in, or the same invitation is waiting."""
    if role != Invitation.Role.ORG_ADMIN and (
        program is None or program.organization_id != organization.pk
    ):
        raise invitations.refuse(
            actor=actor,
            about=email,
            request=request,
            message=_("Choose the program the role is in. Nothing was sent."),
        )
    if role == Invitation.Role.ORG_ADMIN:
        _refuse_unless_allowed(viewer, actor, role, email, request, organization_id=organization.pk)
    else:
        assert program is not None
        _refuse_unless_allowed(viewer, actor, role, email, request, program_id=program.pk)
    invitations.refuse_if_taken(actor=actor, email=email, request=request)
    with transaction.atomic():
        scope: dict[str, Any]
        if role == Invitation.Role.ORG_ADMIN:
            scope = {"organization": organization}
        elif role in (Invitation.Role.CAREGIVER, Invitation.Role.FLOATER):
            caregiver = services.create_caregiver(
                actor=actor,
                program=program,  # type: ignore[arg-type]
                data={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": email,
                    "role": Caregiver.Role.FLOATER
                    if role == Invitation.Role.FLOATER
                    else Caregiver.Role.LEAD,
                    "hire_date": timezone.localdate(),
                    "languages": languages or [],
                },
            )
            scope = {"program": program, "caregiver": caregiver}
        else:
            scope = {"program": program}
        invitation, _raw = invitations.invite(
            actor=actor,
            email=email,
            role=role,
            base_url=base_url,
            first_name=first_name,
            last_name=last_name,
            request=request,
            **scope,
        )
    return invitation


@invitations.audits_refusals
def invite_guardian(
    *,
    viewer: access.Viewer,
    actor: User,
    child: Child,
    guardian: Guardian | None,
    data: dict[str, Any],
    base_url: str,
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite a guardian of the child's family (an existing one, or a new one from `data`)
    to sign in and follow the family's children."""
    email = (data.get("email") or (guardian.email if guardian else "")).strip().lower()
    _refuse_unless_allowed(
        viewer, actor, Invitation.Role.GUARDIAN, email, request, program_id=child.program_id
    )
    if guardian is not None and guardian.user_id is not None:
        raise invitations.refuse(
            actor=actor,
            about=email,
            request=request,
            message=_("%(name)s signs in already. Nothing was sent.") % {"name": guardian},
        )
    invitations.refuse_if_taken(actor=actor, email=email, request=request)
    with transaction.atomic():
        if guardian is None:
            guardian = services.save_guardian(
                actor=actor, family=child.family, guardian=None, data={**data, "email": email}
            )
        elif guardian.email.lower() != email:
            guardian.email = email
            services.save_guardian(
                actor=actor, family=child.family, guardian=guardian, data={"email": email}
            )
        invitation, _raw = invitations.invite(
            actor=actor,
            email=email,
            role=Invitation.Role.GUARDIAN,
            base_url=base_url,
            first_name=guardian.first_name,
            last_name=guardian.last_name,
            request=request,
            program=child.program,
            guardian=guardian,
        )
    return invitation


# -- the people page -------------------------------------------------------------------------


@dataclass
class RoleItem:
    label: str
    membership_id: int | None = None  # a role that can be ended from the people page


@dataclass
class PersonRow:
    name: str
    email: str
    roles: list[RoleItem] = field(default_factory=list)
    last_login: datetime | None = None
    signs_in: bool = True
    active: bool = True


def people_of(
    *, organization: Organization, programs: QuerySet[Program], with_admins: bool
) -> list[PersonRow]:
    """Everyone with a role in these programs (and the organization's administrators):
    each person once, with every role and where it is."""
    rows: dict[Any, PersonRow] = {}

    def row_for(user: User | None, key: Any, name: str, email: str) -> PersonRow:
        if key not in rows:
            rows[key] = PersonRow(
                name=name,
                email=email,
                last_login=user.last_login if user is not None else None,
                signs_in=user is not None and user.has_usable_password(),
                active=user.is_active if user is not None else True,
            )
        return rows[key]

    memberships = Membership.objects.filter(
        Q(program__in=programs) | (Q(organization=organization) if with_admins else Q(pk=None))
    ).select_related("user", "program", "organization")
    for m in memberships:
        row = row_for(m.user, ("user", m.user_id), str(m.user), m.user.email)
        row.roles.append(RoleItem(f"{m.get_role_display()} · {m.program or m.organization}", m.pk))
    for cg in Caregiver.objects.filter(program__in=programs).select_related("user", "program"):
        key = ("user", cg.user_id) if cg.user_id else ("caregiver", cg.pk)
        row = row_for(cg.user, key, f"{cg.first_name} {cg.last_name}", cg.email)
        label = cg.get_role_display()
        if cg.end_date is not None and cg.end_date < timezone.localdate():
            label = _("%(role)s (left %(date)s)") % {"role": label, "date": cg.end_date}
        row.roles.append(RoleItem(f"{label} · {cg.program}"))
    guardians = (
        Guardian.objects.filter(family__children__program__in=programs, user__isnull=False)
        .select_related("user", "family")
        .distinct()
    )
    for g in guardians:
        row = row_for(g.user, ("user", g.user_id), f"{g.first_name} {g.last_name}", g.email)
        row.roles.append(RoleItem(_("Family: %(family)s") % {"family": g.family}))
    return sorted(rows.values(), key=lambda r: r.name.lower())


def invitations_of(
    *, organization: Organization, programs: QuerySet[Program], with_admins: bool
) -> QuerySet[Invitation]:
    """Invitations not used yet (waiting or expired; withdrawn ones are no longer listed)."""
    where = Q(program__in=programs)
    if with_admins:
        where |= Q(organization=organization)
    return (
        Invitation.objects.filter(where, accepted_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("program", "organization", "invited_by")
        .order_by("-sent_at")
    )


def memberships_of(
    *, organization: Organization, programs: QuerySet[Program], with_admins: bool
) -> QuerySet[Membership]:
    where = Q(program__in=programs)
    if with_admins:
        where |= Q(organization=organization)
    return Membership.objects.filter(where)


@invitations.audits_refusals
@transaction.atomic
def end_membership(
    *,
    viewer: access.Viewer,
    actor: User,
    membership: Membership,
    request: HttpRequest | None = None,
) -> None:
    """End a role (an administrator, a director, a T/TA specialist or trainer supporting a
    program: the program ends that support). The person loses what the role gave at their
    next request; their other roles stay. The organization's last administrator cannot be
    removed, and a director cannot remove an administrator (refused, audited)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    about = f"{membership.user} · {membership.get_role_display()}"
    if not access.may_invite(
        viewer,
        membership.role,
        organization_id=membership.organization_id,
        program_id=membership.program_id,
    ):
        raise invitations.refuse(
            actor=actor,
            about=about,
            request=request,
            message=_("You cannot end this role. Nothing changed."),
        )
    if membership.role == Membership.Role.ORG_ADMIN:
        admins = Membership.objects.select_for_update().filter(
            role=Membership.Role.ORG_ADMIN,
            organization=membership.organization,
            user__is_active=True,
        )
        if admins.exclude(pk=membership.pk).count() == 0:
            raise invitations.refuse(
                actor=actor,
                about=about,
                request=request,
                message=_(
                    "%(name)s is the organization's last administrator: invite another "
                    "administrator first. Nothing changed."
                )
                % {"name": membership.user},
            )
    with audit.acting_as(actor):
        membership.delete()


def may_manage_invitation(viewer: access.Viewer, invitation: Invitation) -> bool:
    return access.may_invite(
        viewer,
        invitation.role,
        organization_id=invitation.organization_id,
        program_id=invitation.program_id,
        jurisdiction_id=invitation.jurisdiction_id,
    )


__all__ = ["InvitationRefused"]


# -- leavers ---------------------------------------------------------------------------------


@dataclass
class Ended:
    caregiver: Caregiver
    children: list[Child]  # who lose their primary caregiver (nothing is reassigned)
    sessions: int
    feeds: int
    access_ended: bool  # False when the person keeps another role (e.g. a director too)


def children_losing_primary(caregiver: Caregiver) -> list[Child]:
    return list(
        Child.objects.filter(primary_caregiver=caregiver)
        .filter(Q(enrollment_end__isnull=True) | Q(enrollment_end__gte=timezone.localdate()))
        .order_by("last_name", "first_name")
    )


def _other_roles(user: User, caregiver: Caregiver) -> bool:
    return (
        Membership.objects.filter(user=user).exists()
        or Guardian.objects.filter(user=user).exists()
        or Caregiver.objects.filter(user=user).exclude(pk=caregiver.pk).exists()
    )


@transaction.atomic
def end_employment(
    *, actor: User, caregiver: Caregiver, last_day: Any, seen_version: int | None = None
) -> Ended:
    """The caregiver's employment ends on `last_day` (today or earlier) and their access now:
    their sessions are signed out, their calendar feeds stop (404) and their sign-in is closed
    unless they hold another role. Their record, its history and the audit trail stay;
    nothing is reassigned: the children who lose their primary caregiver are returned, for
    the director (and the planner) to decide."""
    from attune.accounts import feeds, sessions

    children = children_losing_primary(caregiver)
    services.update_caregiver(
        actor=actor,
        caregiver=caregiver,
        data={"end_date": last_day},
        seen_version=seen_version,
    )
    user = caregiver.user
    ended_sessions = stopped = 0
    access_ended = False
    if user is not None:
        stopped = feeds.stop_all(user=user, actor=actor)
        if not _other_roles(user, caregiver):
            user.is_active = False
            audit.save_audited(user, actor, update_fields=["is_active"])
            access_ended = True
            ended_sessions = sessions.end_sessions(user)
    return Ended(caregiver, children, ended_sessions, stopped, access_ended)


# -- moves -----------------------------------------------------------------------------------


@dataclass
class Moved:
    caregiver: Caregiver
    children: list[Child]  # who lost their primary caregiver in the program left


@invitations.audits_refusals
def move_caregiver(
    *,
    viewer: access.Viewer,
    actor: User,
    caregiver: Caregiver,
    to_program: Program,
    request: HttpRequest | None = None,
) -> Moved:
    """Move a caregiver to another program of the organization: one person, one record and
    one history (their sign-in, training and workforce records follow). Their room and small
    group stay behind; the children they were primary caregiver of are returned (nothing is
    reassigned silently)."""
    source = caregiver.program
    if to_program.pk == source.pk or to_program.organization_id != source.organization_id:
        raise invitations.refuse(
            actor=actor,
            about=str(caregiver),
            request=request,
            message=_("Choose another program of the same organization. Nothing changed."),
        )
    if not (
        access.may_set_up(viewer, source.organization_id)
        or {source.pk, to_program.pk} <= viewer.managed_program_ids
    ):
        raise invitations.refuse(
            actor=actor,
            about=str(caregiver),
            request=request,
            message=_("You can move a caregiver only between programs you run. Nothing changed."),
        )
    with transaction.atomic():
        children = children_losing_primary(caregiver)
        for child in children:
            services.update_child(actor=actor, child=child, data={"primary_caregiver": None})
        caregiver.program = to_program
        caregiver.room = None
        caregiver.care_group = None
        save_versioned(caregiver, actor)
    return Moved(caregiver, children)
