"""Import a TMX file into a memory: streaming, all-or-nothing, with a report.

Units stream from the reader (in a second process for large files, ``tm.memory.tmx_parse``)
straight into the database (``tm.memory.bulk``: values prepared once, written through the
driver); duplicates are resolved afterwards with set-based SQL, so memory stays flat however
large the file is.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.errors import InputError, ValidationError
from tm.lang import SOURCE_LANG, TARGET_LANG, primary_language
from tm.memory.bulk import UnitInserter
from tm.memory.duplicates import DuplicatePolicy, duplicate_policy, resolve_duplicates
from tm.memory.memories import get_or_create_memory
from tm.memory.tmx_parse import RowSource
from tm.memory.tmx_rows import ParseOutcome, RowPlan, batch_keys, normalized_tag
from tm.messages import Message
from tm.models import Memory, MemoryUnit, utcnow
from tm.search.index import PendingTerms, TermsWriter, index_units

# Bytes of TMX per unit, to guess a file's units from its size before reading it: generous
# (real units with short segments take 300–800), so large files are not overestimated.
UNIT_BYTES_GUESS = 1000
# The stages of an import, as progress reports name them: units read and stored (of the
# number the file's size suggests, until the end), duplicates merged, new units indexed.
STAGE_STORE = "store-units"
STAGE_MERGE = "merge-duplicates"
STAGE_INDEX = "index-units"
TMX_STAGES = (STAGE_STORE, STAGE_MERGE, STAGE_INDEX)
TmxProgress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while an import runs."""


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass
class TmxImportReport:
    """What an import read, stored, merged and skipped, and what it decided."""

    file: str
    memory: str
    src_lang: str
    tgt_lang: str
    read: int = 0
    imported: int = 0
    duplicates: int = 0  # units of the file merged into others (not stored)
    replaced: int = 0  # units already in the memory that newer units of the file replaced
    skipped: Counter[Message] = field(default_factory=Counter)  # units by why they were
    languages: dict[str, str] = field(default_factory=dict)
    warnings: list[Message] = field(default_factory=list)
    encoding: str | None = None
    tmx_version: str | None = None
    on_duplicate: DuplicatePolicy = DuplicatePolicy.KEEP_NEWEST
    rejects: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict (skip reasons and warnings in English)."""
        return {"file": self.file, "memory": self.memory, "src_lang": self.src_lang,
                "tgt_lang": self.tgt_lang, "read": self.read, "imported": self.imported,
                "duplicates": self.duplicates, "replaced": self.replaced,
                "skipped": {str(reason): count for reason, count in self.skipped.items()},
                "languages": self.languages, "warnings": [str(w) for w in self.warnings],
                "encoding": self.encoding, "tmx_version": self.tmx_version,
                "on_duplicate": self.on_duplicate, "rejects": self.rejects,
                "seconds": round(self.seconds, 3)}


def import_tmx(session: Session, path: str | Path, *, memory: str, src: str | None = None,
               tgt: str | None = None,
               on_duplicate: DuplicatePolicy | str = DuplicatePolicy.KEEP_NEWEST,
               rejects: str | Path | None = None,
               max_bytes: int | None = None, parallel: bool | None = None,
               name: str | None = None, progress: TmxProgress | None = None
               ) -> TmxImportReport:
    """Import the TMX file at ``path`` into ``memory`` in the caller's transaction.

    ``parallel`` parses the file in a second process (None: when it pays, see
    :mod:`tm.memory.tmx_parse`). ``name`` is what the report and errors call the file (an
    upload's own name rather than where the server spooled it; default: ``path``).
    ``progress(stage, done, total)`` is told how far each of :data:`TMX_STAGES` has come.
    """
    started = time.perf_counter()
    on_duplicate = duplicate_policy(on_duplicate)
    target_memory = _target_memory(session, memory, src=src, tgt=tgt)
    src_lang, tgt_lang = target_memory.src_lang, target_memory.tgt_lang
    report = TmxImportReport(file=name or str(path), memory=memory, src_lang=src_lang,
                             tgt_lang=tgt_lang, on_duplicate=on_duplicate,
                             rejects=str(rejects) if rejects else None)
    last_id = session.scalar(select(func.max(MemoryUnit.id))) or 0
    inserter = UnitInserter(session)
    plan = RowPlan(memory_id=target_memory.id, src_lang=src_lang, tgt_lang=tgt_lang,
                   now=utcnow(), format=inserter.format)
    source = RowSource(path, plan=plan, max_bytes=max_bytes,
                       rejects=Path(rejects) if rejects else None, parallel=parallel, name=name)
    ok = False
    try:
        outcome = _store_units(session, source, inserter, report, path=path,
                               memory_id=target_memory.id, last_id=last_id,
                               on_duplicate=on_duplicate, progress=progress or _no_progress)
        ok = True
    finally:
        source.close(ok)
    _describe(outcome, report, src_lang)
    _refuse_nothing(report, outcome)
    if target_memory.header is None and outcome.header is not None:
        target_memory.header = outcome.header
    session.flush()
    report.seconds = time.perf_counter() - started
    return report


def _target_memory(session: Session, memory: str, *, src: str | None,
                   tgt: str | None) -> Memory:
    """Return the memory to import into (made if new); ValidationError if its languages differ."""
    target_memory = get_or_create_memory(session, memory, src_lang=src or SOURCE_LANG,
                                         tgt_lang=tgt or TARGET_LANG)
    src_lang, tgt_lang = target_memory.src_lang, target_memory.tgt_lang
    for asked, have in ((src, src_lang), (tgt, tgt_lang)):
        if asked and primary_language(asked) != primary_language(have):
            raise ValidationError("memory-pair-other", "memory {memory!r} is {src}→{tgt}; "
                                  "cannot import {asked_src}→{asked_tgt} into it",
                                  memory=memory, src=src_lang, tgt=tgt_lang, asked_src=src,
                                  asked_tgt=tgt)
    return target_memory


def _store_units(session: Session, source: RowSource, inserter: UnitInserter,
                 report: TmxImportReport, *, path: str | Path, memory_id: int,
                 last_id: int, on_duplicate: DuplicatePolicy,
                 progress: TmxProgress) -> ParseOutcome:
    """Store the file's units, resolve duplicates and index what stays; return what was read."""
    # Each batch's search keys come with it from the parsing process, or are made here.
    # SQLite and PostgreSQL tell a batch's ids as soon as it is in: its keys are indexed at
    # once, while the next batch is parsed. Other engines tell them at the end (or not): the
    # keys wait in a temporary file.
    direct = TermsWriter(session, memory_id=memory_id, after_id=last_id) \
        if inserter.tells_batch_ids else None
    terms = PendingTerms()
    waiting: list[list[bytes]] = []
    expected = _size(path) // UNIT_BYTES_GUESS
    stored_rows = 0

    def batches() -> Iterator[list[tuple[Any, ...]]]:
        nonlocal stored_rows
        progress(STAGE_STORE, 0, expected)
        for batch in source.batches():
            stored_rows += len(batch.rows)
            progress(STAGE_STORE, stored_rows, max(expected, stored_rows + 1))
            keys = batch_keys(batch.rows) if batch.keys is None else batch.keys
            if direct is not None:
                waiting.append(keys)
            else:
                terms.add_blobs(keys)
            yield batch.rows

    def stored(ids: Sequence[int]) -> None:
        assert direct is not None
        direct.write(ids, waiting.pop(0))

    try:
        unit_ids = inserter.insert(batches(), expected_rows=expected,
                                   stored=stored if direct is not None else None)
        outcome = source.outcome
        progress(STAGE_STORE, outcome.rows, outcome.rows)
        progress(STAGE_MERGE, 0, outcome.rows)
        report.duplicates, report.replaced = resolve_duplicates(
            session, memory_id, last_id, policy=on_duplicate)
        report.imported = outcome.rows - report.duplicates
        progress(STAGE_MERGE, outcome.rows, outcome.rows)
        if direct is None:  # else indexed as stored; the duplicates' rows went with them
            progress(STAGE_INDEX, 0, report.imported)
            _index_stored(session, terms, unit_ids, memory_id=memory_id, last_id=last_id,
                          dropped=report.duplicates > 0)
            progress(STAGE_INDEX, report.imported, report.imported)
    finally:
        terms.close()
    return outcome


def _index_stored(session: Session, terms: PendingTerms, unit_ids: Sequence[int] | None, *,
                  memory_id: int, last_id: int, dropped: bool) -> None:
    """Index the units just stored, so they are findable at once.

    From the keys ``terms`` kept aside when the engine said their ids (``unit_ids``; ``dropped``
    whether duplicates went since), else from the units read back.
    """
    if unit_ids is not None:
        terms.write(session, memory_id=memory_id, unit_ids=unit_ids, dropped=dropped)
    else:  # the engine did not say which ids the units got: read them back
        index_units(session, memory_id=_index_scope(session, memory_id), after_id=last_id)


def _index_scope(session: Session, memory_id: int) -> int | None:
    """Return the memory to name when indexing the new units, None for every unit after them.

    On SQLite the import holds the database's write lock, so the units after ``last_id`` are
    this import's (or committed before it; indexing those again is harmless), and without the
    memory the index pages through them by id: with it, SQLite pages through the memory's
    (memory_id, source_key) index and sorts the whole memory for every page (quadratic:
    214 s of a million-unit import). On PostgreSQL another memory's unit committed meanwhile
    would be indexed twice, so the memory is named.
    """
    return None if session.get_bind().dialect.name == "sqlite" else memory_id


def _refuse_nothing(report: TmxImportReport, outcome: ParseOutcome) -> None:
    """Refuse an import that stored nothing (so it rolls back, and a memory it made goes
    with it rather than keep a language pair no unit has), saying which pair the file has."""
    if report.imported or report.duplicates or report.replaced:
        return
    if not report.read:
        raise InputError("tmx-no-units", "{name}: no translation units in the file; nothing "
                         "imported", name=report.file)
    pair = _file_pair(outcome)
    if pair is None or {primary_language(t) for t in pair} == {
            primary_language(report.src_lang), primary_language(report.tgt_lang)}:
        raise InputError("tmx-nothing-importable", "{name}: none of its {read} units could be "
                         "imported into {src}→{tgt} ({reasons})", name=report.file,
                         read=report.read, src=report.src_lang, tgt=report.tgt_lang,
                         reasons=_most_skipped(report.skipped))
    src, tgt = pair
    raise InputError("tmx-pair-absent", "{name}: no unit has a {src}→{tgt} pair; this file is "
                     "{file_src}→{file_tgt}: use --src {use_src} --tgt {use_tgt}",
                     name=report.file, src=report.src_lang, tgt=report.tgt_lang,
                     file_src=src, file_tgt=tgt, use_src=primary_language(src),
                     use_tgt=primary_language(tgt))


def _most_skipped(skipped: Counter[Message], most: int = 3) -> Message:
    """The ``most`` commonest reasons units were skipped, with their counts: one message."""
    counted = [Message("skip-count", "{count} {reason}", count=n, reason=why)
               for why, n in skipped.most_common(most)]
    if not counted:  # nothing read was skipped either: not reached (read > 0, none stored)
        return Message("skip-none", "no unit was skipped")
    joined = counted[-1]
    for item in reversed(counted[:-1]):
        joined = Message("list-more", "{first}; {rest}", first=item, rest=joined)
    return joined


def _file_pair(outcome: ParseOutcome) -> tuple[str, str] | None:
    """Return the file's own language pair: its header's srclang first, then the other
    language its units have; None when it has not two."""
    languages = list(dict.fromkeys(outcome.languages.values()))
    header_src = ((outcome.header or {}).get("attrs") or {}).get("srclang") or ""
    by_primary = {primary_language(t): t for t in languages}
    source = by_primary.get(primary_language(header_src)) if header_src.strip() else None
    source = source or (languages[0] if languages else None)
    others = [t for t in languages if primary_language(t) != primary_language(source or "")]
    if source is None or not others:
        return None
    return source, others[0]


def _size(path: str | Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:  # the reader says what is wrong with the file
        return 0


def _describe(outcome: ParseOutcome, report: TmxImportReport, src_lang: str) -> None:
    """Fill the report with what reading the file found and decided."""
    report.read = outcome.read
    report.skipped = Counter(outcome.skipped)
    report.encoding, report.tmx_version = outcome.encoding, outcome.version
    report.languages = dict(outcome.languages)
    report.warnings.extend(outcome.warnings)
    header = outcome.header or {}
    header_src = (header.get("attrs") or {}).get("srclang") or ""
    if not header_src:
        report.warnings.append(Message("tmx-srclang-missing", "the header has no srclang; "
                                       "{lang} was taken as the source language",
                                       lang=src_lang))
    elif header_src.strip() == "*all*":
        report.warnings.append(Message("tmx-srclang-all", "the header's srclang is *all*; "
                                       "{lang} was taken as the source language",
                                       lang=src_lang))
    elif normalized_tag(header_src).split("-")[0].lower() != src_lang.split("-")[0].lower():
        report.warnings.append(Message("tmx-srclang-overridden", "the header's srclang is "
                                       "{srclang}, but {lang} was taken as the source language "
                                       "as asked", srclang=header_src, lang=src_lang))
    for raw, mapped in outcome.languages.items():
        if raw != mapped and raw.replace("_", "-").lower() != mapped.lower():
            report.warnings.append(Message("tmx-language-mapped", "language {raw!r} read as "
                                           "{tag!r}", raw=raw, tag=mapped))
