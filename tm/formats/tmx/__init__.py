"""TMX 1.4b: a streaming reader and writer (``tm.formats.tmx``)."""
from __future__ import annotations

from tm.formats.tmx.reader import TmxReader, read_tmx
from tm.formats.tmx.units import (
    Meta,
    TmxHeader,
    TmxUnit,
    Variant,
    format_tmx_date,
    parse_tmx_date,
)
from tm.formats.tmx.writer import TmxWriter

__all__ = ["Meta", "TmxHeader", "TmxReader", "TmxUnit", "TmxWriter", "Variant",
           "format_tmx_date", "parse_tmx_date", "read_tmx"]
