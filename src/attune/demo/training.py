"""The demo's Training for Trainers history in Oregon (called by load_demo): a spring cohort
held about four months ago with the demo trainer and five colleagues (one enrolled without a
registry ID, listed for follow-up in the registry export), their certificates for the series,
their evaluations of the sessions (enough for results on the first four, too few on the
fifth), their commitments, a file already sent to Oregon's registry, one community delivery
to ten caregivers (one without a registry ID yet) with their clock-hour certificates,
checklists for the practice sessions, the state's core-knowledge areas, and a coaching
session."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q

from attune.accounts.models import User
from attune.programs.models import Jurisdiction
from attune.training import services
from attune.training.models import Person, TftEvent, TrainingSession

# Oregon's Core Knowledge Categories (Oregon Registry), as the demo maps the sessions.
OREGON_AREAS = {
    0: "Human Growth and Development (HGD)",
    1: "Human Growth and Development (HGD)",
    2: "Understanding and Guiding Behavior (UGB)",
    3: "Understanding and Guiding Behavior (UGB)",
    4: "Learning Environments and Curriculum (LEC)",
    5: "Learning Environments and Curriculum (LEC)",
    6: "Diversity (D)",
    7: "Special Needs (SN)",
    8: "Professional Development and Leadership (PDL)",
}
CHECKLISTS = {
    2: ["Shows the video of a primary caregiving routine", "Participants draft assignments for a sample group", "Discusses teamwork and back-up caregivers"],
    3: ["Explains the models of continuity (same room, moving together)", "Participants map a child's first 3 years", "Names policies that support continuity"],
}  # fmt: skip
DEMO_EVENT = "Relationship-Based Care TFT — Oregon, spring cohort"
TRAINERS = [
    ("Kwame", "Mensah-Doyle", "kwame.mensahdoyle@example.org", "OR-T-100", "Lane County CCR&R"),
    ("Rosa", "Villanueva", "rosa.villanueva@example.org", "OR-T-201", "Multnomah ESD"),
    ("Dale", "Whitcomb", "dale.whitcomb@example.org", "OR-T-202", "Coos Bay Head Start"),
    ("Amaya", "Quispe", "amaya.quispe@example.org", "OR-T-203", "Salem Early Learning Hub"),
    ("Tomás", "Herrera", "tomas.herrera@example.org", "", "Hood River Child Care Co-op"),
    ("Grace", "Liu", "grace.liu@example.org", "OR-T-204", "Bend Family Services"),
]
# Each participant's answers (content, facilitation, readiness, activities) for the first
# sessions; only three of them evaluated session 4 (too few to show).
ANSWERS = [(5, 5, 4, 5), (4, 5, 4, 4), (5, 4, 3, 4), (4, 4, 4, 5), (5, 5, 5, 4), (3, 4, 3, 4)]
COMMENTS = {0: "The video of a primary caregiving routine made it concrete.",
            3: "More time for the continuity map, please."}  # fmt: skip
CAREGIVERS = [
    ("Marisol", "Pineda", "Little Sprouts Family Child Care"),
    ("Jen", "Okafor", "Little Sprouts Family Child Care"),
    ("Thanh", "Vo", "Riverbend Early Learning"),
    ("Amy", "Larkin", "Riverbend Early Learning"),
    ("Lucia", "Ortiz", "Casa de Niños"),
    ("Brenda", "Yazzie", "Casa de Niños"),
    ("Sam", "Porter", "Porter Family Child Care"),
    ("Keiko", "Sato", "Eugene Early Head Start"),
    ("Noor", "Rahimi", "Eugene Early Head Start"),
    ("Tess", "Morgan", "Eugene Early Head Start"),
]


def load_training_demo(*, jurisdiction: Jurisdiction, today: date, tz: object) -> None:
    stateadmin = User.objects.get(username="stateadmin")
    specialist = User.objects.get(username="specialist")
    request = services.request_tft(
        actor=stateadmin, jurisdiction=jurisdiction,
        data={"preferred_format": "in_person", "preferred_dates": "Spring, two days",
              "expected_participants": 3},
    )  # fmt: skip
    first = today - timedelta(days=120)
    sessions = list(TrainingSession.objects.order_by("number"))
    planned = []
    for s in sessions:  # five sessions on the first day, four on the second
        day = first + timedelta(days=s.number // 5)
        start = datetime.combine(day, time(8 + (s.number % 5) * 2), tzinfo=tz)  # type: ignore[arg-type]
        planned.append(services.PlannedSession(s, start, start + timedelta(minutes=90)))
    event = services.schedule_event(
        actor=specialist, jurisdiction=jurisdiction, request=request, sessions=planned,
        data={"title": DEMO_EVENT, "format": "in_person",
              "place": "Salem, Oregon Child Care Resource Center", "capacity": 12},
    )  # fmt: skip
    people = []
    for first_name, last_name, email, registry_id, org in TRAINERS:
        person = services.find_or_add_person(
            actor=specialist, jurisdiction=jurisdiction,
            data={"first_name": first_name, "last_name": last_name, "email": email,
                  "registry_id": registry_id, "organization": org},
        )  # fmt: skip
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            services.link_person_user(actor=None, person=person, user=user)
        services.enroll(actor=specialist, event=event, person=person)
        people.append(person)
    for es in event.sessions.all():
        services.record_attendance(actor=specialist, event_session=es, people=people)
    _evaluations(event, people)
    commitments = [
        services.record_commitment(
            actor=None,
            enrollment=event.enrollments.get(person=p),
            plan="Deliver the series to family child care providers in the county",
            audience="Family child care providers",
        )
        for p in people
    ]
    for number, lines in CHECKLISTS.items():
        services.set_fidelity_items(
            actor=specialist, session=TrainingSession.objects.get(number=number), lines=lines
        )
    services.save_core_knowledge(
        actor=specialist, jurisdiction=jurisdiction,
        areas={s: OREGON_AREAS[s.number] for s in sessions},
    )  # fmt: skip
    # The spring cohort's sessions went to Oregon's registry (Tomás has no registry ID yet:
    # left out, listed for follow-up); the delivery below is new since.
    services.export_registry(actor=specialist, jurisdiction=jurisdiction, layout="oregon")
    day = today - timedelta(days=30)
    delivery = services.record_delivery(
        actor=None, trainer=people[0], commitment=commitments[0],
        data={"title": "Relationship-based care for family child care (Lane County)",
              "place": "Eugene Public Library", "sponsor": "Lane County CCR&R",
              "adaptations": "Sessions 2 and 3 on one Saturday; examples from home settings."},
        sessions=[services.DeliveredSession(s, day, Decimal("1.5"))
                  for s in sessions if s.number in (2, 3)],
        attendees=[services.Attendee(f, last, f"OR-C-9{i:02d}" if i < 10 else "", org)
                   for i, (f, last, org) in enumerate(CAREGIVERS, start=1)],
    )  # fmt: skip
    primary = delivery.sessions.get(session__number=2)
    items = list(primary.session.fidelity.all())
    services.score_fidelity(
        actor=specialist, delivery_session=primary, met_ids=[i.pk for i in items[:2]],
        adaptations_reviewed=True, adaptations_keep_fidelity=True,
        note="Strong group activity; the video was skipped for time.", self_assessed=False,
    )  # fmt: skip
    services.log_support(
        actor=specialist, jurisdiction=jurisdiction, people=people[:1],
        data={"kind": "coaching", "day": today - timedelta(days=40), "minutes": 45,
              "practice": "primary_caregiving", "notes": "Planned the Lane County delivery.",
              "next_steps": "Book the library; adapt examples to home settings."},
    )  # fmt: skip


def _evaluations(event: TftEvent, people: list[Person]) -> None:
    for es in event.sessions.filter(session__number__lte=4).order_by("session__number"):
        number = es.session.number
        for i, person in enumerate(people):
            if number == 4 and i >= 3:
                continue
            content, facilitation, readiness, activities = ANSWERS[(i + number) % len(ANSWERS)]
            services.submit_evaluation(
                actor=person.user, event_session=es,
                enrollment=event.enrollments.get(person=person),
                answers={"content": content, "facilitation": facilitation,
                         "readiness": readiness, "activities": activities,
                         "comment": COMMENTS.get(i, "") if number in (2, 3) else ""},
            )  # fmt: skip


def remove_training_demo() -> int:
    """Delete what load_training_demo wrote (the state's other training records stay).
    Returns how many people records went."""
    from attune.training.models import (
        Certificate,
        Delivery,
        Enrollment,
        Person,
        RegistryExport,
        SupportActivity,
        TftEvent,
        TftRequest,
    )

    ids = [t[3] for t in TRAINERS if t[3]] + [f"OR-C-9{i:02d}" for i in range(1, len(CAREGIVERS))]
    emails = [t[2] for t in TRAINERS if not t[3]]
    names = [(first, last) for first, last, _org in CAREGIVERS[len(CAREGIVERS) - 1 :]]
    unregistered = Person.objects.none()
    for first, last in names:
        unregistered |= Person.objects.filter(first_name=first, last_name=last, registry_id="",
                                              attended__delivery__trainer__registry_id="OR-T-100")  # fmt: skip
    people = Person.objects.filter(
        Q(registry_id__in=ids) | Q(email__in=emails, registry_id="") | Q(pk__in=unregistered)
    )
    RegistryExport.objects.filter(rows__person__in=people).distinct().delete()
    Certificate.objects.filter(person__in=people).delete()
    events = TftEvent.objects.filter(title=DEMO_EVENT)
    requests = TftRequest.objects.filter(events__in=events)
    request_ids = list(requests.values_list("pk", flat=True))
    Delivery.objects.filter(trainer__in=people).delete()
    SupportActivity.objects.filter(people__in=people).delete()
    Enrollment.objects.filter(event__in=events).delete()
    events.delete()
    TftRequest.objects.filter(pk__in=request_ids).delete()
    Enrollment.objects.filter(person__in=people).delete()
    return people.delete()[1].get("training.Person", 0)
