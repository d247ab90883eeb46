"""Every page and action × every persona → the expected status.

Rules of the matrix (attune.lib.access):
- anonymous → 302 to sign-in;
- no relation to the object → 404 (its existence is not revealed, e.g. a family guessing
  another child's URL);
- a relation that does not carry the action → 403 (a specialist on a child page);
- allowed → 200 (or the form's 400 / the action's 302 for POSTs).

`test_every_url_has_a_matrix_row` fails when a URL is added without a row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from attune.accounts import feeds
from attune.care import photos
from attune.care import services as care_services
from attune.plans.models import WhatIfRun
from attune.programs import attendance, services
from attune.programs.models import Child, ImportBatch, Program, WaitlistEntry
from attune.training import services as training_services
from attune.training.models import Certificate, Person, TrainingSession
from attune.workforce import services as workforce_services
from attune.workforce.models import Application
from tests.conftest import PERSONAS, World
from tests.plans.helpers import planned
from tests.training.helpers import tft


def statuses(default: int, **overrides: int) -> dict[str, int]:
    table = {persona: default for persona in PERSONAS}
    table["anonymous"] = 302
    table.update(overrides)
    return table


# Program pages for managers only (create records, waitlist, import, export).
MANAGE = statuses(
    404, director=200, org_admin=200, caregiver=403, family=403, other_family=403,
    specialist=403, trainer=403, state_admin=403,
)  # fmt: skip
# Program pages for the program's staff.
STAFF = {**MANAGE, "caregiver": 200}
# Aggregate figures: managers and the T/TA and state roles, never caregivers or families.
OVERVIEW = {**MANAGE, "specialist": 200, "trainer": 200, "state_admin": 200}
# The family persona's child: primary caregiver and family see it; support roles get 403.
CHILD = statuses(
    404, director=200, org_admin=200, caregiver=200, family=200, specialist=403, trainer=403,
    state_admin=403,
)  # fmt: skip
CHILD_MANAGE = {**CHILD, "caregiver": 403, "family": 403}
# Training for Trainers (attune.training): decided per state and per person. The state
# administrator is the state's lead, the specialist also Oregon's Infant/Toddler Specialist,
# the trainer persona a trainer of Oregon's workforce (enrolled in the event, its deliveries).
NO_ROLE = statuses(403)
TFT_STATE = statuses(404, state_admin=200, specialist=200, trainer=200)
TFT_SCHEDULE = statuses(404, state_admin=403, specialist=200, trainer=404)
STATE_TRAINING = statuses(403, state_admin=200, specialist=200)
TRAINING_ANY = statuses(403, state_admin=200, specialist=200, trainer=200)
# Daily care the child's caregivers write (the record page's buttons): not the family.
CHILD_CARE = {**CHILD, "family": 403}
CAREGIVER_RECORD = statuses(
    404, director=200, org_admin=200, caregiver=200, specialist=403, trainer=403
)
FAMILY = statuses(404, director=200, org_admin=200, caregiver=200, family=200)
FAMILY_MANAGE = {**FAMILY, "caregiver": 403, "family": 403}


def form_errors(table: dict[str, int]) -> dict[str, int]:
    """An empty POST: the managers get the form back with its errors (400)."""
    return {**table, "director": 400, "org_admin": 400}


def nothing(w: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    name: str
    kwargs: Callable[[World], dict[str, Any]]
    expected: dict[str, int]
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    label: str = ""

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}{self.label}"


def program(w: World) -> dict[str, Any]:
    return {"program_id": w.program.pk}


def child(w: World) -> dict[str, Any]:
    return {"child_id": w.child.pk}


def family(w: World) -> dict[str, Any]:
    return {"family_id": w.family.pk}


def guardian(w: World) -> dict[str, Any]:
    return {"family_id": w.family.pk, "guardian_id": w.guardian.pk}


def waitlist_entry(w: World) -> dict[str, Any]:
    entry = services.save_waitlist_entry(
        actor=None,
        program=w.program,
        entry=None,
        data={
            "child_first_name": "Noor", "child_last_name": "Haddad",
            "birth_date": w.program.today(), "guardian_name": "Layla Haddad",
            "phone": "555-0199", "desired_start": w.program.today(),
        },
    )  # fmt: skip
    return {"program_id": w.program.pk, "entry_id": entry.pk}


def plan_run(w: World) -> dict[str, Any]:
    """A plan of the world's program (staffed so that one exists), not yet accepted."""
    run = planned(w)
    return {"program_id": w.program.pk, "run_id": run.pk}


def whatif_run(w: World) -> dict[str, Any]:
    """A what-if asked about the world's program, answered."""
    run = WhatIfRun.objects.create(
        program=w.program, kind=WhatIfRun.Kind.RANKING, status=WhatIfRun.Status.DONE,
        result={"answers": []},
    )  # fmt: skip
    return {"program_id": w.program.pk, "run_id": run.pk}


def today(w: World) -> dict[str, Any]:
    return {"on": w.program.today().isoformat()}


def absence(w: World) -> dict[str, Any]:
    said = attendance.mark_absence(actor=None, child=w.child, day=w.program.today(), kind="absent")
    return {"absence_id": said.pk}


def day_photo(w: World) -> dict[str, Any]:
    """A photo of the family persona's child, with the family's consent."""
    photos.set_consent(actor=None, child=w.child, given=True)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    photo = photos.add_photo(
        actor=None, child=w.child, file=SimpleUploadedFile("p.png", png, content_type="image/png")
    )
    return {"photo_id": photo.pk}


def door_child(w: World) -> dict[str, Any]:
    """The family persona's child, in a program that lets guardians sign in at the door."""
    w.program.door_code = "4821"
    w.program.save(update_fields=["door_code"])
    return {"child_id": w.child.pk}


def api_token(w: World) -> dict[str, Any]:
    """A token of the director persona."""
    from attune.api import tokens

    token, _secret = tokens.issue(user=w.users["director"], name="billing", scope="read", days=7)
    return {"token_id": token.pk}


def webhook(w: World) -> dict[str, Any]:
    """A webhook of the world's program."""
    from attune.api import webhooks

    endpoint = webhooks.create_endpoint(
        actor=w.users["director"], url="https://example.org/hook", events=["child.enrolled"],
        program=w.program,
    )  # fmt: skip
    return {"webhook_id": endpoint.pk}


def nap(w: World) -> dict[str, Any]:
    """The family persona's child, asleep since a minute ago."""
    entry = care_services.log_entry(
        actor=None, child=w.child, kind="nap", data={"at": timezone.now() - timedelta(minutes=1)}
    )
    return {"entry_id": entry.pk}


def care_plan_version(w: World) -> dict[str, Any]:
    plan = care_services.save_care_plan(actor=None, child=w.child, data={"comforting": "songs"})
    return {"plan_id": plan.pk}


def proposal(w: World) -> dict[str, Any]:
    plan = care_services.propose_care_plan(actor=None, child=w.child, data={"interests": "dogs"})
    return {"plan_id": plan.pk}


def tft_event(w: World) -> dict[str, Any]:
    return {"event_id": tft(w).event.pk}


def tft_request(w: World) -> dict[str, Any]:
    request = training_services.request_tft(
        actor=None, jurisdiction=w.jurisdiction, data={"expected_participants": 4}
    )
    return {"request_id": request.pk}


def tft_enrollment(w: World) -> dict[str, Any]:
    return {"enrollment_id": tft(w).enrollment.pk}


def tft_delivery(w: World) -> dict[str, Any]:
    return {"delivery_id": tft(w).delivery.pk}


def tft_certificate(w: World) -> dict[str, Any]:
    delivery = tft(w).delivery
    return {"delivery_id": delivery.pk, "attendee_id": delivery.attendees.first().pk}


def tft_material(w: World) -> dict[str, Any]:
    upload = SimpleUploadedFile("deck.pdf", b"%PDF-1.4", content_type="application/pdf")
    material = training_services.add_material(
        actor=None, session=TrainingSession.objects.get(number=2),
        data={"kind": "slides", "title": "Deck", "file": upload},
    )  # fmt: skip
    return {"material_id": material.pk}


def tft_person(w: World) -> dict[str, Any]:
    return {"person_id": Person.objects.get(user=w.users["trainer"]).pk}


def tft_fidelity(w: World) -> dict[str, Any]:
    delivery = tft(w).delivery
    return {"delivery_id": delivery.pk, "session_id": delivery.sessions.first().pk}


def workforce_application(w: World) -> dict[str, Any]:
    """The caregiver persona's own endorsement application."""
    profile = workforce_services.save_profile(
        actor=None,
        user=w.users["caregiver"],
        data={"jurisdiction": w.jurisdiction, "role": "caregiver"},
    )
    application = workforce_services.start_application(actor=None, profile=profile, level="I")
    return {"application_id": application.pk}


def workforce_document(w: World) -> dict[str, Any]:
    application_id = workforce_application(w)["application_id"]
    document = workforce_services.add_document(
        actor=None, application=Application.objects.get(pk=application_id),
        data={"step": "portfolio", "title": "CDA",
              "file": SimpleUploadedFile("cda.pdf", b"%PDF-1.4", content_type="application/pdf")},
    )  # fmt: skip
    return {"document_id": document.pk}


def workforce_group(w: World) -> dict[str, Any]:
    """A reflective group the caregiver persona leads (endorsed at Level III)."""
    lead = workforce_services.save_profile(
        actor=None, user=w.users["caregiver"],
        data={"jurisdiction": w.jurisdiction, "role": "mental_health", "endorsed_level": "III"},
    )  # fmt: skip
    today = timezone.localdate()
    workforce_services.verify_endorsement(
        actor=w.users["coordinator"], profile=lead, level="III", number="OR-3-1",
        awarded=date(2020, 5, 1), renewal_due=today + timedelta(days=90), version=None,
        today=today,
    )  # fmt: skip
    members = [
        workforce_services.save_profile(
            actor=None, user=w.users[name], data={"jurisdiction": w.jurisdiction, "role": "other"}
        )
        for name in ("outsider", "trainer", "specialist")
    ]
    group = workforce_services.create_group(
        actor=None, name="Group", facilitator=lead, members=members, starts=w.program.today()
    )
    return {"group_id": group.pk}


def registry_batch(w: World) -> dict[str, Any]:
    """A file sent to Oregon's registry."""
    tft(w)
    export = training_services.export_registry(
        actor=None, jurisdiction=w.jurisdiction, layout="oregon"
    )
    return {"export_id": export.pk}


def series_certificate(w: World) -> dict[str, Any]:
    """The trainer persona's certificate for the series (they attended all nine sessions)."""
    tft(w)
    return {"certificate_id": Certificate.objects.get(kind="series").pk}


def verification_code(w: World) -> dict[str, Any]:
    tft(w)
    return {"token": Certificate.objects.get(kind="series").token}


def attended_session(w: World) -> dict[str, Any]:
    """A TFT session the trainer persona attended."""
    return {"event_session_id": tft(w).event.sessions.get(session__number=2).pk}


def declared_endorsement(w: World) -> dict[str, Any]:
    """The director persona declared an endorsement (Level II) with its evidence: the state
    association's coordinator verifies it."""
    profile = workforce_services.save_profile(
        actor=None, user=w.users["director"],
        data={"jurisdiction": w.jurisdiction, "role": "caregiver", "endorsed_level": "II",
              "endorsement_number": "OR-2-55",
              "endorsement_evidence": SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")},
    )  # fmt: skip
    return {"profile_id": profile.pk}


def directory_entry(w: World) -> dict[str, Any]:
    """An Oregon specialist (not a persona) listed in the state's directory."""
    from tests.conftest import make_user

    user = make_user("lane_tta", first_name="Lucía", last_name="Paredes")
    services.grant_membership(actor=None, user=user, role="specialist",
                              jurisdiction_id=w.jurisdiction.pk)  # fmt: skip
    entry = workforce_services.save_directory_entry(actor=None, user=user, data={
        "jurisdiction": w.jurisdiction, "kind": "specialist", "region": "Lane County",
        "languages": ["es", "en"], "practices": ["continuity"], "capacity": 2})  # fmt: skip
    return {"entry_id": entry.pk}


def support_request(w: World) -> dict[str, Any]:
    """Maple Street's request for support from that specialist."""
    from attune.workforce.models import DirectoryEntry

    entry = DirectoryEntry.objects.get(pk=directory_entry(w)["entry_id"])
    request = workforce_services.request_support(
        actor=w.users["director"], entry=entry, program=w.program, practices=[], message="Help"
    )
    return {"request_id": request.pk}


# The state's directory: program managers, the state's roles and its specialists and trainers
DIRECTORY = statuses(403, director=200, org_admin=200, other_director=200, specialist=200,
                     trainer=200, state_admin=200)  # fmt: skip
LISTED = statuses(403, specialist=200, trainer=200)
# Asking an Oregon specialist for support: Oregon's program managers (others in the state 403)
ASK = statuses(404, director=200, org_admin=200, specialist=403, trainer=403, state_admin=403)


def state_feed(w: World) -> dict[str, Any]:
    token = feeds.issue(user=w.users["state_admin"], kind="state", subject_id=w.jurisdiction.pk)
    return {"token": token}


def program_job(w: World) -> dict[str, Any]:
    """A finished job the director started at the world's program, with a file."""
    from django.core.files.base import ContentFile

    from attune.jobs.models import Job

    job = Job.objects.create(
        kind="import", title="Import", program=w.program, created_by=w.users["director"],
        task_path="attune.programs.tasks.import_batch", status=Job.Status.DONE,
    )  # fmt: skip
    job.file.save("export.csv", ContentFile(b"a,b\n"), save=False)
    job.file_name = "export.csv"
    job.save()
    return {"job_id": job.pk}


def state_job(w: World) -> dict[str, Any]:
    """A finished job of Oregon's (a registry export the state administrator started)."""
    from attune.jobs.models import Job

    job = Job.objects.create(
        kind="registry", title="Registry", jurisdiction=w.jurisdiction,
        created_by=w.users["state_admin"], task_path="attune.training.tasks.registry_export",
        status=Job.Status.DONE,
    )  # fmt: skip
    return {"job_id": job.pk}


def policy_question(w: World) -> dict[str, Any]:
    from attune.plans.models import PolicyWhatIf

    question = PolicyWhatIf.objects.create(
        jurisdiction=w.jurisdiction, title="What if", starts=w.program.today(),
        edits={"cfoc-center:toddler": {"ratio": 5}}, program_count=1,
    )  # fmt: skip
    return {"policy_id": question.pk}


def import_batch(w: World) -> dict[str, Any]:
    batch = ImportBatch.objects.create(
        program=w.program, kind="children", filename="children.csv", encoding="utf-8",
        content="first_name,last_name\n", row_count=0,
    )  # fmt: skip
    return {"batch_id": batch.pk}


def share_request(w: World) -> dict[str, Any]:
    """Another program of the organization asks for the family persona's family."""
    sister = Program.objects.create(
        organization=w.organization, jurisdiction=w.jurisdiction, name="Alder Street"
    )
    share = services.request_family_share(actor=None, program=sister, code=w.family.code)
    assert share is not None
    return {"share_id": share.pk}


def decline(w: World) -> dict[str, Any]:
    return {"decision": "decline"}


def published_rules(w: World) -> dict[str, Any]:
    version = services.publish_rule_set(
        actor=w.users["state_admin"],
        jurisdiction=w.jurisdiction,
        document={
            "format": "attune.rules/2", "id": "or-test", "name": "Oregon (test)",
            "citation": "OAR (test)", "effective": "2026-01-01", "mixed_age": "youngest",
            "bands": [{"id": "all", "min_months": 0, "max_months": 71, "ratio": 4,
                       "max_group": 8}],
        },
    )  # fmt: skip
    return {"version_id": version.pk}


# Licensing rule sets are public to anyone signed in; the state's administrator publishes.
SIGNED_IN = statuses(200)
STATE_PUBLISH = statuses(403, state_admin=200)

MATRIX: list[Row] = [
    Row("rules_index", nothing, SIGNED_IN),
    Row("rules_bench", nothing, SIGNED_IN),
    Row("rules_version", published_rules, SIGNED_IN),
    Row("rules_publish", lambda w: {"jurisdiction_id": w.jurisdiction.pk}, STATE_PUBLISH),
    Row(
        "rules_publish",
        lambda w: {"jurisdiction_id": w.jurisdiction.pk},
        {**STATE_PUBLISH, "state_admin": 400},
        "post",
        nothing,
    ),
    Row("program_rules", program, MANAGE),
    Row("program_rules", program, form_errors(MANAGE), "post", nothing),
    Row("home", lambda w: {}, statuses(302, outsider=200)),
    Row("accounts:password_change", nothing, statuses(200)),
    # my account (issue #16): everyone's own page; an empty POST says what was missing
    Row("accounts:account", nothing, statuses(200)),
    Row("accounts:account", nothing, statuses(400), "post", nothing),
    Row("family_home", lambda w: {}, statuses(403, family=200, other_family=200)),
    Row("support_home", lambda w: {}, statuses(403, specialist=200, trainer=200)),
    Row("state_home", lambda w: {}, statuses(403, state_admin=200)),
    Row(
        "organization_home",
        lambda w: {"organization_id": w.organization.pk},
        statuses(404, org_admin=200),
    ),
    Row(
        "organization_audit",
        lambda w: {"organization_id": w.organization.pk},
        statuses(404, org_admin=200),
    ),
    # People and invitations (issue #16): the organization's page is its administrators',
    # a program's its managers'; the family is invited from the child's page
    Row(
        "organization_people",
        lambda w: {"organization_id": w.organization.pk},
        statuses(404, org_admin=200),
    ),
    Row(
        "organization_people",
        lambda w: {"organization_id": w.organization.pk},
        statuses(404, org_admin=400),
        "post",
        nothing,
    ),
    # setting up programs and rooms: the organization's administrators (a director 403)
    Row(
        "program_create",
        lambda w: {"organization_id": w.organization.pk},
        statuses(404, org_admin=200),
    ),
    Row(
        "program_create",
        lambda w: {"organization_id": w.organization.pk},
        statuses(404, org_admin=400),
        "post",
        nothing,
    ),
    Row("program_settings", program, {**MANAGE, "director": 403}),
    Row("program_settings", program, {**MANAGE, "director": 403, "org_admin": 400}, "post", nothing),
    Row("room_create", program, {**MANAGE, "director": 403}),
    Row("room_create", program, {**MANAGE, "director": 403, "org_admin": 400}, "post", nothing),
    Row("room_edit", lambda w: {"room_id": w.room.pk}, {**MANAGE, "director": 403}),
    Row(
        "room_edit",
        lambda w: {"room_id": w.room.pk},
        {**MANAGE, "director": 403, "org_admin": 400},
        "post",
        nothing,
    ),
    Row("program_people", program, MANAGE),
    Row("program_people", program, form_errors(MANAGE), "post", nothing),
    Row("child_invite_family", child, CHILD_MANAGE),
    Row("child_invite_family", child, form_errors(CHILD_MANAGE), "post", nothing),
    Row("program_dashboard", program, STAFF),
    Row("program_audit", program, MANAGE),
    Row("program_overview", program, OVERVIEW),
    Row("child_list", program, STAFF),
    Row("child_create", program, MANAGE),
    Row("child_create", program, form_errors(MANAGE), "post", nothing),
    Row("caregiver_list", program, STAFF),
    Row("caregiver_create", program, MANAGE),
    Row("caregiver_create", program, form_errors(MANAGE), "post", nothing),
    Row("family_list", program, MANAGE),
    Row("family_create", program, MANAGE),
    Row("family_create", program, form_errors(MANAGE), "post", nothing),
    Row("family_share_request", program, MANAGE),
    Row("family_share_request", program, form_errors(MANAGE), "post", nothing),
    # Answered by a guardian of the family or the organization's administrator; nobody else
    # learns the request exists (the asking program included).
    Row("family_share_decide", share_request, statuses(404, org_admin=302, family=302), "post", decline),
    Row("waitlist", program, MANAGE),
    Row("waitlist_create", program, MANAGE),
    Row("waitlist_edit", waitlist_entry, MANAGE),
    Row("waitlist_edit", waitlist_entry, form_errors(MANAGE), "post", nothing),
    Row("import_upload", program, MANAGE),
    Row("import_upload", program, form_errors(MANAGE), "post", nothing),
    Row("import_example", lambda w: {"program_id": w.program.pk, "kind": "children"}, MANAGE),
    Row("import_preview", import_batch, MANAGE),
    Row("export_csv", lambda w: {"program_id": w.program.pk, "kind": "children"}, MANAGE),
    Row("export_csv", lambda w: {"program_id": w.program.pk, "kind": "families"}, MANAGE),
    Row("export_csv", lambda w: {"program_id": w.program.pk, "kind": "caregivers"}, MANAGE),
    Row("plan_board", program, MANAGE),
    # Running the planner redirects to the board (a refused day would be 400)
    Row("plan_run", program, {**MANAGE, "director": 302, "org_admin": 302}, "post", today),
    Row("plan_move", plan_run, form_errors(MANAGE), "post", nothing),
    Row("plan_save", plan_run, form_errors(MANAGE), "post", nothing),
    # The director accepts; the administrator's second click is told it is already in effect
    Row("plan_accept", plan_run, {**MANAGE, "director": 302, "org_admin": 302}, "post", nothing),
    Row("plan_print", plan_run, MANAGE),
    Row("plan_json", plan_run, MANAGE),
    Row("program_continuity", program, MANAGE),
    # What-ifs: the planning managers only; an empty question is the form back with its errors
    Row("whatif", program, MANAGE),
    Row("whatif_enroll", program, form_errors(MANAGE), "post", nothing),
    Row("whatif_staffing", program, form_errors(MANAGE), "post", nothing),
    Row("whatif_ranking", program, MANAGE),
    # Ranking an empty waiting list redirects back to the ranking page with a message
    Row("whatif_rank", program, {**MANAGE, "director": 302, "org_admin": 302}, "post", nothing),
    Row("whatif_run", whatif_run, MANAGE),
    # Jobs on the task queue: who started it, the program's managers, the state's people for a
    # state's job; cancel and retry redirect back to the job; every signed-in person has a list
    Row("my_jobs", nothing, statuses(200)),
    Row("program_jobs", program, MANAGE),
    Row("job_detail", program_job, statuses(404, director=200, org_admin=200)),
    Row("job_detail", state_job, statuses(404, state_admin=200, specialist=200), label="[state]"),
    Row("job_cancel", program_job, statuses(404, director=302, org_admin=302), "post", nothing),
    Row("job_retry", program_job, statuses(404, director=302, org_admin=302), "post", nothing),
    Row("job_file", program_job, statuses(404, director=200, org_admin=200)),
    # The state-wide policy what-if: the state's administrator asks (the state's specialist is
    # refused; an empty question is the form back with its errors); both read the answers
    Row("state_policy", nothing, statuses(404, state_admin=200, specialist=403)),
    Row("state_policy", nothing, statuses(404, state_admin=400, specialist=403), "post", nothing),
    Row("state_policy_result", policy_question, statuses(404, state_admin=200, specialist=200)),
    Row("program_continuity_csv", program, MANAGE),
    Row(
        "organization_continuity",
        lambda w: {"organization_id": w.organization.pk},
        statuses(404, org_admin=200),
    ),
    Row("state_continuity", lambda w: {}, statuses(403, state_admin=200)),
    Row("state_continuity_csv", lambda w: {}, statuses(403, state_admin=200)),
    # The full record's history: the manager, the primary caregiver and the family
    Row("child_timeline", child, CHILD),
    Row(
        "child_timeline",
        lambda w: {"child_id": w.group_child.pk},
        {**CHILD, "caregiver": 403, "family": 404, "other_family": 200},
        label="[same room, other primary]",
    ),
    Row(
        "child_timeline",
        lambda w: {"child_id": w.other_program_child.pk},
        statuses(404, other_director=200),
        label="[other program]",
    ),
    Row("child_detail", child, CHILD),
    Row(
        "child_detail",
        lambda w: {"child_id": w.group_child.pk},
        {**CHILD, "family": 404, "other_family": 200},
        label="[same room, other primary]",
    ),
    Row(
        "child_detail",
        lambda w: {"child_id": w.other_room_child.pk},
        {**CHILD, "caregiver": 404, "family": 404, "other_family": 200},
        label="[other room]",
    ),
    Row(
        "child_detail",
        lambda w: {"child_id": w.other_program_child.pk},
        statuses(404, other_director=200),
        label="[other program]",
    ),
    Row("child_edit", child, CHILD_MANAGE),
    Row("child_edit", child, form_errors(CHILD_MANAGE), "post", nothing),
    Row("child_delete", child, CHILD_MANAGE),
    Row("child_delete", child, form_errors(CHILD_MANAGE), "post", nothing),
    Row("child_audit", child, CHILD_MANAGE),
    # Training for Trainers
    Row("training_home", lambda w: {}, {**NO_ROLE, "state_admin": 200, "specialist": 200, "trainer": 200}),
    Row("training_request", lambda w: {}, {**NO_ROLE, "state_admin": 200}),
    Row("training_request", lambda w: {}, {**NO_ROLE, "state_admin": 400}, "post", nothing),
    Row("training_schedule", tft_request, TFT_SCHEDULE),
    Row("training_schedule", tft_request, {**TFT_SCHEDULE, "specialist": 400}, "post", nothing),
    Row("training_event", tft_event, TFT_STATE),
    Row("training_enroll", tft_event, {**TFT_STATE, "state_admin": 403, "specialist": 400, "trainer": 403}, "post", nothing),
    Row("training_attendance", tft_event, {**TFT_STATE, "state_admin": 403, "specialist": 302, "trainer": 403}, "post", nothing),
    Row("training_commitment", tft_enrollment, {**TFT_STATE, "state_admin": 403}),
    Row("training_delivery_create", lambda w: {}, {**NO_ROLE, "trainer": 200}),
    Row("training_delivery", tft_delivery, TFT_STATE),
    Row("training_certificate", tft_certificate, TFT_STATE),
    # Certificates: the holder, and the state's lead and specialist; the public check needs no
    # sign-in and shows only what the certificate states
    Row("training_my_certificate", series_certificate, TFT_STATE),
    Row("certificate_verify", verification_code, {**statuses(200), "anonymous": 200}),
    # A session's evaluation is its participant's; the results are the state's (no names)
    Row("training_evaluate", attended_session, {**TFT_STATE, "state_admin": 403, "specialist": 403}),
    Row("training_evaluate", attended_session, {**TFT_STATE, "state_admin": 403, "specialist": 403, "trainer": 400}, "post", nothing),
    Row("training_evaluations", tft_event, {**TFT_STATE, "trainer": 403}),
    Row("training_evaluations_overview", lambda w: {}, STATE_TRAINING),
    Row("training_registry", lambda w: {}, STATE_TRAINING),
    # an empty export request is the page back with the form's errors
    Row("training_registry_export", lambda w: {}, {**STATE_TRAINING, "state_admin": 400, "specialist": 400}, "post", nothing),
    Row("training_registry_batch", registry_batch, statuses(404, state_admin=200, specialist=200)),
    # every attendee's certificate, made by a job: redirects to the job's page
    Row(
        "training_delivery_certificates",
        lambda w: {"delivery_id": tft_certificate(w)["delivery_id"]},
        statuses(404, state_admin=302, specialist=302, trainer=302),
        "post",
        nothing,
    ),
    Row("training_reach", lambda w: {}, STATE_TRAINING),
    Row("training_registry_import", lambda w: {}, STATE_TRAINING),
    Row("training_registry_import", lambda w: {}, {**STATE_TRAINING, "state_admin": 400, "specialist": 400}, "post", nothing),
    Row("training_core_knowledge", lambda w: {}, STATE_TRAINING),
    Row("training_series", lambda w: {}, TRAINING_ANY),
    Row("training_session", lambda w: {"number": 2}, TRAINING_ANY),
    Row("training_session", lambda w: {"number": 2}, {**TRAINING_ANY, "state_admin": 403, "specialist": 400, "trainer": 403}, "post", nothing),
    Row("training_material", tft_material, TRAINING_ANY),
    Row("training_support", lambda w: {}, TRAINING_ANY),
    Row("training_support", lambda w: {}, {**TRAINING_ANY, "state_admin": 403, "specialist": 400, "trainer": 403}, "post", nothing),
    Row("training_reflections", tft_person, {**TFT_STATE, "state_admin": 403}),
    Row("training_reflections", tft_person, {**TFT_STATE, "state_admin": 403, "specialist": 400, "trainer": 400}, "post", nothing),
    Row("training_fidelity", tft_fidelity, TFT_STATE),
    # no checklist for the session yet: the scorers get the form back with the reason
    Row("training_fidelity", tft_fidelity, {**TFT_STATE, "state_admin": 403, "specialist": 400, "trainer": 400}, "post", nothing),
    Row("training_fidelity_overview", lambda w: {}, STATE_TRAINING),
    # A program's self-assessment: its managers and the T/TA roles supporting it (no names)
    Row("program_self_assessment", program, {**MANAGE, "specialist": 200, "trainer": 200}),
    Row("program_self_assessment", program, form_errors({**MANAGE, "specialist": 400, "trainer": 400}), "post", nothing),
    # The workforce: one's own profile (every signed-in person; the forms need a profile
    # first, so without one the POSTs go back to the page), the program's and state's figures
    Row("workforce_me", lambda w: {}, statuses(200)),
    Row("workforce_profile", lambda w: {}, statuses(400), "post", nothing),
    Row("workforce_education", lambda w: {}, statuses(302), "post", nothing),
    Row("workforce_experience", lambda w: {}, statuses(302), "post", nothing),
    Row("workforce_training", lambda w: {}, statuses(302), "post", nothing),
    Row("workforce_import_training", lambda w: {}, statuses(302), "post", nothing),
    Row("workforce_rsc", lambda w: {}, statuses(302), "post", nothing),
    Row("workforce_portfolio_json", lambda w: {}, statuses(302)),
    Row("workforce_portfolio_pdf", lambda w: {}, statuses(302)),
    Row("workforce_applications", lambda w: {}, statuses(302)),
    Row("workforce_applications", lambda w: {}, statuses(302), "post", nothing),
    Row("workforce_application", workforce_application, statuses(404, caregiver=200)),
    Row("workforce_application", workforce_application, statuses(404, caregiver=400), "post", nothing),
    Row("workforce_document", workforce_document, statuses(404, caregiver=200)),
    Row("workforce_program", program, MANAGE),
    Row("workforce_state_requirements", lambda w: {}, statuses(403, state_admin=200)),
    Row("workforce_state_requirements", lambda w: {}, statuses(403, state_admin=400), "post", nothing),
    Row("workforce_groups", lambda w: {}, statuses(302)),
    Row("workforce_facilitating", lambda w: {}, statuses(302)),
    # its leader (the caregiver persona) and its members (specialist, trainer, outsider) see
    # it; only the leader logs meetings
    Row("workforce_group", workforce_group, statuses(404, caregiver=200, specialist=200, trainer=200, outsider=200)),
    Row("workforce_group", workforce_group, statuses(404, caregiver=400, specialist=403, trainer=403, outsider=403), "post", nothing),
    Row("workforce_state", lambda w: {}, statuses(403, state_admin=200)),
    Row("workforce_directory", lambda w: {}, DIRECTORY),
    Row("workforce_directory_me", lambda w: {}, LISTED),
    Row("workforce_directory_me", lambda w: {}, {**LISTED, "specialist": 400, "trainer": 400}, "post", nothing),
    Row("workforce_request_support", directory_entry, ASK),
    Row("workforce_request_support", directory_entry, {**ASK, "director": 400, "org_admin": 400}, "post", nothing),
    Row("workforce_support_requests", lambda w: {}, statuses(403, director=200, org_admin=200, other_director=200)),
    # answering is the asked specialist's (not a persona); the program's managers only withdraw
    Row("workforce_answer_support_request", support_request, statuses(404, director=403, org_admin=403), "post", nothing),
    # The state association's endorsement coordinator: declared endorsements, their evidence,
    # verification and renewal, applications (a person's own page and portfolio stay theirs)
    Row("workforce_coordinator", lambda w: {}, statuses(403, coordinator=200)),
    Row("workforce_coordinator_person", declared_endorsement, statuses(404, coordinator=200)),
    Row("workforce_coordinator_person", declared_endorsement, statuses(404, coordinator=400), "post", lambda w: {"action": "verify"}),
    Row("workforce_coordinator_evidence", declared_endorsement, statuses(404, coordinator=200)),
    Row("workforce_coordinator_portfolio", declared_endorsement, statuses(404, coordinator=200)),
    # A calendar app's feed: the signed token is the key (event times and places, no child data)
    Row("training_feed", state_feed, {**statuses(200), "anonymous": 200}),
    Row("training_calendars", nothing, statuses(403, state_admin=200, specialist=200, trainer=200)),
    # Daily care (attune.care): the record page is the program's staff's
    Row("care_record", program, STAFF),
    Row("care_log", child, CHILD_CARE),
    Row("care_log", child, form_errors({**CHILD_CARE, "caregiver": 400}), "post", nothing),
    # Today's entries with their Correct links (what the record page's "Today" opens)
    Row("care_entries", child, CHILD_CARE),
    Row(
        "care_log",
        lambda w: {"child_id": w.group_child.pk},
        {**CHILD_CARE, "family": 404, "other_family": 403},
        label="[same room, other primary]",
    ),
    Row(
        "care_log",
        lambda w: {"child_id": w.other_room_child.pk},
        {**CHILD_CARE, "caregiver": 404, "family": 404, "other_family": 403},
        label="[other room]",
    ),
    # Waking and checking a nap: done (or told it is already done) and back to the record
    Row("care_end_nap", nap, {**CHILD_CARE, "director": 302, "org_admin": 302, "caregiver": 302}, "post", nothing),
    Row("care_check_nap", nap, {**CHILD_CARE, "director": 302, "org_admin": 302, "caregiver": 302}, "post", nothing),
    Row("care_undo", nap, {**CHILD_CARE, "director": 302, "org_admin": 302, "caregiver": 302}, "post", nothing),
    Row("care_correct", nap, CHILD_CARE),
    Row("care_correct", nap, form_errors({**CHILD_CARE, "caregiver": 400}), "post", nothing),
    # The child's day, its summary and the email of it: everyone who is the child's
    Row("child_day", child, CHILD),
    Row(
        "child_day",
        lambda w: {"child_id": w.group_child.pk},
        {**CHILD, "family": 404, "other_family": 200},
        label="[same room, other primary]",
    ),
    Row("day_summary", child, CHILD),
    Row("day_email", child, {**CHILD, "director": 302, "org_admin": 302, "caregiver": 302, "family": 302}, "post", nothing),
    # Only the family writes the morning note (an empty one is the page back with the error)
    Row("family_note", child, {**CHILD, "director": 403, "org_admin": 403, "caregiver": 403, "family": 400}, "post", nothing),
    Row("care_plan", child, CHILD),
    Row(
        "care_plan",
        lambda w: {"child_id": w.other_room_child.pk},
        {**CHILD, "caregiver": 404, "family": 404, "other_family": 200},
        label="[other room]",
    ),
    # Staff write versions, the family proposes: the same form
    Row("care_plan_edit", child, CHILD),
    Row("care_plan_edit", child, form_errors({**CHILD, "caregiver": 400, "family": 400}), "post", nothing),
    Row(
        "care_plan_edit",
        lambda w: {"child_id": w.group_child.pk},
        {**CHILD, "caregiver": 403, "family": 404, "other_family": 200},
        label="[same room, other primary]",
    ),
    Row("care_plan_version", care_plan_version, CHILD),
    Row("care_plan_decide", proposal, {**CHILD_CARE, "director": 302, "org_admin": 302, "caregiver": 302}, "post", nothing),
    Row("ifsp", child, CHILD),
    Row("ifsp_edit", child, CHILD_MANAGE),
    Row("ifsp_edit", child, form_errors(CHILD_MANAGE), "post", nothing),
    Row("caregiver_detail", lambda w: {"caregiver_id": w.caregiver.pk}, CAREGIVER_RECORD),
    Row(
        "caregiver_detail",
        lambda w: {"caregiver_id": w.colleague.pk},
        {**CAREGIVER_RECORD, "caregiver": 403},
        label="[colleague]",
    ),
    Row(
        "caregiver_edit",
        lambda w: {"caregiver_id": w.caregiver.pk},
        {**CAREGIVER_RECORD, "caregiver": 403},
    ),
    Row(
        "caregiver_edit",
        lambda w: {"caregiver_id": w.caregiver.pk},
        form_errors({**CAREGIVER_RECORD, "caregiver": 403}),
        "post",
        nothing,
    ),
    # ending a caregiver's employment (their access ends at once): the program's managers
    Row(
        "caregiver_end",
        lambda w: {"caregiver_id": w.caregiver.pk},
        {**CAREGIVER_RECORD, "caregiver": 403},
    ),
    Row(
        "caregiver_end",
        lambda w: {"caregiver_id": w.caregiver.pk},
        form_errors({**CAREGIVER_RECORD, "caregiver": 403}),
        "post",
        nothing,
    ),
    # moving a caregiver to another program of the organization (one person, one history)
    Row(
        "caregiver_move",
        lambda w: {"caregiver_id": w.caregiver.pk},
        {**CAREGIVER_RECORD, "caregiver": 403},
    ),
    Row(
        "caregiver_move",
        lambda w: {"caregiver_id": w.caregiver.pk},
        form_errors({**CAREGIVER_RECORD, "caregiver": 403}),
        "post",
        nothing,
    ),
    Row("family_detail", family, FAMILY),
    Row(
        "family_detail",
        lambda w: {"family_id": w.other_family.pk},
        {**FAMILY, "caregiver": 403, "family": 404, "other_family": 200},
        label="[other family]",
    ),
    Row("family_edit", family, FAMILY_MANAGE),
    Row("family_edit", family, form_errors(FAMILY_MANAGE), "post", nothing),
    Row("guardian_create", family, FAMILY_MANAGE),
    Row("guardian_edit", guardian, FAMILY_MANAGE),
    Row("guardian_edit", guardian, form_errors(FAMILY_MANAGE), "post", nothing),
    # The only guardian cannot be removed: the managers' POST redirects with a message.
    Row("guardian_delete", guardian, {**FAMILY_MANAGE, "director": 302, "org_admin": 302}, "post", nothing),
    # Attendance (issue #19): a room today for its staff and the managers; signing in and
    # out by the child's caregivers; absences said ahead by the family (or staff); the door
    # sign-in for the family where the program has a code; planned against actual.
    Row("room_today", lambda w: {"room_id": w.room.pk}, statuses(404, director=200, org_admin=200, caregiver=200)),
    Row("room_today", lambda w: {"room_id": w.other_room.pk}, statuses(404, director=200, org_admin=200, caregiver=403), label="[other room]"),
    Row("attendance_sign_in", child, {**CHILD_CARE, "director": 302, "org_admin": 302, "caregiver": 302}, "post", nothing),
    Row("attendance_sign_out", child, {**CHILD_CARE, "director": 302, "org_admin": 302, "caregiver": 302}, "post", nothing),
    Row("attendance_clock", lambda w: {"caregiver_id": w.caregiver.pk}, statuses(404, director=302, org_admin=302, caregiver=302, specialist=403, trainer=403), "post", nothing),
    Row("attendance_absences", child, CHILD),
    Row("attendance_absences", child, {**CHILD, "director": 400, "org_admin": 400, "caregiver": 400, "family": 400}, "post", nothing),
    Row("absence_withdraw", absence, {**CHILD, "director": 302, "org_admin": 302, "caregiver": 302, "family": 302}, "post", nothing),
    Row("attendance_door", door_child, statuses(404, director=403, org_admin=403, caregiver=403, family=200, specialist=403, trainer=403, state_admin=403)),
    Row("attendance_report", program, MANAGE),
    Row("door_code", program, MANAGE),
    Row("door_code", program, {**MANAGE, "director": 302, "org_admin": 302}, "post", nothing),
    # Photos in the daily report: added by the child's staff, the family's consent, the
    # photo itself to the child's family and staff
    Row("care_photo_add", child, {**CHILD_CARE, "director": 302, "org_admin": 302, "caregiver": 302}, "post", nothing),
    Row("care_photo_consent", child, {**CHILD, "director": 403, "org_admin": 403, "caregiver": 403, "family": 302}, "post", nothing),
    Row("care_photo", day_photo, CHILD),
    # Messages between the family and the primary caregiver (and the managers)
    Row("child_messages", child, {**CHILD, "specialist": 403, "trainer": 403, "state_admin": 403}),
    Row("child_messages", lambda w: {"child_id": w.group_child.pk}, {**CHILD, "caregiver": 403, "family": 404, "other_family": 200}, label="[same room, other primary]"),
    Row("child_messages", child, {**CHILD, "director": 400, "org_admin": 400, "caregiver": 400, "family": 400}, "post", nothing),
    # Each person's own notifications
    Row("accounts:notifications", nothing, statuses(200)),
    Row("accounts:notifications_live", nothing, statuses(200)),
    Row("accounts:notifications_read", nothing, statuses(302), "post", nothing),
    Row("accounts:notification_choices", nothing, statuses(200)),

    # the person's own API tokens (attune.api); another person's token is not found
    Row("api_tokens", nothing, statuses(200)),
    Row("api_tokens", nothing, statuses(400), "post", nothing),
    Row("api_token_revoke", api_token, statuses(404, director=302), "post", nothing),
    # webhooks of the programs a person manages and the states they administer (attune.api)
    Row("api_webhooks", nothing, statuses(403, director=200, org_admin=200, other_director=200, state_admin=200)),
    Row("api_webhooks", nothing, statuses(403, director=400, org_admin=400, other_director=400, state_admin=400), "post", nothing),
    Row("api_webhook", webhook, statuses(404, director=200, org_admin=200)),
    Row("api_webhook", webhook, statuses(404, director=302, org_admin=302), "post", nothing),
]  # fmt: skip

# URLs that show or change no child, family or caregiver data.
NOT_CHILD_DATA = {
    "accounts:login", "accounts:logout", "set_language", "favicon", "accounts:password_change_done",
    "accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    # an invitation's link: its secret is the key (tests/accounts/test_invitations.py)
    "accounts:invitation",
    # confirming one's own new email: a signed link (tests/accounts/test_self_service.py)
    "accounts:email_confirm",
}  # fmt: skip


def _named_urls(patterns: list[Any], namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(_named_urls(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern}>")
    return names


# The operator's Django admin (superusers only) has its own matrix: every persona is refused
# every admin page (tests/accounts/test_operator_admin.py).
OPERATOR_ADMIN = "admin"


def test_every_url_has_a_matrix_row() -> None:
    from tests.api.test_api_matrix import API_URL_NAMES  # the API's own matrix

    covered = {row.name for row in MATRIX} | NOT_CHILD_DATA | API_URL_NAMES
    patterns = [
        p
        for p in get_resolver().url_patterns
        if not (isinstance(p, URLResolver) and p.namespace == OPERATOR_ADMIN)
    ]
    named = set(_named_urls(patterns))
    missing = sorted(named - covered)
    assert not missing, f"URLs without a permission-matrix row: {missing}"


def test_every_row_names_every_persona() -> None:
    for row in MATRIX:
        assert set(row.expected) == set(PERSONAS), row


@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_matrix(world: World, row: Row) -> None:
    url = reverse(row.name, kwargs=row.kwargs(world))
    names = [f"{c.first_name} {c.last_name}" for c in Child.objects.all()]
    mismatches = []
    for persona in PERSONAS:
        client = world.client(persona)
        data = row.data(world) if row.data else None
        response = getattr(client, row.method)(url, data)
        if response.status_code != row.expected[persona]:
            mismatches.append(
                f"{persona}: got {response.status_code}, want {row.expected[persona]}"
            )
        if response.status_code in (403, 404):
            body = response.content.decode()
            leaked = [n for n in names if n in body]
            if leaked:
                mismatches.append(f"{persona}: refused page shows child names {leaked}")
        if response.status_code == 302 and persona == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login"))
    assert not mismatches, f"{row} ({url}):\n" + "\n".join(mismatches)


@pytest.mark.parametrize(
    "persona",
    ["caregiver", "family", "other_family", "specialist", "state_admin", "other_director"],
)
def test_forbidden_personas_change_nothing(world: World, persona: str) -> None:
    client = world.client(persona)
    before = Child.objects.values().get(pk=world.child.pk)
    response = client.post(
        reverse("child_edit", kwargs={"child_id": world.child.pk}),
        {"first_name": "Changed", "last_name": "Name", "birth_date": "2025-03-14",
         "family": world.family.pk, "enrollment_start": "2025-09-01"},
    )  # fmt: skip
    assert response.status_code in (403, 404)
    response = client.post(
        reverse("child_delete", kwargs={"child_id": world.child.pk}), {"confirm_name": "Ana"}
    )
    assert response.status_code in (403, 404)
    assert Child.objects.values().get(pk=world.child.pk) == before
    assert WaitlistEntry.objects.count() == 0
