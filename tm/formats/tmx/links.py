"""Alignment links as TMX 1.4: one unit per link with sentences on both sides.

A link with one side empty (a sentence without counterpart) is no translation unit and is
left out; the aligner's confidence is kept as the unit's ``x-align-score`` prop.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from tm.formats.links import TextLink
from tm.formats.tmx.units import Meta, TmxUnit, Variant
from tm.formats.tmx.writer import TmxWriter

SCORE_PROP = "x-align-score"


def write_links(out: IO[bytes], links: Iterable[TextLink], *, src_lang: str,
                tgt_lang: str) -> None:
    """Write the two-sided links as translation units, the score (4 decimals) as a prop."""
    with TmxWriter(out, srclang=src_lang) as writer:
        for link in links:
            if not link.src or not link.tgt:
                continue
            writer.write(TmxUnit(
                variants=(Variant(lang=src_lang, raw_lang=src_lang, text=link.src_text),
                          Variant(lang=tgt_lang, raw_lang=tgt_lang, text=link.tgt_text)),
                meta=(Meta(kind="prop", type=SCORE_PROP, text=f"{link.score:.4f}"),)))
