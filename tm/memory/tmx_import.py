"""Import a TMX file into a memory: streaming, all-or-nothing, with a report.

Units stream from the reader straight into the database (``tm.memory.bulk``: values prepared
once, written through the driver); duplicates are resolved afterwards with set-based SQL, so
memory stays flat however large the file is.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.errors import ValidationError
from tm.formats.tmx import TmxReader, TmxUnit, TmxWriter, Variant
from tm.formats.tmx.reader import NO_SEG_ATTR
from tm.formats.tmx.units import Meta
from tm.lang import normalize_lang, primary_language
from tm.memory.bulk import COLUMNS, UnitInserter
from tm.memory.duplicates import DUPLICATE_POLICIES, resolve_duplicates
from tm.memory.memories import get_or_create_memory
from tm.models import MemoryUnit, utcnow
from tm.search.index import PendingTerms, index_units

CONTEXT_PRE, CONTEXT_POST = "x-context-pre", "x-context-post"
# Bytes of TMX per unit, to guess a file's units from its size before reading it: generous
# (real units with short segments take 300–800), so large files are not overestimated.
UNIT_BYTES_GUESS = 1000
# tu attributes that have columns of their own; the rest stay in ``extra``.
DATE_COLUMNS = {"creationdate": "created_at", "changedate": "changed_at",
                "lastusagedate": "last_used_at"}
TEXT_COLUMNS = {"tuid": "tuid", "creationid": "created_by", "changeid": "changed_by"}
_SOURCE = COLUMNS.index("source")


def source_key(text: str) -> str:
    """Return the lookup key of a source text (exact text, as CAT tools compare it)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


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
    skipped: Counter[str] = field(default_factory=Counter)
    languages: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    tmx_version: str | None = None
    on_duplicate: str = "keep-newest"
    rejects: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {"file": self.file, "memory": self.memory, "src_lang": self.src_lang,
                "tgt_lang": self.tgt_lang, "read": self.read, "imported": self.imported,
                "duplicates": self.duplicates, "replaced": self.replaced,
                "skipped": dict(self.skipped),
                "languages": self.languages, "warnings": self.warnings,
                "encoding": self.encoding, "tmx_version": self.tmx_version,
                "on_duplicate": self.on_duplicate, "rejects": self.rejects,
                "seconds": round(self.seconds, 3)}


def pick_variant(variants: tuple[Variant, ...], lang: str,
                 exclude: Variant | None = None) -> Variant | None:
    """Return the variant in ``lang``: the exact tag first, else the same language."""
    primary = lang.split("-", 1)[0].lower()
    fallback = None
    for variant in variants:
        if variant is exclude:
            continue
        if variant.lang == lang:
            return variant
        if fallback is None and variant.lang.split("-", 1)[0].lower() == primary:
            fallback = variant
    return fallback


def _skip_reason(source: Variant | None, target: Variant | None, src: str,
                 tgt: str) -> str | None:
    if source is None:
        return f"no {src} variant"
    if target is None:
        return f"no {tgt} variant"
    for side, variant in (("source", source), ("target", target)):
        if NO_SEG_ATTR in variant.attrs:
            return f"{side} has no <seg>"
        if not variant.text.strip():
            return f"empty {side}" + (" (inline codes only)" if variant.markup else "")
    return None


def _variant_extra(variant: Variant) -> dict[str, Any]:
    data = variant.as_json()
    del data["text"]
    data.pop("markup", None)
    return data


def _split_context(meta: tuple[Meta, ...]) -> tuple[str | None, str | None, list[Meta]]:
    before = after = None
    rest = []
    for m in meta:
        if m.kind == "prop" and m.type == CONTEXT_PRE and before is None:
            before = m.text
        elif m.kind == "prop" and m.type == CONTEXT_POST and after is None:
            after = m.text
        else:
            rest.append(m)
    return before, after, rest


class _Rows:
    """Turn chosen units into memory_unit rows (tuples in :data:`COLUMNS` order).

    Everything that repeats is prepared once: language tags, the import time, and the
    ``extra`` JSON of units that carry nothing but their two languages (most of them).
    """

    def __init__(self, inserter: UnitInserter, *, memory_id: int, now: dt.datetime) -> None:
        self._inserter = inserter
        self._memory_id = memory_id
        self._now = inserter.moment(now)
        self._tags: dict[str, str] = {}
        self._plain_extra: dict[tuple[str, str], Any] = {}

    def row(self, unit: TmxUnit, source: Variant, target: Variant) -> tuple[Any, ...]:
        """Return the ``memory_unit`` row for ``unit`` with ``source`` and ``target`` chosen."""
        attrs = unit.attrs
        date = self._inserter.tmx_date
        created, changed = date(attrs.get("creationdate")), date(attrs.get("changedate"))
        used = date(attrs.get("lastusagedate"))
        usage = attrs.get("usagecount", "")
        usage_count = int(usage) if usage.isdigit() else None
        rest: dict[str, str] = {}
        unread = ((created is None and "creationdate" in attrs)
                  or (changed is None and "changedate" in attrs)
                  or (used is None and "lastusagedate" in attrs)
                  or (usage_count is None and "usagecount" in attrs))
        if unread or not attrs.keys() <= _COLUMN_ATTRS:
            rest = {k: v for k, v in attrs.items() if k not in TEXT_COLUMNS}
            for attr, value in (("creationdate", created), ("changedate", changed),
                                ("lastusagedate", used), ("usagecount", usage_count)):
                if value is not None:
                    del rest[attr]
        before = after = None
        meta: list[Meta] = []
        if unit.meta:
            before, after, meta = _split_context(unit.meta)
        text, translation = source.text.strip(), target.text.strip()
        if (rest or meta or len(unit.variants) > 2 or source.attrs or source.meta
                or target.attrs or target.meta):
            extra = self._inserter.json(_extra(unit, source, target, rest, meta))
        else:
            extra = self._plain(source.raw_lang, target.raw_lang)
        return (self._memory_id, attrs.get("tuid"), self._tag(source.lang),
                self._tag(target.lang), text, translation, source.markup, target.markup,
                source_key(text), before, after, created, attrs.get("creationid"), changed,
                attrs.get("changeid"), usage_count, used, extra, self._now)

    def _tag(self, lang: str) -> str:
        tag = self._tags.get(lang)
        if tag is None:
            tag = self._tags[lang] = _tag(lang)
        return tag

    def _plain(self, src: str, tgt: str) -> Any:
        extra = self._plain_extra.get((src, tgt))
        if extra is None:
            extra = self._inserter.json({"src": {"lang": src}, "tgt": {"lang": tgt}})
            if len(self._plain_extra) < _PLAIN_EXTRA_CACHE:
                self._plain_extra[src, tgt] = extra
        return extra


# tu attributes that go to columns of their own (the rest stay in ``extra``).
_COLUMN_ATTRS = frozenset({*TEXT_COLUMNS, *DATE_COLUMNS, "usagecount"})
# Language pairs whose plain extra is remembered; a file has a handful.
_PLAIN_EXTRA_CACHE = 256


def _extra(unit: TmxUnit, source: Variant, target: Variant, attrs: dict[str, str],
           meta: list[Meta]) -> dict[str, Any]:
    extra: dict[str, Any] = {"src": _variant_extra(source), "tgt": _variant_extra(target)}
    if attrs:
        extra["tu_attrs"] = attrs
    if meta:
        extra["tu_meta"] = [m.as_json() for m in meta]
    others = [v.as_json() for v in unit.variants if v is not source and v is not target]
    if others:
        extra["others"] = others
    return extra


def _tag(lang: str) -> str:
    try:
        return normalize_lang(lang)
    except ValidationError:
        return lang


class _Rejects:
    """Skipped units written to a TMX file, each with a note saying why."""

    def __init__(self, path: Path | None, srclang: str) -> None:
        self.path, self.count = path, 0
        self._partial = path.with_name(path.name + ".partial") if path else None
        self._writer: TmxWriter | None = None
        self._srclang = srclang

    def add(self, unit: TmxUnit, reason: str) -> None:
        if self._partial is None:
            return
        if self._writer is None:
            self._writer = TmxWriter(self._partial, srclang=self._srclang).__enter__()
        note = Meta(kind="note", text=f"skipped by Sverka: {reason}")
        self._writer.write(TmxUnit(variants=unit.variants, attrs=unit.attrs,
                                   meta=(*unit.meta, note)))
        self.count += 1

    def finish(self, ok: bool) -> None:
        if self._partial is None or self.path is None:
            return
        if self._writer is None and ok:
            self._writer = TmxWriter(self._partial, srclang=self._srclang).__enter__()
        if self._writer is not None:
            self._writer.__exit__(None if ok else RuntimeError, None, None)
        if ok:
            os.replace(self._partial, self.path)
        elif self._partial.exists():
            self._partial.unlink()


def import_tmx(session: Session, path: str | Path, *, memory: str, src: str | None = None,
               tgt: str | None = None, on_duplicate: str = "keep-newest",
               rejects: str | Path | None = None,
               max_bytes: int | None = None) -> TmxImportReport:
    """Import the TMX file at ``path`` into ``memory`` in the caller's transaction."""
    started = time.perf_counter()
    if on_duplicate not in DUPLICATE_POLICIES:
        raise ValidationError(f"unknown duplicate policy {on_duplicate!r}: use one of "
                              + ", ".join(DUPLICATE_POLICIES))
    target_memory = get_or_create_memory(session, memory, src_lang=src or "ru",
                                         tgt_lang=tgt or "en")
    src_lang, tgt_lang = target_memory.src_lang, target_memory.tgt_lang
    for asked, have in ((src, src_lang), (tgt, tgt_lang)):
        if asked and primary_language(asked) != primary_language(have):
            raise ValidationError(f"memory {memory!r} is {src_lang}→{tgt_lang}; "
                                  f"cannot import {src}→{tgt} into it")
    reader = TmxReader(path, max_bytes=max_bytes)
    report = TmxImportReport(file=str(path), memory=memory, src_lang=src_lang,
                             tgt_lang=tgt_lang, on_duplicate=on_duplicate,
                             rejects=str(rejects) if rejects else None)
    rejected = _Rejects(Path(rejects) if rejects else None, src_lang)
    last_id = session.scalar(select(func.max(MemoryUnit.id))) or 0

    inserter = UnitInserter(session)
    builder = _Rows(inserter, memory_id=target_memory.id, now=utcnow())
    # Each unit's search keys are made while its row is (the source is in hand).
    terms = PendingTerms()

    def rows() -> Iterator[tuple[Any, ...]]:
        for unit in reader.units():
            source = pick_variant(unit.variants, src_lang)
            target = pick_variant(unit.variants, tgt_lang, exclude=source)
            reason = _skip_reason(source, target, src_lang, tgt_lang)
            if reason is not None:
                report.skipped[reason] += 1
                rejected.add(unit, reason)
                continue
            assert source is not None and target is not None
            report.imported += 1
            row = builder.row(unit, source, target)
            terms.add(row[_SOURCE])
            yield row

    ok = False
    try:
        unit_ids = inserter.insert(rows(), expected_rows=_size(path) // UNIT_BYTES_GUESS)
        report.duplicates, report.replaced = resolve_duplicates(
            session, target_memory.id, last_id, policy=on_duplicate)
        report.imported -= report.duplicates
        # Findable at once.
        if unit_ids is not None:
            terms.write(session, memory_id=target_memory.id, unit_ids=unit_ids,
                        dropped=report.duplicates > 0)
        else:  # the engine did not say which ids the units got: read them back
            index_units(session, memory_id=_index_scope(session, target_memory.id),
                        after_id=last_id)
        ok = True
    finally:
        terms.close()
        rejected.finish(ok)
    _describe(reader, report, src_lang)
    if target_memory.header is None and reader.header is not None:
        target_memory.header = reader.header.as_json()
    session.flush()
    report.seconds = time.perf_counter() - started
    return report


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


def _size(path: str | Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:  # the reader says what is wrong with the file
        return 0


def _describe(reader: TmxReader, report: TmxImportReport, src_lang: str) -> None:
    """Fill the report with what was decided about the file."""
    report.read = reader.tu_count
    report.encoding, report.tmx_version = reader.encoding, reader.version
    report.languages = dict(reader.languages)
    report.warnings.extend(reader.warnings)
    header_src = (reader.header.attrs.get("srclang") if reader.header else None) or ""
    if not header_src:
        report.warnings.append(f"the header has no srclang; {src_lang} was taken as the "
                               "source language")
    elif header_src.strip() == "*all*":
        report.warnings.append(f"the header's srclang is *all*; {src_lang} was taken as the "
                               "source language")
    elif _tag(header_src).split("-")[0].lower() != src_lang.split("-")[0].lower():
        report.warnings.append(f"the header's srclang is {header_src}, but {src_lang} was "
                               "taken as the source language as asked")
    for raw, mapped in reader.languages.items():
        if raw != mapped and raw.replace("_", "-").lower() != mapped.lower():
            report.warnings.append(f"language {raw!r} read as {mapped!r}")
