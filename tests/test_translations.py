"""The Spanish catalog is complete, current with the source, and safe to render.

No database. Uses GNU gettext (msgfmt, msgattrib), which makemessages and compilemessages
need anyway, and a small standard-library .po reader instead of an extra dependency.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LOCALE = Path(settings.LOCALE_PATHS[0])
PO = LOCALE / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# The command the catalog is made with (run from the project root); the copy in
# test_catalog_is_current_with_the_source runs the same one.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "es",
    "--ignore=.venv",
    "--ignore=.tools",
    "--ignore=tests",
    "--ignore=benchmarks",
    "--no-obsolete",
    "--add-location=file",
]
# Top-level entries of the project that makemessages would skip or that hold no source.
NOT_SOURCE = {".git", ".venv", ".tools", "tests", "benchmarks", "var", "test-results", ".ci"}

# %(name)s, %(n)d, %(size).1f ...: the name and the whole conversion must survive.
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
TAG = re.compile(r"<[^>]+>")


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def pairs(self) -> list[tuple[str, str]]:
        """(source, translation) pairs; for Spanish plurals form 0 is singular, 1 plural."""
        if self.msgid_plural is None:
            return [(self.msgid, self.msgstr.get(0, ""))]
        return [
            (self.msgid if n == 0 else self.msgid_plural, text)
            for n, text in sorted(self.msgstr.items())
        ]


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def read_po(path: Path) -> tuple[Entry | None, list[Entry]]:
    """The header entry and the other (non-obsolete) entries of a .po file.

    Handles flags, msgctxt, plural forms and strings continued over several lines.
    Obsolete entries (#~) and other comments (#:, #|, #.) are skipped.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    first_line = 0
    target: tuple[str, int] = ("msgid", 0)

    def finish() -> None:
        nonlocal current, flags, first_line
        if current is not None:
            entries.append(current)
        current, flags, first_line = None, set(), 0

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if current is not None:
                finish()  # a comment after the strings begins the next entry
            first_line = first_line or number
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"{path}:{number}: a string outside an entry")
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += ast.literal_eval(line)
            else:
                setattr(current, kind, getattr(current, kind) + ast.literal_eval(line))
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
        keyword, index, literal = match.groups()
        if keyword in ("msgctxt", "msgid") and current is not None and current.msgstr:
            finish()  # entries not separated by a blank line
        if current is None:
            current = Entry(msgid="", flags=flags, line=first_line or number)
        if keyword.startswith("msgstr"):
            target = ("msgstr", int(index or 0))
            current.msgstr[target[1]] = ast.literal_eval(literal)
        else:
            target = (keyword, 0)
            setattr(current, keyword, ast.literal_eval(literal))
    finish()
    header = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    return header, [e for e in entries if e is not header]


def gettext_tool(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} not found: install GNU gettext (apt-get install gettext)")
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(PO)[1]


def test_the_reader_reads_the_whole_catalog(entries: list[Entry]) -> None:
    """The hand-written reader agrees with msgfmt on how many messages there are."""
    stats = gettext_tool("msgfmt", "--statistics", "-o", os.devnull, str(PO))
    counted = sum(int(n) for n in re.findall(r"(\d+) ", stats.stderr))
    assert len(entries) == counted > 0


def test_header_declares_spanish_plurals_and_utf8() -> None:
    header, _entries = read_po(PO)
    assert header is not None
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "es"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "fuzzy" not in header.flags


def test_every_message_is_translated_and_none_is_fuzzy(entries: list[Entry]) -> None:
    stats = gettext_tool("msgfmt", "--statistics", "--check-format", "-o", os.devnull, str(PO))
    assert stats.returncode == 0, stats.stderr
    assert re.fullmatch(r"\d+ translated messages?\.\s*", stats.stderr), stats.stderr

    for option in ("--untranslated", "--only-fuzzy"):
        left = gettext_tool("msgattrib", option, "--no-wrap", str(PO))
        assert left.returncode == 0, left.stderr
        assert left.stdout.strip() == "", f"msgattrib {option}:\n{left.stdout}"

    # The same facts from the reader, with line numbers when they fail.
    assert not [e.line for e in entries if "fuzzy" in e.flags]
    assert not [e.line for e in entries if not all(text for _, text in e.pairs())]
    assert not [e.line for e in entries if e.msgid_plural is not None and len(e.msgstr) != 2]


def test_placeholders_tags_and_edge_spaces_survive(entries: list[Entry]) -> None:
    problems = []
    for entry in entries:
        for source, text in entry.pairs():
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                problems.append(f"line {entry.line}: placeholders differ: {source!r} -> {text!r}")
            if TAG.findall(source) != TAG.findall(text):
                problems.append(f"line {entry.line}: HTML differs: {source!r} -> {text!r}")
            for edge in (str.startswith, str.endswith):
                if edge(source, " ") != edge(text, " ") or edge(source, "\n") != edge(text, "\n"):
                    problems.append(f"line {entry.line}: edge spaces differ: {source!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.usefixtures("compiled")
@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("Primary caregiver", "Cuidador(a) principal"),
        ("Sign in", "Iniciar sesión"),
        ("Children", "Niños"),
        ("Waiting list", "Lista de espera"),
        ("Audit trail", "Registro de auditoría"),
        ("Language", "Idioma"),
        ("Change", "Cambiar"),
    ],
)
def test_key_interface_strings_render_in_spanish(english: str, spanish: str) -> None:
    with translation.override("es"):
        assert translation.gettext(english) == spanish
    with translation.override("en"):
        assert translation.gettext(english) == english


@pytest.mark.usefixtures("compiled")
def test_spanish_plurals_and_placeholders_render() -> None:
    with translation.override("es"):
        one = translation.ngettext("%(n)d child", "%(n)d children", 1) % {"n": 1}
        many = translation.ngettext("%(n)d child", "%(n)d children", 3) % {"n": 3}
        signed = translation.gettext("Sign out %(name)s") % {"name": "Ana"}
    assert (one, many) == ("1 niño", "3 niños")
    assert signed == "Cerrar sesión (Ana)"


def test_catalog_is_current_with_the_source(tmp_path: Path) -> None:
    """Every message in the source is in the committed catalog, and nothing stale is left.

    Runs makemessages on a copy of the project (so the committed catalog is never
    touched), with the copy's src/ first on the path; the regenerated catalog must appear
    in the copy's LOCALE_PATHS. Takes about 1-2 s.
    """
    started = time.monotonic()
    copy = tmp_path / "project"
    copy.mkdir()
    skip_files = shutil.ignore_patterns("__pycache__", "*.pyc", "*.po", "*.mo", "*_cache")
    for item in ROOT.iterdir():
        if item.name in NOT_SOURCE or item.name.endswith("_cache"):
            continue
        if item.is_dir():
            shutil.copytree(item, copy / item.name, ignore=skip_files)
        elif item.is_file():
            shutil.copy2(item, copy / item.name)
    regenerated = copy / PO.relative_to(ROOT)
    assert regenerated.parent.is_dir() and not regenerated.exists()

    committed_before = PO.read_bytes()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATTUNE_"))}
    environment.update(
        ATTUNE_ENV="test",
        DJANGO_SETTINGS_MODULE="attune.settings",
        PYTHONPATH=os.pathsep.join([str(copy / "src"), environment.get("PYTHONPATH", "")]),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert regenerated.exists(), f"makemessages wrote elsewhere:\n{result.stdout}"
    assert PO.read_bytes() == committed_before, "makemessages changed the committed catalog"

    source = {e.key for e in read_po(regenerated)[1]}
    committed = {e.key for e in read_po(PO)[1]}
    fix = f"run: ATTUNE_ENV=test .venv/bin/python manage.py {' '.join(MAKEMESSAGES)}"
    missing = sorted(source - committed, key=str)
    stale = sorted(committed - source, key=str)
    assert not missing, f"not in the Spanish catalog ({fix}, then translate):\n{missing}"
    assert not stale, f"no longer in the source ({fix}):\n{stale}"
    assert time.monotonic() - started < 60
