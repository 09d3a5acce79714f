"""Streaming TMX reader: iterparse with element clearing, tolerant of what real tools write,
and safe against hostile files (no entities, no DTD loading, no network, a size limit).

Entities are the parser's business, not a sniffed prefix's: libxml2 never resolves them in
text (``resolve_entities=False``), and at the parser's first event, when the whole DOCTYPE
has been read wherever it sits, a document whose internal subset declares any entity is
refused before a unit is yielded. A reference to an entity that is not declared (which a
DOCTYPE naming an unloaded DTD lets through as a node) is refused where it is found, never
dropped from the text.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from tm.errors import FormatError, ValidationError
from tm.files import open_bounded
from tm.formats.tmx.encoding import ERRORS, SNIFF_BYTES, Utf8Stream, decide_encoding
from tm.formats.tmx.inline import inner_xml, plain_text
from tm.formats.tmx.units import (
    ATTR_PROP_PREFIX,
    Meta,
    TmxHeader,
    TmxUnit,
    Variant,
    decode_prop_type,
)
from tm.lang import normalize_lang
from tm.messages import Message, Plural

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Files above this size are refused before parsing; change with SVERKA_TMX_MAX_BYTES or
# max_bytes=. 4 GiB holds about ten million units.
DEFAULT_MAX_BYTES = 4 * 1024**3
MAX_BYTES_ENV = "SVERKA_TMX_MAX_BYTES"
NO_SEG_ATTR = "x-sverka-no-seg"  # marks a variant whose <tuv> had no <seg> at all
_ROOT_START = re.compile(r"<(?![?!])([A-Za-z_][\w.\-:]*)")


def max_bytes_default() -> int:
    """Return the size limit for TMX files, from the environment or the default."""
    value = os.environ.get(MAX_BYTES_ENV)
    return int(value) if value and value.isdigit() else DEFAULT_MAX_BYTES


class TmxReader:
    """Read a TMX file unit by unit; memory does not grow with the file.

    ``header`` is set once the first unit is reached; ``warnings`` collects what was
    decided about the file (encoding, languages); ``languages`` maps each language value
    found in the file to the normalized tag used for it. With ``errors="replace"``, bytes
    invalid in the file's encoding are read as U+FFFD, ``replaced`` counts them and a
    warning says how many; by default the file is refused at the first.
    """

    def __init__(self, path: str | Path, *, max_bytes: int | None = None,
                 errors: str = "strict", name: str | None = None) -> None:
        if errors not in ERRORS:
            raise ValidationError("tmx-errors-invalid", "errors must be one of {choices}, not "
                                  "{value!r}", choices=", ".join(ERRORS), value=errors)
        self.errors = errors
        self.replaced = 0
        self.path = Path(path)
        self.name = name or str(path)  # what messages call the file (an upload: its own name)
        self.max_bytes = max_bytes_default() if max_bytes is None else max_bytes
        self.header: TmxHeader | None = None
        self.version: str | None = None
        self.encoding: str | None = None
        self.warnings: list[Message] = []
        self.languages: dict[str, str] = {}
        self.tu_count = 0

    def _open(self) -> BinaryIO:
        return open_bounded(self.path, name=self.name, max_bytes=self.max_bytes,
                            too_large=lambda size: FormatError(
                                "tmx-too-large", "{name}: {size:,} bytes is over the limit of "
                                "{limit:,} bytes for TMX files ({variable})",
                                name=self.name, size=size, limit=self.max_bytes,
                                variable=MAX_BYTES_ENV))

    def _check_prolog(self, head: bytes, encoding: str, skip: int) -> None:
        # Only for a clear message about what the file is; entities are the parser's check.
        text = head[skip:].decode(encoding, errors="replace")
        root = _ROOT_START.search(text)
        if root is None and not text.strip():
            raise FormatError("file-empty", "{name}: the file is empty", name=self.name)
        if root and root.group(1) != "tmx":
            raise FormatError("tmx-root-other", "{name}: not a TMX file (root element <{root}>)",
                              name=self.name, root=root.group(1))

    def units(self) -> Iterator[TmxUnit]:
        """Yield every ``<tu>`` of the file in order."""
        handle = self._open()
        try:
            head = handle.read(SNIFF_BYTES)
            try:
                encoding, skip, warnings = decide_encoding(head, errors=self.errors)
            except FormatError as error:
                raise FormatError("tmx-encoding-refused", "{name}: {reason}", name=self.name,
                                  reason=error) from error
            self.encoding = encoding
            self.warnings.extend(warnings)
            self._check_prolog(head, encoding, skip)
            handle.seek(0)
            stream = Utf8Stream(handle, encoding, skip, self.name, errors=self.errors)
            yield from self._parse(stream)
            self.replaced = stream.replaced
            if stream.replaced:
                self.warnings.append(Plural(
                    "tmx-bytes-replaced",
                    "{count:,} invalid {encoding} byte sequence replaced with U+FFFD",
                    "{count:,} invalid {encoding} byte sequences replaced with U+FFFD",
                    count=stream.replaced, encoding=encoding))
        finally:
            handle.close()

    def _parse(self, stream: Utf8Stream) -> Iterator[TmxUnit]:
        # End events only, filtered by tag in libxml2: the tree above a <tu> is all the
        # reader needs, and a start event per unit would cost a Python round trip each.
        events = etree.iterparse(
            stream, events=("end",), tag=("tmx", "header", "tu"),
            resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
            huge_tree=False, remove_comments=True, remove_pis=True, strip_cdata=True)
        checked = False
        references = False  # whether undeclared entity references can reach the tree
        try:
            for _event, element in events:
                if not checked:
                    references = self._check_doctype(element)
                    checked = True
                if references:
                    self._check_references(element)
                tag = element.tag
                if tag == "tu":
                    self.tu_count += 1
                    if self.version is None:
                        self._root_version(element)
                    unit = self._unit(element)
                    element.clear(keep_tail=False)
                    if element.getprevious() is not None:
                        parent = element.getparent()
                        while element.getprevious() is not None:
                            del parent[0]
                    yield unit
                elif tag == "header":
                    if self.version is None:
                        self._root_version(element)
                    self.header = self._header(element)
                elif tag == "tmx":
                    self.version = element.get("version")
        except (etree.XMLSyntaxError, UnicodeDecodeError) as error:
            # Bytes invalid in the encoding are what is wrong, said by their offset.
            invalid = stream.encoding_error() if stream.passthrough else None
            if invalid is not None:
                raise invalid from error
            if isinstance(error, UnicodeDecodeError):
                raise FormatError("tmx-not-utf8", "{name}: not valid UTF-8 ({reason})",
                                  name=self.name, reason=error.reason) from error
            raise FormatError("xml-malformed", "{name}: not well-formed XML at line {line}: "
                              "{reason}", name=self.name, line=error.lineno,
                              reason=error.msg) from error
        if self.version is None:
            raise FormatError("tmx-root-missing",
                              "{name}: not a TMX file (no <tmx> root element)", name=self.name)
        if self.header is None:
            self.header = TmxHeader(version=self.version)
            self.warnings.append(Message("tmx-header-missing", "the file has no <header>"))

    def _check_doctype(self, element: etree._Element) -> bool:
        """Refuse a document declaring entities; return whether it has a DOCTYPE at all."""
        docinfo = element.getroottree().docinfo
        subset = docinfo.internalDTD
        if subset is not None and next(subset.iterentities(), None) is not None:
            raise FormatError("tmx-entities-declared", "{name}: declares XML entities; refused "
                              "(entity expansion and external entities are not allowed in "
                              "TMX)", name=self.name)
        return bool(docinfo.doctype)

    def _check_references(self, element: etree._Element) -> None:
        for reference in element.iter(etree.Entity):
            raise FormatError("tmx-entity-undeclared", "{name}: line {line}: entity {entity} "
                              "is not declared; refused (TMX may use only &amp; &lt; &gt; "
                              "&apos; &quot; and character references)", name=self.name,
                              line=reference.sourceline, entity=reference.text)

    def _root_version(self, element: etree._Element) -> None:
        root = element.getroottree().getroot()
        if root.tag == "tmx":
            self.version = root.get("version")

    def _header(self, element: etree._Element) -> TmxHeader:
        ude = tuple(etree.tostring(u, encoding="unicode", with_tail=False)
                    for u in element.iterchildren("ude"))
        attrs, meta = _restore_attrs(dict(element.attrib),
                                     _meta(element.iterchildren("prop", "note")))
        return TmxHeader(attrs=attrs, meta=meta, ude=ude, version=self.version)

    def _unit(self, element: etree._Element) -> TmxUnit:
        # One pass over the children: most units have two <tuv>s and no props or notes.
        variants = []
        notes: list[etree._Element] | None = None
        for child in element:
            tag = child.tag
            if tag == "tuv":
                variants.append(self._variant(child))
            elif tag == "prop" or tag == "note":
                if notes is None:
                    notes = []
                notes.append(child)
        attrs: dict[str, str] = dict(element.attrib)
        meta: tuple[Meta, ...] = ()
        if notes is not None:
            attrs, meta = _restore_attrs(attrs, _meta(notes))
        return TmxUnit(variants=tuple(variants), attrs=attrs, meta=meta,
                       line=element.sourceline)

    def _variant(self, tuv: etree._Element) -> Variant:
        raw_lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
        lang = self.languages.get(raw_lang) or self._lang(raw_lang)
        if len(tuv) == 1 and raw_lang and len(tuv.attrib) == 1:
            # Most variants: a language and one <seg>, of plain text.
            seg = tuv[0]
            if seg.tag == "seg" and not len(seg):
                return Variant(lang, raw_lang, seg.text or "")
        attrs = {k: v for k, v in tuv.items() if k != XML_LANG and k != "lang"}
        seg = None
        notes: list[etree._Element] | None = None
        for child in tuv:
            tag = child.tag
            if tag == "seg":
                if seg is None:
                    seg = child
            elif tag == "prop" or tag == "note":
                if notes is None:
                    notes = []
                notes.append(child)
        meta: tuple[Meta, ...] = ()
        if notes is not None:
            attrs, meta = _restore_attrs(attrs, _meta(notes))
        if seg is None:
            attrs[NO_SEG_ATTR] = "1"
            return Variant(lang=lang, raw_lang=raw_lang, text="", attrs=attrs, meta=meta)
        if len(seg):
            return Variant(lang=lang, raw_lang=raw_lang, text=plain_text(seg),
                           markup=inner_xml(seg), attrs=attrs, meta=meta)
        return Variant(lang=lang, raw_lang=raw_lang, text=seg.text or "", attrs=attrs,
                       meta=meta)

    def _lang(self, raw: str) -> str:
        known = self.languages.get(raw)
        if known is None:
            try:
                known = normalize_lang(raw)
            except ValidationError:  # not a language tag: kept as is and reported
                known = raw
            self.languages[raw] = known
        return known


def _meta(children: Iterable[etree._Element]) -> tuple[Meta, ...]:
    """Return these ``<prop>`` and ``<note>`` elements as metas, undoing Sverka's encodings."""
    items: list[Meta] = []
    carried: dict[str, str] | None = None  # foreign attributes for the next note
    for child in children:
        attrs = {("xml:lang" if k == XML_LANG else k): v for k, v in child.attrib.items()
                 if k != "type"}
        kind = child.get("type") if child.tag == "prop" else None
        if kind is not None and (decoded := decode_prop_type(kind)) is not None:
            original, foreign = decoded
            if original is None and not (child.text or ""):
                carried = foreign
                continue
            kind, attrs = original, {**attrs, **foreign}
        elif child.tag == "note" and carried:
            attrs, carried = {**attrs, **carried}, None
        items.append(Meta(kind=child.tag, text=child.text or "", type=kind, attrs=attrs))
    return tuple(items)


def _restore_attrs(attrs: dict[str, str], meta: tuple[Meta, ...]
                   ) -> tuple[dict[str, str], tuple[Meta, ...]]:
    """Move attribute-carrying props (written for DTD validity) back into the attributes."""
    if not any(m.type and m.type.startswith(ATTR_PROP_PREFIX) for m in meta):
        return attrs, meta
    restored = dict(attrs)
    kept = []
    for m in meta:
        if m.kind == "prop" and m.type and m.type.startswith(ATTR_PROP_PREFIX):
            restored[m.type[len(ATTR_PROP_PREFIX):]] = m.text
        else:
            kept.append(m)
    return restored, tuple(kept)


def read_tmx(path: str | Path, *, max_bytes: int | None = None, errors: str = "strict",
             name: str | None = None) -> TmxReader:
    """Open a TMX file for streaming; iterate ``reader.units()``. Messages call the file
    ``name`` (default: its path)."""
    return TmxReader(path, max_bytes=max_bytes, errors=errors, name=name)
