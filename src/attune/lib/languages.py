"""Home languages as ISO 639 codes, with names in the reader's language (pycountry's catalogs).

Codes are stored as ISO 639-1 (two letters) where one exists, else ISO 639-3 (three letters):
"es", "vi", "so", "hmn". People may type a code or an English name; both normalise to the code.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from functools import cache

import pycountry
from django.utils import translation


class UnknownLanguage(ValueError):
    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(f"unknown language code {value!r}")


# Names families and intake forms in the US use that ISO 639 spells differently.
ALIASES = {
    "haitian creole": "ht",
    "mandarin": "zh",
    "cantonese": "yue",
    "farsi": "fa",
    "filipino": "fil",
    "cape verdean creole": "kea",
    "asl": "ase",
    "american sign language": "ase",
}


# Besides codes and English names, names in the languages Attune ships ("español").
NAME_LANGUAGES = ("es",)


@cache
def _index() -> dict[str, str]:
    """Every accepted spelling (lower-case) -> normalised code. Built once, ~8,000 languages."""
    index: dict[str, str] = dict(ALIASES)
    local = [_catalog(language) for language in NAME_LANGUAGES]
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None) or lang.alpha_3
        index.setdefault(lang.alpha_3.lower(), code)
        index.setdefault(lang.name.lower(), code)
        for catalog in local:
            index.setdefault(catalog.gettext(lang.name).lower(), code)
        if common := getattr(lang, "common_name", None):
            index.setdefault(common.lower(), code)
        if alpha_2 := getattr(lang, "alpha_2", None):
            index[alpha_2.lower()] = code
        if bib := getattr(lang, "bibliographic", None):
            index.setdefault(bib.lower(), code)
    return index


def normalize(value: str) -> str:
    """One code or English name -> the stored code, or UnknownLanguage."""
    key = value.strip().lower()
    # Accept BCP 47 region/script subtags people copy from browsers: "es-MX", "zh_Hant".
    base = re.split(r"[-_]", key, maxsplit=1)[0] if re.fullmatch(r"[a-z]{2,3}[-_]\w+", key) else key
    try:
        return _index()[base]
    except KeyError:
        raise UnknownLanguage(value.strip()) from None


def parse_list(text: str) -> list[str]:
    """'es; en' or 'Spanish, English' -> ['es', 'en'], order kept, duplicates dropped."""
    text = text.strip()
    if not text:
        return []
    parts = [p for p in re.split(r"[;,|/]", text) if p.strip()]
    if len(parts) == 1 and " " in text.strip():
        # "es en" (space-separated codes) but not "Haitian Creole" (a name with a space)
        words = text.split()
        if all(len(w) <= 3 for w in words):
            parts = words
    codes: list[str] = []
    for part in parts:
        code = normalize(part)
        if code not in codes:
            codes.append(code)
    return codes


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def name(code: str, language: str | None = None) -> str:
    """The language's name in the active UI language ("Spanish" / "español")."""
    lang = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    lang = lang or pycountry.languages.get(alpha_3=code)
    if lang is None:
        return code
    ui = language or translation.get_language() or "en"
    return _catalog(ui.split("-")[0]).gettext(lang.name)


def names(codes: Iterable[str], language: str | None = None) -> str:
    return ", ".join(name(c, language) for c in codes)


# Offered first in forms: the languages most often spoken at home by young children in the US
# (ACS 2019-2023), then the full list is still accepted by code.
COMMON = ["en", "es", "zh", "vi", "ar", "tl", "fr", "ko", "ru", "ht", "pt", "so", "hmn", "nv"]


def choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(code, name(code, language)) for code in COMMON]
