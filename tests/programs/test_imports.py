"""CSV import and export: all-or-nothing, every bad cell reported, encodings, audit, round trip."""

from __future__ import annotations

import csv
import io
from datetime import date, time
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.conftest import World

from attune.programs import imports, services
from attune.programs.models import (
    Caregiver,
    Child,
    EnrollmentEvent,
    Family,
    Guardian,
    ImportBatch,
    Jurisdiction,
    Program,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"

CHILD_HEADER = imports.header("children")


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def child_row(**values: str) -> list[str]:
    """A children.csv row: F-1 family, Robins room, full time; override by column name."""
    row = {
        "first_name": "Eva",
        "last_name": "Diaz",
        "birth_date": "2025-06-01",
        "family_code": "F-1",
        "enrollment_start": "2025-10-01",
        "room": "Robins",
        "schedule": "mon-fri 08:00-16:30",
        "home_languages": "es; en",
        "ifsp": "no",
    }
    row.update(values)
    return [row.get(name, "") for name in CHILD_HEADER]


def make_batch(world: World, kind: str, data: bytes, program: Program | None = None) -> ImportBatch:
    """What the upload view does: preview, then store the decoded text."""
    program = program or world.program
    report = imports.preview(program=program, kind=kind, data=data, filename=f"{kind}.csv")
    return ImportBatch.objects.create(
        program=program,
        kind=kind,
        filename=f"{kind}.csv",
        encoding=report.encoding,
        content=report.text,
        row_count=report.rows,
        error_count=report.error_rows,
        uploaded_by=world.users["director"],
    )


def errors_by_line(report: imports.ImportReport) -> dict[int, list[imports.RowError]]:
    out: dict[int, list[imports.RowError]] = {}
    for error in report.errors:
        out.setdefault(error.line, []).append(error)
    return out


def counts() -> tuple[int, int, int, int, int, int]:
    return (
        Child.objects.count(),
        Family.objects.count(),
        Guardian.objects.count(),
        Caregiver.objects.count(),
        EnrollmentEvent.objects.count(),
        LogEntry.objects.count(),
    )


# -- all or nothing ---------------------------------------------------------------------------


def test_one_bad_row_in_3000_imports_nothing(world: World) -> None:
    rows = [CHILD_HEADER] + [
        child_row(first_name=f"Kid{i:04d}", last_name="Test") for i in range(3000)
    ]
    rows[1499] = child_row(first_name="Bad", last_name="Date", birth_date="2024-02-30")
    batch = make_batch(world, "children", csv_bytes(rows))
    before = counts()

    report = imports.commit(actor=world.users["director"], batch=batch)

    assert counts() == before
    assert report.rows == 3000
    assert [(e.line, e.column) for e in report.errors] == [(1500, "birth_date")]
    assert "2024-02-30" in report.errors[0].reason
    assert "February 2024 has 29 days" in report.errors[0].reason
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_preview_writes_nothing(world: World) -> None:
    before = counts()
    report = imports.preview(
        program=world.program,
        kind="children",
        data=csv_bytes([CHILD_HEADER, child_row()]),
        filename="children.csv",
    )
    assert report.ok and report.rows == 1 and report.creates["children"] == 1
    assert report.preview[0]["first_name"] == "Eva"
    assert report.preview[0]["family_code"] == "F-1 (Lopez)"
    assert counts() == before


# -- every kind of error, with line, column and reason --------------------------------------


def test_every_error_kind_is_reported_with_line_column_and_reason(world: World) -> None:
    rows = [
        CHILD_HEADER,
        child_row(first_name="A", birth_date="2024-13-01"),  # 2 bad date
        child_row(first_name="B", home_languages="es; klingonish"),  # 3 unknown language
        child_row(first_name="C", schedule="mon-fri 16:30-08:00"),  # 4 end before start
        child_row(first_name="Ana", last_name="Lopez", birth_date="2025-03-14"),  # 5 dup in db
        child_row(first_name="Dee", last_name="Twin"),  # 6
        child_row(first_name="dee", last_name="TWIN"),  # 7 duplicate of line 6
        child_row(first_name="E", room="Bluebirds"),  # 8 unknown room
        child_row(first_name="F", family_code="F-0099"),  # 9 unknown family
        child_row(first_name="G", birth_date="", enrollment_start="2020-01-01"),  # 10 blank
        child_row(first_name="H", birth_date="2099-01-01"),  # 11 future birth
        child_row(first_name="I", enrollment_end="2025-09-01"),  # 12 end before start
        child_row(first_name="J", schedule="sat 09:00-12:00"),  # 13 program closed
        child_row(first_name="K", ifsp="maybe", ifsp_coordinator_email="nope@"),  # 14
        child_row(first_name="L", birth_date="1990-01-01"),  # 15 outside the program's ages
    ]
    batch = make_batch(world, "children", csv_bytes(rows))
    assert batch.error_count == 13  # lines 2-15 except line 6
    report = imports.commit(actor=world.users["director"], batch=batch)
    by_line = errors_by_line(report)

    def one(line: int) -> imports.RowError:
        assert len(by_line[line]) == 1, by_line[line]
        return by_line[line][0]

    assert one(2).column == "birth_date" and "no month 13" in one(2).reason
    assert one(3).column == "home_languages" and "klingonish" in one(3).reason
    assert one(4).column == "schedule" and "is not after the start" in one(4).reason
    assert one(5).column == "first_name, last_name, birth_date"
    assert "already in this program" in one(5).reason
    assert 6 not in by_line
    assert "also on line 6" in one(7).reason
    assert one(8).column == "room"
    assert one(8).reason == ("unknown room “Bluebirds”; this program's rooms are: Finches, Robins")
    assert one(9).column == "family_code" and "F-0099" in one(9).reason
    assert one(10).column == "birth_date" and "required" in one(10).reason
    assert one(11).column == "birth_date" and "future" in one(11).reason
    assert one(12).column == "enrollment_end" and "before it starts" in one(12).reason
    assert one(13).column == "schedule" and "closed" in one(13).reason
    # every bad cell of a row, not just the first
    assert {e.column for e in by_line[14]} == {"ifsp", "ifsp_coordinator_email"}
    # issue 19: refused at entry, not by the planner later
    assert one(15).column == "birth_date"
    assert "outside the ages this program enrolls" in one(15).reason
    assert not Child.objects.filter(first_name="Dee").exists()


def test_header_problems_name_the_columns(world: World) -> None:
    header = [c for c in CHILD_HEADER if c != "birth_date"] + ["Shoe size"]
    report = imports.preview(
        program=world.program, kind="children", data=csv_bytes([header]), filename="x.csv"
    )
    assert {(e.line, e.column) for e in report.errors} == {(1, "Shoe size"), (1, "birth_date")}
    unknown = next(e for e in report.errors if e.column == "Shoe size")
    assert "unknown column" in unknown.reason and "first_name, last_name" in unknown.reason
    missing = next(e for e in report.errors if e.column == "birth_date")
    assert "missing" in missing.reason


def test_wrong_kind_gets_a_hint(world: World) -> None:
    report = imports.preview(
        program=world.program,
        kind="caregivers",
        data=csv_bytes([CHILD_HEADER, child_row()]),
        filename="children.csv",
    )
    assert any("Children" in e.reason and e.column == "" for e in report.errors)


def test_header_case_spaces_semicolons_and_quoted_newlines(world: World) -> None:
    header = [f"  {name.upper().replace('_', ' ')} " for name in CHILD_HEADER]
    notes = CHILD_HEADER.index("medical_notes")
    first = child_row(first_name="Multi")
    first[notes] = "line one;\nline two\nline three"
    rows = [header, first, child_row(first_name="Bad", birth_date="31/12/2024")]
    report = imports.preview(
        program=world.program,
        kind="children",
        data=csv_bytes(rows, delimiter=";"),
        filename="x.csv",
    )
    # the first record spans lines 2-4, so the second starts on line 5
    assert [(e.line, e.column) for e in report.errors] == [(5, "birth_date")]


def test_us_dates_and_language_names_are_accepted(world: World) -> None:
    row = child_row(birth_date="06/01/2025", enrollment_start="10/1/2025", home_languages="Spanish")
    batch = make_batch(world, "children", csv_bytes([CHILD_HEADER, row]))
    report = imports.commit(actor=world.users["director"], batch=batch)
    assert report.ok
    child = Child.objects.get(first_name="Eva")
    assert child.birth_date == date(2025, 6, 1) and child.enrollment_start == date(2025, 10, 1)
    assert child.home_languages == ["es"]


# -- decoding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "expected", "extra"),
    [
        ("utf-8", "utf-8", "Kiwi – mild"),
        ("utf-8-sig", "utf-8-sig", "Kiwi – mild"),
        ("latin-1", "latin-1", "Kiwi, mild"),
        ("cp1252", "cp1252", "Kiwi – mild"),
    ],
)
def test_encodings_keep_accented_names(world: World, codec: str, expected: str, extra: str) -> None:
    row = child_row(first_name="José", last_name="Muñoz", allergies=extra, cultural_practices="Año")
    data = csv_bytes([CHILD_HEADER, row], encoding=codec)
    batch = make_batch(world, "children", data)
    assert batch.encoding == expected
    report = imports.commit(actor=world.users["director"], batch=batch)
    assert report.ok, report.errors
    child = Child.objects.get(last_name="Muñoz")
    assert (child.first_name, child.allergies, child.cultural_practices) == ("José", extra, "Año")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\r\n", "empty"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
        ("a,b\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_unreadable_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(imports.ImportFileError, match=message):
        imports.decode(data)


def test_too_big_file_is_refused(settings: object) -> None:
    settings.ATTUNE_IMPORT_MAX_BYTES = 10  # type: ignore[attr-defined]
    with pytest.raises(imports.ImportFileError, match="most we accept"):
        imports.decode(b"first_name,last_name\n")


def test_header_only_file_is_an_error(world: World) -> None:
    report = imports.preview(
        program=world.program, kind="children", data=csv_bytes([CHILD_HEADER]), filename="x"
    )
    assert report.errors and "no data rows" in report.errors[0].reason


# -- a successful import --------------------------------------------------------------------


def test_import_creates_children_events_and_audit_entries(world: World) -> None:
    director = world.users["director"]
    rows = [
        CHILD_HEADER,
        child_row(first_name="Eva"),
        child_row(first_name="Luz", room="", family_code="f-2", schedule=""),
        child_row(first_name="Noa", room="finches", enrollment_end="2026-06-30", ifsp="yes"),
    ]
    batch = make_batch(world, "children", csv_bytes(rows))
    before_logs = LogEntry.objects.count()

    report = imports.commit(actor=director, batch=batch)

    assert report.ok and report.creates == {"children": 3, "enrollment_events": 3}
    created = list(
        Child.objects.filter(first_name__in=["Eva", "Luz", "Noa"]).order_by("first_name")
    )
    assert [c.first_name for c in created] == ["Eva", "Luz", "Noa"]
    eva, luz, noa = created
    assert eva.room == world.room and eva.family == world.family
    assert eva.schedule == {d: [["08:00", "16:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    assert eva.home_languages == ["es", "en"]
    assert luz.room is None and luz.family == world.other_family and luz.schedule == {}
    assert noa.room == world.other_room and noa.has_ifsp and noa.enrollment_end == date(2026, 6, 30)
    for child in created:
        events = list(child.enrollment_events.all())
        assert [(e.kind, e.effective, e.recorded_by) for e in events] == [
            ("enrolled", child.enrollment_start, director)
        ]
    assert luz.enrollment_events.get().detail == "no room yet"
    assert eva.enrollment_events.get().detail == "Robins"

    logs = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Child),
        object_id__in=[c.pk for c in created],
        action=LogEntry.Action.CREATE,
    )
    assert logs.count() == 3 and {log.actor for log in logs} == {director}
    assert LogEntry.objects.count() == before_logs + 3
    eva_log = logs.get(object_id=eva.pk)
    assert eva_log.changes["first_name"] == [None, "Eva"]
    assert eva_log.changes["room"] == [None, "Robins"]

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert batch.content == "" and batch.imported_at is not None

    with pytest.raises(imports.ImportRefused, match="already imported"):
        imports.commit(actor=director, batch=batch)
    assert Child.objects.filter(first_name="Eva").count() == 1


def test_discarded_batch_cannot_be_imported(world: World) -> None:
    batch = make_batch(world, "children", csv_bytes([CHILD_HEADER, child_row()]))
    assert imports.discard(batch=batch)
    assert batch.status == ImportBatch.Status.DISCARDED and batch.content == ""
    with pytest.raises(imports.ImportRefused, match="discarded"):
        imports.commit(actor=None, batch=batch)
    assert not imports.discard(batch=batch)


# -- families --------------------------------------------------------------------------------

FAMILY_HEADER = imports.header("families")


def family_row(**values: str) -> list[str]:
    return [values.get(name, "") for name in FAMILY_HEADER]


def test_families_import_groups_guardians_by_code(world: World) -> None:
    director = world.users["director"]
    rows = [
        FAMILY_HEADER,
        family_row(family_code="F-10", family_name="Okafor", preferred_language="Igbo",
                   address="1 Elm St", guardian_first_name="Ada", guardian_last_name="Okafor",
                   relationship="Mother", phone="555-0110", primary_contact="yes"),
        family_row(family_code="F-10", guardian_first_name="Chidi", guardian_last_name="Okafor",
                   relationship="father", email="chidi@example.org", primary_contact="no"),
        family_row(family_code="F-11", family_name="Park", guardian_first_name="Min",
                   guardian_last_name="Park", relationship="Foster parent", phone="555-0111"),
    ]  # fmt: skip
    batch = make_batch(world, "families", csv_bytes(rows))
    before_logs = LogEntry.objects.count()
    report = imports.commit(actor=director, batch=batch)
    assert report.ok, report.errors
    assert report.creates == {"families": 2, "guardians": 3}

    okafor = Family.objects.get(organization=world.organization, code="F-10")
    assert (okafor.name, okafor.preferred_language, okafor.address) == ("Okafor", "ig", "1 Elm St")
    guardians = list(okafor.guardians.order_by("first_name"))
    assert [(g.first_name, g.relationship, g.is_primary_contact) for g in guardians] == [
        ("Ada", "mother", True),
        ("Chidi", "father", False),
    ]
    park = Family.objects.get(organization=world.organization, code="F-11")
    assert park.preferred_language == "en"
    assert park.guardians.get().relationship == "foster_parent"
    assert LogEntry.objects.count() == before_logs + 7  # 2 families, 2 shares, 3 guardians
    assert (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Guardian), actor=director
        ).count()
        == 3
    )


def test_families_conflicts_and_existing_codes_are_reported(world: World) -> None:
    rows = [
        FAMILY_HEADER,
        family_row(family_code="F-20", family_name="Reyes", preferred_language="es",
                   guardian_first_name="Ana", guardian_last_name="Reyes", relationship="mother",
                   phone="1", primary_contact="yes"),  # 2
        family_row(family_code="F-20", family_name="Reyes-Lopez", preferred_language="pt",
                   guardian_first_name="Luis", guardian_last_name="Reyes", relationship="uncle",
                   phone="2", primary_contact="yes"),  # 3
        family_row(family_code="f-1", family_name="Lopez", guardian_first_name="X",
                   guardian_last_name="Y", relationship="parent", phone="3"),  # 4 exists
        family_row(family_code="F-21", family_name="Kim", guardian_first_name="Jo",
                   guardian_last_name="Kim", relationship="parent"),  # 5 no phone or email
        family_row(family_code="F-22", family_name="Solo"),  # 6 no guardian at all
        family_row(family_code="F-20", guardian_first_name="ana", guardian_last_name="REYES",
                   relationship="mother", phone="4"),  # 7 same guardian twice
    ]  # fmt: skip
    batch = make_batch(world, "families", csv_bytes(rows))
    before = counts()
    report = imports.commit(actor=None, batch=batch)
    assert counts() == before
    found = {(e.line, e.column) for e in report.errors}
    assert found == {
        (3, "family_name"),
        (3, "preferred_language"),
        (3, "relationship"),
        (3, "primary_contact"),
        (4, "family_code"),
        (5, "phone"),
        (6, "guardian_first_name"),
        (7, "guardian_first_name, guardian_last_name"),
    }
    reasons = {(e.line, e.column): e.reason for e in report.errors}
    assert "line 2" in reasons[(3, "family_name")] and "Reyes" in reasons[(3, "family_name")]
    assert reasons[(4, "family_code")].startswith("family code f-1 already exists")
    assert "line 2" in reasons[(3, "primary_contact")]


# -- caregivers ------------------------------------------------------------------------------

CAREGIVER_HEADER = imports.header("caregivers")


def caregiver_row(**values: str) -> list[str]:
    row = {"first_name": "Rosa", "last_name": "Diaz", "languages": "es", "hire_date": "2024-08-01"}
    row.update(values)
    return [row.get(name, "") for name in CAREGIVER_HEADER]


def test_caregivers_import(world: World) -> None:
    rows = [
        CAREGIVER_HEADER,
        caregiver_row(email="rosa@example.org", role="Assistant caregiver", room="robins",
                      languages="es, English", shifts="mon-fri 07:00-15:30",
                      credentials="cda; PITC certified", ifsp_trained="yes", max_primary="3"),
        caregiver_row(first_name="Sam", role="", room="", max_primary=""),
    ]  # fmt: skip
    batch = make_batch(world, "caregivers", csv_bytes(rows))
    report = imports.commit(actor=world.users["director"], batch=batch)
    assert report.ok, report.errors
    rosa = Caregiver.objects.get(first_name="Rosa", program=world.program)
    assert (rosa.role, rosa.room, rosa.languages) == ("assistant", world.room, ["es", "en"])
    assert rosa.credentials == ["cda", "pitc"] and rosa.ifsp_trained and rosa.max_primary == 3
    assert rosa.shifts["mon"] == [["07:00", "15:30"]]
    sam = Caregiver.objects.get(first_name="Sam")
    assert (sam.role, sam.room, sam.max_primary, sam.ifsp_trained) == ("lead", None, 4, False)
    assert (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Caregiver),
            object_id__in=[rosa.pk, sam.pk],
            action=LogEntry.Action.CREATE,
        ).count()
        == 2
    )


def test_caregivers_validation(world: World) -> None:
    rows = [
        CAREGIVER_HEADER,
        caregiver_row(role="cook", credentials="cda; phd", max_primary="13"),  # 2
        caregiver_row(first_name="Maria", last_name="Garcia"),  # 3 duplicate of world's
        caregiver_row(first_name="T", languages="", hire_date="2024-08-01",
                      end_date="2024-07-01"),  # 4
        caregiver_row(first_name="U", email="u@example.org"),  # 5
        caregiver_row(first_name="u", email="U@example.org", room="Bluebirds"),  # 6
    ]  # fmt: skip
    batch = make_batch(world, "caregivers", csv_bytes(rows))
    before = counts()
    report = imports.commit(actor=None, batch=batch)
    assert counts() == before
    found = {(e.line, e.column) for e in report.errors}
    assert found == {
        (2, "role"),
        (2, "credentials"),
        (2, "max_primary"),
        (3, "first_name, last_name, email"),
        (4, "languages"),
        (4, "end_date"),
        (6, "first_name, last_name, email"),
        (6, "room"),
    }
    reasons = {(e.line, e.column): e.reason for e in report.errors}
    assert "phd" in reasons[(2, "credentials")]
    assert "also on line 5" in reasons[(6, "first_name, last_name, email")]


# -- export -> import round trip -------------------------------------------------------------


def test_export_import_round_trip_into_another_organization(world: World) -> None:
    director = world.users["director"]
    world.caregiver.phone = "+1 503 555 0100"  # a spreadsheet would read it as a formula
    world.caregiver.save()
    services.update_child(
        actor=None,
        child=world.group_child,
        data={
            "cultural_practices": 'Says "bendición";\nnaps with a rebozo',
            "enrollment_end": date(2026, 8, 31),
        },
    )
    org = services.create_organization(actor=None, name="Elsewhere Kids")
    target = services.create_program(
        actor=None,
        organization=org,
        jurisdiction=Jurisdiction.objects.get(code="WA"),
        data={"name": "Elsewhere", "opens_at": time(7, 0), "closes_at": time(18, 0)},
    )
    for name in ("Robins", "Finches"):
        services.create_room(actor=None, program=target, name=name, capacity=8)

    for kind in ("families", "children", "caregivers"):
        text = imports.export_csv(program=world.program, kind=kind)
        data = ("\ufeff" + text).encode("utf-8")  # as the download view sends it
        batch = make_batch(world, kind, data, program=target)
        assert batch.encoding == "utf-8-sig"
        report = imports.commit(actor=director, batch=batch)
        assert report.ok, (kind, report.errors)

    def families(program: Program) -> set[tuple[object, ...]]:
        return {
            (f.code, f.name, f.preferred_language, f.address, g.first_name, g.last_name,
             g.relationship, g.phone, g.email, g.is_primary_contact)
            for f in Family.objects.filter(children__program=program).distinct()
            for g in f.guardians.all()
        }  # fmt: skip

    def children(program: Program) -> set[tuple[object, ...]]:
        return {
            (c.first_name, c.last_name, c.preferred_name, c.birth_date, c.family.code,
             c.enrollment_start, c.enrollment_end, c.room.name if c.room else None,
             str(c.schedule), tuple(c.home_languages), c.cultural_practices, c.has_ifsp,
             c.ifsp_coordinator_name, c.ifsp_coordinator_phone, c.ifsp_coordinator_email,
             c.allergies, c.medical_notes)
            for c in Child.objects.filter(program=program)
        }  # fmt: skip

    def caregivers(program: Program) -> set[tuple[object, ...]]:
        return {
            (c.first_name, c.last_name, c.email, c.phone, c.role,
             c.room.name if c.room else None, tuple(c.languages), str(c.shifts), c.hire_date,
             c.end_date, tuple(c.credentials), c.ifsp_trained, c.max_primary)
            for c in Caregiver.objects.filter(program=program)
        }  # fmt: skip

    assert len(children(target)) == 3 and len(caregivers(target)) == 3
    assert families(target) == families(world.program)
    assert children(target) == children(world.program)
    assert caregivers(target) == caregivers(world.program)
    # and the export of the copy is the export of the original
    for kind in ("families", "children", "caregivers"):
        assert imports.export_csv(program=target, kind=kind) == imports.export_csv(
            program=world.program, kind=kind
        )


def test_export_escapes_formulas(world: World) -> None:
    world.caregiver.phone = "+1 503 555 0100"
    world.caregiver.last_name = "=HYPERLINK(1)"
    world.caregiver.save()
    text = imports.export_csv(program=world.program, kind="caregivers")
    assert "'+1 503 555 0100" in text and "'=HYPERLINK(1)" in text


def test_example_files_match_the_docs_and_import_cleanly(world: World) -> None:
    org = services.create_organization(actor=None, name="Example Org")
    program = services.create_program(
        actor=None,
        organization=org,
        jurisdiction=Jurisdiction.objects.get(code="OR"),
        data={"name": "Example", "opens_at": time(7, 0), "closes_at": time(18, 0)},
    )
    for name in ("Robins", "Wrens"):
        services.create_room(actor=None, program=program, name=name, capacity=8)
    for kind in ("families", "children", "caregivers"):
        on_disk = (DOCS / "examples" / f"{kind}.csv").read_bytes()
        assert on_disk.decode("utf-8") == imports.example_csv(kind), kind
        batch = make_batch(world, kind, on_disk, program=program)
        report = imports.commit(actor=None, batch=batch)
        assert report.ok, (kind, report.errors)
    minh = Child.objects.get(program=program, first_name="Minh")
    assert minh.birth_date == date(2023, 11, 2)
    assert minh.medical_notes == "Inhaler in the cubby;\nuse before outdoor play"
    assert Family.objects.get(organization=org, code="F-0013").preferred_language == "vi"


# -- views -----------------------------------------------------------------------------------


def upload(client: Client, program: Program, kind: str, data: bytes, name: str = "x.csv") -> object:
    return client.post(
        reverse("import_upload", args=[program.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_upload_page_lists_columns_and_examples(world: World) -> None:
    client = world.client("director")
    response = client.get(reverse("import_upload", args=[world.program.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<code>ifsp_coordinator_email</code>" in body and "<code>primary_contact</code>" in body
    assert reverse("import_example", args=[world.program.pk, "children"]) in body
    assert 'role="status"' in body and 'for="id_file"' in body
    example = client.get(reverse("import_example", args=[world.program.pk, "caregivers"]))
    assert example.status_code == 200
    assert example.content.decode("utf-8-sig") == imports.example_csv("caregivers")
    assert client.get(reverse("import_example", args=[world.program.pk, "pets"])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty"),  # Django itself refuses an empty upload
        (b"\x00\x01\x02binary", "not a CSV text file"),
    ],
)
def test_upload_bad_file_is_400_and_stores_nothing(world: World, data: bytes, message: str) -> None:
    response = upload(world.client("director"), world.program, "children", data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert message in response.content.decode()  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists()


def test_upload_too_big_is_400_and_stores_nothing(world: World, settings: object) -> None:
    settings.ATTUNE_IMPORT_MAX_BYTES = 100  # type: ignore[attr-defined]
    data = csv_bytes([CHILD_HEADER, child_row()])
    response = upload(world.client("director"), world.program, "children", data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "the most we accept" in response.content.decode()  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists()


def test_upload_without_file_or_with_bad_kind_is_400(world: World) -> None:
    client = world.client("director")
    url = reverse("import_upload", args=[world.program.pk])
    assert client.post(url, {"kind": "children"}).status_code == 400
    response = upload(client, world.program, "pets", csv_bytes([CHILD_HEADER, child_row()]))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists()


def test_upload_preview_import_flow(world: World) -> None:
    client = world.client("director")
    data = csv_bytes([CHILD_HEADER, child_row(first_name="José"), child_row(first_name="Iris")])
    response = upload(client, world.program, "children", data, name="C:\\Users\\me\\kids.csv")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == reverse("import_preview", args=[batch.pk])  # type: ignore[index]
    assert batch.filename == "kids.csv" and batch.row_count == 2 and batch.error_count == 0
    assert batch.uploaded_by == world.users["director"]

    page = client.get(reverse("import_preview", args=[batch.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "José" in body and "UTF-8" in body and "Import 2 children" in body
    assert 'role="alert"' not in body

    done = client.post(
        reverse("import_preview", args=[batch.pk]), {"action": "import"}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("child_list", args=[world.program.pk])
    assert "Imported 2 children" in done.content.decode()
    assert Child.objects.filter(first_name__in=["José", "Iris"]).count() == 2

    again = client.post(
        reverse("import_preview", args=[batch.pk]), {"action": "import"}, follow=True
    )
    assert again.status_code == 200
    assert "already imported" in again.content.decode()
    assert Child.objects.filter(first_name="José").count() == 1


def test_preview_page_shows_errors_and_no_import_button(world: World) -> None:
    client = world.client("director")
    data = csv_bytes([CHILD_HEADER, child_row(), child_row(first_name="X", room="Bluebirds")])
    upload(client, world.program, "children", data)
    batch = ImportBatch.objects.get()
    assert batch.error_count == 1
    body = client.get(reverse("import_preview", args=[batch.pk])).content.decode()
    assert 'role="alert"' in body
    assert "nothing has been imported" in body
    assert "unknown room" in body and 'value="import"' not in body
    problems = client.get(reverse("import_preview", args=[batch.pk]), {"format": "csv"})
    assert problems["Content-Type"] == "text/csv; charset=utf-8"
    lines = problems.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "line,column,value,reason" and lines[1].startswith("3,room,Bluebirds,")
    # a forged import POST imports nothing
    client.post(reverse("import_preview", args=[batch.pk]), {"action": "import"})
    assert not Child.objects.filter(first_name="Eva").exists()


def test_discard_and_unknown_action(world: World) -> None:
    client = world.client("director")
    upload(client, world.program, "children", csv_bytes([CHILD_HEADER, child_row()]))
    batch = ImportBatch.objects.get()
    url = reverse("import_preview", args=[batch.pk])
    assert client.post(url, {"action": "explode"}).status_code == 400
    response = client.post(url, {"action": "discard"})
    assert response["Location"] == reverse("import_upload", args=[world.program.pk])
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED and batch.content == ""
    assert "discarded" in client.get(url).content.decode()
    assert not Child.objects.filter(first_name="Eva").exists()


def test_export_download(world: World) -> None:
    client = world.client("director")
    response = client.get(reverse("export_csv", args=[world.program.pk, "children"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = world.program.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="maple-street-children-{today}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == CHILD_HEADER and len(rows) == 4
    assert client.get(reverse("export_csv", args=[world.program.pk, "pets"])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("caregiver", 403), ("family", 403), ("other_director", 404), ("anonymous", 302)],
)
def test_import_and_export_are_for_managers_only(world: World, persona: str, status: int) -> None:
    batch = make_batch(world, "children", csv_bytes([CHILD_HEADER, child_row()]))
    client = world.client(persona)
    pk = world.program.pk
    urls = [
        reverse("import_upload", args=[pk]),
        reverse("import_example", args=[pk, "children"]),
        reverse("import_preview", args=[batch.pk]),
        reverse("export_csv", args=[pk, "children"]),
        reverse("export_csv", args=[pk, "families"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert response["Location"].startswith(reverse("accounts:login"))
    for action in ("import", "discard"):
        response = client.post(reverse("import_preview", args=[batch.pk]), {"action": action})
        assert response.status_code == status
    response = upload(client, world.program, "children", csv_bytes([CHILD_HEADER, child_row()]))
    assert response.status_code == status  # type: ignore[attr-defined]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert ImportBatch.objects.count() == 1
    assert not Child.objects.filter(first_name="Eva").exists()


def test_unknown_batch_is_404(world: World) -> None:
    assert world.client("director").get(reverse("import_preview", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_stale_previews_are_discarded_and_emptied(world: World) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    old = ImportBatch.objects.create(
        program=world.program, kind="children", filename="old.csv", encoding="utf-8",
        content="first_name\nAna\n",
    )  # fmt: skip
    fresh = ImportBatch.objects.create(
        program=world.program, kind="children", filename="new.csv", encoding="utf-8",
        content="first_name\nEva\n",
    )  # fmt: skip
    ImportBatch.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - timedelta(days=2))
    out = io.StringIO()
    call_command("discard_stale_imports", stdout=out)
    assert "Discarded 1" in out.getvalue()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.content) == ("discarded", "")
    assert fresh.status == "previewed"
    assert fresh.content
