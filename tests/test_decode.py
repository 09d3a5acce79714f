"""Input files are decoded only when their encoding is certain."""
from __future__ import annotations

import codecs

import pytest

from tm.errors import EncodingError, InputError
from tm.ingest.decode import decode_bytes

TEXT = "Резолюция Европарламента носит предвзятый характер — МИД РК.\nВторая строка."


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    TEXT.replace("—", "-").encode("cp1251"),
])
def test_accepted_encodings_decode_to_the_same_text(data: bytes) -> None:
    assert decode_bytes(data, "a.txt").replace("-", "—") == TEXT


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (codecs.BOM_UTF8, "empty"),
    (bytes(range(256)) * 4, "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_empty_and_binary_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_bytes(data, "a.txt")


def test_undecidable_encoding_is_refused_with_the_file_name() -> None:
    koi8 = TEXT.replace("—", "-").encode("koi8-r")
    with pytest.raises(EncodingError, match="^b.txt: cannot tell the encoding"):
        decode_bytes(koi8, "b.txt")


def test_broken_utf16_after_a_bom_is_refused() -> None:
    with pytest.raises(EncodingError):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8\x41", "c.txt")
