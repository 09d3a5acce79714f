"""Decide a TMX file's real encoding from its bytes and hand the parser UTF-8, streaming.

Real files carry byte-order marks, declarations that contradict their bytes, and UTF-16
(or UTF-32) with no mark at all, found by the NUL bytes around a first ``<``. The parser
only ever sees UTF-8 with a matching declaration; what was decided, and any
contradiction, is reported as a warning. The marks and codec names are
:mod:`tm.encoding`'s, shared with article ingest.

A file read as UTF-8 (it says so, or says nothing, or names UTF-16 over bytes that are
UTF-8) is never re-read in a single-byte code page: one bad byte would turn every
Cyrillic letter into mojibake, stored without a word. Bytes invalid in the encoding are
refused at their offset, or, with ``errors="replace"``, read as U+FFFD and counted. A
single-byte code page is used only when the file declares it.
"""
from __future__ import annotations

import codecs
import contextvars
import re
from typing import BinaryIO

from tm.encoding import canonical, sniff_bom
from tm.errors import FormatError
from tm.messages import Message

SNIFF_BYTES = 1 << 16  # the prolog and enough text to judge the encoding
CHUNK_BYTES = 1 << 20
ERRORS = ("strict", "replace")  # what to do with bytes invalid in the file's encoding

_DECLARATION = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["'][^>]*\?>""")
_DECLARATION_ANY = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARATION_BYTES = re.compile(rb"^\s*<\?xml[^>]*\?>")
_UTF8_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
# UTF-32 and UTF-16 without a byte-order mark: XML white space, then "<" and, for UTF-16,
# one more ASCII character, each padded with NULs as the byte order puts them. UTF-32 is
# tried first: its "<" would also start a UTF-16 LE pattern.
_WIDE_WITHOUT_BOM: tuple[tuple[str, re.Pattern[bytes]], ...] = (
    ("utf-32-le", re.compile(rb"(?:[\t\n\r ]\x00\x00\x00)*<\x00\x00\x00")),
    ("utf-32-be", re.compile(rb"(?:\x00\x00\x00[\t\n\r ])*\x00\x00\x00<")),
    ("utf-16-le", re.compile(rb"(?:[\t\n\r ]\x00)*<\x00[\x01-\x7f]\x00")),
    ("utf-16-be", re.compile(rb"(?:\x00[\t\n\r ])*\x00<\x00[\x01-\x7f]")),
)
_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")
# Bytes invalid in the encoding, read as U+FFFD when asked: the stream decoding counts them.
_REPLACING: contextvars.ContextVar[Utf8Stream] = contextvars.ContextVar("_REPLACING")


def _replace_and_count(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    stream = _REPLACING.get(None)
    if stream is not None:
        stream.replaced += 1
    return "\ufffd", error.end


codecs.register_error("sverka-replace", _replace_and_count)


def _canonical(name: str) -> str:
    known = canonical(name)
    if known is None:
        raise FormatError("encoding-unknown", "unknown encoding {name!r} declared", name=name)
    return "utf-8" if known == "utf-8-sig" else known


def invalid_utf8_offset(data: bytes) -> int | None:
    """Return the offset of the first byte of ``data`` that is not valid UTF-8, or None;
    a character cut at the end of ``data`` is fine."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data, final=False)
    except UnicodeDecodeError as error:
        return error.start
    return None


def _sniff_wide(head: bytes) -> str | None:
    for encoding, pattern in _WIDE_WITHOUT_BOM:
        if pattern.match(head):
            return encoding
    return None


def decide_encoding(head: bytes, *, errors: str = "strict") -> tuple[str, int, list[Message]]:
    """Return (encoding, bytes to skip for a BOM, warnings) for a file starting with ``head``.

    Raise FormatError (without the file's name) for bytes that cannot be read as asked.
    """
    warnings: list[Message] = []
    marked, skip = sniff_bom(head) or (_sniff_wide(head), 0)
    text_head = head[skip:].decode(marked or "latin-1", errors="replace")
    match = _DECLARATION.match(text_head)
    declared = _canonical(match.group(1)) if match else None
    if marked is not None:
        family = marked[:6]  # "utf-8", "utf-16" or "utf-32"
        if declared and not declared.startswith(family):
            warnings.append(Message("encoding-declared-other",
                                    "declared {declared} but the bytes are {found}; "
                                    "read as {found}", declared=declared, found=marked))
        return marked, skip, warnings
    if b"\x00" in head:
        raise FormatError("tmx-nul-byte", "byte {offset} is a NUL byte: not a text file (UTF-16 "
                          "and UTF-32 are read by their byte-order mark or a first '<')",
                          offset=head.index(0))
    bad = invalid_utf8_offset(head)
    if declared in _WIDE:
        if bad is not None:
            raise FormatError("tmx-wide-unmarked", "declared {declared} but has no byte-order "
                              "mark and is neither UTF-16 nor UTF-8 (byte {offset} is not "
                              "valid utf-8)", declared=declared, offset=bad)
        warnings.append(_read_as_utf8(declared))
        declared = None
    if declared is None or declared == "utf-8":
        if bad is not None and errors != "replace" and declared:
            raise FormatError("tmx-utf8-invalid-declared", "byte {offset} is not valid utf-8 "
                              "(the file declares UTF-8, and is not read in another encoding "
                              "it does not declare)", offset=bad)
        if bad is not None and errors != "replace":
            raise FormatError("tmx-utf8-invalid-default", "byte {offset} is not valid utf-8 "
                              "(the file defaults to UTF-8, and is not read in another "
                              "encoding it does not declare)", offset=bad)
        return "utf-8", 0, warnings
    if bad is None and any(b >= 0x80 for b in head):
        warnings.append(_read_as_utf8(declared))
        return "utf-8", 0, warnings
    return declared, 0, warnings


def _read_as_utf8(declared: str) -> Message:
    return Message("encoding-declared-utf8",
                   "declared {declared} but the bytes are UTF-8; read as utf-8", declared=declared)


class Utf8Stream:
    """A file-like object giving the parser UTF-8 bytes, whatever the file's encoding.

    Strict UTF-8 passes through unchanged and unchecked: the parser rejects invalid bytes
    itself, and :meth:`invalid_offset` then finds where they are for the error message.
    Any other encoding, or ``errors="replace"``, is decoded here; ``replaced`` counts the
    byte sequences read as U+FFFD.
    """

    def __init__(self, raw: BinaryIO, encoding: str, skip: int, name: str, *,
                 errors: str = "strict") -> None:
        self._raw, self._name, self._encoding = raw, name, encoding
        self._skip = skip
        raw.read(skip)
        self._decoder = codecs.getincrementaldecoder(encoding)(
            "sverka-replace" if errors == "replace" else "strict")
        self.passthrough = encoding == "utf-8" and errors == "strict"
        self.replaced = 0
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
                out = self._decode(chunk, final)
            self._offset += len(chunk)
            if out or final:
                self._first = self._first and not out
                return out

    def _decode(self, chunk: bytes, final: bool) -> bytes:
        token = _REPLACING.set(self)
        try:
            text = self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError as error:
            raise _invalid_byte(self._name, self._offset + error.start,
                                self._encoding) from error
        finally:
            _REPLACING.reset(token)
        if self._first and text:
            text = _DECLARATION_ANY.sub(_UTF8_DECLARATION, text, count=1)
        return text.encode("utf-8")

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
        return _invalid_byte(self._name, offset, self._encoding)


def _invalid_byte(name: str, offset: int, encoding: str) -> FormatError:
    return FormatError("encoding-byte-invalid", "{name}: byte {offset} is not valid {encoding}",
                       name=name, offset=offset, encoding=encoding)
