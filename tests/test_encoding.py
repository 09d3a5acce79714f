"""Byte-order marks and codec names, as TMX reading and article ingest both see them."""
from __future__ import annotations

import codecs

import pytest

from tm.encoding import canonical, sniff_bom
from tm.formats.tmx.encoding import decide_encoding
from tm.ingest.decode import decode_bytes

TEXT = "Резолюция носит предвзятый характер."


@pytest.mark.parametrize("data, expected", [
    (codecs.BOM_UTF8 + b"<", ("utf-8", 3)),
    (codecs.BOM_UTF16_LE + b"<\x00", ("utf-16-le", 2)),
    (codecs.BOM_UTF16_BE + b"\x00<", ("utf-16-be", 2)),
    (codecs.BOM_UTF32_LE + b"<\x00\x00\x00", ("utf-32-le", 4)),  # not UTF-16 LE + a NUL
    (codecs.BOM_UTF32_BE + b"\x00\x00\x00<", ("utf-32-be", 4)),
    (b"<?xml", None),
    (b"", None),
])
def test_sniff_bom(data: bytes, expected: tuple[str, int] | None) -> None:
    assert sniff_bom(data) == expected


@pytest.mark.parametrize("name, expected", [
    ("UTF8", "utf-8"), ("windows-1251", "cp1251"), ("Latin-1", "iso8859-1"),
    ("koi8_r", "koi8-r"), ("no-such-codec", None),
])
def test_canonical(name: str, expected: str | None) -> None:
    assert canonical(name) == expected


@pytest.mark.parametrize("bom, codec", [
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
])
def test_tmx_and_ingest_read_a_bom_alike(bom: bytes, codec: str) -> None:
    data = bom + TEXT.encode(codec)
    encoding, skip, warnings = decide_encoding(data)
    assert (encoding, warnings) == (codec, [])
    assert data[skip:].decode(encoding) == decode_bytes(data, "a.txt") == TEXT
