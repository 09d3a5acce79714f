"""Streaming XLIFF reader (1.2, SDLXLIFF, 2.0): iterparse with element clearing, safe against
hostile files as the TMX reader is (no entities, no DTD loading, no network, a size limit).

Each 1.2 ``<trans-unit>`` is one unit, or one per ``<mrk mtype="seg">`` of its
``<seg-source>`` (SDLXLIFF, and segmented 1.2 as Okapi writes it); each 2.0 ``<segment>``
of a ``<unit>`` is one unit. Units marked ``translate="no"`` (on themselves or, unless a
nearer element says otherwise, on a group or file around them) are skipped, and so are 2.0
``<ignorable>`` parts; 1.2 ``<alt-trans>`` and 2.0 ``<mtc:matches>`` are suggestions, not the
unit, and are never read. Only one ``<file>`` is read: a second is refused.

Entities are the parser's business: libxml2 never resolves them (``resolve_entities=False``)
and, at the first event, a document whose internal subset declares any entity is refused
before a unit is yielded. A reference to an undeclared entity, which a DOCTYPE naming an
unloaded DTD lets through (libxml2 then drops it from attribute values without a word), is
refused by the warning the parser logs for it; without a DOCTYPE it is a fatal parse error,
reported as such.

Units with the same id (and segment id) twice are refused. What was seen is kept as one
64-bit hash a unit in a flat table, not as the ids themselves; a hash seen before is
confirmed by reading the file again up to that unit, so two ids sharing a hash never make a
false error.
"""
from __future__ import annotations

import os
import re
from array import array
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import BinaryIO, NoReturn

from lxml import etree

from tm.errors import FormatError
from tm.files import open_bounded
from tm.formats.tmx.encoding import SNIFF_BYTES, Utf8Stream, decide_encoding
from tm.formats.xliff.inline import local_name, plain_text
from tm.formats.xliff.units import (
    SDL_NS,
    XLIFF_12_NS,
    XLIFF_20_NS,
    XliffHeader,
    XliffUnit,
)
from tm.messages import Message

# Files above this size are refused before parsing; change with SVERKA_XLIFF_MAX_BYTES or
# max_bytes=.
DEFAULT_MAX_BYTES = 1024**3
MAX_BYTES_ENV = "SVERKA_XLIFF_MAX_BYTES"
XLIFF_11_NS = "urn:oasis:names:tc:xliff:document:1.1"
NAMESPACES = {XLIFF_12_NS: "1.2", XLIFF_11_NS: "1.1", XLIFF_20_NS: "2.0", "": "1.2"}
# 1.0 and 1.1 (translate-toolkit still writes 1.1) have the elements 1.2 has: read as 1.2.
READ_AS = {"1.0": "1.2", "1.1": "1.2", "1.2": "1.2", "2.0": "2.0"}
KIND_PREFIXES = {"1.2": "x-", "2.0": "sverka:"}  # restype="x-headline", type="sverka:headline"
SDL_SEG_DEFS = f"{{{SDL_NS}}}seg-defs"
SDL_SEG = f"{{{SDL_NS}}}seg"
# The elements the parser reports (at their end), whatever their namespace; the rest is
# read from these.
_TAGS = ("{*}trans-unit", "{*}unit", "{*}group", "{*}file", "{*}header", "{*}skeleton")
_UNDECLARED = (etree.ErrorTypes.WAR_UNDECLARED_ENTITY, etree.ErrorTypes.ERR_UNDECLARED_ENTITY)
_ENTITY_NAME = re.compile(r"Entity '([^']*)'")
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False,
                       dtd_validation=False, huge_tree=False, remove_comments=True,
                       remove_pis=True, strip_cdata=True)


def max_bytes_default() -> int:
    """Return the size limit for XLIFF files, from the environment or the default."""
    value = os.environ.get(MAX_BYTES_ENV)
    return int(value) if value and value.isdigit() else DEFAULT_MAX_BYTES


class XliffReader:
    """Read an XLIFF file unit by unit, in document order; memory does not grow with the file
    (but for 8 bytes or so a unit, to find duplicate ids).

    ``header`` is set once the first unit is reached (or once ``units()`` is exhausted);
    ``warnings`` says what was decided about the file's encoding; ``encoding`` is it.
    """

    def __init__(self, path: str | Path, *, max_bytes: int | None = None,
                 name: str | None = None) -> None:
        self.path = Path(path)
        self.name = name or str(path)  # what messages call the file (an upload: its own name)
        self.max_bytes = max_bytes_default() if max_bytes is None else max_bytes
        self.header: XliffHeader | None = None
        self.version: str | None = None
        self.encoding: str | None = None
        self.warnings: list[Message] = []
        self._check_duplicates = True

    # -- the file ----------------------------------------------------------------------

    def _open(self) -> BinaryIO:
        return open_bounded(self.path, name=self.name, max_bytes=self.max_bytes,
                            too_large=lambda size: FormatError(
                                "xliff-too-large", "{name}: {size:,} bytes is over the limit of "
                                "{limit:,} bytes for XLIFF files ({variable})",
                                name=self.name, size=size, limit=self.max_bytes,
                                variable=MAX_BYTES_ENV))

    def units(self) -> Generator[XliffUnit, None, None]:
        """Yield every translatable segment of the file, in document order."""
        handle = self._open()
        try:
            head = handle.read(SNIFF_BYTES)
            try:
                encoding, skip, warnings = decide_encoding(head)
            except FormatError as error:
                raise FormatError("xliff-encoding-refused", "{name}: {reason}", name=self.name,
                                  reason=error) from error
            self.encoding = encoding
            self.warnings.extend(warnings)
            if not head[skip:].decode(encoding, errors="replace").strip():
                raise FormatError("file-empty", "{name}: the file is empty", name=self.name)
            del head
            handle.seek(0)
            root = _sniff_root(Utf8Stream(handle, encoding, skip, self.name))
            if root is not None and local_name(root) != "xliff":
                self._not_xliff(root)
            handle.seek(0)
            yield from _Parse(self, Utf8Stream(handle, encoding, skip, self.name)).units()
        finally:
            handle.close()

    def _not_xliff(self, tag: str) -> NoReturn:
        raise FormatError("xliff-root-other", "{name}: not an XLIFF file (root element "
                          "<{root}>)", name=self.name, root=local_name(tag))

    def _earlier_line(self, key: str, before: int) -> int | None:
        """Return the line of the unit with ``key`` among the first ``before`` units of the
        file, reading it again; None if there is none."""
        again = XliffReader(self.path, max_bytes=self.max_bytes, name=self.name)
        again._check_duplicates = False
        units = again.units()
        try:
            for index, unit in enumerate(units):
                if index >= before:
                    return None
                if _key(unit) == key:
                    return unit.line
        finally:
            units.close()
        return None


class _Parse:
    """One reading of the file: the parser's events turned into units."""

    def __init__(self, reader: XliffReader, stream: Utf8Stream) -> None:
        self.reader, self.name, self.stream = reader, reader.name, stream
        self.namespace = ""
        self.files = 0  # <file> elements ended so far
        self.count = 0  # units yielded so far
        self.keys = _Keys() if reader._check_duplicates else None
        self.sdl = False

    def units(self) -> Iterator[XliffUnit]:
        events = etree.iterparse(self.stream, events=("end",), tag=_TAGS, **_PARSER_OPTIONS)
        checked = False
        references = False  # whether undeclared entity references can reach the tree
        logged = 0  # parser messages looked at so far
        try:
            for _event, element in events:
                if not checked:
                    references = self._check_doctype(element)
                    self._root(element.getroottree().getroot())
                    checked = True
                if references:
                    logged = self._check_references(events.error_log, logged)
                tag = element.tag
                if _namespace(tag) != self.namespace:
                    continue  # another vocabulary's element of the same name
                local = local_name(tag)
                if local == "trans-unit" and self.reader.version == "1.2":
                    found = self._trans_unit(element)
                elif local == "unit" and self.reader.version == "2.0":
                    found = self._unit(element)
                else:
                    if local == "file":
                        self._file_end(element)
                    if local in ("group", "file", "header", "skeleton"):
                        _clear(element, siblings=local == "group")
                    continue
                _clear(element, siblings=True)
                for unit in found:
                    if self.keys is not None:
                        self._check_unique(unit)
                    self.count += 1
                    yield unit
        except (etree.XMLSyntaxError, UnicodeDecodeError) as error:
            # Bytes invalid in the encoding are what is wrong, said by their offset.
            invalid = self.stream.encoding_error() if self.stream.passthrough else None
            if invalid is not None:
                raise invalid from error
            if isinstance(error, UnicodeDecodeError):
                raise FormatError("xliff-not-utf8", "{name}: not valid UTF-8 ({reason})",
                                  name=self.name, reason=error.reason) from error
            self._malformed(error, events.error_log)
        if not checked:
            # No element of interest at all: what the file is, and whether it was safe.
            root = events.root
            references = self._check_doctype(root)
            self._root(root)
        if references:  # after the last unit
            self._check_references(events.error_log, logged)
        if self.files == 0:
            raise FormatError("xliff-file-missing", "{name}: the file has no <file> element",
                              name=self.name)

    # -- what the file is ----------------------------------------------------------------

    def _check_doctype(self, element: etree._Element) -> bool:
        """Refuse a document declaring entities; return whether it has a DOCTYPE at all."""
        docinfo = element.getroottree().docinfo
        subset = docinfo.internalDTD
        if subset is not None and next(subset.iterentities(), None) is not None:
            raise FormatError("xliff-entities-declared", "{name}: declares XML entities; "
                              "refused (entity expansion and external entities are not "
                              "allowed in XLIFF)", name=self.name)
        return bool(docinfo.doctype)

    def _check_references(self, log: etree._ListErrorLog, start: int) -> int:
        """Refuse an undeclared entity the parser has logged; return how far it was read."""
        entries = list(log)
        for entry in entries[start:]:
            if entry.type in _UNDECLARED:
                self._undeclared(entry)
        return len(entries)

    def _undeclared(self, entry: etree._LogEntry) -> NoReturn:
        found = _ENTITY_NAME.search(entry.message)
        entity = f"&{found.group(1)};" if found else "?"
        raise FormatError("xliff-entity-undeclared", "{name}: line {line}: entity {entity} is "
                          "not declared; refused (XLIFF may use only &amp; &lt; &gt; &apos; "
                          "&quot; and character references)", name=self.name,
                          line=entry.line, entity=entity)

    def _malformed(self, error: etree.XMLSyntaxError, log: etree._ListErrorLog) -> NoReturn:
        # libxml2's first fatal error, not what lxml made of it (an undeclared entity ends
        # up as "no element found" at line 0).
        first = next((entry for entry in log if entry.level == etree.ErrorLevels.FATAL), None)
        if first is not None and first.type in _UNDECLARED:
            self._undeclared(first)
        line, reason = error.lineno, error.msg
        if first is not None and not line:
            line, reason = first.line, first.message
        raise FormatError("xml-malformed", "{name}: not well-formed XML at line {line}: "
                          "{reason}", name=self.name, line=line, reason=reason) from error

    def _root(self, root: etree._Element) -> None:
        tag = root.tag
        if not isinstance(tag, str) or local_name(tag) != "xliff":
            self.reader._not_xliff(tag if isinstance(tag, str) else "?")
        namespace = _namespace(tag)
        if namespace not in NAMESPACES:
            raise FormatError("xliff-namespace-unknown", "{name}: <xliff> is in the namespace "
                              "{namespace}, neither XLIFF 1.2's nor 2.0's", name=self.name,
                              namespace=namespace)
        version = root.get("version")
        if version is None:
            raise FormatError("xliff-version-missing", "{name}: <xliff> has no version "
                              "attribute", name=self.name)
        if version not in READ_AS:
            raise FormatError("xliff-version-unknown", "{name}: XLIFF version {version} is "
                              "not read (only 1.0–1.2 and 2.0)", name=self.name,
                              version=version)
        if namespace and READ_AS[NAMESPACES[namespace]] != READ_AS[version]:
            raise FormatError("xliff-version-namespace", "{name}: <xliff version=\"{version}\"> "
                              "is in the namespace of XLIFF {other}", name=self.name,
                              version=version, other=NAMESPACES[namespace])
        self.namespace = namespace
        self.reader.version = READ_AS[version]
        self.sdl = SDL_NS in root.nsmap.values()

    def _file_end(self, element: etree._Element) -> None:
        self.files += 1
        if self.files > 1:
            self._second_file(element)
        if self.reader.header is None:
            self.reader.header = self._header(element)

    def _second_file(self, element: etree._Element) -> NoReturn:
        raise FormatError("xliff-file-second", "{name}: line {line}: a second <file> "
                          "element; only XLIFF files with one <file> are read", name=self.name,
                          line=element.sourceline)

    def _header(self, file: etree._Element) -> XliffHeader:
        version = self.reader.version or ""
        if version == "2.0":
            holder, attribute, where = file.getroottree().getroot(), "srcLang", "<xliff>"
            target = holder.get("trgLang")
        else:
            holder, attribute, where = file, "source-language", "<file>"
            target = file.get("target-language")
        source = holder.get(attribute)
        if not source:
            raise FormatError("xliff-source-language-missing", "{name}: line {line}: {element} "
                              "has no {attribute}, so the source language is unknown",
                              name=self.name, line=holder.sourceline, element=where,
                              attribute=attribute)
        return XliffHeader(version=version, source_language=source, target_language=target,
                           original=file.get("original"), sdl=self.sdl)

    def _file_of(self, element: etree._Element) -> etree._Element:
        """Return the <file> ``element`` is in, setting the header at the first unit."""
        file = element.getparent()
        while file is not None and file.tag != self._tag("file"):
            file = file.getparent()
        if file is None:
            raise FormatError("xliff-unit-outside-file", "{name}: line {line}: <{element}> is "
                              "not inside a <file>", name=self.name, line=element.sourceline,
                              element=local_name(element.tag))
        if self.files:
            self._second_file(file)
        if self.reader.header is None:
            self.reader.header = self._header(file)
        return file

    def _tag(self, local: str) -> str:
        return f"{{{self.namespace}}}{local}" if self.namespace else local

    # -- units -------------------------------------------------------------------------

    def _unit_id(self, element: etree._Element) -> str:
        unit_id = element.get("id")
        if unit_id is None:
            raise FormatError("xliff-unit-id-missing", "{name}: line {line}: <{element}> has "
                              "no id", name=self.name, line=element.sourceline,
                              element=local_name(element.tag))
        return str(unit_id)

    def _no_source(self, element: etree._Element, unit_id: str) -> NoReturn:
        raise FormatError("xliff-source-missing", "{name}: line {line}: unit {unit} has no "
                          "<source>", name=self.name, line=element.sourceline, unit=unit_id)

    def _trans_unit(self, element: etree._Element) -> list[XliffUnit]:
        """The units of a 1.2 ``<trans-unit>``: itself, or each segment of its seg-source."""
        self._file_of(element)
        if not _translatable(element):
            return []
        unit_id = self._unit_id(element)
        source = target = seg_source = seg_defs = None
        notes = []
        for child in element:  # direct children only: never <alt-trans>'s
            tag = child.tag
            if tag == self._tag("source"):
                source = child if source is None else source
            elif tag == self._tag("target"):
                target = child if target is None else target
            elif tag == self._tag("seg-source"):
                seg_source = child if seg_source is None else seg_source
            elif tag == self._tag("note"):
                notes.append(plain_text(child))
            elif tag == SDL_SEG_DEFS:
                seg_defs = child
        approved = {"yes": True, "no": False}.get(element.get("approved") or "")
        kind, line = _kind(element.get("restype"), "1.2"), element.sourceline
        state = None if target is None else target.get("state")

        def unit(source: str, target: str | None, segment_id: str | None = None,
                 confirmation: str | None = None) -> XliffUnit:
            return XliffUnit(unit_id=unit_id, source=source, target=target,
                             segment_id=segment_id, state=state, approved=approved,
                             confirmation=confirmation, notes=tuple(notes), kind=kind,
                             line=line)

        segments = [] if seg_source is None else self._segments(seg_source, unit_id)
        if segments:
            targets = [] if target is None else self._segments(target, unit_id)
            translated = dict(targets[::-1])  # the first of a mid wins
            confirmed = {} if seg_defs is None else {
                seg.get("id"): seg.get("conf") for seg in seg_defs.iterchildren(SDL_SEG)}
            return [unit(plain_text(mrk), plain_text(translated[mid]) if mid in translated
                         else None, mid, confirmed.get(mid)) for mid, mrk in segments]
        if source is None:
            self._no_source(element, unit_id)
        return [unit(plain_text(source), None if target is None else plain_text(target))]

    def _segments(self, holder: etree._Element, unit_id: str
                  ) -> list[tuple[str, etree._Element]]:
        found = []
        for mrk in holder.iter(self._tag("mrk")):
            if mrk.get("mtype") == "seg":
                mid = mrk.get("mid")
                if mid is None:
                    raise FormatError("xliff-mrk-mid-missing", "{name}: line {line}: a <mrk "
                                      "mtype=\"seg\"> of unit {unit} has no mid",
                                      name=self.name, line=mrk.sourceline, unit=unit_id)
                found.append((mid, mrk))
        return found

    def _unit(self, element: etree._Element) -> list[XliffUnit]:
        """The units of a 2.0 ``<unit>``: one a ``<segment>``."""
        self._file_of(element)
        if not _translatable(element):
            return []
        unit_id = self._unit_id(element)
        segments: list[etree._Element] = []
        notes: list[str] = []
        for child in element:
            if child.tag == self._tag("segment"):
                segments.append(child)
            elif child.tag == self._tag("notes"):
                notes.extend(plain_text(note) for note in child.iterchildren(self._tag("note")))
        kind = _kind(element.get("type"), "2.0")
        units = []
        for number, segment in enumerate(segments, 1):
            source = segment.find(self._tag("source"))
            if source is None:
                self._no_source(segment, unit_id)
            target = segment.find(self._tag("target"))
            segment_id = segment.get("id")
            if segment_id is None and len(segments) > 1:
                segment_id = f"#{number}"  # not an NMTOKEN: never a real id
            units.append(XliffUnit(
                unit_id=unit_id, segment_id=segment_id, source=plain_text(source),
                target=None if target is None else plain_text(target),
                state=segment.get("state"), notes=tuple(notes), kind=kind,
                line=element.sourceline))
        return units

    def _check_unique(self, unit: XliffUnit) -> None:
        key = _key(unit)
        assert self.keys is not None
        if self.keys.add(key):
            return
        first = self.reader._earlier_line(key, self.count)
        if first is None:
            return  # another id with the same hash: nothing more to keep
        if unit.segment_id is None:
            raise FormatError("xliff-unit-duplicate", "{name}: line {line}: a second unit "
                              "with id {unit} (the first is at line {first})", name=self.name,
                              line=unit.line, unit=unit.unit_id, first=first)
        raise FormatError("xliff-segment-duplicate", "{name}: line {line}: a second segment "
                          "{segment} in unit {unit} (the first is at line {first})",
                          name=self.name, line=unit.line, segment=unit.segment_id,
                          unit=unit.unit_id, first=first)


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _key(unit: XliffUnit) -> str:
    # XML text never holds NUL: the separator cannot be part of an id.
    return unit.unit_id if unit.segment_id is None else f"{unit.unit_id}\0{unit.segment_id}"


def _translatable(element: etree._Element) -> bool:
    """Whether ``element`` is to be translated: the nearest ``translate`` says, else yes."""
    node: etree._Element | None = element
    while node is not None:
        value = node.get("translate")
        if value is not None:
            return bool(value != "no")
        node = node.getparent()
    return True


def _kind(value: str | None, version: str) -> str | None:
    """Sverka's kind from 1.2 ``restype="x-headline"`` or 2.0 ``type="sverka:headline"``."""
    if not value:
        return None
    prefix = KIND_PREFIXES[version]
    if value.startswith(prefix):
        return value[len(prefix):] or None
    return value


def _clear(element: etree._Element, *, siblings: bool) -> None:
    """Free what the tree holds of ``element`` (and of its earlier siblings)."""
    element.clear(keep_tail=False)
    if siblings and element.getprevious() is not None:
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]


def _sniff_root(stream: Utf8Stream) -> str | None:
    """Return the root element's tag if the start of the file shows it, else None (the
    parse proper says what is wrong with the file)."""
    parser = etree.XMLPullParser(events=("start",), **_PARSER_OPTIONS)
    fed = 0
    try:
        while fed < SNIFF_BYTES:  # a little at a time: the root is usually near the start
            chunk = stream.read(4096)
            if not chunk:
                return None
            parser.feed(chunk)
            fed += len(chunk)
            for _event, element in parser.read_events():
                return element.tag if isinstance(element.tag, str) else None
    except (etree.XMLSyntaxError, FormatError, UnicodeDecodeError):
        return None
    return None


class _Keys:
    """The keys of the units seen so far, as 64-bit hashes in an open-addressing table
    (linear probing, at most 70% full): 8 to 16 bytes a unit."""

    def __init__(self) -> None:
        self._slots = array("q", bytes(8 * 1024))
        self._used = 0

    def add(self, key: str) -> bool:
        """Keep ``key``'s hash; return False if that hash was there already."""
        return self._put(hash(key) or 1)

    def _put(self, value: int) -> bool:
        slots = self._slots
        mask = len(slots) - 1
        index = value & mask
        while True:
            found = slots[index]
            if found == 0:
                break
            if found == value:
                return False
            index = (index + 1) & mask
        slots[index] = value
        self._used += 1
        if self._used * 10 > len(slots) * 7:
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("q", bytes(16 * len(old)))
        self._used = 0
        for value in old:
            if value:
                self._put(value)


def read_xliff(path: str | Path, *, max_bytes: int | None = None,
               name: str | None = None) -> XliffReader:
    """Open an XLIFF file for streaming; iterate ``reader.units()``. Messages call the file
    ``name`` (default: its path)."""
    return XliffReader(path, max_bytes=max_bytes, name=name)
