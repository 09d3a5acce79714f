"""Word diffs: the one way two texts are compared word by word, for every diff Sverka shows.

Method: both texts are cut into match tokens (:data:`tm.tokens.MATCH_TOKEN`: words, numbers
and punctuation marks; white space is no token) and the two token sequences are aligned by
Levenshtein opcodes (rapidfuzz) on the exact token text. That is a minimal word edit, the
measure a match score is computed from (:mod:`tm.search.score`), so a fuzzy match's diff marks
the words its percentage lost. (The history used difflib's longest matching blocks before:
not a minimal edit, and with runs of spaces as tokens it anchored unrelated words on the
spaces between them.)

One alignment, two views:

* :class:`DiffOp` — the spans of both texts side by side: a match's diff (query against
  memory source, :attr:`tm.search.Match.diff`), from :func:`token_diff`.
* :class:`Change` — runs of text that mark one text against the other, the spaces between the
  words kept, so the runs rebuild both texts exactly: from :func:`changes` (the memory source
  against the segment) or :func:`word_diff` (two versions of a text, for its history).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tm.tokens import MATCH_TOKEN


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One span of a diff, as an edit turning the query into the memory source.

    ``op`` is ``equal``, ``replace``, ``insert`` (words only the memory source has) or
    ``delete`` (words only the query has); ``query``/``source`` are the spans' text, from the
    first token to the last, and ``query_start``/``source_start`` where they start (an empty
    span: where the next token starts).
    """

    op: str
    query: str
    source: str
    query_start: int
    source_start: int

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict."""
        return {"op": self.op, "query": self.query, "source": self.source}


@dataclass(frozen=True, slots=True)
class Change:
    """A run of text that is the same in both versions, only in the old, or only in the new."""

    op: str  # "equal", "delete", "insert"
    text: str

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict."""
        return {"op": self.op, "text": self.text}


def _tokens(text: str) -> tuple[list[str], list[int], list[int]]:
    found = list(MATCH_TOKEN.finditer(text))
    return [m.group() for m in found], [m.start() for m in found], [m.end() for m in found]


def token_diff(query: str, source: str) -> tuple[DiffOp, ...]:
    """Return the diff of ``query`` and ``source`` by tokens, exact (case and marks count)."""
    q_words, q_starts, q_ends = _tokens(query)
    s_words, s_starts, s_ends = _tokens(source)

    def span(text: str, starts: list[int], ends: list[int], i: int, j: int) -> tuple[str, int]:
        if i < j:
            return text[starts[i]:ends[j - 1]], starts[i]
        return "", starts[i] if i < len(starts) else len(text)

    ops = []
    for op in Levenshtein.opcodes(q_words, s_words):
        q_text, q_at = span(query, q_starts, q_ends, op.src_start, op.src_end)
        s_text, s_at = span(source, s_starts, s_ends, op.dest_start, op.dest_end)
        ops.append(DiffOp(op.tag, q_text, s_text, q_at, s_at))
    return tuple(ops)


def _space_prefix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n] and a[n].isspace():
        n += 1
    return n


class _Runs:
    """Changes being collected: the text between two equal tokens is held until the next
    equal token, then marked as a whole, the spaces both versions share at its ends equal
    (so an inserted comma is marked alone, an inserted word with one of its spaces)."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.old = self.new = ""

    def add(self, op: str, text: str) -> None:
        if not text:
            return
        if self.changes and self.changes[-1].op == op:
            self.changes[-1] = Change(op, self.changes[-1].text + text)
        else:
            self.changes.append(Change(op, text))

    def edit(self, old: str, new: str) -> None:
        """Hold text of both versions that may differ."""
        self.old += old
        self.new += new

    def flush(self) -> None:
        """Mark the text held: shared spaces at its ends equal, the rest deleted and inserted."""
        old, new = self.old, self.new
        self.old = self.new = ""
        if old == new:
            self.add("equal", old)
            return
        head = _space_prefix(old, new)
        tail = _space_prefix(old[head:][::-1], new[head:][::-1])
        self.add("equal", old[:head])
        self.add("delete", old[head:len(old) - tail])
        self.add("insert", new[head:len(new) - tail])
        self.add("equal", old[len(old) - tail:])

    def equal(self, old: str, new: str) -> None:
        """Add equal tokens, whose spacing may still differ."""
        if old == new:
            self.flush()
            self.add("equal", old)
            return
        old_at = new_at = 0
        for a, b in zip(MATCH_TOKEN.finditer(old), MATCH_TOKEN.finditer(new), strict=True):
            self.edit(old[old_at:a.start()], new[new_at:b.start()])
            self.flush()
            self.add("equal", a.group())
            old_at, new_at = a.end(), b.end()


def changes(diff: Sequence[DiffOp], *, query: str, source: str) -> list[Change]:
    """Return ``diff`` of ``query`` and ``source`` as the runs that turn ``source`` into ``query``.

    ``delete`` marks words only the source has, ``insert`` words only the query has; the
    spaces between them are kept, so the runs rebuild both texts.
    """
    runs = _Runs()
    q_at = s_at = 0
    for op in diff:
        runs.edit(source[s_at:op.source_start], query[q_at:op.query_start])
        if op.op == "equal":
            runs.equal(op.source, op.query)
        else:
            runs.edit(op.source, op.query)
        q_at, s_at = op.query_start + len(op.query), op.source_start + len(op.source)
    runs.edit(source[s_at:], query[q_at:])
    runs.flush()
    return runs.changes


def word_diff(old: str, new: str) -> list[Change]:
    """Return the changes that turn ``old`` into ``new``, word by word."""
    return changes(token_diff(new, old), query=new, source=old)
