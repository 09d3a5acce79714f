"""Language tags are stored as normalized BCP 47."""
from __future__ import annotations

import pytest

from tm.errors import ValidationError
from tm.lang import SOURCE_LANG, TARGET_LANG, normalize_lang, primary_language


@pytest.mark.parametrize("given, expected", [
    ("ru", "ru"), ("RU", "ru"), ("ru_RU", "ru-RU"), ("RU-ru", "ru-RU"), ("en-gb", "en-GB"),
    ("eng", "en"), ("rus", "ru"), ("sr-latn-rs", "sr-Latn-RS"), ("es-419", "es-419"),
    (" en ", "en"),
])
def test_normalize_lang(given: str, expected: str) -> None:
    assert normalize_lang(given) == expected


@pytest.mark.parametrize("given", ["", "  ", "русский", "e", "en--GB", "toolongsubtag-x"])
def test_normalize_lang_rejects_non_tags(given: str) -> None:
    with pytest.raises(ValidationError):
        normalize_lang(given)


def test_primary_language() -> None:
    assert primary_language("en_GB") == "en"


def test_the_desks_default_pair_is_already_normalized() -> None:
    assert (normalize_lang(SOURCE_LANG), normalize_lang(TARGET_LANG)) == (SOURCE_LANG, TARGET_LANG)
    assert SOURCE_LANG != TARGET_LANG
