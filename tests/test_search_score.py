"""The match score: the documented CAT formula, case by case."""
from __future__ import annotations

import pytest

from tm.diff import token_diff
from tm.models import Origin, Status
from tm.search.normalize import Kind, tokenize
from tm.search.placeables import substitute
from tm.search.score import (
    CASE_PENALTY,
    CONTEXT_MATCH,
    NUMBER_PENALTY,
    ORIGIN_PENALTIES,
    PUNCTUATION_PENALTY,
    STATUS_PENALTIES,
    WHITESPACE_PENALTY,
    context_score,
    text_score,
    trust_penalty,
)

QUERY = "Министр иностранных дел заявил о начале расследования в 2022 году."


@pytest.mark.parametrize("source, expected, why", [
    (QUERY, 100, "identical"),
    ("Министр иностранных дел объявил о начале расследования в 2022 году.", 90,
     "one word of ten changed"),
    ("Министр иностранных дел заявил о начале расследования в 2022 году", 99,
     "punctuation only"),
    ("Министр иностранных дел заявил о начале расследования в 2021 году.",
     100 - NUMBER_PENALTY, "number only"),
    ("министр иностранных дел заявил о начале расследования в 2022 году.",
     100 - CASE_PENALTY, "case only"),
    ("Министр  иностранных дел заявил о начале расследования в 2022 году.",
     100 - WHITESPACE_PENALTY, "whitespace only"),
    ("О начале расследования в 2022 году заявил министр иностранных дел.", 19,
     "reordered: word edit distance 8 of 10, one case difference"),
    ("Министр иностранных дел заявил о начале расследования.", 70,
     "three words missing"),
    ("Погода в Москве будет солнечной.", 0, "unrelated"),
])
def test_text_score(source: str, expected: int, why: str) -> None:
    assert text_score(QUERY, source).score == expected, why


@pytest.mark.parametrize("query, source", [
    ("Он пришёл домой.", "Он пришел домой."),  # ё and е
    ("Он пришёл домой.", "Он пришёл домой!"),
    ("Он пришёл домой.", "Он пришёл  домой."),
    ("Цена 5 рублей.", "Цена 6 рублей."),
])
def test_only_identical_text_scores_100(query: str, source: str) -> None:
    assert text_score(query, source).score < 100
    assert text_score(query, query).score == 100


def test_punctuation_penalty_is_per_mark_and_capped() -> None:
    one = text_score("Он сказал: «да».", "Он сказал: да.")
    assert one.penalties == (("punctuation", 2 * PUNCTUATION_PENALTY),)
    many = text_score("А, б, в, г, д, е.", "А б в г д е")
    assert dict(many.penalties)["punctuation"] == 3


def test_score_names_its_penalties() -> None:
    score = text_score("В 2022 году министр заявил.", "в 2021 году министр заявил")
    assert dict(score.penalties) == {"case": CASE_PENALTY, "number": NUMBER_PENALTY,
                                     "punctuation": PUNCTUATION_PENALTY}
    assert score.base == 100


@pytest.mark.parametrize("before, after, unit_before, unit_after, expected", [
    ("А.", "Б.", "А.", "Б.", CONTEXT_MATCH),
    ("А.", "Б.", "А.", "В.", 100),
    ("А.", None, "А.", None, CONTEXT_MATCH),
    (None, None, "А.", "Б.", 100),
])
def test_context_match_ranks_above_100(before: str | None, after: str | None,
                                       unit_before: str | None, unit_after: str | None,
                                       expected: int) -> None:
    assert context_score(100, query_before=before, query_after=after,
                         unit_before=unit_before, unit_after=unit_after) == expected


def test_context_never_lifts_a_fuzzy_match() -> None:
    assert context_score(95, query_before="А.", query_after="Б.", unit_before="А.",
                         unit_after="Б.") == 95


@pytest.mark.parametrize("memory_penalty, status, origin, expected", [
    (0, None, None, 0),
    (5, None, None, 5),
    (0, Status.APPROVED, Origin.HUMAN, 0),
    (0, Status.TRANSLATED, Origin.HUMAN, STATUS_PENALTIES[Status.TRANSLATED]),
    (3, Status.APPROVED, Origin.MACHINE, 3 + ORIGIN_PENALTIES[Origin.MACHINE]),
])
def test_trust_penalty(memory_penalty: int, status: Status | None, origin: Origin | None,
                       expected: int) -> None:
    assert trust_penalty(memory_penalty=memory_penalty, status=status,
                         origin=origin) == expected


@pytest.mark.parametrize("text, kinds", [
    ("Из-за 3,5% роста", [Kind.WORD, Kind.NUMBER, Kind.PUNCT, Kind.WORD]),
    ("«G20» в 12:30.", [Kind.PUNCT, Kind.WORD, Kind.PUNCT, Kind.WORD, Kind.NUMBER, Kind.PUNCT]),
])
def test_tokenize(text: str, kinds: list[Kind]) -> None:
    assert [t.kind for t in tokenize(text)] == kinds


def test_word_diff_shows_what_differs() -> None:
    diff = token_diff("Он пришёл домой вчера.", "Она пришла домой.")
    assert [(d.op, d.query, d.source) for d in diff] == [
        ("replace", "Он пришёл", "Она пришла"), ("equal", "домой", "домой"),
        ("delete", "вчера", ""), ("equal", ".", ".")]


@pytest.mark.parametrize("query, source, target, suggestion, substituted", [
    ("В 2022 году рост 3,5%.", "В 2021 году рост 2,5%.", "In 2021 growth was 2.5%.",
     "In 2022 growth was 3.5%.", [True, True]),
    ("Погибли 7 человек.", "Погибли 5 человек.", "Five people died.", "Five people died.",
     [False]),
    ("Счёт 3:3, а не 2:2.", "Счёт 2:2, а не 1:1.", "The score was 2:2, not 1:1.",
     "The score was 3:3, not 2:2.", [True, True]),
    ("В 5 и 5 часов.", "В 4 и 4 часа.", "At 4 and 4.", "At 4 and 4.", [False]),
    ("Он пришёл.", "Он пришёл.", "He came.", "He came.", []),
])
def test_placeables(query: str, source: str, target: str, suggestion: str,
                    substituted: list[bool]) -> None:
    result, notes = substitute(query, source, target)
    assert result == suggestion
    assert [n.substituted for n in notes] == substituted
    assert all(n.note for n in notes)
