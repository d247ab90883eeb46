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
    load_day_demo(organization=organization, today=today)
    return count


def load_day_demo(*, organization: Organization, today: date) -> None:
    """The day as it happens at Maple Street (issue #19): Robins' caregivers clocked in and
    some of its children signed in this morning by their families, one child's family saying
    ahead she will not come, Sofía's family allowing photos and writing to her caregiver in
    Spanish, and the door code families use on their phones."""
    from datetime import datetime, time

    from django.utils import timezone

    from attune.accounts.models import User
    from attune.care import messaging, photos
    from attune.lib import schedules
    from attune.programs import attendance
    from attune.programs.models import Caregiver, Program

    program = Program.objects.filter(organization=organization, name__icontains="Maple").first()
    if program is None:
        return
    program.door_code = "2468"
    program.save(update_fields=["door_code"])
    robins = program.rooms.filter(name="Robins").first()
    if robins is None:
        return
    children = list(
        Child.objects.filter(program=program, room=robins)
        .enrolled_on(today)
        .select_related("family", "program")
        .order_by("first_name")
    )
    sofia = next((c for c in children if c.first_name == "Sofía"), None)
    if sofia is not None:
        photos.set_consent(actor=None, child=sofia, given=True)
        daniela = User.objects.filter(username="family").first()
        messaging.send(
            actor=daniela, child=sofia, side="family", language="es",
            text="Sofía durmió poco anoche; quizás necesite una siesta temprano. ¡Gracias!",
        )  # fmt: skip
    weekday = schedules.DAYS[today.weekday()]
    if today != program.today() or weekday not in (program.open_days or []):
        return  # attendance is today's: a demo loaded for another day has none
    absent = next((c for c in children if c is not sofia and c.schedule.get(weekday)), None)
    if absent is not None:
        attendance.mark_absence(
            actor=None, child=absent, day=today, kind="absent", note="Tiene fiebre / has a fever"
        )
    morning = datetime.combine(today, time(8, 0), tzinfo=program.tz)
    at = min(morning, timezone.now())
    if at.astimezone(program.tz).date() != today:
        return
    for caregiver in Caregiver.objects.filter(program=program, room=robins).order_by("pk")[:2]:
        if caregiver.is_active(today):
            attendance.clock_in(actor=None, caregiver=caregiver, room=robins, at=at)
    arriving = [c for c in children if c is not absent and c.schedule.get(weekday)][:4]
    for child in arriving:
        guardian = child.family.guardians.order_by("-is_primary_contact", "pk").first()
        attendance.sign_in(actor=None, child=child, dropped_off_by=guardian, at=at)
