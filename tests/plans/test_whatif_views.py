"""What-if pages: enroll a waitlisted child, a caregiver leaving or going part-time, the
waiting list ranked by fit; the run's page while it works and when it has answered; bad
input refused with nothing saved; the answers name people, never planner ids.

The tests answer what-ifs at once (the test settings run queued tasks in the caller), except
the one that has a real worker process answer it.
"""

from __future__ import annotations

import io
import re
import time
from datetime import date, timedelta
from datetime import time as clock
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from attune.jobs.models import Job
from attune.lib import schedules
from attune.plans import whatif
from attune.plans.models import WhatIfRun
from attune.programs import services as program_services
from attune.programs.models import Caregiver, Child, Program, WaitlistEntry
from planner import whatif as engine
from tests.conftest import World, make_user
from tests.plans.helpers import staff

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
ID = re.compile(r"(?<![\w-])[csrw]\d+(?![\w-])")
FULL_DAY = schedules.parse_text("mon-fri 08:00-16:30")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def months_ago(today: date, months: int) -> date:
    return today - timedelta(days=round(30.5 * months))


def url(name: str, program: Program, **kwargs: Any) -> str:
    return reverse(name, kwargs={"program_id": program.pk, **kwargs})


def ready(world: World) -> None:
    """The world's program, plannable for months from today: toddlers, every hour staffed."""
    staff(world)
    today = world.program.today()
    for child, months in ((world.child, 14), (world.group_child, 16), (world.other_room_child, 20)):
        program_services.update_child(
            actor=None,
            child=child,
            data={
                "birth_date": months_ago(today, months),
                "enrollment_start": today - timedelta(days=30),
            },
        )


def waiting(program: Program, **overrides: Any) -> WaitlistEntry:
    today = program.today()
    data: dict[str, Any] = {
        "child_first_name": "Noor",
        "child_last_name": "Haddad",
        "birth_date": months_ago(today, 10),
        "guardian_name": "Layla Haddad",
        "phone": "555-0199",
        "home_languages": ["es"],
        "desired_start": today + timedelta(days=14),
        "desired_schedule": schedules.parse_text("mon-fri 09:00-15:00"),
    }
    data.update(overrides)
    return program_services.save_waitlist_entry(actor=None, program=program, entry=None, data=data)


def tiny(world: World) -> tuple[Program, Caregiver]:
    """A one-room program whose only caregiver has four toddlers: full at 1:4."""
    program = Program.objects.create(
        organization=world.organization,
        jurisdiction=world.jurisdiction,
        name="Little Nest",
        opens_at=clock(7, 30),
        closes_at=clock(17, 30),
    )
    room = program_services.create_room(actor=None, program=program, name="Nest", capacity=8)
    ruth = program_services.create_caregiver(
        actor=None,
        program=program,
        data={
            "first_name": "Ruth", "last_name": "Bell", "role": Caregiver.Role.LEAD, "room": room,
            "languages": ["en"], "shifts": schedules.parse_text("mon-fri 08:00-16:30"),
            "hire_date": date(2020, 1, 6),
        },
    )  # fmt: skip
    family = program_services.create_family(
        actor=None, program=program, data={"code": "N-1", "name": "Okafor"}
    )
    today = program.today()
    for i, name in enumerate(("Ada", "Bea", "Cal", "Dov")):
        program_services.create_child(
            actor=None,
            program=program,
            data={
                "first_name": name, "last_name": "Okafor", "family": family, "room": room,
                "birth_date": months_ago(today, 18 + i), "enrollment_start": today - timedelta(30),
                "schedule": FULL_DAY, "primary_caregiver": ruth,
            },
        )  # fmt: skip
    return program, ruth


def answer_page(client: Client, response: Any) -> str:
    assert response.status_code == 302, visible_text(response.content.decode())
    page = client.get(response["Location"])
    assert page.status_code == 200
    return visible_text(page.content.decode())


# -- the pages ------------------------------------------------------------------------------------


def test_the_continuity_page_links_to_the_what_ifs(world: World) -> None:
    html = world.client("director").get(url("program_continuity", world.program)).content.decode()
    assert f'href="{url("whatif", world.program)}"' in html
    assert "What if…" in html


def test_the_page_fills_in_the_chosen_childs_desired_start_and_schedule(world: World) -> None:
    ready(world)
    first = waiting(world.program)
    second = waiting(
        world.program,
        child_first_name="Ilse",
        desired_start=world.program.today() + timedelta(days=40),
        desired_schedule=schedules.parse_text("tue,thu 08:30-12:00"),
    )
    client = world.client("director")
    html = client.get(url("whatif", world.program)).content.decode()
    assert "Noor Haddad" in html and "Ilse Haddad" in html
    assert f'value="{first.desired_start.isoformat()}"' in html
    assert "mon-fri 09:00-15:00" in html
    html = client.get(url("whatif", world.program), {"entry": second.pk}).content.decode()
    assert f'value="{second.desired_start.isoformat()}"' in html
    assert "tue 08:30-12:00; thu 08:30-12:00" in html
    # with HTMX choosing a child swaps the form only
    partial = client.get(
        url("whatif", world.program), {"entry": second.pk}, HTTP_HX_TARGET="enroll-form", **HTMX
    )
    body = partial.content.decode()
    assert partial.status_code == 200
    assert body.lstrip().startswith('<div id="enroll-form">') and "<html" not in body
    assert f'value="{second.pk}"' in body


def test_enrolling_a_waitlisted_child_yes_with_names_and_nothing_saved(world: World) -> None:
    ready(world)
    entry = waiting(world.program)
    children = list(Child.objects.values())
    client = world.client("director")  # (signing in is an entry of its own)
    logged = LogEntry.objects.count()
    response = client.post(
        url("whatif_enroll", world.program),
        {"entry": entry.pk, "start": entry.desired_start.isoformat(), "schedule": "mon-fri 09:00-15:00"},
    )  # fmt: skip
    page = answer_page(client, response)
    assert "Can Noor Haddad start on" in page
    assert "Yes: Noor Haddad can start on" in page
    assert "Primary caregiver" in page
    assert any(name in page for name in ("Maria Garcia", "Linh Tran", "Hodan Ali"))
    assert any(group in page for group in ("Robins", "Finches"))
    assert not ID.search(page), ID.search(page)
    run = WhatIfRun.objects.get()
    assert run.status == WhatIfRun.Status.DONE and run.result["status"] == "yes"
    assert run.created_by == world.users["director"] and run.finished_at is not None
    assert not ID.search(str(run.result))  # the stored answer holds names, not ids
    # nothing but the run is written: no child, no waitlist change, no audit entry
    assert list(Child.objects.values()) == children
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistEntry.Status.WAITING
    assert LogEntry.objects.count() == logged
    # the run is listed on the what-if page, to come back to
    html = client.get(url("whatif", world.program)).content.decode()
    assert url("whatif_run", world.program, run_id=run.pk) in html and "Yes" in html


def test_enrolling_into_a_full_program_no_with_the_smallest_fix(world: World) -> None:
    program, _ruth = tiny(world)
    entry = waiting(program, desired_schedule=FULL_DAY, birth_date=months_ago(program.today(), 20))
    client = world.client("org_admin")
    response = client.post(
        url("whatif_enroll", program),
        {"entry": entry.pk, "start": entry.desired_start.isoformat(), "schedule": "mon-fri 08:00-16:30"},
    )  # fmt: skip
    page = answer_page(client, response)
    assert "No: Noor Haddad cannot start on" in page
    assert "The smallest fix found" in page
    assert re.search(r"Needs [\d.]+ more caregiver hours a week: Monday, Tuesday, Wednesday", page)
    assert not ID.search(page), ID.search(page)
    run = WhatIfRun.objects.get()
    assert run.result["status"] == "no" and run.result["fix"]["shortfalls"]


def test_a_caregiver_leaving_a_tiny_program_no_with_a_fix(world: World) -> None:
    program, ruth = tiny(world)
    start = program.today() + timedelta(days=10)
    client = world.client("org_admin")
    response = client.post(
        url("whatif_staffing", program),
        {"caregiver": ruth.pk, "change": "leaves", "start": start.isoformat(), "shifts": ""},
    )
    page = answer_page(client, response)
    assert "What if Ruth Bell leaves on" in page
    assert "No: no plan meets every rule when Ruth Bell leaves on" in page
    assert "The smallest fix found" in page and "more caregiver hours a week" in page
    assert Caregiver.objects.get(pk=ruth.pk).end_date is None  # nothing changed


def test_a_caregiver_going_part_time_names_the_children_affected(world: World) -> None:
    ready(world)
    start = world.program.today() + timedelta(days=10)
    client = world.client("director")
    response = client.post(
        url("whatif_staffing", world.program),
        {"caregiver": world.caregiver.pk, "change": "part-time", "start": start.isoformat(),
         "shifts": "mon-wed 08:00-12:00"},
    )  # fmt: skip
    page = answer_page(client, response)
    assert "What if Maria Garcia goes part-time from" in page
    run = WhatIfRun.objects.get()
    assert run.result["change"] == "part-time"
    if run.result["status"] == "yes":
        assert "Children affected" in page
        # Ana's primary caregiver would no longer be there most of her hours
        for change in run.result["affected"]:
            assert change["child"] in page
    assert not ID.search(page), ID.search(page)


def test_ranking_the_waiting_list_runs_as_a_job_and_shows_every_child(world: World) -> None:
    ready(world)
    fits = waiting(world.program)
    today = world.program.today()
    unborn = waiting(
        world.program,
        child_first_name="Zed",
        birth_date=today + timedelta(days=60),
        desired_start=today + timedelta(days=20),
    )
    client = world.client("director")
    page = client.get(url("whatif_ranking", world.program)).content.decode()
    assert "2 children are on the waiting list." in page
    assert "has not been ranked yet" in page
    response = client.post(url("whatif_rank", world.program))
    assert response.status_code == 302 and response["Location"] == url(
        "whatif_ranking", world.program
    )
    run = WhatIfRun.objects.get()
    assert run.kind == WhatIfRun.Kind.RANKING and run.status == WhatIfRun.Status.DONE
    assert [a["entry"] for a in run.result["answers"]] == [fits.pk, unborn.pk]
    page = visible_text(client.get(url("whatif_ranking", world.program)).content.decode())
    assert page.index("Noor Haddad") < page.index("Zed Haddad")
    assert "Can start" in page and "Cannot start" in page
    assert "The whole answer for Zed Haddad" in page
    assert f"from {date_format(fits.desired_start, 'DATE_FORMAT')}:" in page
    assert "not born yet" in page
    assert not ID.search(page), ID.search(page)


def test_ranking_an_empty_waiting_list_asks_nothing(world: World) -> None:
    response = world.client("director").post(url("whatif_rank", world.program), follow=True)
    assert "Nobody is on the waiting list" in response.content.decode()
    assert not WhatIfRun.objects.exists()


def test_the_run_page_shows_progress_polls_and_then_the_answer(world: World) -> None:
    ready(world)
    entry = waiting(world.program)
    run = WhatIfRun.objects.create(
        program=world.program,
        kind=WhatIfRun.Kind.ENROLL,
        parameters={"entry": entry.pk, "entry_name": str(entry),
                    "start": entry.desired_start.isoformat(), "schedule": entry.desired_schedule},
        progress="Planning with and without Noor Haddad…",
        created_by=world.users["director"],
    )  # fmt: skip
    client = world.client("director")
    run_url = url("whatif_run", world.program, run_id=run.pk)
    html = client.get(run_url).content.decode()
    assert 'hx-trigger="every 1s"' in html and "Planning with and without Noor Haddad" in html
    assert "Refresh" in html and "http-equiv" not in html
    assert "You can leave this page" in html
    partial = client.get(run_url, HTTP_HX_TARGET="whatif-answer", **HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="whatif-answer"') and "<html" not in partial
    whatif.answer(run_id=run.pk)
    partial = client.get(run_url, HTTP_HX_TARGET="whatif-answer", **HTMX).content.decode()
    assert "hx-trigger" not in partial  # answered: polling stops
    assert "Yes: Noor Haddad can start on" in visible_text(partial)
    whatif.answer(run_id=run.pk)  # a second call does not answer again
    assert WhatIfRun.objects.get(pk=run.pk).status == WhatIfRun.Status.DONE


def _watch_fix_search(monkeypatch: pytest.MonkeyPatch, run_id: int | None = None) -> list[Any]:
    """planner.whatif.find_fix, recording the run as the page would read it when each fix
    search starts (the newest run, or `run_id`)."""
    seen: list[Any] = []
    find_fix = engine.find_fix

    def watched(*args: Any, **kwargs: Any) -> Any:
        run = WhatIfRun.objects.get(pk=run_id) if run_id else WhatIfRun.objects.first()
        assert run is not None
        seen.append((run.status, run.progress, run.result))
        return find_fix(*args, **kwargs)

    monkeypatch.setattr(engine, "find_fix", watched)
    return seen


def test_a_no_is_stored_and_shown_before_its_fix_is_looked_for(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    program, _ruth = tiny(world)
    entry = waiting(program, desired_schedule=FULL_DAY, birth_date=months_ago(program.today(), 20))
    seen = _watch_fix_search(monkeypatch)
    client = world.client("org_admin")
    response = client.post(
        url("whatif_enroll", program),
        {"entry": entry.pk, "start": entry.desired_start.isoformat(), "schedule": "mon-fri 08:00-16:30"},
    )  # fmt: skip
    # when the fix search started, the run already held the answer, still running
    ((status, progress, result),) = seen
    assert status == WhatIfRun.Status.RUNNING
    assert progress == "Looking for the smallest fix…"
    assert result["status"] == "no" and result["reasons"]
    assert result["fix"] is None and result["fix_pending"] is True
    run = WhatIfRun.objects.get()
    assert run.status == WhatIfRun.Status.DONE
    assert run.result["fix_pending"] is False and run.result["fix"]["shortfalls"]
    # the fix is timed (it can take under 5 ms since the staffing bound is exact)
    assert run.result["seconds"] < 3 and run.result["fix_seconds"] >= 0
    page = answer_page(client, response)
    assert "The smallest fix found" in page and "Still looking" not in page
    assert re.search(r"Answered in [\d.]+ s\. The smallest fix took [\d.]+ s more\.", page)
    # the run's page as it was while the fix was looked for: the answer, and polling on
    WhatIfRun.objects.filter(pk=run.pk).update(
        status=WhatIfRun.Status.RUNNING, result=result, progress=progress, finished_at=None
    )
    Job.objects.filter(pk=run.job_id).update(status=Job.Status.RUNNING, finished_at=None)
    run_url = url("whatif_run", program, run_id=run.pk)
    partial = client.get(run_url, HTTP_HX_TARGET="whatif-answer", **HTMX).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    text = visible_text(partial)
    assert "No: Noor Haddad cannot start on" in text
    assert "The smallest fix Still looking for it: it is added here when found." in text
    assert "Looking for the smallest fix…" in text and "You can leave this page" in text
    assert "The smallest fix found" not in text
    assert not ID.search(text), ID.search(text)
    # cancelled during the fix search: the answer stays, the fix is said to be missing
    Job.objects.filter(pk=run.job_id).update(status=Job.Status.CANCELLED)
    body = client.get(run_url).content.decode()
    text = visible_text(body)
    assert "hx-trigger" not in body
    assert "No: Noor Haddad cannot start on" in text
    assert "stopped before the smallest fix was found" in text
    assert "The search for it stopped before it was found." in text


def test_a_caregiver_leaving_is_answered_before_its_fix(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    program, ruth = tiny(world)
    start = program.today() + timedelta(days=10)
    seen: list[dict[str, Any]] = []
    result = whatif.staffing(program, ruth, start=start, shifts=None, answered=seen.append)
    ((first,),) = [seen]
    assert first["status"] == "no" and first["fix_pending"] and first["fix"] is None
    assert result["status"] == "no" and not result["fix_pending"]
    assert result["fix"]["staff_minutes"] > 0
    assert {k: v for k, v in first.items() if "fix" not in k and k != "seconds"} == {
        k: v for k, v in result.items() if "fix" not in k and k != "seconds"
    }
    # a fix search that fails leaves the answer, saying so
    monkeypatch.setattr(engine, "find_fix", lambda *a, **k: 1 / 0)
    failed = whatif.staffing(program, ruth, start=start, shifts=None)
    assert failed["status"] == "no" and failed["fix"] is None and failed["fix_failed"]
    assert not failed["fix_pending"]
    said = whatif.say_staffing(failed)
    assert said.fix_failed and not said.fix_pending


def test_the_ranking_answers_every_child_first_then_the_fixes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    program, _ruth = tiny(world)
    today = program.today()
    full = waiting(program, desired_schedule=FULL_DAY, birth_date=months_ago(today, 20))
    unborn = waiting(
        program,
        child_first_name="Zed",
        birth_date=today + timedelta(days=60),
        desired_start=today + timedelta(days=20),
    )
    seen = _watch_fix_search(monkeypatch)
    client = world.client("org_admin")
    assert client.post(url("whatif_rank", program)).status_code == 302
    ((status, progress, result),) = seen
    assert status == WhatIfRun.Status.RUNNING
    assert progress == "Looking for the smallest fix: 1 of 1 children who cannot start"
    assert result["fixes_pending"] is True
    assert [a["entry"] for a in result["answers"]] == [full.pk, unborn.pk]
    assert result["answers"][0]["fix_pending"] and not result["answers"][1]["fix_pending"]
    run = WhatIfRun.objects.get()
    assert run.status == WhatIfRun.Status.DONE and run.result["fixes_pending"] is False
    assert run.result["answers"][0]["fix"]["shortfalls"]
    # the ranking page while the fixes were looked for: every child, and polling on
    WhatIfRun.objects.filter(pk=run.pk).update(
        status=WhatIfRun.Status.RUNNING, result=result, progress=progress, finished_at=None
    )
    Job.objects.filter(pk=run.job_id).update(status=Job.Status.RUNNING, finished_at=None)
    html = client.get(url("whatif_ranking", program)).content.decode()
    assert 'hx-trigger="every 1s"' in html
    text = visible_text(html)
    assert text.index("Noor Haddad") < text.index("Zed Haddad")
    assert "Cannot start" in text and "Still looking for it" in text
    assert "Looking for the smallest fix: 1 of 1 children who cannot start" in text
    # polling keeps an answer whose fix is pending as it is in the page (opened or not)
    assert f'id="whatif-ranked-{full.pk}-pending" hx-preserve="true"' in html
    assert f'id="whatif-ranked-{unborn.pk}"' in html
    WhatIfRun.objects.filter(pk=run.pk).update(status=WhatIfRun.Status.DONE, result=run.result)
    html = client.get(url("whatif_ranking", program)).content.decode()
    assert "hx-preserve" not in html and f'id="whatif-ranked-{full.pk}"' in html


def test_a_run_whose_job_gave_up_is_shown_as_interrupted(world: World) -> None:
    job = Job.objects.create(
        kind="whatif", title="t", program=world.program, task_path="x", status=Job.Status.FAILED
    )
    run = WhatIfRun.objects.create(
        program=world.program, kind=WhatIfRun.Kind.RANKING, status=WhatIfRun.Status.RUNNING,
        job=job,
    )  # fmt: skip
    html = world.client("director").get(url("whatif_run", world.program, run_id=run.pk))
    body = html.content.decode()
    assert "stopped before it was answered" in body and "hx-trigger" not in body


def test_a_run_that_cannot_be_answered_says_why(world: World) -> None:
    ready(world)
    entry = waiting(world.program)
    run = whatif.ask(
        actor=world.users["director"],
        program=world.program,
        kind=WhatIfRun.Kind.ENROLL,
        parameters={"entry": entry.pk, "entry_name": str(entry),
                    "start": entry.desired_start.isoformat(), "schedule": entry.desired_schedule},
    )  # fmt: skip
    assert run.status == WhatIfRun.Status.DONE
    entry.delete()  # gone before a second question about it is answered
    run = whatif.ask(
        actor=world.users["director"],
        program=world.program,
        kind=WhatIfRun.Kind.ENROLL,
        parameters={**run.parameters},
    )
    assert run.status == WhatIfRun.Status.FAILED
    page = world.client("director").get(url("whatif_run", world.program, run_id=run.pk))
    assert "no longer in the records" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_answers_and_the_request_does_not_wait(task_worker: Any) -> None:
    from tests.conftest import build_world

    world = build_world()
    ready(world)
    entry = waiting(world.program)
    client = world.client("director")
    started = time.monotonic()
    response = client.post(
        url("whatif_enroll", world.program),
        {"entry": entry.pk, "start": entry.desired_start.isoformat(), "schedule": "mon-fri 09:00-15:00"},
    )  # fmt: skip
    assert response.status_code == 302
    run = WhatIfRun.objects.get()
    assert not run.finished  # the request only queued it
    task_worker()
    while not run.finished and time.monotonic() - started < 60:
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == WhatIfRun.Status.DONE, (run.status, run.error)
    assert "Yes: Noor Haddad can start on" in answer_page(client, response)
    connections.close_all()


# -- bad input: clear messages, nothing saved ----------------------------------------------------


def _enroll_post(world: World, asked: WaitlistEntry, **changes: Any) -> dict[str, Any]:
    data = {
        "entry": asked.pk,
        "start": asked.desired_start.isoformat(),
        "schedule": "mon-fri 09:00-15:00",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"entry": "999999"}, "That child is not on this program&#x27;s waiting list"),
        ({"entry": ""}, "Choose a child on the waiting list."),
        ({"start": "yesterday"}, "Choose a day from today"),
        ({"start": ""}, "This field is required."),
        ({"schedule": "mon-fri 06:00-15:00"}, "is outside the program&#x27;s hours 07:00-18:00"),
        ({"schedule": "mon 15:00-09:00"}, "the end 09:00 is not after the start 15:00"),
        ({"schedule": "sat 09:00-12:00"}, "the program is closed on"),
        ({"schedule": ""}, "Give the days and hours the child would attend"),
        ({"schedule": "every day"}, "is not a day"),
        ({"start": "far"}, "within the next two years"),
    ],
)
def test_bad_enroll_input_is_refused_and_nothing_is_saved(
    world: World, changes: dict[str, Any], message: str
) -> None:
    ready(world)
    entry = waiting(world.program)
    today = world.program.today()
    if changes.get("start") == "yesterday":
        changes["start"] = (today - timedelta(days=1)).isoformat()
    if changes.get("start") == "far":
        changes["start"] = (today + timedelta(days=800)).isoformat()
    response = world.client("director").post(
        url("whatif_enroll", world.program), _enroll_post(world, entry, **changes)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body, visible_text(body)
    assert "nothing was saved" in body
    assert not WhatIfRun.objects.exists()


def test_a_child_not_born_by_the_start_is_refused(world: World) -> None:
    ready(world)
    today = world.program.today()
    entry = waiting(
        world.program, birth_date=today + timedelta(days=40), desired_start=today + timedelta(100)
    )
    response = world.client("director").post(
        url("whatif_enroll", world.program),
        _enroll_post(world, entry, start=(today + timedelta(days=20)).isoformat()),
    )
    assert response.status_code == 400
    assert "Noor Haddad is not born yet on" in response.content.decode()
    assert not WhatIfRun.objects.exists()


def test_another_programs_waitlisted_child_is_unknown_here(world: World) -> None:
    ready(world)
    elsewhere = waiting(world.other_program)
    response = world.client("director").post(
        url("whatif_enroll", world.program), _enroll_post(world, elsewhere)
    )
    assert response.status_code == 400
    assert "not on this program&#x27;s waiting list" in response.content.decode()
    assert not WhatIfRun.objects.exists()


def test_records_that_cannot_be_planned_are_said_before_asking(world: World) -> None:
    ready(world)
    today = world.program.today()
    for child in Child.objects.filter(program=world.program):
        program_services.update_child(
            actor=None, child=child, data={"enrollment_end": today + timedelta(days=5)}
        )
    entry = waiting(world.program)
    response = world.client("director").post(
        url("whatif_enroll", world.program), _enroll_post(world, entry)
    )
    assert response.status_code == 400
    assert "No children are enrolled on" in response.content.decode()
    assert not WhatIfRun.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"change": "part-time", "shifts": ""}, "Give the new shifts of a caregiver going part-time"),
        ({"change": "part-time", "shifts": "mon-fri 06:00-12:00"}, "is outside the program&#x27;s hours"),
        ({"change": "part-time", "shifts": "mon 12:00-08:00"}, "is not after the start"),
        ({"start": "yesterday"}, "Choose a day from today"),
        ({"caregiver": "999999"}, "That caregiver does not work in this program"),
        ({"change": "retires"}, "Select a valid choice."),
        ({"start": "after-last-day"}, "does not work here on"),
    ],
)  # fmt: skip
def test_bad_staffing_input_is_refused_and_nothing_is_saved(
    world: World, changes: dict[str, Any], message: str
) -> None:
    ready(world)
    today = world.program.today()
    program_services.update_caregiver(
        actor=None, caregiver=world.colleague, data={"end_date": today + timedelta(days=20)}
    )
    data: dict[str, Any] = {
        "caregiver": world.colleague.pk,
        "change": "leaves",
        "start": (today + timedelta(days=5)).isoformat(),
        "shifts": "",
    }
    data.update(changes)
    if data["start"] == "yesterday":
        data["start"] = (today - timedelta(days=1)).isoformat()
    if data["start"] == "after-last-day":
        data["start"] = (today + timedelta(days=30)).isoformat()
    response = world.client("director").post(url("whatif_staffing", world.program), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body, visible_text(body)
    assert not WhatIfRun.objects.exists()


# -- in Spanish -----------------------------------------------------------------------------------


def test_the_answer_is_said_in_the_readers_language(world: World) -> None:
    program, ruth = tiny(world)
    start = program.today() + timedelta(days=10)
    admin = world.users["org_admin"]
    run = whatif.ask(
        actor=admin,
        program=program,
        kind=WhatIfRun.Kind.STAFFING,
        parameters={"caregiver": ruth.pk, "caregiver_name": str(ruth), "change": "leaves",
                    "start": start.isoformat(), "shifts": None},
    )  # fmt: skip
    try:
        with translation.override("es"):
            said = whatif.say_staffing(run.result)
            fix = " ".join(said.fix)
            question = whatif.question(run)
    finally:
        translation.deactivate()
    assert said.headline.startswith("No: ningún plan cumple todas las reglas si Ruth Bell se va")
    assert question.startswith("¿Y si Ruth Bell se va el")
    assert fix.startswith("Faltan 42,5 horas más de cuidador(a) por semana: lunes, martes")
    assert "viernes durante el día (08:00–16:30)" in fix


def test_a_new_user_without_a_role_cannot_ask(world: World) -> None:
    client = Client()
    client.force_login(make_user("stranger"))
    assert client.get(url("whatif", world.program)).status_code == 404


# -- the benchmark command ------------------------------------------------------------------------


def test_bench_whatif_runs_on_a_throwaway_demo_and_leaves_this_database_alone(
    world: World,
) -> None:
    # one program, one made-up child: the command sets up its own demo copy in a temporary
    # directory (a subprocess: migrate, load_demo) and times the what-ifs there
    programs, runs = Program.objects.count(), WhatIfRun.objects.count()
    entries = WaitlistEntry.objects.count()
    out = io.StringIO()
    call_command("bench_whatif", "--program", "Nguyen", "--limit", "1", stdout=out)
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0] == "| Program | Question | Answer | Seconds to answer | Seconds with fix |"
    rows = [line for line in lines[2:] if line.startswith("| Nguyen Family Child Care |")]
    assert len(rows) == 3, text
    assert "Can Made-up Infant start on" in rows[0] and "(made up: 10 months, mon-fri" in rows[0]
    assert "The waiting list ranked (1 child) †" in rows[1]
    assert "What if " in rows[2] and " leaves on " in rows[2]
    for row in rows:
        answered, total = (float(cell) for cell in row.strip("| ").split(" | ")[-2:])
        assert 0 <= answered <= total
    assert re.search(r"^answer ≤ 3 s: MET \(slowest: Nguyen Family Child Care, ", text, re.M)
    assert "Sunrise" not in text
    # nothing was written here
    assert (Program.objects.count(), WhatIfRun.objects.count()) == (programs, runs)
    assert WaitlistEntry.objects.count() == entries
