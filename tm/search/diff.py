"""A word diff between a query and a memory source, for showing what a match differs in."""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tm.search.normalize import Token, tokenize


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One span of the diff, as an edit turning the query into the memory source.

    ``op`` is ``equal``, ``replace``, ``insert`` (words only the memory source has) or
    ``delete`` (words only the query has); ``query``/``source`` are the spans' text.
    """

    op: str
    query: str
    source: str

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict."""
        return {"op": self.op, "query": self.query, "source": self.source}


def _span(text: str, tokens: list[Token], start: int, end: int) -> str:
    if start >= end:
        return ""
    return text[tokens[start].start:tokens[end - 1].end]


def word_diff(query: str, source: str) -> tuple[DiffOp, ...]:
    """Return the diff of ``query`` and ``source`` by tokens, exact (case and marks count)."""
    q_tokens, s_tokens = tokenize(query), tokenize(source)
    ops = Levenshtein.opcodes([t.text for t in q_tokens], [t.text for t in s_tokens])
    return tuple(DiffOp(op.tag, _span(query, q_tokens, op.src_start, op.src_end),
                        _span(source, s_tokens, op.dest_start, op.dest_end)) for op in ops)
