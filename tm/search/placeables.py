"""Placeables: numbers that differ between the query and a match, carried into the suggestion.

A memory unit «В 2021 году …» → "In 2021 …" offered for «В 2022 году …» should suggest
"In 2022 …". A number is substituted only where that is safe: it occurs once in the memory
source and once in its translation (as written, or with a decimal point for a decimal
comma). Every number that differs is reported, substituted or not, and why.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tm.search.normalize import Kind, Token, tokenize, word_tokens


@dataclass(frozen=True, slots=True)
class Placeable:
    """A number of the memory source that differs in the query, and what became of it."""

    source: str
    query: str
    substituted: bool
    note: str

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"source": self.source, "query": self.query, "substituted": self.substituted,
                "note": self.note}


def _numbers(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind is Kind.NUMBER]


def differing_numbers(query: str, source: str) -> list[tuple[str, str]]:
    """Return the (source, query) numbers the word alignment pairs but that differ."""
    q_words, s_words = word_tokens(tokenize(query)), word_tokens(tokenize(source))
    pairs = []
    for op in Levenshtein.opcodes([t.key for t in q_words], [t.key for t in s_words]):
        if op.tag != "equal":
            continue
        for q, s in zip(q_words[op.src_start:op.src_end], s_words[op.dest_start:op.dest_end],
                        strict=True):
            if q.kind is Kind.NUMBER and q.text != s.text:
                pairs.append((s.text, q.text))
    return pairs


def substitute(query: str, source: str, target: str) -> tuple[str, tuple[Placeable, ...]]:
    """Return the suggestion for ``query`` from a unit ``source`` → ``target``, and notes."""
    pairs = list(dict.fromkeys(differing_numbers(query, source)))
    if not pairs:
        return target, ()
    source_counts: dict[str, int] = {}
    for token in _numbers(tokenize(source)):
        source_counts[token.text] = source_counts.get(token.text, 0) + 1
    target_numbers = _numbers(tokenize(target))
    edits: list[tuple[Token, str]] = []
    notes = []
    for old, new in pairs:
        forms = [(old, new)] + ([(old.replace(",", "."), new.replace(",", "."))]
                                if "," in old else [])
        spots = [(t, n) for o, n in forms for t in target_numbers if t.text == o]
        if source_counts.get(old, 0) != 1:
            reason = f"{old} occurs {source_counts.get(old, 0)} times in the memory source"
        elif len(spots) != 1:
            reason = (f"{old} is not in the translation" if not spots
                      else f"{old} occurs {len(spots)} times in the translation")
        else:
            edits.append(spots[0])
            notes.append(Placeable(old, new, True, f"number {old} replaced with {new}"))
            continue
        notes.append(Placeable(old, new, False, f"number {old} differs from {new} but was "
                                                f"not replaced: {reason}"))
    suggestion = target
    for token, new in sorted(edits, key=lambda e: e[0].start, reverse=True):
        suggestion = suggestion[:token.start] + new + suggestion[token.end:]
    return suggestion, tuple(notes)
