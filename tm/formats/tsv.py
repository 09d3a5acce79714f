"""Alignment links as TSV: score (3 decimals), source text, target text; one link a line.

No quoting: a tab or line break inside a text becomes a space, so every line splits on tabs
into exactly three fields (``cut``, ``awk -F'\\t'`` and spreadsheets read it as is).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import IO

from tm.formats.links import TextLink

_SEPARATORS = re.compile(r"[\t\r\n]")


class TsvDialect(csv.Dialect):
    """Tab-separated, never quoted, lines ending in ``\\n``."""

    delimiter = "\t"
    quoting = csv.QUOTE_NONE
    quotechar = None
    escapechar = None
    doublequote = False
    skipinitialspace = False
    lineterminator = "\n"
    strict = True


def _cell(text: str) -> str:
    return _SEPARATORS.sub(" ", text)


def write_links(out: IO[bytes], links: Iterable[TextLink], *, src_lang: str,
                tgt_lang: str) -> None:
    """Write one line per link: its score, source text and target text."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text, dialect=TsvDialect)
        for link in links:
            writer.writerow((f"{link.score:.3f}", _cell(link.src_text), _cell(link.tgt_text)))
    finally:
        text.detach()  # the stream stays the caller's to close
