"""The demo's workforce records (called by load_demo): an endorsed reflective
supervisor/consultant in Oregon (Level IV Clinical, verified by the association's coordinator,
renewal due within two months), who facilitates RS/C; the Maple Street director's profile
(Level II, verified, with the education, work, RS/C and training behind it); and a home
visitor who declared a Level I endorsement the coordinator has yet to verify and is applying
for Level II; Oregon's directory of T/TA specialists and trainers (the demo specialist and
trainer), with Maple Street's request for support from the trainer waiting for an answer."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from attune.accounts.models import User
from attune.programs.models import Program
from attune.workforce import services

# Demo records (no password: not sign-ins), removed by load_demo --reset.
RECORDS = (
    ("amara.osei", "amara.osei@example.org", "Amara", "Osei"),
    ("noemi.castaneda", "noemi.castaneda@example.org", "Noemí", "Castañeda"),
)


def _next_anniversary(awarded: date, today: date) -> date:
    """The endorsement's next renewal date: its award's first anniversary after today."""
    years = 1
    while awarded + relativedelta(years=years) <= today:
        years += 1
    return awarded + relativedelta(years=years)


def load_workforce_demo(*, program: Program, today: date) -> None:
    coordinator = User.objects.get(username="coordinator")
    mentor = User.objects.create_user(
        RECORDS[0][0], RECORDS[0][1], None, first_name=RECORDS[0][2], last_name=RECORDS[0][3]
    )
    mentor_awarded = today + timedelta(days=45) - relativedelta(years=6)
    profile = services.save_profile(
        actor=None, user=mentor,
        data={"jurisdiction": program.jurisdiction, "role": "mental_health",
              "endorsed_level": "IV-clinical", "endorsed_on": mentor_awarded,
              "endorsement_number": "ORIMHA-IV-0117", "share_with_state": True},
    )  # fmt: skip
    services.verify_endorsement(
        actor=coordinator, profile=profile, level="IV-clinical", number="ORIMHA-IV-0117",
        awarded=mentor_awarded, renewal_due=_next_anniversary(mentor_awarded, today),
        note="Checked against the association's roll.", version=None, today=today,
    )  # fmt: skip
    services.add_education(actor=None, profile=profile, data={
        "kind": "master", "field": "Social work", "completed": date(today.year - 15, 5, 20)})  # fmt: skip
    master = date(today.year - 15, 5, 20)
    services.add_experience(actor=None, profile=profile, data={
        "role": "Infant-parent psychotherapist, Lane County", "sector": "mental health",
        "focus": "imh_services", "paid": True, "supervised": True,
        "start": master + timedelta(days=30), "end": master + timedelta(days=30 + 5 * 365)})  # fmt: skip
    services.add_experience(actor=None, profile=profile, data={
        "role": "Reflective consultant and clinical lead", "sector": "mental health",
        "focus": "rsc_provision", "paid": True,
        "start": master + timedelta(days=31 + 5 * 365)})  # fmt: skip
    for title, days_ago, hours in (("Infant-parent psychotherapy intensive", 2000, 24),
                                   ("Reflective supervision institute", 120, 12)):  # fmt: skip
        services.add_training(actor=None, profile=profile, data={
            "title": title, "day": today - timedelta(days=days_ago), "hours": hours,
            "areas": ["reflection", "working_with_others"]})  # fmt: skip

    director = User.objects.get(username="director")
    awarded = date(today.year - 2, 9, 1)
    mine = services.save_profile(
        actor=None, user=director,
        data={"jurisdiction": program.jurisdiction, "program": program, "role": "caregiver",
              "endorsed_level": "II", "endorsed_on": awarded,
              "endorsement_number": "ORIMHA-II-2284"},
    )  # fmt: skip
    services.verify_endorsement(
        actor=coordinator, profile=mine, level="II", number="ORIMHA-II-2284", awarded=awarded,
        renewal_due=_next_anniversary(awarded, today), version=None, today=today,
    )  # fmt: skip
    bachelor = date(today.year - 12, 6, 1)
    services.add_education(actor=None, profile=mine, data={
        "kind": "bachelor", "field": "Human development", "completed": bachelor})  # fmt: skip
    services.add_experience(actor=None, profile=mine, data={
        "role": "Infant room lead teacher, Maple Street", "sector": "child care", "focus": "imh",
        "paid": True, "start": bachelor + timedelta(days=60),
        "end": bachelor + timedelta(days=60 + 4 * 365)})  # fmt: skip
    services.add_experience(actor=None, profile=mine, data={
        "role": "Program director, Maple Street", "sector": "child care", "focus": "policy",
        "paid": True, "start": bachelor + timedelta(days=61 + 4 * 365)})  # fmt: skip
    for title, days_ago, hours, areas in (
        ("Infant mental health foundations", 900, 18, ["theory", "direct_service"]),
        ("Relationship-based care: the Training for Trainers", 400, 8, ["working_with_others"]),
        ("Regional infant mental health conference", 75, 10, ["reflection", "systems"]),
    ):
        services.add_training(actor=None, profile=mine, data={
            "title": title, "day": today - timedelta(days=days_ago), "hours": hours,
            "areas": areas})  # fmt: skip
    for months in range(1, 13):  # monthly RS/C with the mentor: 24 hours in the year
        services.log_rsc(actor=None, profile=mine, data={
            "day": today - timedelta(days=30 * months), "minutes": 120, "format": "individual",
            "facilitator": profile})  # fmt: skip

    visitor = User.objects.create_user(
        RECORDS[1][0], RECORDS[1][1], None, first_name=RECORDS[1][2], last_name=RECORDS[1][3]
    )
    home_visitor = services.save_profile(
        actor=None, user=visitor,
        data={"jurisdiction": program.jurisdiction, "role": "home_visitor",
              "endorsed_level": "I", "endorsed_on": date(today.year - 1, 4, 15),
              "renewal_due": _next_anniversary(date(today.year - 1, 4, 15), today),
              "endorsement_number": "ORIMHA-I-3051"},
    )  # fmt: skip
    services.add_education(actor=None, profile=home_visitor, data={
        "kind": "bachelor", "field": "Family studies", "completed": date(today.year - 4, 6, 1)})  # fmt: skip
    for title, days_ago, hours in (("Home visiting and infant mental health", 500, 20),
                                   ("Strengthening Families: the protective factors", 200, 12)):  # fmt: skip
        services.add_training(actor=None, profile=home_visitor, data={
            "title": title, "day": today - timedelta(days=days_ago), "hours": hours,
            "areas": ["direct_service", "systems"]})  # fmt: skip
    application = services.start_application(actor=None, profile=home_visitor, level="II")
    for step, days_ago in (("membership", 90), ("competencies", 60), ("level", 45),
                           ("apply", 20)):  # fmt: skip
        services.mark_step(
            actor=None, application=application, step=step, day=today - timedelta(days=days_ago)
        )


def load_directory_demo(*, program: Program) -> None:
    """The demo specialist and trainer in Oregon's directory; Maple Street asks the trainer."""
    specialist = User.objects.get(username="specialist")
    trainer = User.objects.get(username="trainer")
    services.save_directory_entry(actor=specialist, user=specialist, data={
        "jurisdiction": program.jurisdiction, "kind": "specialist",
        "region": "Portland metro (Multnomah, Washington, Clackamas)", "languages": ["en", "pt", "es"],
        "practices": ["primary_caregiving", "continuity", "small_groups", "inclusive"],
        "competencies": ["reflection", "working_with_others", "systems"], "capacity": 4,
        "about": "Infant/Toddler Specialist; coaching toward primary caregiving and continuity."})  # fmt: skip
    entry = services.save_directory_entry(actor=trainer, user=trainer, data={
        "jurisdiction": program.jurisdiction, "kind": "trainer",
        "region": "Lane County and the south coast", "languages": ["en", "tw"],
        "practices": ["primary_caregiving", "individualized", "culturally_responsive"],
        "competencies": ["direct_service", "communicating"], "capacity": 3,
        "about": "Delivers the Relationship-Based Care series for family child care."})  # fmt: skip
    services.request_support(
        actor=User.objects.get(username="director"),
        entry=entry,
        program=program,
        practices=["primary_caregiving", "culturally_responsive"],
        message="Our Robins and Wrens rooms are starting primary caregiving; we would like "
        "coaching for the lead teachers, some of it in Spanish-speaking families' terms.",
    )
