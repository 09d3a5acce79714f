"""The match score: a CAT-tool percentage from a word edit distance, with named penalties.

The formula, for a query ``q`` and a memory source ``s``:

1. Both are split into tokens (:mod:`tm.search.normalize`). Words and numbers form the word
   sequences; a word is compared case-folded (``ё`` as ``е``), every number as one placeholder.
2. ``D`` is the Levenshtein distance between the two word sequences, counted in words
   (inserting, deleting or replacing one word costs 1), and ``L`` the longer length::

       base = floor(100 × (L − D) / L)

3. Differences the word sequences do not see are penalised, not ignored, in points:
   ``CASE_PENALTY`` per aligned word that differs only in case or ``ё``/``е``,
   ``NUMBER_PENALTY`` per aligned number that differs, ``PUNCTUATION_PENALTY`` per
   punctuation mark inserted, deleted or replaced (at most ``PUNCTUATION_PENALTY_MAX``),
   ``WHITESPACE_PENALTY`` when only spacing differs.
4. ``score = min(base − penalties, 99)`` unless the texts are identical: **100 only for
   identical text**. ``CONTEXT_MATCH`` (101) when the text is identical and so are the
   sentences before and after it.
5. Then the unit's trust: its memory's penalty (``Memory.penalty``, OmegaT's
   ``tm/penalty-N``) and the penalties for the status and origin of the translation it came
   from are subtracted (never below 0).

The score can only fall below ``base``, which is what lets the candidate index prune by
``base`` alone (:mod:`tm.search.index`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tm.models import Origin, Status
from tm.search.normalize import Kind, Token, tokenize, word_tokens

# A word differing only in case is nearly the same word, but a translator must still fix
# the capital in the target, so it is worth one point.
CASE_PENALTY = 1
# A differing number is a real difference (and a classic source of mistakes) but a mechanical
# one: placeables usually fix it, so it costs less than a changed word but more than case.
NUMBER_PENALTY = 2
# Punctuation changes the target little; each mark one point, capped so a sentence with many
# changed quotes is not pushed below one with a changed word.
PUNCTUATION_PENALTY = 1
PUNCTUATION_PENALTY_MAX = 3
# Different spacing only: the text is not identical, so not 100, but nothing to edit.
WHITESPACE_PENALTY = 1
# The best a non-identical text can score.
BELOW_EXACT = 99
EXACT_MATCH = 100
# Identical text in identical surroundings (previous and next sentence), as in OmegaT/Trados.
CONTEXT_MATCH = 101

# Points off a unit by the status of the translation it came from: only approved translations
# flow into memories today, but older or imported ones may carry a weaker status.
STATUS_PENALTIES: dict[Status, int] = {
    Status.APPROVED: 0,
    Status.REVIEWED: 1,
    Status.TRANSLATED: 3,
    Status.DRAFT: 5,
    Status.REJECTED: 100,  # never offered
}
# Points off by origin: machine output is a suggestion to check, not a translation to trust;
# a supplied (agency) translation slightly less trusted than the desk's own.
ORIGIN_PENALTIES: dict[Origin, int] = {
    Origin.HUMAN: 0,
    Origin.SUPPLIED: 1,
    Origin.TM: 2,
    Origin.MACHINE: 10,
}


@dataclass(frozen=True, slots=True)
class MatchScore:
    """A text score: the percentage, its word-level base and the penalties taken off it."""

    score: int
    base: int
    distance: int  # words inserted, deleted or replaced
    penalties: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"score": self.score, "base": self.base, "distance": self.distance,
                "penalties": dict(self.penalties)}


def base_score(distance: int, length: int) -> int:
    """Return ``floor(100 × (length − distance) / length)``, 100 for two empty texts."""
    if length == 0:
        return EXACT_MATCH
    return (100 * (length - distance)) // length


def _aligned_pairs(query: Sequence[Token], source: Sequence[Token]) -> list[tuple[Token, Token]]:
    """Return the word pairs the edit distance keeps (equal keys), in order."""
    pairs: list[tuple[Token, Token]] = []
    ops = Levenshtein.opcodes([t.key for t in query], [t.key for t in source])
    for op in ops:
        if op.tag == "equal":
            pairs.extend(zip(query[op.src_start:op.src_end],
                             source[op.dest_start:op.dest_end], strict=True))
    return pairs


def text_score(query: str, source: str) -> MatchScore:
    """Return the match score of memory ``source`` for ``query`` (without context or trust)."""
    if query == source:
        return MatchScore(EXACT_MATCH, EXACT_MATCH, 0)
    q_tokens, s_tokens = tokenize(query), tokenize(source)
    q_words, s_words = word_tokens(q_tokens), word_tokens(s_tokens)
    distance = Levenshtein.distance([t.key for t in q_words], [t.key for t in s_words])
    base = base_score(distance, max(len(q_words), len(s_words)))
    penalties: dict[str, int] = {}
    for q, s in _aligned_pairs(q_words, s_words):
        if q.text != s.text:
            name = "number" if q.kind is Kind.NUMBER else "case"
            penalties[name] = penalties.get(name, 0) + (
                NUMBER_PENALTY if q.kind is Kind.NUMBER else CASE_PENALTY)
    punct = Levenshtein.distance([t.text for t in q_tokens if t.kind is Kind.PUNCT],
                                 [t.text for t in s_tokens if t.kind is Kind.PUNCT])
    if punct:
        penalties["punctuation"] = min(punct * PUNCTUATION_PENALTY, PUNCTUATION_PENALTY_MAX)
    if not penalties and distance == 0:
        penalties["whitespace"] = WHITESPACE_PENALTY
    score = max(0, min(base - sum(penalties.values()), BELOW_EXACT))
    return MatchScore(score, base, distance, tuple(sorted(penalties.items())))


def context_score(score: int, *, query_before: str | None, query_after: str | None,
                  unit_before: str | None, unit_after: str | None) -> int:
    """Return 101 for an exact match in the same surroundings, else ``score`` unchanged."""
    if score != EXACT_MATCH or query_before is None and query_after is None:
        return score
    same = (query_before or None) == (unit_before or None) and (
        (query_after or None) == (unit_after or None))
    return CONTEXT_MATCH if same else score


def trust_penalty(*, memory_penalty: int = 0, status: Status | None = None,
                  origin: Origin | None = None) -> int:
    """Return the points a unit loses for where it comes from."""
    points = max(0, memory_penalty)
    if status is not None:
        points += STATUS_PENALTIES[status]
    if origin is not None:
        points += ORIGIN_PENALTIES[origin]
    return points
