"""Streaming TMX 1.4 writer: a header, then one unit at a time, valid against tmx14.dtd."""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from tm import __version__
from tm.formats.tmx.reader import NO_SEG_ATTR
from tm.formats.tmx.units import (
    ATTR_PROP_PREFIX,
    META_ATTRS,
    Meta,
    TmxHeader,
    TmxUnit,
    Variant,
    encode_prop_type,
    format_tmx_date,
)

# XML 1.0 forbids these characters even as references; they are dropped on output.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Anything escape_text changes: most text has none, and one search is cheaper than the edits.
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff&<>]")
_NEEDS_ATTR_ESCAPE = re.compile("[\x00-\x1f\ufffe\uffff&<>\"]")
# Header attributes TMX 1.4 requires; ours win over a stored header's (we wrote the file).
REQUIRED_HEADER = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang",
                   "srclang", "datatype")
# The attributes the DTD allows on <tu>, <tuv> and <header>; others are kept in props.
TU_ATTRS = frozenset({"tuid", "o-encoding", "datatype", "usagecount", "lastusagedate",
                      "creationtool", "creationtoolversion", "creationdate", "creationid",
                      "changedate", "segtype", "changeid", "o-tmf", "srclang"})
TUV_ATTRS = frozenset({"o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool",
                       "creationtoolversion", "creationdate", "creationid", "changedate",
                       "o-tmf", "changeid"})
HEADER_ATTRS = frozenset({*REQUIRED_HEADER, "o-encoding", "creationdate", "creationid",
                          "changedate", "changeid"})
# Units formatted before one write to the file: big joined chunks, few calls.
CHUNK_UNITS = 512


def escape_text(text: str) -> str:
    """Escape character data for XML."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    if _INVALID_XML.search(text):
        text = _INVALID_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(value: str) -> str:
    """Escape an attribute value for XML, keeping tabs and line breaks as references."""
    if _NEEDS_ATTR_ESCAPE.search(value) is None:
        return value
    return (escape_text(value).replace('"', "&quot;").replace("\t", "&#9;")
            .replace("\n", "&#10;").replace("\r", "&#13;"))


def _attrs(attrs: Iterable[tuple[str, str]]) -> str:
    return "".join(f' {k}="{escape_attr(v)}"' for k, v in attrs)


def _meta_xml(meta: Sequence[Meta], indent: str) -> str:
    if not meta:
        return ""
    out = []
    for m in meta:
        allowed = {k: v for k, v in m.attrs.items() if k in META_ATTRS}
        foreign = {k: v for k, v in m.attrs.items() if k not in META_ATTRS}
        attrs = _attrs(sorted(allowed.items()))
        if m.kind == "prop":
            kind = m.type if m.type is not None and not foreign else encode_prop_type(m.type,
                                                                                     foreign)
            out.append(f'{indent}<prop type="{escape_attr(kind)}"{attrs}>'
                       f"{escape_text(m.text)}</prop>\n")
        else:
            if foreign:  # a note cannot carry them validly; keep them in a prop beside it
                out.append(f'{indent}<prop type="{escape_attr(encode_prop_type(None, foreign))}"'
                           f"></prop>\n")
            out.append(f"{indent}<note{attrs}>{escape_text(m.text)}</note>\n")
    return "".join(out)


def _split_attrs(attrs: dict[str, str], allowed: frozenset[str]
                 ) -> tuple[list[tuple[str, str]], list[Meta]]:
    """Return the attributes the DTD allows, and the others as props."""
    kept: list[tuple[str, str]] = []
    extra: list[Meta] = []
    if not attrs:
        return kept, extra
    for key, value in attrs.items():
        if key == NO_SEG_ATTR:
            continue
        if key in allowed:
            kept.append((key, value))
        else:
            extra.append(Meta(kind="prop", type=ATTR_PROP_PREFIX + key, text=value))
    return kept, extra


class TmxWriter:
    """Write a TMX 1.4 file unit by unit; use as a context manager."""

    def __init__(self, target: str | Path | IO[bytes], *, srclang: str,
                 header: TmxHeader | None = None, adminlang: str = "en",
                 datatype: str = "plaintext") -> None:
        self._target = target
        self._own = not hasattr(target, "write")
        self._srclang = srclang
        self._header = header or TmxHeader()
        self._adminlang, self._datatype = adminlang, datatype
        self._out: io.TextIOWrapper | None = None
        self._chunk: list[str] = []
        self.count = 0

    def __enter__(self) -> TmxWriter:
        raw = open(self._target, "wb") if self._own else self._target  # type: ignore[arg-type]
        self._out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n",  # type: ignore[arg-type]
                                     write_through=False)
        self._write_header()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._out is not None
        try:
            if kind is None:
                self._chunk.append("  </body>\n</tmx>\n")
            self._flush_chunk()
            self._out.flush()
        finally:  # a full disk fails the flush: the file is closed all the same
            if self._own:
                self._out.close()
            else:
                self._out.detach()

    def _write_header(self) -> None:
        assert self._out is not None
        stored = {k: v for k, v in self._header.attrs.items() if k not in REQUIRED_HEADER}
        attrs = {"creationtool": "Sverka", "creationtoolversion": __version__,
                 "segtype": "sentence", "o-tmf": "Sverka", "adminlang": self._adminlang,
                 "srclang": self._srclang, "datatype": self._datatype,
                 "creationdate": format_tmx_date(dt.datetime.now(dt.UTC)), **stored}
        kept, extra = _split_attrs(attrs, HEADER_ATTRS)
        self._out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n'
                        f"  <header{_attrs(kept)}>\n")
        self._out.write(_meta_xml((*self._header.meta, *extra), "    "))
        for ude in self._header.ude:
            self._out.write(f"    {ude}\n")
        self._out.write("  </header>\n  <body>\n")

    def write(self, unit: TmxUnit) -> None:
        """Write one unit. Its variants are written in the order given."""
        kept, extra = _split_attrs(unit.attrs, TU_ATTRS)
        parts = [f"    <tu{_attrs(kept)}>\n", _meta_xml((*unit.meta, *extra), "      ")]
        parts.extend(_variant_xml(v) for v in unit.variants)
        parts.append("    </tu>\n")
        self.write_xml("".join(parts))

    def write_xml(self, xml: str) -> None:
        """Write one unit already formatted (by :func:`pair_xml`)."""
        self._chunk.append(xml)
        self.count += 1
        if len(self._chunk) >= CHUNK_UNITS:
            self._flush_chunk()

    def _flush_chunk(self) -> None:
        assert self._out is not None
        self._out.write("".join(self._chunk))
        self._chunk.clear()


def pair_xml(attrs: str, src_lang: str, src_seg: str, tgt_lang: str, tgt_seg: str) -> str:
    """Return the ``<tu>`` that :meth:`TmxWriter.write` writes for a unit of two variants
    without attributes, props or notes, and tu attributes the DTD allows.

    Every argument is XML already: ``attrs`` as written after the tag name
    (`` tuid="7"``), the languages escaped for an attribute, the segments' content (their
    markup, or escaped text).
    """
    return (f"    <tu{attrs}>\n"
            f'      <tuv xml:lang="{src_lang}">\n        <seg>{src_seg}</seg>\n'
            f'      </tuv>\n      <tuv xml:lang="{tgt_lang}">\n'
            f"        <seg>{tgt_seg}</seg>\n      </tuv>\n    </tu>\n")


def _variant_xml(variant: Variant) -> str:
    kept, extra = _split_attrs(variant.attrs, TUV_ATTRS)
    seg = variant.markup if variant.markup is not None else escape_text(variant.text)
    return (f'      <tuv xml:lang="{escape_attr(variant.lang)}"{_attrs(kept)}>\n'
            f"{_meta_xml((*variant.meta, *extra), '        ')}"
            f"        <seg>{seg}</seg>\n      </tuv>\n")
