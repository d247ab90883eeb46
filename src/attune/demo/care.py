"""The demo organization's care plans and IFSP summaries (called by load_demo).

Every enrolled child gets a care plan fitting their age, with words in their home language
where the demo knows some; children with an IFSP get its summary and accommodations.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from attune.care import services
from attune.programs.models import Child, Organization

# A few everyday words per home language: (word, meaning, how to say it).
HOME_WORDS: dict[str, list[tuple[str, str, str]]] = {
    "es": [("agua", "water", "AH-gwah"), ("leche", "milk", "LEH-cheh"),
           ("cobija", "blanket", "koh-BEE-hah"), ("ya viene mamá", "mom is coming",
                                                   "yah VYEH-neh mah-MAH")],
    "vi": [("sữa", "milk", "suh-ah"), ("nước", "water", "nuh-uk"), ("ngủ", "sleep", "ngoo")],
    "so": [("caano", "milk", "AH-no"), ("biyo", "water", "BEE-yo"), ("hooyo", "mom", "HOH-yo")],
    "ar": [("حليب", "milk", "ha-LEEB"), ("ماء", "water", "MAA"), ("ماما", "mom", "MAA-ma")],
    "zh": [("奶", "milk", "nai"), ("水", "water", "shway"), ("睡觉", "sleep", "shway-jee-ow")],
    "ht": [("lèt", "milk", "let"), ("dlo", "water", "dlo"), ("manman", "mom", "mahn-mahn")],
}  # fmt: skip

IFSP_TEXT = {
    "outcomes": "Takes part in meals and play with the group, using signs and words to ask for "
    "help and for more.",
    "services": "Speech-language therapy, 1 hour weekly (in the program)\n"
    "Developmental specialist, 1 hour every other week (at home)",
    "provider": "Willamette Valley Early Intervention",
    "visit_schedule": "Tuesdays 10:00–11:00 in the program",
}
IFSP_ACCOMMODATIONS = (
    "Picture cards for the day's routines; a quiet corner at transitions; the caregiver "
    "models the signs for more, help and all done at meals."
)


def _plan(child: Child, today: date) -> dict[str, Any]:
    months = child.age_in_months(today)
    words = [
        {"word": w, "meaning": m, "pronunciation": p, "language": code}
        for code in child.home_languages or []
        for w, m, p in HOME_WORDS.get(code, [])
    ][:6]
    data: dict[str, Any] = {
        "home_words": words,
        "cultural_practices": child.cultural_practices,
        "sleep_position": "back",
        "comfort_objects": "A soft toy from home" if months >= 12 else "",
    }
    if months < 6:
        data.update(
            feeding_kinds=["breast_milk", "formula"], feeding_pattern="cue",
            feeding_interval_minutes=180, bottle_ml=120,
            feeding_notes="Paced bottle feeding, held; breast milk first, formula if it runs out.",
            sleep_times="Several short naps, on cue", falling_asleep="Rocked, then laid down awake",
        )  # fmt: skip
    elif months < 12:
        data.update(
            feeding_kinds=["breast_milk", "solids"], feeding_pattern="cue",
            feeding_interval_minutes=180, bottle_ml=150,
            feeding_notes="Bottle on cue; soft foods at 11:00 (one new food at a time).",
            sleep_times="Morning nap about 9:30, afternoon about 13:30",
            falling_asleep="Patted on the back while lying on her back in the crib",
        )  # fmt: skip
    else:
        data.update(
            feeding_kinds=["table_food", "cup"], feeding_pattern="schedule",
            feeding_interval_minutes=210,
            feeding_notes="Snack 9:00, lunch 11:30, snack 15:00; water in an open cup.",
            sleep_times="After lunch, about 12:30", falling_asleep="Quiet song, back rub",
            diapering="Diapers; interested in the potty, sits on it before nap.",
        )  # fmt: skip
    if child.has_ifsp:
        data["accommodations"] = IFSP_ACCOMMODATIONS
    return data


def load_care_demo(*, organization: Organization, today: date) -> int:
    """Care plans for the organization's enrolled children; returns how many."""
    count = 0
    children = Child.objects.filter(program__organization=organization).select_related("program")
    for child in children:
        if not child.is_enrolled(today):
            continue
        services.save_care_plan(actor=None, child=child, data=_plan(child, today))
        count += 1
        if child.has_ifsp:
            services.save_ifsp(
                actor=None,
                child=child,
                data={**IFSP_TEXT, "review_date": today + timedelta(days=120)},
            )
    return count
