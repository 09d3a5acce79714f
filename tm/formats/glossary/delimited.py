"""Delimited glossaries: OmegaT's TSV and CSV with a header row, read and written.

TSV is OmegaT's: ``source⇥target⇥comment`` a line, no header and no quoting, lines
starting with ``#`` are comments. A TSV whose first line names its columns (``source⇥
target⇥note``) is read by those names instead. CSV starts with a header row naming its
columns, in any case and order, in English or Russian or by language code (``ru,en``);
cells are separated by commas, or by semicolons when the header has more of them (as
Excel writes CSV in a Russian locale), and quoted as the ``csv`` module reads them
(embedded separators, quotes and line breaks).

A CSV row has one source term and any number of targets: several in a cell are separated
by ``;`` (written ``\\;`` inside a term, and ``\\\\`` for a backslash), preferred ones in
``target``, the others in ``admitted`` and ``forbidden``. Booleans are ``yes``/``no`` (or
true/false, 1/0, да/нет). A do-not-translate row without a target keeps its source as it.

The bytes are decoded as an imported article is (:mod:`tm.ingest.decode`: UTF-8, UTF-16
with a byte-order mark, or Windows-1251 when the text is plausibly Russian; binary data
refused), decided from the first 64 KiB and then streamed; a byte invalid later in the
file is refused at its offset.
"""
from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from tm.encoding import sniff_bom
from tm.errors import FormatError, InputError
from tm.formats.glossary.units import (
    ADMITTED,
    FORBIDDEN,
    PREFERRED,
    GlossaryEntry,
    TargetTerm,
    language_side,
    status_of,
    text_output,
    unknown_status,
)
from tm.formats.tmx.encoding import CHUNK_BYTES, SNIFF_BYTES, Utf8Stream, invalid_utf8_offset
from tm.ingest.decode import decode_bytes
from tm.messages import Message

if TYPE_CHECKING:
    from tm.formats.glossary import GlossaryReader

# The columns a header may name, by field; names are compared lower-cased, with "_" and
# "-" read as spaces and "ё" as "е". Language codes (ru, en-GB) name source and target too.
COLUMNS: dict[str, tuple[str, ...]] = {
    "source": ("source", "source term", "term", "src", "термин", "исходный термин",
               "источник", "оригинал"),
    "target": ("target", "target term", "translation", "tgt", "перевод", "перевод термина"),
    "admitted": ("admitted", "admitted target", "admitted targets", "допустимый перевод",
                 "допустимые переводы", "допустимо"),
    "forbidden": ("forbidden", "deprecated", "forbidden target", "forbidden targets",
                  "запрещенный перевод", "запрещенные переводы", "запрещено"),
    "target_status": ("target status", "статус перевода"),
    "note": ("note", "notes", "comment", "comments", "примечание", "комментарий"),
    "part_of_speech": ("part of speech", "pos", "часть речи"),
    "definition": ("definition", "description", "определение", "описание"),
    "example": ("example", "context", "usage", "пример", "контекст"),
    "status": ("status", "source status", "статус", "статус термина"),
    "case_sensitive": ("case sensitive", "match case", "с учетом регистра", "регистр"),
    "do_not_translate": ("do not translate", "dnt", "не переводить"),
}
# Languages' names in a header, by primary subtag: "Russian", "английский".
LANGUAGE_NAMES = {"ru": ("russian", "русский", "русский язык"),
                  "en": ("english", "английский", "английский язык")}
# What write_csv writes, in this order: every field of an entry.
CSV_HEADER = ("source", "target", "admitted", "forbidden", "note", "part of speech",
              "definition", "example", "status", "case sensitive", "do not translate")
YES = frozenset({"yes", "y", "true", "1", "x", "+", "да", "д", "истина"})
NO = frozenset({"", "no", "n", "false", "0", "-", "нет", "н", "ложь"})
_BY_NAME = {name: column for column, names in COLUMNS.items() for name in names}
_SEPARATORS = re.compile(r"[\t\r\n]")
_HIGH = bytes(range(0x80, 0x100))
_ESCAPED = re.compile(r"\\([\\;])|;")


# -- what the file is ------------------------------------------------------------------

def decide(reader: GlossaryReader, head: bytes) -> str:
    """Decide the encoding of delimited text starting with ``head`` and whether it is TSV
    or CSV; refuse binary data and text whose encoding cannot be told."""
    whole = len(head) < SNIFF_BYTES
    bom = sniff_bom(head)
    encoding, skip = bom if bom is not None else ("utf-8", 0)
    sample = head if whole else _whole_characters(head, encoding, skip)
    text = decode_bytes(sample, reader.name)  # the text import's refusals, word for word
    warnings = []
    if bom is None and invalid_utf8_offset(sample) is not None:
        encoding = "cp1251"  # what decode_bytes read it as
        warnings.append(Message("glossary-read-as-cp1251",
                                "not UTF-8: read as Windows-1251"))
    reader.decided(encoding, skip, warnings)
    first = next((line for line in text.split("\n")
                  if line.strip() and not line.startswith("#")), "\t")
    return "tsv" if "\t" in first else "csv"


def _whole_characters(head: bytes, encoding: str, skip: int) -> bytes:
    """``head`` without a character cut at its end."""
    if encoding.startswith(("utf-16", "utf-32")):
        end = skip + (len(head) - skip) // 4 * 4
        if encoding.startswith("utf-16"):
            last = head[end - 2:end]
            unit = int.from_bytes(last, "little" if encoding.endswith("le") else "big")
            if 0xD800 <= unit <= 0xDBFF:  # a surrogate pair's first half
                end -= 2
        return head[:end]
    # An ASCII byte is never part of a longer character in UTF-8 or Windows-1251.
    return head[:len(head.rstrip(_HIGH))]


# -- entries ---------------------------------------------------------------------------

def read_entries(reader: GlossaryReader) -> Iterator[GlossaryEntry]:
    """Yield the entries of the TSV or CSV file ``reader`` reads, in order."""
    handle = reader.open()
    try:
        lines = _lines(reader, Utf8Stream(handle, reader.encoding, reader.skip, reader.name))
        parse = _Rows(reader)
        if reader.format == "tsv":
            yield from parse.tsv(lines)
        else:
            yield from parse.csv(lines)
        parse.finish()
    finally:
        handle.close()


def _lines(reader: GlossaryReader, stream: Utf8Stream) -> Iterator[str]:
    """The file's lines, each with its line break (``\\n``, or ``\\r\\n``)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    rest = ""
    while True:
        chunk = stream.read(CHUNK_BYTES)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            invalid = stream.encoding_error()
            if invalid is None:
                raise
            raise invalid from error
        if "\x00" in text:
            raise InputError("file-binary", "{name}: looks like a binary file, not text",
                             name=reader.name)
        parts = (rest + text).split("\n")
        rest = parts.pop()
        for part in parts:
            yield part + "\n"
        if not chunk:
            if rest:
                yield rest
            return


class _Rows:
    """One reading of a delimited file: its rows turned into entries."""

    def __init__(self, reader: GlossaryReader) -> None:
        self.reader = reader
        self.columns: dict[str, int] = {}
        self.names: list[str] = []
        self.unknown: dict[tuple[str, str], int] = {}  # (column, value) → first line
        self.split = True  # whether a cell may hold several terms

    def tsv(self, lines: Iterable[str]) -> Iterator[GlossaryEntry]:
        header = True  # the first line that is not a comment may name the columns
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header:
                header = False
                if self._header(cells, number, required=False):
                    continue
                self.columns = {"source": 0, "target": 1, "note": 2}
                self.names = ["source", "target", "note"]
                self.split = False  # OmegaT's target is one term, whatever it holds
            entry = self._entry(cells, number)
            if entry is not None:
                yield entry

    def csv(self, lines: Iterable[str]) -> Iterator[GlossaryEntry]:
        lines = iter(lines)
        first = next(lines, "")
        delimiter = max((",", ";", "\t"), key=first.count) if first else ","
        rows = csv.reader(_chain(first, lines), delimiter=delimiter, strict=False)
        header = True
        while True:
            line = rows.line_num + 1
            try:
                cells = next(rows)
            except StopIteration:
                return
            except csv.Error as error:
                raise FormatError("csv-malformed", "{name}: line {line}: not readable as CSV "
                                  "({reason})", name=self.reader.name, line=line,
                                  reason=str(error)) from error
            if not any(cell.strip() for cell in cells):
                continue
            if header:
                header = False
                self._header(cells, line, required=True)
                continue
            entry = self._entry(cells, line)
            if entry is not None:
                yield entry

    def _header(self, cells: list[str], line: int, *, required: bool) -> bool:
        """Read the columns a header row names; return whether ``cells`` is one (a CSV's
        first row must be: else it is refused)."""
        columns: dict[str, int] = {}
        twice, unknown = [], []
        for index, cell in enumerate(cells):
            column = self._column(cell)
            if column is None:
                unknown.append(cell.strip())
            elif column in columns:
                twice.append(cell.strip())
            else:
                columns[column] = index
        if not required and (unknown or "source" not in columns or "target" not in columns):
            return False
        found = ", ".join(cell.strip() for cell in cells)
        if "source" not in columns:
            raise FormatError("csv-source-column-missing", "{name}: line {line}: the header "
                              "row names no source column (it has: {found}); a CSV glossary "
                              "starts with a header such as source,target,note",
                              name=self.reader.name, line=line, found=found)
        if "target" not in columns:
            raise FormatError("csv-target-column-missing", "{name}: line {line}: the header "
                              "row names no target column (it has: {found})",
                              name=self.reader.name, line=line, found=found)
        warnings = self.reader.warnings
        warnings.extend(Message("glossary-column-unknown", "column {column!r} is not read",
                                column=name) for name in unknown if name)
        warnings.extend(Message("glossary-column-twice", "column {column!r} is there twice; "
                                "the first is read", column=name) for name in twice)
        self.columns, self.names = columns, [cell.strip() for cell in cells]
        return True

    def _column(self, cell: str) -> str | None:
        name = " ".join(cell.strip().lower().replace("ё", "е").replace("_", " ")
                        .replace("-", " ").split())
        if name in _BY_NAME:
            return _BY_NAME[name]
        side = language_side(cell.strip(), self.reader.src, self.reader.tgt)
        if side is None:
            for lang, column in ((self.reader.src, "source"), (self.reader.tgt, "target")):
                if name in LANGUAGE_NAMES.get(lang.split("-", 1)[0].lower(), ()):
                    return column
            return None
        return "source" if side == "src" else "target"

    def _entry(self, cells: list[str], line: int) -> GlossaryEntry | None:
        self.reader.read += 1
        size, columns = len(cells), self.columns

        def cell(column: str) -> str:
            index = columns.get(column, size)
            return cells[index].strip() if index < size else ""

        source = cell("source")
        if not source:
            self.reader.skipped[Message("glossary-skip-source-empty", "empty source term")] += 1
            return None
        status = self._status(cell("target_status"), line) or PREFERRED
        targets: list[TargetTerm] = []
        for column, target_status in (("target", status), ("admitted", ADMITTED),
                                      ("forbidden", FORBIDDEN)):
            terms = split_terms(cell(column)) if self.split else [cell(column)]
            targets.extend(TargetTerm(term, target_status) for term in terms if term)
        do_not_translate = self._flag(cell("do_not_translate"), "do_not_translate", line)
        if not targets and do_not_translate:
            targets.append(TargetTerm(source))
        if not targets:
            self.reader.skipped[Message("glossary-skip-no-target", "no target term")] += 1
            return None
        return GlossaryEntry(
            source=source, targets=tuple(targets),
            part_of_speech=cell("part_of_speech") or None,
            definition=cell("definition") or None, note=cell("note") or None,
            example=cell("example") or None,
            status=self._status(cell("status"), line) or PREFERRED,
            case_sensitive=self._flag(cell("case_sensitive"), "case_sensitive", line),
            do_not_translate=do_not_translate, line=line)

    def _status(self, value: str, line: int) -> str | None:
        if not value:
            return None
        status = status_of(value)
        if status is None:
            self.unknown.setdefault(("status", value), line)
        return status

    def _flag(self, value: str, column: str, line: int) -> bool:
        word = value.lower()
        if word in YES:
            return True
        if word not in NO:
            self.unknown.setdefault((column, value), line)
        return False

    def finish(self) -> None:
        """Add the warnings about values not understood, once a value."""
        for (column, value), line in self.unknown.items():
            if column == "status":
                self.reader.warnings.append(unknown_status(value, line))
            else:
                name = self.names[self.columns[column]]
                self.reader.warnings.append(Message(
                    "glossary-flag-unknown", "{column} value {value!r} (first at line {line}) "
                    "is neither yes nor no; read as no", column=name, value=value, line=line))


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def split_terms(value: str) -> list[str]:
    """The terms of a CSV cell: separated by ``;``, with ``\\;`` and ``\\\\`` inside one."""
    if ";" not in value and "\\" not in value:
        return [value.strip()] if value.strip() else []
    terms, current, start = [], [], 0
    for found in _ESCAPED.finditer(value):
        current.append(value[start:found.start()])
        if found.group(1) is not None:
            current.append(found.group(1))
        else:
            terms.append("".join(current).strip())
            current = []
        start = found.end()
    current.append(value[start:])
    terms.append("".join(current).strip())
    return [term for term in terms if term]


def join_terms(terms: Iterable[str]) -> str:
    """One CSV cell holding ``terms`` (read back by :func:`split_terms`)."""
    return "; ".join(term.replace("\\", "\\\\").replace(";", "\\;") for term in terms)


# -- writing ---------------------------------------------------------------------------

def write_tsv(out: str | Path | IO[bytes], entries: Iterable[GlossaryEntry]) -> int:
    """Write OmegaT's TSV: source, the target to use and a comment (the note, else the
    definition) a line, in UTF-8; return how many were written. Entries with no target to
    use (only forbidden ones) are left out; tabs and line breaks become spaces. (OmegaT
    reads a source starting with ``#`` as a comment line: TSV cannot say otherwise.)"""
    count = 0
    with text_output(out) as text:
        for entry in entries:
            target = entry.target
            if target is None:
                continue
            cells = [entry.source, target]
            comment = entry.note or entry.definition
            if comment:
                cells.append(comment)
            text.write("\t".join(_SEPARATORS.sub(" ", cell) for cell in cells) + "\n")
            count += 1
    return count


def write_csv(out: str | Path | IO[bytes], entries: Iterable[GlossaryEntry]) -> int:
    """Write CSV with a header and every field of each entry (UTF-8 with a byte-order mark,
    which Excel needs to see it is UTF-8); return how many entries were written."""
    count = 0
    with text_output(out, bom=True) as text:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        for entry in entries:
            writer.writerow(csv_row(entry))
            count += 1
    return count


def csv_row(entry: GlossaryEntry) -> list[str]:
    """``entry`` as the cells of :data:`CSV_HEADER`."""
    def terms(status: str) -> str:
        return join_terms(t.text for t in entry.targets if t.status == status)

    return [entry.source, terms(PREFERRED), terms(ADMITTED), terms(FORBIDDEN),
            entry.note or "", entry.part_of_speech or "", entry.definition or "",
            entry.example or "", entry.status, "yes" if entry.case_sensitive else "no",
            "yes" if entry.do_not_translate else "no"]
