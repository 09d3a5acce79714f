"""TBX glossaries: v2 (TBX-Basic ``martif``, what OmegaT 3.6 reads and writes) and v3 (ISO
30042:2019, TBX-Core and TBX-Basic, DCA and DCT styles) read; v2 written.

Each ``<termEntry>`` (v3: ``<conceptEntry>``) with terms in the source language and in the
target language gives one entry a source term, all sharing the concept's targets (the terms
of every target ``<langSet>``/``<langSec>``). Languages match by their tag, else by its
primary subtag (``ru-RU`` is ``ru``). Terms are read from ``<tig>``, ``<ntig>``'s
``<termGrp>`` and v3's ``<termSec>``; what is said about them from ``descrip``,
``termNote`` and ``admin`` by their ``type`` (DCT style: by the element's name) and from
``note``, at whichever level: the nearest definition, example (``context``) and part of
speech win, every note is kept, in order. A term's ``administrativeStatus`` (TBX 2008:
``normativeAuthorization``) is its status. Case sensitivity and do-not-translate, which
TBX has no data category for, are Sverka's ``x-caseSensitive`` and ``x-doNotTranslate``
term notes (``yes``).

Safety is the XLIFF reader's: libxml2 never resolves entities nor loads a DTD nor touches
the network; a document whose internal subset declares any entity is refused at the first
event, and a reference to an undeclared entity (which a DOCTYPE lets through, silently
dropped from attributes) by the warning the parser logs for it. The file is parsed as a
stream of entries, each freed once read.

The writer writes TBX-Basic v2 without a DOCTYPE: OmegaT's reader would fetch a named DTD
from beside the file, and fail when it is not there.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, NoReturn

from lxml import etree

from tm import __version__
from tm.errors import FormatError
from tm.formats.glossary.units import (
    PREFERRED,
    GlossaryEntry,
    TargetTerm,
    language_side,
    status_of,
    text_output,
    unknown_status,
)
from tm.formats.tmx.encoding import Utf8Stream, decide_encoding
from tm.formats.tmx.writer import escape_attr, escape_text
from tm.formats.xliff.inline import local_name, plain_text
from tm.messages import Message

if TYPE_CHECKING:
    from tm.formats.glossary import GlossaryReader

TBX3_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ROOTS = {"martif": "tbx2", "tbx": "tbx3"}
CASE_SENSITIVE = "x-caseSensitive"  # Sverka's term notes: TBX has no category for these
DO_NOT_TRANSLATE = "x-doNotTranslate"
# A term's status as TBX-Basic writes it.
ADMINISTRATIVE_STATUS = {"preferred": "preferredTerm-admn-sts",
                         "admitted": "admittedTerm-admn-sts",
                         "forbidden": "deprecatedTerm-admn-sts"}
_ENTRY_TAGS = ("{*}termEntry", "{*}conceptEntry")
_LANG_SECTIONS = frozenset({"langSet", "langSec"})
_TERM_HOLDERS = frozenset({"tig", "ntig", "termSec"})
_GROUPS = frozenset({"descripGrp", "termNoteGrp", "adminGrp", "termGrp", "transacGrp"})
_TYPED = frozenset({"descrip", "termNote", "admin", "descripNote", "adminNote"})
_STATUS_KINDS = frozenset({"administrativeStatus", "normativeAuthorization"})
_YES = frozenset({"yes", "true", "1"})
_UNDECLARED = (etree.ErrorTypes.WAR_UNDECLARED_ENTITY, etree.ErrorTypes.ERR_UNDECLARED_ENTITY)
_ENTITY_NAME = re.compile(r"Entity '([^']*)'")
_XML_START = re.compile(rb"[\t\n\r \x00]*<")
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False,
                       dtd_validation=False, huge_tree=False, remove_comments=True,
                       remove_pis=True, strip_cdata=True)
# Entries formatted before one write: few, large writes.
CHUNK_ENTRIES = 256


# -- what the file is ------------------------------------------------------------------

def looks_like_xml(head: bytes) -> bool:
    """Whether a file starting with ``head`` is XML (its first character, after a
    byte-order mark and white space, is ``<``; UTF-16 and UTF-32 too)."""
    for mark in (b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe",
                 b"\xfe\xff"):
        if head.startswith(mark):
            head = head[len(mark):]
            break
    return _XML_START.match(head) is not None


def decide(reader: GlossaryReader, handle: BinaryIO, head: bytes) -> str:
    """Decide the encoding of the XML file ``handle`` and which TBX it is; refuse one that
    is not TBX or declares entities."""
    try:
        encoding, skip, warnings = decide_encoding(head)
    except FormatError as error:
        raise FormatError("tbx-encoding-refused", "{name}: {reason}", name=reader.name,
                          reason=error) from error
    reader.decided(encoding, skip, warnings)
    handle.seek(0)
    root = _root(reader, Utf8Stream(handle, encoding, skip, reader.name))
    return _version(reader, root)


def _root(reader: GlossaryReader, stream: Utf8Stream) -> etree._Element:
    """The root element, from the start of the file: refuse declared entities, or XML that
    is broken before the root is reached."""
    parser = etree.XMLPullParser(events=("start",), **_PARSER_OPTIONS)
    error: etree.XMLSyntaxError | None = None
    while True:
        chunk = stream.read(4096)  # a little at a time: the root is usually near the start
        try:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
        except etree.XMLSyntaxError as raised:
            error = raised
        for _event, element in parser.read_events():  # those before an error, too
            _check_doctype(reader, element)
            return element
        if error is not None:
            _malformed(reader, error, parser.error_log)
        if not chunk:
            raise FormatError("tbx-root-missing", "{name}: no root element", name=reader.name)


def _version(reader: GlossaryReader, root: etree._Element) -> str:
    tag = root.tag if isinstance(root.tag, str) else "?"
    local = local_name(tag)
    if local not in ROOTS:
        raise FormatError("tbx-root-other", "{name}: not a TBX file (root element <{root}>)",
                          name=reader.name, root=local)
    namespace = tag[1:].partition("}")[0] if tag.startswith("{") else ""
    if local == "tbx" and namespace not in ("", TBX3_NS):
        raise FormatError("tbx-namespace-unknown", "{name}: <tbx> is in the namespace "
                          "{namespace}, not TBX v3's ({expected})", name=reader.name,
                          namespace=namespace, expected=TBX3_NS)
    return ROOTS[local]


def _check_doctype(reader: GlossaryReader, element: etree._Element) -> bool:
    """Refuse a document declaring entities; return whether it has a DOCTYPE at all."""
    docinfo = element.getroottree().docinfo
    subset = docinfo.internalDTD
    if subset is not None and next(subset.iterentities(), None) is not None:
        raise FormatError("tbx-entities-declared", "{name}: declares XML entities; refused "
                          "(entity expansion and external entities are not allowed in TBX)",
                          name=reader.name)
    return bool(docinfo.doctype)


def _check_references(reader: GlossaryReader, log: etree._ListErrorLog, start: int) -> int:
    """Refuse an undeclared entity the parser has logged; return how far it was read."""
    entries = list(log)
    for entry in entries[start:]:
        if entry.type in _UNDECLARED:
            _undeclared(reader, entry)
    return len(entries)


def _undeclared(reader: GlossaryReader, entry: etree._LogEntry) -> NoReturn:
    found = _ENTITY_NAME.search(entry.message)
    raise FormatError("tbx-entity-undeclared", "{name}: line {line}: entity {entity} is not "
                      "declared; refused (TBX may use only &amp; &lt; &gt; &apos; &quot; and "
                      "character references)", name=reader.name, line=entry.line,
                      entity=f"&{found.group(1)};" if found else "?")


def _malformed(reader: GlossaryReader, error: etree.XMLSyntaxError,
               log: etree._ListErrorLog) -> NoReturn:
    # libxml2's first fatal error, not what lxml made of it (an undeclared entity ends up
    # as "no element found" at line 0).
    first = next((entry for entry in log if entry.level == etree.ErrorLevels.FATAL), None)
    if first is not None and first.type in _UNDECLARED:
        _undeclared(reader, first)
    line, reason = error.lineno, error.msg
    if first is not None and not line:
        line, reason = first.line, first.message
    raise FormatError("xml-malformed", "{name}: not well-formed XML at line {line}: "
                      "{reason}", name=reader.name, line=line, reason=reason) from error


# -- entries ---------------------------------------------------------------------------

def read_entries(reader: GlossaryReader) -> Iterator[GlossaryEntry]:
    """Yield the entries of the TBX file ``reader`` reads, in document order."""
    handle = reader.open()
    try:
        stream = Utf8Stream(handle, reader.encoding, reader.skip, reader.name)
        yield from _Parse(reader).entries(stream)
    finally:
        handle.close()


@dataclass
class _Said:
    """What is said about a concept, a language section or a term."""

    definition: str | None = None
    example: str | None = None
    part_of_speech: str | None = None
    status: str | None = None
    notes: list[str] = field(default_factory=list)
    case_sensitive: bool = False
    do_not_translate: bool = False


@dataclass
class _Term:
    text: str
    said: _Said
    line: int | None


class _Parse:
    """One reading of a TBX file: its entry elements turned into entries."""

    def __init__(self, reader: GlossaryReader) -> None:
        self.reader = reader
        self.statuses: dict[str, int | None] = {}  # unknown status values, first line
        self.sides: dict[str, str | None] = {}  # xml:lang value → "src", "tgt" or None

    def entries(self, stream: Utf8Stream) -> Iterator[GlossaryEntry]:
        events = etree.iterparse(stream, events=("end",), tag=_ENTRY_TAGS, **_PARSER_OPTIONS)
        checked = False
        references = False  # whether undeclared entity references can reach the tree
        logged = 0  # parser messages looked at so far
        try:
            for _event, element in events:
                if not checked:
                    references = _check_doctype(self.reader, element)
                    checked = True
                if references:
                    logged = _check_references(self.reader, events.error_log, logged)
                self.reader.read += 1
                found = self._entry(element)
                _clear(element)
                yield from found
        except (etree.XMLSyntaxError, UnicodeDecodeError) as error:
            # Bytes invalid in the encoding are what is wrong, said by their offset.
            invalid = stream.encoding_error() if stream.passthrough else None
            if invalid is not None:
                raise invalid from error
            if isinstance(error, UnicodeDecodeError):
                raise FormatError("tbx-not-utf8", "{name}: not valid UTF-8 ({reason})",
                                  name=self.reader.name, reason=error.reason) from error
            _malformed(self.reader, error, events.error_log)
        if not checked:
            references = _check_doctype(self.reader, events.root)
        if references:  # after the last entry
            _check_references(self.reader, events.error_log, logged)
        self.reader.warnings.extend(unknown_status(value, line)
                                    for value, line in self.statuses.items())

    def _entry(self, element: etree._Element) -> list[GlossaryEntry]:
        concept = _Said()
        self._collect(element, concept)
        sources: list[_Term] = []
        targets: list[_Term] = []
        for section in element:
            if not isinstance(section.tag, str) or local_name(section.tag) not in _LANG_SECTIONS:
                continue
            lang = section.get(XML_LANG) or section.get("lang") or ""
            side = self.sides.get(lang, "")
            if side == "":
                side = self.sides[lang] = language_side(lang, self.reader.src,
                                                        self.reader.tgt)
            if side is None:
                continue
            said = _Said()
            self._collect(section, said)
            terms = sources if side == "src" else targets
            for holder in section:
                if isinstance(holder.tag, str) and local_name(holder.tag) in _TERM_HOLDERS:
                    terms.append(self._term(holder, said))
        skipped = self.reader.skipped
        if not sources:
            skipped[_no_term(self.reader.src)] += 1
            return []
        kept = tuple(TargetTerm(t.text, t.said.status or PREFERRED) for t in targets if t.text)
        if not kept:
            skipped[_no_term(self.reader.tgt)] += len(sources)
            return []
        found = []
        for source in sources:
            if not source.text:
                skipped[Message("glossary-skip-source-empty", "empty source term")] += 1
                continue
            found.append(self._glossary_entry(source, concept, kept, targets))
        return found

    def _term(self, holder: etree._Element, section: _Said) -> _Term:
        """A term of ``holder`` (a tig, ntig or termSec) with what is said about it;
        nearest first: the term's own, then its language section's."""
        term = next(holder.iter("{*}term"), None)
        text = " ".join(plain_text(term).split()) if term is not None else ""
        said = _Said()
        self._collect(holder, said)
        said.definition = said.definition or section.definition
        said.example = said.example or section.example
        said.part_of_speech = said.part_of_speech or section.part_of_speech
        said.case_sensitive = said.case_sensitive or section.case_sensitive
        said.do_not_translate = said.do_not_translate or section.do_not_translate
        said.notes = section.notes + said.notes
        return _Term(text, said, holder.sourceline)

    def _glossary_entry(self, source: _Term, concept: _Said, kept: tuple[TargetTerm, ...],
                        targets: list[_Term]) -> GlossaryEntry:
        """The entry of one source term: what is said nearest to it wins (the term, its
        language section, the concept, then the targets); every note is kept."""
        said = source.said
        notes = [*concept.notes, *said.notes]
        for target in targets:
            notes.extend(note for note in target.said.notes if note not in notes)
        return GlossaryEntry(
            source=source.text, targets=kept,
            part_of_speech=said.part_of_speech or concept.part_of_speech or next(
                (t.said.part_of_speech for t in targets if t.said.part_of_speech), None),
            definition=said.definition or concept.definition or next(
                (t.said.definition for t in targets if t.said.definition), None),
            note="\n".join(notes) or None,
            example=said.example or concept.example,
            status=said.status or PREFERRED,
            case_sensitive=said.case_sensitive or concept.case_sensitive,
            do_not_translate=said.do_not_translate or concept.do_not_translate,
            line=source.line)

    def _collect(self, element: etree._Element, said: _Said) -> None:
        """Note in ``said`` what the children of ``element`` say (not entering language
        sections or terms: they say it of themselves)."""
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            local = local_name(tag)
            if local in _LANG_SECTIONS or local in _TERM_HOLDERS or local == "term":
                continue
            if local in _GROUPS:
                self._collect(child, said)
                continue
            kind = child.get("type") if local in _TYPED else local  # DCT: <basic:context>
            value = plain_text(child).strip()
            if not value or kind is None:
                continue
            if kind == "definition":
                said.definition = said.definition or value
            elif kind == "context":
                said.example = said.example or value
            elif kind == "partOfSpeech":
                said.part_of_speech = said.part_of_speech or value
            elif kind in _STATUS_KINDS:
                said.status = said.status or self._status(value, child.sourceline)
            elif kind == "note":
                said.notes.append(value)
            elif kind == CASE_SENSITIVE:
                said.case_sensitive = value.lower() in _YES
            elif kind == DO_NOT_TRANSLATE:
                said.do_not_translate = value.lower() in _YES

    def _status(self, value: str, line: int | None) -> str:
        status = status_of(value)
        if status is None:
            self.statuses.setdefault(value, line)
            return PREFERRED
        return status


def _no_term(lang: str) -> Message:
    return Message("glossary-skip-no-term", "no {lang} term", lang=lang)


def _clear(element: etree._Element) -> None:
    """Free what the tree holds of ``element`` and of its earlier siblings."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


# -- writing ---------------------------------------------------------------------------

def write_tbx(out: str | Path | IO[bytes], entries: Iterable[GlossaryEntry], *, src: str,
              tgt: str) -> int:
    """Write ``entries`` as TBX-Basic (TBX v2, ``martif``), one ``termEntry`` each, in
    ``src`` and ``tgt``; return how many were written."""
    count = 0
    with text_output(out) as text:
        text.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<martif type="TBX-Basic" xml:lang="en">\n  <martifHeader>\n'
                   "    <fileDesc>\n      <sourceDesc>\n"
                   f"        <p>Written by Sverka {escape_text(__version__)}</p>\n"
                   "      </sourceDesc>\n    </fileDesc>\n    <encodingDesc>\n"
                   '      <p type="XCSURI">TBXBasicXCSV02.xcs</p>\n    </encodingDesc>\n'
                   "  </martifHeader>\n  <text>\n    <body>\n")
        chunk: list[str] = []
        for count, entry in enumerate(entries, 1):
            chunk.append(entry_xml(entry, f"c{count}", src=src, tgt=tgt))
            if len(chunk) >= CHUNK_ENTRIES:
                text.write("".join(chunk))
                chunk.clear()
        text.write("".join(chunk))
        text.write("    </body>\n  </text>\n</martif>\n")
    return count


def entry_xml(entry: GlossaryEntry, entry_id: str, *, src: str, tgt: str) -> str:
    """Return ``entry`` as a TBX-Basic ``<termEntry>``, in the order the TBX core DTD
    wants: the concept's notes, then a language section each with its own data first."""
    parts = [f'      <termEntry id="{escape_attr(entry_id)}">\n']
    if entry.note:
        parts.append(f"        <note>{escape_text(entry.note)}</note>\n")
    parts.append(f'        <langSet xml:lang="{escape_attr(src)}">\n')
    if entry.definition:
        parts.append(f'          <descrip type="definition">{escape_text(entry.definition)}'
                     "</descrip>\n")
    notes = [("partOfSpeech", entry.part_of_speech),
             ("administrativeStatus", ADMINISTRATIVE_STATUS.get(entry.status)),
             (CASE_SENSITIVE, "yes" if entry.case_sensitive else None),
             (DO_NOT_TRANSLATE, "yes" if entry.do_not_translate else None)]
    parts.append(_tig(entry.source, notes, entry.example))
    parts.append(f'        </langSet>\n        <langSet xml:lang="{escape_attr(tgt)}">\n')
    for target in entry.targets:
        parts.append(_tig(target.text, [
            ("administrativeStatus", ADMINISTRATIVE_STATUS.get(target.status))], None))
    parts.append("        </langSet>\n      </termEntry>\n")
    return "".join(parts)


def _tig(term: str, notes: list[tuple[str, str | None]], example: str | None) -> str:
    parts = [f"          <tig>\n            <term>{escape_text(term)}</term>\n"]
    parts.extend(f'            <termNote type="{kind}">{escape_text(value)}</termNote>\n'
                 for kind, value in notes if value)
    if example:
        parts.append(f'            <descrip type="context">{escape_text(example)}'
                     "</descrip>\n")
    parts.append("          </tig>\n")
    return "".join(parts)

