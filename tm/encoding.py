"""Byte-order marks and codec names: what reading a TMX file and importing an article share.

Only the facts live here; each reader keeps its own policy. A TMX file follows its bytes
and its XML declaration, and is read in a single-byte code page only when it declares one
(:mod:`tm.formats.tmx.encoding`); an article is guessed as Windows-1251 when it is not
UTF-8, or refused (:mod:`tm.ingest.decode`).
"""
from __future__ import annotations

import codecs

# Each mark with the codec that reads what follows it. UTF-32 LE comes before UTF-16 LE,
# whose mark is its prefix.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff_bom(data: bytes) -> tuple[str, int] | None:
    """Return the codec a byte-order mark at the start of ``data`` names, and its length."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def canonical(name: str) -> str | None:
    """Return Python's name of an encoding ("UTF8", "windows-1251" → "utf-8", "cp1251"),
    None for a name it does not know."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
