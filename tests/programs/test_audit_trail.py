"""Every full-record view and every export is recorded with the person, their address and
browser; directors and administrators read it on audit pages (issue #14, finding 7)."""

from __future__ import annotations

import csv
import io

from auditlog.models import LogEntry
from django.urls import reverse
from tests.conftest import World
from tests.test_stale_edits import form_data

from attune.care import services as care_services
from attune.programs.models import Child

ADDRESS = "203.0.113.5"
BROWSER = "Mozilla/5.0 AuditTest"
HEADERS = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": BROWSER}


def events(event: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__event=event).order_by("pk"))


def test_views_and_exports_of_personal_data_are_recorded(world: World) -> None:
    care_services.save_ifsp(
        actor=None, child=world.child, data={"outcomes": "Walks", "services": "PT weekly"}
    )
    client = world.client("director")
    for name in ("ifsp", "care_plan", "child_day", "day_summary"):
        assert (
            client.get(reverse(name, kwargs={"child_id": world.child.pk}), **HEADERS).status_code
            == 200
        )
    client.get(reverse("family_detail", kwargs={"family_id": world.family.pk}), **HEADERS)
    export = client.get(
        reverse("export_csv", kwargs={"program_id": world.program.pk, "kind": "children"}),
        **HEADERS,
    )
    assert export.status_code == 200
    viewed = events("viewed")
    assert [e.additional_data["what"] for e in viewed] == [
        "IFSP summary", "care plan", "the child's day", "day summary", "family and guardians",
    ]  # fmt: skip
    (exported,) = events("exported")
    assert exported.additional_data["what"] == "children.csv"
    for entry in [*viewed, exported]:
        assert entry.actor == world.users["director"]
        assert entry.remote_addr == ADDRESS
        assert entry.additional_data["user_agent"] == BROWSER


def test_live_refreshes_of_the_day_are_not_recorded(world: World) -> None:
    client = world.client("family")
    url = reverse("child_day", kwargs={"child_id": world.child.pk})
    client.get(url, HTTP_HX_REQUEST="true")
    assert events("viewed") == []


def test_a_change_through_a_page_keeps_the_address(world: World) -> None:
    client = world.client("director")
    url = reverse("child_edit", kwargs={"child_id": world.child.pk})
    posted = {**form_data(client.get(url).context["form"]), "allergies": "sesame"}
    assert client.post(url, posted, **HEADERS).status_code == 302
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.UPDATE, object_pk=str(world.child.pk)
    ).latest("pk")
    assert entry.changes["allergies"][1] == "sesame"
    assert entry.remote_addr == ADDRESS
    assert entry.additional_data["user_agent"] == BROWSER


def test_the_program_audit_page_filters_and_exports(world: World) -> None:
    director = world.client("director")
    director.get(reverse("ifsp", kwargs={"child_id": world.child.pk}), **HEADERS)
    director.get(
        reverse("export_csv", kwargs={"program_id": world.program.pk, "kind": "families"}),
        **HEADERS,
    )
    url = reverse("program_audit", kwargs={"program_id": world.program.pk})
    page = director.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Exported: families.csv" in body and "Opened: IFSP summary" in body
    only_exports = director.get(url, {"action": "exported"}).content.decode()
    assert "families.csv" in only_exports and "IFSP summary" not in only_exports
    # Another child of the program: its filter leaves out what was about the family persona's.
    other = director.get(url, {"child": world.group_child.pk}).content.decode()
    assert "IFSP summary" not in other
    mine = director.get(url, {"child": world.child.pk, "person": "director"}).content.decode()
    assert "IFSP summary" in mine
    # Another program's child is not a choice; absurd dates are refused with a message.
    assert director.get(url, {"child": world.other_program_child.pk}).status_code == 400
    assert director.get(url, {"since": "1990-01-01"}).status_code == 400
    assert director.get(url, {"since": "nonsense"}).status_code == 400
    download = director.get(url, {"format": "csv", "action": "opened"})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][0] == "When" and len(rows) == 2
    assert rows[1][2] == "Opened: IFSP summary" and rows[1][5] == ADDRESS
    assert events("exported")[-1].additional_data["what"] == "audit.csv"


def test_the_audit_pages_show_nothing_of_other_programs(world: World) -> None:
    world.client("other_director").get(
        reverse("export_csv", kwargs={"program_id": world.other_program.pk, "kind": "children"})
    )
    body = (
        world.client("director")
        .get(reverse("program_audit", kwargs={"program_id": world.program.pk}))
        .content.decode()
    )
    assert str(world.other_program_child) not in body
    assert "Cascade Center" not in body
    org = world.client("org_admin").get(
        reverse("organization_audit", kwargs={"organization_id": world.organization.pk})
    )
    assert org.status_code == 200
    assert str(world.other_program_child) not in org.content.decode()
    assert Child.objects.filter(pk=world.other_program_child.pk).exists()
