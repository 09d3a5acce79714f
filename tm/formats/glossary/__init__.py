"""Glossary files: TBX v2 (TBX-Basic ``martif``) and v3 (ISO 30042:2019), OmegaT's TSV, CSV.

The format is decided from the content, never the name: XML whose root is ``<martif>`` is
TBX v2, ``<tbx>`` TBX v3; anything else is delimited text, TSV when its first line that is
not blank or a ``#`` comment holds a tab, else CSV with a header row. A ``.txt`` holding TBX
is TBX. Every file is refused above a size limit (``SVERKA_GLOSSARY_MAX_BYTES``), and each
kind as its neighbours refuse it: TBX as hostile TMX and XLIFF are (no entities, no DTD
loading, no network, the encoding decided from the bytes and the declaration), delimited
text as an imported article is (UTF-8 or UTF-16 with a byte-order mark, or Windows-1251;
binary data refused).

    reader = read_glossary("terms.tbx")
    for entry in reader.entries():   # GlossaryEntry, streamed
        ...
    reader.format, reader.read, reader.skipped, reader.warnings
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from tm.errors import FormatError
from tm.files import open_bounded
from tm.formats.glossary import delimited, tbx
from tm.formats.glossary.delimited import write_csv, write_tsv
from tm.formats.glossary.tbx import write_tbx
from tm.formats.glossary.units import (
    ADMITTED,
    FORBIDDEN,
    PREFERRED,
    STATUSES,
    GlossaryEntry,
    TargetTerm,
)
from tm.formats.tmx.encoding import SNIFF_BYTES
from tm.lang import SOURCE_LANG, TARGET_LANG
from tm.messages import Message

# Files above this size are refused before reading; change with SVERKA_GLOSSARY_MAX_BYTES
# or max_bytes=. The largest public term bases (IATE's TBX export for one language pair)
# are a few hundred megabytes; a news desk's glossary is a few megabytes.
DEFAULT_MAX_BYTES = 256 * 1024**2
MAX_BYTES_ENV = "SVERKA_GLOSSARY_MAX_BYTES"
FORMATS = ("tbx2", "tbx3", "tsv", "csv")
_ZIP = b"PK\x03\x04"  # an .xlsx or .ods workbook


def max_bytes_default() -> int:
    """Return the size limit for glossary files, from the environment or the default."""
    value = os.environ.get(MAX_BYTES_ENV)
    return int(value) if value and value.isdigit() else DEFAULT_MAX_BYTES


class GlossaryReader:
    """Read a glossary file entry by entry; memory does not grow with the file.

    ``format`` (one of :data:`FORMATS`) and ``encoding`` are decided when the reader is
    made, from the start of the file; errors that can be seen there (a missing, empty,
    binary or oversized file, an undecidable encoding, an unknown root element, declared
    entities) are raised then. ``read`` counts the file's records (TBX concepts, lines,
    rows), ``skipped`` the records (or TBX source terms) not turned into entries, by why;
    ``warnings`` says what was decided about the file. All three are set anew by each
    reading of :meth:`entries`.
    """

    def __init__(self, path: str | Path, *, src: str = SOURCE_LANG, tgt: str = TARGET_LANG,
                 name: str | None = None, max_bytes: int | None = None) -> None:
        self.path = Path(path)
        self.name = name or str(path)  # what messages call the file (an upload: its own name)
        self.src, self.tgt = src, tgt
        self.max_bytes = max_bytes_default() if max_bytes is None else max_bytes
        self.read = 0
        self.skipped: Counter[Message] = Counter()
        self.warnings: list[Message] = []
        self.encoding: str
        self.skip = 0  # bytes of a byte-order mark
        self._decided: list[Message] = []  # the warnings about the encoding
        with self.open() as handle:
            head = handle.read(SNIFF_BYTES)
            if head.startswith(_ZIP):
                raise FormatError("glossary-zip", "{name}: a ZIP archive (an .xlsx or .ods "
                                  "workbook?), not a glossary file; save it as CSV",
                                  name=self.name)
            if tbx.looks_like_xml(head):
                self.format = tbx.decide(self, handle, head)
            else:
                self.format = delimited.decide(self, head)

    def open(self) -> BinaryIO:
        """Open the file for reading bytes, refusing an empty or oversized one."""
        return open_bounded(self.path, name=self.name, max_bytes=self.max_bytes,
                            too_large=lambda size: FormatError(
                                "glossary-too-large", "{name}: {size:,} bytes is over the "
                                "limit of {limit:,} bytes for glossary files ({variable})",
                                name=self.name, size=size, limit=self.max_bytes,
                                variable=MAX_BYTES_ENV))

    def decided(self, encoding: str, skip: int, warnings: list[Message]) -> None:
        """Keep what was decided about the file's encoding (by the format's module)."""
        self.encoding, self.skip, self._decided = encoding, skip, list(warnings)

    def entries(self) -> Iterator[GlossaryEntry]:
        """Yield every entry of the file, in order."""
        self.read = 0
        self.skipped = Counter()
        self.warnings = list(self._decided)
        if self.format in ("tbx2", "tbx3"):
            yield from tbx.read_entries(self)
        else:
            yield from delimited.read_entries(self)

    def __iter__(self) -> Iterator[GlossaryEntry]:
        return self.entries()


def read_glossary(path: str | Path, *, src: str = SOURCE_LANG, tgt: str = TARGET_LANG,
                  name: str | None = None, max_bytes: int | None = None) -> GlossaryReader:
    """Open a glossary file for streaming, its format decided from its content; iterate
    ``reader.entries()``. ``src`` and ``tgt`` say which TBX languages make the pair (and
    name CSV columns); messages call the file ``name`` (default: its path)."""
    return GlossaryReader(path, src=src, tgt=tgt, name=name, max_bytes=max_bytes)


__all__ = ["ADMITTED", "DEFAULT_MAX_BYTES", "FORBIDDEN", "FORMATS", "MAX_BYTES_ENV",
           "PREFERRED", "STATUSES", "GlossaryEntry", "GlossaryReader", "TargetTerm",
           "read_glossary", "write_csv", "write_tbx", "write_tsv"]
