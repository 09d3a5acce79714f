"""Segments: the units a text is cut into, with a news dateline as a unit of its own.

:func:`split_units` is the one entry point for cutting text into segments: an import (each
body paragraph, :mod:`tm.ingest.structure`), the alignment of a translation and
``sverka segment`` all call it, so they cut a text alike. It takes the sentences of
:func:`~tm.segment.split_sentences` and cuts a leading dateline ("БИШКЕК, 21 янв —
Sputnik.") off the first sentence of each line, which the sentence rules leave joined to
the sentence after it: a dateline is a segment of its own (``SegmentKind.DATELINE``).
"""
from __future__ import annotations

import re

from tm.segment.segmenter import LINE_BREAKS, split_sentences
from tm.segment.span import Span

# "БИШКЕК, 21 янв — Sputnik." / "ЕКАТЕРИНБУРГ, 14 марта." / "BISHKEK, January 21 – Sputnik."
DATELINE_PATTERN = re.compile(
    r"^(?P<dateline>[A-ZА-ЯЁ][A-ZА-ЯЁ.'\- ]{1,40}(\([^)]{1,40}\))?,\s+"
    r"(\d{1,2}\s+[а-яёa-z]{3,9}\.?|[A-Z][a-z]{2,8}\.?\s+\d{1,2})"
    r"(,?\s+\d{4}\s*(г\.|года)?)?"
    r"(\s*[—–-]+\s*[^\s.][^.]{0,40})?\.)(\s|$)")
_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")


def is_dateline(text: str) -> bool:
    """Tell a dateline sentence ("БИШКЕК, 21 янв — Sputnik.")."""
    match = DATELINE_PATTERN.match(text)
    return match is not None and match.end("dateline") == len(text.rstrip())


def _without_dateline(text: str, span: Span) -> list[Span]:
    match = DATELINE_PATTERN.match(span.text)
    if not match or match.end("dateline") >= len(span.text):
        return [span]
    cut = span.start + match.end("dateline")
    rest = text[cut:span.end]
    rest_start = cut + len(rest) - len(rest.lstrip())
    return [Span(span.start, cut, text[span.start:cut]),
            Span(rest_start, span.end, text[rest_start:span.end])]


def split_units(text: str, lang: str) -> list[Span]:
    """Split ``text`` into segments: its sentences, a leading dateline of a line on its own."""
    units: list[Span] = []
    end = 0
    for span in split_sentences(text, lang):
        if not units or _LINE_BREAK.search(text, end, span.start):
            units.extend(_without_dateline(text, span))
        else:
            units.append(span)
        end = span.end
    return units
