"""Recognise the parts of a news article: headline, dateline, body and boilerplate.

Works on paragraphs (lines) and their sentences with small named rules; boilerplate is
kept but flagged, so it can be left out of the memory and of scoring.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from tm.models import SegmentKind
from tm.segment import Span, is_dateline, split_units

# A heading-like line (headline, rubric, teaser) is short; longer unpunctuated lines are
# body text whose final stop was lost.
HEADING_MAX_WORDS = 25
# Repeated lines of up to this many words are rubrics ("Беспорядки в Казахстане в январе
# 2022 года" printed before every related block), not content.
RUBRIC_MAX_WORDS = 15

BOILERPLATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.I) for p in (
    r"^подпис(ыва)?(й|и)тесь\b", r"^читайте (также|нас|новости)\b", r"^смотрите (также|видео)\b",
    r"^(см\.|смотри) также\b", r"^также читайте\b", r"^по теме\b", r"^реклама$",
    r"^(фото|видео|источник|иллюстрация)\s*:", r"^поделиться\b", r"^новости партнеров\b",
    r"^(subscribe|sign up)\b", r"^(read|see) (also|more)\b", r"^follow us\b",
    r"^advertisement$", r"^related( stories| articles)?\s*:", r"^(photo|video|source)\s*:",
    r"^share (this|on)\b", r"^\(?(©|copyright\b)",
))
# Teasers for related material end like "… — видео", "… — фото", "… — эксперты о …".
TEASER_PATTERN = re.compile(
    r"\s[—–]\s(видео|фото|инфографика|video|photos?|infographic)\s*$"
    r"|\s[—–]\s\w+\s+(о|об|про|on|about)\s", re.I)
_FINAL_STOP = re.compile(r"[.…!?;:][\s\"'»”“’)\]]*$")


@dataclass(frozen=True, slots=True)
class Piece:
    """A sentence of a paragraph with its kind."""

    span: Span
    kind: SegmentKind


def _words(text: str) -> int:
    return len(text.split())


def is_heading_like(text: str) -> bool:
    """Tell a headline, rubric or teaser line: short and without a final stop."""
    return _words(text) <= HEADING_MAX_WORDS and not _FINAL_STOP.search(text)


def is_boilerplate_line(text: str) -> bool:
    """Tell a line that matches a known boilerplate pattern ("Подписывайтесь на …")."""
    return any(p.search(text) for p in BOILERPLATE_PATTERNS)


def _normalize(text: str) -> str:
    return " ".join(text.lower().split())


def paragraph_kinds(paragraphs: list[str]) -> list[SegmentKind]:
    """Give each paragraph a kind; DATELINE is decided per sentence, later."""
    counts = Counter(_normalize(p) for p in paragraphs)
    body_seen = False
    last_body = max((i for i, p in enumerate(paragraphs)
                     if not is_heading_like(p) and not is_boilerplate_line(p)), default=-1)
    kinds = []
    for i, text in enumerate(paragraphs):
        if is_boilerplate_line(text):
            kind = SegmentKind.BOILERPLATE
        elif counts[_normalize(text)] > 1 and _words(text) <= RUBRIC_MAX_WORDS:
            kind = SegmentKind.BOILERPLATE
        elif is_heading_like(text):
            if not body_seen:
                kind = SegmentKind.HEADLINE
            elif i > last_body or TEASER_PATTERN.search(text):
                kind = SegmentKind.BOILERPLATE  # related-article teaser
            else:
                kind = SegmentKind.HEADLINE  # an intertitle inside the body
        else:
            kind = SegmentKind.BODY
            body_seen = True
        kinds.append(kind)
    return kinds


def analyse(paragraphs: list[str], lang: str) -> list[list[Piece]]:
    """Split every paragraph into sentences and give each its kind."""
    return list(iter_analysed(paragraphs, lang))


def iter_analysed(paragraphs: list[str], lang: str) -> Iterator[list[Piece]]:
    """Yield the pieces of each paragraph in turn (as :func:`analyse`, one at a time)."""
    for text, kind in zip(paragraphs, paragraph_kinds(paragraphs), strict=True):
        if kind is SegmentKind.BODY:
            spans = split_units(text, lang)
            yield [Piece(s, SegmentKind.DATELINE if i == 0 and is_dateline(s.text)
                         else SegmentKind.BODY) for i, s in enumerate(spans)]
        else:
            # A headline or boilerplate line stays one segment: it is one unit for a translator.
            yield [Piece(Span(0, len(text), text), kind)]
