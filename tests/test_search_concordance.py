"""Concordance: words and phrases in sources (every Russian form) and targets, marked, paged."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.test_search_fuzzy import add_units
from tm.errors import ValidationError
from tm.search.concordance import concordance, find_spans
from tm.search.morphology import forms

UNITS = [
    ("Начато расследование гибели журналиста.", "An investigation into the death of a "
                                                "journalist was opened."),
    ("Итоги расследования опубликуют в мае.", "The results of the investigation will be "
                                              "published in May."),
    ("Прокуратура завершила расследованием дела.", "The prosecutors finished investigating "
                                                   "the case."),
    ("Люди вышли на улицы.", "People took to the streets."),
    ("Погода будет тёплой.", "The weather will be warm."),
]


@pytest.mark.parametrize("word, form", [
    ("расследование", "расследования"),
    ("расследование", "расследованием"),
    ("люди", "человек"),
    ("идти", "шли"),
])
def test_forms_cover_the_lexeme(word: str, form: str) -> None:
    assert form in forms(word)


@pytest.mark.parametrize("query, found", [
    ("расследование", [3, 2, 1]),
    ("Расследования", [3, 2, 1]),
    ("человек", [4]),
    ("итог расследования", [2]),
    ("расследования итоги", []),
    ("журналист", [1]),
    ("самолёт", []),
])
def test_concordance_in_sources_knows_russian_morphology(session: Session, query: str,
                                                         found: list[int]) -> None:
    units = add_units(session, "main", UNITS)
    page = concordance(session, query)
    assert [h.unit_id for h in page.hits] == [units[i - 1].id for i in found]
    assert page.total == len(found) and page.side == "source"


def test_exact_concordance_takes_only_the_form_given(session: Session) -> None:
    add_units(session, "main", UNITS)
    assert concordance(session, "расследование", morphology=False).total == 1


def test_hits_are_highlighted(session: Session) -> None:
    add_units(session, "main", UNITS)
    (hit,) = concordance(session, "итог расследования").hits
    assert hit.highlighted("<b>", "</b>") == ("<b>Итоги расследования</b> опубликуют в мае.")
    assert hit.as_dict()["spans"] == [[0, 19]]


@pytest.mark.parametrize("query, count", [
    ("investigation", 3),  # by stem: investigating too
    ("investigated", 3),
    ("streets", 1),
    ("the weather", 1),
])
def test_concordance_in_targets(session: Session, query: str, count: int) -> None:
    add_units(session, "main", UNITS)
    page = concordance(session, query, target=True)
    assert page.total == count and all(h.side == "target" for h in page.hits)


def test_concordance_pages(session: Session) -> None:
    add_units(session, "main", [(f"Расследование номер {i}.", f"Case {i}.") for i in range(7)])
    first = concordance(session, "расследование", per_page=3)
    last = concordance(session, "расследование", per_page=3, page=3)
    assert (first.total, first.pages, len(first.hits), len(last.hits)) == (7, 3, 3, 1)
    assert first.hits[0].target == "Case 6."  # newest first


def test_concordance_finds_uncommitted_and_new_units(session: Session) -> None:
    add_units(session, "main", UNITS[:1])
    assert concordance(session, "погода").total == 0
    add_units(session, "main", UNITS[4:])
    assert concordance(session, "погода").total == 1


@pytest.mark.parametrize("text, spans", [
    ("Итоги расследования. Итогом расследования стал суд.", ((0, 19), (21, 41))),
    ("Расследования итоги.", ()),
])
def test_find_spans_needs_consecutive_words(text: str, spans: tuple[tuple[int, int], ...]) -> None:
    from tm.search.concordance import _matchers
    from tm.search.normalize import tokenize, word_tokens

    matchers = _matchers(word_tokens(tokenize("итог расследования")), "ru", morphology=True)
    assert find_spans(text, matchers) == spans


def test_concordance_needs_a_word(session: Session) -> None:
    with pytest.raises(ValidationError):
        concordance(session, " … ")
