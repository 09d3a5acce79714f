"""Word forms for concordance: every inflection of a Russian word, a stem for English.

Russian uses pymorphy3 with its OpenCorpora dictionaries (shipped inside the
``pymorphy3-dicts-ru`` wheel, nothing downloaded at run time): «расследование» gives all 12
case and number forms, and suppletive ones too («люди» → «человек», «шли» → «идти»), which a
stemmer cannot. Measured against snowball's Russian stemmer it also avoids false friends that
share a stem («расследовать» is a verb). English words are compared by their snowball stem.
"""
from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from tm.lang import primary_language
from tm.search.normalize import fold

# Parses per word whose lexemes are taken: the first few cover the common readings of an
# ambiguous form («стали» — steel or became) without pulling in rare ones.
MAX_PARSES = 3


@cache
def _analyzer() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@cache
def _stemmer(lang: str) -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer(lang)


@lru_cache(maxsize=4096)
def forms(word: str, lang: str = "ru") -> frozenset[str]:
    """Return the folded forms a concordance search for ``word`` accepts."""
    folded = fold(word)
    if primary_language(lang) != "ru" or not any("а" <= c <= "я" for c in folded):
        return frozenset({folded})
    found = {folded}
    for parse in _analyzer().parse(folded)[:MAX_PARSES]:
        found.update(fold(f.word) for f in parse.lexeme)
    return frozenset(found)


def stem(word: str, lang: str = "en") -> str:
    """Return the snowball stem of a folded word (English and other non-Russian targets)."""
    name = {"en": "english", "de": "german", "fr": "french", "es": "spanish"}.get(
        primary_language(lang))
    return _stemmer(name).stemWord(fold(word)) if name else fold(word)
