"""The continuity pages: a child's timeline, the program, organization and state pages, CSVs."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from attune.plans import history
from attune.plans.models import MonthlySnapshot
from attune.plans.views_continuity import PROGRAM_CSV_HEADER, STATE_CSV_HEADER
from attune.programs import services as program_services
from attune.programs.models import Child
from tests.conftest import World, child_data

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def this_month(world: World) -> date:
    return history.first_of(world.program.today())


def with_history(world: World) -> None:
    """Three months recorded from the records: Ana's primary caregiver changes last month
    (Maria -> Linh, by the director), and changes back this month."""
    month = this_month(world)
    history.record_month(program=world.program, month=history.shift(month, -2))
    program_services.update_child(
        actor=None,
        child=Child.objects.get(pk=world.child.pk),
        data={"primary_caregiver": world.colleague},
    )
    history.record_month(program=world.program, month=history.shift(month, -1))
    program_services.update_child(
        actor=None,
        child=Child.objects.get(pk=world.child.pk),
        data={"primary_caregiver": world.caregiver},
    )
    history.record_month(program=world.program, month=month)
    history.record_month(program=world.other_program, month=month)


def more_children(world: World, n: int) -> None:
    """`n` more children in the world's program (for the state's 5-children rule)."""
    for i in range(n):
        program_services.create_child(
            actor=None,
            program=world.program,
            data=child_data(
                world.other_family, world.room, first_name=f"Extra{i}", last_name="Child"
            ),
        )


def text(response) -> str:
    return response.content.decode()


def child_names() -> list[str]:
    return [f"{c.first_name} {c.last_name}" for c in Child.objects.all()] + [
        str(c) for c in Child.objects.all()
    ]


# -- the child's timeline ----------------------------------------------------------------------


def test_the_family_reads_the_timeline_in_plain_words(world: World) -> None:
    with_history(world)
    response = world.client("family").get(
        reverse("child_timeline", kwargs={"child_id": world.child.pk})
    )
    assert response.status_code == 200
    html = text(response)
    assert "Ana Lopez: primary caregivers and groups" in html
    # the caregivers' names, the change and its reason in words
    assert "Maria Garcia" in html and "Linh Tran" in html
    assert "New primary caregiver: Maria Garcia → Linh Tran" in html
    assert "New primary caregiver: Linh Tran → Maria Garcia" in html
    assert "The director changed it" in html
    assert "Maria Garcia has been the primary caregiver since" in html
    assert "The first month recorded." in html
    assert "Why:</strong> The director changed it" in html  # words, not the stored code
    # the family's view is not a staff access to the record
    assert not LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, content_type=ContentType.objects.get_for_model(Child)
    ).exists()


def test_staff_opening_the_timeline_is_audited(world: World) -> None:
    with_history(world)
    url = reverse("child_timeline", kwargs={"child_id": world.child.pk})
    assert world.client("caregiver").get(url).status_code == 200
    entry = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, content_type=ContentType.objects.get_for_model(Child)
    )
    assert entry.actor == world.users["caregiver"]
    assert entry.object_pk == str(world.child.pk)


def test_a_timeline_before_any_month_is_recorded(world: World) -> None:
    response = world.client("director").get(
        reverse("child_timeline", kwargs={"child_id": world.child.pk})
    )
    assert response.status_code == 200
    assert "Nothing is recorded yet" in text(response)


def test_the_child_page_links_to_the_timeline_for_full_viewers(world: World) -> None:
    timeline = reverse("child_timeline", kwargs={"child_id": world.child.pk})
    page = reverse("child_detail", kwargs={"child_id": world.child.pk})
    for persona in ("director", "caregiver", "family"):
        assert timeline in text(world.client(persona).get(page)), persona
    group_child_page = reverse("child_detail", kwargs={"child_id": world.group_child.pk})
    group_timeline = reverse("child_timeline", kwargs={"child_id": world.group_child.pk})
    assert group_timeline not in text(world.client("caregiver").get(group_child_page))


# -- the program's page ------------------------------------------------------------------------


def test_the_program_page_shows_the_measures_groups_and_children(world: World) -> None:
    with_history(world)
    url = reverse("program_continuity", kwargs={"program_id": world.program.pk})
    response = world.client("director").get(url)
    assert response.status_code == 200
    html = text(response)
    for name in (
        "Primary caregiver changes per child-year",
        "Months with the same primary caregiver",
        "Hours with the primary caregiver on shift",
        "Group-mates kept month to month",
    ):
        assert name in html
    assert "3 children, 9 child-months." in html
    # Ana: 2 changes in 3 months; the others none: 2 / (9 / 12) = 2.67 per child-year
    assert "<dd>2.67</dd>" in html
    assert re.search(r'<svg[^>]+role="img"', html)
    assert "by group" in html
    assert '<th scope="row">Robins</th>' in html and '<th scope="row">Finches</th>' in html
    # the children with the most changes, by name, linking to their timelines
    most = html.split('id="most-heading"')[1]
    assert "Ana Lopez" in most and "Minh Nguyen" not in most
    assert reverse("child_timeline", kwargs={"child_id": world.child.pk}) in most
    assert reverse("program_continuity_csv", kwargs={"program_id": world.program.pk}) in html


def test_the_chart_shows_the_measure_asked_for_with_or_without_htmx(world: World) -> None:
    with_history(world)
    url = reverse("program_continuity", kwargs={"program_id": world.program.pk})
    client = world.client("director")
    page = text(client.get(url, {"measure": "presence"}))
    assert "Hours with the primary caregiver on shift, by group" in page
    assert '<option value="presence" selected>' in page
    partial = text(client.get(url, {"measure": "stability"}, **HTMX))
    assert partial.strip().startswith('<figure id="continuity-chart"')
    assert "Group-mates kept month to month, by group" in partial
    assert "<html" not in partial
    # anything else is refused with what is accepted (attune.lib.params)
    refused = client.get(url, {"measure": "nonsense"})
    assert refused.status_code == 400
    assert "must be one of: changes, months, presence, stability" in text(refused)


def test_a_program_without_history(world: World) -> None:
    url = reverse("program_continuity", kwargs={"program_id": world.program.pk})
    html = text(world.client("director").get(url))
    assert "Nothing is recorded for these months yet." in html


def test_the_program_csv_has_one_row_per_child(world: World) -> None:
    with_history(world)
    url = reverse("program_continuity_csv", kwargs={"program_id": world.program.pk})
    response = world.client("director").get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "continuity" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text(response).lstrip("\ufeff"))))
    assert tuple(rows[0]) == PROGRAM_CSV_HEADER
    by_name = {(r[1], r[2]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {("Ana", "Lopez"), ("Minh", "Nguyen"), ("Lan", "Nguyen")}
    ana = by_name["Ana", "Lopez"]
    assert (ana["months_enrolled"], ana["primary_changes"], ana["changes_caregiver_left"]) == (
        "3",
        "2",
        "0",
    )
    assert ana["changes_per_child_year"] == "8.000"  # 2 / (3 / 12)
    assert ana["months_same_primary"] == "1.000"  # runs 1, 1, 1
    assert ana["group"] == "Robins"
    assert by_name["Lan", "Nguyen"]["presence"] == "0.000"  # no primary caregiver


def test_the_dashboard_links_to_continuity_for_managers(world: World) -> None:
    dashboard = reverse("program_dashboard", kwargs={"program_id": world.program.pk})
    url = reverse("program_continuity", kwargs={"program_id": world.program.pk})
    assert url in text(world.client("director").get(dashboard))
    assert url not in text(world.client("caregiver").get(dashboard))


# -- the organization's page -------------------------------------------------------------------


def test_the_organization_page_compares_its_programs(world: World) -> None:
    with_history(world)
    home = reverse("organization_home", kwargs={"organization_id": world.organization.pk})
    url = reverse("organization_continuity", kwargs={"organization_id": world.organization.pk})
    assert url in text(world.client("org_admin").get(home))
    html = text(world.client("org_admin").get(url))
    assert reverse("program_continuity", kwargs={"program_id": world.program.pk}) in html
    assert "Cascade Center" not in html  # another organization's program
    assert "All programs" in html
    assert "Primary caregiver changes per child-year, by program" in html
    partial = text(world.client("org_admin").get(url, {"measure": "months"}, **HTMX))
    assert "Months with the same primary caregiver, by program" in partial
    for name in ("Ana Lopez", "Minh Nguyen"):
        assert name not in html


# -- the state's page --------------------------------------------------------------------------


def test_the_state_page_shows_programs_without_names_and_hides_small_ones(world: World) -> None:
    with_history(world)
    url = reverse("state_continuity")
    assert url in text(world.client("state_admin").get(reverse("state_home")))
    html = text(world.client("state_admin").get(url))
    assert "Maple Street" in html
    assert "Cascade Center" not in html  # Washington's
    # three children: not shown
    assert "Fewer than 5 children: not shown." in html
    assert "All programs shown" not in html
    for name in child_names():
        assert name not in html
    # with six children the program's figures are shown
    more_children(world, 3)
    history.record_month(program=world.program, month=this_month(world))
    html = text(world.client("state_admin").get(url))
    assert "Fewer than 5 children" not in html
    assert "All programs shown" in html
    row = html.split("Maple Street")[1].split("</tr>")[0]
    assert '<td class="num">6</td>' in row
    for name in child_names():
        assert name not in html


def test_the_state_csv_has_program_aggregates_only(world: World) -> None:
    with_history(world)
    url = reverse("state_continuity_csv")
    rows = list(
        csv.reader(io.StringIO(text(world.client("state_admin").get(url)).lstrip("\ufeff")))
    )
    assert tuple(rows[0]) == STATE_CSV_HEADER
    assert len(rows) == 2  # Oregon has one program
    maple = dict(zip(rows[0], rows[1], strict=True))
    assert maple["program"] == "Maple Street"
    assert maple["note"] == "fewer than 5 children"
    assert all(maple[k] == "" for k in STATE_CSV_HEADER[4:-1])
    more_children(world, 2)
    history.record_month(program=world.program, month=this_month(world))
    rows = list(
        csv.reader(io.StringIO(text(world.client("state_admin").get(url)).lstrip("\ufeff")))
    )
    maple = dict(zip(rows[0], rows[1], strict=True))
    assert (maple["children"], maple["note"]) == ("5", "")
    body = "\n".join(",".join(r) for r in rows)
    for name in child_names():
        assert name not in body


# -- with the demo -----------------------------------------------------------------------------


def test_the_demo_dashboards_show_the_contrast(client: Client) -> None:
    from attune.demo.organization import MAPLE, RIVERSIDE, load_demo
    from attune.programs.models import Organization, Program

    load_demo()
    client.login(request=RequestFactory().get("/"), username="orgadmin", password="attune-demo")
    organization = Organization.objects.get(name="Sunrise Early Learning")
    html = text(
        client.get(reverse("organization_continuity", kwargs={"organization_id": organization.pk}))
    )
    maple, riverside = Program.objects.get(name=MAPLE), Program.objects.get(name=RIVERSIDE)
    assert MAPLE in html and RIVERSIDE in html
    report = history.measures_for(organization=organization)
    assert report.programs[maple.pk].changes_per_child_year < (
        report.programs[riverside.pk].changes_per_child_year
    )
    client.login(request=RequestFactory().get("/"), username="family", password="attune-demo")
    asked = MonthlySnapshot.objects.get(reason="family_request")
    try:
        page = text(client.get(reverse("child_timeline", kwargs={"child_id": asked.child_id})))
    finally:
        translation.deactivate()  # the family's Spanish stays active in this thread otherwise
    assert asked.primary_name in page
    assert "La familia lo pidió" in page
    assert MonthlySnapshot.objects.filter(program=maple).count() > 100
