"""The nine sessions of Relationship-Based Care for Infants and Toddlers: A Training for Trainers
(Child Care State Capacity Building Center, Infant/Toddler Specialist Network; numbered as the
series numbers them: an introduction, then sessions 1-8). The series gives no clock hours:
the defaults here (1 h for the introduction, 1.5 h for each session) are editable."""

from decimal import Decimal
from typing import Any

from django.db import migrations

SERIES = [
    (0, "An Introduction to Relationship-Based Care for Infants and Toddlers", "1.00", [],
     "Why relationships are essential for healthy development; the six PITC program practices "
     "as a framework; the series and how to use it."),
    (1, "The Foundation of Relationship-Based Care", "1.50", [],
     "The philosophical foundation: responsive, nurturing relationships give infants and "
     "toddlers security to discover the world; organizing group care around relationships."),
    (2, "Primary Caregiving", "1.50", ["primary_caregiving"],
     "Assigning each child to one caregiver principally responsible for their care and for "
     "communicating with the family; planning assignments and teamwork."),
    (3, "Continuity of Care", "1.50", ["continuity"],
     "Keeping primary caregivers and children together as long as possible, preferably for "
     "the first 3 years; models of continuity and the policies that support it."),
    (4, "Small Group Care", "1.50", ["small_groups"],
     "Discrete small groups for intimate interactions, care routines and exploration; ratios "
     "and group sizes; the environment."),
    (5, "Individualized Care", "1.50", ["individualized"],
     "Responding to each child's interests, needs, abilities and rhythms in feeding, sleep and "
     "comfort; care plans with families."),
    (6, "Culturally Responsive Care", "1.50", ["culturally_responsive"],
     "Care consistent with families' home practices, values and language; learning from "
     "families."),
    (7, "Inclusive Care", "1.50", ["inclusive"],
     "Including infants and toddlers with disabilities or delays with accommodation and "
     "support; working with early intervention and the IFSP."),
    (8, "Planning for Adult Learners", "1.50", [],
     "Principles of adult learning; tailoring the sessions to participants; planning the "
     "community delivery and next steps."),
]  # fmt: skip


def load(apps: Any, schema_editor: Any) -> None:
    TrainingSession = apps.get_model("training", "TrainingSession")
    for number, title, hours, practices, objectives in SERIES:
        TrainingSession.objects.update_or_create(
            number=number,
            defaults={"title": title, "clock_hours": Decimal(hours), "practices": practices,
                      "objectives": objectives},
        )  # fmt: skip


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("training", "TrainingSession").objects.filter(
        number__in=[s[0] for s in SERIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
