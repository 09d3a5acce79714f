"""XLIFF 1.2 and 2.0 (and SDLXLIFF): a streaming, hostile-safe reader and a writer."""
from __future__ import annotations

from tm.formats.xliff.reader import XliffReader, read_xliff
from tm.formats.xliff.units import XliffHeader, XliffMatch, XliffUnit
from tm.formats.xliff.writer import XliffWriter

__all__ = ["XliffHeader", "XliffMatch", "XliffReader", "XliffUnit", "XliffWriter",
           "read_xliff"]
