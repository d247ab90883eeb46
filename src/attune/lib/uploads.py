"""Files people upload: what each use accepts, how large, and how they are stored.

Every upload is checked by what it *is*, read from its first bytes, not by its name or the
type the browser claims: a PDF starts with %PDF-, a PNG with its signature, an Office file is
a ZIP holding [Content_Types].xml and its part, a CSV is text. The name's extension must also
be one of the type's. Stored files are named by a random id (the original name is kept in a
field for display and downloads), so no upload chooses its path or overwrites another.

    file = models.FileField(upload_to=uploads.RandomName("training/materials"),
                            validators=[uploads.Accept("training_material")])

Uses and their limits (docs/architecture.md, "Uploads"):

  training_material     PDF, Word, PowerPoint, Excel, PNG, JPEG, plain text   25 MB
  application_document  PDF, Word, PNG, JPEG                                 10 MB
  csv_import            CSV (or plain text) of a program's records           20 MB
  registry_import       CSV of a registry's person list                       2 MB
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HEAD = 8192  # bytes read to tell a file's type
MB = 1024 * 1024


def _zip_with(part: str) -> Callable[[bytes, IO[bytes]], bool]:
    def sniff(head: bytes, file: IO[bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            file.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)

    return sniff


_BINARY = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"GIF8",
           b"\x7fELF", b"MZ", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf")  # fmt: skip
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _text(head: bytes, file: IO[bytes]) -> bool:
    if head.startswith(_UTF16_BOMS):
        return True  # UTF-16 text has NUL bytes; the CSV reader says what to do with it
    return not head.startswith(_BINARY) and b"\x00" not in head


@dataclass(frozen=True)
class Kind:
    label: Any  # a (lazily translated) name
    extensions: tuple[str, ...]
    content_type: str
    sniff: Callable[[bytes, IO[bytes]], bool]


KINDS = {
    "pdf": Kind("PDF", (".pdf",), "application/pdf", lambda h, f: h.startswith(b"%PDF-")),
    "png": Kind("PNG", (".png",), "image/png", lambda h, f: h.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpeg": Kind("JPEG", (".jpg", ".jpeg"), "image/jpeg", lambda h, f: h.startswith(b"\xff\xd8\xff")),
    "docx": Kind(
        "Word", (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_with("word/"),
    ),
    "pptx": Kind(
        "PowerPoint", (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _zip_with("ppt/"),
    ),
    "xlsx": Kind(
        "Excel", (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_with("xl/"),
    ),
    "csv": Kind("CSV", (".csv", ".txt", ".tsv"), "text/csv", _text),
    "text": Kind(gettext_lazy("plain text"), (".txt",), "text/plain", _text),
    "json": Kind("JSON", (".json",), "application/json", _text),
}  # fmt: skip


@dataclass(frozen=True)
class Use:
    kinds: tuple[str, ...]
    max_bytes: int


USES = {
    "training_material": Use(("pdf", "docx", "pptx", "xlsx", "png", "jpeg", "text"), 25 * MB),
    "application_document": Use(("pdf", "docx", "png", "jpeg"), 10 * MB),
    "endorsement_evidence": Use(("pdf", "png", "jpeg"), 10 * MB),
    "csv_import": Use(("csv",), 20 * MB),
    "registry_import": Use(("csv",), 2 * MB),
    "rule_set": Use(("json",), 1 * MB),
    "care_photo": Use(("jpeg", "png"), 10 * MB),  # a photo in a child's daily report
}


def accept_attribute(use: str) -> str:
    """The file input's accept="..." for a use (a hint to the browser; the server checks)."""
    kinds = [KINDS[k] for k in USES[use].kinds]
    return ",".join(
        sorted({e for k in kinds for e in k.extensions} | {k.content_type for k in kinds})
    )


def kind_of(use: str, name: str, file: IO[bytes]) -> Kind:
    """The kind of an uploaded file for `use`, or ValidationError saying what is accepted."""
    allowed = [KINDS[k] for k in USES[use].kinds]
    labels = ", ".join(dict.fromkeys(str(k.label) for k in allowed))
    extension = PurePath(name or "").suffix.lower()
    file.seek(0)
    head = file.read(HEAD)
    file.seek(0)
    for kind in allowed:
        if extension in kind.extensions and kind.sniff(head, file):
            return kind
    if any(extension in k.extensions for k in allowed):
        if USES[use].kinds == ("csv",):
            raise ValidationError(
                _(
                    "This is not a CSV text file (it contains binary data). In your spreadsheet use "
                    "“Save as” or “Download as” and choose CSV."
                ),
                code="content",
            )
        raise ValidationError(
            _("This file is not what its name says (%(ext)s); accepted: %(kinds)s.")
            % {"ext": extension, "kinds": labels},
            code="content",
        )
    raise ValidationError(
        _("Files of this type are not accepted here; accepted: %(kinds)s.") % {"kinds": labels},
        code="type",
    )


@deconstructible
class Accept:
    """A validator: the upload is one of the use's kinds and within its size."""

    def __init__(self, use: str) -> None:
        if use not in USES:
            raise ValueError(f"unknown upload use {use!r}")
        self.use = use

    def __call__(self, value: Any) -> None:
        if getattr(value, "_committed", False):
            return  # already stored and checked when it was uploaded
        upload = getattr(value, "file", value)
        size = getattr(upload, "size", None) or getattr(value, "size", None) or 0
        most = USES[self.use].max_bytes
        if size > most:
            raise ValidationError(
                _("The file is %(size).1f MB; the most accepted here is %(most)d MB.")
                % {"size": size / MB, "most": most // MB},
                code="size",
            )
        kind_of(self.use, getattr(upload, "name", "") or getattr(value, "name", ""), upload)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Accept) and other.use == self.use


@deconstructible
class RandomName:
    """upload_to: `folder/<random id><extension>`; the person's file name never becomes a path."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: models.Model, filename: str) -> str:
        extension = PurePath(filename or "").suffix.lower()
        if not extension.isascii() or len(extension) > 8 or not extension[1:].isalnum():
            extension = ""
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


def display_name(name: str | None) -> str:
    """An uploaded file's own name, for showing and for downloads: no folders, at most 255."""
    base = PurePath((name or "").replace("\\", "/")).name
    return "".join(ch for ch in base if ch.isprintable())[:255] or "file"


def remember_original_name(
    instance: Any, field: str = "file", name_field: str = "original_name"
) -> None:
    """Before saving: keep a newly uploaded file's own name in `name_field`."""
    value = getattr(instance, field)
    if value and not getattr(value, "_committed", True):
        setattr(instance, name_field, display_name(value.name))


# Files the system writes itself (a job's export), never a person's upload: named at random,
# not checked against a use's whitelist.
GENERATED = {("jobs", "job", "file")}
