import pytest
from django.utils import translation

from attune.lib import languages


def test_codes_and_names_normalise() -> None:
    assert languages.parse_list("es; en") == ["es", "en"]
    assert languages.parse_list("Spanish, English, spa") == ["es", "en"]
    assert languages.parse_list("vi so hmn") == ["vi", "so", "hmn"]
    assert languages.parse_list("Haitian Creole") == ["ht"]
    assert languages.parse_list("es-MX") == ["es"]
    assert languages.parse_list("") == []


def test_unknown_language_names_the_value() -> None:
    with pytest.raises(languages.UnknownLanguage) as caught:
        languages.parse_list("es; klingonese")
    assert caught.value.value == "klingonese"


def test_names_follow_the_interface_language() -> None:
    with translation.override("en"):
        assert languages.name("vi") == "Vietnamese"
    with translation.override("es"):
        assert languages.name("vi") == "Vietnamita"


def test_spanish_names_are_understood() -> None:
    assert languages.parse_list("español, inglés, vietnamita") == ["es", "en", "vi"]
