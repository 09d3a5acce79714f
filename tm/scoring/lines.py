"""Line-exact reading of test-set files: one segment a line, not a character changed.

The ingest readers clean text for people (they collapse spaces and drop empty lines); a test
set must keep every segment exactly as WMT and sacrebleu see it, so it has its own reader.
Lines are split on ``\\n`` only, as sacrebleu reads them (``newline="\\n"``): a ``\\r``,
U+2028 or U+0085 stays inside its line, and the final newline ends the last line.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tm.errors import EncodingError, FormatError, InputError
from tm.files import open_input
from tm.messages import Plural

NEWLINE = "\n"
# Larger files are not test sets (WMT's largest are a few MB); refusing them keeps a
# mistaken path from filling memory, since a test set is held whole while it is imported.
MAX_TESTSET_BYTES = 200 * 1024 * 1024
# The column of WMT's segments.tsv that names each line's document.
DOCID_COLUMN = "doc_id"


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines at ``\\n`` only; a final newline does not start a new line."""
    if not text:
        return []
    lines = text.split(NEWLINE)
    if lines[-1] == "":
        lines.pop()
    return lines


def join_lines(lines: Sequence[str]) -> str:
    """Write ``lines`` back as a file's text: each line followed by ``\\n``."""
    return "".join(line + NEWLINE for line in lines)


def decode_lines(data: bytes, name: str) -> list[str]:
    """Decode UTF-8 ``data`` strictly and split it into lines."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EncodingError("testset-not-utf8", "{name}: not UTF-8 (byte {byte}); test-set "
                            "files must be UTF-8, one segment a line",
                            name=name, byte=error.start) from error
    if "\x00" in text:
        # The databases cannot store NUL in text, and no real segment contains it.
        raise FormatError("file-has-nul", "{name}: contains NUL characters; is it a binary "
                          "file?", name=name)
    lines = split_lines(text)
    if not lines:
        raise InputError("file-empty", "{name}: the file is empty", name=name)
    return lines


def read_lines(path: str | Path) -> list[str]:
    """Read a UTF-8 file of one segment a line, exactly as it is."""
    with open_input(path) as handle:  # a missing file is said as every import says it
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_TESTSET_BYTES:
            raise InputError(Plural(
                "testset-too-large", "{path}: {count} byte is too large for a test-set file",
                "{path}: {count} bytes is too large for a test-set file",
                count=size, path=str(path)))
        return decode_lines(handle.read(), str(path))


def parse_docids(lines: Sequence[str], name: str) -> list[str]:
    """Return each line's document id from a WMT ``segments.tsv`` or a one-id-a-line file."""
    if lines and DOCID_COLUMN in lines[0].split("\t"):
        header = lines[0].split("\t")
        column = header.index(DOCID_COLUMN)
        ids = []
        for number, line in enumerate(lines[1:], start=2):
            fields = line.split("\t")
            if len(fields) <= column or not fields[column].strip():
                raise FormatError("docid-missing", "{name}:{line}: no {column} in this row",
                                  name=name, line=number, column=DOCID_COLUMN)
            ids.append(fields[column].strip())
        return ids
    if any(not line.strip() for line in lines):
        raise FormatError("docid-empty", "{name}: empty document id", name=name)
    return [line.strip() for line in lines]


def read_docids(path: str | Path) -> list[str]:
    """Read the document id of every segment line from ``path``."""
    return parse_docids(read_lines(path), str(path))
