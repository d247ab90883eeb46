"""The demo organization: realistic, within the rules it demonstrates, and loadable twice."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, time

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import RequestFactory

from attune.accounts.models import Membership, User
from attune.demo.organization import (
    DEMO_ORGANIZATION,
    DEMO_PASSWORD,
    DEMO_USERS,
    FCC,
    INFANT_ROOMS,
    MAPLE,
    RIVERSIDE,
    load_demo,
)
from attune.lib import schedules
from attune.plans import history
from attune.plans.models import MonthlySnapshot
from attune.programs.models import (
    Caregiver,
    Child,
    EnrollmentEvent,
    Family,
    Guardian,
    Jurisdiction,
    Organization,
    Program,
    Room,
    WaitlistEntry,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
MODELS = (
    Jurisdiction, Organization, Program, Room, Family, Guardian, Caregiver, Child,
    EnrollmentEvent, WaitlistEntry, Membership, User, LogEntry, MonthlySnapshot,
)  # fmt: skip


@pytest.fixture
def demo():
    return load_demo(today=TODAY)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_three_programs_in_one_organization(demo):
    organization = Organization.objects.get(name=DEMO_ORGANIZATION)
    programs = Program.objects.filter(organization=organization)
    kinds = Counter(programs.values_list("kind", flat=True))
    assert kinds == {Program.Kind.CENTER: 2, Program.Kind.FCC_HOME: 1}
    assert Program.objects.count() == 3
    assert set(programs.values_list("jurisdiction__code", flat=True)) == {"OR"}
    fcc = programs.get(kind=Program.Kind.FCC_HOME)
    assert fcc.rule_set == "cfoc-fcc-small"
    assert fcc.rooms.count() == 1
    for center in programs.filter(kind=Program.Kind.CENTER):
        assert center.rule_set == "cfoc-center"
        assert (center.opens_at, center.closes_at) == (time(7), time(18))
        assert center.timezone == "America/Los_Angeles"
        assert center.license_number
        assert center.rooms.count() >= 2


def test_children_count_and_ages(demo):
    children = list(Child.objects.all())
    assert 55 <= len(children) <= 65
    for child in children:
        assert child.age_in_weeks(TODAY) >= 6, child.pk
        assert child.age_in_months(TODAY) <= 35, child.pk
        assert child.birth_date < child.enrollment_start <= TODAY
        assert child.enrollment_end is None or child.enrollment_end > TODAY
        assert child.is_enrolled(TODAY)
    ages = [c.age_in_months(TODAY) for c in children]
    assert min(ages) <= 2
    assert max(ages) >= 33
    assert Child.objects.filter(enrollment_end__isnull=False).count() in (1, 2)


def test_full_time_and_part_time_schedules_within_hours(demo):
    hours = Counter()
    for child in Child.objects.select_related("program"):
        minutes = schedules.minutes_per_week(child.schedule)
        if minutes >= 35 * 60:
            hours["full"] += 1
        elif minutes < 30 * 60:
            hours["part"] += 1
        program = child.program
        reason = schedules.outside_hours(
            child.schedule,
            opens=program.opens_at,
            closes=program.closes_at,
            open_days=program.open_days,
        )
        assert reason is None, (child.pk, reason)
    assert hours["full"] >= 20
    assert hours["part"] >= 10


def test_caregivers(demo):
    # one former caregiver, who left five months ago (the continuity history's turnover)
    former = Caregiver.objects.get(end_date__isnull=False)
    assert former.end_date < TODAY and not former.is_active(TODAY)
    assert not former.primary_children.exists()
    caregivers = list(Caregiver.objects.filter(end_date__isnull=True))
    assert 14 <= len(caregivers) <= 18
    languages = {code for cg in caregivers for code in cg.languages}
    assert {"en", "es"} <= languages
    assert languages - {"en", "es"}
    assert Caregiver.objects.filter(ifsp_trained=True).count() >= 3
    roles = Counter(cg.role for cg in caregivers)
    assert roles[Caregiver.Role.LEAD] >= 6
    assert roles[Caregiver.Role.ASSISTANT] >= 6
    assert roles[Caregiver.Role.FLOATER] >= 1
    for cg in caregivers:
        assert cg.hire_date < TODAY
        assert cg.is_active(TODAY)
        assert set(cg.credentials) <= set(Caregiver.Credential.values)
        if cg.role == Caregiver.Role.FLOATER:
            assert cg.room is None
        else:
            assert cg.room is not None
            assert cg.room.program_id == cg.program_id
        program = cg.program
        assert (
            schedules.outside_hours(
                cg.shifts,
                opens=program.opens_at,
                closes=program.closes_at,
                open_days=program.open_days,
            )
            is None
        )
    assert {cg.program.kind for cg in caregivers} == {"center", "fcc_home"}


def test_home_languages_ifsps_allergies_and_practices(demo):
    languages = Counter(code for child in Child.objects.all() for code in child.home_languages)
    assert languages["en"] >= 20
    assert languages["es"] >= 8
    assert languages["vi"] >= 3
    assert languages["so"] + languages["ar"] >= 2
    assert sum(1 for child in Child.objects.all() if len(child.home_languages) >= 2) >= 10
    ifsp = Child.objects.filter(has_ifsp=True)
    assert 3 <= ifsp.count() <= 6
    for child in ifsp:
        assert child.ifsp_coordinator_name
        assert child.ifsp_coordinator_phone
        assert child.ifsp_coordinator_email.endswith("@example.org")
    assert Child.objects.exclude(allergies="").count() >= 3
    assert Child.objects.exclude(cultural_practices="").count() >= 10


def test_primary_caregivers(demo):
    for child in Child.objects.select_related("primary_caregiver"):
        primary = child.primary_caregiver
        assert primary is not None, child.pk
        assert primary.program_id == child.program_id
        assert primary.room_id == child.room_id
    for cg in Caregiver.objects.all():
        assert cg.primary_children.count() <= min(4, cg.max_primary), cg.pk


def test_rooms_group_children_by_age(demo):
    for room in Room.objects.select_related("program"):
        children = list(room.children.all())
        assert children, room.name
        months = [c.age_in_months(TODAY) for c in children]
        if room.program.kind == Program.Kind.CENTER:
            assert not (min(months) < 12 and max(months) >= 24), room.name
            if min(months) < 12:
                assert room.name in INFANT_ROOMS
        else:
            # CFOC 1.1.1.1: one caregiver, at most 6 children, at most 2 under 24 months.
            assert room.capacity <= 8
            assert sum(1 for m in months if m < 24) <= 2
    for child in Child.objects.filter(room__name__in=INFANT_ROOMS):
        assert child.age_in_months(TODAY) < 12


def test_rooms_within_capacity_and_cfoc_group_sizes(demo):
    """At every quarter hour, the children present fit the room and CFOC's group size."""
    for room in Room.objects.select_related("program"):
        children = list(room.children.all())
        infants = any(c.age_in_months(TODAY) < 12 for c in children)
        group = 6 if infants or room.program.kind == Program.Kind.FCC_HOME else 8
        for day in room.program.open_days:
            for minute in range(7 * 60, 18 * 60, 15):
                at = time(minute // 60, minute % 60)
                present = sum(schedules.is_present(c.schedule, day, at) for c in children)
                assert present <= min(room.capacity, group), (room.name, day, at)


def test_families_siblings_and_guardians(demo):
    families = Family.objects.all()
    sizes = Counter(family.children.count() for family in families)
    assert 4 <= sizes[2] <= 6
    assert set(sizes) <= {1, 2}
    assert families.filter(code__regex=r"^F-\d{4}$").count() == families.count()
    for family in families:
        guardians = list(family.guardians.all())
        assert 1 <= len(guardians) <= 2
        assert sum(g.is_primary_contact for g in guardians) == 1
        assert all(g.email.endswith("@example.org") and "555" in g.phone for g in guardians)
        child_languages = {code for c in family.children.all() for code in c.home_languages}
        assert family.preferred_language in child_languages
    assert set(families.values_list("preferred_language", flat=True)) >= {"en", "es", "vi", "so"}


def test_waitlist(demo):
    entries = WaitlistEntry.objects.filter(program__name="Sunrise Maple Street Center")
    assert 3 <= entries.count() <= 4
    assert entries.filter(birth_date__gt=TODAY).exists()  # a baby not yet born


def test_one_sign_in_per_role(demo):
    usernames = {spec.username for spec in DEMO_USERS}
    assert usernames == {
        "director", "director2", "orgadmin", "caregiver", "family", "specialist", "trainer",
        "stateadmin", "coordinator",
    }  # fmt: skip
    assert {login.username for login in demo} == usernames
    for username in usernames:
        user = authenticate(RequestFactory().post("/"), username=username, password=DEMO_PASSWORD)
        assert user is not None, username
    assert authenticate(RequestFactory().post("/"), username="director", password="wrong") is None

    def scopes(username: str) -> set[tuple[str, str]]:
        return {
            (m.role, str(m.program or m.organization or m.jurisdiction))
            for m in Membership.objects.filter(user__username=username)
        }

    assert scopes("director") == {("director", "Sunrise Maple Street Center")}
    assert scopes("director2") == {("director", "Sunrise Riverside Center")}
    assert scopes("orgadmin") == {("org_admin", DEMO_ORGANIZATION)}
    assert scopes("specialist") == {
        ("specialist", "Sunrise Maple Street Center"),
        ("specialist", "Sunrise Riverside Center"),
        ("specialist", "Oregon"),  # Oregon's Training for Trainers
    }
    assert scopes("trainer") == {
        ("trainer", "Sunrise Riverside Center"),
        ("trainer", "Nguyen Family Child Care"),
    }
    assert scopes("stateadmin") == {("state_admin", "Oregon")}
    assert scopes("coordinator") == {("coordinator", "Oregon")}  # Oregon's IMH association
    assert not Membership.objects.filter(user__username__in=["caregiver", "family"]).exists()

    caregiver = Caregiver.objects.get(user__username="caregiver")
    assert caregiver.program.name == "Sunrise Maple Street Center"
    assert caregiver.role == Caregiver.Role.LEAD
    assert caregiver.room is not None
    assert {"es", "en"} <= set(caregiver.languages)
    assert 3 <= caregiver.primary_children.count() <= 4

    guardian = Guardian.objects.get(user__username="family")
    assert guardian.user.preferred_language == "es"
    assert guardian.family.preferred_language == "es"
    children = guardian.family.children.all()
    assert children.count() == 2
    assert {c.program.name for c in children} == {"Sunrise Maple Street Center"}
    assert children.filter(primary_caregiver=caregiver).exists()


def test_printed_home_pages_are_where_each_sign_in_lands(demo, client):
    for login in demo:
        assert login.home_page != "/", login.username
        client.logout()
        assert client.login(
            request=RequestFactory().get("/"), username=login.username, password=login.password
        )
        response = client.get("/")
        assert response.status_code == 302, login.username
        assert response["Location"] == login.home_page, login.username
        assert client.get(login.home_page).status_code == 200, login.username


def test_loading_twice_changes_nothing(demo):
    before = counts()
    again = load_demo(today=TODAY)
    assert not again.created
    assert [x.username for x in again] == [x.username for x in demo]
    assert counts() == before


def test_deterministic():
    def snapshot() -> list[tuple]:
        return list(
            Child.objects.order_by("last_name", "first_name").values_list(
                "first_name", "birth_date", "enrollment_start", "schedule",
                "room__name", "primary_caregiver__first_name",
            )
        )  # fmt: skip

    load_demo(today=TODAY)
    first = snapshot()
    call_command("load_demo", "--reset", stdout=io.StringIO())
    # The command loads for the real today: compare what does not depend on the date.
    assert [(r[0], r[3], r[4], r[5]) for r in snapshot()] == [
        (r[0], r[3], r[4], r[5]) for r in first
    ]


def test_audit_entries_for_children(demo):
    child_type = ContentType.objects.get_for_model(Child)
    created = LogEntry.objects.filter(content_type=child_type, action=LogEntry.Action.CREATE)
    assert set(created.values_list("object_id", flat=True)) == set(
        Child.objects.values_list("pk", flat=True)
    )
    assert EnrollmentEvent.objects.filter(kind=EnrollmentEvent.Kind.ENROLLED).count() == (
        Child.objects.count()
    )


def test_command_prints_the_sign_ins():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    for spec in DEMO_USERS:
        assert spec.username in text
    assert DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    assert Organization.objects.filter(name=DEMO_ORGANIZATION).count() == 1


def test_command_reset_reloads_without_leftovers():
    call_command("load_demo", stdout=io.StringIO())
    before = counts()
    out = io.StringIO()
    call_command("load_demo", "--reset", stdout=out)
    after = counts()
    assert "Removed the demo data" in out.getvalue()
    for name in ("Organization", "Program", "Room", "Family", "Guardian", "Caregiver", "Child"):
        assert after[name] == before[name], name
    assert after["User"] == before["User"]
    assert after["Membership"] == before["Membership"]
    assert Jurisdiction.objects.filter(code="OR").count() == 1


# -- the continuity history ------------------------------------------------------------------


def test_twelve_months_of_history_for_enrolled_months_only(demo):
    this_month = history.first_of(TODAY)
    first = history.shift(this_month, -11)
    months = set(MonthlySnapshot.objects.values_list("month", flat=True))
    assert months == {history.shift(this_month, -n) for n in range(12)}
    for child in Child.objects.all():
        got = set(child.monthly_snapshots.values_list("month", flat=True))
        start = max(first, history.first_of(child.enrollment_start))
        want = {m for m in months if m >= start}
        assert got == want, child.pk
    # this month is the records: recording it again changes nothing
    before = list(MonthlySnapshot.objects.filter(month=this_month).order_by("pk").values())
    for program in Program.objects.all():
        history.record_month(program=program, month=this_month)
    after = list(MonthlySnapshot.objects.filter(month=this_month).order_by("pk").values())
    strip = [{k: v for k, v in row.items() if k != "recorded_at"} for row in before]
    assert strip == [{k: v for k, v in row.items() if k != "recorded_at"} for row in after]


def test_history_reasons_tell_the_demo_story(demo):
    changed = MonthlySnapshot.objects.exclude(reason="")
    maple = Counter(changed.filter(program__name=MAPLE).values_list("reason", flat=True))
    riverside = Counter(changed.filter(program__name=RIVERSIDE).values_list("reason", flat=True))
    # Maple Street keeps children with their caregiver as they grow: a caregiver who left
    # five months ago, and a family's request; Riverside moves children up by age
    assert maple == {"caregiver_left": 1, "family_request": 1}
    assert riverside["aged"] >= 3 and riverside["director"] >= 3
    assert "caregiver_left" not in riverside
    assert not changed.filter(program__name=FCC).exists()
    left = changed.get(reason="caregiver_left")
    assert left.month == history.shift(history.first_of(TODAY), -5)
    before = MonthlySnapshot.objects.get(child=left.child, month=history.shift(left.month, -1))
    assert before.primary == Caregiver.objects.get(end_date__isnull=False)
    asked = changed.get(reason="family_request")
    assert asked.child.family.name == "Castillo Rojas"  # the family sign-in sees it
    # a move up at Riverside changes the room and the primary caregiver
    for snapshot in changed.filter(program__name=RIVERSIDE, reason="aged"):
        before = MonthlySnapshot.objects.get(
            child=snapshot.child, month=history.shift(snapshot.month, -1)
        )
        assert (before.group_label, snapshot.group_label) == ("Otters", "Herons")
        assert before.primary_id != snapshot.primary_id


def test_maple_streets_continuity_is_higher_than_riversides(demo):
    maple = history.measures_for(program=Program.objects.get(name=MAPLE), until=TODAY).overall
    riverside = history.measures_for(
        program=Program.objects.get(name=RIVERSIDE), until=TODAY
    ).overall
    assert maple.children >= 20 and riverside.children >= 20
    assert maple.changes_per_child_year < riverside.changes_per_child_year / 3
    assert maple.median_months_same_primary > riverside.median_months_same_primary
    assert maple.group_stability > riverside.group_stability
    assert maple.changes_caregiver_left == 1
