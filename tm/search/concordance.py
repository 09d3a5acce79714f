"""Concordance: a word or phrase inside the sources or targets of the memories, in context.

Russian is searched by every form of each word (:mod:`tm.search.morphology`), so
«расследование» also finds «расследования»; a phrase's words must follow each other. Sources
are looked up through the candidate index (the units holding a form of every word), targets
with a SQL prefilter on the rarest-looking (longest) word's stem; every hit is then checked
on its text and its matching spans returned for highlighting, newest units first, by pages.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.errors import ValidationError
from tm.lang import SOURCE_LANG, TARGET_LANG
from tm.models import MemoryUnit
from tm.search import index
from tm.search.fuzzy import select_memories
from tm.search.morphology import forms, stem
from tm.search.normalize import NUMBER_KEY, Kind, Token, key_hash, tokenize, word_tokens

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 200
# Units checked per search at most: a word in every other sentence («в») would otherwise
# make one page cost a scan of the memory; past this the total is reported as a lower bound.
MAX_CHECKED = 20_000
CHUNK = 1000


@dataclass(frozen=True, slots=True)
class Hit:
    """A unit where the phrase occurs, with the spans (start, end) of each occurrence."""

    unit_id: int
    memory: str
    source: str
    target: str
    side: str  # "source" or "target": where ``spans`` are
    spans: tuple[tuple[int, int], ...]

    def highlighted(self, before: str = "[", after: str = "]") -> str:
        """Return the searched side with every occurrence marked."""
        text = self.source if self.side == "source" else self.target
        for start, end in reversed(self.spans):
            text = text[:start] + before + text[start:end] + after + text[end:]
        return text

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"unit_id": self.unit_id, "memory": self.memory, "source": self.source,
                "target": self.target, "side": self.side,
                "spans": [list(s) for s in self.spans]}


@dataclass(frozen=True, slots=True)
class ConcordancePage:
    """One page of concordance hits and how many there are in all."""

    query: str
    side: str
    hits: tuple[Hit, ...]
    total: int
    page: int
    per_page: int
    truncated: bool  # more units held the words than were checked: ``total`` is a lower bound

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"query": self.query, "side": self.side, "total": self.total,
                "page": self.page, "per_page": self.per_page, "pages": self.pages,
                "truncated": self.truncated, "hits": [h.as_dict() for h in self.hits]}


Matcher = Callable[[Token], bool]


def _matcher(word: Token, lang: str, *, morphology: bool) -> Matcher:
    """Return the test a token of a unit must pass to stand for ``word``."""
    if word.kind is Kind.NUMBER:
        return lambda token: token.text == word.text
    if lang.startswith("ru"):
        accepted = forms(word.text, lang) if morphology else frozenset({word.key})
        return lambda token: token.key in accepted
    if not morphology:
        return lambda token: token.key == word.key
    wanted = stem(word.text, lang)
    return lambda token: token.key == wanted or stem(token.text, lang) == wanted


def _matchers(words: Sequence[Token], lang: str, *, morphology: bool) -> list[Matcher]:
    return [_matcher(w, lang, morphology=morphology) for w in words]


def find_spans(text: str, matchers: Sequence[Matcher]) -> tuple[tuple[int, int], ...]:
    """Return the spans where consecutive words of ``text`` satisfy ``matchers`` in order."""
    tokens = word_tokens(tokenize(text))
    size = len(matchers)
    spans = []
    at = 0
    while at + size <= len(tokens):
        if all(m(tokens[at + i]) for i, m in enumerate(matchers)):
            spans.append((tokens[at].start, tokens[at + size - 1].end))
            at += size
        else:
            at += 1
    return tuple(spans)


def _source_candidates(session: Session, words: Sequence[Token], lang: str,
                       memory_ids: list[int], morphology: bool) -> list[int]:
    alternatives: list[Iterable[int]] = []
    for word in words:
        if word.kind is Kind.NUMBER:
            alternatives.append([key_hash(NUMBER_KEY)])
        else:
            accepted = forms(word.text, lang) if morphology else {word.key}
            alternatives.append([key_hash(f) for f in accepted])
    return index.units_with_words(session, alternatives, memory_ids=memory_ids)[::-1]


def _target_candidates(session: Session, words: Sequence[Token], lang: str,
                       memory_ids: list[int], morphology: bool) -> list[int]:
    longest = max(words, key=lambda w: len(w.text))
    needle = longest.key
    if morphology:  # the stem as spelled in the word: «economi» is no substring of «economy»
        needle = os.path.commonprefix([stem(longest.text, lang), longest.key]) or needle
    needle = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(session.scalars(
        select(MemoryUnit.id).where(MemoryUnit.memory_id.in_(memory_ids),
                                    MemoryUnit.target.ilike(f"%{needle}%", escape="\\"))
        .order_by(MemoryUnit.id.desc()).limit(MAX_CHECKED + 1)))


def _found(session: Session, query: str, *, target: bool, src: str, tgt: str,
           memories: Iterable[str] | None, morphology: bool,
           ) -> tuple[Iterator[tuple[MemoryUnit, tuple[tuple[int, int], ...]]], dict[int, str],
                      bool]:
    """The units holding ``query`` (each with its spans), in order; their memories' names;
    whether more units held the words than :data:`MAX_CHECKED` (not all were looked at)."""
    words = word_tokens(tokenize(query))
    if not words:
        raise ValidationError("search-query-empty", "give a word or phrase to look for")
    lang = tgt if target else src
    chosen = select_memories(session, src=src, tgt=tgt, memories=memories)
    names = {m.id: m.name for m in chosen}
    ids: list[int] = []
    if chosen:
        find = _target_candidates if target else _source_candidates
        ids = find(session, words, lang, list(names), morphology)
    matchers = _matchers(words, lang, morphology=morphology)

    def found() -> Iterator[tuple[MemoryUnit, tuple[tuple[int, int], ...]]]:
        for at in range(0, min(len(ids), MAX_CHECKED), CHUNK):
            chunk = ids[at:at + CHUNK]
            units = {u.id: u for u in session.scalars(
                select(MemoryUnit).where(MemoryUnit.id.in_(chunk)))}
            for uid in chunk:
                unit = units.get(uid)
                if unit is None:
                    continue
                spans = find_spans(unit.target if target else unit.source, matchers)
                if spans:
                    yield unit, spans

    return found(), names, len(ids) > MAX_CHECKED


def concordance(session: Session, query: str, *, target: bool = False, src: str = SOURCE_LANG,
                tgt: str = TARGET_LANG, memories: Iterable[str] | None = None, page: int = 1,
                per_page: int = DEFAULT_PER_PAGE, morphology: bool = True) -> ConcordancePage:
    """Return page ``page`` of the units whose sources (or targets) contain ``query``."""
    # No page past MAX_CHECKED can hold a hit: no more units than that are looked at.
    if not 1 <= page <= MAX_CHECKED or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationError("search-page-invalid", "page must be 1–{max_page} and per page "
                              "1–{max_per_page}", max_page=MAX_CHECKED,
                              max_per_page=MAX_PER_PAGE)
    side = "target" if target else "source"
    found, names, truncated = _found(session, query, target=target, src=src, tgt=tgt,
                                     memories=memories, morphology=morphology)
    hits: list[Hit] = []
    total = 0
    first = (page - 1) * per_page
    for unit, spans in found:
        if first <= total < first + per_page:
            hits.append(Hit(unit.id, names[unit.memory_id], unit.source, unit.target,
                            side, spans))
        total += 1
    return ConcordancePage(query, side, tuple(hits), total, page, per_page, truncated)


def matching_units(session: Session, query: str, *, memory: str, target: bool = False,
                   morphology: bool = True) -> list[int]:
    """The ids of every unit of ``memory`` that holds ``query`` in any form (a search
    result to act on as a whole; at most :data:`MAX_CHECKED` candidates are looked at)."""
    from tm.memory.memories import get_memory

    chosen = get_memory(session, memory)
    found, _, _ = _found(session, query, target=target, src=chosen.src_lang,
                         tgt=chosen.tgt_lang, memories=[memory], morphology=morphology)
    return [unit.id for unit, _ in found]
