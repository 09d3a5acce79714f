"""Alignment links as one JSON object: the languages, and each link's sentences and score.

``{"src_lang", "tgt_lang", "links": [{"src": [0], "tgt": [0], "score", "src_text",
"tgt_text"}, ...]}``; sentence indices count from 0 over the whole document, scores have 4
decimals, Cyrillic is written as UTF-8.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import IO

from tm.formats.links import TextLink

# One space per level: readable, and half the bytes of the usual four.
INDENT = 1


def write_links(out: IO[bytes], links: Iterable[TextLink], *, src_lang: str,
                tgt_lang: str) -> None:
    """Write the links as one JSON object."""
    data = {"src_lang": src_lang, "tgt_lang": tgt_lang,
            "links": [{"src": list(x.src), "tgt": list(x.tgt), "score": round(x.score, 4),
                       "src_text": x.src_text, "tgt_text": x.tgt_text} for x in links]}
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    try:
        json.dump(data, text, ensure_ascii=False, indent=INDENT)
        text.write("\n")
    finally:
        text.detach()  # the stream stays the caller's to close
