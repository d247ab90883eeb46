"""Uploads are checked by what they are, capped in size and stored under random names
(issue 14, finding 8)."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from attune.lib import uploads
from attune.training.models import SessionMaterial
from tests.conftest import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def office(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}document.xml", "<doc/>")
    return out.getvalue()


def test_every_file_field_is_checked_and_named_at_random() -> None:
    fields = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert fields  # training materials, application documents
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                assert isinstance(field.upload_to, uploads.RandomName), field
                meta = model._meta
                if (meta.app_label, meta.model_name, field.name) in uploads.GENERATED:
                    continue
                assert any(isinstance(v, uploads.Accept) for v in field.validators), field
                names = {f.name for f in meta.fields}
                assert {"original_name", f"{field.name}_name"} & names, field


@pytest.mark.parametrize(
    ("use", "name", "data", "accepted"),
    [
        ("training_material", "deck.pdf", PDF, True),
        ("training_material", "deck.pptx", office("ppt/"), True),
        ("training_material", "sheet.xlsx", office("xl/"), True),
        ("training_material", "notes.txt", b"Plain notes\n", True),
        ("training_material", "photo.JPG", b"\xff\xd8\xff\xe0JFIF", True),
        ("training_material", "deck.pdf", b"<html><script>alert(1)</script>", False),
        ("training_material", "deck.pdf", PNG, False),
        ("training_material", "page.html", b"<html></html>", False),
        ("training_material", "tool.exe", b"MZ\x90\x00", False),
        ("training_material", "deck.pptx", office("word/"), False),
        ("training_material", "deck.docx", b"PK\x03\x04 not a zip", False),
        ("application_document", "cda.pdf", PDF, True),
        ("application_document", "scan.png", PNG, True),
        ("application_document", "sheet.xlsx", office("xl/"), False),
        ("application_document", "cda", PDF, False),
        ("csv_import", "children.csv", b"first_name,last_name\nAna,Lopez\n", True),
        ("csv_import", "children.csv", "a,b\n".encode("utf-16"), True),
        ("csv_import", "children.csv", PDF, False),
        ("csv_import", "children.xlsx", office("xl/"), False),
        ("registry_import", "people.csv", PNG, False),
    ],
)
def test_files_are_told_by_their_content(use: str, name: str, data: bytes, accepted: bool) -> None:
    validator = uploads.Accept(use)
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")  # the browser's claim
    if accepted:
        validator(upload)
    else:
        with pytest.raises(uploads.ValidationError):
            validator(upload)


def test_sizes_are_capped_per_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(uploads.USES, "application_document", uploads.Use(("pdf",), 1024))
    with pytest.raises(uploads.ValidationError, match="most accepted"):
        uploads.Accept("application_document")(SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))


def test_random_names_never_use_the_persons_file_name() -> None:
    namer = uploads.RandomName("training/materials")
    first = namer(None, "../../etc/passwd")  # type: ignore[arg-type]
    second = namer(None, "Ana López's plan.PDF")  # type: ignore[arg-type]
    assert first.startswith("training/materials/") and ".." not in first
    assert PurePath(first).suffix == "" and PurePath(second).suffix == ".pdf"
    assert "Ana" not in second and first != namer(None, "../../etc/passwd")  # type: ignore[arg-type]


def test_a_material_is_stored_at_random_and_downloads_under_its_own_name(world: World) -> None:
    client = world.client("specialist")
    url = reverse("training_session", args=[2])
    upload = SimpleUploadedFile("Guía del facilitador.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"kind": "guide", "title": "Guide", "file": upload}).status_code == 302
    material = SessionMaterial.objects.get(kind="guide")
    assert "Gu" not in material.file.name and material.file.name.endswith(".pdf")
    assert material.original_name == "Guía del facilitador.pdf"
    download = world.client("trainer").get(reverse("training_material", args=[material.pk]))
    assert download.status_code == 200
    assert "Gu%C3%ADa%20del%20facilitador.pdf" in download["Content-Disposition"]
    disguised = SimpleUploadedFile("guide.pdf", b"<html>", content_type="application/pdf")
    refused = client.post(url, {"kind": "guide", "title": "Guide 2", "file": disguised})
    assert refused.status_code == 400
    assert "not what its name says" in refused.content.decode()
    assert SessionMaterial.objects.filter(kind="guide").count() == 1


def test_a_csv_import_of_a_disguised_file_is_refused(world: World) -> None:
    url = reverse("import_upload", args=[world.program.pk])
    upload = SimpleUploadedFile("children.csv", PDF, content_type="text/csv")
    response = world.client("director").post(url, {"kind": "children", "file": upload})
    assert response.status_code == 400
    assert "not a CSV text file" in response.content.decode()
