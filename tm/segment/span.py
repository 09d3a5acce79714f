"""The value a segmenter returns: one sentence as offsets into the source text."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence: ``source[start:end] == text``, without surrounding whitespace."""

    start: int
    end: int
    text: str
