"""Who may see and do what: the one place object-level access is decided.

A viewer's *relations* to an object are computed from their memberships and records:

  manager    director of the program, or administrator of its organization
  primary    the child's primary caregiver
  group      a caregiver of the child's group: their small group (care group) when they have
             one, with the room's children not in any small group; else their home room.
             Floaters cover the whole program
  colleague  a caregiver of the same program (for caregiver records)
  self       the caregiver record is the viewer's own
  family     a guardian of the child's family
  support    a T/TA specialist or trainer supporting the program (aggregates only)
  state      the administrator of the program's state/territory/Tribe (aggregates only)
  coordinator  the state infant mental health association's endorsement coordinator, for the
             people of the state who declared an endorsement or applied for one

Each action is allowed for a set of relations (POLICY). Views ask through `require_*`:
no relation at all -> 404 (the object's existence is not revealed); a relation that does not
carry the action -> 403. Views never improvise checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from attune.accounts.models import Membership, User
    from attune.jobs.models import Job
    from attune.programs.models import (
        Caregiver,
        CareGroup,
        Child,
        ChildQuerySet,
        Family,
        FamilyQuerySet,
        FamilyShare,
        Organization,
        Program,
    )
    from attune.training.models import Person
    from attune.workforce.models import DirectoryEntry


class _Models:
    """The apps' models, looked up by label in Django's app registry when first used.

    attune.lib sits below every app and imports none (the import-linter layers contract in
    pyproject.toml): like a string foreign key, this module names the models it decides about
    ("programs.Child") and Django resolves them once the apps are loaded. The imports above
    are for type annotations only."""

    @property
    def Membership(self) -> type[Membership]:
        return cast("type[Membership]", _model("accounts.Membership"))

    @property
    def Caregiver(self) -> type[Caregiver]:
        return cast("type[Caregiver]", _model("programs.Caregiver"))

    @property
    def CareGroup(self) -> type[CareGroup]:
        return cast("type[CareGroup]", _model("programs.CareGroup"))

    @property
    def Child(self) -> type[Child]:
        return cast("type[Child]", _model("programs.Child"))

    @property
    def Family(self) -> type[Family]:
        return cast("type[Family]", _model("programs.Family"))

    @property
    def FamilyShare(self) -> type[FamilyShare]:
        return cast("type[FamilyShare]", _model("programs.FamilyShare"))

    @property
    def Organization(self) -> type[Organization]:
        return cast("type[Organization]", _model("programs.Organization"))

    @property
    def Program(self) -> type[Program]:
        return cast("type[Program]", _model("programs.Program"))

    @property
    def Person(self) -> type[Person]:
        return cast("type[Person]", _model("training.Person"))

    @property
    def DirectoryEntry(self) -> type[DirectoryEntry]:
        return cast("type[DirectoryEntry]", _model("workforce.DirectoryEntry"))

    @property
    def Job(self) -> type[Job]:
        return cast("type[Job]", _model("jobs.Job"))


def _model(label: str) -> Any:
    from django.apps import apps

    return apps.get_model(label)


_m = _Models()


class Rel(StrEnum):
    MANAGER = "manager"
    PRIMARY = "primary"
    GROUP = "group"
    COLLEAGUE = "colleague"
    SELF = "self"
    FAMILY = "family"
    SUPPORT = "support"
    STATE = "state"
    TTA = "tta"  # the state's Infant/Toddler Specialist (Training for Trainers)
    TRAINEE = "trainee"  # the person themself (their enrollments, commitments, deliveries)
    COORDINATOR = "coordinator"  # the state association's endorsement coordinator
    OWNER = "owner"  # the person who started a job (attune.jobs)
    OPERATOR = "operator"  # the operator who runs the service (a superuser): every job


# What each relation may do. Aggregate-only relations (support, state) never appear on an
# action that shows a child, family or caregiver by name.
POLICY: dict[str, frozenset[Rel]] = {
    # program-level
    "program.dashboard": frozenset({Rel.MANAGER, Rel.COLLEAGUE}),
    "program.overview": frozenset({Rel.MANAGER, Rel.SUPPORT, Rel.STATE}),
    "program.children": frozenset({Rel.MANAGER, Rel.COLLEAGUE}),
    "program.caregivers": frozenset({Rel.MANAGER, Rel.COLLEAGUE}),
    "program.families": frozenset({Rel.MANAGER}),
    "program.manage": frozenset({Rel.MANAGER}),  # create records, import, export, waitlist
    "program.audit": frozenset({Rel.MANAGER}),  # the program's audit trail
    "organization.view": frozenset({Rel.MANAGER}),
    # people and roles (issue #16): the organization's page of everyone is its
    # administrators'; a program's people page, and inviting to it, its managers'
    "organization.people": frozenset({Rel.MANAGER}),
    "program.people": frozenset({Rel.MANAGER}),
    "program.record": frozenset({Rel.MANAGER, Rel.COLLEAGUE}),  # the daily care record page
    # child-level
    "child.view": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.GROUP, Rel.FAMILY}),
    "child.view_full": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.FAMILY}),
    "child.edit": frozenset({Rel.MANAGER}),
    "child.audit": frozenset({Rel.MANAGER}),
    # daily care (attune.care): the child's own people; never the aggregate-only roles
    "care.plan.view": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.GROUP, Rel.FAMILY}),
    "care.plan.edit": frozenset({Rel.MANAGER, Rel.PRIMARY}),  # write a version, decide
    "care.plan.propose": frozenset({Rel.FAMILY}),
    "care.record": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.GROUP}),  # log, correct, check naps
    "care.day": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.GROUP, Rel.FAMILY}),
    "care.family_note": frozenset({Rel.FAMILY}),
    "ifsp.view": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.GROUP, Rel.FAMILY}),
    "ifsp.edit": frozenset({Rel.MANAGER}),
    # Training for Trainers (attune.training), decided per state and per person
    "tft.request": frozenset({Rel.STATE}),
    "tft.schedule": frozenset({Rel.TTA}),  # schedule, enroll, attendance
    "tft.view": frozenset({Rel.STATE, Rel.TTA, Rel.TRAINEE}),
    "tft.commit": frozenset({Rel.TTA, Rel.TRAINEE}),
    "delivery.record": frozenset({Rel.TRAINEE}),
    "delivery.view": frozenset({Rel.STATE, Rel.TTA, Rel.TRAINEE}),
    "training.state": frozenset({Rel.STATE, Rel.TTA}),  # reach, registry export, commitments
    "tft.reflect": frozenset({Rel.TTA, Rel.TRAINEE}),  # shared goals and reflections
    "delivery.fidelity": frozenset({Rel.TTA, Rel.TRAINEE}),  # score a delivered session
    "certificate.view": frozenset({Rel.STATE, Rel.TTA, Rel.TRAINEE}),  # its holder or trainer
    "tft.evaluate": frozenset({Rel.TRAINEE}),  # a participant evaluates a session attended
    "tft.evaluations": frozenset({Rel.STATE, Rel.TTA}),  # results, small numbers suppressed
    "program.self_assessment": frozenset({Rel.MANAGER, Rel.SUPPORT}),
    "program.workforce": frozenset({Rel.MANAGER}),  # staff by endorsement level, RS/C
    # verify declared endorsements, record renewals, follow applications (no RS/C notes)
    "endorsement.review": frozenset({Rel.COORDINATOR}),
    # a program's request for support from the state directory's specialist or trainer
    "support.respond": frozenset({Rel.SELF}),  # the one asked accepts or declines
    "support.withdraw": frozenset({Rel.MANAGER}),  # the program's managers
    # jobs on the task queue (attune.jobs): who started it, the program's managers, the
    # state's administrator and specialist for a state's job, and the operator
    "job.view": frozenset({Rel.OWNER, Rel.MANAGER, Rel.STATE, Rel.TTA, Rel.OPERATOR}),
    "job.control": frozenset({Rel.OWNER, Rel.MANAGER, Rel.STATE, Rel.TTA, Rel.OPERATOR}),
    "program.jobs": frozenset({Rel.MANAGER}),
    "operator.jobs": frozenset({Rel.OPERATOR}),
    # the state-wide policy what-if: the state's administrator asks; the state's specialist
    # may read the answers too; a program's name only to those who may see the program's own
    # pages (program.overview), and no figure of a program with few children (attune.plans)
    "state.policy": frozenset({Rel.STATE}),
    "state.policy.view": frozenset({Rel.STATE, Rel.TTA}),
    # licensing rule sets (issue #15): the state's administrator publishes its versions
    "rules.publish": frozenset({Rel.STATE}),
    # family-level
    "family.view": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.FAMILY}),
    "family.edit": frozenset({Rel.MANAGER}),
    # caregiver-level
    "caregiver.view": frozenset({Rel.MANAGER, Rel.SELF}),
    "caregiver.edit": frozenset({Rel.MANAGER}),
}

STAFF_RELATIONS = frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.GROUP})


@dataclass(frozen=True)
class Viewer:
    """Everything access decisions need about one signed-in person, loaded once per request."""

    user_id: int | None
    state_jurisdiction_ids: frozenset[int] = frozenset()
    admin_organization_ids: frozenset[int] = frozenset()
    director_program_ids: frozenset[int] = frozenset()
    support_program_ids: frozenset[int] = frozenset()
    caregiver: Caregiver | None = None
    family_id: int | None = None
    managed_program_ids: frozenset[int] = field(default=frozenset())
    tta_jurisdiction_ids: frozenset[int] = frozenset()
    person_id: int | None = None  # their record in the training workforce, if any
    coordinator_jurisdiction_ids: frozenset[int] = frozenset()
    operator: bool = False  # a superuser: runs the service (every job, with failures)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def roles(self) -> list[str]:
        """Role names for navigation and the home page, most powerful first."""
        out = []
        if self.admin_organization_ids:
            out.append("org_admin")
        if self.director_program_ids:
            out.append("director")
        if self.caregiver is not None:
            out.append("caregiver")
        if self.support_program_ids:
            out.append("support")
        if self.state_jurisdiction_ids:
            out.append("state_admin")
        if self.tta_jurisdiction_ids:
            out.append("tta")
        if self.coordinator_jurisdiction_ids:
            out.append("coordinator")
        if self.person_id is not None:
            out.append("trainee")
        if self.family_id is not None:
            out.append("family")
        return out


ANONYMOUS = Viewer(user_id=None)


def viewer_for(user: User | AnonymousUser) -> Viewer:
    if not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_attune_viewer", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    state: set[int] = set()
    orgs: set[int] = set()
    directs: set[int] = set()
    support: set[int] = set()
    tta: set[int] = set()
    coordinator: set[int] = set()
    for role, jurisdiction_id, organization_id, program_id in _m.Membership.objects.filter(
        user_id=user.pk
    ).values_list("role", "jurisdiction_id", "organization_id", "program_id"):
        if role == _m.Membership.Role.STATE_ADMIN:
            state.add(jurisdiction_id)
        elif role == _m.Membership.Role.ORG_ADMIN:
            orgs.add(organization_id)
        elif role == _m.Membership.Role.DIRECTOR:
            directs.add(program_id)
        elif role == _m.Membership.Role.COORDINATOR:
            coordinator.add(jurisdiction_id)
        elif program_id is None:  # a state's specialist
            tta.add(jurisdiction_id)
        else:
            support.add(program_id)
    managed = set(directs)
    if orgs:
        managed |= set(
            _m.Program.objects.filter(organization_id__in=orgs).values_list("id", flat=True)
        )
    # a caregiver whose last day has passed is no longer one (attune.programs.people)
    from django.utils import timezone

    caregiver = (
        _m.Caregiver.objects.filter(user_id=user.pk)
        .exclude(end_date__lt=timezone.localdate())
        .first()
    )
    family_id = (
        _m.Family.objects.filter(guardians__user_id=user.pk).values_list("id", flat=True).first()
    )
    viewer = Viewer(
        user_id=user.pk,
        state_jurisdiction_ids=frozenset(state),
        admin_organization_ids=frozenset(orgs),
        director_program_ids=frozenset(directs),
        support_program_ids=frozenset(support),
        caregiver=caregiver,
        family_id=family_id,
        managed_program_ids=frozenset(managed),
        tta_jurisdiction_ids=frozenset(tta),
        person_id=_m.Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first(),
        coordinator_jurisdiction_ids=frozenset(coordinator),
        operator=bool(getattr(user, "is_superuser", False)),
    )
    setattr(user, "_attune_viewer", viewer)  # noqa: B010 (a per-request cache on the user)
    return viewer


def _caregiver_covers_program(caregiver: Caregiver) -> bool:
    return caregiver.role in (_m.Caregiver.Role.FLOATER, _m.Caregiver.Role.DIRECTOR)


def _in_group(caregiver: Caregiver, child: Child) -> bool:
    """The child is in the caregiver's group: their small group, else their home room.

    A caregiver with a small group also has the children of their room who are in no small
    group yet (enrolled since the plan was accepted)."""
    if caregiver.care_group_id is not None and child.care_group_id == caregiver.care_group_id:
        return True
    if caregiver.room_id is None or child.room_id != caregiver.room_id:
        return False
    return caregiver.care_group_id is None or child.care_group_id is None


def _group_children(caregiver: Caregiver) -> Q:
    """The children of the caregiver's group (see _in_group), as a query condition."""
    condition = Q(pk__in=[])
    if caregiver.care_group_id is not None:
        condition |= Q(care_group_id=caregiver.care_group_id)
        if caregiver.room_id is not None:
            condition |= Q(room_id=caregiver.room_id, care_group__isnull=True)
    elif caregiver.room_id is not None:
        condition |= Q(room_id=caregiver.room_id)
    return condition


# -- relations -------------------------------------------------------------------------------


def program_relations(viewer: Viewer, program: Program) -> frozenset[Rel]:
    rels: set[Rel] = set()
    if program.pk in viewer.managed_program_ids:
        rels.add(Rel.MANAGER)
    cg = viewer.caregiver
    if cg is not None and cg.program_id == program.pk:
        rels.add(Rel.COLLEAGUE)
    if program.pk in viewer.support_program_ids:
        rels.add(Rel.SUPPORT)
    if program.jurisdiction_id in viewer.state_jurisdiction_ids:
        rels.add(Rel.STATE)
    if (
        viewer.family_id is not None
        and _m.Child.objects.filter(program=program, family_id=viewer.family_id).exists()
    ):
        rels.add(Rel.FAMILY)
    return frozenset(rels)


def child_relations(viewer: Viewer, child: Child) -> frozenset[Rel]:
    rels: set[Rel] = set()
    if child.program_id in viewer.managed_program_ids:
        rels.add(Rel.MANAGER)
    cg = viewer.caregiver
    if cg is not None and cg.program_id == child.program_id:
        if child.primary_caregiver_id == cg.pk:
            rels.add(Rel.PRIMARY)
        if _caregiver_covers_program(cg) or _in_group(cg, child):
            rels.add(Rel.GROUP)
    if viewer.family_id is not None and child.family_id == viewer.family_id:
        rels.add(Rel.FAMILY)
    if child.program_id in viewer.support_program_ids:
        rels.add(Rel.SUPPORT)
    if viewer.state_jurisdiction_ids and child.program.jurisdiction_id in (
        viewer.state_jurisdiction_ids
    ):
        rels.add(Rel.STATE)
    return frozenset(rels)


def family_relations(viewer: Viewer, family: Family) -> frozenset[Rel]:
    rels: set[Rel] = set()
    if viewer.family_id == family.pk:
        rels.add(Rel.FAMILY)
    # A director reaches a family only through a program it is shared with (FamilyShare),
    # never because a child of their program was linked to it by a pick of their own.
    if family.organization_id in viewer.admin_organization_ids or (
        viewer.director_program_ids
        and family.shares.filter(
            program_id__in=viewer.director_program_ids, status=_m.FamilyShare.Status.APPROVED
        ).exists()
    ):
        rels.add(Rel.MANAGER)
    cg = viewer.caregiver
    if cg is not None:
        children = family.children.filter(program_id=cg.program_id)
        if children.filter(primary_caregiver=cg).exists():
            rels.add(Rel.PRIMARY)
        elif _caregiver_covers_program(cg) or children.filter(_group_children(cg)).exists():
            rels.add(Rel.GROUP)
    return frozenset(rels)


def caregiver_relations(viewer: Viewer, caregiver: Caregiver) -> frozenset[Rel]:
    rels: set[Rel] = set()
    if caregiver.program_id in viewer.managed_program_ids:
        rels.add(Rel.MANAGER)
    cg = viewer.caregiver
    if cg is not None:
        if cg.pk == caregiver.pk:
            rels.add(Rel.SELF)
        elif cg.program_id == caregiver.program_id:
            rels.add(Rel.COLLEAGUE)
    if caregiver.program_id in viewer.support_program_ids:
        rels.add(Rel.SUPPORT)
    return frozenset(rels)


def organization_relations(viewer: Viewer, organization: Organization) -> frozenset[Rel]:
    if organization.pk in viewer.admin_organization_ids:
        return frozenset({Rel.MANAGER})
    return frozenset()


def training_relations(
    viewer: Viewer, jurisdiction_id: int, person_ids: frozenset[int] = frozenset()
) -> frozenset[Rel]:
    """Relations to something of a state's training: the state's lead (its administrator),
    its specialist, and the people it is about (`person_ids`)."""
    rels: set[Rel] = set()
    if jurisdiction_id in viewer.state_jurisdiction_ids:
        rels.add(Rel.STATE)
    if jurisdiction_id in viewer.tta_jurisdiction_ids:
        rels.add(Rel.TTA)
    if viewer.person_id is not None and viewer.person_id in person_ids:
        rels.add(Rel.TRAINEE)
    return frozenset(rels)


def require_training(
    viewer: Viewer, jurisdiction_id: int, action: str, person_ids: frozenset[int] = frozenset()
) -> frozenset[Rel]:
    """Refuse unless the viewer's relation to the state's training carries `action`."""
    if viewer.is_anonymous:
        raise Http404
    rels = training_relations(viewer, jurisdiction_id, person_ids)
    _decide(action, rels)
    return rels


def endorsement_relations(
    viewer: Viewer, jurisdiction_id: int, *, submitted: bool
) -> frozenset[Rel]:
    """Relations to a person's endorsement record: the coordinator of their state, once the
    person has brought it to the association (`submitted`: an endorsement declared, or an
    application started)."""
    if submitted and jurisdiction_id in viewer.coordinator_jurisdiction_ids:
        return frozenset({Rel.COORDINATOR})
    return frozenset()


def require_endorsement(
    viewer: Viewer, jurisdiction_id: int, action: str, *, submitted: bool
) -> frozenset[Rel]:
    if viewer.is_anonymous:
        raise Http404
    rels = endorsement_relations(viewer, jurisdiction_id, submitted=submitted)
    _decide(action, rels)
    return rels


def may_see_support_requests(viewer: Viewer) -> bool:
    """Support requests are for the programs' managers (who ask) and the people listed in the
    directory (who answer)."""

    return bool(viewer.managed_program_ids) or (
        viewer.user_id is not None
        and _m.DirectoryEntry.objects.filter(user_id=viewer.user_id).exists()
    )


def directory_jurisdiction_ids(viewer: Viewer) -> frozenset[int]:
    """States whose directory of T/TA specialists and trainers the viewer may search: their
    administrators and specialists, the managers of a program there, the specialists and
    trainers who work there (and may list themselves)."""
    if viewer.is_anonymous:
        return frozenset()
    ids = set(viewer.state_jurisdiction_ids | viewer.tta_jurisdiction_ids)
    ids |= set(
        _m.Program.objects.filter(
            pk__in=viewer.managed_program_ids | viewer.support_program_ids
        ).values_list("jurisdiction_id", flat=True)
    )
    if viewer.person_id is not None:
        ids |= set(
            _m.Person.objects.filter(pk=viewer.person_id).values_list("jurisdiction_id", flat=True)
        )

    assert viewer.user_id is not None
    ids |= set(
        _m.DirectoryEntry.objects.filter(user_id=viewer.user_id).values_list(
            "jurisdiction_id", flat=True
        )
    )
    return frozenset(ids)


def require_support_request(
    viewer: Viewer, *, program_id: int, asked_user_id: int, action: str
) -> frozenset[Rel]:
    """Relations to a support request: the person asked (self), the program's managers."""
    if viewer.is_anonymous:
        raise Http404
    rels: set[Rel] = set()
    if viewer.user_id == asked_user_id:
        rels.add(Rel.SELF)
    if program_id in viewer.managed_program_ids:
        rels.add(Rel.MANAGER)
    _decide(action, frozenset(rels))
    return frozenset(rels)


def job_relations(viewer: Viewer, job: Any) -> frozenset[Rel]:
    """Relations to a job of the queue (attune.jobs.models.Job)."""
    rels: set[Rel] = set()
    if viewer.is_anonymous:
        return frozenset()
    if job.created_by_id is not None and job.created_by_id == viewer.user_id:
        rels.add(Rel.OWNER)
    if job.program_id is not None and job.program_id in viewer.managed_program_ids:
        rels.add(Rel.MANAGER)
    if job.jurisdiction_id is not None:
        if job.jurisdiction_id in viewer.state_jurisdiction_ids:
            rels.add(Rel.STATE)
        if job.jurisdiction_id in viewer.tta_jurisdiction_ids:
            rels.add(Rel.TTA)
    if viewer.operator:
        rels.add(Rel.OPERATOR)
    return frozenset(rels)


def require_job(viewer: Viewer, pk: int, action: str) -> Granted:

    job = (
        _m.Job.objects.filter(pk=pk).select_related("program", "jurisdiction", "created_by").first()
    )
    if job is None:
        raise Http404
    rels = job_relations(viewer, job)
    _decide(action, rels)
    return Granted(job, rels)


def visible_jobs_filter(viewer: Viewer) -> Q:
    """The jobs the viewer may see (job.view), as a query condition on Job."""
    if viewer.operator:
        return Q()
    return (
        Q(created_by_id=viewer.user_id)
        | Q(program_id__in=viewer.managed_program_ids)
        | Q(jurisdiction_id__in=viewer.state_jurisdiction_ids | viewer.tta_jurisdiction_ids)
    )


def require_state(viewer: Viewer, action: str, jurisdiction_id: int | None = None) -> int:
    """The state (jurisdiction id) the viewer acts for with `action`: the one asked for, or
    their first. 404 when they have no relation to any state, 403 when it lacks `action`."""
    ids = sorted(viewer.state_jurisdiction_ids | viewer.tta_jurisdiction_ids)
    if jurisdiction_id is not None:
        ids = [i for i in ids if i == jurisdiction_id]
    if viewer.is_anonymous or not ids:
        raise Http404
    for pk in ids:
        if allows(action, training_relations(viewer, pk)):
            return pk
    raise PermissionDenied


def require_state_admin(viewer: Viewer, jurisdiction_id: int, action: str) -> frozenset[Rel]:
    """Refuse unless the viewer administers the jurisdiction and that carries `action`
    (a signed-in viewer without the relation gets 403: jurisdictions are public)."""
    if viewer.is_anonymous:
        raise Http404
    rels = (
        frozenset({Rel.STATE}) if jurisdiction_id in viewer.state_jurisdiction_ids else frozenset()
    )
    if not allows(action, rels):
        raise PermissionDenied
    return rels


def allows(action: str, relations: frozenset[Rel]) -> bool:
    return bool(POLICY[action] & relations)


def can(viewer: Viewer, action: str, obj: Program | Child | Family | Caregiver) -> bool:
    return allows(action, relations(viewer, obj))


def relations(viewer: Viewer, obj: Program | Child | Family | Caregiver) -> frozenset[Rel]:
    if viewer.is_anonymous:
        return frozenset()
    if isinstance(obj, _m.Program):
        return program_relations(viewer, obj)
    if isinstance(obj, _m.Child):
        return child_relations(viewer, obj)
    if isinstance(obj, _m.Family):
        return family_relations(viewer, obj)
    return caregiver_relations(viewer, cast("Caregiver", obj))


def _decide(action: str, rels: frozenset[Rel]) -> None:
    if not rels:
        raise Http404
    if not allows(action, rels):
        raise PermissionDenied


# -- what views call -------------------------------------------------------------------------


@dataclass(frozen=True)
class Granted:
    """An object the viewer may act on, with the relations that granted it."""

    obj: Any
    relations: frozenset[Rel]

    def allows(self, action: str) -> bool:
        return allows(action, self.relations)


def require_program(viewer: Viewer, pk: int, action: str) -> Granted:
    program = (
        _m.Program.objects.filter(pk=pk).select_related("organization", "jurisdiction").first()
    )
    if program is None:
        raise Http404
    rels = program_relations(viewer, program)
    _decide(action, rels)
    return Granted(program, rels)


def require_organization(viewer: Viewer, pk: int, action: str) -> Granted:
    organization = _m.Organization.objects.filter(pk=pk).first()
    if organization is None:
        raise Http404
    rels = organization_relations(viewer, organization)
    _decide(action, rels)
    return Granted(organization, rels)


def require_child(viewer: Viewer, pk: int, action: str) -> Granted:
    child = (
        _m.Child.objects.filter(pk=pk)
        .select_related("program", "program__jurisdiction", "family", "room", "primary_caregiver")
        .first()
    )
    if child is None:
        raise Http404
    rels = child_relations(viewer, child)
    _decide(action, rels)
    return Granted(child, rels)


def require_family(viewer: Viewer, pk: int, action: str) -> Granted:
    family = _m.Family.objects.filter(pk=pk).select_related("organization").first()
    if family is None:
        raise Http404
    rels = family_relations(viewer, family)
    _decide(action, rels)
    return Granted(family, rels)


def require_caregiver(viewer: Viewer, pk: int, action: str) -> Granted:
    caregiver = _m.Caregiver.objects.filter(pk=pk).select_related("program", "room").first()
    if caregiver is None:
        raise Http404
    rels = caregiver_relations(viewer, caregiver)
    _decide(action, rels)
    return Granted(caregiver, rels)


def visible_children(viewer: Viewer, program: Program) -> ChildQuerySet:
    """Children of the program the viewer may see at least by name (child.view)."""
    qs = _m.Child.objects.filter(program=program)
    if program.pk in viewer.managed_program_ids:
        return qs
    cg = viewer.caregiver
    condition = Q(pk__in=[])
    if cg is not None and cg.program_id == program.pk:
        if _caregiver_covers_program(cg):
            return qs
        condition |= Q(primary_caregiver=cg) | _group_children(cg)
    if viewer.family_id is not None:
        condition |= Q(family_id=viewer.family_id)
    return qs.filter(condition)


def visible_room_ids(viewer: Viewer, program: Program) -> set[int] | None:
    """Rooms whose day the viewer follows on the dashboard: None for all of them."""
    if program.pk in viewer.managed_program_ids:
        return None
    cg = viewer.caregiver
    if cg is None or cg.program_id != program.pk:
        return set()
    if _caregiver_covers_program(cg):
        return None
    rooms = {cg.room_id} if cg.room_id else set()
    if cg.care_group_id is not None:
        group_room = _m.CareGroup.objects.filter(pk=cg.care_group_id).values_list(
            "room_id", flat=True
        )
        rooms |= {room for room in group_room if room is not None}
    return rooms


def linkable_families(viewer: Viewer, program: Program) -> FamilyQuerySet:
    """Families a manager may link a new child of `program` to: those shared with the program;
    for the organization's administrator (whose pick is the confirmation), any of its families."""
    if program.organization_id in viewer.admin_organization_ids:
        return _m.Family.objects.filter(organization_id=program.organization_id)
    return _m.Family.objects.known_to(program)


def may_decide_share(viewer: Viewer, share: FamilyShare) -> bool:
    """A request to share a family with another program is answered by a guardian of the
    family or the organization's administrator, never by the program that asks."""
    return viewer.family_id == share.family_id or (
        share.family.organization_id in viewer.admin_organization_ids
    )


def pending_shares(viewer: Viewer) -> QuerySet[FamilyShare]:
    """Requests waiting for the viewer's answer."""
    return (
        _m.FamilyShare.objects.filter(status=_m.FamilyShare.Status.PENDING)
        .filter(
            Q(family_id=viewer.family_id)
            | Q(family__organization_id__in=viewer.admin_organization_ids)
        )
        .select_related("family", "program", "requested_by")
    )


def family_children(viewer: Viewer) -> QuerySet[Child]:
    if viewer.family_id is None:
        return _m.Child.objects.none()
    return _m.Child.objects.filter(family_id=viewer.family_id).select_related("program", "room")


def home_programs(viewer: Viewer) -> QuerySet[Program]:
    """Programs whose dashboard the viewer may open, for navigation."""
    ids = set(viewer.managed_program_ids)
    if viewer.caregiver is not None:
        ids.add(viewer.caregiver.program_id)
    return _m.Program.objects.filter(pk__in=ids).order_by("name")


def overview_programs(viewer: Viewer) -> QuerySet[Program]:
    """Programs the viewer may see in aggregate (support, state, managers)."""
    return _m.Program.objects.filter(
        Q(pk__in=viewer.support_program_ids | viewer.managed_program_ids)
        | Q(jurisdiction_id__in=viewer.state_jurisdiction_ids)
    ).order_by("name")


def is_staff_view(rels: frozenset[Rel]) -> bool:
    """A view by program staff (as opposed to the child's own family): audited when full."""
    return bool(rels & STAFF_RELATIONS)


# -- navigation: derived from the same decisions as the pages -----------------------------


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    program_id: int | None = None  # the program a program page's item is about


def main_navigation(viewer: Viewer) -> list[NavItem]:
    """The header's links: only pages this person may open (each condition is the one the
    page itself checks)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if viewer.is_anonymous:
        return []
    items = [
        NavItem(p.name, reverse("program_dashboard", args=[p.pk]), p.pk)
        for p in home_programs(viewer)
    ]
    roles = viewer.roles
    if viewer.family_id is not None:
        items.append(NavItem(_("My family"), reverse("family_home")))
    if viewer.support_program_ids:
        items.append(NavItem(_("Programs I support"), reverse("support_home")))
    if viewer.state_jurisdiction_ids:
        items.append(NavItem(_("State overview"), reverse("state_home")))
    if roles and roles != ["family"]:
        items.append(NavItem(_("My professional profile"), reverse("workforce_me")))
    if viewer.state_jurisdiction_ids:
        items.append(NavItem(_("Policy what-if"), reverse("state_policy")))
        items.append(NavItem(_("Workforce"), reverse("workforce_state")))
    if viewer.coordinator_jurisdiction_ids:
        items.append(NavItem(_("Endorsements"), reverse("workforce_coordinator")))
    if directory_jurisdiction_ids(viewer):
        items.append(NavItem(_("Directory"), reverse("workforce_directory")))
    if viewer.state_jurisdiction_ids or viewer.tta_jurisdiction_ids or viewer.person_id:
        items.append(NavItem(_("Training for Trainers"), reverse("training_home")))
    if (
        viewer.operator
        or viewer.managed_program_ids
        or viewer.state_jurisdiction_ids
        or viewer.tta_jurisdiction_ids
    ):
        items.append(NavItem(_("Jobs"), reverse("my_jobs")))
    return items


PROGRAM_PAGES = (
    ("program.dashboard", "program_dashboard", gettext_noop("Today")),
    ("program.record", "care_record", gettext_noop("Daily care record")),
    ("program.children", "child_list", gettext_noop("Children")),
    ("program.caregivers", "caregiver_list", gettext_noop("Caregivers")),
    ("program.overview", "program_overview", gettext_noop("Figures")),
    ("program.jobs", "program_jobs", gettext_noop("Jobs")),
)


def program_navigation(viewer: Viewer, program: Program) -> list[NavItem]:
    """The program's sub-navigation: the program pages the person may open."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    rels = program_relations(viewer, program) if not viewer.is_anonymous else frozenset()
    return [
        NavItem(_(label), reverse(url_name, args=[program.pk]), program.pk)
        for action, url_name, label in PROGRAM_PAGES
        if allows(action, rels)
    ]


# -- the day as it happens (issue #19): attendance, notifications, messages --------------------

POLICY.update(
    {
        # a room's page today: who is here, the ratio now (the managers and the room's staff)
        "attendance.room": frozenset({Rel.MANAGER, Rel.GROUP}),
        # sign a child in and out: the child's caregivers and the managers
        "attendance.sign": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.GROUP}),
        # a guardian at the door with the program's code (where the program allows it)
        "attendance.door": frozenset({Rel.FAMILY}),
        # say ahead that a child will be absent or late: the family, or staff taking a call
        "attendance.absence": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.GROUP, Rel.FAMILY}),
        # clock in and out: the caregiver themself and the managers
        "attendance.clock": frozenset({Rel.MANAGER, Rel.SELF}),
        # planned against actual attendance per day and week
        "attendance.report": frozenset({Rel.MANAGER}),
        # messages between a family and its child's primary caregiver (and the director)
        "messages.child": frozenset({Rel.MANAGER, Rel.PRIMARY, Rel.FAMILY}),
    }
)


def room_relations(viewer: Viewer, room: Any) -> frozenset[Rel]:
    """Relations to a room: the program's managers; its caregivers (the rooms they follow on
    the dashboard: their home room, their small group's room, every room for floaters); any
    other caregiver of the program is a colleague."""
    rels: set[Rel] = set()
    program = room.program
    if program.pk in viewer.managed_program_ids:
        rels.add(Rel.MANAGER)
    cg = viewer.caregiver
    if cg is not None and cg.program_id == program.pk:
        followed = visible_room_ids(viewer, program)
        rels.add(Rel.GROUP if followed is None or room.pk in followed else Rel.COLLEAGUE)
    return frozenset(rels)


def require_room(viewer: Viewer, pk: int, action: str) -> Granted:
    room = (
        _model("programs.Room")
        ._default_manager.filter(pk=pk)
        .select_related("program", "program__jurisdiction")
        .first()
    )
    if room is None or viewer.is_anonymous:
        raise Http404
    rels = room_relations(viewer, room)
    _decide(action, rels)
    return Granted(room, rels)


# -- people and roles (issue #16) ------------------------------------------------------------

PROGRAM_ROLES = ("director", "caregiver", "floater", "specialist", "trainer", "guardian")


def may_invite(
    viewer: Viewer,
    role: str,
    *,
    organization_id: int | None = None,
    program_id: int | None = None,
    jurisdiction_id: int | None = None,
) -> bool:
    """Whether the viewer may invite someone to `role` there: an organization's administrator
    only by its administrators (never by a director); a role in a program by the program's
    managers (a guardian from the child's page); a state's T/TA specialist or trainer by the
    state's administrator."""
    if viewer.is_anonymous:
        return False
    if role == "org_admin":
        return organization_id is not None and organization_id in viewer.admin_organization_ids
    if role in PROGRAM_ROLES and program_id is not None:
        return program_id in viewer.managed_program_ids
    if role in ("specialist", "trainer") and jurisdiction_id is not None:
        return jurisdiction_id in viewer.state_jurisdiction_ids
    return False


def may_set_up(viewer: Viewer, organization_id: int) -> bool:
    """Creating and editing an organization's programs and rooms is its administrators'."""
    return organization_id in viewer.admin_organization_ids
