"""Decide a TMX file's real encoding from its bytes and hand the parser UTF-8, streaming.

Real files carry byte-order marks, declarations that contradict their bytes, UTF-16 without
a BOM and single-byte code pages. The parser only ever sees UTF-8 with a matching
declaration; what was decided, and any contradiction, is reported as a warning. The marks
and codec names are :mod:`tm.encoding`'s, shared with article ingest.
"""
from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from tm.encoding import canonical, sniff_bom
from tm.errors import FormatError

SNIFF_BYTES = 1 << 16  # the prolog and enough text to judge the encoding
CHUNK_BYTES = 1 << 20

_DECLARATION = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["'][^>]*\?>""")
_DECLARATION_ANY = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARATION_BYTES = re.compile(rb"^\s*<\?xml[^>]*\?>")
_UTF8_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_SINGLE_BYTE_FALLBACK = "cp1252"


def _canonical(name: str) -> str:
    known = canonical(name)
    if known is None:
        raise FormatError(f"unknown encoding {name!r} declared")
    return known


def _valid_utf8_prefix(data: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data, final=False)  # a character cut at the end is fine
    except UnicodeDecodeError:
        return False
    return True


def decide_encoding(head: bytes) -> tuple[str, int, list[str]]:
    """Return (encoding, bytes to skip for a BOM, warnings) for a file starting with ``head``."""
    warnings: list[str] = []
    bom_encoding, skip = sniff_bom(head) or (None, 0)
    if bom_encoding is None and head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        bom_encoding = "utf-16-le" if head[0] == 0x3C else "utf-16-be"
    text_head = head[skip:].decode(bom_encoding or "latin-1", errors="replace")
    match = _DECLARATION.match(text_head)
    declared = _canonical(match.group(1)) if match else None
    if bom_encoding is not None:
        family = bom_encoding.split("-")[0] + "-" + bom_encoding.split("-")[1]
        if declared and not declared.startswith(family) and declared not in ("utf-16", "utf-32"):
            warnings.append(f"declared {declared} but the bytes are {bom_encoding}; "
                            f"read as {bom_encoding}")
        return bom_encoding, skip, warnings
    if declared is None or declared == "utf-8":
        if _valid_utf8_prefix(head):
            return "utf-8", 0, warnings
        warnings.append(f"declared {declared or 'UTF-8 (by default)'} but the bytes are not "
                        f"UTF-8; read as {_SINGLE_BYTE_FALLBACK}")
        return _SINGLE_BYTE_FALLBACK, 0, warnings
    if declared in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
        raise FormatError(f"declared {declared} but has no byte-order mark and does not "
                          "start like UTF-16")
    if any(b >= 0x80 for b in head) and _valid_utf8_prefix(head):
        warnings.append(f"declared {declared} but the bytes are UTF-8; read as utf-8")
        return "utf-8", 0, warnings
    if declared == "ascii" and any(b >= 0x80 for b in head):
        warnings.append(f"declared us-ascii but has 8-bit bytes; read as {_SINGLE_BYTE_FALLBACK}")
        return _SINGLE_BYTE_FALLBACK, 0, warnings
    return declared, 0, warnings


class Utf8Stream:
    """A file-like object giving the parser UTF-8 bytes, whatever the file's encoding.

    UTF-8 passes through unchanged and unchecked: the parser rejects invalid bytes itself,
    and :meth:`invalid_offset` then finds where they are for the error message.
    """

    def __init__(self, raw: BinaryIO, encoding: str, skip: int, name: str) -> None:
        self._raw, self._name, self._encoding = raw, name, encoding
        self._skip = skip
        raw.read(skip)
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self.passthrough = encoding == "utf-8"
        self._first = True
        self._offset = skip

    def read(self, size: int = -1) -> bytes:
        """Return some bytes of UTF-8; b"" only at the end of the file."""
        want = CHUNK_BYTES if size is None or size < 0 else max(size, 4096)
        while True:
            chunk = self._raw.read(want)
            final = not chunk
            if self.passthrough:
                out = chunk
                if self._first and chunk:
                    out = _DECLARATION_BYTES.sub(_UTF8_DECLARATION.encode(), out, count=1)
            else:
                try:
                    text = self._decoder.decode(chunk, final=final)
                except UnicodeDecodeError as error:
                    raise FormatError(f"{self._name}: byte {self._offset + error.start} is not "
                                      f"valid {self._encoding}") from error
                if self._first and text:
                    text = _DECLARATION_ANY.sub(_UTF8_DECLARATION, text, count=1)
                out = text.encode("utf-8")
            self._offset += len(chunk)
            if out or final:
                self._first = self._first and not out
                return out

    def invalid_offset(self) -> int | None:
        """Return the offset of the file's first byte that is not valid in its encoding
        (None if there is none), reading the file again from the start."""
        self._raw.seek(self._skip)
        decoder = codecs.getincrementaldecoder(self._encoding)()
        offset = self._skip
        while True:
            chunk = self._raw.read(CHUNK_BYTES)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                return offset + error.start
            if not chunk:
                return None
            offset += len(chunk)

    def encoding_error(self) -> FormatError | None:
        """Return the error to report if the file has bytes invalid in its encoding."""
        offset = self.invalid_offset()
        if offset is None:
            return None
        return FormatError(f"{self._name}: byte {offset} is not valid {self._encoding}")
