"""The plan board pages, with and without HTMX: run, move, save, accept, print, JSON."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from attune.accounts.models import User
from attune.demo.organization import load_demo
from attune.plans import services
from attune.plans.models import PlanRun
from attune.programs.models import CareGroup, Child, Program
from planner.validate import validate
from tests.conftest import World
from tests.plans.helpers import staff

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
ID = re.compile(r"(?<![\w-])[cs]\d+(?![\w-])")


def board_url(program: Program) -> str:
    return reverse("plan_board", kwargs={"program_id": program.pk})


def url(name: str, run: PlanRun) -> str:
    return reverse(name, kwargs={"program_id": run.program_id, "run_id": run.pk})


def visible_text(html: str) -> str:
    """The page's text without tags, attributes, scripts and hidden form values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def posted_plan(html: str) -> dict:
    """The edited plan the page carries in its forms."""
    found = re.search(r'name="plan" value="([^"]+)"', html)
    assert found is not None
    return json.loads(unescape(found.group(1)))


def test_dashboard_links_to_the_plan_board(world: World) -> None:
    page = world.client("director").get(
        reverse("program_dashboard", kwargs={"program_id": world.program.pk})
    )
    assert board_url(world.program) in page.content.decode()
    page = world.client("caregiver").get(
        reverse("program_dashboard", kwargs={"program_id": world.program.pk})
    )
    assert board_url(world.program) not in page.content.decode()


def test_the_board_shows_the_arrangement_in_the_records(world: World) -> None:
    staff(world)
    response = world.client("director").get(board_url(world.program))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The arrangement in the records now" in html
    assert "Run the planner" in html
    assert 'class="heatmap"' in html and '<th scope="row">Monday</th>' in html
    # Lan has no primary caregiver in the records: said in words
    assert "Lan Nguyen has no primary caregiver." in html
    assert not ID.search(visible_text(html))


def test_running_the_planner_without_javascript(world: World) -> None:
    staff(world)
    client = world.client("director")
    today = world.program.today().isoformat()
    response = client.post(
        reverse("plan_run", kwargs={"program_id": world.program.pk}), {"on": today}
    )
    assert response.status_code == 302 and response["Location"] == board_url(world.program)
    run = PlanRun.objects.get()
    assert run.created_by == world.users["director"]
    html = client.get(board_url(world.program)).content.decode()
    assert "The planner found the best plan for these records." in html
    assert "Every licensing rule is met at every moment of the week." in html
    assert "Accept this plan" in html
    assert 'class="heatmap"' in html
    assert "Compared with the records now" in html
    # Lan had no primary caregiver: the comparison says who she gets and why
    assert re.search(r"Lan Nguyen</th>\s*<td>—</td>", html)
    assert "had no primary caregiver" in html
    assert not ID.search(visible_text(html))


def test_running_the_planner_with_htmx_swaps_the_board_in(world: World) -> None:
    staff(world)
    response = world.client("director").post(
        reverse("plan_run", kwargs={"program_id": world.program.pk}),
        {"on": world.program.today().isoformat()},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="plan-board">')
    assert "<html" not in html
    assert 'role="status"' in html


def test_a_program_that_cannot_be_planned_gets_reasons_and_nothing_is_stored(
    world: World,
) -> None:
    world.program.rooms.all().delete()
    client = world.client("director")
    response = client.post(
        reverse("plan_run", kwargs={"program_id": world.program.pk}),
        {"on": world.program.today().isoformat()},
    )
    assert response.status_code == 400
    assert "The program has no rooms yet: add a room before planning." in response.content.decode()
    assert not PlanRun.objects.exists()
    board = client.get(board_url(world.program))
    assert board.status_code == 200
    assert "The records cannot be planned yet" in board.content.decode()


def test_a_bad_day_is_refused(world: World) -> None:
    response = world.client("director").post(
        reverse("plan_run", kwargs={"program_id": world.program.pk}), {"on": "2001-01-01"}
    )
    assert response.status_code == 400
    assert "Plan for a day at most 31 days ago." in response.content.decode()
    # with HTMX only the board is swapped in: the reason is said there too
    swapped = world.client("director").post(
        reverse("plan_run", kwargs={"program_id": world.program.pk}), {"on": "2001-01-01"}, **HTMX
    )
    assert swapped.status_code == 400
    html = swapped.content.decode()
    assert html.lstrip().startswith('<div id="plan-board">')
    assert "Plan for a day at most 31 days ago." in html
    assert not PlanRun.objects.exists()


def test_an_infeasible_run_shows_the_explanation_with_names(world: World) -> None:
    client = world.client("director")  # as built, nobody works after 16:00
    client.post(
        reverse("plan_run", kwargs={"program_id": world.program.pk}),
        {"on": world.program.today().isoformat()},
    )
    run = PlanRun.objects.get()
    assert run.status == "infeasible"
    html = client.get(board_url(world.program)).content.decode()
    assert "Why no plan meets every rule" in html
    assert "Ana Lopez" in html
    assert "Accept this plan" not in html
    assert not ID.search(visible_text(html))


@pytest.fixture
def demo_run() -> PlanRun:
    load_demo()
    maple = Program.objects.get(name="Sunrise Maple Street Center")
    return services.run_planner(actor=None, program=maple, on=maple.today())


def _infant_and_toddler_group(run: PlanRun) -> tuple[str, str]:
    """An infant of the plan, and the group of the oldest children (not the infant's)."""
    problem = services.problem_of(run)
    ages = {c.id: problem.age_months(c) for c in problem.children}
    infant = min(ages, key=ages.__getitem__)
    oldest = max(run.plan["groups"], key=lambda g: min(ages[c] for c in g["children"]))
    return infant, oldest["id"]


def test_moving_an_infant_among_toddlers_is_refused_in_words(
    client: Client, demo_run: PlanRun
) -> None:
    client.force_login(User.objects.get(username="director"))
    infant, toddlers = _infant_and_toddler_group(demo_run)
    response = client.post(
        url("plan_move", demo_run),
        {"plan": json.dumps(demo_run.plan), "child": infant, "to_group": toddlers},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="plan-board">')
    assert 'role="alert"' in html
    assert "Your edited plan (not saved)" in html
    assert "more children present than cfoc-center (Standard 1.1.1.2) allows in a group" in html
    assert "Save this plan" in html and "Accept this plan" not in html
    posted = posted_plan(html)
    # without JavaScript the same move answers with the whole page
    page = client.post(
        url("plan_move", demo_run),
        {"plan": json.dumps(demo_run.plan), "child": infant, "to_group": toddlers},
    )
    assert page.status_code == 200 and "<html" in page.content.decode()
    # saving it is refused, and nothing is stored
    before = PlanRun.objects.values().get(pk=demo_run.pk)
    refused = client.post(url("plan_save", demo_run), {"plan": json.dumps(posted)})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "This plan breaks the rules below, so it was not saved." in text
    assert "more children present than cfoc-center (Standard 1.1.1.2) allows in a group" in text
    assert PlanRun.objects.values().get(pk=demo_run.pk) == before


def test_accepting_the_plan(client: Client, demo_run: PlanRun) -> None:
    client.force_login(User.objects.get(username="director"))
    assert validate(services.problem_of(demo_run), services.parse_plan(demo_run.plan)) == []
    response = client.post(url("plan_accept", demo_run))
    assert response.status_code == 302
    demo_run.refresh_from_db()
    assert demo_run.state == PlanRun.State.ACCEPTED
    assert demo_run.accepted_by.username == "director"
    maple = demo_run.program
    enrolled = Child.objects.filter(program=maple).enrolled_on(demo_run.as_of)
    assert not enrolled.filter(care_group__isnull=True).exists()
    assert CareGroup.objects.filter(program=maple).count() == 3
    html = client.get(board_url(maple)).content.decode()
    assert "The plan is in effect" in html
    assert "In effect" in html and "Accept this plan" not in html
    # a second click is harmless
    again = client.post(url("plan_accept", demo_run), follow=True)
    assert "This plan is already in effect." in again.content.decode()


def test_editing_by_hand_and_saving(world: World, run: PlanRun) -> None:
    client = world.client("director")
    minh, lan = f"c{world.group_child.pk}", f"c{world.other_room_child.pk}"
    lans_group = next(g["id"] for g in run.plan["groups"] if lan in g["children"])
    moved = client.post(
        url("plan_move", run),
        {"plan": json.dumps(run.plan), "child": minh, "to_group": lans_group},
    )
    assert moved.status_code == 200
    html = moved.content.decode()
    assert "Every licensing rule is met" in html
    edited = posted_plan(html)
    saved = client.post(url("plan_save", run), {"plan": json.dumps(edited)})
    assert saved.status_code == 302
    run.refresh_from_db()
    assert run.edited
    assert minh in next(g for g in run.plan["groups"] if g["id"] == lans_group)["children"]


def test_a_move_without_a_group_is_refused(world: World, run: PlanRun) -> None:
    response = world.client("director").post(
        url("plan_move", run), {"plan": json.dumps(run.plan), "child": f"c{world.child.pk}"}
    )
    assert response.status_code == 400
    assert "Choose the group to move into." in response.content.decode()


def test_print_view(world: World, run: PlanRun) -> None:
    response = world.client("director").get(url("plan_print", run))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "data-print" in html and "@media print" not in html
    )  # the CSS file has it; attune.js prints
    assert "Robins" in html and "Ana Lopez" in html and "Maria Garcia" in html
    assert "IFSP" not in visible_text(html)  # not on the classroom wall


def test_json_downloads(world: World, run: PlanRun) -> None:
    client = world.client("director")
    problem = client.get(url("plan_json", run), {"what": "problem"})
    assert problem.status_code == 200
    assert problem["Content-Disposition"].startswith(
        'attachment; filename="maple-street-2026-12-01-problem.json"'
    )
    assert json.loads(problem.content)["format"] == "attune.problem/1"
    plan = client.get(url("plan_json", run))
    assert json.loads(plan.content) == run.plan
    assert client.get(url("plan_json", run), {"what": "other"}).status_code == 400


def test_another_programs_run_is_not_found(world: World, run: PlanRun) -> None:
    other = reverse("plan_print", kwargs={"program_id": world.other_program.pk, "run_id": run.pk})
    assert world.client("other_director").get(other).status_code == 404
    assert world.client("director").get(other).status_code == 404


def test_the_board_speaks_spanish(world: World, run: PlanRun) -> None:
    client = world.client("director")
    client.cookies["django_language"] = "es"
    html = client.get(board_url(world.program), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Tablero de planificación" in html
    assert '<th scope="row">lunes</th>' in html.lower()
    assert "Se cumplen todas las normas de licencia" in html
