"""The demo's Training for Trainers history in Oregon (called by load_demo): a spring cohort
held about four months ago with the demo trainer and two colleagues, their commitments, one
community delivery to ten caregivers, checklists for the practice sessions, the state's
core-knowledge areas, and a coaching session."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from attune.accounts.models import User
from attune.programs.models import Jurisdiction
from attune.training import services
from attune.training.models import TrainingSession

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
]
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
    day = today - timedelta(days=30)
    delivery = services.record_delivery(
        actor=None, trainer=people[0], commitment=commitments[0],
        data={"title": "Relationship-based care for family child care (Lane County)",
              "place": "Eugene Public Library", "sponsor": "Lane County CCR&R",
              "adaptations": "Sessions 2 and 3 on one Saturday; examples from home settings."},
        sessions=[services.DeliveredSession(s, day, Decimal("1.5"))
                  for s in sessions if s.number in (2, 3)],
        attendees=[services.Attendee(f, last, f"OR-C-9{i:02d}", org)
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


def remove_training_demo() -> int:
    """Delete what load_training_demo wrote (the state's other training records stay).
    Returns how many people records went."""
    from attune.training.models import (
        Delivery,
        Enrollment,
        Person,
        SupportActivity,
        TftEvent,
        TftRequest,
    )

    ids = [t[3] for t in TRAINERS] + [f"OR-C-9{i:02d}" for i in range(1, len(CAREGIVERS) + 1)]
    people = Person.objects.filter(registry_id__in=ids)
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
