"""Tokens for matching: words, numbers and punctuation, each with the key it is compared by.

A CAT match score compares *words*; case, ``ё``/``е``, numbers and punctuation are not ignored
but weighed apart (see :mod:`tm.search.score`). So every token keeps its raw text and gets a
``key``: the folded word, one placeholder for every number, or the punctuation mark itself.
Only word and number keys take part in the word edit distance and in the candidate index.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from enum import StrEnum

from tm.tokens import MATCH_TOKEN

# One placeholder key for every number: «в 2021 году» and «в 2022 году» are the same words,
# the differing number is penalised separately and can be substituted (placeables).
NUMBER_KEY = "<num>"


class Kind(StrEnum):
    """What a token is."""

    WORD = "word"
    NUMBER = "number"
    PUNCT = "punct"


@dataclass(frozen=True, slots=True)
class Token:
    """A token of a text: its raw form, what it is, the key it is compared by, its offsets."""

    text: str
    kind: Kind
    key: str
    start: int
    end: int


def fold(word: str) -> str:
    """Return the comparison form of a word: case-folded, ``ё`` as ``е``."""
    return word.casefold().replace("ё", "е")


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into word, number and punctuation tokens."""
    tokens = []
    for match in MATCH_TOKEN.finditer(text):
        raw = match.group()
        if match.lastgroup == "num":
            tokens.append(Token(raw, Kind.NUMBER, NUMBER_KEY, match.start(), match.end()))
        elif match.lastgroup == "word":
            tokens.append(Token(raw, Kind.WORD, fold(raw), match.start(), match.end()))
        else:
            tokens.append(Token(raw, Kind.PUNCT, raw, match.start(), match.end()))
    return tokens


def word_tokens(tokens: list[Token]) -> list[Token]:
    """Return the tokens the word edit distance runs over: words and numbers."""
    return [t for t in tokens if t.kind is not Kind.PUNCT]


def word_keys(text: str) -> list[str]:
    """Return the keys of the words and numbers of ``text``, in order."""
    return [t.key for t in tokenize(text) if t.kind is not Kind.PUNCT]


def key_hash(key: str) -> int:
    """Return the 32-bit index id of a key.

    Collisions only merge two words in the candidate index, which can add candidates but
    never lose one: the final score is always computed on the text itself.
    """
    return zlib.crc32(key.encode("utf-8"))


def hashed_keys(text: str) -> list[int]:
    """Return the index ids of the word and number keys of ``text``, in order."""
    return [key_hash(k) for k in word_keys(text)]
