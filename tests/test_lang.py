"""Language tags are stored as normalized BCP 47."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.tmx_samples import tmx, tu
from tm.errors import ValidationError
from tm.lang import (
    SOURCE_LANG,
    TARGET_LANG,
    known_lang,
    language_pair,
    normalize_lang,
    primary_language,
)


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


@pytest.mark.parametrize("given, expected", [
    ("ru", "ru"), ("en-GB", "en-GB"), ("kk", "kk"), ("ky", "ky"), ("rus", "ru"),
    ("sr-Latn", "sr-Latn"), ("uk_UA", "uk-UA"),
])
def test_known_languages_are_accepted(given: str, expected: str) -> None:
    assert known_lang(given) == expected


@pytest.mark.parametrize("given", ["xx", "qq-RU", "zzz"])
def test_a_language_no_register_knows_is_refused(given: str) -> None:
    with pytest.raises(ValidationError, match="unknown language"):
        known_lang(given)


def test_a_locales_adaptation_is_a_pair() -> None:
    assert language_pair("en-us", "en_GB") == ("en-US", "en-GB")


@pytest.mark.parametrize("src, tgt, error", [
    ("en", "en", "both 'en'"), ("en_GB", "en-gb", "both 'en-GB'"), ("ru", "xx", "unknown"),
])
def test_a_pair_needs_two_known_languages(src: str, tgt: str, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        language_pair(src, tgt)


@pytest.mark.parametrize("args", [
    ["import", "{dir}/ru.txt", "--src-lang", "en", "--tgt-lang", "en"],
    ["import", "{dir}/ru.txt", "--src-lang", "xx"],
    ["segment", "{dir}/ru.txt", "--lang", "xx"],
    ["align", "{dir}/ru.txt", "{dir}/en.txt", "--src-lang", "xx"],
    ["align", "{dir}/ru.txt", "{dir}/en.txt", "--src-lang", "en"],
    ["import-tmx", "{dir}/m.tmx", "--memory", "m", "--src", "en", "--tgt", "en"],
    ["import-testset", "t", "--source", "{dir}/ru.txt", "--ref", "human={dir}/en.txt",
     "--tgt-lang", "xx"],
])
def test_commands_refuse_unknown_or_identical_languages(
        runner: Callable[..., Result], tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "ru.txt").write_text("Привет, мир.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("Hello, world.\n", encoding="utf-8")
    (tmp_path / "m.tmx").write_text(tmx(tu("Один.", "One.")), encoding="utf-8")
    result = runner(*[a.format(dir=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "unknown language" in result.output or "give two different languages" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_known_languages_are_cldrs_as_babel_ships_them() -> None:
    from babel import Locale

    from tm.language_codes import KNOWN_LANGUAGES

    assert frozenset(Locale("en").languages) == KNOWN_LANGUAGES
