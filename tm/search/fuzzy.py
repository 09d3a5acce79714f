"""Fuzzy lookup: the best earlier translations of a sentence, with CAT match percentages.

Two stages, as Weblate's memory does it: the candidate index (:mod:`tm.search.index`)
returns every unit that can reach the threshold, then each is scored exactly on its text
(:mod:`tm.search.score`), given its context and trust penalties, explained (word diff,
provenance) and its numbers carried into the suggestion (:mod:`tm.search.placeables`).
:func:`brute_force` scores every unit instead, and returns the same.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.diff import DiffOp, token_diff
from tm.errors import NotFoundError, ValidationError
from tm.lang import SOURCE_LANG, TARGET_LANG, primary_language
from tm.models import Document, Memory, MemoryUnit, Origin, Status, Track, Translation
from tm.search import index
from tm.search.placeables import Placeable, substitute
from tm.search.score import CONTEXT_MATCH, context_score, text_score, trust_penalty

DEFAULT_MIN_SCORE = 70
DEFAULT_LIMIT = 5
# A lookup returns a handful of matches; asking for more than this is asking for a scan.
MAX_LIMIT = 100
# Units fetched per query from the database when re-scoring candidates.
FETCH_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a unit came from: its memory, and the document translation it was made of."""

    memory: str
    unit_id: int
    tuid: str | None = None
    document_id: int | None = None
    document_title: str | None = None
    track: str | None = None
    translation_id: int | None = None
    status: Status | None = None
    origin: Origin | None = None
    author: str | None = None
    date: dt.datetime | None = None

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"memory": self.memory, "unit_id": self.unit_id, "tuid": self.tuid,
                "document_id": self.document_id, "document_title": self.document_title,
                "track": self.track, "translation_id": self.translation_id,
                "status": self.status.value if self.status else None,
                "origin": self.origin.value if self.origin else None, "author": self.author,
                "date": self.date.isoformat() if self.date else None}


@dataclass(frozen=True, slots=True)
class Match:
    """A memory unit offered for a query, with its score and everything that explains it.

    ``score`` is the final percentage (101 context match, 100 identical, penalties taken off);
    ``text_score`` the score of the text alone; ``suggestion`` the target with differing
    numbers substituted where safe (``placeables`` says which).
    """

    score: int
    text_score: int
    source: str
    target: str
    suggestion: str
    memory: str
    provenance: Provenance
    penalties: tuple[tuple[str, int], ...]
    diff: tuple[DiffOp, ...]
    placeables: tuple[Placeable, ...]

    @property
    def unit_id(self) -> int:
        return self.provenance.unit_id

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"score": self.score, "text_score": self.text_score, "source": self.source,
                "target": self.target, "suggestion": self.suggestion, "memory": self.memory,
                "penalties": dict(self.penalties), "provenance": self.provenance.as_dict(),
                "diff": [d.as_dict() for d in self.diff],
                "placeables": [p.as_dict() for p in self.placeables]}


def select_memories(session: Session, *, src: str, tgt: str,
                    memories: Iterable[str] | None) -> list[Memory]:
    """Return the memories named (all for the language pair if None); unknown names raise."""
    if memories is not None:
        names = list(dict.fromkeys(memories))
        found = {m.name: m for m in session.scalars(select(Memory).where(Memory.name.in_(names)))}
        missing = [n for n in names if n not in found]
        if missing:
            raise NotFoundError("memory-missing", "no memory named {name!r}", name=missing[0])
        chosen = [found[n] for n in names]
    else:
        chosen = list(session.scalars(select(Memory).order_by(Memory.id)))
    pair = (primary_language(src), primary_language(tgt))
    return [m for m in chosen
            if (primary_language(m.src_lang), primary_language(m.tgt_lang)) == pair]


def _check(min_score: int, limit: int) -> None:
    if not 1 <= min_score <= CONTEXT_MATCH:
        raise ValidationError("min-score-invalid", "minimum score {score} out of range: use "
                              "1–{max}", score=min_score, max=CONTEXT_MATCH)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError("limit-invalid", "limit {limit} out of range: use 1–{max}",
                              limit=limit, max=MAX_LIMIT)


# The columns a match is made of: plain rows, no ORM objects (a lookup's budget is a few ms).
_COLUMNS = (MemoryUnit.id, MemoryUnit.memory_id, MemoryUnit.tuid, MemoryUnit.source,
            MemoryUnit.target, MemoryUnit.context_before, MemoryUnit.context_after,
            MemoryUnit.document_id, MemoryUnit.translation_id, MemoryUnit.created_at,
            MemoryUnit.created_by, MemoryUnit.changed_at, MemoryUnit.changed_by,
            MemoryUnit.imported_at, Translation.status, Translation.origin,
            Track.name.label("track"), Document.title.label("document_title"))


def _fetch(session: Session, unit_ids: Sequence[int], memory_ids: Sequence[int]) -> list[Any]:
    rows: list[Any] = []
    for at in range(0, len(unit_ids), FETCH_CHUNK):
        stmt = (select(*_COLUMNS)
                .outerjoin(Translation, Translation.id == MemoryUnit.translation_id)
                .outerjoin(Track, Track.id == Translation.track_id)
                .outerjoin(Document, Document.id == MemoryUnit.document_id)
                .where(MemoryUnit.id.in_(unit_ids[at:at + FETCH_CHUNK]),
                       MemoryUnit.memory_id.in_(memory_ids)))
        rows.extend(session.execute(stmt))
    return rows


def _rank(session: Session, text: str, unit_ids: Sequence[int], memories: list[Memory], *,
          before: str | None, after: str | None, min_score: int,
          limit: int) -> list[Match]:
    by_id = {m.id: m for m in memories}
    scored = []
    for row in _fetch(session, unit_ids, list(by_id)):
        if row.status is Status.REJECTED:
            continue
        detail = text_score(text, row.source)
        score = context_score(detail.score, query_before=before, query_after=after,
                              unit_before=row.context_before, unit_after=row.context_after)
        trust = trust_penalty(memory_penalty=by_id[row.memory_id].penalty, status=row.status,
                              origin=row.origin)
        final = max(0, score - trust)
        if final < min_score:
            continue
        penalties = detail.penalties + ((("trust", trust),) if trust else ())
        scored.append((final, detail.score, row, penalties))
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)

    def order(item: tuple[int, int, Any, Any]) -> tuple[int, int, float, int]:
        row = item[2]
        date = row.changed_at or row.created_at or row.imported_at or epoch
        return -item[0], -item[1], -date.timestamp(), -row.id

    scored.sort(key=order)
    matches = []
    for final, plain, row, penalties in scored[:limit]:
        suggestion, placeables = substitute(text, row.source, row.target)
        memory = by_id[row.memory_id].name
        provenance = Provenance(
            memory=memory, unit_id=row.id, tuid=row.tuid, document_id=row.document_id,
            document_title=row.document_title, track=row.track,
            translation_id=row.translation_id, status=row.status, origin=row.origin,
            author=row.changed_by or row.created_by,
            date=row.changed_at or row.created_at or row.imported_at)
        matches.append(Match(final, plain, row.source, row.target, suggestion, memory,
                             provenance, penalties, token_diff(text, row.source), placeables))
    return matches


def fuzzy(session: Session, text: str, *, src: str = SOURCE_LANG, tgt: str = TARGET_LANG,
          memories: Iterable[str] | None = None, min_score: int = DEFAULT_MIN_SCORE,
          limit: int = DEFAULT_LIMIT, before: str | None = None,
          after: str | None = None) -> list[Match]:
    """Return the best matches for ``text`` (best first), scoring at least ``min_score``.

    ``before``/``after`` are the sentences around ``text``: an identical unit with the same
    neighbours is a context match (101). ``memories`` names the memories to search (default:
    every memory of the language pair).
    """
    _check(min_score, limit)
    chosen = select_memories(session, src=src, tgt=tgt, memories=memories)
    if not chosen:
        return []
    unit_ids = index.candidates(session, index.index_keys(text), threshold=min_score,
                                memory_ids=[m.id for m in chosen])
    return _rank(session, text, unit_ids, chosen, before=before, after=after,
                 min_score=min_score, limit=limit)


def brute_force(session: Session, text: str, *, src: str = SOURCE_LANG, tgt: str = TARGET_LANG,
                memories: Iterable[str] | None = None, min_score: int = DEFAULT_MIN_SCORE,
                limit: int = DEFAULT_LIMIT, before: str | None = None,
                after: str | None = None) -> list[Match]:
    """Return what :func:`fuzzy` returns, by scoring every unit (for tests and benchmarks)."""
    _check(min_score, limit)
    chosen = select_memories(session, src=src, tgt=tgt, memories=memories)
    if not chosen:
        return []
    unit_ids = list(session.scalars(select(MemoryUnit.id).where(
        MemoryUnit.memory_id.in_([m.id for m in chosen]))))
    return _rank(session, text, unit_ids, chosen, before=before, after=after,
                 min_score=min_score, limit=limit)
