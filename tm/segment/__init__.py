"""Sentence segmentation for Russian and English news (and generic rules for the rest).

``split_sentences(text, lang)`` returns :class:`Span` values with exact
offsets into ``text``. A line break always ends a sentence; inside a line an
ordered list of small rules (:mod:`tm.segment.rules`) decides each candidate
boundary, with abbreviation tables in :mod:`tm.segment.abbreviations`.
"""
from __future__ import annotations

from tm.segment.segmenter import split_sentences
from tm.segment.span import Span

__all__ = ["Span", "split_sentences"]
