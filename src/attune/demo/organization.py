"""The demo organization: Sunrise Early Learning, two centers and a family child care home in
Portland, Oregon, with about 60 infants and toddlers, their families and caregivers, and one
sign-in per role.

Deterministic (a fixed random seed) and relative to `today`, so every child is the age the
demo intends whenever it is loaded. Idempotent: when the organization exists nothing is
written. Every record goes through attune.programs.services as a system load (actor=None), so
the audit trail shows it. All names, addresses, phone numbers (555-01xx) and e-mail addresses
(example.org) are made up.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any, Protocol

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from attune.accounts.models import Membership, User
from attune.lib import schedules
from attune.plans import history
from attune.plans.models import MonthlySnapshot
from attune.programs import services
from attune.programs.models import (
    Caregiver,
    Child,
    Family,
    Guardian,
    Jurisdiction,
    Organization,
    Program,
    Room,
    RuleSet,
    WaitlistEntry,
)
from planner.model import months_between

DEMO_ORGANIZATION = "Sunrise Early Learning"
DEMO_PASSWORD = "attune-demo"  # noqa: S105 - the published password of the demo sign-ins
SEED = 20261201

MAPLE = "Sunrise Maple Street Center"
RIVERSIDE = "Sunrise Riverside Center"
FCC = "Nguyen Family Child Care"


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...


# -- sign-ins --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    home_page: str
    sees: str


@dataclass(frozen=True)
class DemoLogins:
    """The demo sign-ins, and whether this call created the demo (False: it was there)."""

    logins: tuple[DemoLogin, ...]
    created: bool = False

    def __iter__(self) -> Iterator[DemoLogin]:
        return iter(self.logins)

    def __len__(self) -> int:
        return len(self.logins)


@dataclass(frozen=True)
class _DemoUser:
    role: str
    username: str
    first_name: str
    last_name: str
    email: str
    sees: str
    home: tuple[str, str | None]  # URL name of their home page, and the program it shows
    preferred_language: str = "en"


DEMO_USERS: tuple[_DemoUser, ...] = (
    _DemoUser(
        "Organization administrator", "orgadmin", "Renée", "Whitaker",
        "renee.whitaker@example.org",
        "All three Sunrise programs: every child, family, caregiver and the waitlist",
        ("organization_home", None),
    ),
    _DemoUser(
        "Program director", "director", "Tamsin", "Okada", "tamsin.okada@example.org",
        "Maple Street Center: its rooms, children, families, caregivers and waitlist",
        ("program_dashboard", MAPLE),
    ),
    _DemoUser(
        "Program director (other program)", "director2", "Marcus", "Delacroix-Hill",
        "marcus.delacroixhill@example.org",
        "Riverside Center only; nothing at Maple Street",
        ("program_dashboard", RIVERSIDE),
    ),
    _DemoUser(
        "Caregiver", "caregiver", "Graciela", "Ortega", "graciela.ortega@sunrise.example.org",
        "Graciela Ortega, lead in Robins (Maple Street): her primary children in full, "
        "the room's children by name",
        ("program_dashboard", MAPLE),
    ),
    _DemoUser(
        "Family member", "family", "Daniela", "Rojas", "daniela.rojas@example.org",
        "Daniela Rojas, in Spanish: her children Sofía and Mateo Castillo",
        ("family_home", None),
        preferred_language="es",
    ),
    _DemoUser(
        "T/TA specialist", "specialist", "Beatriz", "Albuquerque",
        "beatriz.albuquerque@example.org",
        "Maple Street and Riverside, aggregates only (no names); schedules Oregon's "
        "Training for Trainers",
        ("support_home", None),
    ),
    _DemoUser(
        "Trainer", "trainer", "Kwame", "Mensah-Doyle", "kwame.mensahdoyle@example.org",
        "Riverside and the Nguyen home, aggregates only (no names)",
        ("support_home", None),
    ),
    _DemoUser(
        "State administrator", "stateadmin", "Ingrid", "Solberg", "ingrid.solberg@example.org",
        "Every Oregon program, aggregates only (no names); requests Training for Trainers",
        ("state_home", None),
    ),
    _DemoUser(
        "Endorsement coordinator", "coordinator", "Odile", "Marchetti",
        "odile.marchetti@example.org",
        "Oregon's infant mental health association: verifies declared endorsements, records "
        "renewals, follows applications",
        ("workforce_coordinator", None),
    ),
)  # fmt: skip


def demo_logins(*, created: bool = False) -> DemoLogins:
    organization = Organization.objects.filter(name=DEMO_ORGANIZATION).first()
    program_ids = dict(Program.objects.filter(organization=organization).values_list("name", "pk"))

    def home_page(spec: _DemoUser) -> str:
        url_name, program = spec.home
        if url_name == "organization_home":
            kwargs = {"organization_id": organization.pk if organization else 0}
        elif program is not None:
            kwargs = {"program_id": program_ids.get(program, 0)}
        else:
            kwargs = {}
        try:
            return reverse(url_name, kwargs=kwargs)
        except NoReverseMatch:  # the page moved: "/" still sends each person home
            return "/"

    return DemoLogins(
        logins=tuple(
            DemoLogin(u.role, u.username, DEMO_PASSWORD, home_page(u), u.sees) for u in DEMO_USERS
        ),
        created=created,
    )


# -- programs and rooms ----------------------------------------------------------------------

PROGRAMS: tuple[dict[str, Any], ...] = (
    {
        "name": MAPLE,
        "kind": Program.Kind.CENTER,
        "address": "2418 SE Maple Street, Portland, OR 97214",
        "license_number": "CC-504318",
        "rule_set": RuleSet.CFOC_CENTER,
        "opens_at": time(7, 0),
        "closes_at": time(18, 0),
    },
    {
        "name": RIVERSIDE,
        "kind": Program.Kind.CENTER,
        "address": "7730 N Riverside Avenue, Portland, OR 97217",
        "license_number": "CC-507742",
        "rule_set": RuleSet.CFOC_CENTER,
        "opens_at": time(7, 0),
        "closes_at": time(18, 0),
    },
    {
        "name": FCC,
        "kind": Program.Kind.FCC_HOME,
        "address": "5116 SE Holgate Boulevard, Portland, OR 97206",
        "license_number": "RF-118274",
        "rule_set": RuleSet.CFOC_FCC_SMALL,
        "opens_at": time(7, 30),
        "closes_at": time(17, 30),
    },
)

# (program, room, capacity). Centers group children by age so that CFOC's group sizes hold:
# infants (under 12 months) at most 6 present, toddlers at most 8, whatever the capacity.
ROOMS: tuple[tuple[str, str, int], ...] = (
    (MAPLE, "Robins", 8),  # young infants, 6 weeks to 12 months
    (MAPLE, "Wrens", 8),  # mobile infants, 12 to 24 months
    (MAPLE, "Finches", 10),  # toddlers, 24 to 36 months
    (RIVERSIDE, "Otters", 8),  # young infants
    (RIVERSIDE, "Herons", 8),  # mobile infants
    (RIVERSIDE, "Beavers", 10),  # toddlers
    (FCC, "Home", 6),  # mixed ages; at most 2 under 24 months (CFOC 1.1.1.1)
)

# Rooms for children under 12 months; no center room mixes them with children over 24 months.
INFANT_ROOMS = frozenset({"Robins", "Otters"})

# -- caregivers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Caregiver:
    program: str
    room: str | None
    first_name: str
    last_name: str
    role: str
    languages: tuple[str, ...]
    shifts: str
    years: float  # since hire
    credentials: tuple[str, ...] = ()
    ifsp_trained: bool = False
    login: str | None = None

    @property
    def part_time(self) -> bool:
        return schedules.minutes_per_week(schedules.parse_text(self.shifts)) < 35 * 60


LEAD, ASSISTANT, FLOATER = Caregiver.Role.LEAD, Caregiver.Role.ASSISTANT, Caregiver.Role.FLOATER

CAREGIVERS: tuple[_Caregiver, ...] = (
    # Maple Street
    _Caregiver(MAPLE, "Robins", "Graciela", "Ortega", LEAD, ("es", "en"),
               "mon-fri 07:30-16:00", 7.4, ("cda", "it_certificate", "pitc"), True,
               login="caregiver"),
    _Caregiver(MAPLE, "Robins", "Hannah", "Kowalski", ASSISTANT, ("en",),
               "mon-fri 08:30-17:00", 2.1, ("cda",)),
    _Caregiver(MAPLE, "Wrens", "Lan", "Pham", LEAD, ("vi", "en"),
               "mon-fri 07:30-16:00", 5.8, ("associate", "it_certificate", "pitc"), True),
    _Caregiver(MAPLE, "Wrens", "Jasmine", "Okafor", ASSISTANT, ("en",),
               "mon-fri 08:30-17:00", 1.3, ("cda",)),
    _Caregiver(MAPLE, "Wrens", "Rosa", "Delgado", ASSISTANT, ("es", "en"),
               "mon-thu 08:30-15:00", 0.7, ()),
    _Caregiver(MAPLE, "Finches", "Megan", "O'Connell", LEAD, ("en",),
               "mon-fri 07:30-16:00", 9.2, ("bachelor", "state_permit", "pitc"), True),
    _Caregiver(MAPLE, "Finches", "Carlos", "Mendoza", ASSISTANT, ("es", "en"),
               "mon-fri 08:30-17:00", 3.5, ("cda", "it_certificate")),
    _Caregiver(MAPLE, None, "Priya", "Raman", FLOATER, ("en", "ta"),
               "mon-fri 09:30-18:00", 4.0, ("associate",), True),
    # Riverside
    _Caregiver(RIVERSIDE, "Otters", "Hodan", "Farah", LEAD, ("so", "en"),
               "mon-fri 07:30-16:00", 6.6, ("cda", "it_certificate", "pitc"), True),
    _Caregiver(RIVERSIDE, "Otters", "Emily", "Sanders", ASSISTANT, ("en",),
               "mon-fri 08:30-17:00", 1.8, ("associate",)),
    _Caregiver(RIVERSIDE, "Herons", "María José", "Vargas", LEAD, ("es", "en"),
               "mon-fri 07:30-16:00", 8.1, ("bachelor", "it_certificate", "pitc"), True),
    _Caregiver(RIVERSIDE, "Herons", "Minh", "Tran", ASSISTANT, ("vi", "en"),
               "mon-fri 08:30-17:00", 2.9, ("cda",)),
    _Caregiver(RIVERSIDE, "Beavers", "Olivia", "Bennett", LEAD, ("en",),
               "mon-fri 07:30-16:00", 4.7, ("bachelor", "state_permit")),
    _Caregiver(RIVERSIDE, "Beavers", "Khadija", "Hassan", ASSISTANT, ("ar", "en"),
               "mon-fri 08:30-17:00", 3.2, ("cda", "it_certificate"), True),
    _Caregiver(RIVERSIDE, "Beavers", "Sofía", "Morales", ASSISTANT, ("es", "en"),
               "mon,wed,fri 08:30-17:00", 1.1, ()),
    _Caregiver(RIVERSIDE, None, "Daniel", "Kim", FLOATER, ("en", "ko"),
               "mon-fri 09:30-18:00", 2.4, ("associate",)),
    # Nguyen Family Child Care: the provider and her assistant
    _Caregiver(FCC, "Home", "Thanh", "Nguyen", LEAD, ("vi", "en"),
               "mon-fri 07:30-17:30", 11.5, ("cda", "pitc"), True),
    _Caregiver(FCC, "Home", "Linh", "Nguyen", ASSISTANT, ("vi", "en"),
               "mon-fri 09:00-15:00", 3.0, ()),
)  # fmt: skip

# -- families and children -------------------------------------------------------------------

# Age bands in days on `today`, chosen so that months never cross a band's limits.
BANDS = {
    "infant": (45, 350),  # 6 weeks to 11 months
    "young": (397, 715),  # 13 to 23 months (CFOC counts 12 completed months as an infant)
    "older": (745, 1060),  # 24 to 34 months
}
# Room staff work 07:30-16:00 (leads) and 08:30-17:00 (assistants), floaters 09:30-18:00 for
# breaks and closing. Full-time children alternate, room by room, between an early day (in by
# 07:30-08:00, gone by 16:00) and a late one (08:30-17:00), so that the one adult present at
# each end of the day is within ratio; part-time days fall inside 08:30-16:00.
FULL_TIME_EARLY = ("mon-fri 07:30-16:00", "mon-fri 08:00-16:00", "mon-fri 07:45-15:45")
FULL_TIME_LATE = (
    "mon-fri 08:30-17:00",
    "mon-fri 08:45-17:00",
    "mon-thu 08:30-17:00; fri 08:30-15:00",
)
PART_TIME = {
    "mwf": ("mon,wed,fri 08:30-16:00", "mon,wed,fri 08:30-15:30"),
    "tth": ("tue,thu 08:30-16:00", "tue,thu 09:00-16:00"),
    "am": ("mon-fri 08:30-12:30", "mon-fri 09:00-12:30"),
    "mth": ("mon-thu 08:30-15:00", "mon-thu 09:00-15:30"),
}


@dataclass(frozen=True)
class _Child:
    first_name: str
    room: str
    band: str
    schedule: str  # "ft" or a PART_TIME key
    languages: tuple[str, ...]
    preferred_name: str = ""
    cultural_practices: str = ""
    allergies: str = ""
    medical_notes: str = ""
    ifsp: tuple[str, str, str] | None = None  # coordinator name, phone, email
    leaving_in_days: int | None = None
    twin_of: str | None = None
    primary: str | None = None  # caregiver's first name, when the demo needs a given one


@dataclass(frozen=True)
class _Guardian:
    first_name: str
    last_name: str
    relationship: str
    login: str | None = None


@dataclass(frozen=True)
class _Family:
    program: str
    last_name: str
    language: str
    guardians: tuple[_Guardian, ...]
    children: tuple[_Child, ...]
    address: str = ""
    notes: str = ""
    name: str = ""


MOTHER, FATHER, PARENT = (
    Guardian.Relationship.MOTHER,
    Guardian.Relationship.FATHER,
    Guardian.Relationship.PARENT,
)
GRANDPARENT = Guardian.Relationship.GRANDPARENT

EI_MULTNOMAH = "Multnomah Early Intervention"
IFSP_COORDINATORS = {
    "okeefe": (f"Siobhan O'Keefe ({EI_MULTNOMAH})", "503-555-0181", "s.okeefe@example.org"),
    "ruiz": (f"Alejandro Ruiz-Tapia ({EI_MULTNOMAH})", "503-555-0182", "a.ruiztapia@example.org"),
    "ahmed": (f"Faduma Ahmed ({EI_MULTNOMAH})", "503-555-0183", "f.ahmed@example.org"),
}


def _c(first: str, room: str, band: str, schedule: str, *langs: str, **extra: Any) -> _Child:
    return _Child(first, room, band, schedule, tuple(langs), **extra)


FAMILIES: tuple[_Family, ...] = (
    # ---- Maple Street ----------------------------------------------------------------------
    _Family(MAPLE, "Castillo", "es",
            (_Guardian("Daniela", "Rojas", MOTHER, login="family"),
             _Guardian("Andrés", "Castillo", FATHER)),
            (_c("Sofía", "Robins", "infant", "ft", "es", "en", primary="Graciela",
                cultural_practices="Family practices co-sleeping at home; prefers she is rocked "
                "to sleep. Spanish lullabies help her settle."),
             _c("Mateo", "Finches", "older", "ft", "es", "en",
                cultural_practices="Family speaks Spanish at home and would like caregivers to "
                "use Spanish for songs and comforting.")),
            address="3320 SE Harrison Street, Portland, OR 97214", name="Castillo Rojas"),
    _Family(MAPLE, "Hoang", "vi",
            (_Guardian("Thu", "Hoang", MOTHER), _Guardian("Quang", "Hoang", FATHER)),
            (_c("An", "Robins", "infant", "ft", "vi",
                cultural_practices="Speaks Vietnamese at home; grandmother picks up on Fridays."),
             _c("Vy", "Finches", "older", "ft", "vi", "en",
                cultural_practices="Grandmother picks up on Fridays and speaks Vietnamese only; "
                "Vy likes to help greet her.")),
            address="6015 SE Division Street, Portland, OR 97206"),
    _Family(MAPLE, "Lindgren", "en", (_Guardian("Erik", "Lindgren", FATHER),
                                      _Guardian("Jamal", "Price-Lindgren", FATHER)),
            (_c("Theo", "Robins", "infant", "ft", "en",
                cultural_practices="Fed expressed breast milk on cue; dads bring it labelled "
                "each morning."),)),
    _Family(MAPLE, "Okoye", "en", (_Guardian("Chiamaka", "Okoye", MOTHER),),
            (_c("Amara", "Robins", "infant", "ft", "en",
                allergies="Cow's milk protein (uses an extensively hydrolysed formula)."),)),
    _Family(MAPLE, "Johnson", "en", (_Guardian("Tiana", "Johnson", MOTHER),
                                     _Guardian("Darnell", "Johnson", FATHER)),
            (_c("Aaliyah", "Robins", "infant", "mwf", "en"),)),
    _Family(MAPLE, "Reyes", "es", (_Guardian("Guadalupe", "Reyes", MOTHER),),
            (_c("Emiliano", "Robins", "infant", "tth", "es",
                cultural_practices="Mother prefers he is carried in a rebozo when fussy, as at "
                "home."),)),
    _Family(MAPLE, "Feldman", "en", (_Guardian("Rachel", "Feldman", MOTHER),
                                     _Guardian("Noah", "Feldman", FATHER)),
            (_c("Nora", "Robins", "infant", "ft", "en",
                cultural_practices="Just started care; mother visits to nurse at lunchtime."),)),
    _Family(MAPLE, "Al-Masri", "ar", (_Guardian("Rania", "Al-Masri", MOTHER),
                                      _Guardian("Yousef", "Al-Masri", FATHER)),
            (_c("Hamza", "Wrens", "young", "ft", "ar", "en",
                cultural_practices="Family is Muslim; halal meals only, no pork or gelatin."),)),
    _Family(MAPLE, "Gutiérrez", "es", (_Guardian("Marisol", "Gutiérrez", MOTHER),),
            (_c("Isabella", "Wrens", "young", "ft", "es", preferred_name="Isa"),)),
    _Family(MAPLE, "Gallagher", "en", (_Guardian("Aoife", "Gallagher", MOTHER),
                                       _Guardian("Sean", "Gallagher", FATHER)),
            (_c("Finn", "Wrens", "young", "ft", "en"),)),
    _Family(MAPLE, "Le", "vi", (_Guardian("Mai", "Le", MOTHER),),
            (_c("Khang", "Wrens", "young", "ft", "vi", "en",
                cultural_practices="Eats rice porridge (cháo) from home at lunch; family "
                "welcomes finger foods too."),)),
    _Family(MAPLE, "Martin", "en", (_Guardian("Chloé", "Martin", MOTHER),),
            (_c("Zoe", "Wrens", "young", "mwf", "en", "fr"),)),
    _Family(MAPLE, "Flores", "es", (_Guardian("Verónica", "Flores", MOTHER),
                                    _Guardian("Héctor", "Flores", FATHER)),
            (_c("Ximena", "Wrens", "young", "tth", "es", ifsp=IFSP_COORDINATORS["ruiz"],
                medical_notes="IFSP for gross-motor delay: physical therapist visits the "
                "classroom on Tuesdays; outcomes include pulling to stand at the low rail."),)),
    _Family(MAPLE, "Washington", "en", (_Guardian("Keisha", "Washington", MOTHER),),
            (_c("Elijah", "Wrens", "young", "ft", "en"),)),
    _Family(MAPLE, "Patel", "en", (_Guardian("Anjali", "Patel", MOTHER),
                                   _Guardian("Rohan", "Patel", FATHER)),
            (_c("Maya", "Wrens", "young", "ft", "en", "gu",
                cultural_practices="Family is vegetarian; no meat, fish or eggs."),)),
    _Family(MAPLE, "Chen", "en", (_Guardian("Wei", "Chen", FATHER), _Guardian("Lily", "Chen",
                                                                                   MOTHER)),
            (_c("Ruby", "Wrens", "young", "mwf", "en", "zh"),)),
    _Family(MAPLE, "Medina", "es", (_Guardian("Paola", "Medina", MOTHER),),
            (_c("Santiago", "Wrens", "young", "tth", "es"),)),
    _Family(MAPLE, "Nilsen", "en", (_Guardian("Kari", "Nilsen", MOTHER),
                                    _Guardian("Ben", "Nilsen", FATHER)),
            (_c("Harper", "Finches", "older", "ft", "en",
                allergies="Peanuts: anaphylaxis. Epinephrine auto-injector in the room's "
                "red bag."),)),
    _Family(MAPLE, "Warsame", "so", (_Guardian("Ubah", "Warsame", MOTHER),
                                     _Guardian("Abdi", "Warsame", FATHER)),
            (_c("Omar", "Finches", "older", "ft", "so", "en",
                cultural_practices="Family is Muslim; halal food only. Speaks Somali at home; "
                "learning English words at the center."),)),
    _Family(MAPLE, "Ortiz", "es", (_Guardian("Lorena", "Ortiz", MOTHER),),
            (_c("Camila", "Finches", "older", "ft", "es", "en"),)),
    _Family(MAPLE, "Goldberg", "en", (_Guardian("Miriam", "Goldberg", MOTHER),),
            (_c("Jonah", "Finches", "older", "am", "en", "he",
                cultural_practices="Family keeps kosher; snacks from home."),)),
    _Family(MAPLE, "Kealoha", "en", (_Guardian("Malia", "Kealoha", MOTHER),
                                     _Guardian("Kekoa", "Kealoha", FATHER)),
            (_c("Leilani", "Finches", "older", "mth", "en"),)),
    _Family(MAPLE, "Thompson", "en", (_Guardian("Jessica", "Thompson", MOTHER),),
            (_c("Ava", "Finches", "older", "ft", "en", leaving_in_days=39),),
            notes="Moving to Bend after the winter break; last day planned."),
    # ---- Riverside -------------------------------------------------------------------------
    _Family(RIVERSIDE, "Abdi", "so", (_Guardian("Ayaan", "Abdi", MOTHER),
                                      _Guardian("Mohamed", "Abdi", FATHER)),
            (_c("Sagal", "Otters", "infant", "ft", "so",
                cultural_practices="Grandmother drops off on Tuesdays and Thursdays and speaks "
                "Somali only; a picture schedule helps the hand-off."),
             _c("Farhan", "Beavers", "older", "ft", "so", "en",
                cultural_practices="Family is Muslim; halal food only.")),
            address="8112 N Interstate Avenue, Portland, OR 97217"),
    _Family(RIVERSIDE, "Mohamed", "so", (_Guardian("Hibo", "Mohamed", MOTHER),),
            (_c("Yusra", "Otters", "infant", "ft", "so", "en"),)),
    _Family(RIVERSIDE, "Moreau", "en", (_Guardian("Claire", "Moreau", MOTHER),
                                        _Guardian("Julien", "Moreau", FATHER)),
            (_c("Lucas", "Otters", "infant", "ft", "en", "fr"),)),
    _Family(RIVERSIDE, "Santos", "pt", (_Guardian("Fernanda", "Santos", MOTHER),),
            (_c("Gabriel", "Otters", "infant", "ft", "pt", "en",
                cultural_practices="Mother speaks Portuguese with him; please learn 'mamãe' "
                "and 'água'."),)),
    _Family(RIVERSIDE, "Carter", "en", (_Guardian("Brianna", "Carter", MOTHER),),
            (_c("Ivy", "Otters", "infant", "mwf", "en"),)),
    _Family(RIVERSIDE, "Kovalenko", "uk", (_Guardian("Oksana", "Kovalenko", MOTHER),
                                           _Guardian("Taras", "Kovalenko", FATHER)),
            (_c("Dmytro", "Otters", "infant", "tth", "uk", preferred_name="Dima"),)),
    _Family(RIVERSIDE, "Robinson", "en", (_Guardian("Monique", "Robinson", MOTHER),),
            (_c("Nia", "Otters", "infant", "mwf", "en", ifsp=IFSP_COORDINATORS["okeefe"],
                medical_notes="Born at 29 weeks. IFSP: feeding therapist visits Mondays; "
                "paced bottle feeding."),)),
    _Family(RIVERSIDE, "Jiménez", "es", (_Guardian("Alejandra", "Jiménez", MOTHER),
                                         _Guardian("Luis", "Jiménez", FATHER)),
            (_c("Paloma", "Otters", "infant", "tth", "es",
                cultural_practices="Parents ask that she wears her bracelet (azabache) only "
                "when awake; they take it off for naps."),
             _c("Diego", "Beavers", "older", "tth", "es", "en")),
            address="4420 N Lombard Street, Portland, OR 97203"),
    _Family(RIVERSIDE, "Hussein", "so", (_Guardian("Sahra", "Hussein", MOTHER),
                                         _Guardian("Abdullahi", "Hussein", FATHER)),
            (_c("Ayaan", "Herons", "young", "ft", "so", "en"),
             _c("Abdirahman", "Herons", "young", "ft", "so", "en", twin_of="Ayaan",
                cultural_practices="Twins nap at the same time, as at home.")),
            address="9305 N Fessenden Street, Portland, OR 97203", notes="Twins."),
    _Family(RIVERSIDE, "Novak", "en", (_Guardian("Petra", "Novak", MOTHER),),
            (_c("Mila", "Herons", "young", "ft", "en"),)),
    _Family(RIVERSIDE, "Ramos", "es", (_Guardian("Julieta", "Ramos", MOTHER),
                                       _Guardian("Esteban", "Ramos", FATHER)),
            (_c("Thiago", "Herons", "young", "ft", "es"),)),
    _Family(RIVERSIDE, "Harrison", "en", (_Guardian("Avery", "Harrison", PARENT),),
            (_c("Quinn", "Herons", "young", "am", "en"),)),
    _Family(RIVERSIDE, "Vo", "vi", (_Guardian("Hanh", "Vo", MOTHER),
                                    _Guardian("Dung", "Vo", GRANDPARENT)),
            (_c("Khoa", "Herons", "young", "mwf", "vi"),)),
    _Family(RIVERSIDE, "Price", "en", (_Guardian("Laura", "Price", MOTHER),),
            (_c("Eleanor", "Herons", "young", "ft", "en", allergies="Eggs."),)),
    _Family(RIVERSIDE, "Clark", "en", (_Guardian("Shauna", "Clark", MOTHER),
                                       _Guardian("Terrence", "Clark", FATHER)),
            (_c("Jayden", "Herons", "young", "ft", "en", "ase", ifsp=IFSP_COORDINATORS["okeefe"],
                medical_notes="Bilateral hearing aids. IFSP: teacher of the deaf visits "
                "Wednesdays; family and staff use ASL signs for routines."),)),
    _Family(RIVERSIDE, "Haddad", "ar", (_Guardian("Nour", "Haddad", MOTHER),
                                        _Guardian("Karim", "Haddad", FATHER)),
            (_c("Layla", "Beavers", "older", "ft", "ar", "en",
                cultural_practices="Family is Muslim; halal food only. Arabic songs at nap "
                "time are welcome."),)),
    _Family(RIVERSIDE, "Anderson", "en", (_Guardian("Kelsey", "Anderson", MOTHER),),
            (_c("Wyatt", "Beavers", "older", "ft", "en", allergies="Tree nuts and peanuts."),)),
    _Family(RIVERSIDE, "Begay", "en", (_Guardian("Shandiin", "Begay", MOTHER),
                                       _Guardian("Tyler", "Begay", FATHER)),
            (_c("Aiyana", "Beavers", "older", "mwf", "en", "nv",
                cultural_practices="Family is Diné; grandmother teaches Navajo words and would "
                "like to share a story at circle time."),)),
    _Family(RIVERSIDE, "Cohen", "en", (_Guardian("Sarah", "Cohen", MOTHER),
                                       _Guardian("David", "Cohen", FATHER)),
            (_c("Benjamin", "Beavers", "older", "mwf", "en", preferred_name="Benji"),)),
    _Family(RIVERSIDE, "Cruz", "es", (_Guardian("Rocío", "Cruz", MOTHER),),
            (_c("Valeria", "Beavers", "older", "ft", "es", ifsp=IFSP_COORDINATORS["ruiz"],
                medical_notes="IFSP for expressive language: speech-language pathologist "
                "visits Thursdays; family asks that therapy be in Spanish."),)),
    _Family(RIVERSIDE, "Walsh", "en", (_Guardian("Megan", "Walsh", MOTHER),
                                       _Guardian("Patrick", "Walsh", FATHER)),
            (_c("Henry", "Beavers", "older", "tth", "en"),)),
    _Family(RIVERSIDE, "Yamamoto", "en", (_Guardian("Aiko", "Yamamoto", MOTHER),),
            (_c("Hana", "Beavers", "older", "mwf", "en", "ja",
                cultural_practices="Takes shoes off indoors at home; likes to do the same "
                "in the room."),)),
    _Family(RIVERSIDE, "Petrova", "ru", (_Guardian("Elena", "Petrova", MOTHER),),
            (_c("Sasha", "Beavers", "older", "tth", "ru", "en"),)),
    _Family(RIVERSIDE, "Young", "en", (_Guardian("Brittany", "Young", MOTHER),
                                       _Guardian("Marcus", "Young", FATHER)),
            (_c("Micah", "Beavers", "older", "ft", "en", ifsp=IFSP_COORDINATORS["ahmed"],
                medical_notes="IFSP for social communication: developmental therapist visits "
                "weekly; a visual schedule and a quiet corner help transitions."),)),
    # ---- Nguyen Family Child Care ----------------------------------------------------------
    _Family(FCC, "Lam", "vi", (_Guardian("Thao", "Lam", MOTHER), _Guardian("Duc", "Lam",
                                                                            FATHER)),
            (_c("Bao", "Home", "infant", "ft", "vi",
                cultural_practices="Fed rice porridge from home; rocked to sleep in a hammock "
                "at home, so naps in a crib may take time."),
             _c("Minh Chau", "Home", "older", "ft", "vi", "en")),
            address="5402 SE Foster Road, Portland, OR 97206"),
    _Family(FCC, "Huynh", "vi", (_Guardian("Ngoc", "Huynh", MOTHER),),
            (_c("Rosa", "Home", "young", "ft", "vi", "en"),)),
    _Family(FCC, "Vu", "en", (_Guardian("Kevin", "Vu", FATHER), _Guardian("Amy", "Vu", MOTHER)),
            (_c("Daniel", "Home", "older", "mwf", "en", "vi"),)),
    _Family(FCC, "Peterson", "en", (_Guardian("Hailey", "Peterson", MOTHER),),
            (_c("Chloe", "Home", "older", "ft", "en"),)),
    _Family(FCC, "Soto", "es", (_Guardian("Yesenia", "Soto", MOTHER),
                                _Guardian("Rafael", "Soto", FATHER)),
            (_c("Adrián", "Home", "older", "am", "es", "en"),)),
)  # fmt: skip


# -- the loader ------------------------------------------------------------------------------


class DemoConflict(RuntimeError):
    """A demo username is taken while the demo organization is missing."""


def load_demo(*, today: date | None = None, stdout: Writer | None = None) -> DemoLogins:
    """Build the demo organization, or do nothing when it exists. Returns the sign-ins."""
    if Organization.objects.filter(name=DEMO_ORGANIZATION).exists():
        _say(stdout, f"The demo organization “{DEMO_ORGANIZATION}” is already loaded.")
        return demo_logins(created=False)
    today = today or timezone.localdate()
    with transaction.atomic():
        _Builder(today=today, rng=random.Random(SEED), stdout=stdout).build()  # noqa: S311
        _continuity_history(today=today, stdout=stdout)
        from attune.demo.care import load_care_demo

        plans = load_care_demo(
            organization=Organization.objects.get(name=DEMO_ORGANIZATION), today=today
        )
        _say(stdout, f"Care plans written with the families: {plans}.")
        from attune.demo.training import load_training_demo

        oregon = Program.objects.filter(organization__name=DEMO_ORGANIZATION).first()
        assert oregon is not None
        load_training_demo(jurisdiction=oregon.jurisdiction, today=today, tz=oregon.tz)
        _say(stdout, "Training for Trainers: a spring cohort in Oregon and one delivery.")
        from attune.demo.workforce import load_directory_demo, load_workforce_demo

        maple = Program.objects.get(organization__name=DEMO_ORGANIZATION, name=MAPLE)
        load_workforce_demo(program=maple, today=today)
        load_directory_demo(program=maple)
        _say(
            stdout,
            "Workforce: verified endorsements, one awaiting the coordinator; the "
            "state's directory of specialists and trainers, one support request.",
        )
    return demo_logins(created=True)


def _mailbox(first_name: str, last_name: str) -> str:
    """'María José', "O'Connell" -> 'mariajose.oconnell'."""
    text = unicodedata.normalize("NFKD", f"{first_name}.{last_name}".lower())
    return "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in ".-"))


def _say(stdout: Writer | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


@dataclass
class _Builder:
    today: date
    rng: random.Random
    stdout: Writer | None
    programs: dict[str, Program] = field(default_factory=dict)
    rooms: dict[tuple[str, str], Room] = field(default_factory=dict)
    caregivers: list[tuple[_Caregiver, Caregiver]] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    children: dict[tuple[str, str], Child] = field(default_factory=dict)
    full_time_seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def build(self) -> None:
        taken = User.objects.filter(username__in=[u.username for u in DEMO_USERS])
        if taken.exists():
            names = ", ".join(sorted(taken.values_list("username", flat=True)))
            raise DemoConflict(
                f"The demo sign-ins {names} already exist but the demo organization does not; "
                "remove those users or run load_demo --reset."
            )
        jurisdiction = services.get_or_create_jurisdiction(
            actor=None, code="OR", name="Oregon", kind=Jurisdiction.Kind.STATE
        )
        organization = services.create_organization(actor=None, name=DEMO_ORGANIZATION)
        self._programs(organization, jurisdiction)
        self._caregivers()
        self._families()
        self._waitlist()
        self._users(organization, jurisdiction)
        _say(
            self.stdout,
            f"Loaded “{DEMO_ORGANIZATION}”: {len(self.programs)} programs, "
            f"{len(self.rooms)} rooms, {len(self.caregivers)} caregivers, "
            f"{len(FAMILIES)} families, {len(self.children)} children.",
        )

    def _programs(self, organization: Organization, jurisdiction: Jurisdiction) -> None:
        for spec in PROGRAMS:
            self.programs[spec["name"]] = services.create_program(
                actor=None,
                organization=organization,
                jurisdiction=jurisdiction,
                data={
                    **spec,
                    "timezone": "America/Los_Angeles",
                    "open_days": ["mon", "tue", "wed", "thu", "fri"],
                    "nap_check_minutes": 15,
                },
            )
        for program_name, room_name, capacity in ROOMS:
            self.rooms[program_name, room_name] = services.create_room(
                actor=None, program=self.programs[program_name], name=room_name, capacity=capacity
            )

    def _caregivers(self) -> None:
        for index, spec in enumerate(CAREGIVERS):
            hired = self.today - timedelta(days=round(spec.years * 365.25))
            caregiver = services.create_caregiver(
                actor=None,
                program=self.programs[spec.program],
                data={
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "email": f"{_mailbox(spec.first_name, spec.last_name)}@sunrise.example.org",
                    "phone": f"503-555-{100 + index:04d}",
                    "role": spec.role,
                    "room": self.rooms[spec.program, spec.room] if spec.room else None,
                    "languages": list(spec.languages),
                    "shifts": schedules.parse_text(spec.shifts),
                    "hire_date": hired,
                    "credentials": list(spec.credentials),
                    "ifsp_trained": spec.ifsp_trained,
                    "max_primary": 3 if spec.part_time else 4,
                },
            )
            self.caregivers.append((spec, caregiver))

    # -- children --

    def _ages(self) -> dict[tuple[str, str], int]:
        """Age in days of every child, spread evenly over each program's age band."""
        by_band: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for family in FAMILIES:
            for child in family.children:
                if child.twin_of is None:
                    key = (family.program, child.band)
                    by_band.setdefault(key, []).append((family.last_name, child.first_name))
        ages: dict[tuple[str, str], int] = {}
        for (_program, band), members in by_band.items():
            low, high = BANDS[band]
            slots = list(range(len(members)))
            self.rng.shuffle(slots)
            for member, slot in zip(members, slots, strict=True):
                share = (slot + self.rng.uniform(0.1, 0.9)) / len(members)
                ages[member] = low + round((high - low) * share)
        infants = [
            (family.last_name, child.first_name)
            for family in FAMILIES
            for child in family.children
            if child.band == "infant" and child.twin_of is None
        ]
        youngest = min(infants, key=ages.__getitem__)
        ages[youngest] = 44  # a newcomer, 6 weeks old
        for family in FAMILIES:
            for child in family.children:
                if child.twin_of is not None:
                    ages[family.last_name, child.first_name] = ages[family.last_name, child.twin_of]
        return ages

    def _schedule(self, spec: _Child, room: tuple[str, str]) -> schedules.Schedule:
        options: Sequence[str]
        if spec.schedule == "ft":
            self.full_time_seen[room] = self.full_time_seen.get(room, 0) + 1
            early = self.full_time_seen[room] % 2 == 1
            options = FULL_TIME_EARLY if early else FULL_TIME_LATE
        else:
            options = PART_TIME[spec.schedule]
        return schedules.parse_text(self.rng.choice(options))

    @staticmethod
    def _days(spec: _Child) -> set[str]:
        """The days a child attends."""
        if spec.schedule == "ft":
            return set(schedules.DAYS[:5])
        return set(schedules.parse_text(PART_TIME[spec.schedule][0]))

    def _enrollment_start(self, age_days: int, sibling_start: date | None) -> date:
        birth = self.today - timedelta(days=age_days)
        if sibling_start is not None and sibling_start >= birth + timedelta(days=42):
            return sibling_start  # twins start together
        if age_days <= 180 or self.rng.random() < 0.65:
            offset = self.rng.randint(42, 120)  # started as a young infant
        else:
            offset = self.rng.randint(120, age_days - 30)  # joined later
        start = birth + timedelta(days=offset)
        start = min(start, self.today - timedelta(days=self.rng.randint(2, 6)))
        return max(start, birth + timedelta(days=42))  # never before 6 weeks old

    def _families(self) -> None:
        ages = self._ages()
        assignments = self._primary_assignments()
        phone = 200
        for number, family in enumerate(FAMILIES, start=1):
            guardians: list[Mapping[str, Any]] = []
            for position, guardian in enumerate(family.guardians):
                phone += 1
                guardians.append(
                    {
                        "first_name": guardian.first_name,
                        "last_name": guardian.last_name,
                        "relationship": guardian.relationship,
                        "phone": f"503-555-{phone:04d}",
                        "email": f"{_mailbox(guardian.first_name, guardian.last_name)}@example.org",
                        "is_primary_contact": position == 0,
                    }
                )
            record = services.create_family(
                actor=None,
                program=self.programs[family.program],
                data={
                    "code": f"F-{number:04d}",
                    "name": family.name or family.last_name,
                    "preferred_language": family.language,
                    "address": family.address,
                    "notes": family.notes,
                },
                guardians=guardians,
            )
            self._children(family, record, ages, assignments)

    def _children(
        self,
        family: _Family,
        record: Family,
        ages: dict[tuple[str, str], int],
        assignments: dict[tuple[str, str], Caregiver],
    ) -> None:
        program = self.programs[family.program]
        for spec in family.children:
            key = (family.last_name, spec.first_name)
            age = ages[key]
            twin = self.children.get((family.last_name, spec.twin_of)) if spec.twin_of else None
            start = self._enrollment_start(age, twin.enrollment_start if twin else None)
            coordinator = spec.ifsp or ("", "", "")
            end = (
                self.today + timedelta(days=spec.leaving_in_days)
                if spec.leaving_in_days is not None
                else None
            )
            self.children[key] = services.create_child(
                actor=None,
                program=program,
                data={
                    "family": record,
                    "first_name": spec.first_name,
                    "last_name": family.last_name,
                    "preferred_name": spec.preferred_name,
                    "birth_date": self.today - timedelta(days=age),
                    "enrollment_start": start,
                    "enrollment_end": end,
                    "room": self.rooms[family.program, spec.room],
                    "primary_caregiver": assignments[key],
                    "schedule": self._schedule(spec, (family.program, spec.room)),
                    "home_languages": list(spec.languages),
                    "cultural_practices": spec.cultural_practices,
                    "has_ifsp": spec.ifsp is not None,
                    "ifsp_coordinator_name": coordinator[0],
                    "ifsp_coordinator_phone": coordinator[1],
                    "ifsp_coordinator_email": coordinator[2],
                    "allergies": spec.allergies,
                    "medical_notes": spec.medical_notes,
                },
            )

    def _primary_assignments(self) -> dict[tuple[str, str], Caregiver]:
        """Each child's primary caregiver: a caregiver of the child's room, at most
        max_primary children each, preferring one who speaks the child's home language."""
        load: dict[int, int] = {}
        result: dict[tuple[str, str], Caregiver] = {}
        by_room: dict[tuple[str, str], list[tuple[_Caregiver, Caregiver]]] = {}
        for spec, caregiver in self.caregivers:
            if spec.room is not None:
                by_room.setdefault((spec.program, spec.room), []).append((spec, caregiver))
        pending: list[tuple[_Family, _Child]] = [
            (f, c) for f in FAMILIES for c in f.children
        ]  # fmt: skip
        # Children the demo pins to a caregiver first, then those whose home language is not
        # English (so the few speakers of it go to them), then everyone else.
        pending.sort(key=lambda fc: (fc[1].primary is None, fc[1].languages[0] == "en"))
        for family, child in pending:
            candidates = [
                (spec, cg)
                for spec, cg in by_room[family.program, child.room]
                if load.get(cg.pk, 0) < cg.max_primary
            ]
            if child.primary is not None:
                candidates = [(s, cg) for s, cg in candidates if s.first_name == child.primary]

            def score(
                candidate: tuple[_Caregiver, Caregiver], child: _Child = child
            ) -> tuple[bool, bool, bool, int]:
                spec, cg = candidate
                off_days = spec.part_time and not self._days(child) <= set(cg.shifts)
                speaks = any(lang in spec.languages for lang in child.languages if lang != "en")
                untrained = child.ifsp is not None and not spec.ifsp_trained
                return (off_days, not speaks, untrained, load.get(cg.pk, 0))

            spec, caregiver = min(candidates, key=score)
            load[caregiver.pk] = load.get(caregiver.pk, 0) + 1
            result[family.last_name, child.first_name] = caregiver
        return result

    # -- waitlist --

    def _waitlist(self) -> None:
        maple = self.programs[MAPLE]
        harper = self.children["Nilsen", "Harper"]
        harper_parent = harper.family.guardians.get(is_primary_contact=True)
        entries: Sequence[dict[str, Any]] = (
            {
                "child_first_name": "Baby",
                "child_last_name": "Whitfield",
                "birth_date": self.today + timedelta(days=52),
                "guardian_name": "Jordan Whitfield",
                "phone": "503-555-0301",
                "email": "jordan.whitfield@example.org",
                "preferred_language": "en",
                "home_languages": ["en"],
                "desired_start": self.today + timedelta(days=52 + 84),
                "desired_schedule": schedules.parse_text("mon-fri 08:00-16:30"),
                "notes": "Due date; parent returns to work when the baby is 12 weeks old.",
            },
            {
                "child_first_name": "Astrid",
                "child_last_name": "Nilsen",
                "birth_date": self.today - timedelta(days=118),
                "guardian_name": str(harper_parent),
                "phone": harper_parent.phone,
                "email": harper_parent.email,
                "preferred_language": "en",
                "home_languages": ["en"],
                "desired_start": self.today + timedelta(days=30),
                "desired_schedule": schedules.parse_text("mon-fri 08:00-16:30"),
                "sibling": harper,
                "notes": "Sibling of a child in Finches.",
            },
            {
                "child_first_name": "Yahir",
                "child_last_name": "Domínguez",
                "birth_date": self.today - timedelta(days=301),
                "guardian_name": "Itzel Domínguez",
                "phone": "503-555-0303",
                "email": "itzel.dominguez@example.org",
                "preferred_language": "es",
                "home_languages": ["es"],
                "desired_start": self.today + timedelta(days=21),
                "desired_schedule": schedules.parse_text("mon,wed,fri 08:00-16:30"),
                "status": WaitlistEntry.Status.OFFERED,
                "notes": "Offered a part-time place in Wrens; family to confirm this week.",
            },
            {
                "child_first_name": "Ifrah",
                "child_last_name": "Yusuf",
                "birth_date": self.today - timedelta(days=497),
                "guardian_name": "Maryan Yusuf",
                "phone": "503-555-0304",
                "email": "maryan.yusuf@example.org",
                "preferred_language": "so",
                "home_languages": ["so", "en"],
                "desired_start": self.today + timedelta(days=60),
                "desired_schedule": schedules.parse_text("tue,thu 08:30-16:00"),
                "has_ifsp": True,
                "notes": "Referred by Early Intervention; IFSP outcomes around feeding.",
            },
        )
        for data in entries:
            services.save_waitlist_entry(actor=None, program=maple, entry=None, data=data)

    # -- sign-ins --

    def _users(self, organization: Organization, jurisdiction: Jurisdiction) -> None:
        for spec in DEMO_USERS:
            user = User.objects.create_user(
                spec.username,
                spec.email,
                DEMO_PASSWORD,
                first_name=spec.first_name,
                last_name=spec.last_name,
                preferred_language=spec.preferred_language,
            )
            self.users[spec.username] = user
        maple, riverside, fcc = self.programs[MAPLE], self.programs[RIVERSIDE], self.programs[FCC]
        grants: list[tuple[str, str, dict[str, Any]]] = [
            ("orgadmin", Membership.Role.ORG_ADMIN, {"organization_id": organization.pk}),
            ("director", Membership.Role.DIRECTOR, {"program": maple}),
            ("director2", Membership.Role.DIRECTOR, {"program": riverside}),
            ("specialist", Membership.Role.SPECIALIST, {"program": maple}),
            ("specialist", Membership.Role.SPECIALIST, {"program": riverside}),
            ("trainer", Membership.Role.TRAINER, {"program": riverside}),
            ("trainer", Membership.Role.TRAINER, {"program": fcc}),
            ("stateadmin", Membership.Role.STATE_ADMIN, {"jurisdiction_id": jurisdiction.pk}),
            # Oregon's Infant/Toddler Specialist for the Training for Trainers
            ("specialist", Membership.Role.SPECIALIST, {"jurisdiction_id": jurisdiction.pk}),
            # the endorsement coordinator of Oregon's infant mental health association
            ("coordinator", Membership.Role.COORDINATOR, {"jurisdiction_id": jurisdiction.pk}),
        ]
        for username, role, scope in grants:
            services.grant_membership(actor=None, user=self.users[username], role=role, **scope)
        for cg_spec, caregiver in self.caregivers:
            if cg_spec.login:
                services.link_caregiver_user(
                    actor=None, caregiver=caregiver, user=self.users[cg_spec.login]
                )
        for family in FAMILIES:
            for g_spec in family.guardians:
                if g_spec.login:
                    guardian = Guardian.objects.get(
                        family__organization=organization,
                        first_name=g_spec.first_name,
                        last_name=g_spec.last_name,
                    )
                    services.link_guardian_user(
                        actor=None, guardian=guardian, user=self.users[g_spec.login]
                    )


# -- continuity history ----------------------------------------------------------------------

HISTORY_MONTHS = 12
# Riverside keeps age-based rooms: a child moves up at 13 months (CFOC's toddler band) and
# at 24 months, and takes a caregiver of the new room. Maple Street and the Nguyen home
# practise continuity of care: children keep their primary caregiver and group as they grow.
AGE_ROOMS = {RIVERSIDE: (("Otters", 12), ("Herons", 23), ("Beavers", 10_000))}
# A Wrens assistant who left five months ago; Rosa Delgado took her primary children.
FORMER = _Caregiver(MAPLE, "Wrens", "Tamara", "Brooks", ASSISTANT, ("en",),
                    "mon-fri 08:30-17:00", 3.6, ("cda",))  # fmt: skip
LEFT_MONTHS_AGO = 5
# The Castillo Rojas family asked three months ago for a primary caregiver who speaks Spanish.
REQUEST_MONTHS_AGO = 3


def _continuity_history(*, today: date, stdout: Writer | None) -> None:
    """Twelve months of monthly snapshots (attune.plans.history), this month's from the
    records, the earlier ones as the demo's story has them; each reason is the one
    record_month computes, but the family's request, which the records cannot tell."""
    organization = Organization.objects.get(name=DEMO_ORGANIZATION)
    programs = {p.name: p for p in Program.objects.filter(organization=organization)}
    maple = programs[MAPLE]
    this_month = history.first_of(today)
    months = [history.shift(this_month, -n) for n in range(HISTORY_MONTHS - 1, -1, -1)]
    left = history.shift(this_month, -LEFT_MONTHS_AGO)
    requested_in = history.shift(this_month, -REQUEST_MONTHS_AGO)
    former = services.create_caregiver(
        actor=None,
        program=maple,
        data={
            "first_name": FORMER.first_name,
            "last_name": FORMER.last_name,
            "email": f"{_mailbox(FORMER.first_name, FORMER.last_name)}@sunrise.example.org",
            "phone": "503-555-0199",
            "role": FORMER.role,
            "room": Room.objects.get(program=maple, name=FORMER.room),
            "languages": list(FORMER.languages),
            "shifts": schedules.parse_text(FORMER.shifts),
            "hire_date": today - timedelta(days=round(FORMER.years * 365.25)),
            "end_date": left - timedelta(days=3),
            "credentials": list(FORMER.credentials),
        },
    )
    staff = {cg.pk: cg for cg in Caregiver.objects.filter(program__in=programs.values())}
    rosa = next(cg for cg in staff.values() if (cg.first_name, cg.last_name) == ("Rosa", "Delgado"))
    children = list(
        Child.objects.filter(program__organization=organization)
        .select_related("program", "room", "primary_caregiver", "family")
        .order_by("pk")
    )

    def other_caregiver(child: Child, day: date) -> Caregiver | None:
        """A caregiver of the child's room other than its primary, who does not speak the
        child's home language when there is one."""
        team = [
            cg
            for cg in staff.values()
            if cg.room_id == child.room_id
            and cg.pk != child.primary_caregiver_id
            and cg.role != Caregiver.Role.FLOATER
            and cg.is_active(day)
        ]
        return min(
            team,
            key=lambda cg: (bool(set(cg.languages) & set(child.home_languages) - {"en"}), cg.pk),
            default=None,
        )

    # The family of the request: the Castillo Rojas family (the demo's family sign-in), for
    # the first of their children enrolled before it; before, another caregiver of the room.
    before_request = history.shift(requested_in, -1)
    asked = next(
        (
            c
            for c in sorted(children, key=lambda c: (c.family.name != "Castillo Rojas", c.pk))
            if c.program_id == maple.pk
            and c.enrollment_start < before_request
            and other_caregiver(c, before_request) is not None
        ),
        None,
    )
    asked_from = other_caregiver(asked, before_request) if asked is not None else None
    rooms = {(r.program_id, r.name): r for r in Room.objects.filter(program__in=programs.values())}
    rule_sets = {p.pk: history.rule_set_of(p) for p in programs.values()}
    snapshots: list[MonthlySnapshot] = []
    for child in children:
        before: MonthlySnapshot | None = None
        for month in months:
            if not (child.enrollment_start <= history.last_of(month)):
                continue
            day = history.day_of(child, month)
            if month == this_month:
                snapshot = history.snapshot_of(child, month)
            else:
                room, primary = child.room, child.primary_caregiver
                ladder = AGE_ROOMS.get(child.program.name)
                if ladder is not None and room is not None:
                    age = months_between(child.birth_date, day)
                    names = [name for name, _top in ladder]
                    step = min(
                        next(i for i, (_n, top) in enumerate(ladder) if age <= top),
                        names.index(room.name),
                    )
                    if names[step] != room.name:
                        room = rooms[child.program_id, names[step]]
                        team = sorted(
                            (
                                cg
                                for cg in staff.values()
                                if cg.room_id == room.pk and cg.is_active(day)
                            ),
                            key=lambda cg: (cg.role != Caregiver.Role.LEAD, cg.pk),
                        )
                        primary = team[child.pk % len(team)]
                if primary == rosa and month < left:
                    primary = former
                if child == asked and month < requested_in:
                    primary = asked_from
                attended, overlap = history.minutes_of(
                    child.schedule, primary.shifts if primary else None
                )
                snapshot = MonthlySnapshot(
                    program=child.program,
                    month=month,
                    child=child,
                    primary=primary,
                    primary_name=str(primary) if primary else "",
                    group_label=room.name if room else "",
                    attended_minutes=attended,
                    overlap_minutes=overlap,
                )
            rule_set = rule_sets[child.program_id]
            aged = before is not None and history.band_of(rule_set, child, day) != (
                history.band_of(rule_set, child, history.day_of(child, before.month))
            )
            snapshot.reason = history.reason_for(before, snapshot, aged=aged)
            if child == asked and month == requested_in:
                snapshot.reason = MonthlySnapshot.Reason.FAMILY_REQUEST
            snapshots.append(snapshot)
            before = snapshot
    MonthlySnapshot.objects.bulk_create(snapshots)
    _say(
        stdout,
        f"Recorded {len(snapshots)} monthly snapshots: {HISTORY_MONTHS} months of continuity "
        "history.",
    )
